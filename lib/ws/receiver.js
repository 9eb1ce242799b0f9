'use strict';

/**
 * The ws API's `Receiver`: a Writable that turns socket bytes into `'message'`, `'ping'`,
 * `'pong'`, `'conclude'` and `'error'` events, with ws 8.23's constructor options. The
 * decoding is done by the Rust core, one native call per chunk (`lib/core/receiver.js`).
 */

const { Writable } = require('stream');

const { FrameReceiver, createError } = require('../core/receiver');
const { BINARY_TYPES, EMPTY_BUFFER, kWebSocket } = require('../constants');
const { toArrayBuffer } = require('./buffer-util');

/** Event kinds of the `nativeIO` I/O thread (`src/nio/mod.rs`). */
const {
  text: NATIVE_TEXT,
  binary: NATIVE_BINARY,
  ping: NATIVE_PING,
  pong: NATIVE_PONG,
  close: NATIVE_CLOSE
} = require('../core/wire').nio;

/** Deferred event kinds (used when `allowSynchronousEvents` is false). */
const EV_MESSAGE = 0;
const EV_PING = 1;
const EV_PONG = 2;
const EV_CONCLUDE = 3;
const EV_ERROR = 4;

/**
 * `nativeIO` with `allowSynchronousEvents: false`: once the events waiting for their turn hold
 * more than this many bytes (16 KiB, the highWaterMark at which a Node-socket receiver stops
 * its socket), the socket is paused until they are emitted.
 */
const NATIVE_QUEUE_HIGH_WATER = 16 * 1024;
/** What a queued event counts for besides its payload. */
const QUEUED_EVENT_BYTES = 16;

/**
 * The handler the core calls; one per Receiver, holding no closures.
 *
 * @private
 */
class Dispatch {
  constructor(receiver) {
    this.receiver = receiver;
  }

  onMessage(data, isBinary) {
    const receiver = this.receiver;
    if (isBinary) data = convertBinary(data, receiver._binaryType);
    receiver._deliver(EV_MESSAGE, data, isBinary);
  }

  onPing(data) {
    this.receiver._deliver(EV_PING, data);
  }

  onPong(data) {
    this.receiver._deliver(EV_PONG, data);
  }

  onClose(code, reason) {
    this.receiver._concluded = true;
    this.receiver._deliver(EV_CONCLUDE, code, reason.length ? reason : EMPTY_BUFFER);
  }

  onError(err) {
    this.receiver._concluded = true;
    this.receiver._deliver(EV_ERROR, err);
  }
}

/**
 * Converts a binary message to the shape `binaryType` asks for.
 *
 * @param {Buffer} data The message
 * @param {String} binaryType One of `BINARY_TYPES`
 * @return {(Buffer|ArrayBuffer|Blob|Buffer[])} The converted message
 * @private
 */
function convertBinary(data, binaryType) {
  switch (binaryType) {
    case 'nodebuffer':
      return data;
    case 'arraybuffer':
      return toArrayBuffer(data);
    case 'blob':
      return new Blob([data]);
    default:
      return data.length ? [data] : [];
  }
}

