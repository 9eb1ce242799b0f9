// Type check (`npm run typecheck`): code written for ws 8.23 / @types/ws 8 must compile
// against oxws's hand-written index.d.ts, and misuse must not. Compiled only, never run.

import WebSocket, {
  ClientOptions,
  createWebSocketStream,
  extension,
  PerMessageDeflate,
  RawData,
  Receiver,
  Sender,
  ServerOptions,
  subprotocol,
  WebSocketServer
} from '..';
import WS = require('..');
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import { Duplex } from 'stream';
import bufferutil = require('./bufferutil');
import isValidUTF8 = require('./utf-8-validate');

// Compile-time assertions.
type Equals<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectType<T>(value: T): T {
  return value;
}
function assertTrue<T extends true>(): T | undefined {
  return undefined;
}

// Module augmentation reaches the instances (the usual heartbeat pattern).
declare module '..' {
  interface WebSocket {
    isAlive?: boolean;
  }
  interface Server {
    connectionCount?: number;
  }
}

// ---------------------------------------------------------------------------------------
// The main export: both import styles name the same thing
// ---------------------------------------------------------------------------------------

assertTrue<Equals<typeof WS, typeof WebSocket>>();
assertTrue<Equals<WS, WebSocket>>();
assertTrue<Equals<typeof WS.WebSocket, typeof WebSocket>>();
assertTrue<Equals<typeof WS.Server, typeof WebSocketServer>>();
assertTrue<Equals<typeof WS.WebSocketServer, typeof WebSocketServer>>();
assertTrue<Equals<WS.RawData, RawData>>();
assertTrue<Equals<RawData, Buffer | ArrayBuffer | Buffer[]>>();
assertTrue<Equals<WS.Data, string | Buffer | ArrayBuffer | Buffer[]>>();
assertTrue<Equals<typeof WebSocket.CONNECTING, 0>>();
assertTrue<Equals<typeof WebSocket.OPEN, 1>>();
assertTrue<Equals<typeof WebSocket.CLOSING, 2>>();
assertTrue<Equals<typeof WebSocket.CLOSED, 3>>();

// ---------------------------------------------------------------------------------------
// Client: every constructor overload
// ---------------------------------------------------------------------------------------

const client = new WebSocket('ws://127.0.0.1:8080');
const fromUrl = new WS(new URL('ws://127.0.0.1:8080/path'));
const oneProtocol = new WebSocket('ws://127.0.0.1:8080', 'chat');
const withProtocols = new WebSocket(new URL('ws://127.0.0.1:8080'), ['chat', 'superchat'], {
  headers: { Authorization: 'Bearer x' },
  origin: 'https://example.invalid',
  handshakeTimeout: 1000,
  followRedirects: true,
  maxRedirects: 3,
  protocolVersion: 13,
  perMessageDeflate: {
    threshold: 0,
    serverNoContextTakeover: true,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 10,
    clientMaxWindowBits: true,
    zlibDeflateOptions: { level: 6, memLevel: 8 },
    zlibInflateOptions: { chunkSize: 16 * 1024 },
    concurrencyLimit: 10
  },
  maxPayload: 1024,
  maxFragments: 0,
  maxBufferedChunks: 0,
  maxPendingAutoPongs: 10,
  skipUTF8Validation: false,
  autoPong: true,
  allowSynchronousEvents: false,
  closeTimeout: 5000,
  generateMask: (mask: Buffer) => {
    mask.fill(0);
  },
  finishRequest: (req: http.ClientRequest, ws: WebSocket) => {
    req.setHeader('X-Ready-State', String(ws.readyState));
    req.end();
  },
  createConnection: net.createConnection
});
const withOptionsOnly = new WebSocket('wss://example.invalid', {
  protocols: ['chat'],
  rejectUnauthorized: false,
  servername: 'example.invalid',
  ca: Buffer.from('pem'),
  checkServerIdentity: (servername: string, cert: WebSocket.CertMeta) => servername.length > 0 && !!cert,
  agent: new https.Agent({ keepAlive: true }),
  localAddress: '127.0.0.1',
  family: 4
});
// Plain http.request options are accepted too (ws passes them on).
const withRequestArgs = new WebSocket('ws://127.0.0.1:8080', { timeout: 10, setHost: true, lookup: undefined });
const undefinedProtocols = new WebSocket('ws://127.0.0.1:8080', undefined, { perMessageDeflate: false });
const clientOptions: ClientOptions = { handshakeTimeout: 5, protocols: 'x' };
const fromOptionsVariable = new WebSocket('ws://127.0.0.1:8080', [], clientOptions);
// The server-side form (what WebSocketServer creates).
const serverSide = new WebSocket(null, undefined, { autoPong: true, closeTimeout: 1000, maxPendingAutoPongs: 1 });

