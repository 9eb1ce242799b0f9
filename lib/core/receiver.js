'use strict';

/**
 * FrameReceiver: the JS side of the core's receive contract. One native call per socket
 * chunk decodes every complete frame in it; events come back in a reused Int32Array and are
 * dispatched to a handler object. Payloads are zero-copy views of the chunk (which the core
 * unmasked in place) unless the core had to hold them across chunks.
 *
 * The handler is a plain object (no per-connection closures) with methods:
 * `onMessage(data, isBinary, isCompressed)`, `onPing(data)`, `onPong(data)`,
 * `onClose(code, reason)` and `onError(err, detail, index)` (`detail`: the opcode, length or
 * RSV bits the core reported; `index`: the error's index, for `describeDriverError`); each is
 * called with `this` = handler.
 */

const native = require('../native');
const { kStatusCode } = require('../constants');
const wire = require('./wire');

/** Event kinds and flags written by `src/binding/receiver.rs`. */
const {
  kindText: KIND_TEXT,
  kindBinary: KIND_BINARY,
  kindPing: KIND_PING,
  kindPong: KIND_PONG,
  kindClose: KIND_CLOSE,
  kindError: KIND_ERROR,
  flagHeld: FLAG_HELD,
  flagCompressed: FLAG_COMPRESSED
} = wire.receiver;
/**
 * Held messages (inflated, or spanning chunks) up to this size are copied into a Buffer from
 * Node's pool (`takeMessageInto`): cheaper than a Buffer made of the addon's memory (~1 us to
 * make and a finalizer for the GC), which larger ones still are, without a copy.
 */
const COPY_HELD_MAX = 4096;

/** Option bits of the native constructor. */
const {
  optClient: OPT_CLIENT,
  optMaskingOptional: OPT_MASKING_OPTIONAL,
  optSkipUtf8: OPT_SKIP_UTF8,
  optRsv1: OPT_RSV1,
  optLenientClose: OPT_LENIENT_CLOSE
} = wire.receiver;

/** Events decoded per native call at most (the array has 4 header slots + 4 per event). */
const EVENTS_PER_CALL = 32;
/** Int32 slots of an event array. */
const EVENT_SLOTS = 4 + 4 * EVENTS_PER_CALL;

/**
 * Event arrays shared by every receiver, one per nesting depth of `_decode()`: a handler
 * may make another receiver decode while its own events are being dispatched (a driver
 * piped into another in the same process), and that one must not overwrite them. A
 * connection keeps no array of its own (one per receiver was ~0.6 KiB per idle connection).
 */
const eventArrays = [];
/** How many `_decode()` calls are running (the depth of the next one). */
let depth = 0;

/**
 * The event array for the current depth.
 *
 * @return {Int32Array} The array
 * @private
 */
function eventArray() {
  return eventArrays[depth] || (eventArrays[depth] = new Int32Array(EVENT_SLOTS));
}

/** ws 8.23 defaults (`src/proto/config.rs`). */
const {
  maxPayload: DEFAULT_MAX_PAYLOAD,
  maxFragments: DEFAULT_MAX_FRAGMENTS,
  maxBufferedChunks: DEFAULT_MAX_BUFFERED_CHUNKS
} = wire.limits;

/**
 * Builds the error object ws gives for a protocol error.
 *
 * @param {Number} index The error index reported by the core
 * @param {Number} detail The opcode, length or code the message names
 * @return {(Error|RangeError)} The error, with `code` and `[kStatusCode]`
 * @private
 */
function createError(index, detail) {
  const info = native.describeError(index, detail);
  const ErrorCtor = info.rangeError ? RangeError : Error;
  const err = new ErrorCtor(info.message);
  Error.captureStackTrace(err, createError);
  err.code = info.code;
  err[kStatusCode] = info.status;
  return err;
}

class FrameReceiver {
  /**
   * @param {Object} handler Receives the events (see the module docs)
   * @param {Object} [options] Options
   * @param {Boolean} [options.isServer=false] Frames must be masked (else must not be)
   * @param {Boolean} [options.maskingOptional=false] Accept masked and unmasked frames
   * @param {Boolean} [options.skipUTF8Validation=false] Skip UTF-8 checks
   * @param {Boolean} [options.compression=false] Allow RSV1 (permessage-deflate)
   * @param {Number} [options.maxPayload=104857600] Largest message; 0 = no limit
   * @param {Number} [options.maxFragments=16384] Most frames per message; 0 = no limit
   * @param {Number} [options.maxBufferedChunks=262144] Most chunks held for one frame;
   *     0 = no limit
   * @param {Boolean} [options.lenientClose=false] websocket-driver's close policy: a close
   *     frame never fails the connection; `onClose(code, reason)` gets the code to answer
   *     with (1002 for a bad code or reason, 1000 for none) and the reason if it is UTF-8
   *     (`src/proto/close.rs` `lenient`)
   */
  constructor(handler, options = {}) {
    const config = decoderConfig(options);

    this._native = new native.Receiver(
      config.bits,
      config.maxPayload,
      config.maxFragments,
      config.maxBufferedChunks
    );
    this._handler = handler;
    /** Events and input left undelivered when a handler threw (see `_dispatch`). */
    this._backlog = null;
  }

  /**
   * Decodes one chunk and dispatches its events synchronously, in order.
   *
   * @param {Buffer} chunk Bytes from the socket (unmasked in place)
   * @return {Boolean} `false` once a close frame or an error ended the stream
   * @public
   */
  write(chunk) {
    if (this._backlog !== null && !this._resume()) return false;
    return this._decode(chunk, 0);
  }

