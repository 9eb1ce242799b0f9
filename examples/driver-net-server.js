'use strict';

/**
 * websocket-driver's "Server-side with TCP" example on oxws: a bare `net` server; the
 * driver parses the HTTP request itself and the connection echoes every message
 * (`driver.messages.pipe(driver.messages)`).
 *
 * Usage: node examples/driver-net-server.js [port]   (0 picks a free port; prints it)
 */

const net = require('net');
const websocket = require('oxws/driver');

const server = net.createServer((connection) => {
  const driver = websocket.server();

  driver.on('connect', () => {
    if (websocket.isWebSocket(driver)) {
      driver.start();
    } else {
      connection.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    }
  });

  driver.on('close', () => connection.end());
  connection.on('error', () => {});

  connection.pipe(driver.io).pipe(connection);
  driver.messages.pipe(driver.messages);
});

server.listen(Number(process.argv[2] || 4180), '127.0.0.1', () => {
  console.log(`listening on ws://127.0.0.1:${server.address().port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