class Receiver extends Writable {
  /**
   * Creates a Receiver.
   *
   * @param {Object} [options] Options object
   * @param {Boolean} [options.allowSynchronousEvents=true] Whether more than one
   *     `'message'`, `'ping'` or `'pong'` event may be emitted in the same tick
   * @param {String} [options.binaryType=nodebuffer] The type for binary data
   * @param {Object} [options.extensions] The negotiated extensions
   * @param {Boolean} [options.isServer=false] Operate in server mode (frames must be masked)
   * @param {Number} [options.maxBufferedChunks=0] Most chunks buffered for one frame
   * @param {Number} [options.maxFragments=0] Most fragments in one message
   * @param {Number} [options.maxPayload=0] Largest message in bytes
   * @param {Boolean} [options.skipUTF8Validation=false] Skip UTF-8 validation of text and
   *     close reasons
   * @param {Boolean} [options.decodedElsewhere=false] oxws `nativeIO`: frames are decoded by
   *     the I/O thread and arrive through `_nativeFrame()` / `_nativeError()`, not `write()`
   */
  constructor(options = {}) {
    super();

    this._allowSynchronousEvents =
      options.allowSynchronousEvents !== undefined ? options.allowSynchronousEvents : true;
    this._binaryType = options.binaryType || BINARY_TYPES[0];
    this._extensions = options.extensions || {};
    this._isServer = !!options.isServer;
    this._maxBufferedChunks = options.maxBufferedChunks | 0;
    this._maxFragments = options.maxFragments | 0;
    this._maxPayload = options.maxPayload | 0;
    this._skipUTF8Validation = !!options.skipUTF8Validation;
    this[kWebSocket] = undefined;

    this._concluded = false;
    this._error = null;
    this._queue = null;
    this._pendingCb = null;
    // nativeIO: bytes of the queued events; the socket was paused for them; a listener threw
    // (nothing more is emitted, as when a Node-socket receiver's write never completes);
    // `end()` waits for the queue (the `_final()` callback).
    this._queuedBytes = 0;
    this._heldSocket = false;
    this._stuck = false;
    this._finalCb = null;
    this._dispatch = new Dispatch(this);
    this._core = null;
    if (options.decodedElsewhere) return;

    this._core = new FrameReceiver(this._dispatch, {
      isServer: this._isServer,
      skipUTF8Validation: this._skipUTF8Validation,
      maxPayload: this._maxPayload,
      maxFragments: this._maxFragments,
      maxBufferedChunks: this._maxBufferedChunks
    });

    const perMessageDeflate = this._extensions['permessage-deflate'];
    if (perMessageDeflate && perMessageDeflate.params) {
      const { windowBits, noContextTakeover } = perMessageDeflate.inflateSettings();
      this._core.enableInflate(windowBits, noContextTakeover);
    }
  }

  /**
   * Implements `Writable.prototype._write()`.
   *
   * @param {Buffer} chunk A chunk from the socket
   * @param {String} encoding Ignored
   * @param {Function} cb Called when the chunk is processed
   * @private
   */
  _write(chunk, encoding, cb) {
    if (this._concluded) return cb();

    this._core.write(chunk);

    if (this._queue !== null) {
      this._pendingCb = cb;
      return;
    }

    if (this._error !== null) {
      const err = this._error;
      this._error = null;
      cb(err);
      return;
    }

    cb();
  }

  /**
   * One event decoded by the `nativeIO` I/O thread.
   *
   * @param {Number} kind `MESSAGE_TEXT`, `MESSAGE_BINARY`, `PING`, `PONG` or `CLOSE`
   *     (`lib/nio`)
   * @param {Buffer} data The payload (for a close: 2 bytes of code, then the reason)
   * @private
   */
  _nativeFrame(kind, data) {
    if (this._concluded || this._stuck) return;
    const websocket = this[kWebSocket];
    if (websocket) websocket._heartbeatSeen = true;
    const dispatch = this._dispatch;
    switch (kind) {
      case NATIVE_TEXT:
        dispatch.onMessage(data, false);
        break;
      case NATIVE_BINARY:
        dispatch.onMessage(data, true);
        break;
      case NATIVE_PING:
        dispatch.onPing(data);
        break;
      case NATIVE_PONG:
        dispatch.onPong(data);
        break;
      case NATIVE_CLOSE:
        dispatch.onClose(data.readUInt16BE(0), data.subarray(2));
        break;
    }
  }

  /**
   * The protocol error that ended a `nativeIO` stream: emitted as `'error'` (after any
   * queued events), as a failed `write()` would.
   *
   * @param {Number} index The error index
   * @param {Number} detail Its detail
   * @private
   */
  _nativeError(index, detail) {
    if (this._concluded || this._stuck) return;
    this._dispatch.onError(createError(index, detail));
    if (this._queue === null && this._error !== null) {
      const err = this._error;
      this._error = null;
      this.destroy(err);
    }
  }

