'use strict';

/**
 * faye-websocket's server-side EventSource (`require('oxws/eventsource')`): answers a
 * `text/event-stream` request on the raw socket, then writes events.
 *
 * `new EventSource(request, response, {headers, retry = 5 (s), ping = 10 (s)})`;
 * `send(message, {event, id})` splits multi-line data into `data:` lines; `ping()` writes a
 * comment; `lastEventId` comes from the `Last-Event-ID` header.
 */

const { Stream } = require('stream');
const driver = require('../driver');
const Headers = require('../driver/headers');
const API = require('./api');
const Event = require('./event');
const EventTarget = require('./event-target');

/** Seconds between keep-alive comments. */
const DEFAULT_PING = 10;
/** Seconds the browser waits before reconnecting (the `retry:` field). */
const DEFAULT_RETRY = 5;

class EventSource extends Stream {
  /**
   * @param {http.IncomingMessage} request The request
   * @param {http.ServerResponse} response Its response (its socket is written directly)
   * @param {Object} [options] `headers`, `retry`, `ping`
   */
  constructor(request, response, options) {
    super();
    this.writable = true;
    options = options || {};

    this._stream = response.socket;
    this._ping = options.ping || DEFAULT_PING;
    this._retry = options.retry || DEFAULT_RETRY;
    this._pingTimer = null;
    /** What this tick wrote, not yet handed to the socket (`null`: nothing). */
    this._pending = null;
    /** A send() of this tick returned false (so `'drain'` must follow). */
    this._owesDrain = false;

    const scheme = driver.isSecureRequest(request) ? 'https:' : 'http:';
    this.url = scheme + '//' + request.headers.host + request.url;
    this.lastEventId = request.headers['last-event-id'] || '';
    this.readyState = API.CONNECTING;

    const headers = new Headers();
    if (options.headers) {
      for (const key in options.headers) headers.set(key, options.headers[key]);
    }

    if (!this._stream || !this._stream.writable) return;
    process.nextTick(() => this._open());

    this._stream.setTimeout(0);
    this._stream.setNoDelay(true);

    const handshake =
      'HTTP/1.1 200 OK\r\n' +
      'Content-Type: text/event-stream\r\n' +
      'Cache-Control: no-cache, no-store\r\n' +
      'Connection: close\r\n' +
      headers.toString() +
      '\r\n' +
      'retry: ' + Math.floor(this._retry * 1000) + '\r\n\r\n';

    this._write(handshake);

    this._stream.on('drain', () => this.emit('drain'));

    if (this._ping) this._pingTimer = setInterval(() => this.ping(), this._ping * 1000);

    this._stream.on('error', () => this.close());
    this._stream.on('end', () => this.close());
  }

  /**
   * @param {Object} request An HTTP request
   * @return {Boolean} A GET that accepts `text/event-stream`
   */
  static isEventSource(request) {
    if (request.method !== 'GET') return false;
    const accept = String(request.headers.accept || '').split(',').map((s) => s.trim());
    return accept.includes('text/event-stream');
  }

  /**
   * Queues `chunk` for the socket. Everything written in one tick is joined into one string
   * and handed to the socket at the end of the tick (one `write`, one syscall).
   *
   * @param {String} chunk The text
   * @return {Boolean} Writable.write()'s answer for the socket with this tick's text counted:
   *   false once that reaches the socket's high-water mark; `'drain'` then follows (the
   *   socket's, re-emitted, or this source's own when the socket takes the text at once)
   * @private
   */
  _write(chunk) {
    if (!this.writable) return false;
    if (this._pending === null) {
      this._pending = chunk;
      process.nextTick(flush, this);
    } else {
      this._pending += chunk;
    }
    const stream = this._stream;
    // Writable.write()'s own test, with this tick's text counted (a net.Socket does not
    // decode strings, so a string counts its length).
    const ok = (stream.writableLength || 0) + this._pending.length < (stream.writableHighWaterMark || 16384);
    if (!ok) this._owesDrain = true;
    return ok;
  }

  /** Hands this tick's text to the socket. @private */
  _flush() {
    const chunk = this._pending;
    if (chunk === null) return;
    this._pending = null;
    const owed = this._owesDrain;
    this._owesDrain = false;
    try {
      const written = this._stream.write(chunk, 'utf8');
      // A send() of this tick said false: 'drain' follows, from the socket or (when the
      // socket took it all) from here.
      if (owed && written) process.nextTick(emitDrain, this);
    } catch {
      // A socket that cannot be written is closed by its 'error' / 'end' listeners.
    }
  }

  _open() {
    if (this.readyState !== API.CONNECTING) return;
    this.readyState = API.OPEN;
    this.dispatchEvent(Event.create('open'));
  }

  write(message) {
    return this.send(message);
  }

  end(message) {
    if (message !== undefined) this.write(message);
    this.close();
  }

  /**
   * Sends one event.
   *
   * @param {*} message The data (line breaks start new `data:` lines)
   * @param {Object} [options] `event` (type) and `id`
   * @return {Boolean} False once closed, or when the socket is backed up
   */
  send(message, options) {
    if (this.readyState > API.OPEN) return false;

    message = splitLines(String(message));
    options = options || {};

    let frame = '';
    if (options.event) frame += 'event: ' + options.event + '\r\n';
    if (options.id) frame += 'id: ' + options.id + '\r\n';
    frame += 'data: ' + message + '\r\n\r\n';

    return this._write(frame);
  }

  /** Writes a keep-alive comment. */
  ping() {
    return this._write(':\r\n\r\n');
  }

  close() {
    if (this.readyState > API.OPEN) return false;

    this.readyState = API.CLOSED;
    this.writable = false;
    if (this._pingTimer) clearInterval(this._pingTimer);
    if (this._stream) {
      this._flush();
      this._stream.end();
    }

    this.dispatchEvent(Event.create('close'));
    return true;
  }
}

/**
 * Writes what an EventSource queued this tick.
 *
 * @param {EventSource} source The source
 * @private
 */
function flush(source) {
  source._flush();
}

/**
 * Emits `'drain'` on an EventSource whose socket took a backed-up tick at once.
 *
 * @param {EventSource} source The source
 * @private
 */
function emitDrain(source) {
  if (source.readyState <= API.OPEN) source.emit('drain');
}

/**
 * Puts `data: ` after every line break (CRLF, CR or LF), keeping the break.
 *
 * @param {String} message The data
 * @return {String} The data with continuation prefixes
 * @private
 */
function splitLines(message) {
  if (message.indexOf('\n') === -1 && message.indexOf('\r') === -1) return message;
  let out = '';
  let start = 0;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c === 0x0d || c === 0x0a) {
      const end = c === 0x0d && message.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1;
      out += message.slice(start, end) + 'data: ';
      start = end;
      i = end - 1;
    }
  }
  return out + message.slice(start);
}

Object.assign(EventSource.prototype, EventTarget);
EventSource.prototype.DEFAULT_PING = DEFAULT_PING;
EventSource.prototype.DEFAULT_RETRY = DEFAULT_RETRY;

module.exports = EventSource;
