'use strict';

/**
 * `driver.server()` (raw TCP: the driver reads the HTTP request itself), `driver.http()`
 * protocol selection, the hixie-75/76 drafts behind `allowDrafts`, and the module-level
 * helpers. Drafts are also checked against websocket-driver 0.8.0 fed the same bytes.
 */

const test = require('node:test');
const assert = require('node:assert');
const { oxws, upstream, wire, hex, mask } = require('./helpers');

const HYBI_REQUEST =
  'GET /chat?room=1 HTTP/1.1\r\nHost: www.example.com\r\nUpgrade: websocket\r\n' +
  'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n';

const DRAFT76_REQUEST =
  'GET /demo HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\nSec-WebSocket-Protocol: sample\r\n' +
  'Upgrade: WebSocket\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n' +
  'Origin: http://example.com\r\n\r\n';
const KEY3 = Buffer.from('^n:ds[4U');

const DRAFT75_REQUEST =
  'GET /demo HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\nUpgrade: WebSocket\r\n' +
  'Origin: http://example.com\r\n\r\n';

test.describe('driver.server(): the HTTP request over raw bytes', () => {
  test("emits 'connect' with method, url, headers; queued calls run; frames follow", () => {
    const w = wire(oxws.server({ protocols: ['chat'] }));
    const connects = [];
    w.driver.on('connect', () => {
      connects.push([w.driver.method, w.driver.url, w.driver.headers.upgrade, w.driver.version]);
      assert.strictEqual(oxws.isWebSocket(w.driver), true);
      w.driver.start();
    });
    assert.strictEqual(w.driver.text('queued'), true);
    const key = Buffer.from([9, 8, 7, 6]);
    const frame = Buffer.concat([hex('8185'), key, mask(Buffer.from('Hello'), key)]);
    // The request and a first frame in one chunk, split at every byte boundary.
    const bytes = Buffer.concat([Buffer.from(HYBI_REQUEST.slice(0, 20))]);
    w.driver.parse(bytes);
    w.driver.parse(Buffer.concat([Buffer.from(HYBI_REQUEST.slice(20)), frame]));
    assert.deepStrictEqual(connects, [['GET', '/chat?room=1', 'websocket', 'hybi-13']]);
    assert.strictEqual(w.driver.protocol, 'chat');
    const out = Buffer.from(w.out(), 'hex').toString('latin1');
    assert.match(out, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(out, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
    assert.ok(out.endsWith('Sec-WebSocket-Protocol: chat\r\n\r\n\x81\x06queued'));
    // As upstream, frames that arrive with the request are parsed before 'connect'.
    assert.deepStrictEqual(w.log, [['message', 'Hello'], ['open']]);
    assert.strictEqual(w.driver.getState(), 'open');
  });

  test('server drivers require masking by default', () => {
    const w = wire(oxws.server());
    w.driver.on('connect', () => w.driver.start());
    w.driver.parse(Buffer.from(HYBI_REQUEST));
    w.driver.parse(hex('810548656c6c6f'));
    assert.deepStrictEqual(w.log.slice(1), [
      ['error', 'Received unmasked frame but masking is required'],
      ['close', 1003, 'Received unmasked frame but masking is required']
    ]);
  });

  test('a malformed request is answered with 400', () => {
    const w = wire(oxws.server());
    w.driver.on('connect', () => w.driver.start());
    w.driver.parse(Buffer.from('NOT HTTP\r\n\r\n'));
    assert.match(Buffer.from(w.out(), 'hex').toString(), /^HTTP\/1\.1 400 Bad Request/);
  });

  test('a header line without a colon, or with whitespace before it, is answered with 400 as by Node', async () => {
    const http = require('http');
    const net = require('net');
    const node = http.createServer();
    node.on('upgrade', (req, socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\n\r\n'));
    await new Promise((resolve) => node.listen(0, '127.0.0.1', resolve));
    const viaNode = (head) =>
      new Promise((resolve) => {
        const socket = net.connect(node.address().port, '127.0.0.1', () => socket.write(head));
        let got = '';
        socket.on('data', (d) => (got += d));
        socket.on('close', () => resolve(got.split('\r\n')[0]));
      });
    const statusLine = (impl, head) => {
      const w = wire(impl.server());
      w.driver.on('connect', () => w.driver.start());
      w.driver.parse(Buffer.from(head));
      return Buffer.from(w.out(), 'hex').toString('latin1').split('\r\n')[0];
    };
    try {
      for (const line of ['X-Garbage', 'X-Foo : bar', ': bar', 'X\tFoo: bar']) {
        const head = HYBI_REQUEST.replace('\r\nUpgrade:', `\r\n${line}\r\nUpgrade:`);
        assert.strictEqual(statusLine(oxws, head), 'HTTP/1.1 400 Bad Request', line);
        assert.strictEqual(await viaNode(head), 'HTTP/1.1 400 Bad Request', line);
        // websocket-driver's http-parser-js skips the line and upgrades (a README difference).
        assert.strictEqual(statusLine(upstream, head), 'HTTP/1.1 101 Switching Protocols', line);
      }
      assert.strictEqual(statusLine(oxws, HYBI_REQUEST), 'HTTP/1.1 101 Switching Protocols');
    } finally {
      await new Promise((resolve) => node.close(resolve));
    }
  });

  test('a request that is not a WebSocket upgrade is answered with 400', () => {
    const w = wire(oxws.server());
    let errors = 0;
    w.driver.on('error', () => errors++);
    w.driver.on('connect', () => {
      assert.strictEqual(oxws.isWebSocket(w.driver), false);
      assert.strictEqual(w.driver.start(), false);
    });
    w.driver.parse(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
    assert.strictEqual(
      Buffer.from(w.out(), 'hex').toString(),
      'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 23\r\n\r\n' +
        'Not a WebSocket request'
    );
    assert.strictEqual(errors, 1);
  });
});

test.describe('driver.http(): protocol selection', () => {
  const req = (headers) => ({ method: 'GET', url: '/', headers: { host: 'h', ...headers } });

  test('hybi unless allowDrafts, and hixie-76 / hixie-75 by headers with it', () => {
    assert.strictEqual(oxws.http(req({ 'sec-websocket-key1': '1 1' })).version, 'hybi-13');
    assert.strictEqual(
      oxws.http(req({ 'sec-websocket-key1': '1 1' }), { allowDrafts: true }).version,
      'hixie-76'
    );
    assert.strictEqual(oxws.http(req({}), { allowDrafts: true }).version, 'hixie-75');
    assert.strictEqual(
      oxws.http(req({ 'sec-websocket-version': '13' }), { allowDrafts: true }).version,
      'hybi-13'
    );
  });

  test('url from Host and the request path; wss behind TLS or a proxy header', () => {
    assert.strictEqual(oxws.http(req({})).url, 'ws://h/');
    assert.strictEqual(oxws.http(req({ 'x-forwarded-proto': 'https' })).url, 'wss://h/');
    for (const h of [
      { https: 'on' },
      { 'x-forwarded-ssl': 'on' },
      { 'x-forwarded-scheme': 'https' },
      { 'x-forwarded-proto': 'https' }
    ]) {
      assert.strictEqual(oxws.isSecureRequest({ headers: h }), true);
    }
    assert.strictEqual(oxws.isSecureRequest({ headers: {}, connection: { authorized: false } }), true);
    assert.strictEqual(oxws.isSecureRequest({ headers: {} }), false);
  });

  test('isWebSocket and validateOptions', () => {
    const ok = { method: 'GET', headers: { connection: 'keep-alive, Upgrade', upgrade: 'WebSocket' } };
    assert.strictEqual(oxws.isWebSocket(ok), true);
    assert.strictEqual(oxws.isWebSocket({ ...ok, method: 'POST' }), false);
    assert.strictEqual(oxws.isWebSocket({ method: 'GET', headers: {} }), false);
    assert.deepStrictEqual(oxws.validateOptions(undefined, []), {});
    assert.throws(() => oxws.validateOptions({ a: 1 }, ['b']), { message: 'Unrecognized option: a' });
    assert.throws(() => oxws.http(req({}), { nope: true }), { message: 'Unrecognized option: nope' });
  });
});

/**
 * Runs the same draft session through both implementations.
 *
 * @param {String} request The HTTP request
 * @param {Buffer[]} chunks Bytes after the request, chunk by chunk
 * @param {Function} [act] Called with each driver after start (sends)
 * @return {Object[]} `[oxws, upstream]` results: out hex, log, state
 */
function draftSession(request, chunks, act = () => {}) {
  return [oxws, upstream].map((impl) => {
    const w = wire(impl.server({ allowDrafts: true }));
    w.driver.on('connect', () => w.driver.start());
    w.driver.parse(Buffer.from(request));
    for (const c of chunks) w.driver.parse(Buffer.from(c));
    act(w.driver);
    return { out: w.out(), log: w.log, version: w.driver.version, state: w.driver._delegate.getState() };
  });
}

test.describe('hixie drafts (allowDrafts: true), same bytes as websocket-driver 0.8.0', () => {
  const sessions = {
    '76: key3 with the request': [DRAFT76_REQUEST, [KEY3]],
    '76: key3 byte by byte, then a message': [
      DRAFT76_REQUEST,
      [...KEY3].map((b) => [b]).concat([hex('0048656c6c6fff')])
    ],
    '76: key3 and frames in one chunk': [
      DRAFT76_REQUEST,
      [Buffer.concat([KEY3, hex('0048656c6c6fff 00ff 00e282acff')])]
    ],
    '76: closing frame': [DRAFT76_REQUEST, [KEY3, hex('ff00')]],
    '76: length-prefixed frames are skipped': [DRAFT76_REQUEST, [KEY3, hex('8003616263 0041ff')]],
    '75: messages split anywhere': [DRAFT75_REQUEST, [hex('0048656c'), hex('6c6fff00'), hex('41ff')]],
    '75: length-prefixed frames skipped': [DRAFT75_REQUEST, [hex('808103' + '00'.repeat(131) + '0042ff')]],
    '76: bad key (no spaces)': [DRAFT76_REQUEST.replace('4 @1  46546xW%0l 1 5', '4@146546xW%0l15'), [KEY3]],
    '76: bad key (no digits)': [DRAFT76_REQUEST.replace('4 @1  46546xW%0l 1 5', 'a b c'), [KEY3]],
    '76: missing Key2': [DRAFT76_REQUEST.replace(/Sec-WebSocket-Key2: [^\r]*\r\n/, ''), [KEY3]]
  };
  for (const [name, [request, chunks]] of Object.entries(sessions)) {
    test(name, () => {
      const [ox, up] = draftSession(request, chunks, (d) => d.text('reply'));
      assert.deepStrictEqual(ox, up);
    });
  }

  test('76: the MD5 signature of the spec example', () => {
    const [ox] = draftSession(DRAFT76_REQUEST, [KEY3]);
    assert.ok(ox.out.endsWith(Buffer.from('8jKS\'y:G*Co,Wxa-').toString('hex')));
    assert.strictEqual(ox.version, 'hixie-76');
    assert.strictEqual(ox.state, 'open');
  });

  test('76: close() sends 0xFF 0x00', () => {
    const [ox, up] = draftSession(DRAFT76_REQUEST, [KEY3], (d) => d.close());
    assert.deepStrictEqual(ox, up);
    assert.ok(ox.out.endsWith('ff00'));
  });

  test('75: a message over maxLength closes', () => {
    const w = wire(oxws.server({ allowDrafts: true, maxLength: 4 }));
    w.driver.on('connect', () => w.driver.start());
    w.driver.parse(Buffer.from(DRAFT75_REQUEST));
    w.driver.parse(hex('004142434445'));
    assert.strictEqual(w.driver.getState(), 'closed');
  });

  test('drafts are refused without allowDrafts', () => {
    const w = wire(oxws.server());
    w.driver.on('connect', () => w.driver.start());
    w.driver.parse(Buffer.from(DRAFT76_REQUEST));
    assert.match(Buffer.from(w.out(), 'hex').toString(), /^HTTP\/1\.1 400 Bad Request/);
    assert.strictEqual(w.log[0][1], 'Unsupported WebSocket version: undefined');
  });
});

test.describe('hixie drafts: a throwing listener loses no input, as websocket-driver 0.8.0', () => {
  /**
   * Feeds chunks to an open draft driver of each implementation whose `event` listener
   * throws; each throw is caught and the next chunk fed.
   *
   * @return {Object[]} `[oxws, upstream]`: messages seen, errors caught, out hex, state
   */
  const run = (request, chunks, event = 'message') =>
    [oxws, upstream].map((impl) => {
      const w = wire(impl.server({ allowDrafts: true }));
      w.driver.on('connect', () => w.driver.start());
      const seen = [];
      w.driver.on(event, (e) => {
        seen.push(event === 'message' ? e.data : event);
        throw new Error('listener');
      });
      const errors = [];
      for (const c of chunks) {
        try {
          w.driver.parse(Buffer.from(c));
        } catch (err) {
          errors.push(err.message);
        }
      }
      return { seen, errors, out: w.out(), state: w.driver._delegate.getState() };
    });

  const W = Buffer.from('W');
  const ORLD = Buffer.from('orld');
  const HELLO = Buffer.from('Hello');

  test("75: a throwing 'message' listener propagates; the rest of the chunk is parsed next", () => {
    const [ox, up] = run(DRAFT75_REQUEST, [
      Buffer.from(DRAFT75_REQUEST),
      Buffer.concat([hex('00'), HELLO, hex('ff00'), W]),
      Buffer.concat([ORLD, hex('ff')])
    ]);
    assert.deepStrictEqual(ox, up);
    assert.deepStrictEqual(ox.seen, ['Hello', 'World']);
    assert.deepStrictEqual(ox.errors, ['listener', 'listener']);
  });

  test('75: several messages in one chunk come out one per parse() call, none lost', () => {
    const [ox, up] = run(DRAFT75_REQUEST, [
      Buffer.from(DRAFT75_REQUEST),
      hex('0041ff 8003616263 0042ff 0043'),
      hex(''),
      hex(''),
      hex('ff')
    ]);
    assert.deepStrictEqual(ox, up);
    assert.deepStrictEqual(ox.seen, ['A', 'B', 'C']);
  });

  test("76: a throwing 'message' listener propagates; the rest of the chunk is parsed next", () => {
    const [ox, up] = run(DRAFT76_REQUEST, [
      Buffer.concat([Buffer.from(DRAFT76_REQUEST), KEY3, hex('00'), HELLO, hex('ff00'), W]),
      Buffer.concat([ORLD, hex('ff ff00')]),
      hex('')
    ]);
    assert.deepStrictEqual(ox, up);
    assert.deepStrictEqual(ox.seen, ['Hello', 'World']);
    assert.deepStrictEqual(ox.errors, ['listener', 'listener']);
    assert.ok(ox.out.endsWith('ff00'));
    assert.strictEqual(ox.state, 'closed');
  });

  test("76: a throwing 'open' listener propagates; frames after key3 are parsed next", () => {
    const [ox, up] = run(
      DRAFT76_REQUEST,
      [Buffer.from(DRAFT76_REQUEST), Buffer.concat([KEY3, hex('0048ff')]), hex('0049ff')],
      'open'
    );
    assert.deepStrictEqual(ox, up);
    assert.deepStrictEqual(ox.seen, ['open']);
    assert.strictEqual(ox.state, 'open');
  });
});

test.describe('hixie drafts are off by default, as in websocket-driver 0.8.0', () => {
  /** The parsed form of a raw request head, as Node's http gives it. */
  const parsed = (raw) => {
    const [start, ...lines] = raw.split('\r\n\r\n')[0].split('\r\n');
    const headers = {};
    for (const line of lines) {
      const at = line.indexOf(':');
      headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
    }
    return { method: 'GET', url: start.split(' ')[1], headers };
  };

  const drafts = [
    ['hixie-76', DRAFT76_REQUEST, [KEY3], 'HTTP/1.1 101 WebSocket Protocol Handshake'],
    ['hixie-75', DRAFT75_REQUEST, [], 'HTTP/1.1 101 Web Socket Protocol Handshake']
  ];

  for (const [name, raw, body, upgraded] of drafts) {
    test(`${name}: driver.http() answers 400 by default and upgrades with allowDrafts: true`, () => {
      for (const options of [undefined, {}, { allowDrafts: false }, { allowDrafts: true }]) {
        const [ox, up] = [oxws, upstream].map((impl) => {
          const w = wire(impl.http(parsed(raw), options && { ...options }));
          w.driver.start();
          for (const b of body) w.driver.io.write(b);
          return { out: w.out(), log: w.log, version: w.driver.version, state: w.driver.getState() };
        });
        assert.deepStrictEqual(ox, up, JSON.stringify(options));
        const status = Buffer.from(ox.out, 'hex').toString('latin1').split('\r\n')[0];
        if (options && options.allowDrafts) {
          assert.strictEqual(status, upgraded);
          assert.strictEqual(ox.version, name);
          assert.strictEqual(ox.state, 'open');
        } else {
          assert.strictEqual(status, 'HTTP/1.1 400 Bad Request');
          assert.deepStrictEqual(ox.log[0], ['error', 'Unsupported WebSocket version: undefined']);
          assert.strictEqual(ox.version, 'hybi-13');
        }
      }
    });

    test(`${name}: driver.server() answers 400 by default and upgrades with allowDrafts: true`, () => {
      for (const options of [undefined, { allowDrafts: true }]) {
        const [ox, up] = [oxws, upstream].map((impl) => {
          const w = wire(impl.server(options && { ...options }));
          w.driver.on('connect', () => w.driver.start());
          w.driver.parse(Buffer.from(raw));
          for (const b of body) w.driver.parse(b);
          return { out: w.out(), log: w.log, version: w.driver.version };
        });
        assert.deepStrictEqual(ox, up, JSON.stringify(options));
        const status = Buffer.from(ox.out, 'hex').toString('latin1').split('\r\n')[0];
        assert.strictEqual(status, options ? upgraded : 'HTTP/1.1 400 Bad Request');
      }
    });
  }
});
