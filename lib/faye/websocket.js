'use strict';

/**
 * faye-websocket's server socket (`require('oxws/faye')`):
 * `new WebSocket(request, socket, body, protocols?, options?)` from an HTTP `upgrade`
 * handler, on an oxws driver.
 */

const driver = require('../driver');
const API = require('./api');

class WebSocket extends API {
  /**
   * @param {http.IncomingMessage} request The upgrade request
   * @param {net.Socket} socket The socket
   * @param {Buffer} body The bytes after the request head
   * @param {(String|String[])} [protocols] Subprotocols the server supports
   * @param {Object} [options] `headers`, `extensions`, `maxLength`, `ping`, `allowDrafts`
   */
  constructor(request, socket, body, protocols, options) {
    super();
    options = API.checkOptions(options);

    this._stream = socket;
    this._driver = driver.http(request, {
      maxLength: options.maxLength,
      protocols,
      allowDrafts: options.allowDrafts
    });

    if (!this._stream || !this._stream.writable) return;
    if (!this._stream.readable) {
      this._stream.end();
      return;
    }

    const catchup = () => this._stream.removeListener('data', catchup);
    this._stream.on('data', catchup);

    this._setup(options);

    process.nextTick(() => {
      this._driver.start();
      this._driver.io.write(body);
    });
  }

  /**
   * @param {Object} request An HTTP request
   * @return {Boolean} Whether it asks for a WebSocket upgrade
   */
  static isWebSocket(request) {
    return driver.isWebSocket(request);
  }

  /**
   * Throws on keys not in `validKeys` (returns nothing, as faye).
   *
   * @param {Object} options Options
   * @param {String[]} validKeys Allowed keys
   */
  static validateOptions(options, validKeys) {
    driver.validateOptions(options, validKeys);
  }
}

WebSocket.WebSocket = WebSocket;

module.exports = WebSocket;
