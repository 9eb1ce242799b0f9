'use strict';

/**
 * Built-in heartbeat (opt-in, `heartbeat: {interval, timeout}` in milliseconds): after
 * `interval` of silence from the peer a ping is sent; if nothing at all arrives within
 * `timeout` after it, the socket is terminated and emits `'close'` with 1006 and an empty
 * reason (no `'error'`). Any received byte counts as life.
 *
 * One timer per distinct `{interval, timeout}` in the process (a server's sockets share it,
 * and so do clients with the same settings), ticking every `min(interval, timeout) / 4`; a
 * socket costs a flag store per received chunk and a few comparisons per tick. Timers are
 * unref'd and stop when their last socket goes.
 */

/** Wheels by `interval:timeout`. */
const wheels = new Map();

class Wheel {
  /**
   * @param {Number} interval Silence before a ping, in ms
   * @param {Number} timeout Wait for any frame after the ping, in ms
   */
  constructor(interval, timeout) {
    this.interval = interval;
    this.timeout = timeout;
    this.key = interval + ':' + timeout;
    this.step = Math.max(1, Math.floor(Math.min(interval, timeout) / 4));
    this.sockets = new Set();
    this.timer = null;
  }

  add(ws) {
    ws._heartbeatSeen = false;
    ws._heartbeatIdleSince = Date.now();
    ws._heartbeatPingAt = 0;
    ws._heartbeatWheel = this;
    this.sockets.add(ws);
    if (this.timer === null) {
      this.timer = setInterval(tick, this.step, this);
      this.timer.unref();
    }
  }

  delete(ws) {
    ws._heartbeatWheel = null;
    this.sockets.delete(ws);
    if (this.sockets.size === 0) {
      clearInterval(this.timer);
      this.timer = null;
      wheels.delete(this.key);
    }
  }
}

/**
 * One tick: pings the quiet sockets, terminates those that did not answer in time.
 *
 * @param {Wheel} wheel The wheel
 * @private
 */
function tick(wheel) {
  const now = Date.now();
  for (const ws of wheel.sockets) {
    if (ws._heartbeatSeen) {
      ws._heartbeatSeen = false;
      ws._heartbeatIdleSince = now;
      ws._heartbeatPingAt = 0;
    } else if (ws._heartbeatPingAt !== 0) {
      if (now - ws._heartbeatPingAt >= wheel.timeout) {
        wheel.delete(ws);
        ws.terminate();
      }
    } else if (now - ws._heartbeatIdleSince >= wheel.interval && ws.readyState === 1) {
      ws._heartbeatPingAt = now;
      ws.ping();
    }
  }
}

/**
 * Puts a socket under heartbeat.
 *
 * @param {WebSocket} ws The socket (OPEN)
 * @param {Object} settings Validated `{interval, timeout}`
 */
function watch(ws, settings) {
  const key = settings.interval + ':' + settings.timeout;
  let wheel = wheels.get(key);
  if (wheel === undefined) {
    wheel = new Wheel(settings.interval, settings.timeout);
    wheels.set(key, wheel);
  }
  wheel.add(ws);
}

/**
 * Takes a socket out of its wheel (when it closes).
 *
 * @param {WebSocket} ws The socket
 */
function unwatch(ws) {
  if (ws._heartbeatWheel) ws._heartbeatWheel.delete(ws);
}

/**
 * Checks the `heartbeat` option.
 *
 * @param {*} value The option
 * @return {?Object} `{interval, timeout}`, or null when off
 * @throws {TypeError|RangeError} Naming the bad field
 */
function validate(value) {
  if (value === undefined || value === null || value === false) return null;
  if (typeof value !== 'object') {
    throw new TypeError('The "heartbeat" option must be an object: { interval, timeout }');
  }
  for (const field of ['interval', 'timeout']) {
    const n = value[field];
    if (typeof n !== 'number' || Number.isNaN(n)) {
      throw new TypeError(`The "heartbeat.${field}" option must be a number of milliseconds`);
    }
    if (!(n > 0) || n > 2147483647) {
      throw new RangeError(`The "heartbeat.${field}" option must be > 0 and <= 2147483647`);
    }
  }
  return { interval: value.interval, timeout: value.timeout };
}

module.exports = { watch, unwatch, validate, wheels };
