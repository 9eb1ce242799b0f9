'use strict';

/**
 * The hybi driver (websocket-driver's `hybi_spec.js` behaviours, in wire bytes), plus a
 * differential check: the real websocket-driver 0.8.0 fed the same bytes must emit the same
 * events and write the same bytes.
 */

const test = require('node:test');
const assert = require('node:assert');
const { OxHybi, request, wire, openPair, hex, mask } = require('./helpers');

const ACCEPT = 'JdiiuafpBKRqD7eol0y4vJDTsTs=';
const RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  `Sec-WebSocket-Accept: ${ACCEPT}\r\n`;

function driver(options = { masking: false }, headers = {}) {
  return wire(new OxHybi(request(headers), 'ws://www.example.com/socket', options));
}

const text = (s) => Buffer.from(s).toString('hex');

test.describe('hybi driver: connecting', () => {
  test('starts connecting; start() writes the 101 response and opens', () => {
    const w = driver();
    assert.strictEqual(w.driver.getState(), 'connecting');
    assert.strictEqual(w.driver.start(), true);
    assert.strictEqual(w.out(), text(RESPONSE + '\r\n'));
    assert.deepStrictEqual(w.log, [['open']]);
    assert.strictEqual(w.driver.getState(), 'open');
    assert.strictEqual(w.driver.version, 'hybi-13');
    assert.strictEqual(w.driver.start(), false);
  });

  test('subprotocols: the first of the client offers that the server supports', () => {
    const w = driver({ protocols: ['xmpp'] }, { 'sec-websocket-protocol': 'foo, bar, xmpp' });
    w.driver.start();
    assert.strictEqual(w.out(), text(RESPONSE + 'Sec-WebSocket-Protocol: xmpp\r\n\r\n'));
    assert.strictEqual(w.driver.protocol, 'xmpp');
  });

  test('protocols as a comma string', () => {
    const w = driver({ protocols: 'a , b' }, { 'sec-websocket-protocol': 'b' });
    w.driver.start();
    assert.strictEqual(w.driver.protocol, 'b');
  });

  test('an invalid extensions header is answered with 400 and closes with 1002', () => {
    const w = driver({}, { 'sec-websocket-extensions': 'x-webkit- -frame' });
    const message = 'Invalid Sec-WebSocket-Extensions header: x-webkit- -frame';
    assert.strictEqual(w.driver.start(), false);
    assert.strictEqual(
      w.out(),
      text(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 57\r\n\r\n' +
          message
      )
    );
    assert.deepStrictEqual(w.log, [
      ['error', message],
      ['close', 1002, message]
    ]);
    assert.strictEqual(w.driver.getState(), 'closed');
  });

  test('custom headers come first', () => {
    const w = driver();
    assert.strictEqual(w.driver.setHeader('Authorization', 'Bearer WAT'), true);
    w.driver.start();
    assert.strictEqual(
      w.out(),
      text(RESPONSE.replace('\r\n', '\r\nAuthorization: Bearer WAT\r\n') + '\r\n')
    );
    assert.strictEqual(w.driver.setHeader('X', 'y'), false);
  });

  test('unsupported versions and missing keys are refused', () => {
    let w = driver({}, { 'sec-websocket-version': '7' });
    w.driver.start();
    assert.deepStrictEqual(w.log[0], ['error', 'Unsupported WebSocket version: 7']);
    w = driver({}, { 'sec-websocket-key': undefined });
    w.driver.start();
    assert.deepStrictEqual(w.log[0], ['error', 'Missing handshake request header: Sec-WebSocket-Key']);
  });

  test('hybi-8 (protocol version 8) is accepted', () => {
    const w = driver({}, { 'sec-websocket-version': '8' });
    assert.strictEqual(w.driver.start(), true);
    assert.strictEqual(w.driver.version, 'hybi-8');
  });

  test('frames, pings and pongs are queued until the handshake is sent', () => {
    const w = driver();
    assert.strictEqual(w.driver.frame('Hi'), true);
    assert.strictEqual(w.driver.ping(), true);
    assert.strictEqual(w.driver.pong(), true);
    assert.strictEqual(w.out(), '');
    w.driver.start();
    assert.strictEqual(w.out(), text(RESPONSE + '\r\n') + '81024869' + '8900' + '8a00');
  });

  test('close() before opening closes at once with 1000', () => {
    const w = driver();
    assert.strictEqual(w.driver.close(), true);
    assert.strictEqual(w.out(), '');
    assert.deepStrictEqual(w.log, [['close', 1000, '']]);
    assert.strictEqual(w.driver.getState(), 'closed');
  });
});

