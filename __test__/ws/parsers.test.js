'use strict';

/**
 * extension.parse / format and subprotocol.parse, differentially against ws@8.23.0's own
 * parsers: the same result, or the same error class and message, for a corpus of headers
 * and for random strings over the header alphabet.
 */

const assert = require('assert');
const crypto = require('crypto');
const { describe, it } = require('node:test');

const ours = require('../..');
const theirsExtension = require('ws').extension;
const theirsSubprotocol = require('ws').subprotocol;

/** Runs fn and returns either ['ok', value] or ['error', class name, message]. */
function outcome(fn, input) {
  try {
    const value = fn(input);
    return ['ok', value instanceof Set ? [...value] : JSON.parse(JSON.stringify(value))];
  } catch (err) {
    return ['error', err.constructor.name, err.message];
  }
}

const EXTENSION_CORPUS = [
  'foo',
  'foo, bar',
  'foo; bar',
  'foo; bar=1',
  'foo; bar="hi"',
  'foo; bar="h\\i"',
  'foo; bar="\\"',
  'permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate',
  'foo ;bar = baz',
  ' foo',
  'foo,',
  ',foo',
  'foo;',
  'foo; bar=',
  'foo; bar="',
  'foo; bar="baz',
  'foo; bar=baz "',
  'foo bar',
  'foo\t;\tbar',
  '__proto__; constructor; hasOwnProperty=1',
  'toString, valueOf; __proto__=x',
  'foo; bar="1"; bar=2',
  'a;b="c d"',
  'a;b="c\\"d"',
  'a;b=c;d="e"',
  ''
];

const SUBPROTOCOL_CORPUS = ['a', 'a,b', 'a, b', 'a ,b', ' a', 'a,', ',a', 'a,a', 'a b', 'a,\tb', 'chat.v1, chat.v2', '', 'a;b'];

function randomHeader(alphabet, length) {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[crypto.randomInt(alphabet.length)];
  return s;
}

describe('extension (vs ws@8.23.0)', () => {
  it('parses the corpus exactly like ws', () => {
    for (const header of EXTENSION_CORPUS) {
      assert.deepStrictEqual(outcome(ours.extension.parse, header), outcome(theirsExtension.parse, header), header);
    }
  });

  it('parses random headers exactly like ws', () => {
    const alphabet = ['a', 'b', '_', '-', ' ', '\t', ';', ',', '=', '"', '\\', '1', '(', '\u00e9'];
    for (let i = 0; i < 5000; i++) {
      const header = randomHeader(alphabet, crypto.randomInt(1, 16));
      assert.deepStrictEqual(outcome(ours.extension.parse, header), outcome(theirsExtension.parse, header), JSON.stringify(header));
    }
  });

  it('formats like ws', () => {
    const cases = [
      { foo: {} },
      { foo: [{}, {}] },
      { 'permessage-deflate': [{ client_max_window_bits: true, server_max_window_bits: 10 }] },
      { foo: { bar: [1, true, 'x'] }, baz: [{ qux: true }] }
    ];
    for (const c of cases) assert.strictEqual(ours.extension.format(c), theirsExtension.format(c));
  });

  it('builds null-prototype objects', () => {
    const parsed = ours.extension.parse('__proto__; constructor=1');
    assert.strictEqual(Object.getPrototypeOf(parsed), null);
    assert.deepStrictEqual(parsed.__proto__[0].constructor, ['1']);
  });
});

describe('subprotocol (vs ws@8.23.0)', () => {
  it('parses the corpus exactly like ws', () => {
    for (const header of SUBPROTOCOL_CORPUS) {
      assert.deepStrictEqual(outcome(ours.subprotocol.parse, header), outcome(theirsSubprotocol.parse, header), header);
    }
  });

  it('parses random headers exactly like ws', () => {
    const alphabet = ['a', 'b', '.', ' ', '\t', ',', ';', '"', '1'];
    for (let i = 0; i < 5000; i++) {
      const header = randomHeader(alphabet, crypto.randomInt(1, 12));
      assert.deepStrictEqual(outcome(ours.subprotocol.parse, header), outcome(theirsSubprotocol.parse, header), JSON.stringify(header));
    }
  });
});
