// Type check (`npm run typecheck`): code written for ws 8 / @types/ws must compile against
// oxws's hand-written index.d.ts. Never run, only compiled.

import WebSocket, { WebSocketServer, createWebSocketStream } from '..';
import * as http from 'http';
import { Duplex } from 'stream';
import bufferutil = require('../bufferutil');
import isValidUTF8 = require('../utf-8-validate');

const client = new WebSocket('ws://127.0.0.1:8080');
const withProtocols = new WebSocket(new URL('ws://127.0.0.1:8080'), ['chat', 'superchat'], {
  headers: { Authorization: 'x' },
  handshakeTimeout: 1000,
  perMessageDeflate: { threshold: 0, serverNoContextTakeover: true },
  maxPayload: 1024,
  maxFragments: 0,
  maxPendingAutoPongs: 10,
  followRedirects: true,
  generateMask: (mask: Buffer) => mask.fill(0),
  finishRequest: (req) => req.end()
});
const withOptionsOnly = new WebSocket('wss://example.invalid', { protocols: 'chat', rejectUnauthorized: false });

client.binaryType = 'arraybuffer';
const state: number = client.readyState;
const isOpen: boolean = client.readyState === WebSocket.OPEN && client.OPEN === 1;
const amount: number = client.bufferedAmount;
const proto: string = client.protocol + client.extensions + client.url;

client.on('open', function (this: WebSocket) {
  this.send('text');
  this.send(Buffer.from('binary'), { binary: true, compress: false, fin: true, mask: true }, (err) => err);
  this.send(new Uint8Array(4));
  this.send(new ArrayBuffer(8));
  this.send(new DataView(new ArrayBuffer(2)));
  this.ping('p', true, () => undefined);
  this.pong();
  this.close(1000, 'bye');
  this.close(4000, Buffer.from('x'));
  this.terminate();
  this.pause();
  this.resume();
});
client.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
  if (!isBinary) console.log(data.toString());
});
client.on('close', (code: number, reason: Buffer) => console.log(code, reason.toString()));
client.on('error', (err: Error) => console.log(err.message));
client.on('ping', (data: Buffer) => data.length);
client.on('upgrade', (res: http.IncomingMessage) => res.headers);
client.on('unexpected-response', (req: http.ClientRequest, res: http.IncomingMessage) => res.statusCode);
client.once('redirect', (url: string) => url);
client.onmessage = (event) => console.log(event.data, event.type, event.target.readyState);
client.onclose = (event) => console.log(event.code, event.reason, event.wasClean);
client.addEventListener('message', (event) => console.log(event.data), { once: true });
client.addEventListener('error', { handleEvent: (event) => console.log(event.message) });

const wss = new WebSocketServer({ port: 8080, perMessageDeflate: true, clientTracking: true });
const server = http.createServer();
const attached = new WebSocket.Server({
  server,
  path: '/ws',
  verifyClient: (info, cb) => cb(info.secure, 401, 'no', { 'X-Reason': 'x' }),
  handleProtocols: (protocols: Set<string>) => protocols.values().next().value ?? false
});
const noServer = new WebSocket.WebSocketServer({ noServer: true, maxPayload: 1 << 20 });

wss.on('connection', (ws: WebSocket, req: http.IncomingMessage) => {
  ws.send(req.url ?? '');
  const stream: Duplex = createWebSocketStream(ws, { encoding: 'utf8' });
  stream.pipe(stream);
});
wss.on('headers', (headers: string[]) => headers.push('X-Test: 1'));
wss.on('wsClientError', (err: Error, socket: Duplex) => socket.destroy(err));
server.on('upgrade', (req, socket, head) => {
  noServer.handleUpgrade(req, socket, head, (ws) => noServer.emit('connection', ws, req));
});
for (const c of wss.clients) c.terminate();
wss.close((err) => err);
const addr = wss.address();
attached.close();

class MyWebSocket extends WebSocket {
  id = 1;
}
const custom = new WebSocketServer({ noServer: true, WebSocket: MyWebSocket });
custom.on('connection', (ws) => ws.id);

const frames: Buffer[] = WebSocket.Sender.frame(Buffer.from('x'), { opcode: 1, fin: true, mask: false });
const offers = WebSocket.extension.parse('permessage-deflate; client_max_window_bits');
const header: string = WebSocket.extension.format(offers);
const protocols: Set<string> = WebSocket.subprotocol.parse('a, b');
const receiver = new WebSocket.Receiver({ isServer: true, maxPayload: 100 });
const deflate = new WebSocket.PerMessageDeflate({ threshold: 0 });

const out = Buffer.alloc(4);
bufferutil.mask(Buffer.from('abcd'), Buffer.from([1, 2, 3, 4]), out, 0, 4);
bufferutil.unmask(out, Buffer.from([1, 2, 3, 4]));
WebSocket.mask(out, out, out, 0, 4);
const ok: boolean = isValidUTF8(out) && WebSocket.isValidUTF8(out);

export {
  withProtocols, withOptionsOnly, state, isOpen, amount, proto, addr, frames, header, protocols, receiver,
  deflate, ok
};
