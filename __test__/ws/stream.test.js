'use strict';

/**
 * `createWebSocketStream` (ws's lib/stream.js), modelled on ws's
 * test/create-websocket-stream.test.js: a Duplex over a WebSocket, with the same behaviour
 * as ws 8.23 for data, backpressure (pipeline of 8 MiB), half-close and errors.
 */

const { it } = require('node:test');
const assert = require('node:assert');
const { pipeline, Readable } = require('stream');
const crypto = require('crypto');

async function echoServer(lib) {
  const wss = new lib.WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.on('listening', resolve));
  wss.on('connection', (ws) => {
    const duplex = lib.createWebSocketStream(ws);
    duplex.on('error', () => {});
    duplex.pipe(duplex);
  });
  return wss;
}

for (const [name, lib] of [
  ['oxws', require('../..')],
  ['ws 8.23 (reference)', require('ws')]
]) {
  it(`${name}: 8 MiB through a stream pipeline comes back intact`, async (t) => {
    const wss = await echoServer(lib);
    t.after(() => wss.close());
    const ws = new lib(`ws://127.0.0.1:${wss.address().port}`);
    const duplex = lib.createWebSocketStream(ws, { objectMode: true });
    assert.strictEqual(duplex.readableObjectMode, false, 'objectMode is forced off');
    const data = crypto.randomBytes(8 << 20);
    const received = [];
    let total = 0;
    const done = new Promise((resolve) =>
      duplex.on('data', (chunk) => {
        received.push(chunk);
        total += chunk.length;
        if (total >= data.length) resolve();
      })
    );
    await new Promise((resolve, reject) =>
      pipeline(
        Readable.from(
          (function* () {
            for (let i = 0; i < data.length; i += 65536) yield data.subarray(i, i + 65536);
          })()
        ),
        duplex,
        (err) => (err ? reject(err) : resolve())
      )
    );
    await done;
    assert.ok(Buffer.concat(received).equals(data));
    ws.terminate();
  });

  it(`${name}: the peer closing ends the readable side (half-close); errors are forwarded`, async (t) => {
    const wss = new lib.WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.on('listening', resolve));
    t.after(() => wss.close());
    wss.on('connection', (ws) => {
      ws.send('last words');
      ws.close(1000);
    });
    const ws = new lib(`ws://127.0.0.1:${wss.address().port}`);
    const duplex = lib.createWebSocketStream(ws, { encoding: 'utf8' });
    const chunks = [];
    duplex.on('data', (c) => chunks.push(c));
    await new Promise((resolve) => duplex.on('end', resolve));
    assert.deepStrictEqual(chunks, ['last words']);
    // As in ws, the writable side stays open until ended (half-close).
    assert.strictEqual(duplex.writable, true);
    duplex.end();

    const bad = new lib('ws://127.0.0.1:1');
    const errored = lib.createWebSocketStream(bad);
    const err = await new Promise((resolve) => errored.on('error', resolve));
    assert.strictEqual(err.code, 'ECONNREFUSED');
  });
}