  /**
   * Decodes `chunk[offset..]`, one native call per batch of events.
   *
   * @param {Buffer} chunk The bytes
   * @param {Number} offset Where to start
   * @return {Boolean} `false` once a close frame or an error ended the stream
   * @private
   */
  _decode(chunk, offset) {
    const events = eventArray();
    const length = chunk.length;

    depth++;
    try {
      do {
        const count = native.receiverPush(this._native, chunk, offset, events);
        offset = events[0];
        if (count > 0 && !this._dispatch(chunk, events, 4, 4 + 4 * count, offset)) return false;
      } while (offset < length);
    } finally {
      depth--;
    }

    return true;
  }

  /**
   * Collects the held message of the event just reported.
   *
   * @param {Number} length Its length (the event's `b`; -1 past 2 GiB)
   * @return {Buffer} The message
   * @private
   */
  _takeHeld(length) {
    if (length < 0 || length > COPY_HELD_MAX) return this._native.takeMessage();
    const data = Buffer.allocUnsafe(length);
    this._native.takeMessageInto(data);
    return data;
  }

  /**
   * Dispatches the event records `events[from..to]` (4 slots each) of `chunk`. If a handler
   * throws, the records after it and the rest of the chunk are kept and delivered first by
   * the next `write()`, so a throwing listener never makes the stream lose input.
   *
   * @param {Buffer} chunk The chunk the ranges point into
   * @param {Int32Array} events The records
   * @param {Number} from First slot
   * @param {Number} to End slot
   * @param {Number} offset How far the native side consumed `chunk`
   * @return {Boolean} `false` after a close frame or an error
   * @private
   */
  _dispatch(chunk, events, from, to, offset) {
    const handler = this._handler;
    let at = from;

    try {
      for (; at < to; at += 4) {
        const kind = events[at];
        const a = events[at + 1];
        const b = events[at + 2];
        const c = events[at + 3];

        switch (kind) {
          case KIND_TEXT:
          case KIND_BINARY: {
            const data = c & FLAG_HELD ? this._takeHeld(b) : chunk.subarray(a, b);
            handler.onMessage(data, kind === KIND_BINARY, (c & FLAG_COMPRESSED) !== 0);
            break;
          }
          case KIND_PING:
          case KIND_PONG: {
            const data =
              c & FLAG_HELD ? this._native.controlPayload() : chunk.subarray(a, b);
            if (kind === KIND_PING) handler.onPing(data);
            else handler.onPong(data);
            break;
          }
          case KIND_CLOSE: {
            const code = c & 0xffff;
            // A view of the chunk: callers that keep it copy it (ws 8.22.1 copies the
            // reason so that it does not pin the socket chunk). Held: `a` is where the reason
            // starts in the whole close payload.
            const reason =
              c >> 16 ? this._native.controlPayload().subarray(a) : chunk.subarray(a, b);
            handler.onClose(code, reason);
            return false;
          }
          case KIND_ERROR:
            handler.onError(createError(a, b), b, a);
            return false;
        }
      }
    } catch (err) {
      this._backlog = { chunk, events: events.slice(at + 4, to), offset };
      throw err;
    }

    return true;
  }

  /**
   * Delivers what a throwing handler left behind.
   *
   * @return {Boolean} `false` if the stream ended meanwhile
   * @private
   */
  _resume() {
    const { chunk, events, offset } = this._backlog;
    this._backlog = null;
    if (events.length > 0 && !this._dispatch(chunk, events, 0, events.length, offset)) {
      return false;
    }
    return offset < chunk.length ? this._decode(chunk, offset) : true;
  }

  /**
   * Allows or forbids RSV1 once permessage-deflate is negotiated (or not).
   *
   * @param {Boolean} enabled Whether compressed frames are allowed
   * @public
   */
  setCompression(enabled) {
    this._native.setCompression(enabled);
  }

  /**
   * Turns on permessage-deflate: compressed messages are inflated by the core (bounded by
   * `maxPayload` while inflating) and delivered inflated.
   *
   * @param {Number} windowBits The peer's negotiated window bits (8-15)
   * @param {Boolean} noContextTakeover The peer resets its context after each message
   * @public
   */
  enableInflate(windowBits, noContextTakeover) {
    this._native.enableInflate(windowBits, noContextTakeover);
  }

  /**
   * Bytes the core holds for incomplete frames and messages.
   *
   * @type {Number}
   */
  get bufferedBytes() {
    return this._native.bufferedBytes;
  }
}

/**
 * The native decoder's configuration for FrameReceiver options (also what the `nativeIO`
 * mode's connections are adopted with).
 *
 * @param {Object} options As for `FrameReceiver`
 * @return {{bits: Number, maxPayload: Number, maxFragments: Number, maxBufferedChunks: Number}}
 *     Option bits and limits (0 = none)
 */
function decoderConfig(options) {
  let bits = options.isServer ? 0 : OPT_CLIENT;
  if (options.maskingOptional) bits |= OPT_MASKING_OPTIONAL;
  if (options.skipUTF8Validation) bits |= OPT_SKIP_UTF8;
  if (options.compression) bits |= OPT_RSV1;
  if (options.lenientClose) bits |= OPT_LENIENT_CLOSE;
  return {
    bits,
    maxPayload: limit(options.maxPayload, DEFAULT_MAX_PAYLOAD),
    maxFragments: limit(options.maxFragments, DEFAULT_MAX_FRAGMENTS),
    maxBufferedChunks: limit(options.maxBufferedChunks, DEFAULT_MAX_BUFFERED_CHUNKS)
  };
}

/**
 * Normalises a limit option like ws (`| 0` coercion; undefined = default).
 *
 * @param {*} value The option value
 * @param {Number} fallback The default
 * @return {Number} The limit, 0 meaning none
 * @private
 */
function limit(value, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  return n > 0 ? Math.floor(n) : 0;
}

module.exports = { FrameReceiver, createError, decoderConfig };
