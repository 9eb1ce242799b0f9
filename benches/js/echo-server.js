'use strict';

/**
 * Echo server for the end-to-end benchmarks: `node echo-server.js <impl> [deflate] <port>`
 * where impl is `oxws` or `ws` (ws loads bufferutil when installed; set WS_NO_BUFFER_UTIL=1
 * for plain ws); `deflate` turns on `perMessageDeflate` (ws's defaults); `native` turns on
 * oxws's `nativeIO`. Prints "ready" when listening.
 */

const path = require('path');

const args = process.argv.slice(2);
const impl = args[0];
const port = args[args.length - 1];
const deflate = args.includes('deflate');
const nativeIO = args.includes('native');
const lib = impl === 'oxws' ? path.join(__dirname, '..', '..') : 'ws';
const { WebSocketServer } = require(lib);

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(port),
  maxPayload: 0,
  perMessageDeflate: deflate,
  nativeIO
});
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});
});
wss.on('listening', () => process.stdout.write('ready\n'));
