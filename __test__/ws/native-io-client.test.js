'use strict';

/**
 * `nativeIO: true` on a client (`new WebSocket(url, { nativeIO: true })`): after the
 * handshake, a plain-TCP connection is read, decoded and written by the addon's I/O thread.
 * What a ws user sees must stay the same: messages of every size and type (with and without
 * permessage-deflate), masked sends the server accepts, control frames, close codes, protocol
 * errors and limits with ws's codes, frames that arrive with the 101 response, send callbacks
 * and bufferedAmount; TLS and IPC connections stay on Node sockets. The peers are the real
 * ws@8.23.0 server and raw TCP.
 */

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const https = require('https');
const net = require('net');
const os = require('os');
const path = require('path');
const { describe, it } = require('node:test');
const { once } = require('events');

const RealWS = require('ws');
const { echoEverySizeAndType, pingFragmentsAndServerClose } = require('../helpers/exchanges');
const WebSocket = require('../..');
const { closeAfterAll } = require('../helpers/cleanup');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A real ws echo server on a free port (closed with its clients after the file's tests). */
async function echoServer(options = {}) {
  const wss = closeAfterAll(new RealWS.WebSocketServer({ host: '127.0.0.1', port: 0, ...options }));
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => {});
  });
  await once(wss, 'listening');
  return wss;
}

const url = (wss) => `ws://127.0.0.1:${wss.address().port}`;

/** Opens a nativeIO client; resolves to it and the server-side ws WebSocket. */
async function connect(wss, options = {}) {
  const serverSide = once(wss, 'connection');
  const ws = closeAfterAll(new WebSocket(url(wss), { nativeIO: true, ...options }));
  await once(ws, 'open');
  assert.strictEqual(ws._socket.constructor.name, 'NativeSocket');
  return { ws, sws: (await serverSide)[0] };
}

/**
 * A raw TCP server that answers the upgrade request with a valid 101 followed by `after`,
 * and records what the client sends after the handshake.
 */
