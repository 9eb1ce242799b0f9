'use strict';

/**
 * The ws API's `WebSocketServer` (`Server`): handles HTTP upgrades, validates the opening
 * handshake exactly as ws 8.23 does (same statuses, headers and messages), and hands each
 * upgraded socket to a `WebSocket`.
 */

const EventEmitter = require('events');
const http = require('http');

const extension = require('./extension');
const heartbeat = require('./heartbeat');
const backpressure = require('./backpressure');
const PerMessageDeflate = require('./permessage-deflate');
const DEFAULT_LIMITS = require('./limits');
const subprotocol = require('./subprotocol');
const WebSocket = require('./websocket');
const { CLOSE_TIMEOUT, EMPTY_BUFFER, kWebSocket } = require('../constants');
const { adoptConnection } = require('./native-io');

/**
 * Whether a `Sec-WebSocket-Key` is base64 of 16 bytes (22 base64 characters then `==`), checked
 * with a char loop (never a backtracking regex on peer input).
 *
 * @param {String} key The header value
 * @return {Boolean} `true` if valid
 * @private
 */
function isValidKey(key) {
  if (key.length !== 24 || key.charCodeAt(22) !== 0x3d || key.charCodeAt(23) !== 0x3d) return false;
  for (let i = 0; i < 22; i++) {
    const c = key.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2b || c === 0x2f;
    if (!ok) return false;
  }
  return true;
}

/** Server states. */
const RUNNING = 0;
const CLOSING = 1;
const CLOSED = 2;

/**
 * Default of `handshakeTimeout`: 10 s for a client to send its upgrade request. An upgrade
 * request is a few hundred bytes; a connection that sends nothing, or half a request, holds a
 * socket and a parser until this drops it (Node's own default is 60 s for the headers).
 */
const HANDSHAKE_TIMEOUT = 10000;

/**
 * The `http.createServer` options that enforce `handshakeTimeout`. ws has no server-side
 * `handshakeTimeout` (it is a client option, and option objects are often shared between
 * both), so no value throws: a number or numeric string of milliseconds >= 0 is used, 0 means
 * no limit, and anything else (`undefined`, `null`, -1, 'soon') means the default.
 *
 * @param {*} value The `handshakeTimeout` option
 * @return {Object} `headersTimeout`, `requestTimeout`, `connectionsCheckingInterval`
 * @private
 */
function requestTimeouts(value) {
  const numeric = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '');
  let timeout = numeric ? Number(value) : NaN;
  if (!Number.isFinite(timeout) || timeout < 0) timeout = HANDSHAKE_TIMEOUT;
  timeout = Math.floor(timeout);
  if (timeout === 0) return { headersTimeout: 0, requestTimeout: 0 };
  return {
    headersTimeout: timeout,
    requestTimeout: timeout,
    // How often Node looks for expired requests: the timeout is exact to within this.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeout / 4)))
  };
}

