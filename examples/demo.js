'use strict';

/**
 * `npm start`: serves a small page with a WebSocket echo client, backed by the core echo
 * server. HOST and PORT come from the environment (defaults 127.0.0.1 and 8080).
 */

const fs = require('fs');
const path = require('path');

const { createEchoServer } = require('./core-echo-server');

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 8080);
const page = fs.readFileSync(path.join(__dirname, 'demo.html'));

const server = createEchoServer(port, host, (req, res) => {
  if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found\n');
  }
});

server.on('listening', () => {
  console.log(`oxws demo: open http://${host}:${server.address().port}/ (Ctrl-C to stop)`);
});

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
}

process.on('SIGINT', stop);
process.on('SIGTERM', stop);
