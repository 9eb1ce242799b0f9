'use strict';

/**
 * Server drivers (websocket-driver's `Server`): `Server.http(request)` picks the protocol
 * for an already-parsed HTTP request; `new Server(options)` (`driver.server()`) reads the
 * request from raw TCP bytes itself, emits `'connect'`, then delegates everything to the
 * driver `Server.http` chose. Calls made before that are queued.
 */

const HttpParser = require('./http-parser');
const Base = require('./base');
const Draft75 = require('./draft75');
const Draft76 = require('./draft76');
const Hybi = require('./hybi');
const events = require('./events');

const EVENTS = ['open', 'message', 'error', 'close', 'ping', 'pong'];
const DELEGATED = ['addExtension', 'setHeader', 'start', 'frame', 'text', 'binary', 'ping', 'close'];

class Server extends Base {
  /** @param {Object} [options] Driver options */
  constructor(options) {
    // Base's constructor sets readyState (through the accessor below) before any field.
    super(null, null, options);
    this._http = new HttpParser('request');
  }

  /**
   * The delegate's ready state once the request has been read (upstream keeps reporting
   * 0 forever on the server object; that bug is not copied).
   *
   * @type {Number}
   */
  get readyState() {
    return this._delegate ? this._delegate.readyState : this._readyState;
  }

  set readyState(value) {
    this._readyState = value;
  }

  _bindEventListeners() {
    this.messages.on('error', () => {});
    this.on('error', () => {});
  }

  /**
   * Feeds bytes: the HTTP request first, then the protocol's.
   *
   * @param {Buffer} chunk The bytes
   */
  parse(chunk) {
    if (this._delegate) return this._delegate.parse(chunk);

    this._http.parse(chunk);
    if (!this._http.isComplete()) return;

    this.method = this._http.method;
    this.url = this._http.url;
    this.headers = this._http.headers;
    this.body = this._http.body;

    this._delegate = Server.http(this, this._options);
    this._delegate.messages = this.messages;
    this._delegate.io = this.io;
    // Forward events before replaying queued calls (upstream binds after, losing an
    // 'open' from a start() queued before the request arrived).
    for (const event of EVENTS) {
      this._delegate.on(event, (e) => this.emit(event, e));
    }
    this._open();

    this.protocol = this._delegate.protocol;
    this.version = this._delegate.version;

    this.parse(this._http.body);
    this.emit('connect', new events.ConnectEvent());
  }

  _open() {
    const queue = this.__queue;
    this.__queue = [];
    for (const [method, args] of queue) this._delegate[method](...args);
  }

  /**
   * Whether a request came over TLS (directly or as reported by a proxy header).
   *
   * @param {Object} request The request
   * @return {Boolean} Whether it is secure
   */
  static isSecureRequest(request) {
    if (request.connection && request.connection.authorized !== undefined) return true;
    if (request.socket && request.socket.secure) return true;

    const headers = request.headers;
    if (!headers) return false;
    if (headers['https'] === 'on') return true;
    if (headers['x-forwarded-ssl'] === 'on') return true;
    if (headers['x-forwarded-scheme'] === 'https') return true;
    if (headers['x-forwarded-proto'] === 'https') return true;

    return false;
  }

  /**
   * @param {Object} request The request
   * @return {String} `ws(s)://host/path`
   */
  static determineUrl(request) {
    const scheme = this.isSecureRequest(request) ? 'wss:' : 'ws:';
    return scheme + '//' + request.headers.host + request.url;
  }

  /**
   * The driver for an HTTP upgrade request: hybi, or a hixie draft when `allowDrafts` is set
   * and the request has no `Sec-WebSocket-Version` / `-Key`.
   *
   * @param {Object} request The request (`method`, `url`, `headers`)
   * @param {Object} [options] Driver options
   * @return {Base} The driver
   */
  static http(request, options) {
    options = options || {};
    if (options.requireMasking === undefined) options.requireMasking = true;

    const headers = request.headers;
    const version = headers['sec-websocket-version'];
    const key = headers['sec-websocket-key'];
    const key1 = headers['sec-websocket-key1'];
    const key2 = headers['sec-websocket-key2'];
    const url = this.determineUrl(request);

    if (!options.allowDrafts || version || key) return new Hybi(request, url, options);

    if (key1 || key2) return new Draft76(request, url, options);
    return new Draft75(request, url, options);
  }
}

for (const method of DELEGATED) {
  Server.prototype[method] = function (...args) {
    if (this._delegate) return this._delegate[method](...args);
    this.__queue.push([method, args]);
    return true;
  };
}

Server.prototype.EVENTS = EVENTS;

module.exports = Server;
