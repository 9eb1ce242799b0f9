'use strict';

/**
 * permessage-deflate (RFC 7692) for the ws API: ws 8.23's `PerMessageDeflate` class
 * (options, `offer()`, `accept()`, `cleanup()`, `params`) with the work done in Rust:
 * inflating happens inside the receiver's native decoder (bounded by `maxPayload` while
 * inflating) and compressing in a native `Deflater`, synchronously, on the JS thread, with
 * no zlib thread pool — so ws's process-wide `concurrencyLimit` is accepted but not needed.
 *
 * Negotiation (header parameters) is done here, once per connection, exactly as ws does.
 */

const EXTENSION_NAME = 'permessage-deflate';

let native;

class PerMessageDeflate {
  /**
   * Creates a PerMessageDeflate instance.
   *
   * @param {Object} [options] Configuration options
   * @param {(Boolean|Number)} [options.clientMaxWindowBits] Advertise support for, or
   *     request, a custom client window size
   * @param {Boolean} [options.clientNoContextTakeover=false] Advertise / ask that the
   *     client does not take over its context
   * @param {Number} [options.concurrencyLimit=10] Accepted for ws compatibility (compression
   *     is synchronous here, so there is no zlib thread pool to limit)
   * @param {Boolean} [options.isServer=false] Operate in server mode
   * @param {Number} [options.maxPayload=0] Largest inflated message
   * @param {(Boolean|Number)} [options.serverMaxWindowBits] Request / confirm a custom
   *     server window size
   * @param {Boolean} [options.serverNoContextTakeover=false] Request / confirm that the
   *     server does not take over its context
   * @param {Number} [options.threshold=1024] Messages smaller than this are not compressed
   *     (when the sender's context is not taken over)
   * @param {Object} [options.zlibDeflateOptions] `level` (0-9, default 6 as zlib) is used;
   *     `memLevel`, `strategy`, `windowBits`, `chunkSize` are accepted
   * @param {Object} [options.zlibInflateOptions] Accepted for ws compatibility
   */
  constructor(options) {
    this._options = options || {};
    this._threshold = this._options.threshold !== undefined ? this._options.threshold : 1024;
    this._maxPayload = this._options.maxPayload | 0;
    this._isServer = !!this._options.isServer;
    this._deflater = null;
    this.params = null;
  }

  /**
   * @type {String}
   */
  static get extensionName() {
    return EXTENSION_NAME;
  }

  /**
   * The extension a client offers for its `perMessageDeflate` option, or `null`.
   *
   * @param {(Boolean|Object)} option The option
   * @param {Number} maxPayload The `maxPayload` option
   * @return {(PerMessageDeflate|null)} The extension to offer
   * @private
   */
  static forClient(option, maxPayload) {
    if (!option) return null;
    return new PerMessageDeflate({ ...option, isServer: false, maxPayload });
  }

  /**
   * The parameters a client offers.
   *
   * @return {Object} Extension parameters
   * @public
   */
  offer() {
    const params = {};

    if (this._options.serverNoContextTakeover) params.server_no_context_takeover = true;
    if (this._options.clientNoContextTakeover) params.client_no_context_takeover = true;
    if (this._options.serverMaxWindowBits) {
      params.server_max_window_bits = this._options.serverMaxWindowBits;
    }
    if (this._options.clientMaxWindowBits) {
      params.client_max_window_bits = this._options.clientMaxWindowBits;
    } else if (this._options.clientMaxWindowBits == null) {
      params.client_max_window_bits = true;
    }

    return params;
  }

  /**
   * Accepts an offer (server) or a response (client).
   *
   * @param {Array} configurations The parsed extension parameters
   * @return {Object} The accepted parameters
   * @public
   */
  accept(configurations) {
    configurations = this.normalizeParams(configurations);

    this.params = this._isServer
      ? this.acceptAsServer(configurations)
      : this.acceptAsClient(configurations);

    return this.params;
  }

  /**
   * Releases the compression state.
   *
   * @public
   */
  cleanup() {
    if (this._deflater) {
      this._deflater.release();
      this._deflater = null;
    }
  }

