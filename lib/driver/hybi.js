'use strict';

/**
 * The RFC 6455 driver (websocket-driver's `Hybi`, versions 13 and 8), with the framing done
 * by the Rust core: one native call per received chunk decodes every frame in it, one per
 * sent message frames it. Behaviour, error messages and close codes are websocket-driver
 * 0.8's.
 */

const native = require('../native');
const bufferutil = require('../accel/bufferutil');
const { FrameReceiver } = require('../core/receiver');
const sender = require('../core/sender');
const { isValidUTF8 } = require('../ws/validation');
const Base = require('./base');
const { strip } = require('./headers');
const Extensions = require('./extensions');
const { kNative } = require('./extensions/permessage-deflate');
const events = require('./events');

const OPCODES = {
  continuation: 0,
  text: 1,
  binary: 2,
  close: 8,
  ping: 9,
  pong: 10
};

const ERRORS = {
  normal_closure: 1000,
  going_away: 1001,
  protocol_error: 1002,
  unacceptable: 1003,
  encoding_error: 1007,
  policy_violation: 1008,
  too_large: 1009,
  extension_error: 1010,
  unexpected_condition: 1011
};

const ERROR_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011];
const DEFAULT_ERROR_CODE = 1000;
const MIN_RESERVED_ERROR = 3000;
const MAX_RESERVED_ERROR = 4999;

/** Unmasked payloads up to this size are copied next to their header, so `io` emits one chunk per frame. */
const MERGE_MAX = 64 * 1024;

/** Frames up to this size written during one `parse()` are merged into one `io` chunk. */
const CORK_MERGE_MAX = 16 * 1024;

/** Stage after a shutdown: input is ignored. */
const STAGE_DONE = 5;

const SUPPORTED_VERSIONS = ['13', '8'];

class Hybi extends Base {
  /**
   * @param {?Object} request The HTTP request (server side)
   * @param {?String} url The connection URL
   * @param {Object} [options] Driver options
   */
  constructor(request, url, options) {
    super(request, url, options);

    this._extensions = new Extensions({ maxLength: this._maxLength });
    this._stage = 0;
    this._masking = this._options.masking;
    this._protocols = this._options.protocols || [];
    this._requireMasking = this._options.requireMasking;
    this._pingCallbacks = new Map();
    this._receiver = null;
    /**
     * The negotiated settings when oxws's own permessage-deflate is the only extension: the
     * pipeline is skipped, the decoder inflates and `_deflater` compresses-and-frames.
     */
    this._nativeDeflate = null;
    this._deflater = null;
    /** Chunks written during `parse()`, emitted together at its end; null when not corked. */
    this._corked = null;

    if (typeof this._protocols === 'string') this._protocols = splitList(this._protocols);

    if (!this._request) return;

    const headers = this._request.headers;
    let protos = headers['sec-websocket-protocol'];
    const supported = this._protocols;

    if (protos !== undefined) {
      if (typeof protos === 'string') protos = splitList(protos);
      this.protocol = protos.filter((p) => supported.includes(p))[0];
    }

    this.version = 'hybi-' + (headers['sec-websocket-version'] === '8' ? '8' : Hybi.VERSION);
  }

  /**
   * `Sec-WebSocket-Accept` for a key.
   *
   * @param {String} key The client's `Sec-WebSocket-Key`
   * @return {String} The accept value
   */
  static generateAccept(key) {
    return native.acceptKey(String(key));
  }

  /**
   * XORs `payload[offset..]` with a 4-byte mask, in place (websocket-driver's `Hybi.mask`).
   *
   * @param {Buffer} payload The bytes
   * @param {?Buffer} mask The key
   * @param {Number} [offset=0] Where to start
   * @return {Buffer} `payload`
   */
  static mask(payload, mask, offset) {
    if (!mask || mask.length === 0) return payload;
    offset = offset || 0;
    const view = payload.subarray(offset);
    bufferutil.unmask(view, mask);
    return payload;
  }

  addExtension(extension) {
    this._extensions.add(extension);
    return true;
  }

