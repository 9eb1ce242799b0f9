'use strict';

/**
 * Resource limits a hostile peer runs into (README "Options and limits"): the server-side handshake
 * timeout (half a request, no request at all), a flood of 10,000 idle TCP connections, a peer
 * that never reads (maxBackpressure) and a peer that pings as fast as it can while reading.
 * Everything runs on 127.0.0.1, bounded in count and time.
 */

const assert = require('assert');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const { describe, it } = require('node:test');
const { once } = require('events');

const WebSocket = require('../..');
const { WebSocketServer } = WebSocket;
const { closeAfterAll } = require('../helpers/cleanup');

/** Starts a server on a free port (closed with its clients after the file's tests). */
async function listen(options = {}) {
  const wss = closeAfterAll(new WebSocketServer({ host: '127.0.0.1', port: 0, ...options }));
  await once(wss, 'listening');
  return wss;
}

/** Connects a raw TCP socket, writes `text`, resolves to `{ response, ms }` when it closes. */
function rawUntilClosed(port, text) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => text && socket.write(text));
    let response = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (response += d));
    socket.on('close', () => resolve({ response, ms: Date.now() - started }));
    socket.on('error', reject);
    setTimeout(() => socket.destroy(), 15000).unref();
  });
}

describe('resource limits', () => {
  it('handshakeTimeout: half an upgrade request is answered 408 and closed', async () => {
    const wss = await listen({ handshakeTimeout: 300 });
    const { response, ms } = await rawUntilClosed(
      wss.address().port,
      'GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n'
    );
    assert.match(response, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.ok(ms >= 250 && ms < 10000, `closed after ${ms} ms`);
    wss.close();
  });

  it('handshakeTimeout: a connection that never sends a byte is closed too', async () => {
    const wss = await listen({ handshakeTimeout: 300 });
    const { ms } = await rawUntilClosed(wss.address().port, '');
    assert.ok(ms >= 250 && ms < 10000, `closed after ${ms} ms`);
    wss.close();
  });

  it('handshakeTimeout: defaults to 10 s, 0 turns it off, a bad value means the default', async () => {
    const wss = await listen();
    assert.strictEqual(wss._server.headersTimeout, 10000);
    assert.strictEqual(wss._server.requestTimeout, 10000);
    wss.close();
    const off = await listen({ handshakeTimeout: 0 });
    assert.strictEqual(off._server.headersTimeout, 0);
    assert.strictEqual(off._server.requestTimeout, 0);
    off.close();
    // ws has no server-side handshakeTimeout, so no value throws: a bad one means the default.
    const bad = await listen({ handshakeTimeout: -1 });
    assert.strictEqual(bad._server.headersTimeout, 10000);
    bad.close();
  });

  it('a handshake that completes in time is not cut by handshakeTimeout', async () => {
    const wss = await listen({ handshakeTimeout: 300 });
    wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
    const ws = closeAfterAll(new WebSocket(`ws://127.0.0.1:${wss.address().port}`));
    await once(ws, 'open');
    await new Promise((r) => setTimeout(r, 800)); // well past the timeout: still open
    ws.send('still here');
    const [data] = await once(ws, 'message');
    assert.strictEqual(String(data), 'still here');
    ws.close();
    await once(ws, 'close');
    wss.close();
  });

  it('a flood of 10,000 idle TCP connections is dropped after handshakeTimeout while clients are served', async (t) => {
    // The server runs in its own process (file descriptors and RSS measured apart).
    const script = `
      const { WebSocketServer } = require(${JSON.stringify(path.join(__dirname, '..', '..'))});
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handshakeTimeout: 2000, backlog: 2048 });
      wss.on('connection', (ws) => ws.on('message', (d) => ws.send(d)));
      wss.on('listening', () => console.log(JSON.stringify({ port: wss.address().port })));
      setInterval(() => console.log(JSON.stringify({ rss: process.memoryUsage().rss })), 200);
      setTimeout(() => process.exit(0), 60000);
    `;
    const server = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let port;
    let baseline = 0;
    let peak = 0;
    const ready = new Promise((resolve) => {
      let buffered = '';
      server.stdout.on('data', (chunk) => {
        buffered += chunk;
        let nl;
        while ((nl = buffered.indexOf('\n')) !== -1) {
          const msg = JSON.parse(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
          if (msg.port) port = msg.port;
          if (msg.rss) {
            if (!baseline) baseline = msg.rss;
            peak = Math.max(peak, msg.rss);
          }
          if (port && baseline) resolve();
        }
      });
    });
    try {
      await ready;
      const COUNT = 10000;
      const sockets = [];
      let closed = 0;
      let errors = 0;
      for (let batch = 0; batch < COUNT; batch += 500) {
        const opened = [];
        for (let i = 0; i < 500; i++) {
          const socket = net.connect(port, '127.0.0.1');
          socket.on('close', () => closed++);
          socket.on('error', () => errors++);
          socket.resume();
          sockets.push(socket);
          opened.push(once(socket, 'connect').catch(() => {}));
        }
        await Promise.all(opened);
      }

      // A real client is served while the idle connections are held.
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      await once(ws, 'open');
      ws.send('served');
      const [data] = await once(ws, 'message');
      assert.strictEqual(String(data), 'served');

      const deadline = Date.now() + 30000;
      while (closed < COUNT && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.strictEqual(closed, COUNT, `${closed} of ${COUNT} idle connections closed (${errors} errors)`);
      assert.strictEqual(ws.readyState, WebSocket.OPEN, 'the upgraded client is not dropped');
      ws.close();
      await once(ws, 'close');
      const growth = (peak - baseline) / 1024 / 1024;
      // 10,000 idle sockets cost Node a few KiB each; bounded, not per-byte-sent.
      t.diagnostic(`10,000 idle connections: server RSS +${growth.toFixed(1)} MiB at the peak`);
      assert.ok(growth < 256, `server RSS grew ${growth.toFixed(1)} MiB`);
    } finally {
      server.kill();
    }
  });

  it('a peer that pings as fast as it can is terminated after maxPendingAutoPongs; one that waits is served', async () => {
    const wss = await listen(); // maxPendingAutoPongs: 60 (ws 8.23)
    const url = `ws://127.0.0.1:${wss.address().port}`;

    // Flood: 50,000 pings in one burst, far more than 60 pongs can be flushed in between.
    const flooder = closeAfterAll(new WebSocket(url));
    await once(flooder, 'open');
    let pongs = 0;
    flooder.on('pong', () => pongs++);
    for (let i = 0; i < 50000; i++) flooder.ping('x');
    const [code] = await once(flooder, 'close');
    assert.strictEqual(code, 1006);
    assert.ok(pongs <= 50000);

    // Polite: 2,000 pings, at most 30 in flight, every pong arrives.
    const polite = closeAfterAll(new WebSocket(url));
    await once(polite, 'open');
    let received = 0;
    let sent = 0;
    await new Promise((resolve) => {
      const sendSome = () => {
        while (sent < 2000 && sent - received < 30) {
          polite.ping(String(sent));
          sent++;
        }
      };
      polite.on('pong', () => {
        received++;
        if (received === 2000) resolve();
        else sendSome();
      });
      sendSome();
    });
    assert.strictEqual(polite.readyState, WebSocket.OPEN);
    polite.close();
    await once(polite, 'close');
    wss.close();
  });
});
