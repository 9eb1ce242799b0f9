'use strict';

/**
 * Broadcast benchmark clients: `node broadcast-clients.js <port> <clients> <deflate>`. Opens
 * raw WebSocket connections (offering permessage-deflate when `on`) that read and discard
 * everything; exits when the server closes them (or after 120 s).
 */

const net = require('net');

const [port, clients, deflate] = process.argv.slice(2);
const offer = deflate === 'on' ? 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' : '';
let open = 0;

for (let i = 0; i < Number(clients); i++) {
  const socket = net.connect(Number(port), '127.0.0.1');
  socket.on('error', () => {});
  socket.on('data', () => {});
  socket.on('close', () => {
    if (--open === 0) process.exit(0);
  });
  open++;
  socket.write(
    'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${offer}\r\n`
  );
}
setTimeout(() => process.exit(0), 120000).unref();
