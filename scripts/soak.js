#!/usr/bin/env node
'use strict';

/**
 * Soak test: `npm run soak -- --minutes N [--connections 1000] [--seed S]`.
 *
 * Forks an oxws echo server (scripts/soak-server.js) and drives it from this process with
 * oxws clients on 127.0.0.1: `--connections` sockets (default 1,000), half of them offering
 * permessage-deflate, each sending a stream of messages of 0 B to 1 MiB (log-uniform sizes, so
 * every length encoding is hit; text with multi-byte characters and binary), up to
 * `IN_FLIGHT` at a time. Every echo is checked against what was sent, in order (type, length,
 * content). Connections close at random (a clean close or `terminate()`) and reconnect.
 *
 * Every `SAMPLE_SECONDS` the server runs a full GC and reports its RSS; after the run the slope
 * of RSS over time (least squares, after the warm-up third) is printed. The run fails on any
 * corrupted, reordered or lost message, any unexpected error, or RSS that keeps growing: the
 * last third's mean above 1.25x the second third's plus 32 MiB. Bounded: it stops by itself
 * after N minutes plus a drain of at most 30 s. Exit code 0 = pass.
 */

const { fork } = require('child_process');
const path = require('path');
const WebSocket = require(path.join(__dirname, '..'));

/** Messages each connection keeps in flight. */
const IN_FLIGHT = 2;
/** Largest message: 1 MiB. */
const MAX_SIZE = 1024 * 1024;
/** Chance a connection closes after an echo (then reconnects). */
const CLOSE_CHANCE = 1 / 150;
/** Seconds between server memory samples. */
const SAMPLE_SECONDS = 5;

function parseArgs(argv) {
  const opts = { minutes: 1, connections: 1000, seed: Date.now() % 2147483647 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in opts)) {
      console.error('usage: node scripts/soak.js [--minutes N] [--connections C] [--seed S]');
      process.exit(2);
    }
    opts[key] = Number(argv[++i]);
  }
  return opts;
}

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed with `--seed`. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const opts = parseArgs(process.argv.slice(2));
const random = prng(opts.seed);

// Message bodies are windows into two pools: random bytes (binary) and words with multi-byte
// characters (text, compressible).
const binaryPool = Buffer.alloc(2 * MAX_SIZE);
for (let i = 0; i < binaryPool.length; i++) binaryPool[i] = (random() * 256) | 0;
// BMP characters only: a window may start or end anywhere without splitting a surrogate pair.
const words = ['soak', 'héllo', 'wörld', '€uro', '日本語', 'frame', 'ñ', 'deflate', 'x'];
let textPool = '';
while (textPool.length < 2 * MAX_SIZE) textPool += words[(random() * words.length) | 0] + ' ';

const stats = {
  sent: 0,
  echoed: 0,
  bytes: 0,
  opened: 0,
  closedClean: 0,
  terminated: 0,
  failures: [],
  samples: []
};

function fail(message) {
  if (stats.failures.length < 20) stats.failures.push(message);
}

/** A message size: log-uniform over 0 B .. 1 MiB. */
function nextSize() {
  return Math.min(MAX_SIZE, Math.floor(2 ** (random() * 20.0001)) - 1);
}

/** One client slot: keeps a connection open, sends, checks echoes, closes and reconnects. */
class Slot {
  constructor(id, url) {
    this.id = id;
    this.url = url;
    this.deflate = id % 2 === 0;
    this.ws = null;
    this.expected = [];
    this.stopping = false;
  }

  connect() {
    if (this.stopping) return;
    const ws = new WebSocket(this.url, { perMessageDeflate: this.deflate });
    this.ws = ws;
    this.expected = [];
    ws.on('open', () => {
      stats.opened++;
      if (this.deflate && !ws.extensions.includes('permessage-deflate')) {
        fail(`slot ${this.id}: permessage-deflate was not negotiated`);
      }
      for (let i = 0; i < IN_FLIGHT; i++) this.sendOne();
    });
    ws.on('message', (data, isBinary) => this.onEcho(data, isBinary));
    ws.on('error', (err) => fail(`slot ${this.id}: error ${err.code || ''} ${err.message}`));
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      if (this.expected.length > 0 && !this.closing && !this.stopping) {
        fail(`slot ${this.id}: closed (${code}) with ${this.expected.length} echoes missing`);
      }
      this.closing = false;
      this.ws = null;
      if (!this.stopping) setTimeout(() => this.connect(), (random() * 50) | 0);
    });
  }

  sendOne() {
    const ws = this.ws;
    if (this.stopping || !ws || ws.readyState !== WebSocket.OPEN) return;
    const size = nextSize();
    const offset = (random() * MAX_SIZE) | 0;
    const isBinary = random() < 0.5;
    if (isBinary) {
      ws.send(binaryPool.subarray(offset, offset + size), { binary: true });
    } else {
      ws.send(textPool.slice(offset, offset + size));
    }
    this.expected.push({ isBinary, offset, size });
    stats.sent++;
  }

  onEcho(data, isBinary) {
    const want = this.expected.shift();
    if (!want) return fail(`slot ${this.id}: an echo nobody sent`);
    const ok =
      want.isBinary === isBinary &&
      (isBinary
        ? data.equals(binaryPool.subarray(want.offset, want.offset + want.size))
        : data.toString() === textPool.slice(want.offset, want.offset + want.size));
    if (!ok) {
      fail(`slot ${this.id}: echo ${stats.echoed} differs (${want.size} B, binary ${want.isBinary})`);
    }
    stats.echoed++;
    stats.bytes += data.length;

    if (!this.wantsClose && random() < CLOSE_CHANCE) this.wantsClose = true;
    if (!this.wantsClose) return this.sendOne();
    if (this.expected.length > 0) return; // close once the echoes in flight are back
    this.wantsClose = false;
    this.closing = true;
    if (random() < 0.2) {
      stats.terminated++;
      this.ws.terminate();
    } else {
      stats.closedClean++;
      this.ws.close(random() < 0.5 ? 1000 : 4000, 'soak');
    }
  }

  stop() {
    this.stopping = true;
    if (this.ws) this.ws.terminate();
  }
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const MiB = 1024 * 1024;