test.describe('hybi driver: parsing', () => {
  const open = () => {
    const w = driver();
    w.driver.start();
    w.out();
    w.log.length = 0;
    return w;
  };
  const key = Buffer.from([1, 2, 3, 4]);

  test('text frames: unmasked, several per packet, empty, fragmented, split', () => {
    const w = open();
    w.driver.parse(hex('810548656c6c6f 810548656c6c6f 8100'));
    w.driver.parse(hex('010348656c'));
    w.driver.parse(hex('80026c6f'));
    w.driver.parse([0x81, 0x0b, 0x41, 0x70, 0x70, 0x6c]);
    w.driver.parse([0x65, 0x20, 0x3d, 0x20, 0xef, 0xa3, 0xbf]);
    assert.deepStrictEqual(w.log, [
      ['message', 'Hello'],
      ['message', 'Hello'],
      ['message', ''],
      ['message', 'Hello'],
      ['message', 'Apple = \uf8ff']
    ]);
  });

  test('masked frames, with the mask and payload in separate packets', () => {
    const w = open();
    w.driver.parse(hex('8185'));
    w.driver.parse(key);
    w.driver.parse(mask(Buffer.from('Hello'), key));
    w.driver.parse(hex('0181'));
    w.driver.parse(key);
    w.driver.parse(mask(Buffer.from('H'), key));
    w.driver.parse(hex('8084'));
    w.driver.parse(key);
    w.driver.parse(mask(Buffer.from('ello'), key));
    assert.deepStrictEqual(w.log, [
      ['message', 'Hello'],
      ['message', 'Hello']
    ]);
  });

  test('medium-length frames arriving 5 bytes at a time', () => {
    const w = open();
    w.driver.parse(hex('817e00c8'));
    for (let i = 0; i < 40; i++) w.driver.parse(Buffer.from('Hello'));
    assert.deepStrictEqual(w.log, [['message', 'Hello'.repeat(40)]]);
  });

  test('binary messages are Buffers', () => {
    const w = open();
    w.driver.parse(hex('8203010203'));
    assert.deepStrictEqual(w.log, [['message', 'hex:010203']]);
  });

  test('an unrecognized opcode closes with 1002', () => {
    const w = open();
    w.driver.parse(hex('8300'));
    const reason = 'Unrecognized frame opcode: 3';
    assert.strictEqual(w.out(), '881e03ea' + text(reason));
    assert.deepStrictEqual(w.log, [
      ['error', reason],
      ['close', 1002, reason]
    ]);
    assert.strictEqual(w.driver.getState(), 'closed');
  });

  test('a close frame is echoed and closes', () => {
    const w = open();
    w.driver.parse(hex('880703e848656c6c6f'));
    assert.strictEqual(w.out(), '880703e848656c6c6f');
    assert.deepStrictEqual(w.log, [['close', 1000, 'Hello']]);
    assert.strictEqual(w.driver.getState(), 'closed');
    w.driver.parse(hex('8100'));
    assert.strictEqual(w.log.length, 1);
  });

  test('too-large frames close with 1009', () => {
    const w = open();
    w.driver.parse(hex('817f0000000040000000'));
    const reason = 'WebSocket frame length too large';
    assert.deepStrictEqual(w.log, [
      ['error', reason],
      ['close', 1009, reason]
    ]);
  });

  test('maxLength applies to the whole message', () => {
    const w = driver({ maxLength: 4 });
    w.driver.start();
    w.driver.parse(hex('0202abcd'));
    w.driver.parse(hex('8003abcdef'));
    assert.deepStrictEqual(w.log.slice(1), [
      ['error', 'WebSocket frame length too large'],
      ['close', 1009, 'WebSocket frame length too large']
    ]);
  });

  test('pings are answered with pongs and emitted; pongs run the matching ping callback', () => {
    const w = open();
    w.driver.parse(hex('89044f484149'));
    assert.strictEqual(w.out(), '8a044f484149');
    const calls = [];
    w.driver.ping('Hi', () => calls.push('Hi'));
    w.driver.ping('wat', () => calls.push('wat'));
    assert.strictEqual(w.out(), '89024869' + '8903776174');
    w.driver.parse(hex('8a024869'));
    assert.deepStrictEqual(calls, ['Hi']);
    assert.deepStrictEqual(w.log, [
      ['ping', 'OHAI'],
      ['pong', 'Hi']
    ]);
  });

  test('a throwing message listener propagates, and no input is lost', () => {
    const w = open();
    const seen = [];
    w.driver.on('message', (e) => {
      seen.push(e.data);
      throw new Error('listener');
    });
    assert.throws(() => w.driver.parse(hex('810548656c6c6f 8105')), /listener/);
    assert.throws(() => w.driver.parse(Buffer.from('World')), /listener/);
    assert.throws(() => w.driver.parse(hex('8101 41 8101 42')), /listener/);
    assert.throws(() => w.driver.parse(hex('')), /listener/);
    assert.deepStrictEqual(seen, ['Hello', 'World', 'A', 'B']);
  });

  test('frames written while a chunk is parsed leave io as one chunk, flushed before close', () => {
    const w = open();
    const chunks = [];
    w.driver.io.on('data', (d) => chunks.push(d.toString('hex')));
    w.driver.on('message', (e) => w.driver.text('re:' + e.data));
    let atClose;
    w.driver.on('close', () => (atClose = chunks.length));
    w.driver.parse(hex('810141 810142 8900 880203e8'));
    assert.deepStrictEqual(chunks, ['8104' + text('re:A') + '8104' + text('re:B') + '8a00' + '880203e8']);
    assert.strictEqual(atClose, 1);
  });

  test('masking required: unmasked frames close with 1003', () => {
    const w = driver({ requireMasking: true });
    w.driver.start();
    w.driver.parse(hex('810548656c6c6f'));
    const reason = 'Received unmasked frame but masking is required';
    assert.deepStrictEqual(w.log.slice(1), [
      ['error', reason],
      ['close', 1003, reason]
    ]);
  });

  test('invalid UTF-8 text closes with 1007', () => {
    const w = open();
    w.driver.parse(hex('8102c328'));
    const reason = 'Could not decode a text frame as UTF-8';
    assert.deepStrictEqual(w.log, [
      ['error', reason],
      ['close', 1007, reason]
    ]);
  });
});