  /**
   * Picks the first offer the server's options allow.
   *
   * @param {Array} offers The offers
   * @return {Object} The accepted parameters
   * @private
   */
  acceptAsServer(offers) {
    const opts = this._options;
    const accepted = offers.find((params) => {
      if (
        (opts.serverNoContextTakeover === false && params.server_no_context_takeover) ||
        (params.server_max_window_bits &&
          (opts.serverMaxWindowBits === false ||
            (typeof opts.serverMaxWindowBits === 'number' &&
              opts.serverMaxWindowBits > params.server_max_window_bits))) ||
        (typeof opts.clientMaxWindowBits === 'number' &&
          (typeof params.client_max_window_bits === 'number'
            ? opts.clientMaxWindowBits > params.client_max_window_bits
            : !params.client_max_window_bits))
      ) {
        return false;
      }

      return true;
    });

    if (!accepted) throw new Error('None of the extension offers can be accepted');

    if (opts.serverNoContextTakeover) accepted.server_no_context_takeover = true;
    if (opts.clientNoContextTakeover) accepted.client_no_context_takeover = true;
    if (typeof opts.serverMaxWindowBits === 'number') {
      accepted.server_max_window_bits = opts.serverMaxWindowBits;
    }
    if (typeof opts.clientMaxWindowBits === 'number') {
      accepted.client_max_window_bits = opts.clientMaxWindowBits;
    } else if (accepted.client_max_window_bits === true || opts.clientMaxWindowBits === false) {
      delete accepted.client_max_window_bits;
    }

    return accepted;
  }

  /**
   * Checks the server's response against what the client offered.
   *
   * @param {Array} response The response parameters
   * @return {Object} The accepted parameters
   * @private
   */
  acceptAsClient(response) {
    const params = response[0];

    if (this._options.clientNoContextTakeover === false && params.client_no_context_takeover) {
      throw new Error('Unexpected parameter "client_no_context_takeover"');
    }

    if (!params.client_max_window_bits) {
      if (typeof this._options.clientMaxWindowBits === 'number') {
        params.client_max_window_bits = this._options.clientMaxWindowBits;
      }
    } else if (
      this._options.clientMaxWindowBits === false ||
      (typeof this._options.clientMaxWindowBits === 'number' &&
        params.client_max_window_bits > this._options.clientMaxWindowBits)
    ) {
      throw new Error('Unexpected or invalid parameter "client_max_window_bits"');
    }

    return params;
  }

  /**
   * Validates parameter values and turns them into numbers / `true`.
   *
   * @param {Array} configurations The parameters, as `extension.parse` gives them
   * @return {Array} The normalised parameters
   * @private
   */
  normalizeParams(configurations) {
    for (const params of configurations) {
      for (const key of Object.keys(params)) {
        let value = params[key];

        if (value.length > 1) {
          throw new Error(`Parameter "${key}" must have only a single value`);
        }

        value = value[0];

        if (key === 'client_max_window_bits') {
          if (value !== true) {
            value = windowBits(key, value);
          } else if (!this._isServer) {
            throw new TypeError(`Invalid value for parameter "${key}": ${value}`);
          }
        } else if (key === 'server_max_window_bits') {
          value = windowBits(key, value);
        } else if (key === 'client_no_context_takeover' || key === 'server_no_context_takeover') {
          if (value !== true) {
            throw new TypeError(`Invalid value for parameter "${key}": ${value}`);
          }
        } else {
          throw new Error(`Unknown parameter "${key}"`);
        }

        params[key] = value;
      }
    }

    return configurations;
  }

  /**
   * How the peer compresses: its window bits and whether it drops its context.
   *
   * @return {{windowBits: Number, noContextTakeover: Boolean}} The inflate settings
   * @private
   */
  inflateSettings() {
    const side = this._isServer ? 'client' : 'server';
    const bits = this.params[`${side}_max_window_bits`];
    return {
      windowBits: typeof bits === 'number' ? bits : 15,
      noContextTakeover: !!this.params[`${side}_no_context_takeover`]
    };
  }

