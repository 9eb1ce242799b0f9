'use strict';

/**
 * The ws API's `WebSocket` (client and server-side socket), with ws 8.23's options,
 * events, methods and properties. Frames go through the Rust core: one native call per
 * received chunk (`Receiver`) and one per sent message (`Sender`).
 *
 * Listeners on sockets, receivers and senders are module-level functions that find their
 * WebSocket through the `kWebSocket` back-reference: no closures per connection.
 */

const EventEmitter = require('events');
const { URL } = require('url');

const PerMessageDeflate = require('./permessage-deflate');
const heartbeat = require('./heartbeat');
const DEFAULT_LIMITS = require('./limits');
const backpressure = require('./backpressure');
const { isBlob } = require('./validation');
const { toBuffer } = require('./buffer-util');
const { format, parse } = require('./extension');
const {
  EventTarget: { addEventListener, removeEventListener },
  defineEventHandlerProperties
} = require('./event-target');
const {
  BINARY_TYPES,
  CLOSE_TIMEOUT,
  EMPTY_BUFFER,
  kStatusCode,
  kWebSocket,
  NOOP
} = require('../constants');

// Loaded on first use, so that `require('oxws')` in its accelerator role stays cheap:
// the addon, the codec classes and the client's network modules.
let native, Receiver, Sender, http, https, net, querystring, tls;

/**
 * Loads the modules a connection needs (once).
 *
 * @private
 */
function loadCodec() {
  if (Receiver === undefined) {
    native = require('../native');
    Receiver = require('./receiver');
    Sender = require('./sender');
  }
}

/**
 * Loads the modules a client needs (once).
 *
 * @private
 */
function loadClient() {
  loadCodec();
  if (http === undefined) {
    http = require('http');
    https = require('https');
    net = require('net');
    querystring = require('querystring');
    tls = require('tls');
  }
}