  /**
   * Feeds bytes from the socket; events are emitted synchronously.
   *
   * @param {Buffer} chunk The bytes (unmasked in place)
   */
  parse(chunk) {
    if (this._stage === STAGE_DONE || chunk === undefined || chunk === null) return;
    if (!Buffer.isBuffer(chunk)) chunk = Buffer.from(chunk);
    if (this._receiver === null) this._receiver = this._createReceiver();
    if (this._corked !== null) return void this._receiver.write(chunk);

    // Cork: frames written while this chunk is handled (pongs, close echoes, replies sent
    // from 'message' listeners) leave `io` as one 'data' event, so a socket piped from
    // `io` makes one write instead of one per frame.
    this._corked = [];
    try {
      this._receiver.write(chunk);
    } finally {
      this._uncork();
    }
  }

  _write(chunk) {
    if (this._corked !== null) this._corked.push(chunk);
    else super._write(chunk);
  }

  /** Emits what was written while corked and stops corking. */
  _uncork() {
    this._flushCorked();
    this._corked = null;
  }

  /**
   * Emits what was written while corked (small frames merged, large ones as they are);
   * stays corked. Also done before 'close' is emitted, so a listener that ends the socket
   * ends it after the close frame.
   */
  _flushCorked() {
    const chunks = this._corked;
    if (chunks === null || chunks.length === 0) return;
    this._corked = [];
    if (chunks.length === 1) return void super._write(chunks[0]);

    let start = 0;
    let size = 0;
    for (let i = 0; i < chunks.length; i++) {
      const length = chunks[i].length;
      if (length > CORK_MERGE_MAX) {
        if (i > start) this._emitMerged(chunks, start, i, size);
        super._write(chunks[i]);
        start = i + 1;
        size = 0;
      } else {
        size += length;
      }
    }
    if (start < chunks.length) this._emitMerged(chunks, start, chunks.length, size);
  }

  _emitMerged(chunks, start, end, size) {
    super._write(end - start === 1 ? chunks[start] : Buffer.concat(chunks.slice(start, end), size));
  }

  text(message) {
    if (this.readyState > 1) return false;
    return this.frame(message, 'text');
  }

  binary(message) {
    if (this.readyState > 1) return false;
    return this.frame(message, 'binary');
  }

  /**
   * Sends a ping; `callback` runs when the pong with the same payload arrives.
   *
   * @param {String} [message=''] The payload
   * @param {Function} [callback] The callback
   * @return {Boolean} Whether it was sent (or queued)
   */
  ping(message, callback) {
    if (this.readyState > 1) return false;
    message = message || '';
    if (callback) this._pingCallbacks.set(String(message), callback);
    return this.frame(message, 'ping');
  }

  pong(message) {
    if (this.readyState > 1) return false;
    message = message || '';
    return this.frame(message, 'pong');
  }

  /**
   * Starts the closing handshake (reason first, as upstream).
   *
   * @param {String} [reason=''] The reason
   * @param {Number} [code=1000] The code
   * @return {Boolean} Whether a close was started
   */
  close(reason, code) {
    reason = reason || '';
    code = code || ERRORS.normal_closure;

    if (this.readyState <= 0) {
      this.readyState = 3;
      this.emit('close', new events.CloseEvent(code, reason));
      return true;
    } else if (this.readyState === 1) {
      this.readyState = 2;
      this._extensions.close(() => this.frame(reason, 'close', code));
      return true;
    }
    return false;
  }

