'use strict';

/**
 * Test helpers: build frames in hex/bytes and collect receiver events.
 */

const { kStatusCode } = require('../../lib/constants');

/**
 * Builds one frame.
 *
 * @param {Number} b0 First byte (FIN, RSV, opcode)
 * @param {Buffer} payload The payload
 * @param {Buffer} [key] A 4-byte mask key (masks the payload)
 * @return {Buffer} The frame
 */
function frame(b0, payload, key) {
  const m = key ? 0x80 : 0;
  const n = payload.length;
  let header;
  if (n < 126) header = Buffer.from([b0, m | n]);
  else if (n <= 0xffff) {
    header = Buffer.alloc(4);
    header[0] = b0;
    header[1] = m | 126;
    header.writeUInt16BE(n, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = b0;
    header[1] = m | 127;
    header.writeBigUInt64BE(BigInt(n), 2);
  }
  if (!key) return Buffer.concat([header, payload]);
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = payload[i] ^ key[i & 3];
  return Buffer.concat([header, key, body]);
}

/**
 * A receiver handler that records every event as a plain array.
 *
 * @return {Object} The handler, with `events`
 */
function recorder() {
  return {
    events: [],
    onMessage(data, isBinary, compressed) {
      this.events.push([isBinary ? 'binary' : 'text', Buffer.from(data).toString('hex'), compressed]);
    },
    onPing(data) {
      this.events.push(['ping', Buffer.from(data).toString('hex')]);
    },
    onPong(data) {
      this.events.push(['pong', Buffer.from(data).toString('hex')]);
    },
    onClose(code, reason) {
      this.events.push(['close', code, reason.toString('hex')]);
    },
    onError(err) {
      this.events.push(['error', err.code, err[kStatusCode], err.constructor.name, err.message]);
    }
  };
}

module.exports = { frame, recorder };
