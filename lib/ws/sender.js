'use strict';

/**
 * The ws API's `Sender`: frames and writes messages on a socket, with ws 8.23's
 * constructor, methods and static `Sender.frame`. Framing and masking are one native call
 * per message (`lib/core/sender.js`); header and payload are written under `cork()`.
 */

const {
  types: { isUint8Array }
} = require('util');

const core = require('../core/sender');
const PerMessageDeflate = require('./permessage-deflate');
const { EMPTY_BUFFER, kWebSocket, NOOP } = require('../constants');
const { isBlob, isValidStatusCode } = require('./validation');
const { toBuffer } = require('./buffer-util');

const kByteLength = Symbol('kByteLength');

/** States: sending directly, or waiting for a Blob's bytes (later sends queue up). */
const DEFAULT = 0;
const GET_BLOB_DATA = 2;

class Sender {
  /**
   * Creates a Sender.
   *
   * @param {Duplex} socket The connection socket
   * @param {Object} [extensions] The negotiated extensions
   * @param {Function} [generateMask] Fills a 4-byte Buffer with a masking key
   */
  constructor(socket, extensions, generateMask) {
    this._extensions = extensions || {};

    if (generateMask) {
      this._generateMask = generateMask;
      this._maskBuffer = Buffer.alloc(4);
    }

    this._socket = socket;
    this._firstFragment = true;
    this._compress = false;
    this._bufferedBytes = 0;
    this._queue = [];
    this._state = DEFAULT;
    this.onerror = NOOP;
    this[kWebSocket] = undefined;
  }

  /**
   * Whether a whole message may be framed around this Sender (by `broadcast()` or the
   * nativeIO fast path) without changing the order of what is sent: no Blob is being read,
   * nothing is queued, and no fragmented message is open. (oxws; ws has no such method.)
   *
   * @return {Boolean} Idle
   * @public
   */
  isIdle() {
    return this._state === DEFAULT && this._queue.length === 0 && this._firstFragment;
  }

  /**
   * Whether masking keys come from the user's `generateMask` (so only this Sender can mask).
   *
   * @return {Boolean} A `generateMask` function was given
   * @public
   */
  hasMaskGenerator() {
    return this._generateMask !== undefined;
  }

  /**
   * Frames `data` (ws's `Sender.frame`).
   *
   * @param {(Buffer|String)} data The payload
   * @param {Object} options Options object
   * @param {Boolean} [options.fin=false] Set the FIN bit
   * @param {Function} [options.generateMask] Fills the masking key
   * @param {Boolean} [options.mask=false] Mask the payload
   * @param {Buffer} [options.maskBuffer] Where `generateMask` writes the key
   * @param {Number} options.opcode The opcode
   * @param {Boolean} [options.readOnly=false] Ignored: the payload is never modified
   * @param {Boolean} [options.rsv1=false] Set the RSV1 bit
   * @return {Buffer[]} The frame: one buffer, or the header then the payload
   * @public
   */
  static frame(data, options) {
    if (typeof data === 'string') data = Buffer.from(data);
    return core.frame(data, options.opcode, coreOptions(options));
  }

  /**
   * Sends a close frame.
   *
   * @param {Number} [code] The status code
   * @param {(String|Uint8Array)} [data] The reason (at most 123 bytes)
   * @param {Boolean} [mask=false] Mask the frame
   * @param {Function} [cb] Called when written
   * @public
   */
  close(code, data, mask, cb) {
    let buf;

    if (code === undefined) {
      buf = EMPTY_BUFFER;
    } else if (typeof code !== 'number' || !isValidStatusCode(code)) {
      throw new TypeError('First argument must be a valid error code number');
    } else if (data === undefined || !data.length) {
      buf = Buffer.allocUnsafe(2);
      buf.writeUInt16BE(code, 0);
    } else {
      // Only strings and Uint8Arrays: any other object could make Buffer.byteLength and
      // buf.set disagree and leak uninitialised memory (CVE-2026-45736).
      let length;
      if (typeof data === 'string') length = Buffer.byteLength(data);
      else if (isUint8Array(data)) length = data.length;
      else throw new TypeError('Second argument must be a string or a Uint8Array');

      if (length > 123) {
        throw new RangeError('The message must not be greater than 123 bytes');
      }

      buf = Buffer.allocUnsafe(2 + length);
      buf.writeUInt16BE(code, 0);
      if (typeof data === 'string') buf.write(data, 2);
      else buf.set(data, 2);
    }

    const options = this._options(0x08, buf.length, mask, true, false);

    if (this._state !== DEFAULT) this.enqueue([this.dispatch, buf, false, options, cb]);
    else this.sendFrame(Sender.frame(buf, options), cb);
  }

