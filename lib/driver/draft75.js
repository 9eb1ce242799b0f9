'use strict';

/**
 * The hixie-75 draft (websocket-driver's `Draft75`): text frames `0x00 … 0xFF`, length-
 * prefixed frames skipped. Only used with `allowDrafts: true`. Rare, so plain JS; every
 * buffer is bounded by `maxLength`.
 */

const Base = require('./base');
const events = require('./events');

class Draft75 extends Base {
  constructor(request, url, options) {
    super(request, url, options);
    this._stage = 0;
    this.version = 'hixie-75';
    this._length = 0;
    this._skipped = 0;
    this._buffer = [];
    this._bufferSize = 0;
    this._closing = false;

    this._headers.set('Upgrade', 'WebSocket');
    this._headers.set('Connection', 'Upgrade');
    this._headers.set('WebSocket-Origin', this._request.headers.origin);
    this._headers.set('WebSocket-Location', this.url);
  }

  close() {
    if (this.readyState === 3) return false;
    this.readyState = 3;
    this.emit('close', new events.CloseEvent(null, null));
    return true;
  }

  /**
   * Feeds bytes from the socket.
   *
   * @param {Buffer} chunk The bytes
   */
  parse(chunk) {
    if (this.readyState > 1 || chunk === undefined || chunk === null) return;
    if (!Buffer.isBuffer(chunk)) chunk = Buffer.from(chunk);

    for (let i = 0; i < chunk.length; i++) {
      if (this.readyState > 1) return;
      const octet = chunk[i];

      switch (this._stage) {
        case -1:
          // hixie-76 key3 (and anything sent before start() answered it), bounded.
          this._body.push(octet);
          if (this._body.length > this._maxLength) return void this.close();
          this._sendHandshakeBody();
          break;

        case 0:
          this._parseLeadingByte(octet);
          break;

        case 1:
          this._length = (octet & 0x7f) + 128 * this._length;
          if (this._length > this._maxLength) return void this.close();

          if (this._closing && this._length === 0) return void this.close();

          if ((octet & 0x80) !== 0x80) {
            if (this._length === 0) {
              this._stage = 0;
            } else {
              this._skipped = 0;
              this._stage = 2;
            }
          }
          break;

        case 2: {
          // Skip the rest of a length-prefixed frame in one step.
          const skip = Math.min(this._length - this._skipped, chunk.length - i);
          this._skipped += skip;
          i += skip - 1;
          if (this._skipped === this._length) {
            this._length = 0;
            this._skipped = 0;
            this._stage = 0;
          }
          break;
        }

        case 3: {
          const end = chunk.indexOf(0xff, i);
          const stop = end === -1 ? chunk.length : end;
          if (stop > i) {
            this._buffer.push(chunk.subarray(i, stop));
            this._bufferSize += stop - i;
            if (this._bufferSize > this._maxLength) return void this.close();
          }
          i = stop;
          if (end !== -1) {
            this._stage = 0;
            const message = Buffer.concat(this._buffer, this._bufferSize).toString('utf8');
            this._buffer = [];
            this._bufferSize = 0;
            this.emit('message', new events.MessageEvent(message));
          }
          break;
        }
      }
    }
  }

  frame(buffer) {
    if (this.readyState === 0) return this._queue([buffer]);
    if (this.readyState > 1) return false;

    if (typeof buffer !== 'string') buffer = buffer.toString();

    const length = Buffer.byteLength(buffer);
    const frame = Buffer.allocUnsafe(length + 2);

    frame[0] = 0x00;
    frame.write(buffer, 1);
    frame[frame.length - 1] = 0xff;

    this._write(frame);
    return true;
  }

  _handshakeResponse() {
    const lines = ['HTTP/1.1 101 Web Socket Protocol Handshake', this._headers.toString(), ''];
    return Buffer.from(lines.join('\r\n'), 'utf8');
  }

  _parseLeadingByte(octet) {
    if ((octet & 0x80) === 0x80) {
      this._length = 0;
      this._stage = 1;
    } else {
      this._length = 0;
      this._skipped = 0;
      this._buffer = [];
      this._bufferSize = 0;
      this._stage = 3;
    }
  }
}

module.exports = Draft75;
