'use strict';

/**
 * The websocket-driver 0.8 API (`require('oxws/driver')`): protocol drivers with pluggable
 * I/O. Give a driver bytes (`driver.io.write()` / `driver.parse()`); it emits messages and
 * the bytes to send (`driver.io` `'data'`).
 *
 * - `client(url, options)`: a client (frames masked by default)
 * - `server(options)`: a raw-TCP server that reads the HTTP request itself
 * - `http(request, options)`: a server driver for a request Node's `http` already parsed
 * - `isWebSocket(request)`, `isSecureRequest(request)`, `validateOptions(options, keys)`
 */

const Base = require('./base');
const Client = require('./client');
const Server = require('./server');

const Driver = {
  /**
   * @param {String} url A `ws:` / `wss:` URL
   * @param {Object} [options] `maxLength`, `protocols`, `masking` (default true)
   * @return {Client} The driver
   */
  client(url, options) {
    options = options || {};
    if (options.masking === undefined) options.masking = true;
    return new Client(url, options);
  },

  /**
   * @param {Object} [options] `maxLength`, `protocols`, `requireMasking` (default true),
   *     `allowDrafts` (default false)
   * @return {Server} The driver
   */
  server(options) {
    options = options || {};
    if (options.requireMasking === undefined) options.requireMasking = true;
    return new Server(options);
  },

  /**
   * @param {Object} request An `http.IncomingMessage`
   * @param {Object} [options] As for `server()`
   * @return {Base} A hybi (or, with `allowDrafts`, hixie) driver
   */
  http(request, options) {
    return Server.http(request, options);
  },

  isSecureRequest(request) {
    return Server.isSecureRequest(request);
  },

  isWebSocket(request) {
    return Base.isWebSocket(request);
  },

  validateOptions(options, validKeys) {
    return Base.validateOptions(options, validKeys);
  }
};

module.exports = Driver;
