'use strict';

/**
 * Core micro-benchmarks: the fixed cost of one native call (receive push, send frame) and
 * the decode cost per message for 32 B, 1 KiB and 64 KiB masked binary frames arriving many
 * per chunk — oxws's receiver (one native call per chunk) vs ws's Receiver (ws loads
 * bufferutil when installed). Each run re-copies the masked input from a pristine copy, for
 * both implementations, because both unmask in place.
 *
 *   node benches/js/micro.js [--quick]
 *
 * Writes bench-results/micro.json and prints markdown tables.
 */

const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const quick = process.argv.includes('--quick');
const native = require(path.join(root, 'lib', 'native'));
const { FrameReceiver } = require(path.join(root, 'lib', 'core', 'receiver'));
const OxReceiver = require(path.join(root, 'lib', 'ws', 'receiver'));
const WsReceiver = require('ws').Receiver;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** ns per iteration of fn, time-bounded. */
function time(fn) {
  let n = 64;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns > (quick ? 3e6 : 2e7)) return ns / n;
    n *= 2;
  }
}

/** Masked binary frame. */
function frame(size) {
  const key = Buffer.from([1, 2, 3, 4]);
  const head =
    size < 126
      ? Buffer.from([0x82, 0x80 | size])
      : size < 65536
        ? Buffer.from([0x82, 0xfe, size >> 8, size & 255])
        : Buffer.concat([Buffer.from([0x82, 0xff]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(size)); return b; })()]);
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i++) body[i] = (i & 0xff) ^ key[i & 3];
  return Buffer.concat([head, key, body]);
}

function main() {
  const rounds = quick ? 3 : 7;
  const out = { perCall: {}, decode: {} };

  // Fixed costs.
  const events = new Int32Array(4 + 4 * 64);
  const recv = new native.Receiver(2, 0, 0, 0);
  const empty = Buffer.from([0x82, 0x00]);
  const slab = Buffer.alloc(1024);
  const nothing = Buffer.alloc(0);
  const noop = () => 0;
  const samples = { push: [], frameInto: [], jsCall: [] };
  for (let r = 0; r < rounds; r++) {
    samples.push.push(time(() => native.receiverPush(recv, empty, 0, events)));
    samples.frameInto.push(time(() => native.frameInto(slab, 0, nothing, 0x12, 0)));
    samples.jsCall.push(time(() => noop(empty, 0)));
  }
  for (const k of Object.keys(samples)) out.perCall[k] = median(samples[k]);

  // Decode per message.
  for (const size of [32, 1024, 65536]) {
    const one = frame(size);
    const count = Math.max(1, Math.floor(65536 / one.length));
    const pristine = Buffer.concat(Array.from({ length: count }, () => one));
    const chunk = Buffer.alloc(pristine.length);
    let got = 0;
    const handler = { onMessage() { got++; } };
    const ox = new FrameReceiver(handler, { isServer: true, maxPayload: 0 });
    const oxws = new OxReceiver({ isServer: true });
    oxws.on('message', () => got++);
    const ws = new WsReceiver({ isServer: true });
    ws.on('message', () => got++);
    const impls = {
      'oxws core': () => { pristine.copy(chunk); ox.write(chunk); },
      'oxws ws.Receiver': () => { pristine.copy(chunk); oxws.write(chunk); },
      'ws Receiver': () => { pristine.copy(chunk); ws.write(chunk); },
      'copy only': () => { pristine.copy(chunk); }
    };
    const res = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
    const keys = Object.keys(impls);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < keys.length; i++) {
        const k = keys[(i + r) % keys.length];
        res[k].push(time(impls[k]));
      }
    }
    const copy = median(res['copy only']);
    out.decode[size] = { framesPerChunk: count };
    for (const k of keys.filter((k) => k !== 'copy only')) {
      out.decode[size][k] = (median(res[k]) - copy) / count;
    }
    if (got === 0) throw new Error('no messages decoded');
  }

  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench-results', 'micro.json'), JSON.stringify(out, null, 2));

  console.log('**Fixed cost per native call** (ns)\n');
  console.log('| call | ns |\n| --- | ---: |');
  console.log(`| receiverPush of a 2-byte frame (decode + 1 event) | ${out.perCall.push.toFixed(1)} |`);
  console.log(`| frameInto of an empty payload | ${out.perCall.frameInto.toFixed(1)} |`);
  console.log(`| an empty JS function call, for scale | ${out.perCall.jsCall.toFixed(1)} |`);
  console.log('\n**Decode cost per message**, masked binary frames packed into ~64 KiB chunks (ns per message; lower is better)\n');
  console.log('| frame | per chunk | oxws core | oxws ws.Receiver | ws Receiver (+bufferutil) | ws / oxws ws.Receiver |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [size, r] of Object.entries(out.decode)) {
    console.log(
      `| ${size} B | ${r.framesPerChunk} | ${r['oxws core'].toFixed(1)} | ${r['oxws ws.Receiver'].toFixed(1)} | ` +
        `${r['ws Receiver'].toFixed(1)} | ${(r['ws Receiver'] / r['oxws ws.Receiver']).toFixed(2)}x |`
    );
  }
}

main();
