'use strict';

/**
 * `nativeIO: true` on a WebSocketServer: after the handshake, plain-TCP connections are read,
 * decoded and written by the addon's I/O thread. Everything a ws user sees must stay the
 * same: messages of every size and type, close paths, protocol errors with ws's codes,
 * limits, permessage-deflate, pause/resume, send callbacks and bufferedAmount, the socket's
 * addresses; TLS stays on Node sockets. The peers are the real ws@8.23.0 client and raw TCP.
 */

const assert = require('assert');
const fs = require('fs');
const https = require('https');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const { describe, it } = require('node:test');
const { once } = require('events');

const RealWS = require('ws');
const { echoEverySizeAndType, pingFragmentsAndServerClose } = require('../helpers/exchanges');
const WebSocket = require('../..');
const { WebSocketServer } = WebSocket;
const { closeAfterAll } = require('../helpers/cleanup');

/** A nativeIO echo server on a free port (closed with its clients after the file's tests). */
async function echoServer(options = {}) {
  const wss = closeAfterAll(new WebSocketServer({ host: '127.0.0.1', port: 0, nativeIO: true, ...options }));
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => {});
  });
  await once(wss, 'listening');
  return wss;
}

const url = (wss) => `ws://127.0.0.1:${wss.address().port}`;

/** Resolves to the server-side WebSocket of the next connection. */
const nextConnection = (wss) => once(wss, 'connection').then(([ws]) => ws);

/** Opens a real ws client; resolves to it and its server-side WebSocket. */
async function connect(wss) {
  const serverSide = nextConnection(wss);
  const ws = new RealWS(url(wss));
  await once(ws, 'open');
  return { ws, sws: await serverSide };
}

/** A masked client frame. */
function clientFrame(opcode, payload, fin = true) {
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i & 3];
  const len = masked.length;
  const header =
    len < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | len])
      : Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  return Buffer.concat([header, mask, masked]);
}

const UPGRADE =
  'GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

