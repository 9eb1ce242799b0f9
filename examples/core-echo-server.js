'use strict';

/**
 * An echo server built directly on the oxws protocol core (lib/core): the HTTP upgrade,
 * then one FrameReceiver per socket and sender.frame for replies. It echoes every message
 * with its type, answers pings, and completes the closing handshake. This is what the
 * Autobahn TestSuite runs against in CI (`node examples/core-echo-server.js PORT`).
 *
 * Usage: node examples/core-echo-server.js [port] [host]
 */

const http = require('http');

const native = require('../lib/native');
const { FrameReceiver } = require('../lib/core/receiver');
const sender = require('../lib/core/sender');
const { kStatusCode } = require('../lib/constants');

/** One upgraded connection; it is its own receiver handler (no per-connection closures). */
class EchoConnection {
  constructor(socket) {
    this.socket = socket;
    this.closing = false;
    // maxFragments off: Autobahn 9.3.x/9.4.x send 4 MiB in 64-byte fragments (see the
    // Autobahn README: ws 8.23 fails those four with its 16384 default).
    this.receiver = new FrameReceiver(this, {
      isServer: true,
      maxPayload: 64 * 1024 * 1024,
      maxFragments: 0
    });
    socket.setNoDelay(true);
    socket._echo = this;
    socket.on('data', socketOnData);
    socket.on('error', socketOnError);
    socket.on('end', socketOnEnd);
  }

  send(data, opcode) {
    if (this.closing) return;
    const parts = sender.frame(data, opcode);
    if (parts.length === 1) {
      this.socket.write(parts[0]);
    } else {
      this.socket.cork();
      this.socket.write(parts[0]);
      this.socket.write(parts[1]);
      this.socket.uncork();
    }
  }

  onMessage(data, isBinary) {
    // Copy: `data` may be a view of the socket chunk, which Node may reuse after we return.
    this.send(Buffer.from(data), isBinary ? sender.OPCODE_BINARY : sender.OPCODE_TEXT);
  }

  onPing(data) {
    this.send(Buffer.from(data), sender.OPCODE_PONG);
  }

  onPong() {}

  onClose(code) {
    this.fail(code === 1005 ? 1005 : code);
  }

  onError(err) {
    this.fail(err[kStatusCode]);
  }

  fail(code) {
    if (this.closing) return;
    const payload = code === 1005 ? Buffer.alloc(0) : Buffer.from([code >> 8, code & 0xff]);
    this.send(payload, sender.OPCODE_CLOSE);
    this.closing = true;
    this.socket.end();
  }
}

function socketOnData(chunk) {
  this._echo.receiver.write(chunk);
}

function socketOnError() {
  this.destroy();
}

function socketOnEnd() {
  this.end();
}

/**
 * Completes the opening handshake on an HTTP `upgrade` (400 when it is not one).
 *
 * @param {http.IncomingMessage} req The request
 * @param {net.Socket} socket The socket
 * @param {Buffer} head Bytes after the request
 */
function onUpgrade(req, socket, head) {
  const key = req.headers['sec-websocket-key'];
  const upgrade = req.headers.upgrade;
  if (
    req.method !== 'GET' ||
    !upgrade ||
    upgrade.toLowerCase() !== 'websocket' ||
    !key ||
    !native.isValidKey(key) ||
    req.headers['sec-websocket-version'] !== '13'
  ) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${native.acceptKey(key)}\r\n\r\n`
  );
  const conn = new EchoConnection(socket);
  if (head.length) conn.receiver.write(head);
}

/**
 * Starts the echo server.
 *
 * @param {Number} port Port (0 = any)
 * @param {String} host Host
 * @param {Function} [requestListener] Handles plain HTTP requests
 * @return {http.Server} The server
 */
function createEchoServer(port, host, requestListener) {
  const server = http.createServer(
    requestListener ||
      ((req, res) => {
        res.writeHead(426, { 'Content-Type': 'text/plain' });
        res.end('WebSocket echo server: connect with a WebSocket client\n');
      })
  );
  server.on('upgrade', onUpgrade);
  server.listen(port, host);
  return server;
}

module.exports = { createEchoServer };

if (require.main === module) {
  const port = Number(process.argv[2] || 9001);
  const host = process.argv[3] || '127.0.0.1';
  const server = createEchoServer(port, host);
  server.on('listening', () => console.log(`echo server on ws://${host}:${server.address().port}`));
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 500).unref();
    });
  }
}
