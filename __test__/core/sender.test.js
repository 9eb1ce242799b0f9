'use strict';

const assert = require('assert');
const crypto = require('crypto');
const { describe, it } = require('node:test');

const sender = require('../../lib/core/sender');
const { FrameReceiver } = require('../../lib/core/receiver');
const { recorder } = require('../helpers/frames');

const hexOf = (bufs) => Buffer.concat(bufs).toString('hex');

describe('sender.frame', () => {
  it('frames RFC 6455 §5.7 examples', () => {
    assert.strictEqual(hexOf(sender.frame(Buffer.from('Hello'), sender.OPCODE_TEXT)), '810548656c6c6f');
    assert.strictEqual(
      hexOf(sender.frame(Buffer.from('Hello'), sender.OPCODE_TEXT, { mask: true, maskKey: 0x37fa213d })),
      '818537fa213d7f9f4d5158'
    );
    assert.strictEqual(
      hexOf(sender.frame(Buffer.from('Hel'), sender.OPCODE_TEXT, { fin: false })),
      '010348656c'
    );
    assert.strictEqual(hexOf(sender.frame(Buffer.from('Hello'), sender.OPCODE_PING)), '890548656c6c6f');
    assert.strictEqual(hexOf(sender.frame(Buffer.alloc(0), sender.OPCODE_PONG)), '8a00');
    assert.strictEqual(
      hexOf(sender.frame(Buffer.from('x'), sender.OPCODE_BINARY, { rsv1: true })),
      'c20178'
    );
  });

  it('writes 16- and 64-bit lengths', () => {
    const [h1] = sender.frame(Buffer.alloc(256), sender.OPCODE_BINARY, { mask: true });
    assert.strictEqual(h1.subarray(0, 4).toString('hex'), '82fe0100');
    const parts = sender.frame(Buffer.alloc(65536), sender.OPCODE_BINARY);
    assert.strictEqual(parts.length, 2);
    assert.strictEqual(parts[0].toString('hex'), '827f0000000000010000');
  });

  it('never masks the caller\'s buffer in place', () => {
    const data = crypto.randomBytes(5000);
    const copy = Buffer.from(data);
    sender.frame(data, sender.OPCODE_BINARY, { mask: true });
    sender.frame(data.subarray(0, 10), sender.OPCODE_BINARY, { mask: true });
    assert.ok(data.equals(copy));
  });

  it('uses random masks by default', () => {
    const a = sender.frame(Buffer.from('abcd'), sender.OPCODE_BINARY, { mask: true })[0];
    const b = sender.frame(Buffer.from('abcd'), sender.OPCODE_BINARY, { mask: true })[0];
    assert.notStrictEqual(a.subarray(2, 6).toString('hex'), b.subarray(2, 6).toString('hex'));
  });

  it('keeps earlier merged frames intact while the slab is reused', () => {
    const frames = [];
    for (let i = 0; i < 5000; i++) {
      frames.push([i, sender.frame(Buffer.from(`message ${i}`), sender.OPCODE_TEXT)[0]]);
    }
    for (const [i, f] of frames) {
      assert.strictEqual(f.subarray(2).toString(), `message ${i}`);
    }
  });

  it('round-trips through the receiver at many sizes, masked and not', () => {
    for (const size of [0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 125, 126, 127, 1023, 1024, 1025, 65535, 65536, 200000]) {
      for (const mask of [false, true]) {
        const data = crypto.randomBytes(size);
        const handler = recorder();
        const receiver = new FrameReceiver(handler, { isServer: mask });
        receiver.write(Buffer.concat(sender.frame(data, sender.OPCODE_BINARY, { mask })));
        assert.deepStrictEqual(handler.events, [['binary', data.toString('hex'), false]], `size ${size} mask ${mask}`);
      }
    }
  });

  it('rejects an output buffer that overlaps the data', () => {
    const native = require('../../lib/native');
    const buf = Buffer.alloc(64);
    assert.throws(() => native.frameInto(buf, 0, buf.subarray(20, 30), 0x12, 0), /overlaps/);
    assert.throws(() => native.frameInto(Buffer.alloc(4), 0, Buffer.alloc(10), 0x12, 0), /too small/);
  });
});
