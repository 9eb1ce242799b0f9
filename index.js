'use strict';

/**
 * oxws main export: ONE callable function that is at once the module shape of `ws`,
 * `faye-websocket`, `websocket-driver`, `bufferutil` and `utf-8-validate`, so npm
 * `overrides` of any of those names to oxws need no code change.
 *
 * - `new WebSocket(address, protocols?, options?)`: the ws client; `new WebSocket(null,
 *   undefined, options)`: a server-side socket (as `WebSocketServer` creates them).
 *   `class X extends WebSocket` works, and `instanceof` agrees with the ws class.
 * - `new WebSocket(request, socket, body, protocols?, options?)`: a faye-websocket server
 *   socket (the constructor returns that object), `WebSocket.Client`: faye's client,
 *   `WebSocket.EventSource`: faye's EventSource.
 * - `WebSocket(buffer)` without `new` on a Buffer/TypedArray/ArrayBuffer: the
 *   `utf-8-validate` verdict (a boolean).
 * - Statics: ws's (`WebSocketServer`, `Server`, `createWebSocketStream`, `Receiver`,
 *   `Sender`, `extension`, `subprotocol`, `PerMessageDeflate`, ready-state constants),
 *   faye-websocket's (`Client`, `EventSource`), websocket-driver's (`client`, `server`,
 *   `http`, `isWebSocket`, `isSecureRequest`, `validateOptions`; faye's `isWebSocket` and
 *   `validateOptions` are the same) and bufferutil's `mask` / `unmask`, plus `isValidUTF8`.
 *
 * Heavy parts load on first use (getters), so `require('oxws')` in the accelerator role
 * stays cheap: the native addon loads only with the first connection or large input.
 */

const bufferutil = require('./lib/accel/bufferutil');
const isValidUTF8 = require('./lib/accel/utf-8-validate');
const WsWebSocket = require('./lib/ws/websocket');

/**
 * The ws `WebSocket` class, also callable as `isValidUTF8`.
 *
 * @param {(String|URL|null|Uint8Array)} address The URL, `null` for a server-side socket,
 *     or bytes to validate when called without `new`
 * @param {(String|String[]|Object)} [protocols] Subprotocols, or the options
 * @param {Object} [options] Connection options (ws's)
 * @return {(WebSocket|Boolean)} The socket, or the UTF-8 verdict without `new`
 * @public
 */
function WebSocket(address, protocols, options) {
  if (isFayeServerCall(address, protocols)) {
    // faye-websocket: new WebSocket(request, socket, body, protocols?, options?). A
    // constructor may return another object: the faye socket, with faye's semantics.
    const FayeWebSocket = require('./lib/faye/websocket');
    return new FayeWebSocket(...arguments);
  }
  if (!new.target) {
    if (ArrayBuffer.isView(address) || address instanceof ArrayBuffer) {
      return isValidUTF8(address);
    }
    throw new TypeError("Class constructor WebSocket cannot be invoked without 'new'");
  }
  return Reflect.construct(WsWebSocket, arguments, new.target);
}

/**
 * Whether the arguments are faye-websocket's server form: an HTTP request (an object with
 * `headers`, not a URL) and a socket (a stream).
 *
 * @param {*} address The first argument
 * @param {*} socket The second argument
 * @return {Boolean} Whether to build a faye socket
 * @private
 */
function isFayeServerCall(address, socket) {
  return (
    address !== null &&
    typeof address === 'object' &&
    !(address instanceof URL) &&
    typeof address.headers === 'object' &&
    socket !== null &&
    typeof socket === 'object' &&
    typeof socket.pipe === 'function'
  );
}

WebSocket.prototype = WsWebSocket.prototype;
Object.defineProperty(WebSocket.prototype, 'constructor', {
  configurable: true,
  writable: true,
  value: WebSocket
});
Object.setPrototypeOf(WebSocket, WsWebSocket);

/**
 * Defines a static that requires its module on first access.
 *
 * @param {String} name The property
 * @param {Function} load Returns the value
 * @private
 */
function lazy(name, load) {
  Object.defineProperty(WebSocket, name, {
    configurable: true,
    enumerable: true,
    get() {
      const value = load();
      Object.defineProperty(WebSocket, name, { configurable: true, enumerable: true, writable: true, value });
      return value;
    }
  });
}

lazy('WebSocketServer', () => require('./lib/ws/websocket-server'));
lazy('Server', () => require('./lib/ws/websocket-server'));
lazy('createWebSocketStream', () => require('./lib/ws/stream'));
lazy('Receiver', () => require('./lib/ws/receiver'));
lazy('Sender', () => require('./lib/ws/sender'));
lazy('extension', () => require('./lib/ws/extension'));
lazy('subprotocol', () => require('./lib/ws/subprotocol'));
lazy('PerMessageDeflate', () => require('./lib/ws/permessage-deflate'));
lazy('broadcast', () => require('./lib/ws/broadcast'));

for (const [name, value] of [['CONNECTING', 0], ['OPEN', 1], ['CLOSING', 2], ['CLOSED', 3]]) {
  Object.defineProperty(WebSocket, name, { enumerable: true, value });
}

lazy('Client', () => require('./lib/faye/client'));
lazy('EventSource', () => require('./lib/faye/eventsource'));

// websocket-driver's module functions (faye-websocket's isWebSocket / validateOptions are
// the same functions).
for (const name of ['client', 'server', 'http', 'isWebSocket', 'isSecureRequest', 'validateOptions']) {
  lazy(name, () => require('./lib/driver')[name]);
}

WebSocket.WebSocket = WebSocket;
WebSocket.mask = bufferutil.mask;
WebSocket.unmask = bufferutil.unmask;
WebSocket.isValidUTF8 = isValidUTF8;

module.exports = WebSocket;
