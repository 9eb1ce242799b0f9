'use strict';

/**
 * faye-websocket's README echo server on oxws (`ws.pipe(ws)`), plus an EventSource endpoint
 * that says hello every second. With `--deflate`, permessage-deflate is accepted
 * (oxws/permessage-deflate).
 *
 * Usage: node examples/faye-echo-server.js [port] [--deflate]   (0 picks a free port)
 */

const http = require('http');
const WebSocket = require('oxws/faye');

const EventSource = WebSocket.EventSource;
const extensions = process.argv.includes('--deflate') ? [require('oxws/permessage-deflate')] : [];
const port = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) || 8000);

const server = http.createServer((request, response) => {
  if (EventSource.isEventSource(request)) {
    const es = new EventSource(request, response);
    const loop = setInterval(() => es.send('Hello'), 1000);
    es.on('close', () => clearInterval(loop));
  } else {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('Hello');
  }
});

server.on('upgrade', (request, socket, body) => {
  if (WebSocket.isWebSocket(request)) {
    const ws = new WebSocket(request, socket, body, [], { extensions, maxLength: 1 << 30 });
    ws.pipe(ws);
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on ws://127.0.0.1:${server.address().port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
