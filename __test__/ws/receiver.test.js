'use strict';

/**
 * ws's `Receiver` (a Writable of frames), modelled on ws's test/receiver.test.js: the same
 * events, binary types, limits and errors, fed hex frames.
 */

const { describe, it } = require('node:test');
const assert = require('node:assert');
const { Receiver } = require('../..');
const WsReceiver = require('ws').Receiver;
const { frame } = require('../helpers/frames');

const hex = (s) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/**
 * Feeds `chunks` to a receiver and collects its events until it concludes, errors or
 * runs out of input.
 *
 * @param {Function} Impl The Receiver class
 * @param {Object} options Constructor options
 * @param {Buffer[]} chunks Input
 * @return {Promise<Array>} Events
 */
async function collect(Impl, options, chunks) {
  const r = new Impl(options);
  const events = [];
  r.on('message', (data, isBinary) => {
    const shape = Array.isArray(data) ? 'fragments' : data instanceof ArrayBuffer ? 'arraybuffer' : typeof Blob !== 'undefined' && data instanceof Blob ? 'blob' : 'buffer';
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : shape === 'blob' ? null : data;
    events.push(['message', shape, isBinary, bytes ? bytes.toString('hex') : data.size]);
  });
  r.on('ping', (d) => events.push(['ping', d.toString('hex')]));
  r.on('pong', (d) => events.push(['pong', d.toString('hex')]));
  r.on('conclude', (code, reason) => events.push(['conclude', code, reason.toString()]));
  r.on('error', (e) => events.push(['error', e.code, e.constructor.name, e.message]));
  for (const c of chunks) {
    await new Promise((resolve) => r.write(c, resolve));
  }
  await new Promise((resolve) => setImmediate(resolve));
  return events;
}

const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

const cases = [
  ['a masked text frame', { isServer: true }, [frame(0x81, Buffer.from('Hello'), key)]],
  ['an unmasked text frame from a server', {}, [frame(0x81, Buffer.from('Hello'))]],
  ['a 300-byte binary frame', {}, [frame(0x82, Buffer.alloc(300, 5))]],
  ['a 70000-byte frame split in three', {}, (() => {
    const f = frame(0x82, Buffer.alloc(70000, 6));
    return [f.subarray(0, 5), f.subarray(5, 40000), f.subarray(40000)];
  })()],
  ['fragments with a ping in between', {}, [
    frame(0x01, Buffer.from('Hel')), frame(0x89, Buffer.from('p')), frame(0x80, Buffer.from('lo'))
  ]],
  ['a pong and a close', {}, [frame(0x8a, Buffer.from('x')), hex('880503e8 627965')]],
  ['an empty close', {}, [hex('8800')]],
  ['binaryType arraybuffer', { binaryType: 'arraybuffer' }, [frame(0x82, Buffer.from([1, 2]))]],
  ['binaryType fragments', { binaryType: 'fragments' }, [frame(0x02, Buffer.from([1])), frame(0x80, Buffer.from([2]))]],
  ['an unmasked frame to a server', { isServer: true }, [frame(0x81, Buffer.from('x'))]],
  ['a masked frame to a client', {}, [frame(0x81, Buffer.from('x'), key)]],
  ['RSV1 without deflate', {}, [hex('c100')]],
  ['RSV2', {}, [hex('a100')]],
  ['a reserved opcode', {}, [hex('8300')]],
  ['a fragmented ping', {}, [hex('0900')]],
  ['a 126-byte ping', {}, [frame(0x89, Buffer.alloc(126))]],
  ['a continuation without a message', {}, [hex('8000')]],
  ['invalid UTF-8 text', {}, [hex('8102c328')]],
  ['invalid UTF-8 with skipUTF8Validation', { skipUTF8Validation: true }, [hex('8102c328')]],
  ['a bad close code', {}, [hex('880203ed')]],
  ['a 1-byte close payload', {}, [hex('880103')]],
  ['a message over maxPayload', { maxPayload: 4 }, [frame(0x82, Buffer.alloc(5))]],
  ['fragments over maxPayload', { maxPayload: 4 }, [frame(0x02, Buffer.alloc(3)), frame(0x80, Buffer.alloc(3))]],
  ['too many fragments', { maxFragments: 2 }, [frame(0x02, Buffer.alloc(1)), frame(0x00, Buffer.alloc(1)), frame(0x80, Buffer.alloc(1))]],
  ['a 64-bit length over 2^53 - 1', {}, [hex('827f ffffffffffffffff')]]
];

describe('Receiver (same events as ws 8.23)', () => {
  for (const [name, options, chunks] of cases) {
    it(name, async () => {
      const ours = await collect(Receiver, options, chunks.map((c) => Buffer.from(c)));
      const theirs = await collect(WsReceiver, options, chunks.map((c) => Buffer.from(c)));
      assert.deepStrictEqual(ours, theirs);
      assert.ok(ours.length > 0);
    });
  }

  it('binaryType blob', { skip: typeof Blob === 'undefined' }, async () => {
    const r = new Receiver({ binaryType: 'blob' });
    const got = new Promise((resolve) => r.on('message', resolve));
    r.write(frame(0x82, Buffer.from([9, 8, 7])));
    const blob = await got;
    assert.ok(blob instanceof Blob);
    assert.deepStrictEqual(Buffer.from(await blob.arrayBuffer()), Buffer.from([9, 8, 7]));
  });

  it('allowSynchronousEvents: false delivers one message per turn', async () => {
    /** What `Impl` has emitted after the write, then after each of three event-loop turns. */
    async function turns(Impl) {
      const r = new Impl({ allowSynchronousEvents: false });
      const seen = [];
      r.on('message', (d) => seen.push(d.toString()));
      r.write(Buffer.concat([frame(0x81, Buffer.from('a')), frame(0x81, Buffer.from('b'))]));
      const out = [seen.slice()];
      // Each setImmediate here is queued behind the receiver's own for that turn.
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        out.push(seen.slice());
      }
      return out;
    }
    const ours = await turns(Receiver);
    assert.deepStrictEqual(ours, [[], ['a'], ['a', 'b'], ['a', 'b']]);
    assert.deepStrictEqual(ours, await turns(WsReceiver));
  });
});
