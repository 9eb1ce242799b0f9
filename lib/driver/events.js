'use strict';

/**
 * The event objects websocket-driver 0.8 emits (`driver/base.js`): plain constructors, so
 * `event instanceof Driver.MessageEvent`-style checks and property shapes match upstream.
 */

/** Emitted as `'connect'` by server drivers once the HTTP request has been read. */
function ConnectEvent() {}

/** Emitted as `'open'`. */
function OpenEvent() {}

/**
 * Emitted as `'close'`.
 *
 * @param {?Number} code The close code
 * @param {?String} reason The close reason
 */
function CloseEvent(code, reason) {
  this.code = code;
  this.reason = reason;
}

/**
 * Emitted as `'message'`.
 *
 * @param {(String|Buffer)} data Text as a string, binary as a Buffer
 */
function MessageEvent(data) {
  this.data = data;
}

/**
 * Emitted as `'ping'`.
 *
 * @param {String} data The ping payload, decoded as UTF-8
 */
function PingEvent(data) {
  this.data = data;
}

/**
 * Emitted as `'pong'`.
 *
 * @param {String} data The pong payload, decoded as UTF-8
 */
function PongEvent(data) {
  this.data = data;
}

module.exports = { ConnectEvent, OpenEvent, CloseEvent, MessageEvent, PingEvent, PongEvent };