describe('nativeIO', () => {
  it('echoes every size and type to the real ws client, in order', async () => {
    const wss = await echoServer();
    const ws = new RealWS(url(wss));
    await once(ws, 'open');
    await echoEverySizeAndType(ws, [0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20]);
    wss.close();
  });

  it('gives ws._socket a stand-in with the addresses, and keeps req.socket readable', async () => {
    const wss = await echoServer();
    const serverSide = once(wss, 'connection');
    const ws = new RealWS(url(wss));
    await once(ws, 'open');
    const [sws, req] = await serverSide;
    const socket = sws._socket;
    assert.strictEqual(socket.constructor.name, 'NativeSocket');
    assert.strictEqual(socket.remoteAddress, '127.0.0.1');
    assert.strictEqual(socket.remotePort, ws._socket.localPort);
    assert.strictEqual(socket.localAddress, '127.0.0.1');
    assert.strictEqual(socket.localPort, wss.address().port);
    assert.strictEqual(socket.setNoDelay(true), socket);
    assert.strictEqual(req.socket.remoteAddress, '127.0.0.1');
    ws.close();
    await once(ws, 'close');
    wss.close();
  });

  it("nioAdopt takes only the receiver's option bits (-1 is refused before the socket is touched)", () => {
    const native = require('../../lib/native');
    assert.throws(() => native.nioAdopt(-1, Buffer.alloc(0), -1, 0, 0, 0, 0, false), /nioAdopt options 0xffffffff has unknown bits/);
    assert.throws(() => native.nioAdopt(-1, Buffer.alloc(0), 32, 0, 0, 0, 0, false), /unknown bits/);
  });

  it('fragments, pings and pongs, and a close from the server', async () => {
    const wss = await echoServer();
    const { ws, sws } = await connect(wss);

    await pingFragmentsAndServerClose(ws, sws);
    wss.close();
  });

  it('fails a connection on an unmasked frame with ws error code and 1002', async () => {
    const wss = await echoServer();
    const serverSide = nextConnection(wss);
    const socket = closeAfterAll(net.connect(wss.address().port, '127.0.0.1'));
    socket.write(UPGRADE);
    const socketClosed = once(socket, 'close');
    const sws = await serverSide;
    const error = once(sws, 'error');
    // Not events.once(): it would reject on the 'error' this test expects.
    const closed = new Promise((resolve) => sws.on('close', (code) => resolve([code])));
    let response = Buffer.alloc(0);
    socket.on('data', (d) => (response = Buffer.concat([response, d])));
    socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69])); // unmasked "hi"
    const [err] = await error;
    assert.strictEqual(err.code, 'WS_ERR_EXPECTED_MASK');
    const [code] = await closed;
    assert.strictEqual(code, 1006);
    await socketClosed;
    const close = response.subarray(response.indexOf(Buffer.from([0x88])));
    assert.strictEqual(close.readUInt16BE(2), 1002);
    wss.close();
  });

  it('applies maxPayload (1009, WS_ERR_UNSUPPORTED_MESSAGE_LENGTH)', async () => {
    const wss = await echoServer({ maxPayload: 1000 });
    const { ws, sws } = await connect(wss);
    const error = once(sws, 'error');
    ws.send(Buffer.alloc(1001));
    const [err] = await error;
    assert.strictEqual(err.code, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    const [code] = await once(ws, 'close');
    assert.strictEqual(code, 1009);
    wss.close();
  });

  it('coerces maxPayload with | 0 as ws does (2 ** 32 + 100 means 100)', async () => {
    const closeCode = async (wss) => {
      await once(wss, 'listening');
      wss.on('connection', (sws) => sws.on('error', () => {}));
      const ws = new RealWS(url(wss));
      await once(ws, 'open');
      ws.send(Buffer.alloc(200));
      const [code] = await once(ws, 'close');
      wss.close();
      return code;
    };
    const options = { host: '127.0.0.1', port: 0, maxPayload: 2 ** 32 + 100 };
    const upstream = await closeCode(closeAfterAll(new RealWS.WebSocketServer(options)));
    assert.strictEqual(upstream, 1009);
    assert.strictEqual(await closeCode(closeAfterAll(new WebSocketServer({ ...options, nativeIO: true }))), upstream);
  });

  it('reads frames that arrive with the upgrade request (head)', async () => {
    const wss = await echoServer();
    const socket = closeAfterAll(net.connect(wss.address().port, '127.0.0.1'));
    const serverSide = nextConnection(wss);
    socket.write(Buffer.concat([Buffer.from(UPGRADE), clientFrame(1, 'early')]));
    const sws = await serverSide;
    const [data] = await once(sws, 'message');
    assert.strictEqual(String(data), 'early');
    socket.destroy();
    wss.close();
  });

  it('a batch of more events than the event array holds arrives whole, in order', async () => {
    // 5,000 frames in one write: one read on the I/O thread, 5,000 events in one batch (the
    // reused event array starts with room for 255 and is made small again after a batch
    // this large); then later batches still arrive.
    const wss = await echoServer();
    const socket = closeAfterAll(net.connect(wss.address().port, '127.0.0.1'));
    const serverSide = nextConnection(wss);
    const frames = Array.from({ length: 5000 }, (_, i) => clientFrame(1, `m${i}`));
    socket.write(Buffer.concat([Buffer.from(UPGRADE), ...frames]));
    const sws = await serverSide;
    const got = [];
    sws.on('message', (data) => got.push(String(data)));
    while (got.length < 5000) await once(sws, 'message');
    assert.deepStrictEqual(got, frames.map((_, i) => `m${i}`));
    socket.write(clientFrame(1, 'after'));
    await once(sws, 'message');
    assert.strictEqual(got[5000], 'after');
    socket.destroy();
    wss.close();
  });

  it('messages kept from earlier batches are never overwritten by later ones', async () => {
    // Small batches are copied into slices of Node's Buffer pool, large ones handed over:
    // every kept message must still hold its own bytes after both kinds of later batches.
    const wss = await echoServer();
    const socket = closeAfterAll(net.connect(wss.address().port, '127.0.0.1'));
    const serverSide = nextConnection(wss);
    socket.write(UPGRADE);
    const sws = await serverSide;
    const kept = [];
    sws.on('message', (data) => kept.push(data));
    const expected = [];
    for (let i = 0; i < 40; i++) {
      const size = i % 5 === 4 ? 20000 : 30 + i;
      const payload = Buffer.alloc(size, 0x41 + (i % 26));
      expected.push(payload);
      socket.write(clientFrame(2, payload));
      while (kept.length <= i) await once(sws, 'message');
    }
    for (let i = 0; i < expected.length; i++) assert.ok(kept[i].equals(expected[i]), `message ${i}`);
    socket.destroy();
    wss.close();
  });

  it('negotiates permessage-deflate and inflates on the I/O thread', async () => {
    const wss = await echoServer({ perMessageDeflate: { threshold: 0 } });
    const ws = new RealWS(url(wss), { perMessageDeflate: { threshold: 0 } });
    await once(ws, 'open');
    assert.match(ws.extensions, /permessage-deflate/);
    const text = JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => ({ i })) });
    for (let round = 0; round < 3; round++) {
      ws.send(text);
      const [data, isBinary] = await once(ws, 'message');
      assert.strictEqual(isBinary, false);
      assert.strictEqual(String(data), text);
    }
    ws.close();
    await once(ws, 'close');
    wss.close();
  });

  it('pause() holds messages until resume(), in order', async () => {
    const wss = closeAfterAll(new WebSocketServer({ host: '127.0.0.1', port: 0, nativeIO: true }));
    await once(wss, 'listening');
    const { ws, sws } = await connect(wss);
    const got = [];
    sws.on('message', (d) => got.push(String(d)));
    sws.pause();
    assert.strictEqual(sws.isPaused, true);
    for (let i = 0; i < 50; i++) ws.send(`m${i}`);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepStrictEqual(got, []);
    sws.resume();
    const deadline = Date.now() + 5000;
    while (got.length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepStrictEqual(got, Array.from({ length: 50 }, (_, i) => `m${i}`));
    ws.close();
    await once(ws, 'close');
    wss.close();
  });

  it('send callbacks run once written, and bufferedAmount counts what the kernel did not take, then drains', async () => {
    const wss = closeAfterAll(new WebSocketServer({ host: '127.0.0.1', port: 0, nativeIO: true }));
    await once(wss, 'listening');
    const { ws, sws } = await connect(wss);
    let received = 0;
    ws.on('message', (d) => (received += d.length));
    const written = new Promise((resolve, reject) =>
      sws.send(Buffer.alloc(4 << 20), (err) => (err ? reject(err) : resolve()))
    );
    // What the kernel did not take at once (as a Node socket counts it): 4 MiB do not fit.
    const queued = sws.bufferedAmount;
    assert.ok(queued > 0 && queued <= (4 << 20) + 14, `bufferedAmount ${queued}`);
    await written;
    const deadline = Date.now() + 5000;
    while (received < 4 << 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.strictEqual(received, 4 << 20);
    assert.strictEqual(sws.bufferedAmount, 0);
    ws.close();
    await once(ws, 'close');
    wss.close();
  });

  it('sends written at once and sends queued behind a full socket call back once each, in order', async () => {
    // A socket with nothing queued is written from the JS thread and its bytes are counted at
    // once; once the kernel stops taking them (the client does not read), the rest goes to
    // the I/O thread. Callbacks must still run once each, in order, never inside send().
    const wss = closeAfterAll(new WebSocketServer({ host: '127.0.0.1', port: 0, nativeIO: true }));
    await once(wss, 'listening');
    const { ws, sws } = await connect(wss);
    ws._socket.pause();
    const payload = Buffer.alloc(60 * 1024, 1); // below the size handed over on its own
    const count = 200; // ~12 MiB: more than loopback's buffers hold while the client waits
    const order = [];
    let inSend = false;
    const sends = [];
    for (let i = 0; i < count; i++) {
      sends.push(
        new Promise((resolve, reject) => {
          inSend = true;
          sws.send(payload, (err) => {
            if (inSend) reject(new Error('callback inside send()'));
            else if (err) reject(err);
            else resolve(order.push(i));
          });
          inSend = false;
        })
      );
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(order.length < count, `all ${order.length} written while the client was paused`);
    assert.ok(sws.bufferedAmount > 0, 'bytes wait for the client');
    let received = 0;
    ws.on('message', (d) => (received += d.length));
    ws._socket.resume();
    let timer;
    await Promise.race([
      Promise.all(sends),
      new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${order.length} of ${count} called back`)), 10000);
      })
    ]);
    clearTimeout(timer);
    assert.deepStrictEqual(order, Array.from({ length: count }, (_, i) => i));
    const deadline = Date.now() + 5000;
    while (received < count * payload.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.strictEqual(received, count * payload.length);
    assert.strictEqual(sws.bufferedAmount, 0);
    ws.close();
    await once(ws, 'close');
    wss.close();
  });

  it('terminate() and a peer reset both end in close 1006', async () => {
    const wss = await echoServer();
    let { ws, sws } = await connect(wss);
    const clientClosed = once(ws, 'close');
    let serverClosed = once(sws, 'close');
    sws.terminate();
    assert.strictEqual((await clientClosed)[0], 1006);
    assert.strictEqual((await serverClosed)[0], 1006);

    ({ ws, sws } = await connect(wss));
    serverClosed = once(sws, 'close');
    ws.terminate();
    assert.strictEqual((await serverClosed)[0], 1006);
    wss.close();
  });

  it('a throwing message listener stops the receiver as ws does', async () => {
    // In child processes (the test runner treats an uncaught exception as a failure): the
    // client sends four messages and a close frame, then drops the connection. ws emits
    // nothing after the throw, never answers the close and never emits 'close'.
    const script = (server) => `
      const RealWS = require('ws');
      const Server = ${server};
      const got = [];
      const thrown = [];
      let closed = null;
      process.on('uncaughtException', (err) => thrown.push(err.message));
      const wss = new Server({ host: '127.0.0.1', port: 0, nativeIO: true }, () => {
        const ws = new RealWS('ws://127.0.0.1:' + wss.address().port);
        let clientClose = null;
        ws.on('close', (code) => (clientClose = code));
        ws.on('open', () => {
          for (const m of ['a', 'boom', 'b', 'c']) ws.send(m);
          ws.close(4001);
          setTimeout(() => {
            ws.terminate();
            setTimeout(() => {
              console.log(JSON.stringify({ got, thrown, closed, clientClose }));
              process.exit(0);
            }, 300);
          }, 500);
        });
      });
      wss.on('connection', (sws) => {
        sws.on('close', (code) => (closed = code));
        sws.on('message', (d) => {
          got.push(String(d));
          if (String(d) === 'boom') throw new Error('listener failed');
        });
      });
      setTimeout(() => process.exit(3), 10000);
    `;
    const run = async (server) => {
      const cwd = path.join(__dirname, '..', '..');
      const child = closeAfterAll(spawn(process.execPath, ['-e', script(server)], { cwd }));
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const [code] = await once(child, 'exit');
      assert.strictEqual(code, 0);
      return JSON.parse(out);
    };
    const [upstream, native] = await Promise.all([
      run("require('ws').WebSocketServer"),
      run(`require(${JSON.stringify(path.join(__dirname, '..', '..'))}).WebSocketServer`)
    ]);
    assert.deepStrictEqual(upstream, { got: ['a', 'boom'], thrown: ['listener failed'], closed: null, clientClose: 1006 });
    assert.deepStrictEqual(native, upstream);
  });

  it('TLS connections stay on Node sockets', async () => {
    const certs = path.join(__dirname, '..', 'helpers', 'certs');
    const server = closeAfterAll(https.createServer({
      cert: fs.readFileSync(path.join(certs, 'cert.pem')),
      key: fs.readFileSync(path.join(certs, 'key.pem'))
    }));
    const wss = closeAfterAll(new WebSocketServer({ server, nativeIO: true }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const serverSide = nextConnection(wss);
    const ws = new RealWS(`wss://127.0.0.1:${server.address().port}`, { rejectUnauthorized: false });
    await once(ws, 'open');
    const sws = await serverSide;
    assert.strictEqual(sws._socket.constructor.name, 'TLSSocket');
    sws.on('message', (d) => sws.send(d));
    ws.send('secure');
    assert.strictEqual(String((await once(ws, 'message'))[0]), 'secure');
    ws.close();
    await once(ws, 'close');
    wss.close();
    server.close();
  });
  it('frames sends on the I/O thread exactly as the general path does, in order with it', async () => {
    // Every payload type and option shape, including ws's "a present key wins even if
    // undefined" spread, fragments (general path) between framed sends, and callbacks.
    const script = (sws, done) => {
      const order = [];
      const cb = (name) => (err) => order.push(err ? `${name}:${err.message}` : name);
      sws.send('héllo', cb('a'));
      sws.send(Buffer.from([1, 2, 3]));
      sws.send(new Uint8Array([4, 5]), cb('b'));
      sws.send('');
      sws.send(Buffer.alloc(126, 7));
      sws.send(Buffer.alloc(65536, 8), { binary: true });
      sws.send('text as binary', { binary: true });
      sws.send(Buffer.from('binary as text'), { binary: false });
      sws.send(Buffer.from('binary: undefined'), { binary: undefined });
      sws.send('frag1', { fin: false });
      sws.send('frag2', { fin: true });
      sws.send(Buffer.from('after'), cb('c'));
      sws.send(42);
      sws.send('fin: undefined', { fin: undefined });
      sws.send('last', {}, cb('d'));
      sws.send('masked from the server', { mask: true, binary: false });
      sws.send(new ArrayBuffer(3));
      sws.close(1000, 'bye');
      setTimeout(() => done(order), 200);
    };
    const run = async (nativeIO) => {
      const wss = closeAfterAll(new WebSocketServer({ host: '127.0.0.1', port: 0, nativeIO }));
      await once(wss, 'listening');
      const connection = nextConnection(wss);
      const socket = closeAfterAll(net.connect(wss.address().port, '127.0.0.1'));
      socket.write(UPGRADE);
      const chunks = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      const sws = await connection;
      assert.strictEqual(sws._socket.constructor.name, nativeIO ? 'NativeSocket' : 'Socket');
      const order = await new Promise((resolve) => setImmediate(() => script(sws, resolve)));
      socket.destroy();
      wss.close();
      const bytes = Buffer.concat(chunks);
      const body = bytes.subarray(bytes.indexOf('\r\n\r\n') + 4);
      // The masked frame carries a random key: compare everything else.
      const at = body.indexOf(Buffer.from([0x81, 0x80 | 22]));
      assert.ok(at > 0);
      return { order, before: body.subarray(0, at), after: body.subarray(at + 2 + 4 + 22) };
    };
    const native = await run(true);
    const plain = await run(false);
    assert.deepStrictEqual(native.order, ['a', 'b', 'c', 'd']);
    assert.deepStrictEqual(native.order, plain.order);
    assert.ok(native.before.equals(plain.before), 'frames before the masked one differ');
    assert.ok(native.after.equals(plain.after), 'frames after the masked one differ');
    // Spot checks against hand-built frames.
    assert.ok(native.before.subarray(0, 8).equals(Buffer.from([0x81, 6, 0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f])));
    assert.ok(native.before.includes(Buffer.from([0x82, 126, 0, 126, 7, 7])));
    assert.ok(native.before.includes(Buffer.from([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0, 8])));
    assert.ok(native.before.includes(Buffer.from('\x01\x0efin: undefined\x80\x04last', 'latin1')));
    assert.ok(native.before.includes(Buffer.from('\x81\x11binary: undefined', 'latin1')));
    assert.ok(native.after.equals(Buffer.from([0x82, 3, 0, 0, 0, 0x88, 5, 0x03, 0xe8, 0x62, 0x79, 0x65])));
  });
});
