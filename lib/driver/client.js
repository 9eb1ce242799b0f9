'use strict';

/**
 * The client driver (websocket-driver's `Client`): writes the handshake request on
 * `start()`, checks the server's response, then speaks hybi-13 with masked frames.
 */

const native = require('../native');
const HttpParser = require('./http-parser');
const Hybi = require('./hybi');
const Proxy = require('./proxy');
const events = require('./events');

const VALID_PROTOCOLS = ['ws:', 'wss:'];

class Client extends Hybi {
  /**
   * @param {String} url A `ws:` or `wss:` URL
   * @param {Object} [options] Driver options
   * @throws {Error} `<url> is not a valid WebSocket URL`
   */
  constructor(url, options) {
    super(null, url, options);
    this.version = 'hybi-' + Hybi.VERSION;

    this.readyState = -1;
    this._key = Client.generateKey();
    this._accept = Hybi.generateAccept(this._key);
    this._http = new HttpParser('response');

    const uri = Proxy.parseUrl(this.url);
    const auth = Proxy.urlAuthorization(uri);

    if (!uri || !VALID_PROTOCOLS.includes(uri.protocol))
      throw new Error(this.url + ' is not a valid WebSocket URL');

    this._pathname = (uri.pathname || '/') + (uri.search || '');

    this._headers.set('Host', uri.host);
    this._headers.set('Upgrade', 'websocket');
    this._headers.set('Connection', 'Upgrade');
    this._headers.set('Sec-WebSocket-Key', this._key);
    this._headers.set('Sec-WebSocket-Version', Hybi.VERSION);

    if (this._protocols.length > 0)
      this._headers.set('Sec-WebSocket-Protocol', this._protocols.join(', '));

    if (auth) this._headers.set('Authorization', auth);
  }

  /** @return {String} A fresh `Sec-WebSocket-Key` */
  static generateKey() {
    return native.generateKey();
  }

  /**
   * A CONNECT tunnel through an HTTP proxy, to run before `start()`.
   *
   * @param {String} origin The proxy URL
   * @param {Object} [options] Options
   * @return {Proxy} The proxy stream
   */
  proxy(origin, options) {
    return new Proxy(this, origin, options);
  }

  /** Writes the handshake request to `io`. */
  start() {
    if (this.readyState !== -1) return false;
    this._write(this._handshakeRequest());
    this.readyState = 0;
    return true;
  }

  /**
   * Feeds bytes: the handshake response first, then frames.
   *
   * @param {Buffer} chunk The bytes
   */
  parse(chunk) {
    if (this.readyState === 3) return;
    if (this.readyState > 0) return super.parse(chunk);

    this._http.parse(chunk);
    if (!this._http.isComplete()) return;

    this._validateHandshake();
    if (this.readyState === 3) return;

    this._open();
    this.parse(this._http.body);
  }

  _handshakeRequest() {
    const extensions = this._extensions.generateOffer();
    if (extensions) this._headers.set('Sec-WebSocket-Extensions', extensions);

    const lines = ['GET ' + this._pathname + ' HTTP/1.1', this._headers.toString(), ''];
    return Buffer.from(lines.join('\r\n'), 'utf8');
  }

  _failHandshake(message) {
    message = 'Error during WebSocket handshake: ' + message;
    this.readyState = 3;
    this.emit('error', new Error(message));
    this.emit('close', new events.CloseEvent(this.ERRORS.protocol_error, message));
  }

  _validateHandshake() {
    this.statusCode = this._http.statusCode;
    this.headers = this._http.headers;

    if (this._http.error) return this._failHandshake(this._http.error.message);

    if (this._http.statusCode !== 101)
      return this._failHandshake('Unexpected response code: ' + this._http.statusCode);

    const headers = this._http.headers;
    const upgrade = headers['upgrade'] || '';
    const connection = headers['connection'] || '';
    const accept = headers['sec-websocket-accept'] || '';
    const protocol = headers['sec-websocket-protocol'] || '';

    if (upgrade === '') return this._failHandshake("'Upgrade' header is missing");
    if (upgrade.toLowerCase() !== 'websocket')
      return this._failHandshake("'Upgrade' header value is not 'WebSocket'");

    if (connection === '') return this._failHandshake("'Connection' header is missing");
    if (connection.toLowerCase() !== 'upgrade')
      return this._failHandshake("'Connection' header value is not 'Upgrade'");

    if (accept !== this._accept) return this._failHandshake('Sec-WebSocket-Accept mismatch');

    this.protocol = null;

    if (protocol !== '') {
      if (!this._protocols.includes(protocol))
        return this._failHandshake('Sec-WebSocket-Protocol mismatch');
      this.protocol = protocol;
    }

    try {
      this._extensions.activate(this.headers['sec-websocket-extensions']);
    } catch (e) {
      return this._failHandshake(e.message);
    }
    this._extensionsNegotiated();
  }
}

Client.prototype.VALID_PROTOCOLS = VALID_PROTOCOLS;

module.exports = Client;
