'use strict';

const assert = require('assert');
const crypto = require('crypto');
const { describe, it } = require('node:test');

const { FrameReceiver } = require('../../lib/core/receiver');
const { frame, recorder } = require('../helpers/frames');

const KEY = Buffer.from('37fa213d', 'hex');

function decode(chunks, options = {}) {
  const handler = recorder();
  const receiver = new FrameReceiver(handler, options);
  for (const chunk of chunks) {
    if (!receiver.write(Buffer.from(chunk))) break;
  }
  return handler.events;
}

function hex(h) {
  return Buffer.from(h.replace(/\s+/g, ''), 'hex');
}

/** Every kind of frame a client sends, masked. */
function sampleStream() {
  const big = crypto.randomBytes(70000);
  return Buffer.concat([
    frame(0x81, Buffer.from('héllo wörld'), KEY),
    frame(0x82, big.subarray(0, 300), KEY),
    frame(0x01, Buffer.from('κόσ'), KEY),
    frame(0x89, Buffer.from('ping!'), KEY),
    frame(0x80, Buffer.from('με'), KEY),
    frame(0x8a, Buffer.alloc(0), KEY),
    frame(0x82, big, KEY),
    frame(0x02, big.subarray(0, 126), KEY),
    frame(0x80, big.subarray(0, 70), KEY),
    frame(0x88, Buffer.from('03e8627965', 'hex'), KEY)
  ]);
}

