'use strict';

/**
 * The soak test's server (forked by scripts/soak.js with `--expose-gc` and an IPC channel): an
 * oxws `WebSocketServer` on 127.0.0.1 that echoes every message with its type, permessage-deflate
 * accepted for the clients that offer it. IPC messages: `{ cmd: 'memory' }` runs a full GC and
 * answers `{ rss, heapUsed, external, clients }`; `{ cmd: 'stop' }` closes the server and exits.
 * Sends `{ port }` once listening.
 */

const path = require('path');
const { WebSocketServer } = require(path.join(__dirname, '..'));

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  maxPayload: 4 * 1024 * 1024,
  perMessageDeflate: { threshold: 64 }
});

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', (err) => process.send({ serverError: `${err.code || ''} ${err.message}` }));
});

wss.on('listening', () => process.send({ port: wss.address().port }));

process.on('message', (msg) => {
  if (msg.cmd === 'memory') {
    global.gc();
    global.gc();
    const m = process.memoryUsage();
    process.send({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, clients: wss.clients.size });
  } else if (msg.cmd === 'stop') {
    for (const ws of wss.clients) ws.terminate();
    wss.close(() => process.exit(0));
  }
});

// The soak driver owns this process: if it goes away, so do we.
process.on('disconnect', () => process.exit(0));