async function main() {
  console.log(
    `soak: ${opts.connections} connections, ${opts.minutes} min, seed ${opts.seed} ` +
      `(replay with --seed ${opts.seed})`
  );
  const server = fork(path.join(__dirname, 'soak-server.js'), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  });
  const replies = [];
  server.on('message', (msg) => {
    if (msg.serverError) fail(`server: ${msg.serverError}`);
    else replies.push(msg);
  });
  const nextReply = () =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (replies.length) {
          clearInterval(poll);
          resolve(replies.shift());
        } else if (Date.now() - started > 30000) {
          clearInterval(poll);
          reject(new Error('the soak server did not answer within 30 s'));
        }
      }, 20);
    });

  const { port } = await nextReply();
  const url = `ws://127.0.0.1:${port}/`;
  const slots = [];
  for (let i = 0; i < opts.connections; i++) {
    const slot = new Slot(i, url);
    slots.push(slot);
    slot.connect();
    if (i % 100 === 99) await new Promise((r) => setTimeout(r, 20));
  }

  const started = Date.now();
  const end = started + opts.minutes * 60000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(SAMPLE_SECONDS * 1000, end - Date.now())));
    server.send({ cmd: 'memory' });
    const m = await nextReply();
    const t = (Date.now() - started) / 60000;
    stats.samples.push({ x: t, y: m.rss / MiB, clients: m.clients });
    console.log(
      `  ${(t * 60).toFixed(0).padStart(4)} s  server RSS ${(m.rss / MiB).toFixed(1)} MiB, ` +
        `heap ${(m.heapUsed / MiB).toFixed(1)} MiB, external ${(m.external / MiB).toFixed(1)} MiB, ` +
        `${m.clients} clients; ` +
        `${stats.echoed} echoes, ${(stats.bytes / MiB).toFixed(0)} MiB, ` +
        `${stats.opened} opens, ${stats.failures.length} failures`
    );
  }

  // Drain: stop sending, let in-flight echoes arrive (at most 30 s), then stop.
  for (const slot of slots) slot.stopping = true;
  const drainUntil = Date.now() + 30000;
  while (Date.now() < drainUntil && slots.some((s) => s.ws && s.expected.length > 0)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const missing = slots.reduce((n, s) => n + (s.ws ? s.expected.length : 0), 0);
  if (missing > 0) fail(`${missing} echoes still missing after the drain`);
  for (const slot of slots) slot.stop();
  server.send({ cmd: 'stop' });
  await new Promise((r) => {
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      r();
    }, 10000);
    server.on('exit', () => {
      clearTimeout(timer);
      r();
    });
  });

  const samples = stats.samples;
  const third = Math.max(1, Math.floor(samples.length / 3));
  const steady = samples.slice(third);
  const middle = mean(samples.slice(third, 2 * third).map((p) => p.y));
  const last = mean(samples.slice(2 * third).map((p) => p.y));
  const rate = slope(steady);
  const growing = samples.length >= 3 && last > middle * 1.25 + 32;
  if (growing) fail(`server RSS keeps growing: ${middle.toFixed(1)} → ${last.toFixed(1)} MiB`);

  const minutes = (Date.now() - started) / 60000;
  console.log(
    `soak: ${stats.echoed} echoes of ${stats.sent} sent (${(stats.bytes / MiB).toFixed(0)} MiB) ` +
      `in ${minutes.toFixed(1)} min, ${stats.opened} connections opened, ` +
      `${stats.closedClean} clean closes, ${stats.terminated} terminations`
  );
  console.log(
    `soak: server RSS after GC ${samples.length ? samples[0].y.toFixed(1) : '?'} → ` +
      `${samples.length ? samples[samples.length - 1].y.toFixed(1) : '?'} MiB, ` +
      `slope after warm-up ${rate.toFixed(2)} MiB/min (middle third ${middle.toFixed(1)}, last ${last.toFixed(1)})`
  );
  if (stats.failures.length) {
    console.log(`soak: FAILED\n  ${stats.failures.join('\n  ')}`);
    process.exit(1);
  }
  console.log('soak: passed');
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