// @ts-expect-error the address must be a string, a URL or null
new WebSocket(8080);
// @ts-expect-error protocols are strings
new WebSocket('ws://127.0.0.1:8080', [1, 2]);
// @ts-expect-error handshakeTimeout is a number
new WebSocket('ws://127.0.0.1:8080', { handshakeTimeout: '1s' });

// ---------------------------------------------------------------------------------------
// Client: properties and ready states
// ---------------------------------------------------------------------------------------

client.binaryType = 'nodebuffer';
client.binaryType = 'arraybuffer';
client.binaryType = 'fragments';
client.binaryType = 'blob';
// @ts-expect-error not a binary type
client.binaryType = 'text';
const binaryType: 'nodebuffer' | 'arraybuffer' | 'fragments' | 'blob' = client.binaryType;
const amount: number = client.bufferedAmount;
const extensions: string = client.extensions;
const paused: boolean = client.isPaused;
const protocol: string = client.protocol;
const url: string = client.url;
const state: 0 | 1 | 2 | 3 = client.readyState;
const isOpen: boolean = client.readyState === WebSocket.OPEN && client.OPEN === 1 && client.CLOSED === WS.CLOSED;
const states: [0, 1, 2, 3] = [client.CONNECTING, client.OPEN, client.CLOSING, client.CLOSED];
// @ts-expect-error readonly
client.readyState = 1;
// @ts-expect-error readonly
client.url = 'ws://elsewhere';

// ---------------------------------------------------------------------------------------
// Client: methods
// ---------------------------------------------------------------------------------------

function sendEverything(ws: WebSocket): void {
  ws.send('text');
  ws.send(Buffer.from('binary'));
  ws.send(new Uint8Array(4));
  ws.send(new Float32Array(2));
  ws.send(new ArrayBuffer(8));
  ws.send(new SharedArrayBuffer(8));
  ws.send(new DataView(new ArrayBuffer(2)));
  ws.send(new Blob(['blob']));
  ws.send(42);
  ws.send([1, 2, 3]);
  ws.send({ valueOf: () => 'boxed' });
  ws.send({ [Symbol.toPrimitive]: (hint: string) => hint });
  ws.send('with callback', (err?: Error) => err?.message);
  ws.send(Buffer.from('x'), { binary: true, compress: false, fin: true, mask: true }, (err) => err);
  ws.send('fragment', { fin: false });
  ws.send('last', {}, () => undefined);
  const sendOptions: WebSocket.SendOptions = { binary: false };
  ws.send('typed options', sendOptions);
  // @ts-expect-error undefined is not sendable
  ws.send(undefined);
  // @ts-expect-error plain objects are not sendable
  ws.send({ hello: 'world' });
  // @ts-expect-error unknown send option
  ws.send('x', { rsv1: true });

  ws.ping();
  ws.ping('p');
  ws.ping(Buffer.from('p'), true);
  ws.ping(undefined, undefined, (err: Error) => err);
  ws.pong();
  ws.pong(1, false, (err) => expectType<Error>(err));

  ws.close();
  ws.close(1000);
  ws.close(1000, 'bye');
  ws.close(4000, Buffer.from('buffer reason'));
  ws.close(4001, new Uint8Array([0x68, 0x69]));
  // @ts-expect-error the code is a number
  ws.close('1000');

  ws.pause();
  ws.resume();
  ws.terminate();
}

// ---------------------------------------------------------------------------------------
// Client: EventEmitter events, typed without annotations
// ---------------------------------------------------------------------------------------