async function rawServer(after) {
  const received = [];
  const server = closeAfterAll(net.createServer((socket) => {
    closeAfterAll(socket);
    let request = '';
    socket.on('data', function onRequest(chunk) {
      request += chunk.toString('latin1');
      const end = request.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.removeListener('data', onRequest);
      const key = /sec-websocket-key: *(\S+)/i.exec(request)[1];
      const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
      const response =
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`;
      socket.write(Buffer.concat([Buffer.from(response, 'latin1'), after]));
      socket.on('data', (d) => received.push(d));
    });
    socket.on('error', () => {});
  }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, received, url: `ws://127.0.0.1:${server.address().port}` };
}

/** Unmasks the first client frame in `bytes` (payload < 126 bytes). */
function firstClientFrame(bytes) {
  const length = bytes[1] & 0x7f;
  const key = bytes.subarray(2, 6);
  const payload = Buffer.from(bytes.subarray(6, 6 + length));
  for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
  return { opcode: bytes[0] & 0x0f, masked: (bytes[1] & 0x80) !== 0, payload };
}

/**
 * Parses client frames: `[first byte, masking key or null, unmasked payload]` each (stops at
 * an incomplete frame).
 */
function parseFrames(bytes) {
  const frames = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    let length = bytes[at + 1] & 0x7f;
    let pos = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(pos);
      pos += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(pos));
      pos += 8;
    }
    const key = bytes[at + 1] & 0x80 ? bytes.subarray(pos, pos + 4) : null;
    if (key) pos += 4;
    if (pos + length > bytes.length) break;
    const payload = Buffer.from(bytes.subarray(pos, pos + length));
    if (key) for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
    frames.push([bytes[at], key && Buffer.from(key), payload]);
    at = pos + length;
  }
  return frames;
}

/** Waits until `check()` is true (bounded). */
async function until(check, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe('nativeIO client', () => {
  for (const perMessageDeflate of [false, true]) {
    it(`echoes every size and type through the real ws server (permessage-deflate ${perMessageDeflate ? 'on' : 'off'})`, async () => {
      const wss = await echoServer({ perMessageDeflate });
      const { ws } = await connect(wss, { perMessageDeflate });
      assert.strictEqual(ws.extensions, perMessageDeflate ? 'permessage-deflate' : '');
      await echoEverySizeAndType(ws, [0, 1, 125, 126, 65535, 65536, 1 << 20]);
      wss.close();
    });
  }

  it('gives ws._socket a stand-in with the addresses', async () => {
    const wss = await echoServer();
    const { ws, sws } = await connect(wss);
    const socket = ws._socket;
    assert.strictEqual(socket.remoteAddress, '127.0.0.1');
    assert.strictEqual(socket.remotePort, wss.address().port);
    assert.strictEqual(socket.localPort, sws._socket.remotePort);
    ws.close();
    await once(ws, 'close');
    wss.close();
  });

  it('pings, pongs, fragments, and a close from the server', async () => {
    const wss = await echoServer();
    const { ws, sws } = await connect(wss);

    const serverPinged = once(ws, 'ping');
    const autoPong = once(sws, 'pong');
    sws.ping('and you');
    assert.strictEqual(String((await serverPinged)[0]), 'and you');
    assert.strictEqual(String((await autoPong)[0]), 'and you');

    await pingFragmentsAndServerClose(ws, sws);
    wss.close();
  });

  it('reads frames that arrive with the 101 response', async () => {
    const raw = await rawServer(Buffer.from([0x81, 0x05, ...Buffer.from('early')]));
    const ws = closeAfterAll(new WebSocket(raw.url, { nativeIO: true }));
    const [data, isBinary] = await once(ws, 'message');
    assert.strictEqual(ws._socket.constructor.name, 'NativeSocket');
    assert.strictEqual(isBinary, false);
    assert.strictEqual(String(data), 'early');
    ws.terminate();
    raw.server.close();
  });

  it('fails the connection on a masked frame (WS_ERR_UNEXPECTED_MASK, 1002)', async () => {
    const raw = await rawServer(Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x68 ^ 1, 0x69 ^ 2]));
    const ws = closeAfterAll(new WebSocket(raw.url, { nativeIO: true }));
    const [err] = await once(ws, 'error');
    assert.strictEqual(err.code, 'WS_ERR_UNEXPECTED_MASK');
    await until(() => raw.received.length > 0);
    const frame = firstClientFrame(Buffer.concat(raw.received));
    assert.strictEqual(frame.opcode, 8);
    assert.strictEqual(frame.masked, true);
    assert.strictEqual(frame.payload.readUInt16BE(0), 1002);
    ws.terminate();
    raw.server.close();
  });

  it('applies maxPayload (WS_ERR_UNSUPPORTED_MESSAGE_LENGTH, 1009)', async () => {
    const wss = await echoServer();
    const { ws, sws } = await connect(wss, { maxPayload: 1000 });
    ws.on('error', () => {});
    const error = once(ws, 'error');
    const serverClosed = once(sws, 'close');
    sws.send(Buffer.alloc(1001));
    const [err] = await error;
    assert.strictEqual(err.code, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    assert.strictEqual((await serverClosed)[0], 1009);
    wss.close();
  });

  it('coerces maxPayload with | 0 as ws does (2 ** 32 + 100 means 100)', async () => {
    const wss = await echoServer();
    // The error the client gets and the close code the server sees.
    const outcome = async (ws) => {
      const serverClosed = once(wss, 'connection').then(([sws]) => once(sws, 'close'));
      const error = new Promise((resolve) => ws.on('error', resolve));
      await once(ws, 'open');
      ws.send(Buffer.alloc(200)); // echoed
      return [(await error).code, (await serverClosed)[0]];
    };
    const options = { maxPayload: 2 ** 32 + 100 };
    const upstream = await outcome(new RealWS(url(wss), options));
    assert.deepStrictEqual(upstream, ['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 1009]);
    assert.deepStrictEqual(await outcome(closeAfterAll(new WebSocket(url(wss), { ...options, nativeIO: true }))), upstream);
    wss.close();
  });

  it('send callbacks run once written, and bufferedAmount drains to 0', async () => {
    const wss = await echoServer();
    const { ws, sws } = await connect(wss);
    let received = 0;
    sws.removeAllListeners('message');
    sws.on('message', (d) => (received += d.length));
    const written = new Promise((resolve, reject) =>
      ws.send(Buffer.alloc(4 << 20), (err) => (err ? reject(err) : resolve()))
    );
    // What the kernel did not take at once (as a Node socket counts it): 4 MiB do not fit.
    const queued = ws.bufferedAmount;
    assert.ok(queued > 0 && queued <= (4 << 20) + 14, `bufferedAmount ${queued}`);
    await written;
    await until(() => received === 4 << 20);
    assert.strictEqual(received, 4 << 20);
    assert.strictEqual(ws.bufferedAmount, 0);
    ws.close();
    await once(ws, 'close');
    wss.close();
  });

  it('frames and masks sends on the I/O thread exactly as the general path does', async () => {
    const script = (ws) => {
      const order = [];
      const cb = (name) => (err) => order.push(err ? `${name}:${err.message}` : name);
      ws.send('héllo', cb('a'));
      ws.send(Buffer.from([1, 2, 3]));
      ws.send(new Uint8Array([4, 5]), cb('b'));
      ws.send('');
      ws.send(Buffer.alloc(126, 7));
      ws.send(Buffer.alloc(65536, 8), { binary: true });
      ws.send('text as binary', { binary: true });
      ws.send('frag1', { fin: false });
      ws.send('frag2', { fin: true });
      ws.send('unmasked', { mask: false });
      ws.send('mask: undefined', { mask: undefined });
      ws.send(Buffer.from('after'), cb('c'));
      ws.send('last', {}, cb('d'));
      return order;
    };
    const run = async (nativeIO, generateMask) => {
      const raw = await rawServer(Buffer.alloc(0));
      const ws = closeAfterAll(new WebSocket(raw.url, { nativeIO, generateMask, perMessageDeflate: false }));
      await once(ws, 'open');
      assert.strictEqual(ws._socket.constructor.name, nativeIO ? 'NativeSocket' : 'Socket');
      const order = script(ws);
      // 65,729 payload bytes, 13 headers (26 + 2 + 8 bytes), 11 masking keys.
      const expected = 65729 + 36 + 44;
      await until(() => Buffer.concat(raw.received).length >= expected);
      await until(() => order.length === 4);
      ws.terminate();
      raw.server.close();
      return { order, frames: parseFrames(Buffer.concat(raw.received)) };
    };
    const native = await run(true);
    const plain = await run(false);
    assert.deepStrictEqual(native.order, ['a', 'b', 'c', 'd']);
    assert.deepStrictEqual(native.order, plain.order);
    assert.strictEqual(native.frames.length, 13);
    const shape = (frames) => frames.map(([first, key, payload]) => [first, key !== null, payload.toString('hex')]);
    assert.deepStrictEqual(shape(native.frames), shape(plain.frames));
    assert.deepStrictEqual(
      native.frames.filter(([, key]) => key === null).map(([, , p]) => String(p)),
      ['unmasked', 'mask: undefined']
    );
    const keys = new Set(native.frames.filter(([, key]) => key).map(([, key]) => key.toString('hex')));
    assert.ok(keys.size >= 10, `only ${keys.size} distinct keys for 11 masked frames`);

    // generateMask: every masked frame carries the user's key (the general path applies it).
    const fixed = await run(true, (mask) => mask.set([9, 8, 7, 6]));
    assert.deepStrictEqual(shape(fixed.frames), shape(plain.frames));
    for (const [, key] of fixed.frames) if (key) assert.deepStrictEqual([...key], [9, 8, 7, 6]);
  });

  it('wss: and ws+unix: connections stay on Node sockets', async () => {
    const certs = path.join(__dirname, '..', 'helpers', 'certs');
    const server = closeAfterAll(https.createServer({
      cert: fs.readFileSync(path.join(certs, 'cert.pem')),
      key: fs.readFileSync(path.join(certs, 'key.pem'))
    }));
    const secure = closeAfterAll(new RealWS.WebSocketServer({ server }));
    secure.on('connection', (sws) => sws.on('message', (d) => sws.send(d)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const tls = closeAfterAll(new WebSocket(`wss://127.0.0.1:${server.address().port}`, {
      nativeIO: true,
      rejectUnauthorized: false
    }));
    await once(tls, 'open');
    assert.strictEqual(tls._socket.constructor.name, 'TLSSocket');
    tls.send('secure');
    assert.strictEqual(String((await once(tls, 'message'))[0]), 'secure');
    tls.close();
    await once(tls, 'close');
    secure.close();
    server.close();

    const socketPath = path.join(os.tmpdir(), `oxws-nio-${process.pid}.sock`);
    const ipc = closeAfterAll(new RealWS.WebSocketServer({ path: '/', server: require('http').createServer() }));
    closeAfterAll(ipc.options.server);
    ipc.on('connection', (sws) => sws.on('message', (d) => sws.send(d)));
    ipc.options.server.listen(socketPath);
    await once(ipc.options.server, 'listening');
    const local = closeAfterAll(new WebSocket(`ws+unix:${socketPath}:/`, { nativeIO: true }));
    await once(local, 'open');
    assert.strictEqual(local._socket.constructor.name, 'Socket');
    local.send('local');
    assert.strictEqual(String((await once(local, 'message'))[0]), 'local');
    local.close();
    await once(local, 'close');
    ipc.close();
    ipc.options.server.close();
  });
});
