'use strict';

/**
 * A ws-API echo server: every message goes back with its type (text as text, binary as
 * binary). Used by the Autobahn TestSuite in server mode.
 *
 * Usage: node examples/echo-server.js [port] [host] [--native-io]
 *
 * `--native-io` turns on oxws's `nativeIO` (connections read and written by the addon's I/O
 * thread).
 */

const { WebSocketServer } = require('..');

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const nativeIO = process.argv.includes('--native-io');
const port = Number(args[0] || 9001);
const host = args[1] || '127.0.0.1';

// maxFragments: 0 — Autobahn 9.3.x/9.4.x send 4 MiB in 64-byte fragments, which ws 8.23's
// default of 16384 rejects (see README "Limits").
const wss = new WebSocketServer({ port, host, maxFragments: 0, perMessageDeflate: true, nativeIO });

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});
});

wss.on('listening', () => console.log(`echo server on ws://${host}:${wss.address().port}`));

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 500).unref();
  });
}
