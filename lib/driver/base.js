'use strict';

/**
 * What every websocket-driver 0.8 driver shares (`driver/base.js`): options, the `io` and
 * `messages` streams, ready states, handshake headers, the queue of messages sent before the
 * connection opens, and the HTTP 400 answer to a failed server handshake.
 */

const { EventEmitter } = require('events');
const { validateOptions } = require('./options');
const { IO, Messages } = require('./streams');
const Headers = require('./headers');
const events = require('./events');

/** websocket-driver's default `maxLength`: 2^26 - 1 bytes (64 MiB). */
const MAX_LENGTH = 0x3ffffff;

/** Options every driver accepts. */
const VALID_OPTIONS = ['allowDrafts', 'maxLength', 'masking', 'requireMasking', 'protocols'];

const STATES = ['connecting', 'open', 'closing', 'closed'];

class Base extends EventEmitter {
  /**
   * @param {?Object} request The HTTP request (server side), else null
   * @param {?String} url The connection URL
   * @param {Object} [options] Driver options (see `VALID_OPTIONS`)
   */
  constructor(request, url, options) {
    super();

    this._request = request;
    this._options = validateOptions(options, VALID_OPTIONS);
    /** Largest message, in bytes (after decompression). Default 2^26 - 1. */
    this._maxLength = this._options.maxLength || MAX_LENGTH;
    this._headers = new Headers();
    this.__queue = [];
    this.readyState = 0;
    this.url = url;

    this.io = new IO(this);
    this.messages = new Messages(this);
    this._bindEventListeners();
  }

  /**
   * Whether an HTTP request asks for a WebSocket upgrade.
   *
   * @param {Object} request An `http.IncomingMessage`-like object
   * @return {Boolean} GET with `Connection: upgrade` and `Upgrade: websocket`
   */
  static isWebSocket(request) {
    const headers = request.headers || {};
    const connection = String(headers.connection || '').toLowerCase();
    const upgrade = String(headers.upgrade || '').toLowerCase();

    return (
      request.method === 'GET' &&
      connection.split(',').some((token) => token.trim() === 'upgrade') &&
      upgrade === 'websocket'
    );
  }

  _bindEventListeners() {
    // Protocol errors are informational and do not have to be handled.
    this.messages.on('error', () => {});

    this.on('message', (event) => {
      const messages = this.messages;
      if (messages.readable) messages.emit('data', event.data);
    });

    this.on('error', (error) => {
      const messages = this.messages;
      if (messages.readable) messages.emit('error', error);
    });

    this.on('close', () => {
      const messages = this.messages;
      if (!messages.readable) return;
      messages.readable = messages.writable = false;
      messages.emit('end');
    });
  }

  /** @return {?String} `connecting`, `open`, `closing`, `closed` (null before `start()` on a client) */
  getState() {
    return STATES[this.readyState] || null;
  }

  /** @return {Boolean} Whether the extension was added (drafts have none) */
  addExtension() {
    return false;
  }

  /**
   * Adds a header to the handshake; only before it is sent.
   *
   * @param {String} name The name
   * @param {*} value The value
   * @return {Boolean} Whether it was added
   */
  setHeader(name, value) {
    if (this.readyState > 0) return false;
    this._headers.set(name, value);
    return true;
  }

  /**
   * Server side: writes the handshake response (or a 400) to `io`.
   *
   * @return {Boolean} Whether the handshake was answered with an upgrade
   */
  start() {
    if (this.readyState !== 0) return false;

    if (!Base.isWebSocket(this._request))
      return this._failHandshake(new Error('Not a WebSocket request'));

    let response;
    try {
      response = this._handshakeResponse();
    } catch (error) {
      return this._failHandshake(error);
    }

    this._write(response);
    if (this._stage !== -1) this._open();
    return true;
  }

  _failHandshake(error) {
    const headers = new Headers();
    headers.set('Content-Type', 'text/plain');
    headers.set('Content-Length', Buffer.byteLength(error.message, 'utf8'));

    const lines = ['HTTP/1.1 400 Bad Request', headers.toString(), error.message];
    this._write(Buffer.from(lines.join('\r\n'), 'utf8'));
    this._fail('protocol_error', error.message);

    return false;
  }

  text(message) {
    return this.frame(message);
  }

  binary() {
    return false;
  }

  ping() {
    return false;
  }

  pong() {
    return false;
  }

  close() {
    if (this.readyState !== 1) return false;
    this.readyState = 3;
    this.emit('close', new events.CloseEvent(null, null));
    return true;
  }

  _open() {
    this.readyState = 1;
    const queue = this.__queue;
    this.__queue = [];
    for (const args of queue) this.frame(...args);
    this.emit('open', new events.OpenEvent());
  }

  _queue(message) {
    this.__queue.push(message);
    return true;
  }

  _write(chunk) {
    const io = this.io;
    if (io.readable) io.emit('data', chunk);
  }

  _fail(type, message) {
    this.readyState = 2;
    this.emit('error', new Error(message));
    this.close();
  }
}

Base.prototype.MAX_LENGTH = MAX_LENGTH;
Base.prototype.STATES = STATES;
Base.validateOptions = validateOptions;
Object.assign(Base, events);

module.exports = Base;
