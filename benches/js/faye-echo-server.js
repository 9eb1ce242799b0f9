'use strict';

/**
 * faye-shaped echo server for the benchmarks:
 * `node faye-echo-server.js <impl> <extension> <port>`, impl `oxws` (oxws/faye) or `faye`
 * (faye-websocket 0.11.4), extension `none`, `npm` (the npm permessage-deflate) or
 * `native` (oxws/permessage-deflate). The seed README's echo: `ws.pipe(ws)`.
 * Prints "ready" when listening.
 */

const http = require('http');
const path = require('path');

const [impl, extension, port] = process.argv.slice(2);
const root = path.join(__dirname, '..', '..');
const WebSocket = require(impl === 'oxws' ? path.join(root, 'faye') : 'faye-websocket');
const extensions = {
  none: [],
  npm: [require('permessage-deflate')],
  native: [require(path.join(root, 'permessage-deflate'))]
}[extension];

const server = http.createServer();
server.on('upgrade', (request, socket, body) => {
  if (!WebSocket.isWebSocket(request)) return socket.destroy();
  const ws = new WebSocket(request, socket, body, [], { extensions, maxLength: 1 << 30 });
  ws.pipe(ws);
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
