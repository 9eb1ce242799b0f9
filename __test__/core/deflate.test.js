'use strict';

const assert = require('assert');
const crypto = require('crypto');
const zlib = require('zlib');
const { describe, it } = require('node:test');

const native = require('../../lib/native');
const { FrameReceiver } = require('../../lib/core/receiver');
const sender = require('../../lib/core/sender');
const { recorder } = require('../helpers/frames');

/** A PerMessageDeflate-shaped object over a native Deflater. */
function deflateContext(noContextTakeover = false) {
  const deflater = new native.Deflater(6, 15, noContextTakeover);
  return {
    frame: (data, flags, key) => deflater.frame(data, flags, key),
    frameInto: (out, offset, data, flags, key) => deflater.frameInto(out, offset, data, flags, key),
    takeFrame: (out) => deflater.takeFrame(out)
  };
}

function decode(chunks, options = {}) {
  const handler = recorder();
  const receiver = new FrameReceiver(handler, options);
  receiver.enableInflate(15, false);
  for (const chunk of chunks) receiver.write(Buffer.from(chunk));
  return handler.events;
}

describe('permessage-deflate in the core', () => {
  it('inflates the RFC 7692 examples', () => {
    assert.deepStrictEqual(decode([Buffer.from('c107f248cdc9c90700', 'hex')]), [
      ['text', Buffer.from('Hello').toString('hex'), false]
    ]);
    assert.deepStrictEqual(decode([Buffer.from('4103f248cd8004c9c90700', 'hex')]), [
      ['text', Buffer.from('Hello').toString('hex'), false]
    ]);
  });

  it('frames into JS memory exactly what frame() returns, at every size and for incompressible data', () => {
    // Two connections with the same settings and history produce the same bytes; one goes
    // through frameCompressed (the slab up to 16 KiB, frame() above), the other frame().
    const viaSlab = deflateContext();
    const viaFrame = new native.Deflater(6, 15, false);
    const FIN_TEXT_RSV1_MASK = 0x01 | 0x10 | 0x20 | 0x40;
    for (const size of [0, 1, 1000, 16383, 16384, 16385, 40000]) {
      for (const data of [Buffer.from('{"a":1} '.repeat(size).slice(0, size)), crypto.randomBytes(size)]) {
        const [a] = sender.frameCompressed(viaSlab, data, sender.OPCODE_TEXT, { rsv1: true, mask: true, maskKey: 0x01020304 });
        const b = viaFrame.frame(data, FIN_TEXT_RSV1_MASK, 0x01020304);
        assert.ok(a.equals(b), `size ${size}`);
      }
    }
  });

  it('a frame that does not fit is held for takeFrame(), and the next one is unaffected', () => {
    // No context takeover: each message compresses the same whatever was sent before.
    const small = new native.Deflater(6, 15, true);
    const reference = new native.Deflater(6, 15, true);
    const FIN_BINARY_RSV1 = 0x02 | 0x10 | 0x20;
    const data = crypto.randomBytes(3000);
    const room = Buffer.alloc(100, 0xaa);
    const n = small.frameInto(room, 10, data, FIN_BINARY_RSV1, 0);
    assert.ok(n < 0);
    assert.ok(room.every((b) => b === 0xaa), 'nothing written when it does not fit');
    assert.throws(() => small.takeFrame(Buffer.alloc(-n + 1)), /takeFrame: the buffer is not \d+ bytes long/);
    // The wrong-length call dropped the pending frame: compress it again on both sides.
    assert.ok(reference.frame(data, FIN_BINARY_RSV1, 0).length === -n);
    const again = small.frameInto(room, 10, data, FIN_BINARY_RSV1, 0);
    const out = Buffer.alloc(-again);
    small.takeFrame(out);
    assert.ok(out.equals(reference.frame(data, FIN_BINARY_RSV1, 0)));
    const next = Buffer.alloc(200);
    const m = small.frameInto(next, 0, Buffer.from('hi'), FIN_BINARY_RSV1, 0);
    assert.ok(next.subarray(0, m).equals(reference.frame(Buffer.from('hi'), FIN_BINARY_RSV1, 0)));
  });

  it('compresses what Node\'s zlib inflates, and inflates what Node\'s zlib compresses', () => {
    const data = Buffer.from('hello hello hello hello '.repeat(100));
    const [frame] = sender.frameCompressed(deflateContext(), data, sender.OPCODE_TEXT, { rsv1: true });
    assert.strictEqual(frame[0], 0xc1);
    const payload = frame.subarray(frame[1] === 126 ? 4 : 2);
    const inflated = zlib.inflateRawSync(Buffer.concat([payload, Buffer.from('0000ffff', 'hex')]), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH
    });
    assert.ok(inflated.equals(data));

    const compressed = zlib.deflateRawSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const body = compressed.subarray(0, compressed.length - 4);
    const header = body.length < 126 ? Buffer.from([0xc1, body.length]) : Buffer.from([0xc1, 126, body.length >> 8, body.length & 255]);
    assert.deepStrictEqual(decode([Buffer.concat([header, body])]), [['text', data.toString('hex'), false]]);
  });

  it('round-trips masked messages through sender and receiver, with and without takeover', () => {
    for (const noContextTakeover of [false, true]) {
      const ctx = deflateContext(noContextTakeover);
      const handler = recorder();
      const receiver = new FrameReceiver(handler, { isServer: true });
      receiver.enableInflate(15, noContextTakeover);
      const messages = [];
      for (let i = 0; i < 20; i++) {
        const data = Buffer.concat([crypto.randomBytes(i * 10), Buffer.alloc(i * 1000, i)]);
        messages.push(data);
        receiver.write(sender.frameCompressed(ctx, data, sender.OPCODE_BINARY, { rsv1: true, mask: true })[0]);
      }
      assert.deepStrictEqual(
        handler.events,
        messages.map((m) => ['binary', m.toString('hex'), false])
      );
    }
  });

  it('keeps each peer\'s context exact when connections take turns on the shared compressor', () => {
    // Two connections with context takeover: runs of messages to one peer go on with the
    // shared compressor's stream; a switch starts a fresh stream primed with the history; a
    // fragmented message (own compressor) and a message the peer got from elsewhere
    // (`remember`, as broadcast() does) in between must not let a stream go on.
    const peers = ['a', 'b'].map(() => {
      const deflater = new native.Deflater(6, 15, false);
      const handler = recorder();
      const receiver = new FrameReceiver(handler, { isServer: false });
      receiver.enableInflate(15, false);
      return { deflater, handler, receiver, sent: [] };
    });
    const fresh = new native.Deflater(6, 15, true);
    const text = (i) => Buffer.from(JSON.stringify({ i, items: Array.from({ length: 30 }, (_, k) => `item-${k % (i + 3)}`) }));
    const steps = 'aababbbaafabrbbaa';
    steps.split('').forEach((step, i) => {
      if (step === 'f') {
        // A fragmented message to a, compressed by a's own compressor.
        const peer = peers[0];
        const data = text(100 + i);
        const first = data.subarray(0, 100);
        const rest = data.subarray(100);
        peer.receiver.write(sender.frameCompressed(peer.deflater, first, sender.OPCODE_TEXT, { rsv1: true, fin: false })[0]);
        peer.receiver.write(sender.frameCompressed(peer.deflater, rest, sender.OPCODE_CONTINUATION, { fin: true })[0]);
        peer.sent.push(data);
      } else if (step === 'r') {
        // b gets a message compressed once for many (a fresh stream), then remembers it.
        const peer = peers[1];
        const data = text(200 + i);
        peer.receiver.write(sender.frameCompressed(fresh, data, sender.OPCODE_TEXT, { rsv1: true })[0]);
        peer.deflater.remember(data);
        peer.sent.push(data);
      } else {
        const peer = peers[step === 'a' ? 0 : 1];
        const data = text(i);
        peer.receiver.write(sender.frameCompressed(peer.deflater, data, sender.OPCODE_TEXT, { rsv1: true })[0]);
        peer.sent.push(data);
      }
    });
    for (const peer of peers) {
      assert.deepStrictEqual(
        peer.handler.events,
        peer.sent.map((m) => ['text', m.toString('hex'), false])
      );
    }
  });

  it('stops a decompression bomb at maxPayload with 1009', () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const body = bomb.subarray(0, bomb.length - 4);
    const header = Buffer.alloc(10);
    header[0] = 0xc2;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(body.length), 2);
    const before = process.memoryUsage().rss;
    const events = decode([Buffer.concat([header, body])], { maxPayload: 1024 * 1024 });
    assert.deepStrictEqual(events, [
      ['error', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 1009, 'RangeError', 'Max payload size exceeded']
    ]);
    assert.ok(process.memoryUsage().rss - before < 32 * 1024 * 1024);
  });

  it('reports data that does not inflate as Z_DATA_ERROR (1007)', () => {
    const events = decode([Buffer.from('c105ffffffffff', 'hex')]);
    assert.strictEqual(events.length, 1);
    assert.deepStrictEqual(events[0].slice(0, 4), ['error', 'Z_DATA_ERROR', 1007, 'Error']);
  });
});
