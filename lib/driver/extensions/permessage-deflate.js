'use strict';

/**
 * permessage-deflate (RFC 7692) as a websocket-extensions extension object, with the
 * compression done in Rust: a drop-in for the npm `permessage-deflate` 0.1 package
 * (`require('oxws/permessage-deflate')`), same `configure()` options and negotiation.
 *
 * Its sessions work in any websocket-extensions pipeline (including the real
 * websocket-driver's): whole messages are inflated (bounded by the driver's `maxLength`
 * while inflating) and deflated in one native call each. On oxws drivers it is faster
 * still: when it is the only extension, the driver skips the pipeline, the frame decoder
 * inflates as frames arrive and each message is compressed and framed in one call.
 *
 * Options (`configure()`): `level` (0-9, default 6 as zlib's), `noContextTakeover`,
 * `maxWindowBits`, `requestNoContextTakeover`, `requestMaxWindowBits`; `memLevel`,
 * `strategy` and `zlib` are accepted for compatibility and ignored (see README).
 */

const native = require('../../native');
const { validateOptions } = require('../options');

const VALID_OPTIONS = [
  'level',
  'memLevel',
  'strategy',
  'noContextTakeover',
  'maxWindowBits',
  'requestNoContextTakeover',
  'requestMaxWindowBits',
  'zlib'
];

const VALID_PARAMS = [
  'server_no_context_takeover',
  'client_no_context_takeover',
  'server_max_window_bits',
  'client_max_window_bits'
];
const MAX_WINDOW_BITS = 15;
const VALID_WINDOW_BITS = [8, 9, 10, 11, 12, 13, 14, 15];
/** zlib's default level (Z_DEFAULT_COMPRESSION maps to 6). */
const DEFAULT_LEVEL = 6;

/** Marks sessions the oxws driver can run natively (no JS pipeline). */
const kNative = Symbol('oxws.nativeDeflate');

