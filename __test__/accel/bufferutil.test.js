'use strict';

const assert = require('assert');
const crypto = require('crypto');
const { describe, it } = require('node:test');

const fallback = require('bufferutil/fallback');
const ours = require('oxws/bufferutil');
const main = require('../..');
const native = require('../../lib/native');

const MASK = Buffer.from([0x6d, 0xb6, 0xb2, 0x80]);
/** The addon's functions take the key as a big-endian uint32. */
const KEY = MASK.readUInt32BE(0);
const nativeImpl = {
  mask: (source, mask, output, offset, length) => native.mask(source, mask.readUInt32BE(0), output, offset, length)
};

/**
 * Runs mask() of `impl` into a fresh output with guard bytes around the written range.
 */
function maskWith(impl, source, mask, offset, length) {
  const output = Buffer.alloc(offset + length + 8, 0xaa);
  impl.mask(source, mask, output, offset, length);
  return output;
}

describe('bufferutil drop-in', () => {
  it('has the bufferutil module shape', () => {
    assert.deepStrictEqual(Object.keys(ours).sort(), ['mask', 'unmask']);
    assert.strictEqual(main.mask, ours.mask);
    assert.strictEqual(main.unmask, ours.unmask);
  });

  it('mask() matches bufferutil\'s fallback for every length 0..300 and odd offsets', () => {
    const source = crypto.randomBytes(300);
    for (let length = 0; length <= 300; length++) {
      for (const offset of [0, 1, 3, 7]) {
        const expected = maskWith(fallback, source, MASK, offset, length);
        assert.ok(maskWith(ours, source, MASK, offset, length).equals(expected), `len ${length} off ${offset}`);
        assert.ok(maskWith(nativeImpl, source, MASK, offset, length).equals(expected), `native len ${length}`);
      }
    }
  });

  it('unmask() matches bufferutil\'s fallback for every length 0..300 and misaligned views', () => {
    const backing = crypto.randomBytes(320);
    for (let length = 0; length <= 300; length++) {
      for (const start of [0, 1, 5]) {
        const a = Buffer.from(backing.subarray(start, start + length));
        const b = Buffer.from(a);
        const view = Buffer.from(backing).subarray(start, start + length);
        fallback.unmask(a, MASK);
        ours.unmask(b, MASK);
        native.unmask(view, KEY);
        assert.ok(a.equals(b), `len ${length}`);
        assert.ok(a.equals(view), `native view len ${length}`);
      }
    }
  });

  it('handles large sizes (64 KiB, 1 MiB, 16 MiB) and masking twice is the identity', () => {
    for (const size of [64 * 1024, 1024 * 1024, 16 * 1024 * 1024]) {
      const data = crypto.randomBytes(size);
      const key = crypto.randomBytes(4);
      const expected = Buffer.alloc(size);
      fallback.mask(data, key, expected, 0, size);
      const out = Buffer.alloc(size);
      ours.mask(data, key, out, 0, size);
      assert.ok(out.equals(expected), `mask ${size}`);
      ours.unmask(out, key);
      assert.ok(out.equals(data), `unmask ${size}`);
    }
  });

  it('masks in place when source and output are the same buffer', () => {
    const data = crypto.randomBytes(1000);
    const copy = Buffer.from(data);
    ours.mask(data, MASK, data, 0, data.length);
    fallback.unmask(data, MASK);
    assert.ok(data.equals(copy));
  });

  it('masks correctly when source and output overlap at an offset, and when the key is in the data', () => {
    const data = crypto.randomBytes(1000);
    const copy = Buffer.from(data);
    native.mask(data, KEY, data, 3, 990); // output starts 3 bytes into the source
    const expected = Buffer.from(copy);
    for (let i = 0; i < 990; i++) expected[3 + i] = copy[i] ^ MASK[i & 3];
    assert.ok(data.equals(expected));

    const withKey = crypto.randomBytes(200);
    const before = Buffer.from(withKey);
    ours.unmask(withKey, withKey); // the key is the buffer's own first 4 bytes, read first
    for (let i = 0; i < 200; i++) assert.strictEqual(withKey[i], before[i] ^ before[i & 3]);
  });

  it('throws on out-of-range arguments instead of writing out of bounds', () => {
    const out = Buffer.alloc(100);
    assert.throws(() => native.mask(Buffer.alloc(100), KEY, out, 50, 100), /out of range/);
    assert.throws(() => native.mask(Buffer.alloc(10), KEY, out, 0, 100), /out of range/);
    assert.throws(() => native.mask(Buffer.alloc(100), MASK, out, 0, 100), /bad arguments/);
    assert.throws(() => native.unmask(Buffer.alloc(100), MASK), /bad arguments/);
    assert.throws(() => native.unmask('not a buffer', KEY), /bad arguments/);
    assert.throws(() => ours.unmask(Buffer.alloc(100), Buffer.alloc(2)), /at least 4 bytes/);
    assert.throws(() => ours.mask(Buffer.alloc(100), Buffer.alloc(3), out, 0, 100), /at least 4 bytes/);
    assert.throws(() => ours.mask(Buffer.alloc(100), undefined, out, 0, 100), TypeError);
  });
});

