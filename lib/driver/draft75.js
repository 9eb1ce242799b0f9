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
    /** Received chunks not fully handled yet, and where the first one's unhandled bytes start. */
    this._input = [];
    this._inputOffset = 0;

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
   * Feeds bytes from the socket. Like websocket-driver's stream reader, the bytes not yet
   * handled are kept in `_input` / `_inputOffset`, and the position is moved past each byte
   * before it is acted on: when a `'message'` (or `'open'`) listener throws, the error
   * propagates and the rest of the chunk is handled by the next `parse()` call.
   *
   * @param {Buffer} chunk The bytes
   */
  parse(chunk) {
    if (this.readyState > 1) return;
    if (chunk !== undefined && chunk !== null && chunk.length > 0)
      this._input.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));

    // Queue and offset are read afresh on every step: a listener may call parse() again,
    // and that call handles what is left.
    while (this._input.length > 0) {
      if (this.readyState > 1) {
        this._input = [];
        this._inputOffset = 0;
        return;
      }
      const buffer = this._input[0];
      const i = this._inputOffset;
      if (i >= buffer.length) {
        this._input.shift();
        this._inputOffset = 0;
        continue;
      }
      this._parseAt(buffer, i);
    }
  }

  /**
   * Handles the bytes of `buffer` from `i` on that belong to one step (one byte, or a run of
   * skipped or message bytes), moving `_inputOffset` past them first.
   *
   * @param {Buffer} buffer The chunk at the head of the queue
   * @param {Number} i Where its unhandled bytes start
   * @private
   */
  _parseAt(buffer, i) {
    const octet = buffer[i];

    switch (this._stage) {
      case -1:
        // hixie-76 key3 (and anything sent before start() answered it), bounded.
        this._inputOffset = i + 1;
        this._body.push(octet);
        if (this._body.length > this._maxLength) return void this.close();
        this._sendHandshakeBody();
        break;

      case 0:
        this._inputOffset = i + 1;
        this._parseLeadingByte(octet);
        break;

      case 1:
        this._inputOffset = i + 1;
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
        const skip = Math.min(this._length - this._skipped, buffer.length - i);
        this._inputOffset = i + skip;
        this._skipped += skip;
        if (this._skipped === this._length) {
          this._length = 0;
          this._skipped = 0;
          this._stage = 0;
        }
        break;
      }

      case 3: {
        const end = buffer.indexOf(0xff, i);
        const stop = end === -1 ? buffer.length : end;
        this._inputOffset = end === -1 ? stop : stop + 1;
        if (stop > i) {
          this._buffer.push(buffer.subarray(i, stop));
          this._bufferSize += stop - i;
          if (this._bufferSize > this._maxLength) return void this.close();
        }
        if (end !== -1) {
          this._stage = 0;
          const message = Buffer.concat(this._buffer, this._bufferSize).toString('utf8');
          this._buffer = [];
          this._bufferSize = 0;
          this.emit('message', new events.MessageEvent(message));
        }
        break;
      }

      default:
        this._inputOffset = buffer.length;
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
