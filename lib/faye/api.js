'use strict';

/**
 * What faye-websocket's server and client sockets share (`websocket/api.js`): a classic
 * Stream wrapping a driver and a socket, with faye's event objects, `send()` that queues
 * while connecting, `ping(message, callback)` answered by the matching pong, the close
 * rule (1000 or 3000-4999), a 30 s close timeout ending in 1006, and optional pings every
 * `ping` seconds.
 *
 * Differences from upstream (bugs not copied): `bufferedAmount` is real (bytes queued to
 * the socket, upstream always 0); the `net` and `allowDrafts` options are accepted.
 */

const { Stream } = require('stream');
const { validateOptions } = require('../driver/options');
const Event = require('./event');
const EventTarget = require('./event-target');

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** How long `close()` waits for the peer's close frame before giving up with 1006. */
const CLOSE_TIMEOUT = 30000;

/** Options faye sockets accept (upstream's list plus `net` and `allowDrafts`). */
const VALID_OPTIONS = ['headers', 'extensions', 'maxLength', 'ping', 'proxy', 'tls', 'ca', 'net', 'allowDrafts'];

class API extends Stream {
  /**
   * Validates options; call before any socket is created, so that a bad option throws
   * without leaving a connection behind.
   *
   * @param {Object} [options] Socket options
   * @return {Object} The options
   */
  static checkOptions(options) {
    return validateOptions(options, VALID_OPTIONS);
  }

  /**
   * Wires `this._driver` and `this._stream` (set by the subclass first).
   *
   * @param {Object} options Socket options
   */
  _setup(options) {
    this.readable = this.writable = true;

    const headers = options.headers;
    if (headers) {
      for (const name in headers) this._driver.setHeader(name, headers[name]);
    }

    const extensions = options.extensions;
    if (extensions) {
      for (const ext of [].concat(extensions)) this._driver.addExtension(ext);
    }

    this._ping = options.ping;
    this._pingId = 0;
    this._pingTimer = null;
    this._closeTimer = null;
    this._closeParams = null;
    this.readyState = CONNECTING;
    this.protocol = '';
    this.url = this._driver.url;
    this.version = this._driver.version;

    this._driver.on('open', () => this._open());
    this._driver.on('message', (e) => this._receiveMessage(e.data));
    this._driver.on('close', (e) => this._beginClose(e.reason, e.code));
    this._driver.on('error', (error) => this._emitError(error.message));
    this.on('error', () => {});

    this._driver.messages.on('drain', () => this.emit('drain'));

    if (this._ping) {
      this._pingTimer = setInterval(() => {
        this._pingId += 1;
        this.ping(this._pingId.toString());
      }, this._ping * 1000);
    }

    this._configureStream();

    if (!this._proxy) {
      this._stream.pipe(this._driver.io);
      this._driver.io.pipe(this._stream);
    }
  }

  /**
   * Bytes sent but not yet handed to the operating system: what the socket buffers, plus
   * messages queued while connecting.
   *
   * @type {Number}
   */
  get bufferedAmount() {
    const stream = this._stream;
    let queued = 0;
    const queue = this._driver && this._driver.__queue;
    if (queue) {
      for (const args of queue) {
        const data = args[0];
        queued += typeof data === 'string' ? Buffer.byteLength(data) : (data && data.length) || 0;
      }
    }
    return queued + (stream && typeof stream.writableLength === 'number' ? stream.writableLength : 0);
  }

  write(data) {
    return this.send(data);
  }

  end(data) {
    if (data !== undefined) this.send(data);
    this.close();
  }

  pause() {
    return this._driver.messages.pause();
  }

  resume() {
    return this._driver.messages.resume();
  }

  /**
   * Sends a message: Buffers as binary, anything else as text. Queued while connecting.
   *
   * @param {*} data The message
   * @return {Boolean} False once closing, or when the socket is backed up
   */
  send(data) {
    if (this.readyState > OPEN) return false;
    if (!Buffer.isBuffer(data)) data = String(data);
    return this._driver.messages.write(data);
  }

  /**
   * @param {String} [message] The payload
   * @param {Function} [callback] Called when the matching pong arrives
   * @return {Boolean} False once closing
   */
  ping(message, callback) {
    if (this.readyState > OPEN) return false;
    return this._driver.ping(message, callback);
  }

  /**
   * Starts the closing handshake.
   *
   * @param {Number} [code=1000] 1000 or 3000-4999
   * @param {String} [reason='']
   * @throws {Error} For any other code
   */
  close(code, reason) {
    if (code === undefined) code = 1000;
    if (reason === undefined) reason = '';

    if (code !== 1000 && (code < 3000 || code > 4999))
      throw new Error(
        "Failed to execute 'close' on WebSocket: " +
          'The code must be either 1000, or between 3000 and 4999. ' +
          code +
          ' is neither.'
      );

    if (this.readyState < CLOSING) {
      this._closeTimer = setTimeout(() => this._beginClose('', 1006), API.CLOSE_TIMEOUT);
    }

    if (this.readyState !== CLOSED) this.readyState = CLOSING;

    this._driver.close(reason, code);
  }

  _configureStream() {
    if (typeof this._stream.setTimeout === 'function') this._stream.setTimeout(0);
    if (typeof this._stream.setNoDelay === 'function') this._stream.setNoDelay(true);

    const finalize = () => this._finalizeClose();
    this._stream.on('close', finalize);
    this._stream.on('end', finalize);

    this._stream.on('error', (error) => {
      this._emitError('Network error: ' + this.url + ': ' + error.message);
      this._finalizeClose();
    });
  }

  _open() {
    if (this.readyState !== CONNECTING) return;

    this.readyState = OPEN;
    this.protocol = this._driver.protocol || '';

    this.dispatchEvent(Event.create('open'));
  }

  _receiveMessage(data) {
    if (this.readyState > OPEN) return false;

    if (this.readable) this.emit('data', data);

    this.dispatchEvent(Event.create('message', { data }));
  }

  _emitError(message) {
    if (this.readyState >= CLOSING) return;

    this.dispatchEvent(Event.create('error', { message }));
  }

  _beginClose(reason, code) {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    this._closeParams = [reason, code];

    if (this._stream) {
      this._stream.destroy();
      if (!this._stream.readable) this._finalizeClose();
    }
  }

  _finalizeClose() {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;

    if (this._closeTimer) clearTimeout(this._closeTimer);
    if (this._pingTimer) clearInterval(this._pingTimer);
    if (this._stream) this._stream.end();

    if (this.readable) this.emit('end');
    this.readable = this.writable = false;

    const reason = this._closeParams ? this._closeParams[0] : '';
    const code = this._closeParams ? this._closeParams[1] : 1006;

    this.dispatchEvent(Event.create('close', { code, reason }));
  }
}

Object.assign(API.prototype, EventTarget);

API.CONNECTING = CONNECTING;
API.OPEN = OPEN;
API.CLOSING = CLOSING;
API.CLOSED = CLOSED;
API.CLOSE_TIMEOUT = CLOSE_TIMEOUT;

module.exports = API;