describe('FrameReceiver', () => {
  describe('frames (RFC 6455 §5.7 and ws receiver.test.js vectors)', () => {
    it('decodes an unmasked text frame (client side)', () => {
      assert.deepStrictEqual(decode([hex('810548656c6c6f')]), [
        ['text', '48656c6c6f', false]
      ]);
    });

    it('decodes a masked text frame (server side)', () => {
      assert.deepStrictEqual(decode([hex('818537fa213d7f9f4d5158')], { isServer: true }), [
        ['text', '48656c6c6f', false]
      ]);
    });

    it('decodes a fragmented message with a ping in between', () => {
      assert.deepStrictEqual(decode([hex('010348656c 890548656c6c6f 80026c6f')]), [
        ['ping', '48656c6c6f'],
        ['text', '48656c6c6f', false]
      ]);
    });

    it('decodes 16-bit and 64-bit lengths', () => {
      const payload = crypto.randomBytes(65536);
      assert.deepStrictEqual(decode([frame(0x82, payload.subarray(0, 256))]), [
        ['binary', payload.subarray(0, 256).toString('hex'), false]
      ]);
      assert.deepStrictEqual(decode([frame(0x82, payload, KEY)], { isServer: true }), [
        ['binary', payload.toString('hex'), false]
      ]);
    });

    it('decodes close frames and ignores what follows', () => {
      assert.deepStrictEqual(decode([hex('8800')]), [['close', 1005, '']]);
      assert.deepStrictEqual(decode([hex('880503e8616263 810548656c6c6f')]), [
        ['close', 1000, '616263']
      ]);
    });

    it('unmasks payloads in place as views of the chunk', () => {
      const chunk = hex('818537fa213d7f9f4d5158');
      let seen;
      const receiver = new FrameReceiver(
        { onMessage(data) { seen = data; } },
        { isServer: true }
      );
      receiver.write(chunk);
      assert.strictEqual(seen.buffer, chunk.buffer);
      assert.strictEqual(seen.toString(), 'Hello');
    });

    it('decodes more frames than fit one native call', () => {
      const chunk = Buffer.concat(Array.from({ length: 1000 }, (_, i) => frame(0x82, Buffer.from([i & 255]))));
      const events = decode([chunk]);
      assert.strictEqual(events.length, 1000);
      assert.deepStrictEqual(events[999], ['binary', 'e7', false]);
    });
  });

  describe('split feeds', () => {
    it('gives the same events for a cut at every byte boundary', () => {
      const input = sampleStream();
      const whole = decode([input], { isServer: true });
      assert.strictEqual(whole.length, 8);
      // Every boundary in the first 600 bytes and around the 64-bit frame; all would be slow.
      const cuts = [];
      for (let i = 0; i <= 600; i++) cuts.push(i);
      for (let i = input.length - 300; i <= input.length; i++) cuts.push(i);
      for (const cut of cuts) {
        const split = decode([input.subarray(0, cut), input.subarray(cut)], { isServer: true });
        assert.deepStrictEqual(split, whole, `cut at ${cut}`);
      }
    });

    it('gives the same events fed one byte at a time', () => {
      const input = sampleStream().subarray(0, 700);
      const whole = decode([input], { isServer: true });
      const bytes = [];
      for (let i = 0; i < input.length; i++) bytes.push(input.subarray(i, i + 1));
      assert.deepStrictEqual(decode(bytes, { isServer: true }), whole);
    });
  });

  describe('protocol errors (code, close status, class, message as ws)', () => {
    const cases = [
      ['a200', 'WS_ERR_UNEXPECTED_RSV_2_3', 1002, 'RangeError', 'Invalid WebSocket frame: RSV2 and RSV3 must be clear'],
      ['c200', 'WS_ERR_UNEXPECTED_RSV_1', 1002, 'RangeError', 'Invalid WebSocket frame: RSV1 must be clear'],
      ['8000', 'WS_ERR_INVALID_OPCODE', 1002, 'RangeError', 'Invalid WebSocket frame: invalid opcode 0'],
      ['8300', 'WS_ERR_INVALID_OPCODE', 1002, 'RangeError', 'Invalid WebSocket frame: invalid opcode 3'],
      ['0100 8100', 'WS_ERR_INVALID_OPCODE', 1002, 'RangeError', 'Invalid WebSocket frame: invalid opcode 1'],
      ['0900', 'WS_ERR_EXPECTED_FIN', 1002, 'RangeError', 'Invalid WebSocket frame: FIN must be set'],
      ['897e007e', 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 1002, 'RangeError', 'Invalid WebSocket frame: invalid payload length 126'],
      ['880100', 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 1002, 'RangeError', 'Invalid WebSocket frame: invalid payload length 1'],
      ['8880', 'WS_ERR_UNEXPECTED_MASK', 1002, 'RangeError', 'Invalid WebSocket frame: MASK must be clear'],
      ['827f0020000000000000', 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 1009, 'RangeError', 'Unsupported WebSocket frame: payload length > 2^53 - 1'],
      ['8101ff', 'WS_ERR_INVALID_UTF8', 1007, 'Error', 'Invalid WebSocket frame: invalid UTF-8 sequence'],
      ['880203ed', 'WS_ERR_INVALID_CLOSE_CODE', 1002, 'RangeError', 'Invalid WebSocket frame: invalid status code 1005'],
      ['880303e8ff', 'WS_ERR_INVALID_UTF8', 1007, 'Error', 'Invalid WebSocket frame: invalid UTF-8 sequence']
    ];

    for (const [h, code, status, ctor, message] of cases) {
      it(`${h} → ${code}`, () => {
        assert.deepStrictEqual(decode([hex(h)]), [['error', code, status, ctor, message]]);
        // Same error whatever the split.
        const bytes = hex(h);
        for (let cut = 0; cut <= bytes.length; cut++) {
          const split = decode([bytes.subarray(0, cut), bytes.subarray(cut)]);
          assert.deepStrictEqual(split, [['error', code, status, ctor, message]], `cut ${cut}`);
        }
      });
    }

    it('MASK must be set on the server side', () => {
      assert.deepStrictEqual(decode([hex('810548656c6c6f')], { isServer: true }), [
        ['error', 'WS_ERR_EXPECTED_MASK', 1002, 'RangeError', 'Invalid WebSocket frame: MASK must be set']
      ]);
    });

    it('maxPayload → WS_ERR_UNSUPPORTED_MESSAGE_LENGTH (1009), summed over fragments', () => {
      assert.deepStrictEqual(decode([hex('0203010203 8002')], { maxPayload: 4 }), [
        ['error', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 1009, 'RangeError', 'Max payload size exceeded']
      ]);
      assert.deepStrictEqual(decode([hex('8204 01020304')], { maxPayload: 4 }), [
        ['binary', '01020304', false]
      ]);
    });

    it('maxFragments → WS_ERR_TOO_MANY_BUFFERED_PARTS (1008)', () => {
      assert.deepStrictEqual(decode([hex('0100 0000 0000 8000')], { maxFragments: 3 }), [
        ['error', 'WS_ERR_TOO_MANY_BUFFERED_PARTS', 1008, 'RangeError', 'Too many message fragments']
      ]);
    });

    it('maxBufferedChunks → WS_ERR_TOO_MANY_BUFFERED_PARTS (1008)', () => {
      const input = frame(0x82, Buffer.alloc(100));
      const bytes = [];
      for (let i = 0; i < input.length; i++) bytes.push(input.subarray(i, i + 1));
      assert.deepStrictEqual(decode(bytes, { maxBufferedChunks: 10 }), [
        ['error', 'WS_ERR_TOO_MANY_BUFFERED_PARTS', 1008, 'RangeError', 'Too many buffered chunks']
      ]);
    });

    it('RSV1 is accepted once compression is on, and reported', () => {
      assert.deepStrictEqual(decode([hex('c10548656c6c6f')], { compression: true }), [
        ['text', '48656c6c6f', true]
      ]);
    });

    it('skipUTF8Validation lets invalid text through', () => {
      assert.deepStrictEqual(decode([hex('8101ff')], { skipUTF8Validation: true }), [
        ['text', 'ff', false]
      ]);
    });

    it('a 1 MiB message in 1-byte fragments holds memory bounded by bytes', () => {
      const n = 1024 * 1024;
      const parts = [];
      for (let i = 0; i < n; i++) {
        const b0 = i === 0 ? 0x02 : i === n - 1 ? 0x80 : 0x00;
        parts.push(Buffer.from([b0, 0x80 | 1, 1, 2, 3, 4, (i & 0xff) ^ 1 ^ 0]));
      }
      // Fix up the masked byte: payload byte i & 0xff masked with key[0] = 1.
      for (let i = 0; i < n; i++) parts[i][6] = (i & 0xff) ^ 1;
      const input = Buffer.concat(parts);
      let got;
      const receiver = new FrameReceiver(
        {
          onMessage(data) { got = data; },
          onError(err) { throw err; }
        },
        { isServer: true, maxFragments: 0 }
      );
      for (let at = 0; at < input.length; at += 65536) {
        receiver.write(input.subarray(at, at + 65536));
        assert.ok(receiver.bufferedBytes <= n + 14);
      }
      assert.strictEqual(got.length, n);
      assert.strictEqual(got[300], 300 & 0xff);
    });
  });

  describe('held messages (split across chunks, fragmented)', () => {
    it('arrive whole at every size around the copy threshold, and stay intact when kept', () => {
      const sizes = [0, 1, 125, 4095, 4096, 4097, 70000];
      const payloads = sizes.map((size, i) => Buffer.alloc(size, 0x30 + i));
      const kept = [];
      const handler = { ...recorder(), onMessage: (data) => kept.push(data) };
      const receiver = new FrameReceiver(handler, { isServer: true });
      for (const payload of payloads) {
        // Cut inside the payload: the message is held by the receiver, then collected.
        const bytes = frame(0x82, payload, KEY);
        const cut = Math.max(7, bytes.length >> 1);
        receiver.write(bytes.subarray(0, cut));
        receiver.write(bytes.subarray(cut));
      }
      // A fragmented message is held too.
      receiver.write(Buffer.concat([frame(0x02, payloads[3], KEY), frame(0x80, payloads[2], KEY)]));
      assert.strictEqual(kept.length, sizes.length + 1);
      for (let i = 0; i < sizes.length; i++) assert.ok(kept[i].equals(payloads[i]), `size ${sizes[i]}`);
      assert.ok(kept[sizes.length].equals(Buffer.concat([payloads[3], payloads[2]])));
    });

    it('never carry bytes of the pool they are copied into', () => {
      const marked = [];
      for (let i = 0; i < 64; i++) marked.push(Buffer.allocUnsafe(100).fill(0xee));
      marked.length = 0;
      const kept = [];
      const handler = { ...recorder(), onMessage: (data) => kept.push(data) };
      const receiver = new FrameReceiver(handler, { isServer: true });
      for (let size = 1; size <= 2048; size = size * 2 + 1) {
        const bytes = frame(0x82, Buffer.alloc(size, 0x11), KEY);
        receiver.write(bytes.subarray(0, 8));
        receiver.write(bytes.subarray(8));
        for (let i = 0; i < 8; i++) Buffer.allocUnsafe(64).fill(0xee);
      }
      assert.ok(kept.length > 5);
      for (const data of kept) assert.ok(!data.includes(0xee) && data.every((b) => b === 0x11));
    });
  });

  describe('nested decoding (event arrays are shared by depth)', () => {
    it('a handler that makes other receivers decode does not disturb its own events', () => {
      // Each message of the outer chunk feeds a chunk of 40 messages (more than one native
      // call's 32 events) to an inner receiver, which feeds one more level: the outer and
      // middle dispatch loops must still deliver all of their own messages, in order.
      const many = (tag, n) =>
        Buffer.concat(Array.from({ length: n }, (_, i) => frame(0x82, Buffer.from(`${tag}${i}`))));
      // A recorder that, after recording each message, makes `next` decode `chunk`.
      const feeding = (next, chunk) => {
        const handler = recorder();
        const record = handler.onMessage;
        handler.onMessage = function (...args) {
          record.apply(this, args);
          next.write(chunk);
        };
        return handler;
      };
      const innermost = recorder();
      const middle = feeding(new FrameReceiver(innermost), many('z', 3));
      const outer = feeding(new FrameReceiver(middle), many('y', 40));
      const receiver = new FrameReceiver(outer);
      assert.strictEqual(receiver.write(many('x', 70)), true);

      const names = (events) => events.map((e) => Buffer.from(e[1], 'hex').toString());
      assert.deepStrictEqual(names(outer.events), Array.from({ length: 70 }, (_, i) => `x${i}`));
      assert.strictEqual(middle.events.length, 70 * 40);
      assert.deepStrictEqual(
        names(middle.events.slice(0, 40)),
        Array.from({ length: 40 }, (_, i) => `y${i}`)
      );
      assert.strictEqual(innermost.events.length, 70 * 40 * 3);
    });

    it('a throwing handler leaves the rest for the next write, then other receivers decode', () => {
      const events = [];
      let thrown = false;
      const receiver = new FrameReceiver({
        onMessage(data) {
          events.push(data.toString());
          if (!thrown && data.toString() === 'a1') {
            thrown = true;
            throw new Error('listener');
          }
        }
      });
      const other = new FrameReceiver(recorder());
      const chunk = Buffer.concat(['a0', 'a1', 'a2', 'a3'].map((t) => frame(0x81, Buffer.from(t))));
      assert.throws(() => receiver.write(chunk), /listener/);
      // Another receiver decodes (with the shared array) before the backlog is delivered.
      other.write(Buffer.concat(Array.from({ length: 40 }, () => frame(0x81, Buffer.from('zz')))));
      receiver.write(frame(0x81, Buffer.from('a4')));
      assert.deepStrictEqual(events, ['a0', 'a1', 'a2', 'a3', 'a4']);
    });
  });
});
