'use strict';

/**
 * Driver-shaped echo server for the benchmarks: `node driver-echo-server.js <impl> <port>`,
 * impl `oxws` (oxws/driver) or `websocket-driver`. The seed README's HTTP `upgrade` pattern:
 * `driver.http(request)`, body into `io`, socket piped both ways, messages piped back.
 * Prints "ready" when listening.
 */

const http = require('http');
const path = require('path');

const [impl, port] = process.argv.slice(2);
const websocket = require(impl === 'oxws' ? path.join(__dirname, '..', '..', 'driver') : 'websocket-driver');

const server = http.createServer();
server.on('upgrade', (request, socket, body) => {
  if (!websocket.isWebSocket(request)) return socket.destroy();
  const driver = websocket.http(request, { maxLength: 1 << 30 });
  driver.io.write(body);
  socket.on('error', () => {});
  socket.pipe(driver.io).pipe(socket);
  driver.messages.pipe(driver.messages);
  driver.start();
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
