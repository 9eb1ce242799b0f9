'use strict';

/**
 * oxws main export: ONE callable function that is at once the module shape of `ws`,
 * `bufferutil` and `utf-8-validate` (and, as their issues land, `faye-websocket` and
 * `websocket-driver`), so npm `overrides` of any of those names to oxws need no code change.
 *
 * - `WebSocket(buffer)` without `new` on a Buffer/TypedArray/ArrayBuffer: the
 *   `utf-8-validate` verdict (a boolean).
 * - `WebSocket.mask` / `WebSocket.unmask`: the `bufferutil` functions.
 * - `WebSocket.isValidUTF8`: the `utf-8-validate` function.
 *
 * Statics are getters that load their module on first use, so `require('oxws')` in the
 * accelerator role stays cheap (the native addon loads on the first large input).
 */

const bufferutil = require('./lib/accel/bufferutil');
const isValidUTF8 = require('./lib/accel/utf-8-validate');

/**
 * The WebSocket class of the ws API, also callable as `isValidUTF8`.
 *
 * @param {*} address A Buffer/TypedArray/ArrayBuffer when called without `new`
 * @return {Boolean|undefined} The UTF-8 verdict when called as a function
 * @public
 */
function WebSocket(address) {
  if (!new.target) {
    if (ArrayBuffer.isView(address) || address instanceof ArrayBuffer) {
      return isValidUTF8(address);
    }
    throw new TypeError(
      "Class constructor WebSocket cannot be invoked without 'new'"
    );
  }
  throw new Error(
    'oxws: the ws-compatible WebSocket client/server is not available in this ' +
      'version; only the protocol core and the bufferutil / utf-8-validate APIs are'
  );
}

WebSocket.mask = bufferutil.mask;
WebSocket.unmask = bufferutil.unmask;
WebSocket.isValidUTF8 = isValidUTF8;
WebSocket.WebSocket = WebSocket;

module.exports = WebSocket;