  /**
   * Frames and sends one message (queued before the connection opens).
   *
   * @param {(String|Buffer|Number[])} buffer The payload
   * @param {String} [type] `text`, `binary`, `close`, `ping` or `pong`
   * @param {Number} [code] The close code (close frames)
   * @return {Boolean} Whether it was sent or queued
   */
  frame(buffer, type, code) {
    if (this.readyState <= 0) return this._queue([buffer, type, code]);
    if (this.readyState > 2) return false;

    if (Array.isArray(buffer)) buffer = Buffer.from(buffer);
    if (typeof buffer === 'number') buffer = buffer.toString();

    const isText = typeof buffer === 'string';
    const opcode = OPCODES[type || (isText ? 'text' : 'binary')];
    const isData = opcode === OPCODES.text || opcode === OPCODES.binary;

    // After close() (or a failed outgoing extension) the extension pipeline is stopped and
    // data frames go nowhere, as in websocket-driver: nothing is written, true is returned.
    // Control frames (ping, pong, close) given to frame() are still written.
    if (isData && this._extensions.outgoingStopped) return true;

    let payload = isText ? Buffer.from(buffer, 'utf8') : toBuffer(buffer);

    if (code) {
      const copy = payload;
      payload = Buffer.allocUnsafe(2 + copy.length);
      payload.writeUInt16BE(code, 0);
      copy.copy(payload, 2);
    }

    const message = { rsv1: false, rsv2: false, rsv3: false, opcode, data: payload };

    if (isData && this._deflater !== null) {
      const chunks = sender.frameCompressed(this._deflater, payload, opcode, {
        rsv1: true,
        mask: !!this._masking
      });
      this._write(chunks[0]);
    } else if (isData && this._extensions.active) {
      this._extensions.processOutgoingMessage(message, (error, processed) => {
        if (error) return this._fail(error.type || 'extension_error', error.message);
        this._sendMessage(processed);
      });
    } else {
      this._sendMessage(message);
    }

    return true;
  }

  _sendMessage(message) {
    const data = message.data;
    const chunks = sender.frame(data, message.opcode, {
      rsv1: message.rsv1,
      mask: !!this._masking,
      merge: data.length <= MERGE_MAX
    });
    for (let i = 0; i < chunks.length; i++) this._write(chunks[i]);
  }

  _handshakeResponse() {
    const headers = this._request.headers;
    const secKey = headers['sec-websocket-key'];
    const version = headers['sec-websocket-version'];

    if (!SUPPORTED_VERSIONS.includes(version))
      throw new Error('Unsupported WebSocket version: ' + version);

    if (typeof secKey !== 'string')
      throw new Error('Missing handshake request header: Sec-WebSocket-Key');

    this._headers.set('Upgrade', 'websocket');
    this._headers.set('Connection', 'Upgrade');
    this._headers.set('Sec-WebSocket-Accept', Hybi.generateAccept(secKey));

    if (this.protocol) this._headers.set('Sec-WebSocket-Protocol', this.protocol);

    const extensions = this._extensions.generateResponse(headers['sec-websocket-extensions']);
    if (extensions) this._headers.set('Sec-WebSocket-Extensions', extensions);
    this._extensionsNegotiated();

    const lines = ['HTTP/1.1 101 Switching Protocols', this._headers.toString(), ''];
    return Buffer.from(lines.join('\r\n'), 'utf8');
  }

  /**
   * Applies what was negotiated: the RSV bits extensions use (frames may have been parsed
   * already), and the native permessage-deflate path when it is the only extension.
   */
  _extensionsNegotiated() {
    const settings = this._extensions.soleNativeSettings(kNative);
    if (settings !== null) {
      this._nativeDeflate = settings;
      this._deflater = new native.Deflater(
        settings.level,
        settings.ownWindowBits,
        !settings.ownContextTakeover
      );
    }
    if (this._receiver !== null) this._configureReceiver(this._receiver);
  }

  _configureReceiver(receiver) {
    const settings = this._nativeDeflate;
    if (settings !== null) {
      receiver.enableInflate(settings.peerWindowBits, !settings.peerContextTakeover);
    } else {
      receiver.setCompression((this._extensions.allowedRsv() & 0x40) !== 0);
    }
  }

  _createReceiver() {
    const receiver = new FrameReceiver(this, {
      isServer: true,
      maskingOptional: !this._requireMasking,
      maxPayload: this._maxLength,
      maxFragments: 0,
      maxBufferedChunks: 0,
      // Text is UTF-8 checked as it arrives, failing fast (Autobahn 6.4.x strict; upstream
      // checks complete messages only). Close frames are read as websocket-driver does.
      lenientClose: true
    });
    this._configureReceiver(receiver);
    return receiver;
  }

