'use strict';

/**
 * Opt-in backpressure: a reader that stops reading makes sends fail once `bufferedAmount`
 * would pass `maxBackpressure` ('drop': the message is dropped, the socket stays open;
 * 'close': the socket closes with 1008); `'drain'` comes once everything is flushed; the
 * options are validated; broadcast respects the limit.
 */

const test = require('node:test');
const assert = require('node:assert');
const net = require('net');
const WebSocket = require('../..');

/**
 * A server with the given options and a raw client that completes the handshake and then
 * stops reading.
 *
 * @return {Promise<Object>} `{wss, ws (server side), raw}`
 */
async function slowReader(t, options) {
  const wss = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await new Promise((resolve) => wss.on('listening', resolve));
  const connected = new Promise((resolve) => wss.on('connection', resolve));
  const raw = net.connect(wss.address().port, '127.0.0.1');
  raw.on('error', () => {});
  raw.write(
    'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
  );
  const ws = await connected;
  raw.pause();
  t.after(() => {
    raw.destroy();
    ws.terminate();
    wss.close();
  });
  return { wss, ws, raw };
}

/** Sends 64 KiB messages until one fails; resolves with the error and how many went. */
async function fillUp(ws, limitMessages = 10000) {
  const chunk = Buffer.alloc(64 * 1024, 1);
  let sent = 0;
  for (;;) {
    const result = await new Promise((resolve) => {
      ws.send(chunk, (err) => resolve(err));
      // Successful sends call back when written, which a stopped reader delays: go on.
      setImmediate(() => resolve(undefined));
    });
    if (result instanceof Error) return { err: result, sent };
    sent++;
    if (sent >= limitMessages) return { err: null, sent };
  }
}

test("'drop': the over-limit message fails, the socket stays open, memory stays bounded", async (t) => {
  const limit = 1 << 20;
  const { ws } = await slowReader(t, { maxBackpressure: limit, backpressurePolicy: 'drop' });
  const { err } = await fillUp(ws);
  assert.strictEqual(err.code, 'WS_ERR_BACKPRESSURE_LIMIT');
  assert.strictEqual(ws.readyState, WebSocket.OPEN);
  assert.ok(ws.bufferedAmount <= limit + 64 * 1024 + 14, String(ws.bufferedAmount));
  const again = await new Promise((resolve) => ws.send(Buffer.alloc(64 * 1024), resolve));
  assert.strictEqual(again.code, 'WS_ERR_BACKPRESSURE_LIMIT');
});

test("'close' (default policy): the socket closes with 1008", async (t) => {
  const { ws, raw } = await slowReader(t, { maxBackpressure: 256 * 1024 });
  const { err } = await fillUp(ws);
  assert.strictEqual(err.code, 'WS_ERR_BACKPRESSURE_LIMIT');
  assert.strictEqual(ws.readyState, WebSocket.CLOSING);
  // The reader catches up: the last frame it gets is a close frame with 1008.
  let tail = Buffer.alloc(0);
  raw.on('data', (d) => (tail = Buffer.concat([tail, d]).subarray(-64)));
  raw.resume();
  await new Promise((resolve) => raw.on('end', resolve));
  const close = tail.subarray(tail.lastIndexOf(0x88));
  assert.strictEqual(close[0], 0x88);
  assert.strictEqual(close.readUInt16BE(2), 1008);
});

test("'drain' is emitted once the reader catches up, after the writes that waited", async (t) => {
  const { ws, raw } = await slowReader(t, {});
  const order = [];
  ws.on('drain', () => order.push(['drain', ws.bufferedAmount]));
  const big = Buffer.alloc(4 << 20, 2);
  // The kernel may take a whole 4 MiB write into loopback socket buffers at once (so nothing
  // waits): send until something does, bounded.
  for (let i = 0; i < 16 && ws.bufferedAmount === 0; i++) ws.send(big, () => order.push(['written']));
  assert.ok(ws.bufferedAmount > 0);
  raw.resume();
  raw.on('data', () => {});
  await new Promise((resolve) => ws.once('drain', resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepStrictEqual(
    order.filter((e) => e[0] === 'drain'),
    [['drain', 0]]
  );
  assert.ok(order.some((e) => e[0] === 'written'));
});

test('broadcast skips (and does not count) sockets over the limit', async (t) => {
  const { wss, ws } = await slowReader(t, { maxBackpressure: 256 * 1024, backpressurePolicy: 'drop' });
  await fillUp(ws);
  assert.strictEqual(wss.broadcast(Buffer.alloc(64 * 1024)), 0);
  assert.ok(ws.bufferedAmount <= 256 * 1024 + 64 * 1024 + 14);
});

test('invalid values throw naming the option; defaults behave like ws', () => {
  const make = (o) => new WebSocket.WebSocketServer({ noServer: true, ...o });
  assert.throws(() => make({ maxBackpressure: 'x' }), { name: 'TypeError', message: /maxBackpressure/ });
  assert.throws(() => make({ maxBackpressure: -1 }), { name: 'RangeError', message: /maxBackpressure/ });
  assert.throws(() => make({ maxBackpressure: 1, backpressurePolicy: 'ignore' }), {
    name: 'TypeError',
    message: /backpressurePolicy/
  });
  assert.throws(() => new WebSocket('ws://127.0.0.1:1', { maxBackpressure: Infinity }), RangeError);
  assert.doesNotThrow(() => make({}));
});
