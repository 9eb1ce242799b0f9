'use strict';

/**
 * faye-websocket's client (`new WebSocket.Client(url, protocols?, options?)`): connects
 * with `net` / `tls` (or through an HTTP `CONNECT` proxy, then TLS for `wss:`), on an oxws
 * client driver. `statusCode` and `headers` are set once the handshake succeeds or fails.
 *
 * Options: `headers`, `extensions`, `maxLength`, `ping`, `proxy: {origin, headers, tls}`,
 * `tls` (e.g. `{ca}`), legacy `ca`, `net` (e.g. `{family}`). Options are checked before any
 * connection is made, and every socket error ends as an `error` + `close` event, never as
 * an uncaught exception.
 */

const net = require('net');
const tls = require('tls');
const driver = require('../driver');
const API = require('./api');

const DEFAULT_PORTS = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };
const SECURE_PROTOCOLS = ['https:', 'wss:'];

/**
 * @param {String} url A URL
 * @return {?URL} It, parsed, or null
 * @private
 */
function parse(url) {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

class Client extends API {
  /**
   * @param {String} url A `ws:` or `wss:` URL
   * @param {(String|String[])} [protocols] Subprotocols to offer
   * @param {Object} [options] See the module docs
   */
  constructor(url, protocols, options) {
    super();
    options = API.checkOptions(options);

    this.url = url;
    this._driver = driver.client(this.url, { maxLength: options.maxLength, protocols });

    for (const event of ['open', 'error']) {
      this._driver.on(event, () => {
        this.headers = this._driver.headers;
        this.statusCode = this._driver.statusCode;
      });
    }

    const proxy = options.proxy || {};
    const endpoint = parse(proxy.origin || this.url);
    const port = Number(endpoint.port) || DEFAULT_PORTS[endpoint.protocol];
    const secure = SECURE_PROTOCOLS.includes(endpoint.protocol);
    const onConnect = () => this._onConnect();
    const netOptions = { ...(options.net || {}) };
    const originTLS = { ...(options.tls || {}) };
    const socketTLS = proxy.origin ? { ...(proxy.tls || {}) } : originTLS;
    const hostname = unbracket(endpoint.hostname);

    netOptions.host = socketTLS.host = hostname;
    netOptions.port = socketTLS.port = port;

    originTLS.ca = originTLS.ca || options.ca;
    socketTLS.servername = socketTLS.servername || (net.isIP(hostname) ? undefined : hostname);

    this._stream = secure ? tls.connect(socketTLS, onConnect) : net.connect(netOptions, onConnect);

    if (proxy.origin) this._configureProxy(proxy, originTLS);

    this._setup(options);
  }

  _onConnect() {
    const worker = this._proxy || this._driver;
    worker.start();
  }

  _configureProxy(proxy, originTLS) {
    const uri = parse(this.url);
    const secure = SECURE_PROTOCOLS.includes(uri.protocol);

    this._proxy = this._driver.proxy(proxy.origin);

    if (proxy.headers) {
      for (const name in proxy.headers) this._proxy.setHeader(name, proxy.headers[name]);
    }

    this._proxy.pipe(this._stream, { end: false });
    this._stream.pipe(this._proxy);

    this._proxy.on('connect', () => {
      this._stream.unpipe(this._proxy);
      if (secure) {
        const hostname = unbracket(uri.hostname);
        const options = { socket: this._stream, servername: net.isIP(hostname) ? undefined : hostname, ...originTLS };
        this._stream = tls.connect(options);
        this._configureStream();
      }
      this._driver.io.pipe(this._stream);
      this._stream.pipe(this._driver.io);
      this._driver.start();
    });

    this._proxy.on('error', (error) => {
      this._driver.emit('error', error);
      // The proxy's answer (set after the driver's 'error' listener, which copies the
      // driver's own, still empty, status).
      this.statusCode = this._proxy.statusCode;
      this.headers = this._proxy.headers;
      // The proxy refused: nothing more will come over this socket.
      this._beginClose('', 1006);
    });
  }
}

/**
 * `[::1]` → `::1` (URL keeps the brackets of IPv6 hosts).
 *
 * @param {String} host A URL hostname
 * @return {String} The host for `net.connect`
 * @private
 */
function unbracket(host) {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

module.exports = Client;