class WebSocketServer extends EventEmitter {
  /**
   * Creates a WebSocketServer.
   *
   * @param {Object} options Configuration options
   * @param {Boolean} [options.allowSynchronousEvents=true] Allow several events per tick
   * @param {Boolean} [options.autoPong=true] Answer pings automatically
   * @param {Number} [options.backlog=511] Pending connection queue length
   * @param {Boolean} [options.clientTracking=true] Keep `server.clients`
   * @param {Number} [options.closeTimeout=30000] Closing handshake timeout (ms)
   * @param {Function} [options.handleProtocols] Picks the subprotocol
   * @param {Number} [options.handshakeTimeout=10000] With `port`: ms a connection may take to
   *     send its whole upgrade request (idle connections included) before the server answers
   *     408 and closes it; 0 = no limit; a value that is not milliseconds >= 0 (or a
   *     numeric string of them) means the default. With `server`, set that server's
   *     `headersTimeout` and `requestTimeout` instead.
   * @param {String} [options.host] Host to bind
   * @param {Number} [options.maxBufferedChunks=262144] Most chunks buffered for one frame
   * @param {Number} [options.maxFragments=16384] Most fragments in one message
   * @param {Number} [options.maxPayload=104857600] Largest message in bytes
   * @param {Number} [options.maxPendingAutoPongs=60] Most unwritten automatic pongs
   * @param {Boolean} [options.nativeIO=false] oxws: after the handshake, plain-TCP
   *     connections are read and written by the addon's I/O thread (see README "nativeIO");
   *     `ws._socket` is then a `NativeSocket`. TLS connections stay on Node sockets.
   * @param {Boolean} [options.noServer=false] No HTTP server: call `handleUpgrade()`
   * @param {String} [options.path] Only accept this path
   * @param {(Boolean|Object)} [options.perMessageDeflate=false] permessage-deflate
   * @param {Number} [options.port] Port to listen on (creates an HTTP server)
   * @param {(http.Server|https.Server)} [options.server] An existing HTTP/S server
   * @param {Boolean} [options.skipUTF8Validation=false] Skip UTF-8 validation
   * @param {Function} [options.verifyClient] Accepts or rejects connections
   * @param {Function} [options.WebSocket=WebSocket] The class for server-side sockets
   * @param {Function} [callback] A `'listening'` listener
   */
  constructor(options, callback) {
    super();

    options = {
      allowSynchronousEvents: true,
      autoPong: true,
      ...DEFAULT_LIMITS,
      skipUTF8Validation: false,
      perMessageDeflate: false,
      handleProtocols: null,
      clientTracking: true,
      closeTimeout: CLOSE_TIMEOUT,
      handshakeTimeout: HANDSHAKE_TIMEOUT,
      nativeIO: false,
      verifyClient: null,
      noServer: false,
      backlog: null,
      server: null,
      host: null,
      path: null,
      port: null,
      WebSocket,
      ...options
    };

    if (
      (options.port == null && !options.server && !options.noServer) ||
      (options.port != null && (options.server || options.noServer)) ||
      (options.server && options.noServer)
    ) {
      throw new TypeError(
        'One and only one of the "port", "server", or "noServer" options must be specified'
      );
    }

    // Checked before any server is created, so a bad value leaves nothing listening.
    options.heartbeat = heartbeat.validate(options.heartbeat);
    this._backpressure = backpressure.validate(options.maxBackpressure, options.backpressurePolicy);

    if (options.port != null) {
      this._server = http.createServer(
        requestTimeouts(options.handshakeTimeout),
        respondUpgradeRequired
      );
      this._server.listen(options.port, options.host, options.backlog, callback);
    } else if (options.server) {
      this._server = options.server;
    }

    if (this._server) {
      const emitConnection = this.emit.bind(this, 'connection');

      this._removeListeners = addListeners(this._server, {
        listening: this.emit.bind(this, 'listening'),
        error: this.emit.bind(this, 'error'),
        upgrade: (req, socket, head) => {
          this.handleUpgrade(req, socket, head, emitConnection);
        }
      });
    }

    if (options.perMessageDeflate === true) options.perMessageDeflate = {};
    if (options.clientTracking) {
      this.clients = new Set();
      this._shouldEmitClose = false;
    }

    // nativeIO connections open (their sockets are no longer the HTTP server's).
    this._nativeOpen = 0;
    this._emitCloseAfterNative = false;

    this.options = options;
    this._state = RUNNING;
  }

  /**
   * The address the server is bound to, as `server.address()` reports it.
   *
   * @return {(Object|String|null)} The address
   * @public
   */
  /**
   * Sends one message to every OPEN client (or those `options.filter` accepts), framing it
   * once and compressing it once per distinct deflate setting. Needs `clientTracking`.
   *
   * @param {*} data The message (as `ws.send()` takes it)
   * @param {Object} [options] `binary`, `compress` (default true), `filter(ws)`
   * @return {Number} How many clients it was sent to
   * @public
   */
  broadcast(data, options) {
    if (!this.clients) {
      throw new Error('broadcast() needs the clientTracking option (server.clients)');
    }
    return require('./broadcast')(this.clients, data, options);
  }

  address() {
    if (this.options.noServer) {
      throw new Error('The server is operating in "noServer" mode');
    }

    if (!this._server) return null;
    return this._server.address();
  }

  /**
   * Stops accepting connections; `'close'` is emitted once every client is gone (or, for
   * an internal HTTP server, once it closed). Existing connections are not closed.
   *
   * @param {Function} [cb] A one-time `'close'` listener
   * @public
   */
  close(cb) {
    if (this._state === CLOSED) {
      if (cb) {
        this.once('close', () => {
          cb(new Error('The server is not running'));
        });
      }

      process.nextTick(emitClose, this);
      return;
    }

    if (cb) this.once('close', cb);

    if (this._state === CLOSING) return;
    this._state = CLOSING;

    if (this.options.noServer || this.options.server) {
      if (this._server) {
        this._removeListeners();
        this._removeListeners = this._server = null;
      }

      if (this.clients && this.clients.size) {
        this._shouldEmitClose = true;
      } else {
        process.nextTick(emitClose, this);
      }
    } else {
      const server = this._server;

      this._removeListeners();
      this._removeListeners = this._server = null;

      // The HTTP server is ours: close it and rely on its 'close' event, which waits for its
      // sockets; nativeIO connections left it at adoption, so they are waited for here.
      server.close(() => {
        if (this._nativeOpen === 0) emitClose(this);
        else this._emitCloseAfterNative = true;
      });
    }
  }

