'use strict';

/**
 * ws's `Sender`, modelled on ws's test/sender.test.js: `Sender.frame()` and a Sender on a
 * socket produce the bytes ws 8.23 produces (masks made deterministic with
 * `generateMask`), with ws's argument errors.
 */

const { describe, it } = require('node:test');
const assert = require('node:assert');
const { Sender, PerMessageDeflate } = require('../..');
const WsSender = require('ws').Sender;

/** A socket stand-in that records what is written. */
function fakeSocket() {
  const chunks = [];
  return {
    chunks,
    destroyed: false,
    cork() {},
    uncork() {},
    write(chunk, cb) {
      chunks.push(Buffer.from(chunk));
      if (cb) process.nextTick(cb);
      return true;
    },
    bytes() {
      return Buffer.concat(chunks).toString('hex');
    }
  };
}

const fixedMask = (mask) => {
  mask[0] = 1;
  mask[1] = 2;
  mask[2] = 3;
  mask[3] = 4;
};

const frameCases = [
  ['empty text', '', { opcode: 1, fin: true }],
  ['short text', 'hello', { opcode: 1, fin: true }],
  ['126 bytes', Buffer.alloc(126, 1), { opcode: 2, fin: true }],
  ['65535 bytes', Buffer.alloc(65535, 2), { opcode: 2, fin: true }],
  ['65536 bytes', Buffer.alloc(65536, 3), { opcode: 2, fin: true }],
  ['a non-final fragment', Buffer.from('ab'), { opcode: 1, fin: false }],
  ['RSV1', Buffer.from('ab'), { opcode: 1, fin: true, rsv1: true }],
  ['masked', Buffer.from('masked payload'), { opcode: 1, fin: true, mask: true }],
  ['masked 2000 bytes', Buffer.alloc(2000, 9), { opcode: 2, fin: true, mask: true }]
];

describe('Sender.frame (same bytes as ws 8.23)', () => {
  for (const [name, data, options] of frameCases) {
    it(name, () => {
      const opts = () => ({ ...options, readOnly: true, generateMask: fixedMask, maskBuffer: Buffer.alloc(4) });
      const ours = Buffer.concat(Sender.frame(data, opts()));
      const theirs = Buffer.concat(WsSender.frame(data, opts()));
      assert.strictEqual(ours.toString('hex'), theirs.toString('hex'));
    });
  }

  it('never modifies the caller’s buffer when masking', () => {
    const data = Buffer.from('do not touch');
    Sender.frame(data, { opcode: 2, fin: true, mask: true, generateMask: fixedMask, maskBuffer: Buffer.alloc(4) });
    assert.strictEqual(data.toString(), 'do not touch');
  });
});

describe('Sender on a socket (same bytes as ws 8.23)', () => {
  const scripts = {
    'send text, binary, fragments': (s) => {
      s.send('hello', { binary: false, fin: true, mask: false });
      s.send(Buffer.from([1, 2, 3]), { binary: true, fin: true, mask: false });
      s.send('frag', { binary: false, fin: false, mask: false });
      s.send('ment', { binary: false, fin: true, mask: false });
    },
    'masked client frames': (s) => {
      s.send('client', { binary: false, fin: true, mask: true });
      s.ping(Buffer.from('p'), true);
      s.pong('q', true);
    },
    'ping, pong, close with and without reason': (s) => {
      s.ping('', false);
      s.pong(Buffer.from('pong'), false);
      s.close(1000, 'bye', false);
    },
    'close without code': (s) => s.close(undefined, undefined, false),
    'typed arrays and ArrayBuffers': (s) => {
      s.send(new Uint16Array([1, 2]), { binary: true, fin: true, mask: false });
      s.send(new Uint8Array([5, 6, 7]).buffer, { binary: true, fin: true, mask: false });
      s.send(new DataView(new ArrayBuffer(2)), { binary: true, fin: true, mask: false });
    }
  };
  for (const [name, script] of Object.entries(scripts)) {
    it(name, () => {
      const ours = fakeSocket();
      const theirs = fakeSocket();
      script(new Sender(ours, {}, fixedMask));
      script(new WsSender(theirs, {}, fixedMask));
      assert.strictEqual(ours.bytes(), theirs.bytes());
    });
  }

  it('argument errors match ws', () => {
    const ours = new Sender(fakeSocket(), {});
    const theirs = new WsSender(fakeSocket(), {});
    const calls = [
      (s) => s.ping(Buffer.alloc(126), false),
      (s) => s.pong(Buffer.alloc(126), false),
      (s) => s.close(1000, 'x'.repeat(124), false),
      (s) => s.close('nope', undefined, false),
      (s) => s.close(1000, 42, false)
    ];
    for (const call of calls) {
      let a;
      let b;
      try {
        call(ours);
      } catch (e) {
        a = [e.constructor.name, e.message];
      }
      try {
        call(theirs);
      } catch (e) {
        b = [e.constructor.name, e.message];
      }
      assert.deepStrictEqual(a, b, String(call));
    }
  });

  it('compressed messages inflate back, one frame per message (permessage-deflate)', () => {
    const socket = fakeSocket();
    const pmd = new PerMessageDeflate({ isServer: true });
    pmd.accept([{}]);
    const sender = new Sender(socket, { 'permessage-deflate': pmd });
    sender.send('compress me '.repeat(50), { binary: false, compress: true, fin: true, mask: false });
    const frame = Buffer.concat(socket.chunks);
    assert.strictEqual(frame[0], 0xc1);
    const payload = frame.subarray(frame[1] === 126 ? 4 : 2);
    const inflated = require('zlib').inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]), {
      finishFlush: require('zlib').constants.Z_SYNC_FLUSH
    });
    assert.strictEqual(inflated.toString(), 'compress me '.repeat(50));
  });
});