test.describe('hybi driver: sending', () => {
  const open = (options) => {
    const w = driver(options);
    w.driver.start();
    w.out();
    return w;
  };

  test('text, byte arrays, numbers, multibyte, medium length', () => {
    const w = open();
    w.driver.frame('Hello');
    assert.strictEqual(w.out(), '810548656c6c6f');
    w.driver.frame([0x48, 0x65, 0x6c]);
    assert.strictEqual(w.out(), '820348656c');
    w.driver.frame(50);
    assert.strictEqual(w.out(), '81023530');
    w.driver.frame('Apple = \uf8ff');
    assert.strictEqual(w.out(), '810b4170706c65203d20efa3bf');
    w.driver.frame('Hello'.repeat(40));
    assert.strictEqual(w.out(), '817e00c8' + text('Hello'.repeat(40)));
    w.driver.binary(Buffer.alloc(70000, 1));
    assert.strictEqual(w.out(), '827f0000000000011170' + '01'.repeat(70000));
  });

  test('close frames with a code, pongs, pings', () => {
    const w = open();
    w.driver.frame('Hello', 'close', 1002);
    assert.strictEqual(w.out(), '880703ea48656c6c6f');
    w.driver.pong();
    assert.strictEqual(w.out(), '8a00');
    w.driver.ping('mic check');
    assert.strictEqual(w.out(), '8909' + text('mic check'));
    w.driver.ping(50);
    assert.strictEqual(w.out(), '89023530');
  });

  test('close(reason, code): reason first; closing state; the peer echo closes', () => {
    const w = open();
    assert.strictEqual(w.driver.close('<%= reasons %>', 1003), true);
    assert.strictEqual(w.out(), '881003eb' + text('<%= reasons %>'));
    assert.strictEqual(w.driver.getState(), 'closing');
    assert.deepStrictEqual(w.log, [['open']]);
    assert.strictEqual(w.driver.frame('wut'), true);
    assert.strictEqual(w.out(), '');
    assert.strictEqual(w.driver.ping(), false);
    assert.strictEqual(w.driver.pong(), false);
    assert.strictEqual(w.driver.close(), false);
    assert.strictEqual(w.driver.text('x'), false);
    w.driver.parse(hex('880403e94f4b'));
    assert.deepStrictEqual(w.log.slice(1), [['close', 1001, 'OK']]);
    assert.strictEqual(w.out(), '');
    assert.strictEqual(w.driver.getState(), 'closed');
    assert.strictEqual(w.driver.frame('wut'), false);
  });

  test('a client driver masks', () => {
    const w = open({ masking: true });
    w.driver.frame('Hello');
    const out = Buffer.from(w.out(), 'hex');
    assert.strictEqual(out[0], 0x81);
    assert.strictEqual(out[1], 0x85);
    assert.strictEqual(mask(out.subarray(6), out.subarray(2, 6)).toString(), 'Hello');
  });
});

