'use strict';

/**
 * Accelerator micro-benchmark: mask / unmask vs bufferutil (native), ws's JS loop and, on
 * Node versions that have them (>= 26.12), Node's own `http.websocketMask` /
 * `http.websocketUnmask` (which ws 8.23 prefers to bufferutil there); isValidUTF8 vs
 * utf-8-validate (native) and Node's buffer.isUtf8; at sizes from 16 B to 16 MiB. Rounds
 * interleave the implementations; the median ns/op per size is reported, with ratios
 * (>1 means oxws is faster).
 *
 *   node benches/js/accel.js [--quick] [--only=mask,unmask,utf8] [--sizes=16,1024,...]
 *                            [--cpu-time] [--out=FILE]
 *
 * `--cpu-time` times each round in CPU time (`process.cpuUsage`) instead of wall-clock time,
 * so that time the process spends descheduled on a shared machine is not counted.
 *
 * Writes bench-results/accel.json (or FILE) and prints markdown tables.
 */

const fs = require('fs');
const path = require('path');
const { isUtf8 } = require('buffer');
const { websocketMask, websocketUnmask } = require('http');

const root = path.join(__dirname, '..', '..');
const quick = process.argv.includes('--quick');
const argValue = (name) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : arg.slice(name.length + 3);
};
const only = argValue('only') === undefined ? ['mask', 'unmask', 'utf8'] : argValue('only').split(',');
const outFile = argValue('out') || path.join(root, 'bench-results', 'accel.json');
const cpuTime = process.argv.includes('--cpu-time');
const ours = require(path.join(root, 'bufferutil.js'));
const ourUtf8 = require(path.join(root, 'utf-8-validate.js'));
const bufferutil = require('bufferutil');
const utf8Validate = require('utf-8-validate');
const jsLoop = require('bufferutil/fallback');

const SIZES =
  argValue('sizes') === undefined
    ? [16, 24, 32, 48, 64, 125, 1024, 16 * 1024, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024]
    : argValue('sizes').split(',').map(Number);
/** Node's own masking functions, where this Node has them. */
const NODE_MASK = 'http.websocketMask';
const NODE_UNMASK = 'http.websocketUnmask';
const ROUNDS = quick ? 3 : 7;

/**
 * A fresh copy of the timing loop for one implementation, so that each call site in the
 * benchmark sees one callee (as ws's own `bufferUtil.mask(...)` call site does) rather than
 * one shared, megamorphic site whose cost depends on the order the implementations ran in.
 */
function makeTimer() {
  const start = cpuTime ? 'process.cpuUsage()' : 'process.hrtime.bigint()';
  const elapsed = cpuTime
    ? '((u) => (u.user + u.system) * 1000)(process.cpuUsage(t0))'
    : 'Number(process.hrtime.bigint() - t0)';
  return new Function(
    'fn',
    'size',
    'budgetNs',
    `let iterations = Math.max(1, Math.floor(2e6 / (size + 64)));
    for (;;) {
      const t0 = ${start};
      for (let i = 0; i < iterations; i++) fn();
      const ns = ${elapsed};
      if (ns >= budgetNs || iterations > 5e7) return ns / iterations;
      iterations *= 2;
    }`
  );
}

/** Median ns per call of `fn` over a time-bounded loop. */
function time(timer, fn, size) {
  return timer(fn, size, quick ? 2e6 : 8e6);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bench(name, impls, size) {
  const samples = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
  const keys = Object.keys(impls);
  const timers = Object.fromEntries(keys.map((k) => [k, makeTimer()]));
  for (const k of keys) time(timers[k], impls[k], size); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[(i + r) % keys.length];
      samples[k].push(time(timers[k], impls[k], size));
    }
  }
  return Object.fromEntries(keys.map((k) => [k, median(samples[k])]));
}

function main() {
  const mask = Buffer.from([1, 2, 3, 4]);
  const results = { node: process.version, clock: cpuTime ? 'cpu' : 'wall', mask: {}, unmask: {}, utf8: {} };

  for (const size of SIZES) {
    if (quick && size > 1024 * 1024) continue;
    const src = Buffer.alloc(size, 0x61);
    const out = Buffer.alloc(size);
    const buf = Buffer.alloc(size, 0x61);
    if (only.includes('mask')) {
      const impls = {
        oxws: () => ours.mask(src, mask, out, 0, size),
        bufferutil: () => bufferutil.mask(src, mask, out, 0, size),
        'ws JS loop': () => jsLoop.mask(src, mask, out, 0, size)
      };
      if (websocketMask) impls[NODE_MASK] = () => websocketMask(src, mask, out, 0, size);
      results.mask[size] = bench('mask', impls, size);
    }
    if (only.includes('unmask')) {
      const impls = {
        oxws: () => ours.unmask(buf, mask),
        bufferutil: () => bufferutil.unmask(buf, mask),
        'ws JS loop': () => jsLoop.unmask(buf, mask)
      };
      if (websocketUnmask) impls[NODE_UNMASK] = () => websocketUnmask(buf, mask);
      results.unmask[size] = bench('unmask', impls, size);
    }
    if (only.includes('utf8')) {
      const text = Buffer.from('é'.repeat(size >> 1).padEnd(size, 'a')).subarray(0, size);
      results.utf8[size] = bench('utf8', {
        oxws: () => ourUtf8(text),
        'utf-8-validate': () => utf8Validate(text),
        'buffer.isUtf8': () => isUtf8(text)
      }, size);
    }
  }

  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(results, null, 2));

  const fmtSize = (s) => (s >= 1 << 20 ? `${s >> 20} MiB` : s >= 1024 ? `${s >> 10} KiB` : `${s} B`);
  const table = (title, rows, others) => {
    const lines = [`**${title}** (ns/op; ratio = other / oxws, > 1 means oxws is faster)`, ''];
    lines.push(`| size | oxws | ${others.join(' | ')} | ${others.map((o) => `vs ${o}`).join(' | ')} |`);
    lines.push(`| ---: | ---: | ${others.map(() => '---:').join(' | ')} | ${others.map(() => '---:').join(' | ')} |`);
    for (const [size, r] of Object.entries(rows)) {
      lines.push(
        `| ${fmtSize(Number(size))} | ${r.oxws.toFixed(1)} | ${others.map((o) => r[o].toFixed(1)).join(' | ')} | ` +
          `${others.map((o) => (r[o] / r.oxws).toFixed(2) + 'x').join(' | ')} |`
      );
    }
    return lines.join('\n');
  };
  const maskOthers = ['bufferutil', 'ws JS loop', ...(websocketMask ? [NODE_MASK] : [])];
  const unmaskOthers = ['bufferutil', 'ws JS loop', ...(websocketUnmask ? [NODE_UNMASK] : [])];
  console.log(`Node ${process.version}, ${cpuTime ? 'CPU' : 'wall-clock'} time`);
  const tables = [];
  if (only.includes('mask')) tables.push(table('mask', results.mask, maskOthers));
  if (only.includes('unmask')) tables.push(table('unmask', results.unmask, unmaskOthers));
  if (only.includes('utf8')) tables.push(table('isValidUTF8', results.utf8, ['utf-8-validate', 'buffer.isUtf8']));
  console.log(tables.join('\n\n'));
}

main();
