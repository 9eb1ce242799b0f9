'use strict';

/**
 * The numbers the shim shares with the addon come from the addon (`lib/core/wire.js`, from
 * `src/binding/constants.rs`). Each group is checked against what the addon does with it
 * (frames it writes, events it reports, tokens it scans) and the default limits against the
 * real ws@8.23.0, so a change on either side that breaks the agreement fails here. No module
 * under `lib/` writes one of these numbers again.
 */

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { describe, it } = require('node:test');

const RealWS = require('ws');
const native = require('../../lib/native');
const wire = require('../../lib/core/wire');
const limits = require('../../lib/ws/limits');

/** Frames `payload` with `flags` through the addon; returns the frame as hex. */
function frameHex(payload, flags, key = 0) {
  const out = Buffer.alloc(payload.length + 14);
  const n = native.frameInto(out, 0, payload, flags, key);
  return out.subarray(0, n).toString('hex');
}

describe('shared numbers (lib/core/wire.js)', () => {
  it('are frozen and distinct within each group', () => {
    assert.ok(Object.isFrozen(wire) && Object.values(wire).every(Object.isFrozen));
    const { receiver, sender, nio, headerList } = wire;
    const distinct = (values) => assert.strictEqual(new Set(values).size, values.length, values.join());
    distinct([receiver.kindText, receiver.kindBinary, receiver.kindPing, receiver.kindPong, receiver.kindClose, receiver.kindError]);
    distinct([receiver.optClient, receiver.optMaskingOptional, receiver.optSkipUtf8, receiver.optRsv1, receiver.optLenientClose]);
    distinct([sender.flagFin, sender.flagRsv1, sender.flagMask, sender.flagRandomMask, sender.flagHeaderOnly]);
    distinct([nio.written, nio.end, nio.finished, nio.error, nio.closed, nio.text, nio.binary, nio.ping, nio.pong, nio.close, nio.protocolError]);
    distinct([headerList.grammarWsExtensions, headerList.grammarDriverExtensions, headerList.grammarSubprotocols]);
    distinct([headerList.scanOk, headerList.scanUnexpectedCharacter, headerList.scanUnexpectedEnd, headerList.scanDuplicate, headerList.scanInvalid]);
  });

  it('sender opcodes and flags produce the RFC 6455 frames', () => {
    const s = wire.sender;
    const hello = Buffer.from('Hello');
    assert.strictEqual(frameHex(hello, s.opcodeText | s.flagFin), '810548656c6c6f');
    assert.strictEqual(frameHex(hello, s.opcodeText | s.flagFin | s.flagMask, 0x37fa213d), '818537fa213d7f9f4d5158');
    assert.strictEqual(frameHex(Buffer.from('Hel'), s.opcodeText), '010348656c');
    assert.strictEqual(frameHex(Buffer.from('lo'), s.opcodeContinuation | s.flagFin), '80026c6f');
    assert.strictEqual(frameHex(Buffer.from('x'), s.opcodeBinary | s.flagFin | s.flagRsv1), 'c20178');
    assert.strictEqual(frameHex(hello, s.opcodePing | s.flagFin), '890548656c6c6f');
    assert.strictEqual(frameHex(Buffer.alloc(0), s.opcodePong | s.flagFin), '8a00');
    assert.strictEqual(frameHex(Buffer.from([3, 0xe8]), s.opcodeClose | s.flagFin), '880203e8');
    assert.strictEqual(frameHex(hello, s.opcodeText | s.flagFin | s.flagHeaderOnly), '8105');
    assert.match(frameHex(hello, s.opcodeText | s.flagFin | s.flagRandomMask), /^8185[0-9a-f]{18}$/);
    assert.strictEqual(s.maxHeader, 14);
  });

  it('receiver kinds and flags are what the addon reports', () => {
    const r = wire.receiver;
    const receiver = new native.Receiver(0, 0, 0, 0);
    const events = new Int32Array(4 + 4 * 8);
    // A masked text "Hello", a masked ping "Hi", a masked close 1000, from RFC 6455 §5.7.
    const chunk = Buffer.from('818537fa213d7f9f4d5158' + '8982000000004869' + '888200000000' + '03e8', 'hex');
    const count = native.receiverPush(receiver, chunk, 0, events);
    const kinds = Array.from({ length: count }, (_, i) => events[4 + 4 * i]);
    assert.deepStrictEqual(kinds, [r.kindText, r.kindPing, r.kindClose]);
    assert.strictEqual(events[4 + 3] & r.flagHeld, 0);
    // An unmasked frame to a server is an error event.
    const strict = new native.Receiver(0, 0, 0, 0);
    assert.strictEqual(native.receiverPush(strict, Buffer.from('8100', 'hex'), 0, events), 1);
    assert.strictEqual(events[4], r.kindError);
    // With the client bit, an unmasked frame is a message.
    const client = new native.Receiver(r.optClient, 0, 0, 0);
    assert.strictEqual(native.receiverPush(client, Buffer.from('8100', 'hex'), 0, events), 1);
    assert.strictEqual(events[4], r.kindText);
  });

  it('header list grammars, scan results and token kinds are what the scanner writes', () => {
    const h = wire.headerList;
    const ok = native.scanHeaderList('permessage-deflate; client_max_window_bits; a=1; b="x"', h.grammarWsExtensions);
    assert.strictEqual(ok[0], h.scanOk);
    const kinds = [];
    for (let t = 1; t < ok.length; t += 3) kinds.push(ok[t]);
    assert.deepStrictEqual(kinds, [h.tokenExtension, h.tokenFlag, h.tokenParam, h.tokenValue, h.tokenParam, h.tokenValue]);
    assert.strictEqual(native.scanHeaderList('a, @', h.grammarSubprotocols)[0], h.scanUnexpectedCharacter);
    assert.strictEqual(native.scanHeaderList('a,', h.grammarSubprotocols)[0], h.scanUnexpectedEnd);
    assert.strictEqual(native.scanHeaderList('a, a', h.grammarSubprotocols)[0], h.scanDuplicate);
    const protocols = native.scanHeaderList('chat', h.grammarSubprotocols);
    assert.strictEqual(protocols[1], h.tokenProtocol);
  });

  it("default limits are ws 8.23's, for the server and the client", () => {
    const upstream = new RealWS.WebSocketServer({ noServer: true }).options;
    for (const name of ['maxPayload', 'maxFragments', 'maxBufferedChunks', 'maxPendingAutoPongs']) {
      assert.strictEqual(limits[name], upstream[name], name);
    }
    assert.deepStrictEqual(
      [wire.limits.maxPayload, wire.limits.maxFragments, wire.limits.maxBufferedChunks],
      [100 * 1024 * 1024, 16384, 262144]
    );
  });

  it('no module under lib/ writes a shared number again', () => {
    // The names the shared numbers had when JS wrote them; each may appear only as a binding
    // destructured from lib/core/wire.js (`name: NAME`), never as `const NAME = <number>`.
    const names = /const (KIND_(?:TEXT|BINARY|PING|PONG|CLOSE|ERROR)|FLAG_(?:HELD|COMPRESSED|FIN|RSV1|MASK|RANDOM_MASK|HEADER_ONLY)|OPT_\w+|OPCODE_\w+|MAX_HEADER|HEAD_FRAME|HEAD_MASKED|NATIVE_(?:TEXT|BINARY|PING|PONG|CLOSE)|DEFAULT_MAX_\w+|WS_EXTENSIONS|SUBPROTOCOLS|DRIVER_EXTENSIONS) = \d/;
    const lib = path.join(__dirname, '..', '..', 'lib');
    const offenders = [];
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith('.js') && names.test(fs.readFileSync(file, 'utf8'))) offenders.push(file);
      }
    };
    walk(lib);
    assert.deepStrictEqual(offenders, []);
  });
});
