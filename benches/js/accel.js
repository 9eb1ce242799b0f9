'use strict';

/**
 * Accelerator micro-benchmark: mask / unmask vs bufferutil (native) and ws's JS loop, and
 * isValidUTF8 vs utf-8-validate (native) and Node's buffer.isUtf8, at sizes from 16 B to
 * 16 MiB. Rounds interleave the implementations; the median ns/op per size is reported,
 * with ratios (>1 means oxws is faster).
 *
 *   node benches/js/accel.js [--quick]
 *
 * Writes bench-results/accel.json and prints markdown tables.
 */

const fs = require('fs');
const path = require('path');
const { isUtf8 } = require('buffer');

const root = path.join(__dirname, '..', '..');
const quick = process.argv.includes('--quick');
const ours = require(path.join(root, 'bufferutil.js'));
const ourUtf8 = require(path.join(root, 'utf-8-validate.js'));
const bufferutil = require('bufferutil');
const utf8Validate = require('utf-8-validate');
const jsLoop = require('bufferutil/fallback');

const SIZES = [16, 24, 32, 48, 64, 125, 1024, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024];
const ROUNDS = quick ? 3 : 7;

/**
 * A fresh copy of the timing loop for one implementation, so that each call site in the
 * benchmark sees one callee (as ws's own `bufferUtil.mask(...)` call site does) rather than
 * one shared, megamorphic site whose cost depends on the order the implementations ran in.
 */
function makeTimer() {
  return new Function(
    'fn',
    'size',
    'budgetNs',
    `let iterations = Math.max(1, Math.floor(2e6 / (size + 64)));
    for (;;) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) fn();
      const ns = Number(process.hrtime.bigint() - t0);
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
  const results = { mask: {}, unmask: {}, utf8: {} };

  for (const size of SIZES) {
    if (quick && size > 1024 * 1024) continue;
    const src = Buffer.alloc(size, 0x61);
    const out = Buffer.alloc(size);
    const buf = Buffer.alloc(size, 0x61);
    results.mask[size] = bench('mask', {
      oxws: () => ours.mask(src, mask, out, 0, size),
      bufferutil: () => bufferutil.mask(src, mask, out, 0, size),
      'ws JS loop': () => jsLoop.mask(src, mask, out, 0, size)
    }, size);
    results.unmask[size] = bench('unmask', {
      oxws: () => ours.unmask(buf, mask),
      bufferutil: () => bufferutil.unmask(buf, mask),
      'ws JS loop': () => jsLoop.unmask(buf, mask)
    }, size);
    const text = Buffer.from('é'.repeat(size >> 1).padEnd(size, 'a')).subarray(0, size);
    results.utf8[size] = bench('utf8', {
      oxws: () => ourUtf8(text),
      'utf-8-validate': () => utf8Validate(text),
      'buffer.isUtf8': () => isUtf8(text)
    }, size);
  }

  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench-results', 'accel.json'), JSON.stringify(results, null, 2));

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
  console.log(table('mask', results.mask, ['bufferutil', 'ws JS loop']));
  console.log();
  console.log(table('unmask', results.unmask, ['bufferutil', 'ws JS loop']));
  console.log();
  console.log(table('isValidUTF8', results.utf8, ['utf-8-validate', 'buffer.isUtf8']));
}

main();