  /**
   * Whether this server handles `req` (checks `options.path`). Overridable.
   *
   * @param {http.IncomingMessage} req The request
   * @return {Boolean} `true` to handle it
   * @public
   */
  shouldHandle(req) {
    if (this.options.path) {
      const index = req.url.indexOf('?');
      const pathname = index !== -1 ? req.url.slice(0, index) : req.url;

      if (pathname !== this.options.path) return false;
    }

    return true;
  }

  /**
   * Handles an HTTP upgrade request.
   *
   * @param {http.IncomingMessage} req The request
   * @param {Duplex} socket The socket
   * @param {Buffer} head Bytes after the request
   * @param {Function} cb Called with `(ws, req)` on success
   * @public
   */
  handleUpgrade(req, socket, head, cb) {
    socket.on('error', socketOnError);

    const key = req.headers['sec-websocket-key'];
    const upgrade = req.headers.upgrade;
    const version = +req.headers['sec-websocket-version'];

    if (req.method !== 'GET') {
      abortHandshakeOrEmitwsClientError(this, req, socket, 405, 'Invalid HTTP method');
      return;
    }

    // `upgrade` is undefined when the request had more headers than maxHeadersCount
    // (CVE-2024-37890): checked, never dereferenced blindly.
    if (upgrade === undefined || upgrade.toLowerCase() !== 'websocket') {
      abortHandshakeOrEmitwsClientError(this, req, socket, 400, 'Invalid Upgrade header');
      return;
    }

    if (key === undefined || !isValidKey(key)) {
      abortHandshakeOrEmitwsClientError(
        this,
        req,
        socket,
        400,
        'Missing or invalid Sec-WebSocket-Key header'
      );
      return;
    }

    if (version !== 13 && version !== 8) {
      abortHandshakeOrEmitwsClientError(
        this,
        req,
        socket,
        400,
        'Missing or invalid Sec-WebSocket-Version header',
        { 'Sec-WebSocket-Version': '13, 8' }
      );
      return;
    }

    if (!this.shouldHandle(req)) {
      abortHandshake(socket, 400);
      return;
    }

    const secWebSocketProtocol = req.headers['sec-websocket-protocol'];
    let protocols = new Set();

    if (secWebSocketProtocol !== undefined) {
      try {
        protocols = subprotocol.parse(secWebSocketProtocol);
      } catch {
        abortHandshakeOrEmitwsClientError(
          this,
          req,
          socket,
          400,
          'Invalid Sec-WebSocket-Protocol header'
        );
        return;
      }
    }

    const secWebSocketExtensions = req.headers['sec-websocket-extensions'];
    const extensions = {};

    if (this.options.perMessageDeflate && secWebSocketExtensions !== undefined) {
      const perMessageDeflate = new PerMessageDeflate({
        ...this.options.perMessageDeflate,
        isServer: true,
        maxPayload: this.options.maxPayload
      });

      try {
        const offers = extension.parse(secWebSocketExtensions);

        if (offers[PerMessageDeflate.extensionName]) {
          perMessageDeflate.accept(offers[PerMessageDeflate.extensionName]);
          extensions[PerMessageDeflate.extensionName] = perMessageDeflate;
        }
      } catch {
        abortHandshakeOrEmitwsClientError(
          this,
          req,
          socket,
          400,
          'Invalid or unacceptable Sec-WebSocket-Extensions header'
        );
        return;
      }
    }

    if (this.options.verifyClient) {
      const info = {
        origin: req.headers[version === 8 ? 'sec-websocket-origin' : 'origin'],
        secure: !!(req.socket.authorized || req.socket.encrypted),
        req
      };

      if (this.options.verifyClient.length === 2) {
        this.options.verifyClient(info, (verified, code, message, headers) => {
          if (!verified) return abortHandshake(socket, code || 401, message, headers);

          this.completeUpgrade(extensions, key, protocols, req, socket, head, cb);
        });
        return;
      }

      if (!this.options.verifyClient(info)) return abortHandshake(socket, 401);
    }

    this.completeUpgrade(extensions, key, protocols, req, socket, head, cb);
  }

