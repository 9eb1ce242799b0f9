'use strict';

/** Shared constants and private symbols (ws's `lib/constants.js` names where they overlap). */

const BINARY_TYPES = ['nodebuffer', 'arraybuffer', 'fragments'];
const hasBlob = typeof Blob !== 'undefined';

if (hasBlob) BINARY_TYPES.push('blob');

module.exports = {
  /** Values `binaryType` accepts ('blob' only where a global Blob exists). */
  BINARY_TYPES,
  /** Default `closeTimeout`: how long to wait for the closing handshake, in ms. */
  CLOSE_TIMEOUT: 30000,
  EMPTY_BUFFER: Buffer.alloc(0),
  /** The GUID of RFC 6455 §1.3, appended to the client key for `Sec-WebSocket-Accept`. */
  GUID: '258EAFA5-E914-47DA-95CA-C5AB0DC85B11',
  hasBlob,
  /** The close status a protocol error fails the connection with (ws: `err[kStatusCode]`). */
  kStatusCode: Symbol('status-code'),
  /** Back-reference from a socket / receiver / sender to its WebSocket. */
  kWebSocket: Symbol('websocket'),
  NOOP: () => {}
};