client.on('open', function () {
  expectType<WebSocket>(this);
  sendEverything(this);
});
client.on('message', (data, isBinary) => {
  expectType<RawData>(data);
  expectType<boolean>(isBinary);
  if (Buffer.isBuffer(data)) data.toString('utf8');
  else if (Array.isArray(data)) Buffer.concat(data);
  else expectType<ArrayBuffer>(data);
});
client.on('close', (code, reason) => {
  expectType<number>(code);
  expectType<Buffer>(reason);
});
client.on('error', (err) => expectType<Error>(err).message);
client.on('ping', (data) => expectType<Buffer>(data));
client.on('pong', (data) => expectType<Buffer>(data));
client.on('upgrade', (response) => expectType<http.IncomingMessage>(response).headers);
client.on('redirect', (redirectUrl, request) => {
  expectType<string>(redirectUrl);
  expectType<http.ClientRequest>(request).setHeader('Cookie', 'a=b');
});
client.on('unexpected-response', (request, response) => {
  expectType<http.ClientRequest>(request);
  expectType<number | undefined>(response.statusCode);
});
const onceListener: Parameters<typeof client.once>[1] = () => undefined;
const dynamicEvent: string = 'dynamic';
client.off(dynamicEvent, onceListener);

// Unknown events (and listeners that match no typed overload, as with @types/ws) fall
// through to the EventEmitter signature.
client.on('custom-event', (...args: any[]) => args.length);

client.once('open', () => undefined);
client.once('message', (data, isBinary) => expectType<boolean>(isBinary) && data);
client.once('close', (code, reason) => code + reason.length);
client.once('error', (err) => err);
client.once('ping', (data) => data.length);
client.once('upgrade', (res) => res.statusCode);
client.once('redirect', (u) => u.length);
client.once('unexpected-response', (req, res) => res.pipe(process.stdout) && req);

const onMessage = (data: RawData, isBinary: boolean): void => {
  if (!isBinary) console.log(data.toString());
};
client.addListener('message', onMessage);
client.removeListener('message', onMessage);
client.on('message', onMessage);
client.off('message', onMessage);
client.addListener('close', (code: number, reason: Buffer) => code + reason.length);
client.addListener('open', () => undefined);
client.addListener('error', (err: Error) => err);
client.addListener('upgrade', (res: http.IncomingMessage) => res);
client.addListener('ping', (data: Buffer) => data);
client.addListener('redirect', (u: string, req: http.ClientRequest) => u + req.path);
client.addListener('unexpected-response', (req: http.ClientRequest, res: http.IncomingMessage) => req && res);
client.removeListener('close', () => undefined);
client.removeAllListeners('message');
client.off('pong', () => undefined);
const chained: WebSocket = client.on('open', () => undefined).once('close', () => undefined);

// ---------------------------------------------------------------------------------------
// Client: WHATWG events
// ---------------------------------------------------------------------------------------

client.onopen = (event) => expectType<string>(event.type) && expectType<WebSocket>(event.target);
client.onmessage = (event) => {
  expectType<WebSocket.Data>(event.data);
  expectType<string>(event.type);
  expectType<0 | 1 | 2 | 3>(event.target.readyState);
};
client.onclose = (event) => {
  expectType<number>(event.code);
  expectType<string>(event.reason);
  expectType<boolean>(event.wasClean);
};
client.onerror = (event) => console.log(event.message, event.error);
client.onopen = null;
client.addEventListener('open', (event: WebSocket.Event) => event.target.send('hi'));
client.addEventListener('message', (event) => console.log(event.data), { once: true });
client.addEventListener('close', (event) => event.code);
client.addEventListener('error', { handleEvent: (event) => console.log(event.message) });
const messageListener = (event: WebSocket.MessageEvent): void => console.log(event.data);
client.addEventListener('message', messageListener);
client.removeEventListener('message', messageListener);
client.addEventListener('open' as 'open' | 'close' | 'error' | 'message', console.log);
client.removeEventListener('open' as 'open' | 'close' | 'error' | 'message', console.log);
// @ts-expect-error only open / error / close / message
client.addEventListener('ping', () => undefined);
// @ts-expect-error only open / error / close / message
client.removeEventListener('other', () => undefined);
function fromEventMap(map: WebSocket.WebSocketEventMap): [WebSocket.CloseEvent, WebSocket.ErrorEvent] {
  return [map.close, map.error];
}

// ---------------------------------------------------------------------------------------
// Server: port / server / noServer, options, methods, events
// ---------------------------------------------------------------------------------------

