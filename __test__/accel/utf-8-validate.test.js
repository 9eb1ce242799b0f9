'use strict';

const assert = require('assert');
const crypto = require('crypto');
const { isUtf8 } = require('buffer');
const { describe, it } = require('node:test');

const fallback = require('utf-8-validate/fallback');
const isValidUTF8 = require('oxws/utf-8-validate');
const main = require('../..');
const native = require('../../lib/native');

/** Random valid UTF-8 with 1- to 4-byte characters. */
function randomText(chars) {
  const points = [];
  for (let i = 0; i < chars; i++) {
    const kind = crypto.randomInt(4);
    if (kind === 0) points.push(crypto.randomInt(0x20, 0x7f));
    else if (kind === 1) points.push(crypto.randomInt(0x80, 0x800));
    else if (kind === 2) {
      let cp = crypto.randomInt(0x800, 0x10000);
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xe000;
      points.push(cp);
    } else points.push(crypto.randomInt(0x10000, 0x110000));
  }
  return Buffer.from(String.fromCodePoint(...points));
}

/** Invalid sequences of every class. */
const CORRUPTIONS = {
  overlong2: [0xc0, 0xaf],
  overlong3: [0xe0, 0x80, 0xaf],
  overlong4: [0xf0, 0x80, 0x80, 0xaf],
  surrogate: [0xed, 0xa0, 0x80],
  tooLarge: [0xf4, 0x90, 0x80, 0x80],
  badLead: [0xff],
  strayContinuation: [0x80],
  truncated: [0xe2, 0x82]
};

function check(buf) {
  const expected = fallback(buf);
  assert.strictEqual(isUtf8(buf), expected);
  assert.strictEqual(isValidUTF8(buf), expected, `ours: ${buf.toString('hex')}`);
  assert.strictEqual(native.isValidUTF8(buf), expected, `native: ${buf.toString('hex')}`);
  assert.strictEqual(main(buf), expected, 'main export called without new');
  return expected;
}

describe('utf-8-validate drop-in', () => {
  it('is a function, and the main export called without new is the same check', () => {
    assert.strictEqual(typeof isValidUTF8, 'function');
    assert.strictEqual(main.isValidUTF8, isValidUTF8);
    assert.strictEqual(main(Buffer.from('héllo')), true);
    assert.strictEqual(main(new Uint8Array([0xff])), false);
  });

  it('agrees with the fallback on valid text of every length 0..300', () => {
    for (let length = 0; length <= 300; length++) {
      const buf = randomText(length).subarray(0, length);
      check(buf);
      assert.strictEqual(check(randomText(length)), true);
    }
  });

  it('agrees with the fallback on every corruption class at many positions', () => {
    for (const [name, bytes] of Object.entries(CORRUPTIONS)) {
      for (const prefix of [0, 1, 15, 16, 31, 32, 63, 64, 100, 250]) {
        const head = Buffer.alloc(prefix, 0x61);
        const buf = Buffer.concat([head, Buffer.from(bytes), Buffer.from(name === 'truncated' ? '' : 'tail')]);
        assert.strictEqual(check(buf), false, `${name} at ${prefix}`);
      }
    }
  });

  it('handles large inputs', () => {
    const big = Buffer.concat(Array.from({ length: 400 }, () => randomText(1000)));
    assert.strictEqual(check(big), true);
    const bad = Buffer.from(big);
    bad[bad.length >> 1] = 0xff;
    assert.strictEqual(check(bad), false);
  });

  it('accepts ArrayBuffer and Uint8Array inputs', () => {
    const buf = randomText(100);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
    assert.strictEqual(isValidUTF8(ab), true);
    assert.strictEqual(isValidUTF8(new Uint8Array(ab)), true);
    assert.strictEqual(main(ab), true);
  });

  it('checks the bytes of any other view (DataView, Uint16Array), short or long', () => {
    for (const length of [6, 100]) {
      const good = Buffer.from('é'.repeat(length / 2));
      const bad = Buffer.from(good);
      bad[length - 1] = 0xff;
      for (const [bytes, expected] of [[good, true], [bad, false]]) {
        const copy = new Uint8Array(bytes).buffer;
        assert.strictEqual(isValidUTF8(new DataView(copy)), expected, `DataView ${length}`);
        assert.strictEqual(isValidUTF8(new Uint16Array(copy)), expected, `Uint16Array ${length}`);
        assert.strictEqual(isValidUTF8(new Uint8Array(copy, 2)), expected, `offset view ${length}`);
      }
    }
  });

  it('`new` of the main export with bytes does not return a boolean', () => {
    let result;
    try {
      result = new main(Buffer.from('abc'));
    } catch (err) {
      result = err;
    }
    assert.notStrictEqual(typeof result, 'boolean');
  });
});