test.describe('hybi driver: close frames from the peer', () => {
  const cases = [
    ['8801 03', 1002, ''],
    ['8800', 1000, ''],
    ['8802 03ed', 1002, ''],
    ['8802 03f2', 1010, ''],
    ['8802 03f4', 1002, ''],
    ['8802 0bb8', 3000, ''],
    ['8804 03e8 c328', 1002, ''],
    ['8804 03e9 4f4b', 1001, 'OK']
  ];
  for (const [frame, code, reason] of cases) {
    test(`${frame} → ${code}`, () => {
      const [ox] = openPair();
      ox.driver.parse(hex(frame));
      assert.deepStrictEqual(ox.log, [['close', code, reason]]);
    });
  }
});

/**
 * websocket-driver names the real length of an oversized control frame; the core reports
 * the 7-bit length field (126 or 127) as soon as the first two bytes arrive. Compare the
 * rest of such messages (and of the close frame that carries them).
 */
const norm = (log) =>
  log.map((e) =>
    e.map((x) =>
      typeof x === 'string' ? x.replace(/too long payload: \d+/, 'too long payload: N') : x
    )
  );
const normOut = (out) => out.replace(/(88..03ea52656365697665642063).*/, '$1');

test.describe('hybi driver: same events and bytes as websocket-driver 0.8.0', () => {
  const vectors = [
    '810548656c6c6f',
    '8100 8200',
    '010348656c 0900 80026c6f',
    '0100 0100',
    '8000',
    '8300',
    '8b00',
    'c100',
    'a100',
    '9100',
    'f100',
    '0900',
    '8a7e0080' + '00'.repeat(128),
    '8102c328',
    '01 02 c3',
    '8201ff',
    '89 00 8a 00',
    '8a024869',
    '88 02 03e8',
    '88 01 03',
    '88 00',
    '88 02 0000',
    '88 02 1388',
    '88 05 0fa0 ffff ff',
    '817f0000000040000000',
    '81 7e 0001 41',
    '81 85 01020304 4967 6f68 6e'
  ];
  for (const v of vectors) {
    test(v, () => {
      const [ox, up] = openPair();
      ox.driver.parse(hex(v));
      up.driver.parse(hex(v));
      assert.deepStrictEqual(norm(ox.log), norm(up.log));
      assert.strictEqual(normOut(ox.out()), normOut(up.out()));
      assert.strictEqual(ox.driver.getState(), up.driver.getState());
    });
  }

  test('random frame sequences, split at random points', () => {
    let seed = 12345;
    const rand = (n) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const opcodes = [0, 1, 2, 8, 9, 10];
    for (let round = 0; round < 300; round++) {
      const parts = [];
      for (let f = 0; f < 1 + rand(6); f++) {
        const op = opcodes[rand(opcodes.length)];
        const fin = op >= 8 || rand(3) > 0 ? 0x80 : 0;
        const len = op === 8 ? [0, 2, 2, 3, 5][rand(5)] : rand(140);
        const payload = Buffer.alloc(len);
        for (let i = 0; i < len; i++) payload[i] = rand(3) === 0 ? 0x80 + rand(128) : 0x41 + rand(26);
        if (op === 8 && len >= 2) payload.writeUInt16BE([1000, 1001, 1002, 1005, 3000, 4999, 999][rand(7)]);
        const header =
          len < 126 ? Buffer.from([fin | op, len]) : Buffer.from([fin | op, 126, len >> 8, len & 255]);
        parts.push(header, payload);
      }
      const bytes = Buffer.concat(parts);
      const [ox, up] = openPair();
      let at = 0;
      while (at < bytes.length) {
        const n = 1 + rand(bytes.length - at);
        ox.driver.parse(Buffer.from(bytes.subarray(at, at + n)));
        up.driver.parse(Buffer.from(bytes.subarray(at, at + n)));
        at += n;
      }
      assert.deepStrictEqual(norm(ox.log), norm(up.log), bytes.toString('hex'));
      assert.strictEqual(normOut(ox.out()), normOut(up.out()), bytes.toString('hex'));
    }
  });
});