const wss = new WebSocketServer({ port: 8080, host: '127.0.0.1', backlog: 16, perMessageDeflate: true, handshakeTimeout: 5000, nativeIO: true }, () =>
  console.log('listening')
);
const httpServer = http.createServer();
const attached = new WebSocket.Server({
  server: httpServer,
  path: '/ws',
  verifyClient: (info, cb) => {
    expectType<string>(info.origin);
    expectType<boolean>(info.secure);
    expectType<http.IncomingMessage>(info.req);
    cb(info.secure, 401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer' });
  },
  handleProtocols: (protocols, request) => {
    expectType<Set<string>>(protocols);
    expectType<http.IncomingMessage>(request);
    return protocols.has('chat') ? 'chat' : false;
  },
  clientTracking: false,
  maxPayload: 1 << 20,
  maxFragments: 100,
  maxBufferedChunks: 1000,
  maxPendingAutoPongs: 10,
  skipUTF8Validation: true,
  autoPong: false,
  allowSynchronousEvents: true,
  closeTimeout: 1000,
  perMessageDeflate: { threshold: 512, serverMaxWindowBits: 12, zlibDeflateOptions: { level: 1 } }
});
const syncVerify = new WS.WebSocketServer({
  server: https.createServer(),
  verifyClient: (info: { origin: string; secure: boolean; req: http.IncomingMessage }) => info.origin === 'x'
});
const noServer = new WebSocket.WebSocketServer({ noServer: true });
const noOptions = new WebSocket.Server();
const anyVerify = new WebSocketServer({
  noServer: true,
  perMessageDeflate: {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 0,
    clientMaxWindowBits: 0,
    zlibDeflateOptions: { flush: 0, finishFlush: 0, chunkSize: 0, windowBits: 0, level: 0, memLevel: 0, strategy: 0,
      dictionary: Buffer.from('test'), info: false },
    zlibInflateOptions: { chunkSize: 0 }
  },
  verifyClient: (info: any, cb: any) => cb(true, 123, 'message', { Upgrade: 'websocket' })
});
// A custom request class flows from the HTTP server to every listener.
class Request extends http.IncomingMessage {
  startedAt = 0;
}
const requestServer = new WebSocketServer({ server: http.createServer({ IncomingMessage: Request }) });
requestServer.on('connection', (ws, req) => expectType<Request>(req).startedAt);
requestServer.on('headers', (headers, req) => expectType<Request>(req));
requestServer.on('wsClientError', (err, socket, req) => expectType<Request>(req));
const serverOptions: ServerOptions = { noServer: true, perMessageDeflate: false };
const fromServerOptions = new WebSocketServer(serverOptions);
// @ts-expect-error the port is a number
new WebSocketServer({ port: '8080' });
// @ts-expect-error unknown option
new WebSocketServer({ noServer: true, maxMessageSize: 1 });

wss.on('connection', (ws, req) => {
  expectType<WebSocket>(ws);
  expectType<http.IncomingMessage>(req);
  ws.send(req.url ?? '');
  const stream: Duplex = createWebSocketStream(ws, { encoding: 'utf8', allowHalfOpen: false });
  stream.pipe(stream);
  const plain = WebSocket.createWebSocketStream(ws);
  plain.end();
});
wss.on('connection', function (socket) {
  expectType<WebSocketServer>(this);
  expectType<WebSocket>(socket);
});
wss.on('headers', (headers, req) => {
  expectType<string[]>(headers).push('X-Test: 1');
  expectType<http.IncomingMessage>(req);
});
wss.on('wsClientError', (err, socket, req) => {
  expectType<Error>(err);
  expectType<Duplex>(socket).destroy(err);
  expectType<http.IncomingMessage>(req);
});
wss.on('error', (err) => expectType<Error>(err));
wss.on('listening', () => undefined);
wss.on('close', () => undefined);
wss.once('connection', (ws) => ws.terminate());
wss.once('close', () => undefined);
wss.off('error', () => undefined);
wss.addListener('connection', (ws: WebSocket, req: http.IncomingMessage) => ws && req);
wss.addListener('headers', (headers: string[]) => headers);
wss.addListener('wsClientError', (err: Error, socket: Duplex) => err && socket);
wss.removeListener('listening', () => undefined);

httpServer.on('upgrade', (req, socket, head) => {
  if (!noServer.shouldHandle(req)) return;
  noServer.handleUpgrade(req, socket, head, (ws, request) => {
    expectType<WebSocket>(ws);
    noServer.emit('connection', ws, request);
  });
});
const handled: boolean | Promise<boolean> = noServer.shouldHandle(new http.IncomingMessage(new net.Socket()));
for (const c of wss.clients) {
  if (c.isAlive === false) c.terminate();
  c.isAlive = false;
  c.ping();
}
wss.connectionCount = wss.clients.size;
const clientCount: number = wss.clients.size;
const address: WebSocket.AddressInfo | string | null = wss.address();
if (address !== null && typeof address !== 'string') expectType<number>(address.port);
const opts: WebSocket.ServerOptions = wss.options;
wss.close();
wss.close((err) => expectType<Error | undefined>(err));
attached.close();
syncVerify.close();
fromServerOptions.close();

// Typed server and server-side socket classes.
class MyWebSocket extends WebSocket {
  id = 1;
  isAlive = true;
}
const custom = new WebSocketServer({ noServer: true, WebSocket: MyWebSocket });
custom.on('connection', (ws) => {
  expectType<MyWebSocket>(ws);
  expectType<number>(ws.id);
});
for (const c of custom.clients) expectType<MyWebSocket>(c).isAlive = false;
const typedServer: WebSocket.Server<typeof MyWebSocket> = custom;
const typedServer2: WebSocketServer<typeof MyWebSocket, typeof http.IncomingMessage> = custom;
const myClient = new MyWebSocket('ws://127.0.0.1:8080', { handshakeTimeout: 1 });
const myClientState: 0 | 1 | 2 | 3 = MyWebSocket.OPEN;
if (client instanceof WebSocket) expectType<WebSocket>(client);

class MyServer extends WebSocketServer {
  shouldHandle(req: http.IncomingMessage): boolean {
    return req.url === '/only';
  }
}
const myServer = new MyServer({ noServer: true });
class MyServer2 extends WebSocket.Server<typeof MyWebSocket> {}
const myServer2 = new MyServer2({ noServer: true, WebSocket: MyWebSocket });
myServer2.on('connection', (ws) => expectType<MyWebSocket>(ws).id);

// ---------------------------------------------------------------------------------------
// Receiver, Sender, PerMessageDeflate, extension, subprotocol
// ---------------------------------------------------------------------------------------

const frames: Buffer[] = Sender.frame(Buffer.from('x'), { opcode: 0x01, fin: true, mask: false });
const maskedFrames: Buffer[] = WebSocket.Sender.frame('text', {
  opcode: 0x02,
  fin: false,
  mask: true,
  rsv1: false,
  readOnly: true,
  maskBuffer: Buffer.alloc(4),
  generateMask: (m: Buffer) => m.fill(1)
});
// @ts-expect-error the opcode is required
Sender.frame(Buffer.from('x'), { fin: true });
const sender = new Sender(new net.Socket(), {}, (m: Buffer) => m.fill(0));
sender.send(Buffer.from('x'), { binary: true, compress: false, fin: true, mask: false }, (err) => err);
sender.ping(Buffer.alloc(0), false);
sender.pong('p', true, () => undefined);
sender.close(1000, 'bye', false, (err) => err);
sender.onerror = (err: Error) => console.error(err);

const receiver = new Receiver({
  isServer: true,
  maxPayload: 100,
  binaryType: 'arraybuffer',
  skipUTF8Validation: false,
  allowSynchronousEvents: true,
  maxFragments: 0,
  maxBufferedChunks: 0,
  extensions: {}
});
receiver.on('message', (data, isBinary) => expectType<boolean>(isBinary) && data);
receiver.on('conclude', (code, reason) => expectType<number>(code) + expectType<Buffer>(reason).length);
receiver.on('ping', (data) => expectType<Buffer>(data));
receiver.on('error', (err) => expectType<Error>(err));
receiver.write(Buffer.from([0x81, 0x80, 0, 0, 0, 0]));
const receiver2 = new WebSocket.Receiver();

const deflate = new PerMessageDeflate({ threshold: 0, isServer: true, maxPayload: 1 << 20 });
const offer: { [key: string]: number | boolean } = new WS.PerMessageDeflate().offer();
const accepted = deflate.accept([{ client_max_window_bits: [true], server_no_context_takeover: [true] }]);
const params: { [key: string]: number | boolean } | null = deflate.params;
deflate.cleanup();
const extensionName: 'permessage-deflate' = PerMessageDeflate.extensionName;

const offers = extension.parse('permessage-deflate; client_max_window_bits, x-ext');
const firstParams: Array<string | true> | undefined = offers['permessage-deflate']?.[0]?.client_max_window_bits;
const header: string = WebSocket.extension.format(offers);
const header2: string = extension.format({ 'permessage-deflate': { server_max_window_bits: 10 } });
const protocols: Set<string> = subprotocol.parse('chat, superchat');
const protocols2: Set<string> = WS.subprotocol.parse('a');

// Namespace types in type positions.
const aReceiver: WebSocket.Receiver = receiver2;
const aSender: WS.Sender = sender;
const aDeflate: WebSocket.PerMessageDeflate = deflate;
const aServer: WebSocket.WebSocketServer = noServer;
const aServer2: WS.Server = myServer;
const aSocket: WebSocket.WebSocket = client;
const bufferLike: WebSocket.BufferLike = 'x';
const finish: WebSocket.FinishRequestCallback = (req) => req.end();
const asyncVerify: WebSocket.VerifyClientCallbackAsync = (info, cb) => cb(true);
const syncVerifyCb: WebSocket.VerifyClientCallbackSync = (info) => info.secure;
const deflateOptions: WebSocket.PerMessageDeflateOptions = { threshold: 1 };
const listenerOptions: WebSocket.EventListenerOptions = { once: true };

// ---------------------------------------------------------------------------------------
// The accelerator call shapes
// ---------------------------------------------------------------------------------------

const out = Buffer.alloc(4);
const valid: boolean = WebSocket(Buffer.from('h\u00e9llo'));
const validBytes: boolean = WS(new Uint8Array([0xff]));
const validArrayBuffer: boolean = WebSocket(new ArrayBuffer(4));
// @ts-expect-error only bytes can be validated (anything else throws, like a class without new)
WebSocket('string');
// @ts-expect-error no URL without `new`
WebSocket(new URL('ws://127.0.0.1'));
WebSocket.mask(Buffer.from('abcd'), Buffer.from([1, 2, 3, 4]), out, 0, 4);
WebSocket.unmask(out, Buffer.from([1, 2, 3, 4]));
const validStatic: boolean = WS.isValidUTF8(out) && WebSocket.isValidUTF8(new ArrayBuffer(0));
bufferutil.mask(Buffer.from('abcd'), Buffer.from([1, 2, 3, 4]), out, 0, 4);
bufferutil.unmask(out, Buffer.from([1, 2, 3, 4]));
const validModule: boolean = isValidUTF8(out);

export {
  fromUrl, oneProtocol, withProtocols, withOptionsOnly, withRequestArgs, undefinedProtocols, fromOptionsVariable,
  serverSide, binaryType, amount, extensions, paused, protocol, url, state, isOpen, states, chained, fromEventMap, handled, clientCount, address, opts, typedServer, typedServer2, myClient, myClientState,
  frames, maskedFrames, offer, accepted, params, extensionName, firstParams, header, header2, protocols,
  protocols2, aReceiver, aSender, aDeflate, aServer, aServer2, aSocket, bufferLike, finish, asyncVerify,
  syncVerifyCb, deflateOptions, noOptions, anyVerify, listenerOptions, valid, validBytes, validArrayBuffer, validStatic, validModule
};

// oxws extras: heartbeat and broadcast.
{
  const hbServer = new WebSocket.WebSocketServer({ port: 0, heartbeat: { interval: 30000, timeout: 10000 } });
  const sent: number = hbServer.broadcast('hello', { filter: (ws) => ws.readyState === WebSocket.OPEN });
  void sent;
  WebSocket.broadcast(hbServer.clients, Buffer.from('x'), { binary: true, compress: false });
  void new WebSocket('ws://127.0.0.1:1', { heartbeat: { interval: 1000, timeout: 1000 } });
  // @ts-expect-error: heartbeat needs both fields
  void new WebSocket.WebSocketServer({ noServer: true, heartbeat: { interval: 1 } });
}

// oxws extras: backpressure.
{
  const bpServer = new WebSocket.WebSocketServer({ noServer: true, maxBackpressure: 1 << 20, backpressurePolicy: 'drop' });
  void bpServer;
  const c = new WebSocket('ws://127.0.0.1:1', { maxBackpressure: 65536 });
  c.on('drain', () => undefined);
  // @ts-expect-error: only 'close' or 'drop'
  void new WebSocket.WebSocketServer({ noServer: true, backpressurePolicy: 'ignore' });
}
