'use strict';

/**
 * Regression tests for the known WebSocket advisories that apply to the ws API, each named
 * after its advisory. Everything runs on 127.0.0.1 and is bounded in size and time.
 */

const assert = require('assert');
const http = require('http');
const net = require('net');
const zlib = require('zlib');
const { describe, it } = require('node:test');
const { once } = require('events');

const WebSocket = require('../..');
const { WebSocketServer, Receiver, extension, subprotocol } = WebSocket;
const Ws = require('ws');

/**
 * Starts a server on a free port, closed (with its clients) after the test `t`, passed or
 * failed, so that no socket outlives the file.
 */
async function listen(t, options = {}, Server = WebSocketServer) {
  const wss = new Server({ host: '127.0.0.1', port: 0, ...options });
  t.after(() => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  });
  await once(wss, 'listening');
  return wss;
}

/** Opens a client that is terminated after the test `t`. */
function connect(t, url, options) {
  const ws = new WebSocket(url, options);
  t.after(() => ws.terminate());
  return ws;
}

/** Sends a raw HTTP request and resolves to the whole response text. */
function rawRequest(port, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (data += d));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on('error', reject);
    const timer = setTimeout(() => socket.destroy(), 5000);
  });
}

/**
 * What Node's own HTTP server does with a request that has more headers than
 * `maxHeadersCount`, asked of a plain `http.Server` with the same limit: `true` when it drops
 * the headers past the limit and hands the request on (Node 20), `false` when its parser
 * refuses the request (HPE_HEADER_OVERFLOW, answered 431 by Node's default 'clientError'
 * handling; Node 22 on).
 */
async function nodeDeliversExtraHeaders(maxHeadersCount, request) {
  let delivered = false;
  const server = http.createServer((req, res) => {
    delivered = true;
    res.end();
  });
  server.on('upgrade', (req, socket) => {
    delivered = true;
    socket.destroy();
  });
  server.maxHeadersCount = maxHeadersCount;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await rawRequest(server.address().port, request);
    if (!delivered) assert.match(response, /^HTTP\/1\.1 431 /);
    return delivered;
  } finally {
    server.close();
  }
}

const UPGRADE =
  'GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

