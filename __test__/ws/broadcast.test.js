'use strict';

/**
 * `server.broadcast()` / `WebSocket.broadcast()`: every OPEN client gets the same message
 * whatever its deflate parameters (checked on the client side), CLOSING clients are skipped,
 * `filter` is honoured, ordering with plain sends is kept, and bad options throw.
 */

const test = require('node:test');
const assert = require('node:assert');
const WebSocket = require('../..');
const { WebSocketServer } = WebSocket;

async function setup(t, offers) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
  await new Promise((resolve) => wss.on('listening', resolve));
  const clients = [];
  t.after(() => {
    for (const c of clients) c.terminate();
    wss.close();
  });
  for (const perMessageDeflate of offers) {
    const connected = new Promise((resolve) => wss.once('connection', resolve));
    const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`, { perMessageDeflate });
    ws.received = [];
    ws.on('message', (data, isBinary) => ws.received.push([isBinary, Buffer.from(data)]));
    await new Promise((resolve) => ws.on('open', resolve));
    ws.serverSide = await connected;
    clients.push(ws);
  }
  return { wss, clients };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

test('broadcast reaches clients with mixed deflate parameters with identical messages', async (t) => {
  const offers = [
    false,
    true,
    { serverMaxWindowBits: 10 },
    { serverNoContextTakeover: true, clientNoContextTakeover: true },
    { serverMaxWindowBits: 9 }
  ];
  const { wss, clients } = await setup(t, offers);
  assert.deepStrictEqual(
    clients.map((c) => c.extensions),
    ['', 'permessage-deflate', 'permessage-deflate', 'permessage-deflate', 'permessage-deflate']
  );
  const text = JSON.stringify({ hello: 'world', list: Array.from({ length: 100 }, (_, i) => i) });
  const bin = Buffer.alloc(5000, 3);
  assert.strictEqual(wss.broadcast(text), 5);
  assert.strictEqual(wss.broadcast(bin), 5);
  assert.strictEqual(wss.broadcast(text, { compress: false }), 5);
  assert.strictEqual(wss.broadcast(new Uint8Array([1, 2, 3]), { binary: false }), 5);
  await settle();
  for (const c of clients) {
    assert.deepStrictEqual(c.received, [
      [false, Buffer.from(text)],
      [true, bin],
      [false, Buffer.from(text)],
      [false, Buffer.from([1, 2, 3])]
    ]);
  }
});

test('filter, CLOSING sockets, ordering with send(), and WebSocket.broadcast on a list', async (t) => {
  const { wss, clients } = await setup(t, [false, true, true]);
  clients[2].serverSide.close(); // CLOSING on the server side: skipped
  clients[0].serverSide.send('before');
  const n = wss.broadcast('to some', { filter: (ws) => ws !== clients[1].serverSide });
  assert.strictEqual(n, 1);
  clients[0].serverSide.send('after');
  const connecting = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
  assert.strictEqual(connecting.readyState, WebSocket.CONNECTING);
  assert.strictEqual(WebSocket.broadcast([clients[1].serverSide, connecting], 'listed'), 1);
  await new Promise((resolve) => connecting.on('open', resolve));
  connecting.terminate();
  await settle();
  assert.deepStrictEqual(clients[0].received.map((m) => m[1].toString()), ['before', 'to some', 'after']);
  assert.deepStrictEqual(clients[1].received.map((m) => m[1].toString()), ['listed']);
  assert.deepStrictEqual(clients[2].received, []);
});

test('client-side sockets in a list get masked sends of their own', async (t) => {
  const { clients } = await setup(t, [false, true]);
  const got = clients.map((c) => new Promise((resolve) => c.serverSide.once('message', (d) => resolve(d.toString()))));
  assert.strictEqual(WebSocket.broadcast(clients, 'from clients'), 2);
  assert.deepStrictEqual(await Promise.all(got), ['from clients', 'from clients']);
});

test('bad options throw; a server without clientTracking cannot broadcast', async (t) => {
  const { wss } = await setup(t, []);
  assert.throws(() => wss.broadcast('x', { filter: 1 }), TypeError);
  assert.throws(() => wss.broadcast('x', 'nope'), TypeError);
  const untracked = new WebSocketServer({ noServer: true, clientTracking: false });
  assert.throws(() => untracked.broadcast('x'), /clientTracking/);
});

test('context takeover: per-socket sends and broadcasts interleave and all inflate right', async (t) => {
  const { wss, clients } = await setup(t, [true, true, { serverMaxWindowBits: 9 }, false]);
  const expected = [];
  for (let i = 0; i < 30; i++) {
    const own = JSON.stringify({ kind: 'own', i, items: ['alpha', 'beta', 'gamma', 'delta'] });
    const shared = JSON.stringify({ kind: 'shared', i, items: ['alpha', 'beta', 'gamma', 'delta'] });
    for (const c of clients) c.serverSide.send(own);
    wss.broadcast(shared);
    expected.push(own, shared);
  }
  await settle();
  for (const c of clients) {
    assert.deepStrictEqual(
      c.received.map((m) => m[1].toString()),
      expected
    );
  }
});
