'use strict';

/**
 * Pooled and reused buffers never leak bytes between messages: Node's Buffer pool and freed
 * slab-sized memory are filled with a marker byte that no message contains, then thousands of
 * messages of mixed sizes (around the merge and slab thresholds, both length encodings) cross
 * oxws connections in both directions — normal and nativeIO servers, with and without
 * permessage-deflate. Every message must arrive exactly as sent and never carry the marker.
 */

const assert = require('assert');
const { describe, it } = require('node:test');
const { once } = require('events');

const WebSocket = require('../..');
const { WebSocketServer } = WebSocket;
const { closeAfterAll } = require('../helpers/cleanup');

const MARKER = 0xee;

/** Fills pool-sized and slab-sized allocations with the marker, then lets them go. */
function poisonPools() {
  const keep = [];
  for (let i = 0; i < 256; i++) keep.push(Buffer.allocUnsafe(4096).fill(MARKER));
  for (let i = 0; i < 64; i++) keep.push(Buffer.allocUnsafeSlow(64 * 1024).fill(MARKER));
  keep.length = 0;
  if (global.gc) global.gc();
}

/** Message sizes around the thresholds: merge (1 KiB), 126/65536 length encodings, slab/4. */
const SIZES = [0, 1, 2, 13, 14, 124, 125, 126, 127, 1000, 1023, 1024, 1025, 4000, 16370, 16371, 16384, 65535, 65536, 70000];

/** A message of `size` bytes that never contains the marker. */
function message(size, seed) {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = 0x20 + ((seed * 31 + i * 7) % 90);
  return buf;
}

async function exchange({ nativeIO, deflate }) {
  const wss = closeAfterAll(new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    nativeIO,
    perMessageDeflate: deflate ? { threshold: 0 } : false
  }));
  await once(wss, 'listening');
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  const ws = closeAfterAll(new WebSocket(`ws://127.0.0.1:${wss.address().port}`, { perMessageDeflate: deflate }));
  await once(ws, 'open');

  const sent = [];
  for (let round = 0; round < 60; round++) {
    for (const size of SIZES) sent.push([message(size, round * 100 + size), (round + size) % 2 === 0]);
  }
  let failures = 0;
  let next = 0;
  const done = new Promise((resolve) => {
    ws.on('message', (data, isBinary) => {
      const [want, binary] = sent[next++];
      if (isBinary !== binary || !data.equals(want) || data.includes(MARKER)) failures++;
      if (next === sent.length) resolve();
    });
  });
  for (let i = 0; i < sent.length; i++) {
    if (i % 200 === 0) poisonPools();
    const [data, binary] = sent[i];
    ws.send(binary ? data : data.toString('latin1'), { binary });
  }
  await done;
  ws.close();
  await once(ws, 'close');
  wss.close();
  return { failures, count: sent.length };
}

describe('pooled buffers', () => {
  for (const nativeIO of [false, true]) {
    for (const deflate of [false, true]) {
      it(`never carry bytes between messages (nativeIO ${nativeIO}, deflate ${deflate})`, async () => {
        const { failures, count } = await exchange({ nativeIO, deflate });
        assert.strictEqual(count, 60 * SIZES.length);
        assert.strictEqual(failures, 0);
      });
    }
  }
});
