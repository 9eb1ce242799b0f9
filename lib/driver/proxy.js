'use strict';

/**
 * An HTTP `CONNECT` tunnel for a client driver (websocket-driver's `Proxy`): a classic
 * stream that emits the CONNECT request on `start()`, reads the proxy's response from
 * `write()`, and emits `'connect'` on a 200 (else `'error'`).
 */

const { Stream } = require('stream');
const Headers = require('./headers');
const HttpParser = require('./http-parser');
const events = require('./events');

const PORTS = { 'ws:': 80, 'wss:': 443 };

class Proxy extends Stream {
  /**
   * @param {Object} client The client driver
   * @param {String} origin The proxy's URL
   * @param {Object} [options] Options
   */
  constructor(client, origin, options) {
    super();
    this._client = client;
    this._http = new HttpParser('response');
    this._origin = Proxy.parseUrl(client.url);
    this._url = Proxy.parseUrl(origin);
    this._options = options || {};
    this._state = 0;

    this.readable = this.writable = true;
    this._paused = false;

    this._headers = new Headers();
    this._headers.set('Host', this._origin.host);
    this._headers.set('Connection', 'keep-alive');
    this._headers.set('Proxy-Connection', 'keep-alive');

    const auth = Proxy.urlAuthorization(this._url);
    if (auth) this._headers.set('Proxy-Authorization', auth);
  }

  /**
   * @param {(String|URL|Object)} uri A URL
   * @return {?URL} The parsed URL, or null
   */
  static parseUrl(uri) {
    if (uri !== null && typeof uri === 'object') uri = uri.href;
    if (typeof uri !== 'string') return null;

    try {
      return new URL(uri);
    } catch {
      return null;
    }
  }

  /**
   * @param {?URL} uri A URL
   * @return {?String} A Basic `Authorization` value from its user and password
   */
  static urlAuthorization(uri) {
    if (!uri) return null;

    let auth = null;
    if (uri.auth) auth = uri.auth;
    if (uri.username && uri.password) auth = uri.username + ':' + uri.password;
    if (!auth) return null;

    return 'Basic ' + Buffer.from(auth, 'utf8').toString('base64');
  }

  setHeader(name, value) {
    if (this._state !== 0) return false;
    this._headers.set(name, value);
    return true;
  }

  /** Emits the CONNECT request. */
  start() {
    if (this._state !== 0) return false;
    this._state = 1;

    const origin = this._origin;
    const port = origin.port || PORTS[origin.protocol];
    const lines = ['CONNECT ' + origin.hostname + ':' + port + ' HTTP/1.1', this._headers.toString(), ''];

    this.emit('data', Buffer.from(lines.join('\r\n'), 'utf8'));
    return true;
  }

  pause() {
    this._paused = true;
  }

  resume() {
    this._paused = false;
    this.emit('drain');
  }

  /**
   * Bytes from the proxy.
   *
   * @param {Buffer} chunk The bytes
   * @return {Boolean} Whether the source may keep writing
   */
  write(chunk) {
    if (!this.writable) return false;

    this._http.parse(chunk);
    if (!this._http.isComplete()) return !this._paused;

    this.statusCode = this._http.statusCode;
    this.headers = this._http.headers;

    if (this.statusCode === 200) {
      this.emit('connect', new events.ConnectEvent());
    } else {
      const message = "Can't establish a connection to the server at " + this._origin.href;
      this.emit('error', new Error(message));
    }
    this.end();
    return !this._paused;
  }

  end(chunk) {
    if (!this.writable) return;
    if (chunk !== undefined) this.write(chunk);
    this.readable = this.writable = false;
    this.emit('close');
    this.emit('end');
  }

  destroy() {
    this.end();
  }
}

module.exports = Proxy;