  /**
   * Sends a ping.
   *
   * @param {*} data The payload (at most 125 bytes)
   * @param {Boolean} [mask=false] Mask the frame
   * @param {Function} [cb] Called when written
   * @public
   */
  ping(data, mask, cb) {
    this._control(0x09, data, mask, cb);
  }

  /**
   * Sends a pong.
   *
   * @param {*} data The payload (at most 125 bytes)
   * @param {Boolean} [mask=false] Mask the frame
   * @param {Function} [cb] Called when written
   * @public
   */
  pong(data, mask, cb) {
    this._control(0x0a, data, mask, cb);
  }

  /**
   * Sends a ping or pong.
   *
   * @private
   */
  _control(opcode, data, mask, cb) {
    const payload = asPayload(data);
    const byteLength = byteLengthOf(payload);

    if (byteLength > 125) {
      throw new RangeError('The data size must not be greater than 125 bytes');
    }

    this._submit(payload, false, this._options(opcode, byteLength, mask, true, false), cb);
  }

  /**
   * Sends a data message (or a fragment of one).
   *
   * @param {*} data The message
   * @param {Object} options Options object
   * @param {Boolean} [options.binary=false] Binary (else text)
   * @param {Boolean} [options.compress=false] Compress (needs permessage-deflate)
   * @param {Boolean} [options.fin=false] Last fragment
   * @param {Boolean} [options.mask=false] Mask the frame
   * @param {Function} [cb] Called when written
   * @public
   */
  send(data, options, cb) {
    let opcode = options.binary ? 2 : 1;
    let rsv1 = options.compress;
    const payload = asPayload(data);
    const byteLength = byteLengthOf(payload);

    if (this._firstFragment) {
      this._firstFragment = false;
      const perMessageDeflate = this._extensions[PerMessageDeflate.extensionName];
      if (rsv1 && perMessageDeflate) rsv1 = perMessageDeflate.shouldCompress(byteLength);
      this._compress = rsv1;
    } else {
      rsv1 = false;
      opcode = 0;
    }

    if (options.fin) this._firstFragment = true;

    const opts = this._options(opcode, byteLength, options.mask, options.fin, rsv1);
    this._submit(payload, this._compress, opts, cb);
  }

  /**
   * Sends now, or queues behind a Blob being read; Blobs are read first.
   *
   * @private
   */
  _submit(data, compress, options, cb) {
    if (isBlob(data)) {
      if (this._state !== DEFAULT) this.enqueue([this.getBlobData, data, compress, options, cb]);
      else this.getBlobData(data, compress, options, cb);
    } else if (this._state !== DEFAULT) {
      this.enqueue([this.dispatch, data, compress, options, cb]);
    } else {
      this.dispatch(data, compress, options, cb);
    }
  }

  /**
   * Builds the frame options for one send.
   *
   * @private
   */
  _options(opcode, byteLength, mask, fin, rsv1) {
    return {
      [kByteLength]: byteLength,
      fin,
      generateMask: this._generateMask,
      mask,
      maskBuffer: this._maskBuffer,
      opcode,
      readOnly: true,
      rsv1
    };
  }

  /**
   * Reads a Blob, then sends it; later sends queue until it is sent.
   *
   * @private
   */
  getBlobData(blob, compress, options, cb) {
    this._bufferedBytes += options[kByteLength];
    this._state = GET_BLOB_DATA;

    blob
      .arrayBuffer()
      .then((arrayBuffer) => {
        if (this._socket.destroyed) {
          const err = new Error('The socket was closed while the blob was being read');
          process.nextTick(callCallbacks, this, err, cb);
          return;
        }

        this._bufferedBytes -= options[kByteLength];
        this._state = DEFAULT;
        this.dispatch(toBuffer(arrayBuffer), compress, options, cb);
        this.dequeue();
      })
      .catch((err) => {
        process.nextTick(onError, this, err, cb);
      });
  }