describe("bufferutil drop-in with Node's http.websocketMask / websocketUnmask", () => {
  /**
   * Runs in a child: counts every call of `http.websocketMask` / `websocketUnmask` (Node's
   * own where this Node has them, else stand-ins with their signature, installed before
   * oxws/bufferutil first looks), masks and unmasks every length 0..300 and 64 KiB with a
   * 4-byte key and a longer one, and reports which lengths reached Node's functions and
   * whether every result matched bufferutil's fallback.
   */
  const script = `
    const http = require('http');
    const fallback = require('bufferutil/fallback');
    const real = { mask: http.websocketMask, unmask: http.websocketUnmask };
    const calls = { mask: [], unmask: [] };
    http.websocketMask = function (source, key, output, offset, length) {
      if (key.byteLength !== 4) throw new Error('Node takes 4-byte keys only');
      calls.mask.push(length);
      if (real.mask) return real.mask(source, key, output, offset, length);
      for (let i = 0; i < length; i++) output[offset + i] = source[i] ^ key[i & 3];
    };
    http.websocketUnmask = function (buffer, key) {
      if (key.byteLength !== 4) throw new Error('Node takes 4-byte keys only');
      calls.unmask.push(buffer.length);
      if (real.unmask) return real.unmask(buffer, key);
      for (let i = 0; i < buffer.length; i++) buffer[i] ^= key[i & 3];
    };
    const ours = require(${JSON.stringify(require.resolve('oxws/bufferutil'))});
    const data = require('crypto').randomBytes(65536);
    const key = Buffer.from([0x6d, 0xb6, 0xb2, 0x80]);
    const longKey = Buffer.from([0x6d, 0xb6, 0xb2, 0x80, 1, 2]);
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 65536];
    const byKey = {};
    let allMatch = true;
    for (const [name, k] of [['four', key], ['long', longKey]]) {
      const before = { mask: calls.mask.length, unmask: calls.unmask.length };
      for (const length of lengths) {
        const a = Buffer.alloc(length + 2, 0xaa);
        const b = Buffer.alloc(length + 2, 0xaa);
        ours.mask(data, k, a, 1, length);
        fallback.mask(data, k, b, 1, length);
        const c = Buffer.from(data.subarray(0, length));
        const d = Buffer.from(c);
        ours.unmask(c, k);
        fallback.unmask(d, k);
        if (!a.equals(b) || !c.equals(d)) allMatch = false;
      }
      byKey[name] = { mask: calls.mask.slice(before.mask), unmask: calls.unmask.slice(before.unmask) };
    }
    process.stdout.write(JSON.stringify({ real: typeof real.mask === 'function', byKey, allMatch }));
  `;

  it("calls them from NODE_MASK_MIN / NODE_UNMASK_MIN up with a 4-byte key, never with a longer key", () => {
    const { NODE_MASK_MIN, NODE_UNMASK_MIN } = require('../../lib/accel/thresholds');
    const out = require('child_process').execFileSync(process.execPath, ['-e', script], {
      cwd: __dirname,
      encoding: 'utf8'
    });
    const result = JSON.parse(out);
    assert.strictEqual(result.real, typeof require('http').websocketMask === 'function');
    assert.strictEqual(result.allMatch, true, 'every result matches the fallback');
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 65536];
    assert.deepStrictEqual(result.byKey.four.mask, lengths.filter((n) => n >= NODE_MASK_MIN));
    assert.deepStrictEqual(result.byKey.four.unmask, lengths.filter((n) => n >= NODE_UNMASK_MIN));
    assert.deepStrictEqual(result.byKey.long, { mask: [], unmask: [] });
  });
});