  /**
   * Emits an event now, or queues it for a later tick when synchronous events are off.
   *
   * @private
   */
  _deliver(kind, a, b) {
    if (this._allowSynchronousEvents && this._queue === null) {
      this._emitEvent(kind, a, b);
      return;
    }

    if (kind === EV_ERROR && this._queue === null) {
      this._error = a;
      return;
    }

    if (this._queue === null) {
      this._queue = [];
      setImmediate(drainQueue, this);
    }
    this._queue.push(kind, a, b);
    if (this._core === null) this._holdSocket(a);
  }

  /**
   * nativeIO: counts a queued event and pauses the socket while the queue is over
   * `NATIVE_QUEUE_HIGH_WATER` (a Node-socket receiver's pending write holds its socket the
   * same way).
   *
   * @param {*} payload The event's payload
   * @private
   */
  _holdSocket(payload) {
    this._queuedBytes += QUEUED_EVENT_BYTES + (payload && payload.length > 0 ? payload.length : 0);
    if (this._queuedBytes <= NATIVE_QUEUE_HIGH_WATER) return;
    const websocket = this[kWebSocket];
    if (websocket && websocket._socket) {
      this._heldSocket = true;
      websocket._socket.pause();
    }
  }

  /**
   * Implements `Writable.prototype._final()`: `end()` finishes once the queued events are
   * emitted (nativeIO; a Node-socket receiver's pending write holds it the same way), never
   * after a listener threw.
   *
   * @param {Function} cb Called when the receiver may finish
   * @private
   */
  _final(cb) {
    if (this._queue !== null || this._stuck) {
      this._finalCb = cb;
      return;
    }
    cb();
  }

  /**
   * Emits one decoded event. On nativeIO, a listener that throws stops the receiver (the
   * error propagates): nothing more is emitted and the socket stays paused, as a Node-socket
   * receiver whose write never completes.
   *
   * @private
   */
  _emitEvent(kind, a, b) {
    if (this._core !== null) {
      this._emitNow(kind, a, b);
      return;
    }
    try {
      this._emitNow(kind, a, b);
    } catch (err) {
      this._stuck = true;
      this._queue = null;
      const websocket = this[kWebSocket];
      if (websocket && websocket._socket) websocket._socket.pause();
      throw err;
    }
  }

  /** @private */
  _emitNow(kind, a, b) {
    switch (kind) {
      case EV_MESSAGE:
        this.emit('message', a, b);
        break;
      case EV_PING:
        this.emit('ping', a);
        break;
      case EV_PONG:
        this.emit('pong', a);
        break;
      case EV_CONCLUDE:
        this.emit('conclude', a, b);
        this.end();
        break;
      case EV_ERROR:
        this._error = a;
        break;
    }
  }
}

/**
 * Emits one queued event per event-loop turn (`allowSynchronousEvents: false`), then
 * completes the pending write.
 *
 * @param {Receiver} receiver The receiver
 * @private
 */
function drainQueue(receiver) {
  const queue = receiver._queue;
  const kind = queue.shift();
  const a = queue.shift();
  const b = queue.shift();

  receiver._emitEvent(kind, a, b);

  if (queue.length) {
    setImmediate(drainQueue, receiver);
    return;
  }

  receiver._queue = null;
  const cb = receiver._pendingCb;
  receiver._pendingCb = null;
  if (cb === null) {
    // nativeIO: no write() is pending; an error ends the stream here.
    releaseNativeQueue(receiver);
    if (receiver._error !== null) {
      const err = receiver._error;
      receiver._error = null;
      receiver.destroy(err);
    }
  } else if (receiver._error !== null) {
    const err = receiver._error;
    receiver._error = null;
    cb(err);
  } else {
    cb();
  }
}

/**
 * nativeIO: the queue is emitted; resumes a socket paused for it (`'drain'`, unless the
 * WebSocket is paused) and lets a pending `end()` finish.
 *
 * @param {Receiver} receiver The receiver
 * @private
 */
function releaseNativeQueue(receiver) {
  receiver._queuedBytes = 0;
  if (receiver._heldSocket) {
    receiver._heldSocket = false;
    receiver.emit('drain');
  }
  const final = receiver._finalCb;
  if (final !== null && receiver._error === null) {
    receiver._finalCb = null;
    final();
  }
}

module.exports = Receiver;