  _shutdown(code, reason, error) {
    this._stage = STAGE_DONE;

    const sendCloseFrame = this.readyState === 1;
    this.readyState = 2;

    this._extensions.close(() => {
      if (sendCloseFrame) this.frame(reason, 'close', code);
      this.readyState = 3;
      this._flushCorked();
      if (error) this.emit('error', new Error(reason));
      this.emit('close', new events.CloseEvent(code, reason));
    });
  }

  _fail(type, message) {
    if (this.readyState > 1) return;
    const code = typeof type === 'string' ? ERRORS[type] : type;
    this._shutdown(code, message, true);
  }

  // FrameReceiver handler methods (called synchronously from `parse`).

  onMessage(data, isBinary, compressed) {
    // After close() the pipeline is stopped and messages still arriving before the peer's
    // close frame are dropped, as in websocket-driver.
    if (this._stage === STAGE_DONE || this._extensions.incomingStopped) return;
    const message = {
      rsv1: compressed,
      rsv2: false,
      rsv3: false,
      opcode: isBinary ? OPCODES.binary : OPCODES.text,
      data
    };
    if (this._extensions.active && this._nativeDeflate === null) {
      this._extensions.processIncomingMessage(message, this._deliver, this);
    } else {
      this._emitMessage(message, true);
    }
  }

  _deliver(error, message) {
    if (error) return this._fail(error.type || 'extension_error', error.message);
    this._emitMessage(message, false);
  }

  /**
   * @param {Object} message The message
   * @param {Boolean} checked Whether the decoder already checked its text (extensions
   *     may have transformed it since)
   */
  _emitMessage(message, checked) {
    let payload = message.data;

    if (payload.length > this._maxLength)
      return this._fail('too_large', 'WebSocket frame length too large');

    if (message.opcode === OPCODES.text) {
      if (!checked && !isValidUTF8(payload))
        return this._fail('encoding_error', 'Could not decode a text frame as UTF-8');
      payload = payload.toString();
    }

    this.emit('message', new events.MessageEvent(payload));
  }

  onPing(data) {
    this.frame(data, 'pong');
    this.emit('ping', new events.PingEvent(data.toString()));
  }

  onPong(data) {
    const key = isValidUTF8(data) ? data.toString() : null;
    const callback = this._pingCallbacks.get(key);

    if (callback) {
      this._pingCallbacks.delete(key);
      callback();
    }

    this.emit('pong', new events.PongEvent(data.toString()));
  }

  onClose(code, reason) {
    // The core read the frame as websocket-driver does (`lenientClose`): `code` is the one to
    // answer with, `reason` empty unless it was UTF-8.
    this._shutdown(code, reason.length ? reason.toString() : '');
  }

  onError(err, detail, index) {
    // websocket-driver's close code and message for the violation (`src/proto/error.rs`
    // `driver_reason`).
    const { code, reason } = native.describeDriverError(index, detail);
    return this._fail(code, reason);
  }
}

Hybi.VERSION = '13';
Hybi.GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

Object.assign(Hybi.prototype, {
  FIN: 0x80,
  MASK: 0x80,
  RSV1: 0x40,
  RSV2: 0x20,
  RSV3: 0x10,
  OPCODE: 0x0f,
  LENGTH: 0x7f,
  OPCODES,
  OPCODE_CODES: [0, 1, 2, 8, 9, 10],
  MESSAGE_OPCODES: [0, 1, 2],
  OPENING_OPCODES: [1, 2],
  ERRORS,
  ERROR_CODES,
  DEFAULT_ERROR_CODE,
  MIN_RESERVED_ERROR,
  MAX_RESERVED_ERROR
});

/**
 * Splits a comma-separated list, trimming the spaces around each item.
 *
 * @param {String} list The list
 * @return {String[]} Its items
 * @private
 */
function splitList(list) {
  return list.split(',').map(strip);
}

/**
 * Buffers pass through; other byte views are wrapped without copying.
 *
 * @param {*} data The payload
 * @return {Buffer} A Buffer over the same bytes
 * @private
 */
function toBuffer(data) {
  if (Buffer.isBuffer(data)) return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(String(data));
}

module.exports = Hybi;
