'use strict';

const assert = require('assert');
const crypto = require('crypto');
const { describe, it } = require('node:test');

const native = require('../../lib/native');
const { GUID } = require('../../lib/constants');

describe('handshake', () => {
  it('computes Sec-WebSocket-Accept (RFC 6455 §1.3 vector)', () => {
    assert.strictEqual(native.acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('agrees with crypto on random keys', () => {
    for (let i = 0; i < 100; i++) {
      const key = crypto.randomBytes(16).toString('base64');
      const expected = crypto.createHash('sha1').update(key + GUID).digest('base64');
      assert.strictEqual(native.acceptKey(key), expected);
    }
  });

  it('generates valid, distinct client keys', () => {
    const keys = new Set();
    for (let i = 0; i < 100; i++) {
      const key = native.generateKey();
      assert.match(key, /^[+/0-9A-Za-z]{22}==$/);
      assert.ok(native.isValidKey(key));
      keys.add(key);
    }
    assert.strictEqual(keys.size, 100);
    assert.ok(!native.isValidKey('not a key'));
  });
});
