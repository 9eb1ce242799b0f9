'use strict';

/** Shared constants and private symbols (ws's `lib/constants.js` names where they overlap). */
module.exports = {
  /** The GUID of RFC 6455 §1.3, appended to the client key for `Sec-WebSocket-Accept`. */
  GUID: '258EAFA5-E914-47DA-95CA-C5AB0DC85B11',
  EMPTY_BUFFER: Buffer.alloc(0),
  /** The close status a protocol error fails the connection with (ws: `err[kStatusCode]`). */
  kStatusCode: Symbol('status-code')
};
