'use strict';

/**
 * The opt-in heartbeat: a peer that reads but never replies is terminated (close 1006, no
 * error); one that answers pings stays; clients can use it too; bad values throw naming the
 * option; sockets share one timer per setting.
 */

const test = require('node:test');
const assert = require('node:assert');
const net = require('net');
const WebSocket = require('../..');
const heartbeat = require('../../lib/ws/heartbeat');

const settings = { interval: 40, timeout: 40 };

async function server(t, options = {}) {
  const wss = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0, heartbeat: settings, ...options });
  await new Promise((resolve) => wss.on('listening', resolve));
  t.after(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  return wss;
}

test('a peer that never answers is terminated with 1006; one that answers stays', async (t) => {
  const wss = await server(t);
  const events = [];
  let firstClosed;
  const serverSideClosed = new Promise((resolve) => (firstClosed = resolve));
  wss.on('connection', (ws) => {
    ws.on('error', (e) => events.push(['error', e.message]));
    ws.on('close', (code, reason) => {
      events.push(['close', code, reason.toString()]);
      firstClosed();
    });
  });

  // A raw client that completes the handshake, then reads but never writes.
  const silent = net.connect(wss.address().port, '127.0.0.1');
  let sawPing = false;
  silent.on('data', (d) => {
    if (d.includes(Buffer.from([0x89, 0x00]))) sawPing = true;
  });
  silent.on('error', () => {});
  silent.write(
    'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
  );
  const silentClosed = new Promise((resolve) => silent.on('close', resolve));

  // A ws client: answers pings automatically.
  const alive = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
  await new Promise((resolve) => alive.on('open', resolve));
  let pings = 0;
  alive.on('ping', () => pings++);

  await silentClosed;
  await serverSideClosed;
  assert.ok(sawPing, 'the silent peer was pinged first');
  assert.deepStrictEqual(events, [['close', 1006, '']]);

  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.strictEqual(alive.readyState, WebSocket.OPEN);
  assert.ok(pings >= 2, `pings: ${pings}`);
  assert.strictEqual(wss.clients.size, 1);
});

test('a client with heartbeat terminates a server that stops answering', async (t) => {
  const raw = net.createServer((socket) => {
    socket.once('data', (req) => {
      const key = /Sec-WebSocket-Key: (.*)\r\n/i.exec(req.toString())[1];
      const accept = require('crypto').createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      // Then silence: pings are read and never answered.
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => raw.listen(0, '127.0.0.1', resolve));
  t.after(() => raw.close());
  const ws = new WebSocket(`ws://127.0.0.1:${raw.address().port}`, { heartbeat: settings, perMessageDeflate: false });
  const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  assert.strictEqual(await closed, 1006);
});

test('one timer per setting, released when its last socket closes', async (t) => {
  const wss = await server(t);
  const clients = [];
  for (let i = 0; i < 3; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
    await new Promise((resolve) => ws.on('open', resolve));
    clients.push(ws);
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  const wheel = heartbeat.wheels.get('40:40');
  assert.strictEqual(wheel.sockets.size, 3);
  for (const ws of clients) ws.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.strictEqual(heartbeat.wheels.has('40:40'), false);
});

test('invalid heartbeat values throw naming the option', () => {
  const make = (hb) => new WebSocket.WebSocketServer({ noServer: true, heartbeat: hb });
  assert.throws(() => make(5), { name: 'TypeError', message: /"heartbeat" option/ });
  assert.throws(() => make({ interval: 'x', timeout: 1 }), { name: 'TypeError', message: /heartbeat\.interval/ });
  assert.throws(() => make({ interval: 1, timeout: -1 }), { name: 'RangeError', message: /heartbeat\.timeout/ });
  assert.throws(() => new WebSocket('ws://127.0.0.1:1', { heartbeat: { interval: 0, timeout: 1 } }), RangeError);
  assert.doesNotThrow(() => make(undefined));
});
