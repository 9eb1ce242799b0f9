'use strict';

/**
 * websocket-driver's HTTP `upgrade` example on oxws: Node's `http` parses the request,
 * `websocket.http(request)` makes the driver, and every message is echoed. Passing the
 * upgrade `body` to `driver.io.write()` is required (hixie-76 reads its key from it).
 * With `--deflate`, permessage-deflate is accepted (oxws/permessage-deflate, compressed in
 * Rust; `--npm-deflate` uses the npm permessage-deflate package instead).
 *
 * Usage: node examples/driver-http-server.js [port] [--deflate | --npm-deflate]
 *        (port 0 picks a free port)
 */

const http = require('http');
const websocket = require('oxws/driver');

const deflate = process.argv.includes('--deflate')
  ? require('oxws/permessage-deflate')
  : process.argv.includes('--npm-deflate')
    ? require('permessage-deflate')
    : null;
const port = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) || 4181);

const server = http.createServer((req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain' });
  res.end('WebSocket only\n');
});

server.on('upgrade', (request, socket, body) => {
  if (!websocket.isWebSocket(request)) return socket.destroy();

  const driver = websocket.http(request);
  if (deflate) driver.addExtension(deflate);
  driver.io.write(body);
  socket.on('error', () => {});
  socket.pipe(driver.io).pipe(socket);

  driver.messages.on('data', (message) => driver.messages.write(message));
  driver.on('close', () => socket.end());
  driver.start();
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on ws://127.0.0.1:${server.address().port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