const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * Parameter checks shared by both sides (permessage-deflate's `common.validParams`).
 *
 * @param {Object} params Offered or accepted parameters
 * @return {Boolean} Whether they are acceptable
 * @private
 */
function validParams(params) {
  for (const key of Object.keys(params)) {
    if (!VALID_PARAMS.includes(key)) return false;
    if (Array.isArray(params[key])) return false;
  }
  if (has(params, 'server_no_context_takeover') && params.server_no_context_takeover !== true)
    return false;
  if (has(params, 'client_no_context_takeover') && params.client_no_context_takeover !== true)
    return false;
  if (has(params, 'server_max_window_bits') && !VALID_WINDOW_BITS.includes(params.server_max_window_bits))
    return false;
  return true;
}

class Session {
  /**
   * @param {Object} options `configure()` options
   * @param {Object} [extOptions] The framework's options (`maxLength`)
   */
  constructor(options, extOptions = {}) {
    const level = has(options, 'level') ? options.level : DEFAULT_LEVEL;
    this._level = level < 0 ? DEFAULT_LEVEL : Math.min(level, 9);
    this._acceptNoContextTakeover = has(options, 'noContextTakeover') ? options.noContextTakeover : false;
    this._acceptMaxWindowBits = has(options, 'maxWindowBits') ? options.maxWindowBits : undefined;
    this._requestNoContextTakeover = has(options, 'requestNoContextTakeover')
      ? options.requestNoContextTakeover
      : false;
    this._requestMaxWindowBits = has(options, 'requestMaxWindowBits')
      ? options.requestMaxWindowBits
      : undefined;
    this._maxLength = extOptions.maxLength || 0;
    this._inflater = null;
    this._deflater = null;
    this[kNative] = this;
  }

  /** @return {Object} What the native fast path needs, once negotiated */
  get settings() {
    return {
      level: this._level,
      ownWindowBits: this._ownWindowBits,
      ownContextTakeover: this._ownContextTakeover,
      peerWindowBits: this._peerWindowBits,
      peerContextTakeover: this._peerContextTakeover
    };
  }

  /**
   * Inflates a compressed message (RSV1 set); others pass through.
   *
   * @param {Object} message `{rsv1, opcode, data}`
   * @param {Function} callback `(error, message)`
   */
  processIncomingMessage(message, callback) {
    if (!message.rsv1) return callback(null, message);
    if (this._inflater === null) {
      this._inflater = new native.Inflater(this._peerWindowBits, !this._peerContextTakeover);
    }
    let data;
    try {
      data = this._inflater.inflate(message.data, this._maxLength);
    } catch (err) {
      const error = new Error(err instanceof RangeError ? 'WebSocket frame length too large' : err.message);
      if (err instanceof RangeError) error.type = 'too_large';
      return callback(error);
    }
    message.rsv1 = false;
    message.data = data;
    callback(null, message);
  }

  /**
   * Compresses a message and sets RSV1.
   *
   * @param {Object} message `{rsv1, opcode, data}`
   * @param {Function} callback `(error, message)`
   */
  processOutgoingMessage(message, callback) {
    if (this._deflater === null) {
      this._deflater = new native.Deflater(this._level, this._ownWindowBits, !this._ownContextTakeover);
    }
    message.data = this._deflater.compress(message.data);
    message.rsv1 = true;
    callback(null, message);
  }

  /** Releases the compression state. */
  close() {
    if (this._inflater !== null) this._inflater.release();
    if (this._deflater !== null) this._deflater.release();
    this._inflater = this._deflater = null;
  }
}

class ClientSession extends Session {
  static validParams(params) {
    if (!validParams(params)) return false;
    if (has(params, 'client_max_window_bits') && !VALID_WINDOW_BITS.includes(params.client_max_window_bits))
      return false;
    return true;
  }

  /** @return {Object} The offer's parameters */
  generateOffer() {
    const offer = {};
    if (this._acceptNoContextTakeover) offer.client_no_context_takeover = true;

    if (this._acceptMaxWindowBits !== undefined) {
      if (!VALID_WINDOW_BITS.includes(this._acceptMaxWindowBits))
        throw new Error('Invalid value for maxWindowBits');
      offer.client_max_window_bits = this._acceptMaxWindowBits;
    } else {
      offer.client_max_window_bits = true;
    }

    if (this._requestNoContextTakeover) offer.server_no_context_takeover = true;

    if (this._requestMaxWindowBits !== undefined) {
      if (!VALID_WINDOW_BITS.includes(this._requestMaxWindowBits))
        throw new Error('Invalid value for requestMaxWindowBits');
      offer.server_max_window_bits = this._requestMaxWindowBits;
    }
    return offer;
  }

  /**
   * @param {Object} params The server's response parameters
   * @return {Boolean} Whether they are acceptable
   */
  activate(params) {
    if (!ClientSession.validParams(params)) return false;
    if (this._acceptMaxWindowBits && params.client_max_window_bits > this._acceptMaxWindowBits)
      return false;
    if (this._requestNoContextTakeover && !params.server_no_context_takeover) return false;
    if (this._requestMaxWindowBits) {
      if (!params.server_max_window_bits) return false;
      if (params.server_max_window_bits > this._requestMaxWindowBits) return false;
    }

    this._ownContextTakeover = !(this._acceptNoContextTakeover || params.client_no_context_takeover);
    this._ownWindowBits = Math.min(
      this._acceptMaxWindowBits || MAX_WINDOW_BITS,
      params.client_max_window_bits || MAX_WINDOW_BITS
    );
    this._peerContextTakeover = !params.server_no_context_takeover;
    this._peerWindowBits = params.server_max_window_bits || MAX_WINDOW_BITS;
    return true;
  }
}

class ServerSession extends Session {
  constructor(options, params, extOptions) {
    super(options, extOptions);
    this._params = params;
  }

  static validParams(params) {
    if (!validParams(params)) return false;
    if (
      has(params, 'client_max_window_bits') &&
      ![true, ...VALID_WINDOW_BITS].includes(params.client_max_window_bits)
    )
      return false;
    return true;
  }

  /** @return {Object} The response parameters (RFC 7692 §7.1) */
  generateResponse() {
    const params = this._params;
    const response = {};

    this._ownContextTakeover = !this._acceptNoContextTakeover && !params.server_no_context_takeover;
    if (!this._ownContextTakeover) response.server_no_context_takeover = true;

    this._peerContextTakeover = !this._requestNoContextTakeover && !params.client_no_context_takeover;
    if (!this._peerContextTakeover) response.client_no_context_takeover = true;

    this._ownWindowBits = Math.min(
      this._acceptMaxWindowBits || MAX_WINDOW_BITS,
      params.server_max_window_bits || MAX_WINDOW_BITS
    );
    // As upstream: Firefox closes the connection if it did not send server_max_window_bits
    // and the response has it.
    if (this._ownWindowBits < MAX_WINDOW_BITS && params.server_max_window_bits)
      response.server_max_window_bits = this._ownWindowBits;

    let clientMax = params.client_max_window_bits;
    if (clientMax) {
      if (clientMax === true) clientMax = MAX_WINDOW_BITS;
      this._peerWindowBits = Math.min(this._requestMaxWindowBits || MAX_WINDOW_BITS, clientMax);
    } else {
      this._peerWindowBits = MAX_WINDOW_BITS;
    }
    if (this._peerWindowBits < MAX_WINDOW_BITS) response.client_max_window_bits = this._peerWindowBits;

    return response;
  }
}

const PermessageDeflate = {
  /**
   * A configured copy of the extension.
   *
   * @param {Object} options See the module docs
   * @return {Object} The extension
   * @throws {Error} `Unrecognized option: <key>`
   */
  configure(options) {
    validateOptions(options, VALID_OPTIONS);
    const merged = { ...options, ...(this._options || {}) };
    return Object.create(this, { _options: { value: merged } });
  },

  createClientSession(extOptions) {
    return new ClientSession(this._options || {}, extOptions);
  },

  createServerSession(offers, extOptions) {
    for (const offer of offers) {
      if (ServerSession.validParams(offer)) return new ServerSession(this._options || {}, offer, extOptions);
    }
    return null;
  },

  name: 'permessage-deflate',
  type: 'permessage',
  rsv1: true,
  rsv2: false,
  rsv3: false
};

module.exports = PermessageDeflate;
module.exports.kNative = kNative;