const kAborted = Symbol('kAborted');
const protocolVersions = [8, 13];
const readyStates = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
const subprotocolRegex = /^[!#$%&'*+\-.0-9A-Z^_`|a-z~]+$/;

class WebSocket extends EventEmitter {
  /**
   * Creates a WebSocket: a client when `address` is given, a server-side socket when it
   * is `null` (then `WebSocketServer` calls `setSocket()`).
   *
   * @param {(String|URL|null)} address The URL to connect to
   * @param {(String|String[])} [protocols] The subprotocols
   * @param {Object} [options] Connection options (see `initAsClient`)
   */
  constructor(address, protocols, options) {
    super();

    this._binaryType = BINARY_TYPES[0];
    this._closeCode = 1006;
    this._closeFrameReceived = false;
    this._closeFrameSent = false;
    this._closeMessage = EMPTY_BUFFER;
    this._closeTimer = null;
    this._errorEmitted = false;
    this._extensions = {};
    // Heartbeat state (see heartbeat.js); set here so every socket has the same shape.
    this._heartbeatSeen = false;
    this._heartbeatIdleSince = 0;
    this._heartbeatPingAt = 0;
    this._heartbeatWheel = null;
    // Backpressure limit (see backpressure.js); 0 = off.
    this._maxBackpressure = 0;
    this._backpressureDrop = false;
    this._paused = false;
    this._protocol = '';
    this._readyState = WebSocket.CONNECTING;
    this._receiver = null;
    this._sender = null;
    this._socket = null;
    // nativeIO connections without permessage-deflate: sends are framed (and, from clients,
    // masked) on the I/O thread (see `send()`).
    this._frameSocket = null;

    if (address !== null) {
      this._bufferedAmount = 0;
      this._isServer = false;
      this._redirects = 0;

      if (protocols === undefined) {
        protocols = protocolsFromOptions(options);
      } else if (!Array.isArray(protocols)) {
        if (typeof protocols === 'object' && protocols !== null) {
          options = protocols;
          protocols = protocolsFromOptions(options);
        } else {
          protocols = [protocols];
        }
      }

      options = initAsClient(this, address, protocols, options);
    } else {
      this._isServer = true;
    }

    if (options.autoPong) {
      this._autoPong = true;
      this._autoPongComplete = null; // bound on the first ping (most connections get none)
      this._pendingAutoPongs = 0;
      this._maxPendingAutoPongs = options.maxPendingAutoPongs | 0;
    }

    this._closeTimeout = options.closeTimeout;
  }

  /**
   * How binary messages are delivered: 'nodebuffer' (default), 'arraybuffer',
   * 'fragments' or 'blob'. Can be changed at any time.
   *
   * @type {String}
   */
  get binaryType() {
    return this._binaryType;
  }

  set binaryType(type) {
    if (!BINARY_TYPES.includes(type)) return;

    this._binaryType = type;
    if (this._receiver) this._receiver._binaryType = type;
  }

  /**
   * Bytes queued to be written (framing included), not yet handed to the OS.
   *
   * @type {Number}
   */
  get bufferedAmount() {
    if (!this._socket) return this._bufferedAmount;

    return socketBacklog(this._socket) + this._sender._bufferedBytes;
  }

  /** @type {String} */
  get extensions() {
    return Object.keys(this._extensions).join();
  }

  /** @type {Boolean} */
  get isPaused() {
    return this._paused;
  }

  /** @type {String} */
  get protocol() {
    return this._protocol;
  }

  /** @type {Number} */
  get readyState() {
    return this._readyState;
  }

  /** @type {String} */
  get url() {
    return this._url;
  }

  /**
   * Attaches the upgraded socket and starts the connection.
   *
   * @param {Duplex} socket The socket
   * @param {Buffer} head Bytes received after the handshake
   * @param {Object} options Options object
   * @param {Boolean} [options.allowSynchronousEvents=false] Allow several events per tick
   * @param {Function} [options.generateMask] Fills a masking key
   * @param {Number} [options.maxBufferedChunks=0] Most chunks buffered for one frame
   * @param {Number} [options.maxFragments=0] Most fragments in one message
   * @param {Number} [options.maxPayload=0] Largest message
   * @param {Boolean} [options.skipUTF8Validation=false] Skip UTF-8 validation
   * @private
   */
  setSocket(socket, head, options) {
    loadCodec();
    const receiver = new Receiver({
      allowSynchronousEvents: options.allowSynchronousEvents,
      binaryType: this.binaryType,
      extensions: this._extensions,
      isServer: this._isServer,
      maxBufferedChunks: options.maxBufferedChunks,
      maxFragments: options.maxFragments,
      maxPayload: options.maxPayload,
      skipUTF8Validation: options.skipUTF8Validation,
      decodedElsewhere: socket._decodes === true
    });
    if (socket._decodes === true) socket.setFrameSink(receiver);

    const sender = new Sender(socket, this._extensions, options.generateMask);

    this._receiver = receiver;
    this._sender = sender;
    this._socket = socket;
    if (socket._decodes === true && !this._extensions[PerMessageDeflate.extensionName]) {
      this._frameSocket = socket;
    }

    receiver[kWebSocket] = this;
    sender[kWebSocket] = this;
    socket[kWebSocket] = this;

    receiver.on('conclude', receiverOnConclude);
    receiver.on('drain', receiverOnDrain);
    receiver.on('error', receiverOnError);
    receiver.on('message', receiverOnMessage);
    receiver.on('ping', receiverOnPing);
    receiver.on('pong', receiverOnPong);

    sender.onerror = senderOnError;

    // A plain Duplex may lack these.
    if (socket.setTimeout) socket.setTimeout(0);
    if (socket.setNoDelay) socket.setNoDelay();

    if (head.length > 0) socket.unshift(head);

    socket.on('close', socketOnClose);
    socket.on('data', socketOnData);
    socket.on('end', socketOnEnd);
    socket.on('error', socketOnError);

    if (options.backpressure && options.backpressure.max > 0) {
      this._maxBackpressure = options.backpressure.max;
      this._backpressureDrop = options.backpressure.drop;
    }
    socket.on('drain', socketOnDrain);

    this._readyState = WebSocket.OPEN;
    if (options.heartbeat) heartbeat.watch(this, options.heartbeat);
    this.emit('open');
  }

  /**
   * Emits `'close'` (once the socket and the receiver are done).
   *
   * @private
   */
  emitClose() {
    if (!this._socket) {
      this._readyState = WebSocket.CLOSED;
      this.emit('close', this._closeCode, this._closeMessage);
      return;
    }

    const deflate = this._extensions[PerMessageDeflate.extensionName];
    if (deflate) deflate.cleanup();
    if (this._heartbeatWheel) heartbeat.unwatch(this);

    this._receiver.removeAllListeners();
    this._readyState = WebSocket.CLOSED;
    this.emit('close', this._closeCode, this._closeMessage);
  }

  /**
   * Starts the closing handshake.
   *
   * ```text
   *   us                                    peer
   *   close() ── close frame ─────────────▶ (peer echoes)
   *   CLOSING ◀──────────────── close frame
   *   end() ─── FIN ──────────────────────▶
   *   'close' when the socket closes, or after closeTimeout the socket is destroyed
   * ```
   *
   * @param {Number} [code] Status code
   * @param {(String|Buffer)} [data] Reason (at most 123 bytes)
   * @public
   */
  close(code, data) {
    if (this.readyState === WebSocket.CLOSED) return;
    if (this.readyState === WebSocket.CONNECTING) {
      abortHandshake(this, this._req, 'WebSocket was closed before the connection was established');
      return;
    }

    if (this.readyState === WebSocket.CLOSING) {
      if (
        this._closeFrameSent &&
        (this._closeFrameReceived || this._receiver._writableState.errorEmitted)
      ) {
        this._socket.end();
      }
      return;
    }

    this._sender.close(code, data, !this._isServer, (err) => {
      // Write errors are handled by the socket's 'error' listener.
      if (err) return;

      this._closeFrameSent = true;

      if (this._closeFrameReceived || this._receiver._writableState.errorEmitted) {
        this._socket.end();
      }
    });

    this._readyState = WebSocket.CLOSING;
    setCloseTimer(this);
  }

  /**
   * Stops reading from the socket.
   *
   * @public
   */
  pause() {
    if (this.readyState === WebSocket.CONNECTING || this.readyState === WebSocket.CLOSED) {
      return;
    }

    this._paused = true;
    this._socket.pause();
  }

  /**
   * Sends a ping.
   *
   * @param {*} [data] The payload
   * @param {Boolean} [mask] Mask the frame (default: true on clients)
   * @param {Function} [cb] Called when written
   * @public
   */
  ping(data, mask, cb) {
    this._control('ping', data, mask, cb);
  }

  /**
   * Sends a pong.
   *
   * @param {*} [data] The payload
   * @param {Boolean} [mask] Mask the frame (default: true on clients)
   * @param {Function} [cb] Called when written
   * @public
   */
  pong(data, mask, cb) {
    this._control('pong', data, mask, cb);
  }

  /**
   * Shared body of `ping()` and `pong()`.
   *
   * @private
   */
  _control(method, data, mask, cb) {
    if (this.readyState === WebSocket.CONNECTING) {
      throw new Error('WebSocket is not open: readyState 0 (CONNECTING)');
    }

    if (typeof data === 'function') {
      cb = data;
      data = mask = undefined;
    } else if (typeof mask === 'function') {
      cb = mask;
      mask = undefined;
    }

    // Never pass a number on: Buffer.alloc-like use of it leaked memory in 2016.
    if (typeof data === 'number') data = data.toString();

    if (this.readyState !== WebSocket.OPEN) {
      sendAfterClose(this, data, cb);
      return;
    }

    if (mask === undefined) mask = !this._isServer;
    this._sender[method](data || EMPTY_BUFFER, mask, cb);
  }

  /**
   * Resumes reading from the socket.
   *
   * @public
   */
  resume() {
    if (this.readyState === WebSocket.CONNECTING || this.readyState === WebSocket.CLOSED) {
      return;
    }

    this._paused = false;
    if (!this._receiver._writableState.needDrain) this._socket.resume();
  }

  /**
   * Sends a data message.
   *
   * @param {*} data String, Buffer, TypedArray, ArrayBuffer, DataView or Blob
   * @param {Object} [options] Options object
   * @param {Boolean} [options.binary] Binary (default: true unless `data` is a string)
   * @param {Boolean} [options.compress] Compress (when permessage-deflate is on)
   * @param {Boolean} [options.fin=true] Last fragment
   * @param {Boolean} [options.mask] Mask (default: true on clients)
   * @param {Function} [cb] Called when written
   * @public
   */
  send(data, options, cb) {
    if (this._frameSocket !== null && this._readyState === WebSocket.OPEN && sendFramed(this, data, options, cb)) {
      return;
    }

    if (this.readyState === WebSocket.CONNECTING) {
      throw new Error('WebSocket is not open: readyState 0 (CONNECTING)');
    }

    if (typeof options === 'function') {
      cb = options;
      options = {};
    }

    if (typeof data === 'number') data = data.toString();

    if (this.readyState !== WebSocket.OPEN) {
      sendAfterClose(this, data, cb);
      return;
    }

    const opts = {
      binary: typeof data !== 'string',
      mask: !this._isServer,
      compress: true,
      fin: true,
      ...options
    };

    if (!this._extensions[PerMessageDeflate.extensionName]) opts.compress = false;

    if (this._maxBackpressure > 0 && !backpressure.admit(this, backpressure.sizeOf(data), cb)) {
      return;
    }

    this._sender.send(data || EMPTY_BUFFER, opts, cb);
  }

  /**
   * Closes the connection at once (no closing handshake).
   *
   * @public
   */
  terminate() {
    if (this.readyState === WebSocket.CLOSED) return;
    if (this.readyState === WebSocket.CONNECTING) {
      abortHandshake(this, this._req, 'WebSocket was closed before the connection was established');
      return;
    }

    if (this._socket) {
      this._readyState = WebSocket.CLOSING;
      this._socket.destroy();
    }
  }
}

readyStates.forEach((name, value) => {
  Object.defineProperty(WebSocket, name, { enumerable: true, value });
  Object.defineProperty(WebSocket.prototype, name, { enumerable: true, value });
});

['binaryType', 'bufferedAmount', 'extensions', 'isPaused', 'protocol', 'readyState', 'url'].forEach(
  (property) => {
    Object.defineProperty(WebSocket.prototype, property, { enumerable: true });
  }
);

defineEventHandlerProperties(WebSocket.prototype);
WebSocket.prototype.addEventListener = addEventListener;
WebSocket.prototype.removeEventListener = removeEventListener;

module.exports = WebSocket;

/**
 * Reads the subprotocol list from `options.protocols` (ws ≥ 8.22).
 *
 * @param {Object} [options] The options
 * @return {String[]} The subprotocols
 * @private
 */
function protocolsFromOptions(options) {
  if (!options || options.protocols === undefined) return [];
  return Array.isArray(options.protocols) ? options.protocols : [options.protocols];
}

/**
 * Starts a client connection: the HTTP upgrade request and its handlers.
 *
 * @param {WebSocket} websocket The client
 * @param {(String|URL)} address The URL
 * @param {String[]} protocols The subprotocols
 * @param {Object} [options] Connection options
 * @param {Boolean} [options.allowSynchronousEvents=true] Allow several events per tick
 * @param {Boolean} [options.autoPong=true] Answer pings automatically
 * @param {Number} [options.closeTimeout=30000] Closing handshake timeout (ms)
 * @param {Function} [options.finishRequest] Customises the request; must call `req.end()`
 * @param {Boolean} [options.followRedirects=false] Follow redirects
 * @param {Function} [options.generateMask] Fills a masking key
 * @param {Number} [options.handshakeTimeout] Opening handshake timeout (ms)
 * @param {Number} [options.maxBufferedChunks=262144] Most chunks buffered for one frame
 * @param {Number} [options.maxFragments=16384] Most fragments in one message
 * @param {Number} [options.maxPayload=104857600] Largest message
 * @param {Number} [options.maxPendingAutoPongs=60] Most unwritten automatic pongs
 * @param {Number} [options.maxRedirects=10] Most redirects followed
 * @param {Boolean} [options.nativeIO=false] oxws: after the handshake, a plain-TCP connection
 *     is read and written by the addon's I/O thread (see README "nativeIO"); `ws._socket` is
 *     then a `NativeSocket`. `wss:` and `ws+unix:` connections stay on Node sockets.
 * @param {String} [options.origin] The `Origin` (or `Sec-WebSocket-Origin`) header
 * @param {(Boolean|Object)} [options.perMessageDeflate=true] permessage-deflate
 * @param {Number} [options.protocolVersion=13] `Sec-WebSocket-Version` (8 or 13)
 * @param {Boolean} [options.skipUTF8Validation=false] Skip UTF-8 validation
 * @return {Object} The resolved options
 * @private
 */
function initAsClient(websocket, address, protocols, options) {
  loadClient();
  const opts = {
    allowSynchronousEvents: true,
    autoPong: true,
    closeTimeout: CLOSE_TIMEOUT,
    protocolVersion: protocolVersions[1],
    ...DEFAULT_LIMITS,
    skipUTF8Validation: false,
    perMessageDeflate: true,
    followRedirects: false,
    maxRedirects: 10,
    ...options,
    socketPath: undefined,
    hostname: undefined,
    protocol: undefined,
    protocols: undefined,
    timeout: undefined,
    method: 'GET',
    host: undefined,
    path: undefined,
    port: undefined
  };

  opts.heartbeat = heartbeat.validate(opts.heartbeat);
  opts.backpressure = backpressure.validate(opts.maxBackpressure, opts.backpressurePolicy);

  if (!protocolVersions.includes(opts.protocolVersion)) {
    throw new RangeError(
      `Unsupported protocol version: ${opts.protocolVersion} ` +
        `(supported versions: ${protocolVersions.join(', ')})`
    );
  }

  let parsedUrl;

  if (address instanceof URL) {
    parsedUrl = address;
  } else {
    try {
      parsedUrl = new URL(address);
    } catch {
      throw new SyntaxError(`Invalid URL: ${address}`);
    }
  }

  if (parsedUrl.protocol === 'http:' || parsedUrl.protocol === 'https:') {
    parsedUrl = new URL(parsedUrl);
    parsedUrl.protocol = parsedUrl.protocol === 'http:' ? 'ws:' : 'wss:';
  }

  websocket._url = parsedUrl.href;

  const isSecure = parsedUrl.protocol === 'wss:';
  const isIpcUrl = parsedUrl.protocol === 'ws+unix:';
  let invalidUrlMessage;

  if (parsedUrl.protocol !== 'ws:' && !isSecure && !isIpcUrl) {
    invalidUrlMessage =
      'The URL\'s protocol must be one of "ws:", "wss:", "http:", "https:", or "ws+unix:"';
  } else if (isIpcUrl && !parsedUrl.pathname) {
    invalidUrlMessage = "The URL's pathname is empty";
  } else if (parsedUrl.hash) {
    invalidUrlMessage = 'The URL contains a fragment identifier';
  }

  if (invalidUrlMessage) {
    const err = new SyntaxError(invalidUrlMessage);

    if (websocket._redirects === 0) throw err;
    emitErrorAndClose(websocket, err);
    return;
  }

  const defaultPort = isSecure ? 443 : 80;
  const key = native.generateKey();
  const request = isSecure ? https.request : http.request;
  const protocolSet = new Set();

  opts.createConnection = opts.createConnection || (isSecure ? tlsConnect : netConnect);
  opts.defaultPort = opts.defaultPort || defaultPort;
  opts.port = parsedUrl.port || defaultPort;
  opts.host = parsedUrl.hostname.startsWith('[')
    ? parsedUrl.hostname.slice(1, -1)
    : parsedUrl.hostname;
  opts.headers = {
    ...opts.headers,
    'Sec-WebSocket-Version': opts.protocolVersion,
    'Sec-WebSocket-Key': key,
    Connection: 'Upgrade',
    Upgrade: 'websocket'
  };
  opts.path = parsedUrl.pathname + parsedUrl.search;
  opts.timeout = opts.handshakeTimeout;

  const perMessageDeflate = PerMessageDeflate.forClient(opts.perMessageDeflate, opts.maxPayload);
  if (perMessageDeflate) {
    opts.headers['Sec-WebSocket-Extensions'] = format({
      [PerMessageDeflate.extensionName]: perMessageDeflate.offer()
    });
  }

  if (protocols.length) {
    for (const protocol of protocols) {
      if (typeof protocol !== 'string' || !subprotocolRegex.test(protocol) || protocolSet.has(protocol)) {
        throw new SyntaxError('An invalid or duplicated subprotocol was specified');
      }
      protocolSet.add(protocol);
    }

    opts.headers['Sec-WebSocket-Protocol'] = protocols.join(',');
  }

  if (opts.origin) {
    if (opts.protocolVersion < 13) opts.headers['Sec-WebSocket-Origin'] = opts.origin;
    else opts.headers.Origin = opts.origin;
  }

  if (parsedUrl.username || parsedUrl.password) {
    const username = querystring.unescape(parsedUrl.username);
    const password = querystring.unescape(parsedUrl.password);
    opts.auth = `${username}:${password}`;
  }

  if (isIpcUrl) {
    const i = opts.path.indexOf(':');

    if (i === -1) {
      opts.socketPath = opts.path;
      opts.path = '';
    } else {
      opts.socketPath = opts.path.slice(0, i);
      opts.path = opts.path.slice(i + 1);
    }
  }

  let req;

  if (opts.followRedirects) {
    if (websocket._redirects === 0) {
      websocket._originalIpc = isIpcUrl;
      websocket._originalSecure = isSecure;
      websocket._originalHostOrSocketPath = isIpcUrl ? opts.socketPath : parsedUrl.host;

      const headers = options && options.headers;

      // Copy the options so headers can change per redirect without touching the user's.
      options = { ...options, headers: {} };

      if (headers) {
        for (const [name, value] of Object.entries(headers)) {
          options.headers[name.toLowerCase()] = value;
        }
      }
    } else if (websocket.listenerCount('redirect') === 0) {
      const isSameHost = isIpcUrl
        ? websocket._originalIpc
          ? opts.socketPath === websocket._originalHostOrSocketPath
          : false
        : websocket._originalIpc
          ? false
          : parsedUrl.host === websocket._originalHostOrSocketPath;

      if (!isSameHost || (websocket._originalSecure && !isSecure)) {
        // As curl 7.77.0: credentials are not sent to another host or over a downgrade.
        delete opts.headers.authorization;
        delete opts.headers.cookie;

        if (!isSameHost) delete opts.headers.host;

        opts.auth = undefined;
      }
    }

    // As curl 7.77.0: the first Authorization header wins.
    if (opts.auth && !options.headers.authorization) {
      options.headers.authorization = 'Basic ' + Buffer.from(opts.auth).toString('base64');
    }

    req = websocket._req = request(opts);

    if (websocket._redirects) websocket.emit('redirect', websocket.url, req);
  } else {
    req = websocket._req = request(opts);
  }

  if (opts.timeout) {
    req.on('timeout', () => {
      abortHandshake(websocket, req, 'Opening handshake has timed out');
    });
  }

  req.on('error', (err) => {
    if (req === null || req[kAborted]) return;

    req = websocket._req = null;
    emitErrorAndClose(websocket, err);
  });

  req.on('response', (res) => {
    const location = res.headers.location;
    const statusCode = res.statusCode;

    if (location && opts.followRedirects && statusCode >= 300 && statusCode < 400) {
      if (++websocket._redirects > opts.maxRedirects) {
        abortHandshake(websocket, req, 'Maximum redirects exceeded');
        return;
      }

      req.abort();

      let addr;

      try {
        addr = new URL(location, address);
      } catch {
        emitErrorAndClose(websocket, new SyntaxError(`Invalid URL: ${location}`));
        return;
      }

      initAsClient(websocket, addr, protocols, options);
    } else if (!websocket.emit('unexpected-response', req, res)) {
      abortHandshake(websocket, req, `Unexpected server response: ${res.statusCode}`);
    }
  });

  req.on('upgrade', (res, socket, head) => {
    websocket.emit('upgrade', res);

    // The user may have closed the connection from an 'upgrade' listener.
    if (websocket.readyState !== WebSocket.CONNECTING) return;

    req = websocket._req = null;

    const upgrade = res.headers.upgrade;

    if (upgrade === undefined || upgrade.toLowerCase() !== 'websocket') {
      abortHandshake(websocket, socket, 'Invalid Upgrade header');
      return;
    }

    if (res.headers['sec-websocket-accept'] !== native.acceptKey(key)) {
      abortHandshake(websocket, socket, 'Invalid Sec-WebSocket-Accept header');
      return;
    }

    const serverProt = res.headers['sec-websocket-protocol'];
    let protError;

    if (serverProt !== undefined) {
      if (!protocolSet.size) {
        protError = 'Server sent a subprotocol but none was requested';
      } else if (!protocolSet.has(serverProt)) {
        protError = 'Server sent an invalid subprotocol';
      }
    } else if (protocolSet.size) {
      protError = 'Server sent no subprotocol';
    }

    if (protError) {
      abortHandshake(websocket, socket, protError);
      return;
    }

    if (serverProt) websocket._protocol = serverProt;

    const secWebSocketExtensions = res.headers['sec-websocket-extensions'];

    if (secWebSocketExtensions !== undefined) {
      if (!perMessageDeflate) {
        abortHandshake(
          websocket,
          socket,
          'Server sent a Sec-WebSocket-Extensions header but no extension was requested'
        );
        return;
      }

      let extensions;

      try {
        extensions = parse(secWebSocketExtensions);
      } catch {
        abortHandshake(websocket, socket, 'Invalid Sec-WebSocket-Extensions header');
        return;
      }

      const extensionNames = Object.keys(extensions);

      if (extensionNames.length !== 1 || extensionNames[0] !== PerMessageDeflate.extensionName) {
        abortHandshake(websocket, socket, 'Server indicated an extension that was not requested');
        return;
      }

      try {
        perMessageDeflate.accept(extensions[PerMessageDeflate.extensionName]);
      } catch {
        abortHandshake(websocket, socket, 'Invalid Sec-WebSocket-Extensions header');
        return;
      }

      websocket._extensions[PerMessageDeflate.extensionName] = perMessageDeflate;
    }

    if (opts.nativeIO) {
      const stand = require('./native-io').adoptConnection(socket, head, websocket._extensions, false, opts);
      if (stand !== null) {
        socket = stand;
        head = EMPTY_BUFFER;
      }
    }

    websocket.setSocket(socket, head, {
      allowSynchronousEvents: opts.allowSynchronousEvents,
      generateMask: opts.generateMask,
      maxBufferedChunks: opts.maxBufferedChunks,
      maxFragments: opts.maxFragments,
      maxPayload: opts.maxPayload,
      skipUTF8Validation: opts.skipUTF8Validation,
      heartbeat: opts.heartbeat,
      backpressure: opts.backpressure
    });
  });

  if (opts.finishRequest) opts.finishRequest(req, websocket);
  else req.end();

  return opts;
}

/**
 * Emits `'error'` then `'close'`.
 *
 * @private
 */
function emitErrorAndClose(websocket, err) {
  websocket._readyState = WebSocket.CLOSING;
  websocket._errorEmitted = true;
  websocket.emit('error', err);
  websocket.emitClose();
}

/**
 * `createConnection` for `ws:` and `ws+unix:`.
 *
 * @private
 */
function netConnect(options) {
  options.path = options.socketPath;
  return net.connect(options);
}

/**
 * `createConnection` for `wss:` (SNI from the host name unless it is an IP).
 *
 * @private
 */
function tlsConnect(options) {
  options.path = undefined;

  if (!options.servername && options.servername !== '') {
    options.servername = net.isIP(options.host) ? '' : options.host;
  }

  return tls.connect(options);
}

/**
 * Aborts the opening handshake with an error.
 *
 * @param {WebSocket} websocket The client
 * @param {(http.ClientRequest|net.Socket)} stream The request to abort or socket to destroy
 * @param {String} message The error message
 * @private
 */
function abortHandshake(websocket, stream, message) {
  websocket._readyState = WebSocket.CLOSING;

  const err = new Error(message);
  Error.captureStackTrace(err, abortHandshake);

  if (stream.setHeader) {
    stream[kAborted] = true;
    stream.abort();

    // abort() leaves the socket open once the request completed (ws #1869).
    if (stream.socket && !stream.socket.destroyed) stream.socket.destroy();

    process.nextTick(emitErrorAndClose, websocket, err);
  } else {
    stream.destroy(err);
    stream.once('error', websocket.emit.bind(websocket, 'error'));
    stream.once('close', websocket.emitClose.bind(websocket));
  }
}

/**
 * `send()` / `ping()` / `pong()` while CLOSING or CLOSED: count the bytes, fail the callback.
 *
 * @private
 */
function sendAfterClose(websocket, data, cb) {
  if (data) {
    const length = isBlob(data) ? data.size : toBuffer(data).length;

    // `_bufferedAmount` is used only when a client's handshake failed (no socket).
    if (websocket._socket) websocket._sender._bufferedBytes += length;
    else websocket._bufferedAmount += length;
  }

  if (cb) {
    const err = new Error(
      `WebSocket is not open: readyState ${websocket.readyState} (${readyStates[websocket.readyState]})`
    );
    process.nextTick(cb, err);
  }
}

/**
 * Receiver `'conclude'`: a close frame arrived.
 *
 * @private
 */
function receiverOnConclude(code, reason) {
  const websocket = this[kWebSocket];

  websocket._closeFrameReceived = true;
  websocket._closeCode = code;

  // Copy (unpooled) so that the reason does not keep the socket chunk alive.
  if (reason.length === 0) {
    websocket._closeMessage = EMPTY_BUFFER;
  } else {
    websocket._closeMessage = Buffer.allocUnsafeSlow(reason.length);
    websocket._closeMessage.set(reason);
  }

  if (websocket._socket[kWebSocket] === undefined) return;

  websocket._socket.removeListener('data', socketOnData);
  process.nextTick(resume, websocket._socket);

  if (code === 1005) websocket.close();
  else websocket.close(code, reason);
}

/**
 * Receiver `'drain'`.
 *
 * @private
 */
function receiverOnDrain() {
  const websocket = this[kWebSocket];

  if (!websocket.isPaused) websocket._socket.resume();
}

/**
 * Receiver `'error'`: a protocol error; fail the connection with its status.
 *
 * @private
 */
function receiverOnError(err) {
  const websocket = this[kWebSocket];

  if (websocket._socket[kWebSocket] !== undefined) {
    websocket._socket.removeListener('data', socketOnData);
    process.nextTick(resume, websocket._socket);
    websocket.close(err[kStatusCode]);
  }

  if (!websocket._errorEmitted) {
    websocket._errorEmitted = true;
    websocket.emit('error', err);
  }
}

/**
 * Receiver `'finish'` (or `'error'` after the socket closed).
 *
 * @private
 */
function receiverOnFinish() {
  this[kWebSocket].emitClose();
}

/**
 * Receiver `'message'`.
 *
 * @private
 */
function receiverOnMessage(data, isBinary) {
  this[kWebSocket].emit('message', data, isBinary);
}

/**
 * The `nativeIO` fast path of `send()`: a whole uncompressed text or binary message, with no
 * send queued before it, is handed to the `NativeSocket` as one frame (the I/O thread writes
 * its header, and masks it with a key of its own pool when masked). Anything else
 * (fragments, keys from `generateMask`, Blobs, other data types, `maxBackpressure`) takes the
 * general path.
 *
 * @param {WebSocket} websocket An OPEN WebSocket with a `_frameSocket`
 * @param {*} data The message
 * @param {(Object|Function)} [options] `send()` options, or the callback
 * @param {Function} [cb] Called when written
 * @return {Boolean} Whether the message was taken
 * @private
 */
function sendFramed(websocket, data, options, cb) {
  const sender = websocket._sender;
  if (!sender.isIdle() || websocket._maxBackpressure > 0) return false;

  let length;
  if (typeof data === 'string') length = Buffer.byteLength(data);
  else if (data instanceof Uint8Array) length = data.length;
  else return false;

  let binary = typeof data !== 'string';
  let masked = !websocket._isServer;
  if (typeof options === 'function') {
    cb = options;
  } else if (options !== undefined) {
    // As `{ binary, mask: !isServer, fin: true, ...options }`: a present key wins even if
    // undefined.
    const fin = options.fin;
    if (fin !== true && (fin !== undefined || 'fin' in options)) return false;
    if ('mask' in options) masked = !!options.mask;
    if (options.binary !== undefined) binary = !!options.binary;
    else if ('binary' in options) binary = false;
  }
  // Keys from the user's `generateMask` are applied by the general path.
  if (masked && sender.hasMaskGenerator()) return false;

  websocket._frameSocket.writeFrame(binary ? 0x82 : 0x81, data, length, masked, cb);
  return true;
}

/**
 * Receiver `'ping'`: auto-pong while OPEN, bounded by `maxPendingAutoPongs`.
 *
 * @private
 */
function receiverOnPing(data) {
  const websocket = this[kWebSocket];

  if (websocket._autoPong && websocket.readyState === WebSocket.OPEN) {
    if (
      websocket._maxPendingAutoPongs > 0 &&
      websocket._pendingAutoPongs >= websocket._maxPendingAutoPongs
    ) {
      websocket.terminate();
    } else {
      websocket._pendingAutoPongs++;
      if (websocket._autoPongComplete === null) {
        websocket._autoPongComplete = autoPongWritten.bind(websocket);
      }
      // Through the public method, as ws does: an instance override of `pong()` (a test that
      // plays a silent peer) takes effect, and a pong it never writes stays pending.
      websocket.pong(data, !this._isServer, websocket._autoPongComplete);
    }
  }

  websocket.emit('ping', data);
}

/**
 * An automatic pong was written.
 *
 * @private
 */
function autoPongWritten() {
  this._pendingAutoPongs--;
}

/**
 * Receiver `'pong'`.
 *
 * @private
 */
function receiverOnPong(data) {
  this[kWebSocket].emit('pong', data);
}

/**
 * Resumes a readable stream.
 *
 * @private
 */
function resume(stream) {
  stream.resume();
}

/**
 * Sender error (a Blob could not be read).
 *
 * @private
 */
function senderOnError(err) {
  const websocket = this[kWebSocket];

  if (websocket.readyState === WebSocket.CLOSED) return;
  if (websocket.readyState === WebSocket.OPEN) {
    websocket._readyState = WebSocket.CLOSING;
    setCloseTimer(websocket);
  }

  // end(), not destroy(): let the peer finish sending.
  this._socket.end();

  if (!websocket._errorEmitted) {
    websocket._errorEmitted = true;
    websocket.emit('error', err);
  }
}

/**
 * Destroys the socket if the closing handshake does not finish in `closeTimeout` ms.
 *
 * @private
 */
function setCloseTimer(websocket) {
  websocket._closeTimer = setTimeout(
    websocket._socket.destroy.bind(websocket._socket),
    websocket._closeTimeout
  );
}

/**
 * Socket `'close'`.
 *
 * @private
 */
function socketOnClose() {
  const websocket = this[kWebSocket];

  this.removeListener('close', socketOnClose);
  this.removeListener('data', socketOnData);
  this.removeListener('end', socketOnEnd);

  websocket._readyState = WebSocket.CLOSING;

  // Feed whatever the paused socket still buffers before ending the receiver.
  if (
    !this.readableEnded &&
    !websocket._closeFrameReceived &&
    !websocket._receiver._writableState.errorEmitted &&
    this.readableLength !== 0
  ) {
    const chunk = this.read(this.readableLength);
    websocket._receiver.write(chunk);
  }

  // Ending an ended stream costs an Error (with its stack trace) that nobody reads.
  if (!websocket._receiver.writableEnded) websocket._receiver.end();

  this[kWebSocket] = undefined;

  clearTimeout(websocket._closeTimer);

  if (
    websocket._receiver._writableState.finished ||
    websocket._receiver._writableState.errorEmitted
  ) {
    websocket.emitClose();
  } else {
    websocket._receiver.on('error', receiverOnFinish);
    websocket._receiver.on('finish', receiverOnFinish);
  }
}

/**
 * Socket `'data'`: one chunk into the receiver (one native call), with writes corked.
 *
 * @private
 */
function socketOnData(chunk) {
  const websocket = this[kWebSocket];
  websocket._heartbeatSeen = true;
  // Everything the listeners send while this chunk is dispatched goes out in one writev
  // when the socket is uncorked: one syscall per received chunk instead of one per message.
  // A listener that throws must not leave the socket corked: later sends, the automatic pong
  // and the close reply would never be written.
  let ok;
  this.cork();
  try {
    ok = websocket._receiver.write(chunk);
  } finally {
    this.uncork();
  }
  if (!ok) this.pause();
}

/**
 * Bytes written to `socket` that the kernel has not taken: a Node socket's `writableLength`;
 * a `NativeSocket` hands this tick's writes over first (`bufferedLength()`), as a Node
 * socket's writes reach the kernel when they are made.
 *
 * @param {(net.Socket|NativeSocket)} socket The connection
 * @return {Number} Bytes
 * @private
 */
function socketBacklog(socket) {
  return typeof socket.bufferedLength === 'function' ? socket.bufferedLength() : socket.writableLength;
}

/**
 * Socket `'drain'`: the socket flushed what it had to queue. The WebSocket emits `'drain'`
 * once nothing is buffered any more (oxws; ws has no such event).
 *
 * @private
 */
function socketOnDrain() {
  const websocket = this[kWebSocket];
  if (websocket._sender._bufferedBytes === 0 && this.writableLength === 0) {
    websocket.emit('drain');
  }
}

/**
 * Socket `'end'`.
 *
 * @private
 */
function socketOnEnd() {
  const websocket = this[kWebSocket];

  websocket._readyState = WebSocket.CLOSING;
  if (!websocket._receiver.writableEnded) websocket._receiver.end();
  if (!this.writableEnded) this.end();
}

/**
 * Socket `'error'`.
 *
 * @private
 */
function socketOnError() {
  const websocket = this[kWebSocket];

  this.removeListener('error', socketOnError);
  this.on('error', NOOP);

  if (websocket) {
    websocket._readyState = WebSocket.CLOSING;
    this.destroy();
  }
}