  /**
   * Whether a message of `byteLength` bytes is worth compressing: below `threshold` it is
   * not, when the sender's context is not taken over (ws PR #1954).
   *
   * @param {Number} byteLength The message size
   * @return {Boolean} `true` to compress
   * @private
   */
  shouldCompress(byteLength) {
    const key = this._isServer ? 'server_no_context_takeover' : 'client_no_context_takeover';
    return !this.params[key] || byteLength >= this._threshold;
  }

  /**
   * Compresses and frames one message or fragment (one native call).
   *
   * @param {Buffer} data The payload
   * @param {Number} flags `frameInto` flags (opcode, FIN, RSV1, mask)
   * @param {Number} maskKey The masking key when the flags give one
   * @return {Buffer} The frame
   * @private
   */
  frame(data, flags, maskKey) {
    return this._nativeDeflater().frame(data, flags, maskKey);
  }

  /**
   * Compresses and frames one message or fragment into `out` at `offset` (see the native
   * `Deflater.frameInto`).
   *
   * @param {Buffer} out Where to write the frame
   * @param {Number} offset Where in `out`
   * @param {Buffer} data The payload
   * @param {Number} flags `frameInto` flags (opcode, FIN, RSV1, mask)
   * @param {Number} maskKey The masking key when the flags give one
   * @return {Number} The frame's length, or minus it when it did not fit (then `takeFrame()`)
   * @private
   */
  frameInto(out, offset, data, flags, maskKey) {
    return this._nativeDeflater().frameInto(out, offset, data, flags, maskKey);
  }

  /**
   * Copies the frame `frameInto()` could not fit into `out` (exactly its length).
   *
   * @param {Buffer} out The destination
   * @private
   */
  takeFrame(out) {
    this._nativeDeflater().takeFrame(out);
  }

  /**
   * The connection's native compressor, made on first use.
   *
   * @return {Object} A native `Deflater`
   * @private
   */
  _nativeDeflater() {
    if (this._deflater === null) {
      if (native === undefined) native = require('../native');
      const { level, bits, noContextTakeover } = this._sendSettings();
      this._deflater = new native.Deflater(level, bits, noContextTakeover);
    }
    return this._deflater;
  }

  /**
   * What a fresh-stream encoding of a whole message depends on: two connections with the
   * same key can take the same bytes (`broadcast()` compresses once per key, with no
   * history, see `src/binding/deflater.rs`).
   *
   * @return {String} `level:windowBits`
   * @private
   */
  encodingKey() {
    const { level, bits } = this._sendSettings();
    return level + ':' + (bits < 9 ? 9 : bits);
  }

  /**
   * Notes that the peer inflated `data` in its kept context without this connection
   * compressing it (a shared broadcast frame), so that the connection's history (the
   * dictionary later messages are primed with) still ends where the peer's window does.
   *
   * @param {Buffer} data The message
   * @private
   */
  remember(data) {
    if (this._deflater !== null) this._deflater.remember(data);
  }

  /**
   * @return {Object} `{level, bits, noContextTakeover}` of the sending side
   * @private
   */
  _sendSettings() {
    const side = this._isServer ? 'server' : 'client';
    const bits = this.params[`${side}_max_window_bits`];
    const level = (this._options.zlibDeflateOptions || {}).level;
    return {
      level: Number.isInteger(level) && level >= 0 && level <= 9 ? level : 6,
      bits: typeof bits === 'number' ? bits : 15,
      noContextTakeover: !!this.params[`${side}_no_context_takeover`]
    };
  }
}

/**
 * Parses a `*_max_window_bits` value (8-15).
 *
 * @param {String} key The parameter name
 * @param {*} value The value
 * @return {Number} The window bits
 * @private
 */
function windowBits(key, value) {
  const num = +value;
  if (!Number.isInteger(num) || num < 8 || num > 15) {
    throw new TypeError(`Invalid value for parameter "${key}": ${value}`);
  }
  return num;
}

module.exports = PerMessageDeflate;