  /**
   * Writes the 101 response and creates the WebSocket.
   *
   * @param {Object} extensions The accepted extensions
   * @param {String} key The `Sec-WebSocket-Key`
   * @param {Set} protocols The offered subprotocols
   * @param {http.IncomingMessage} req The request
   * @param {Duplex} socket The socket
   * @param {Buffer} head Bytes after the request
   * @param {Function} cb Called with `(ws, req)`
   * @throws {Error} If called twice with the same socket
   * @private
   */
  completeUpgrade(extensions, key, protocols, req, socket, head, cb) {
    // The client already sent a FIN (or the socket is gone).
    if (!socket.readable || !socket.writable) return socket.destroy();

    if (socket[kWebSocket]) {
      throw new Error(
        'server.handleUpgrade() was called more than once with the same socket, ' +
          'possibly due to a misconfiguration'
      );
    }

    if (this._state > RUNNING) return abortHandshake(socket, 503);

    const headers = [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${require('../native').acceptKey(key)}`
    ];

    const ws = new this.options.WebSocket(null, undefined, this.options);

    if (protocols.size) {
      const protocol = this.options.handleProtocols
        ? this.options.handleProtocols(protocols, req)
        : protocols.values().next().value;

      if (protocol) {
        headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
        ws._protocol = protocol;
      }
    }

    if (extensions[PerMessageDeflate.extensionName]) {
      const params = extensions[PerMessageDeflate.extensionName].params;
      const value = extension.format({ [PerMessageDeflate.extensionName]: [params] });
      headers.push(`Sec-WebSocket-Extensions: ${value}`);
      ws._extensions = extensions;
    }

    this.emit('headers', headers, req);

    if (this.options.nativeIO) {
      const stand = adoptConnection(socket, head, extensions, true, this.options);
      if (stand !== null) {
        socket = stand;
        head = EMPTY_BUFFER;
        this._nativeOpen++;
        stand.once('close', () => nativeSocketOnClose(this));
      }
    }

    socket.write(headers.concat('\r\n').join('\r\n'));
    socket.removeListener('error', socketOnError);

    ws.setSocket(socket, head, {
      allowSynchronousEvents: this.options.allowSynchronousEvents,
      maxBufferedChunks: this.options.maxBufferedChunks,
      maxFragments: this.options.maxFragments,
      maxPayload: this.options.maxPayload,
      skipUTF8Validation: this.options.skipUTF8Validation,
      heartbeat: this.options.heartbeat,
      backpressure: this._backpressure
    });

    if (this.clients) {
      this.clients.add(ws);
      ws[kServer] = this;
      ws.on('close', clientOnClose);
    }

    cb(ws, req);
  }
}

const kServer = Symbol('kServer');

/**
 * A tracked client closed: forget it, and finish a pending `close()`.
 *
 * @private
 */
function clientOnClose() {
  const server = this[kServer];

  server.clients.delete(this);

  if (server._shouldEmitClose && !server.clients.size) {
    process.nextTick(emitClose, server);
  }
}

/**
 * Answers plain HTTP requests to the internal server with 426 Upgrade Required.
 *
 * @private
 */
function respondUpgradeRequired(req, res) {
  const body = http.STATUS_CODES[426];

  res.writeHead(426, {
    'Content-Length': body.length,
    'Content-Type': 'text/plain'
  });
  res.end(body);
}

/**
 * Adds listeners from a map; returns a function that removes them.
 *
 * @private
 */
function addListeners(server, map) {
  for (const event of Object.keys(map)) server.on(event, map[event]);

  return function removeListeners() {
    for (const event of Object.keys(map)) server.removeListener(event, map[event]);
  };
}

/**
 * Emits `'close'` on the server.
 *
 * @private
 */
/**
 * A nativeIO connection closed: a server that closed its HTTP server while connections were
 * open emits `'close'` after the last one.
 *
 * @param {WebSocketServer} server The server
 * @private
 */
function nativeSocketOnClose(server) {
  server._nativeOpen--;
  if (server._emitCloseAfterNative && server._nativeOpen === 0) {
    server._emitCloseAfterNative = false;
    emitClose(server);
  }
}

function emitClose(server) {
  server._state = CLOSED;
  server.emit('close');
}

/**
 * Socket errors during the handshake destroy the socket (never crash the process).
 *
 * @private
 */
function socketOnError() {
  this.destroy();
}

/**
 * Rejects the handshake with an HTTP response and closes the socket.
 *
 * @param {Duplex} socket The socket
 * @param {Number} code The HTTP status
 * @param {String} [message] The body (default: the status text)
 * @param {Object} [headers] Extra headers
 * @private
 */
function abortHandshake(socket, code, message, headers) {
  message = message || http.STATUS_CODES[code];
  headers = {
    Connection: 'close',
    'Content-Type': 'text/html',
    'Content-Length': Buffer.byteLength(message),
    ...headers
  };

  socket.once('finish', socket.destroy);

  socket.end(
    `HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\n` +
      Object.keys(headers)
        .map((h) => `${h}: ${headers[h]}`)
        .join('\r\n') +
      '\r\n\r\n' +
      message
  );
}

/**
 * Emits `'wsClientError'` when someone listens, else rejects the handshake.
 *
 * @private
 */
function abortHandshakeOrEmitwsClientError(server, req, socket, code, message, headers) {
  if (server.listenerCount('wsClientError')) {
    const err = new Error(message);
    Error.captureStackTrace(err, abortHandshakeOrEmitwsClientError);

    server.emit('wsClientError', err, socket, req);
  } else {
    abortHandshake(socket, code, message, headers);
  }
}

module.exports = WebSocketServer;
