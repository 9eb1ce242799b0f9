'use strict';

/**
 * The websocket-extensions framework (0.2 API) a driver negotiates extensions with:
 * extension objects `{name, type: 'permessage', rsv1, rsv2, rsv3, createClientSession,
 * createServerSession}` are registered with `add()`, offered (client) or accepted (server)
 * through the `Sec-WebSocket-Extensions` header, and their sessions transform messages in a
 * {@link Pipeline}. The npm `permessage-deflate` package plugs in unchanged.
 */

const { validateOptions } = require('../options');
const { parseHeader, serializeParams } = require('./parser');
const Pipeline = require('./pipeline');

/** Data opcodes (the only frames extensions may set RSV bits on). */
const MESSAGE_OPCODES = [1, 2];

class Extensions {
  /**
   * @param {Object} [options] `{maxLength}`, passed to every session
   */
  constructor(options) {
    this._rsv1 = this._rsv2 = this._rsv3 = null;
    this._options = validateOptions(options, ['maxLength']);
    this._byName = new Map();
    this._inOrder = [];
    this._sessions = [];
    this._index = new Map();
    this._pipeline = null;
  }

  /**
   * Registers an extension.
   *
   * @param {Object} ext The extension object
   * @throws {TypeError} When it does not have the extension interface or its name is taken
   */
  add(ext) {
    if (typeof ext.name !== 'string') throw new TypeError('extension.name must be a string');
    if (ext.type !== 'permessage') throw new TypeError('extension.type must be "permessage"');

    if (typeof ext.rsv1 !== 'boolean') throw new TypeError('extension.rsv1 must be true or false');
    if (typeof ext.rsv2 !== 'boolean') throw new TypeError('extension.rsv2 must be true or false');
    if (typeof ext.rsv3 !== 'boolean') throw new TypeError('extension.rsv3 must be true or false');

    if (this._byName.has(ext.name))
      throw new TypeError('An extension with name "' + ext.name + '" is already registered');

    this._byName.set(ext.name, ext);
    this._inOrder.push(ext);
  }

  /** @return {Boolean} Whether any extension was registered */
  get size() {
    return this._inOrder.length;
  }

  /**
   * Client side: the offer header for every registered extension.
   *
   * @return {?String} The `Sec-WebSocket-Extensions` value, or null
   */
  generateOffer() {
    const sessions = [];
    const offer = [];
    const index = new Map();

    for (const ext of this._inOrder) {
      const session = ext.createClientSession(this._options);
      if (!session) continue;

      const record = [ext, session];
      sessions.push(record);
      index.set(ext.name, record);

      const offers = session.generateOffer();
      for (const off of offers ? [].concat(offers) : []) offer.push(serializeParams(ext.name, off));
    }

    this._sessions = sessions;
    this._index = index;

    return offer.length > 0 ? offer.join(', ') : null;
  }

  /**
   * Client side: activates the sessions the server's response accepted.
   *
   * @param {(String|undefined)} header The response's `Sec-WebSocket-Extensions`
   * @throws {Error} On an unknown extension, an RSV clash or unacceptable parameters
   */
  activate(header) {
    const responses = parseHeader(header);
    const sessions = [];

    responses.eachOffer((name, params) => {
      const record = this._index.get(name);

      if (!record)
        throw new Error('Server sent an extension response for unknown extension "' + name + '"');

      const [ext, session] = record;
      const reserved = this._reserved(ext);

      if (reserved)
        throw new Error(
          'Server sent two extension responses that use the RSV' +
            reserved[0] +
            ' bit: "' +
            reserved[1] +
            '" and "' +
            ext.name +
            '"'
        );

      if (session.activate(params) !== true)
        throw new Error(
          'Server sent unacceptable extension parameters: ' + serializeParams(name, params)
        );

      this._reserve(ext);
      sessions.push(record);
    });

    this._sessions = sessions;
    this._pipeline = new Pipeline(sessions);
  }