test.describe('hybi driver: the closing state, against websocket-driver 0.8.0', () => {
  const deflate = require('permessage-deflate');
  const nativeDeflate = require('oxws/permessage-deflate');
  const { UpHybi } = require('./helpers');

  /**
   * Every sending method, once `close()` (or a received close frame still being handled)
   * has put the driver in `closing`; returns what each call returned and what `io` got.
   */
  const sendAll = (w) => {
    const d = w.driver;
    const results = [
      d.frame('dropped'),
      d.frame(Buffer.from('bytes')),
      d.frame([1, 2, 3]),
      d.frame(42),
      d.frame('t', 'text'),
      d.frame(Buffer.from('b'), 'binary'),
      d.frame('p', 'ping'),
      d.frame('q', 'pong'),
      d.text('x'),
      d.binary(Buffer.from('y')),
      d.ping('z'),
      d.pong('w'),
      d.frame('c', 'close', 1000),
      d.close('again', 1001)
    ];
    return { results, out: w.out(), state: d.getState() };
  };

  const pair = (oxExt, upExt, headers) => {
    const drivers = [
      new OxHybi(request(headers), 'ws://www.example.com/socket', { masking: false }),
      new UpHybi(request(headers), 'ws://www.example.com/socket', { masking: false })
    ];
    if (oxExt) drivers[0].addExtension(oxExt);
    if (upExt) drivers[1].addExtension(upExt);
    return drivers.map((d) => {
      const w = wire(d);
      d.start();
      return w;
    });
  };

  const cases = [
    ['no extensions', null, null, {}],
    [
      'permessage-deflate (oxws native / npm)',
      nativeDeflate,
      deflate,
      { 'sec-websocket-extensions': 'permessage-deflate' }
    ],
    [
      'npm permessage-deflate on both',
      deflate,
      deflate,
      { 'sec-websocket-extensions': 'permessage-deflate' }
    ]
  ];

  for (const [name, oxExt, upExt, headers] of cases) {
    test(`after close(), data frames are dropped and control frames written, as upstream: ${name}`, async () => {
      const [ox, up] = pair(oxExt, upExt, headers);
      assert.strictEqual(ox.out(), up.out());
      assert.strictEqual(ox.driver.close('bye', 1000), true);
      assert.strictEqual(up.driver.close('bye', 1000), true);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.strictEqual(ox.out(), up.out());
      const got = sendAll(ox);
      const want = sendAll(up);
      await new Promise((resolve) => setTimeout(resolve, 20));
      got.out += ox.out();
      want.out += up.out();
      assert.deepStrictEqual(got, want);
      assert.deepStrictEqual(got.results.slice(0, 6), [true, true, true, true, true, true]);
      assert.strictEqual(got.out, '8901708a0171880303e863');
      assert.deepStrictEqual(ox.log, up.log);
    });
  }

  test('replies sent from message listeners after close() in the same chunk are dropped', () => {
    const [ox, up] = pair(null, null, {});
    for (const w of [ox, up]) {
      w.out();
      w.driver.on('message', (e) => {
        if (e.data === 'A') w.driver.close();
        w.driver.frame('re:' + e.data);
        w.driver.frame('p:' + e.data, 'ping');
      });
      w.driver.parse(hex('810141 810142'));
    }
    assert.strictEqual(ox.out(), up.out());
    assert.deepStrictEqual(ox.log, up.log);
  });

  for (const [name, oxExt, upExt, headers] of cases) {
    test(`after close(), messages arriving before the peer's close frame are dropped, as upstream: ${name}`, async () => {
      const [ox, up] = pair(oxExt, upExt, headers);
      for (const w of [ox, up]) {
        w.out();
        w.driver.on('message', (e) => e.data === 'A' && w.driver.close());
        w.driver.parse(hex('810141 810142 8900'));
        w.driver.parse(hex('810143 880203e8'));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepStrictEqual(ox.log, up.log);
      assert.deepStrictEqual(ox.log.slice(1), [['message', 'A'], ['ping', ''], ['close', 1000, '']]);
      assert.strictEqual(ox.out(), up.out());
    });
  }
});
