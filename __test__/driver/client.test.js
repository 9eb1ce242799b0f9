'use strict';

/**
 * The client driver and its CONNECT proxy (websocket-driver's `client_spec.js` behaviours).
 */

const test = require('node:test');
const assert = require('node:assert');
const Client = require('../../lib/driver/client');
const { oxws, wire } = require('./helpers');

const KEY = '2vBVWg4Qyk3ZoM/5d3QD9Q==';
const RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: QV3I5XUXU2CdhtjixE7QCkCcMZM=\r\n\r\n';
const REQUEST =
  'GET /socket HTTP/1.1\r\nHost: www.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n`;

const generateKey = Client.generateKey;
test.before(() => {
  Client.generateKey = () => KEY;
});
test.after(() => {
  Client.generateKey = generateKey;
});

function client(url = 'ws://www.example.com/socket', options = {}) {
  return wire(oxws.client(url, options));
}

const text = (s) => Buffer.from(s).toString('hex');

test.describe('client driver: before start', () => {
  test('has no state; close() closes with 1000', () => {
    const w = client();
    assert.strictEqual(w.driver.getState(), null);
    assert.strictEqual(w.driver.close(), true);
    assert.strictEqual(w.driver.getState(), 'closed');
    assert.deepStrictEqual(w.log, [['close', 1000, '']]);
  });

  test('start() writes the handshake request', () => {
    const w = client();
    assert.strictEqual(w.driver.start(), true);
    assert.strictEqual(w.out(), text(REQUEST + '\r\n'));
    assert.strictEqual(w.driver.getState(), 'connecting');
    assert.strictEqual(w.driver.start(), false);
  });

  test('subprotocols, basic auth and custom headers', () => {
    let w = client('ws://www.example.com/socket', { protocols: ['foo', 'bar', 'xmpp'] });
    w.driver.start();
    assert.strictEqual(w.out(), text(REQUEST + 'Sec-WebSocket-Protocol: foo, bar, xmpp\r\n\r\n'));

    w = client('ws://user:pass@www.example.com/socket');
    w.driver.start();
    assert.strictEqual(w.out(), text(REQUEST + 'Authorization: Basic dXNlcjpwYXNz\r\n\r\n'));

    w = client();
    w.driver.setHeader('User-Agent', 'Chrome');
    w.driver.start();
    assert.strictEqual(w.out(), text(REQUEST + 'User-Agent: Chrome\r\n\r\n'));
  });

  test('an invalid URL throws', () => {
    assert.throws(() => oxws.client('stream.wikimedia.org/rc'), {
      message: 'stream.wikimedia.org/rc is not a valid WebSocket URL'
    });
    assert.throws(() => oxws.client('http://example.com/'), /is not a valid WebSocket URL/);
  });

  test('unknown options throw', () => {
    assert.throws(() => oxws.client('ws://a/', { foo: 1 }), { message: 'Unrecognized option: foo' });
  });
});