  /**
   * Frames and writes one message.
   *
   * @private
   */
  dispatch(data, compress, options, cb) {
    const perMessageDeflate = this._extensions[PerMessageDeflate.extensionName];

    if (!compress || !perMessageDeflate) {
      this.sendFrame(Sender.frame(data, options), cb);
      return;
    }

    // Compressed synchronously in Rust: no DEFLATING state, frames stay in order. What ws
    // (which compresses on zlib's thread pool) shows is kept: the message counts in
    // `bufferedAmount` until its write callback, and a socket destroyed before that callback
    // (`terminate()` in the same tick) fails it with ws's error.
    if (typeof data === 'string') data = Buffer.from(data);
    const list = core.frameCompressed(perMessageDeflate, data, options.opcode, coreOptions(options));
    const length = options[kByteLength];
    this._bufferedBytes += length;
    this.sendFrame(list, (err) => {
      this._bufferedBytes -= length;
      if (this._socket.destroyed && (!err || err.code === 'ERR_STREAM_DESTROYED')) {
        err = new Error('The socket was closed while data was being compressed');
      }
      if (typeof cb === 'function') cb(err);
    });
  }

  /**
   * Runs queued sends while nothing is pending.
   *
   * @private
   */
  dequeue() {
    while (this._state === DEFAULT && this._queue.length) {
      const params = this._queue.shift();
      this._bufferedBytes -= params[3][kByteLength];
      Reflect.apply(params[0], this, params.slice(1));
    }
  }

  /**
   * Queues a send.
   *
   * @private
   */
  enqueue(params) {
    this._bufferedBytes += params[3][kByteLength];
    this._queue.push(params);
  }

  /**
   * Writes a frame, header and payload under one cork.
   *
   * @param {Buffer[]} list The frame
   * @param {Function} [cb] Called when written
   * @private
   */
  sendFrame(list, cb) {
    if (list.length === 2) {
      this._socket.cork();
      this._socket.write(list[0]);
      this._socket.write(list[1], cb);
      this._socket.uncork();
    } else {
      this._socket.write(list[0], cb);
    }
  }
}

/**
 * The payload to send: strings and Blobs as they are, anything else as a Buffer view.
 *
 * @param {*} data The data
 * @return {(String|Blob|Buffer)} The payload
 * @private
 */
function asPayload(data) {
  return typeof data === 'string' || isBlob(data) ? data : toBuffer(data);
}

/**
 * The byte length of a payload from `asPayload()`.
 *
 * @param {(String|Blob|Buffer)} payload The payload
 * @return {Number} Its length in bytes
 * @private
 */
function byteLengthOf(payload) {
  if (typeof payload === 'string') return Buffer.byteLength(payload);
  return isBlob(payload) ? payload.size : payload.length;
}

/**
 * Translates ws `Sender.frame` options to `lib/core/sender` options (running
 * `generateMask` when given).
 *
 * @param {Object} options ws frame options
 * @return {Object} core options
 * @private
 */
function coreOptions(options) {
  let maskKey;
  if (options.mask && options.generateMask) {
    const maskBuffer = options.maskBuffer || Buffer.alloc(4);
    options.generateMask(maskBuffer);
    maskKey = maskBuffer.readUInt32BE(0);
  }
  return { fin: !!options.fin, rsv1: !!options.rsv1, mask: !!options.mask, maskKey };
}

/**
 * Calls the pending callbacks with an error.
 *
 * @private
 */
function callCallbacks(sender, err, cb) {
  if (typeof cb === 'function') cb(err);

  for (const params of sender._queue) {
    const callback = params[params.length - 1];
    if (typeof callback === 'function') callback(err);
  }
}

/**
 * Reports a Sender error (a Blob that could not be read).
 *
 * @private
 */
function onError(sender, err, cb) {
  callCallbacks(sender, err, cb);
  sender.onerror(err);
}

module.exports = Sender;