describe('security regressions (ws API)', () => {
  it('CVE-2021-32640: a 50,000-character Sec-WebSocket-Protocol is parsed in linear time', async (t) => {
    const header = 'a' + ' '.repeat(50000) + 'b';
    const t0 = process.hrtime.bigint();
    assert.throws(() => subprotocol.parse(header), SyntaxError);
    assert.throws(() => extension.parse('a;' + ' '.repeat(50000) + 'b='), SyntaxError);
    assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 1000);

    const wss = await listen(t);
    const t1 = Date.now();
    const response = await rawRequest(
      wss.address().port,
      UPGRADE + `Sec-WebSocket-Protocol: ${'b,'.repeat(7000)}\r\n\r\n`
    );
    assert.match(response, /^HTTP\/1\.1 400 Bad Request/);
    assert.match(response, /Invalid Sec-WebSocket-Protocol header/);
    assert.ok(Date.now() - t1 < 2000);
  });

  it('CVE-2024-37890: more headers than maxHeadersCount is answered with an error status, not a crash', async (t) => {
    let extra = '';
    for (let i = 0; i < 20; i++) extra += `X-Filler-${i}: ${i}\r\n`;
    // The Upgrade header comes after the filler, so a Node that drops the extra headers
    // drops it; a Node whose parser enforces the limit refuses the request before any
    // WebSocket code sees it.
    const request =
      'GET / HTTP/1.1\r\nHost: localhost\r\n' + extra +
      'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'Sec-WebSocket-Version: 13\r\n\r\n';
    const delivered = await nodeDeliversExtraHeaders(10, request);

    const errors = [];
    const wss = await listen(t);
    wss.on('error', (err) => errors.push(err));
    wss._server.maxHeadersCount = 10;
    const response = await rawRequest(wss.address().port, request);
    if (delivered) {
      // The upgrade handler gets the request without its Upgrade header.
      assert.match(response, /^HTTP\/1\.1 400 Bad Request/);
      assert.match(response, /Invalid Upgrade header/);
    } else {
      assert.match(response, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    }

    // ws answers with the same status line on this Node.
    const reference = await listen(t, {}, Ws.WebSocketServer);
    reference._server.maxHeadersCount = 10;
    const theirs = await rawRequest(reference.address().port, request);
    assert.strictEqual(response.split('\r\n')[0], theirs.split('\r\n')[0]);

    // The server is still up and completes a well-formed handshake.
    const ws = connect(t, `ws://127.0.0.1:${wss.address().port}`);
    await once(ws, 'open');
    const closed = once(ws, 'close');
    ws.close();
    await closed;
    assert.deepStrictEqual(errors, []);
  });

  it('CVE-2026-45736: close(code, reason) accepts only strings and Uint8Arrays', async (t) => {
    const wss = await listen(t);
    const ws = connect(t, `ws://127.0.0.1:${wss.address().port}`);
    await once(ws, 'open');
    assert.throws(() => ws.close(1000, new Uint16Array(10)), {
      name: 'TypeError',
      message: 'Second argument must be a string or a Uint8Array'
    });
    assert.throws(() => ws.close(1000, { length: 10 }), {
      name: 'TypeError',
      message: 'Second argument must be a string or a Uint8Array'
    });
    assert.throws(() => ws.close(1000, 'x'.repeat(124)), RangeError);
    assert.throws(() => ws.close(1005), { name: 'TypeError', message: 'First argument must be a valid error code number' });
    const closed = once(ws, 'close');
    ws.close(1000, new Uint8Array([0x62, 0x79, 0x65]));
    await closed;
  });

  it('CVE-2026-48779: tiny fragments and tiny chunks are bounded, with WS_ERR_TOO_MANY_BUFFERED_PARTS', async () => {
    // 4 MiB announced as 1-byte fragments: rejected at fragment 16385 (ws 8.21.3 default).
    const receiver = new Receiver({ isServer: true, maxFragments: 16384, maxPayload: 100 * 1024 * 1024 });
    const firstError = once(receiver, 'error');
    const fragment = (b0) => Buffer.from([b0, 0x81, 0, 0, 0, 0, 0x61]);
    const parts = [fragment(0x02)];
    for (let i = 1; i < 20000; i++) parts.push(fragment(0x00));
    const rssBefore = process.memoryUsage().rss;
    receiver.write(Buffer.concat(parts));
    const [err] = await firstError;
    assert.strictEqual(err.code, 'WS_ERR_TOO_MANY_BUFFERED_PARTS');
    assert.strictEqual(err.message, 'Too many message fragments');

    // One frame arriving in 1-byte chunks: rejected past maxBufferedChunks.
    const r2 = new Receiver({ isServer: true, maxBufferedChunks: 1000 });
    const firstError2 = once(r2, 'error');
    const frame = Buffer.concat([Buffer.from([0x82, 0xfe, 0x10, 0x00, 0, 0, 0, 0]), Buffer.alloc(4096)]);
    for (let i = 0; i < frame.length && !r2.destroyed; i++) r2.write(frame.subarray(i, i + 1), () => {});
    const [err2] = await firstError2;
    assert.strictEqual(err2.code, 'WS_ERR_TOO_MANY_BUFFERED_PARTS');
    assert.strictEqual(err2.message, 'Too many buffered chunks');
    assert.ok(process.memoryUsage().rss - rssBefore < 64 * 1024 * 1024);
  });

  it('maxPendingAutoPongs: a peer that floods pings and never reads is terminated', async (t) => {
    const wss = await listen(t, { maxPendingAutoPongs: 5 });
    const serverSide = once(wss, 'connection');
    const socket = net.connect(wss.address().port, '127.0.0.1');
    t.after(() => socket.destroy());
    await once(socket, 'connect');
    socket.write(UPGRADE + '\r\n');
    const [ws] = await serverSide;
    socket.pause(); // never read: pongs pile up in the server's write buffer
    const ping = Buffer.from([0x89, 0xfd, 0, 0, 0, 0, ...Buffer.alloc(125)]);
    const closed = once(ws, 'close');
    const flood = Buffer.concat(Array.from({ length: 20000 }, () => ping));
    socket.write(flood);
    const [code] = await closed;
    assert.strictEqual(code, 1006);
  });

  it('2016 ping(number): numbers are sent as their string, never as uninitialised memory', async (t) => {
    const wss = await listen(t);
    const serverPing = new Promise((resolve) => wss.on('connection', (s) => s.on('ping', resolve)));
    const ws = connect(t, `ws://127.0.0.1:${wss.address().port}`);
    await once(ws, 'open');
    ws.ping(100);
    assert.strictEqual((await serverPing).toString(), '100');
  });

  it('Object.prototype names in Sec-WebSocket-Extensions are plain names', () => {
    const parsed = extension.parse('__proto__; constructor=1; hasOwnProperty, toString');
    assert.deepStrictEqual(Object.keys(parsed), ['__proto__', 'toString']);
    assert.deepStrictEqual(parsed.__proto__[0].constructor, ['1']);
    assert.deepStrictEqual(parsed.__proto__[0].hasOwnProperty, [true]);
  });

  it('CVE-2020-7662 (websocket-extensions): an unclosed quoted parameter fails fast', () => {
    const t0 = process.hrtime.bigint();
    assert.throws(() => extension.parse('a; b="' + 'c'.repeat(50000)), /Unexpected end of input/);
    assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 1000);
  });

  it('a decompression bomb through the ws API stops at maxPayload with 1009', async (t) => {
    const wss = await listen(t, { perMessageDeflate: true, maxPayload: 1024 * 1024 });
    const serverError = new Promise((resolve) => wss.on('connection', (s) => s.on('error', resolve)));
    const ws = connect(t, `ws://127.0.0.1:${wss.address().port}`, { perMessageDeflate: true });
    await once(ws, 'open');
    // 256 MiB of zeros compress to ~256 KiB; sent as one compressed frame by hand.
    const bomb = zlib.deflateRawSync(Buffer.alloc(256 * 1024 * 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const body = bomb.subarray(0, bomb.length - 4);
    const header = Buffer.alloc(14);
    header[0] = 0xc2;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(body.length), 2);
    const rssBefore = process.memoryUsage().rss;
    ws._socket.write(Buffer.concat([header, body])); // mask key 0: payload unchanged
    const err = await serverError;
    assert.strictEqual(err.code, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    const [code] = await once(ws, 'close');
    assert.strictEqual(code, 1009);
    assert.ok(process.memoryUsage().rss - rssBefore < 2 * 1024 * 1024 + 64 * 1024 * 1024);
  });
});