test.describe('client driver: the handshake response', () => {
  const started = (options) => {
    const w = client('ws://www.example.com/socket', options);
    w.driver.start();
    w.out();
    return w;
  };

  test('a valid response opens, exposes status and headers, and parses what follows', () => {
    const w = started();
    w.driver.parse(Buffer.concat([Buffer.from(RESPONSE), Buffer.from([0x81, 0x02, 72, 105])]));
    assert.deepStrictEqual(w.log, [['open'], ['message', 'Hi']]);
    assert.strictEqual(w.driver.getState(), 'open');
    assert.strictEqual(w.driver.statusCode, 101);
    assert.strictEqual(w.driver.headers.upgrade, 'websocket');
    assert.strictEqual(w.driver.protocol, null);
  });

  test('a response split into single bytes', () => {
    const w = started();
    for (const byte of Buffer.from(RESPONSE)) w.driver.parse(Buffer.from([byte]));
    assert.deepStrictEqual(w.log, [['open']]);
  });

  const failures = [
    ['HTTP/1.1 101 Switching Protocols\r\nUpgrade websocket\r\n\r\n', 'Parse Error'],
    ['HTTP/1.1 200 OK\r\n\r\n', 'Unexpected response code: 200'],
    [RESPONSE.replace('Upgrade: websocket\r\n', ''), "'Upgrade' header is missing"],
    [RESPONSE.replace('Upgrade: websocket', 'Upgrade: wrong'), "'Upgrade' header value is not 'WebSocket'"],
    [RESPONSE.replace('Connection: Upgrade\r\n', ''), "'Connection' header is missing"],
    [RESPONSE.replace('Connection: Upgrade', 'Connection: close'), "'Connection' header value is not 'Upgrade'"],
    [RESPONSE.replace('QV3I5XUXU2CdhtjixE7QCkCcMZM=', 'wrong'), 'Sec-WebSocket-Accept mismatch'],
    [RESPONSE.replace('\r\n\r\n', '\r\nSec-WebSocket-Protocol: irc\r\n\r\n'), 'Sec-WebSocket-Protocol mismatch'],
    [
      RESPONSE.replace('\r\n\r\n', '\r\nSec-WebSocket-Extensions: x-foo\r\n\r\n'),
      'Server sent an extension response for unknown extension "x-foo"'
    ]
  ];
  for (const [response, reason] of failures) {
    test(`fails: ${reason}`, () => {
      const w = started({ protocols: ['xmpp'] });
      w.driver.parse(Buffer.from(response));
      const message = 'Error during WebSocket handshake: ' + reason;
      assert.deepStrictEqual(w.log, [
        ['error', message],
        ['close', 1002, message]
      ]);
      assert.strictEqual(w.driver.getState(), 'closed');
      w.driver.parse(Buffer.from([0x81, 0x00]));
      assert.strictEqual(w.log.length, 2);
    });
  }

  test('a subprotocol the client asked for is selected', () => {
    const w = started({ protocols: ['foo', 'xmpp'] });
    w.driver.parse(Buffer.from(RESPONSE.replace('\r\n\r\n', '\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n')));
    assert.deepStrictEqual(w.log, [['open']]);
    assert.strictEqual(w.driver.protocol, 'xmpp');
  });

  test('messages sent before opening are queued, then masked', () => {
    const w = client();
    assert.strictEqual(w.driver.text('early'), true);
    w.driver.start();
    w.out();
    w.driver.parse(Buffer.from(RESPONSE));
    const frame = Buffer.from(w.out(), 'hex');
    assert.strictEqual(frame[0], 0x81);
    assert.strictEqual(frame[1], 0x85);
    const key = frame.subarray(2, 6);
    const payload = Buffer.from(frame.subarray(6).map((b, i) => b ^ key[i & 3]));
    assert.strictEqual(payload.toString(), 'early');
  });

  test('a masked frame from the server is accepted (no masking rule on the client)', () => {
    const w = started();
    w.driver.parse(Buffer.from(RESPONSE));
    w.driver.parse(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 72, 105]));
    assert.deepStrictEqual(w.log, [['open'], ['message', 'Hi']]);
  });
});

test.describe('client driver: proxy', () => {
  const connect =
    'CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com\r\nConnection: keep-alive\r\n' +
    'Proxy-Connection: keep-alive\r\n';

  function startProxy(origin, headers = {}) {
    const proxy = oxws.client('ws://www.example.com/socket').proxy(origin);
    for (const [k, v] of Object.entries(headers)) proxy.setHeader(k, v);
    const out = [];
    proxy.on('data', (d) => out.push(d.toString()));
    assert.strictEqual(proxy.start(), true);
    assert.strictEqual(proxy.start(), false);
    return { proxy, out };
  }

  test('CONNECT request, with authentication and custom headers', () => {
    assert.deepStrictEqual(startProxy('http://proxy.example.com').out, [connect + '\r\n']);
    assert.deepStrictEqual(startProxy('http://user:pass@proxy.example.com').out, [
      connect + 'Proxy-Authorization: Basic dXNlcjpwYXNz\r\n\r\n'
    ]);
    assert.deepStrictEqual(
      startProxy('http://user:pass@proxy.example.com', { 'User-Agent': 'Chrome' }).out,
      [connect + 'Proxy-Authorization: Basic dXNlcjpwYXNz\r\nUser-Agent: Chrome\r\n\r\n']
    );
  });

  test('wss: defaults to port 443', () => {
    const proxy = oxws.client('wss://www.example.com/').proxy('http://proxy');
    let out = '';
    proxy.on('data', (d) => (out += d));
    proxy.start();
    assert.match(out, /^CONNECT www\.example\.com:443 HTTP\/1\.1\r\n/);
  });

  test("200 emits 'connect'; anything else 'error'; both end the stream", () => {
    let { proxy } = startProxy('http://proxy');
    const events = [];
    proxy.on('connect', () => events.push('connect'));
    proxy.on('end', () => events.push('end'));
    assert.strictEqual(proxy.write(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), true);
    assert.deepStrictEqual(events, ['connect', 'end']);
    assert.strictEqual(proxy.statusCode, 200);

    ({ proxy } = startProxy('http://proxy'));
    let error;
    proxy.on('error', (e) => (error = e));
    proxy.write(Buffer.from('HTTP/1.1 403 Forbidden\r\n\r\n'));
    assert.strictEqual(
      error.message,
      "Can't establish a connection to the server at ws://www.example.com/socket"
    );
    assert.strictEqual(proxy.statusCode, 403);
    assert.strictEqual(proxy.write(Buffer.from('x')), false);
  });
});
