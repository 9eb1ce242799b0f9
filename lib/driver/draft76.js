'use strict';

/**
 * The hixie-76 draft (websocket-driver's `Draft76`): Draft75 framing, a `0xFF 0x00` closing
 * frame, and a handshake signed with MD5 over the two `Sec-WebSocket-Key1/2` numbers and the
 * 8-byte body (which may arrive after the headers: the signature is sent once it has).
 */

const { createHash } = require('crypto');
const Draft75 = require('./draft75');
const events = require('./events');
const { hixie76KeyNumber } = require('../native');

/** Length of the request body (key3). */
const BODY_SIZE = 8;

/**
 * The number a key header encodes: its digits divided by its spaces (0.8.0's hardening:
 * no digits, no spaces, a remainder or a result over 32 bits is refused). Scanned natively
 * (`src/proto/header_list.rs`, fuzzed).
 *
 * @param {String} key A `Sec-WebSocket-Key1/2` value
 * @return {Number} The 32-bit value
 * @throws {Error} `Client sent invalid Sec-WebSocket-Key headers`
 * @private
 */
function getKeyValue(key) {
  const value = hixie76KeyNumber(String(key));
  if (value === null || value === undefined)
    throw new Error('Client sent invalid Sec-WebSocket-Key headers');
  return value;
}

class Draft76 extends Draft75 {
  constructor(request, url, options) {
    super(request, url, options);
    this._stage = -1;
    this._body = [];
    this._started = false;
    this.version = 'hixie-76';

    this._headers.clear();

    this._headers.set('Upgrade', 'WebSocket');
    this._headers.set('Connection', 'Upgrade');
    this._headers.set('Sec-WebSocket-Origin', this._request.headers.origin);
    this._headers.set('Sec-WebSocket-Location', this.url);
  }

  start() {
    if (!super.start()) return false;
    this._started = true;
    this._sendHandshakeBody();
    return true;
  }

  close() {
    if (this.readyState === 3) return false;
    if (this.readyState === 1) this._write(Buffer.from([0xff, 0x00]));
    this.readyState = 3;
    this.emit('close', new events.CloseEvent(null, null));
    return true;
  }

  _handshakeResponse() {
    const headers = this._request.headers;
    const key1 = headers['sec-websocket-key1'];
    const key2 = headers['sec-websocket-key2'];

    if (!key1) throw new Error('Missing required header: Sec-WebSocket-Key1');
    if (!key2) throw new Error('Missing required header: Sec-WebSocket-Key2');

    this._keyValues = [getKeyValue(key1), getKeyValue(key2)];

    const lines = ['HTTP/1.1 101 WebSocket Protocol Handshake', this._headers.toString(), ''];
    return Buffer.from(lines.join('\r\n'), 'latin1');
  }

  _handshakeSignature() {
    if (this._body.length < BODY_SIZE) return null;

    const buffer = Buffer.allocUnsafe(8 + BODY_SIZE);
    buffer.writeUInt32BE(this._keyValues[0], 0);
    buffer.writeUInt32BE(this._keyValues[1], 4);
    Buffer.from(this._body).copy(buffer, 8, 0, BODY_SIZE);

    return createHash('md5').update(buffer).digest();
  }

  _sendHandshakeBody() {
    if (!this._started) return;
    const signature = this._handshakeSignature();
    if (!signature) return;

    this._write(signature);
    this._stage = 0;
    this._open();

    if (this._body.length > BODY_SIZE) this.parse(Buffer.from(this._body.slice(BODY_SIZE)));
  }

  _parseLeadingByte(octet) {
    if (octet !== 0xff) return super._parseLeadingByte(octet);

    this._closing = true;
    this._length = 0;
    this._stage = 1;
  }
}

Draft76.prototype.BODY_SIZE = BODY_SIZE;

module.exports = Draft76;