  /**
   * Server side: accepts what it can of the client's offers.
   *
   * @param {(String|undefined)} header The request's `Sec-WebSocket-Extensions`
   * @return {?String} The response header value, or null
   * @throws {SyntaxError} When the header does not parse
   */
  generateResponse(header) {
    const sessions = [];
    const response = [];
    const offers = parseHeader(header);

    for (const ext of this._inOrder) {
      const offer = offers.byName(ext.name);
      if (offer.length === 0 || this._reserved(ext)) continue;

      const session = ext.createServerSession(offer, this._options);
      if (!session) continue;

      this._reserve(ext);
      sessions.push([ext, session]);
      response.push(serializeParams(ext.name, session.generateResponse()));
    }

    this._sessions = sessions;
    this._pipeline = new Pipeline(sessions);

    return response.length > 0 ? response.join(', ') : null;
  }

  /**
   * The settings of the native permessage-deflate (`oxws/permessage-deflate`) when it is the
   * only negotiated extension, so a driver can compress and inflate in the frame codec and
   * skip the pipeline; otherwise `null`.
   *
   * @param {Symbol} key The extension sessions' native settings key (`kNative`)
   * @return {?Object} The settings
   */
  soleNativeSettings(key) {
    const sessions = this._sessions;
    if (sessions.length !== 1 || !sessions[0][1][key]) return null;
    return sessions[0][1][key].settings;
  }

  /** @return {Boolean} Whether a pipeline with at least one session is active */
  get active() {
    return this._pipeline !== null && this._sessions.length > 0;
  }

  /**
   * Whether outgoing messages are dropped: the pipeline was closed (the driver is closing)
   * or a session failed on an outgoing message. websocket-extensions then ignores
   * `processOutgoingMessage` without calling back.
   *
   * @return {Boolean}
   */
  get outgoingStopped() {
    return this._pipeline !== null && this._pipeline._stopped.outgoing;
  }

  /**
   * Whether incoming messages are dropped: the pipeline was closed or a session failed on
   * an incoming message (websocket-extensions then ignores `processIncomingMessage`).
   *
   * @return {Boolean}
   */
  get incomingStopped() {
    return this._pipeline !== null && this._pipeline._stopped.incoming;
  }

  /**
   * The RSV bits data frames may carry (websocket-extensions' `validFrameRsv`).
   *
   * @return {Number} `0x40` RSV1 | `0x20` RSV2 | `0x10` RSV3
   */
  allowedRsv() {
    let bits = 0;
    for (const [ext] of this._sessions) {
      if (ext.rsv1) bits |= 0x40;
      if (ext.rsv2) bits |= 0x20;
      if (ext.rsv3) bits |= 0x10;
    }
    return bits;
  }

  /**
   * @param {Object} frame `{opcode, rsv1, rsv2, rsv3}`
   * @return {Boolean} Whether its RSV bits are allowed
   */
  validFrameRsv(frame) {
    const allowed = MESSAGE_OPCODES.includes(frame.opcode) ? this.allowedRsv() : 0;
    return (
      (allowed & 0x40 || !frame.rsv1) !== false &&
      (allowed & 0x20 || !frame.rsv2) !== false &&
      (allowed & 0x10 || !frame.rsv3) !== false
    );
  }

  processIncomingMessage(message, callback, context) {
    this._pipeline.processIncomingMessage(message, callback, context);
  }

  processOutgoingMessage(message, callback, context) {
    this._pipeline.processOutgoingMessage(message, callback, context);
  }

  /**
   * Closes every session once the messages in flight are through.
   *
   * @param {Function} callback Called when done (at once without a pipeline)
   * @param {Object} [context] Its `this`
   */
  close(callback, context) {
    if (!this._pipeline) return callback.call(context);
    this._pipeline.close(callback, context);
  }

  _reserve(ext) {
    this._rsv1 = this._rsv1 || (ext.rsv1 && ext.name);
    this._rsv2 = this._rsv2 || (ext.rsv2 && ext.name);
    this._rsv3 = this._rsv3 || (ext.rsv3 && ext.name);
  }

  _reserved(ext) {
    if (this._rsv1 && ext.rsv1) return [1, this._rsv1];
    if (this._rsv2 && ext.rsv2) return [2, this._rsv2];
    if (this._rsv3 && ext.rsv3) return [3, this._rsv3];
    return false;
  }
}

Extensions.validateOptions = validateOptions;

module.exports = Extensions;
