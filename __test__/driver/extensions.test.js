'use strict';

/**
 * Extensions on the driver: the websocket-extensions framework with the npm
 * `permessage-deflate` 0.1.7 package, against websocket-driver 0.8.0 in both directions;
 * negotiation errors; ordering when sessions finish out of order; the header parser
 * against websocket-extensions' own.
 */

const test = require('node:test');
const assert = require('node:assert');
const deflate = require('permessage-deflate');
const nativeDeflate = require('oxws/permessage-deflate');
const Extensions = require('../../lib/driver/extensions');
const parser = require('../../lib/driver/extensions/parser');
const upstreamParser = require('websocket-extensions/lib/parser');
const { oxws, upstream, OxHybi, UpHybi, request, wire } = require('./helpers');

/**
 * Connects a client driver and a server driver in memory (`io` piped both ways, async like a
 * socket) and resolves once both are open.
 *
 * @param {Object} clientImpl Driver module for the client
 * @param {Object} serverImpl Driver module for the server
 * @param {Function} [setup] Called with `(client, server)` before start
 * @param {Object} [serverOptions] Options of the server driver
 * @return {Promise<Object[]>} `[client, server]`
 */
function connect(clientImpl, serverImpl, setup = () => {}, serverOptions = {}) {
  const client = clientImpl.client('ws://localhost/', {});
  const server = serverImpl.server(serverOptions);
  client.io.on('data', (d) => setImmediate(() => server.io.write(Buffer.from(d))));
  server.io.on('data', (d) => setImmediate(() => client.io.write(Buffer.from(d))));
  server.on('connect', () => server.start());
  setup(client, server);
  return new Promise((resolve, reject) => {
    let opened = 0;
    const onOpen = () => ++opened === 2 && resolve([client, server]);
    client.on('open', onOpen);
    server.on('open', onOpen);
    client.on('error', reject);
    client.start();
  });
}

/**
 * Collects `n` messages from a driver.
 *
 * @param {Object} driver The driver
 * @param {Number} n How many
 * @return {Promise<Array>} The message data
 */
function receive(driver, n) {
  const got = [];
  return new Promise((resolve) => {
    driver.on('message', (e) => {
      got.push(e.data);
      if (got.length === n) resolve(got);
    });
  });
}

const messages = [
  'hello',
  '',
  'x'.repeat(100000),
  Buffer.from([0, 1, 2, 255]),
  JSON.stringify({ a: 'é'.repeat(500) }),
  Buffer.alloc(70000, 7)
];

const combos = [];
for (const [name, clientImpl, serverImpl] of [
  ['oxws client → websocket-driver server', oxws, upstream],
  ['websocket-driver client → oxws server', upstream, oxws],
  ['oxws client → oxws server', oxws, oxws]
]) {
  for (const [extName, clientExt, serverExt] of [
    ['npm permessage-deflate both sides', deflate, deflate],
    ['oxws/permessage-deflate client, npm server', nativeDeflate, deflate],
    ['npm client, oxws/permessage-deflate server', deflate, nativeDeflate],
    ['oxws/permessage-deflate both sides', nativeDeflate, nativeDeflate],
    [
      'oxws/permessage-deflate, no context takeover, 9-bit windows',
      nativeDeflate.configure({ noContextTakeover: true, maxWindowBits: 9 }),
      nativeDeflate.configure({ requestNoContextTakeover: true, requestMaxWindowBits: 9 })
    ]
  ]) {
    combos.push([`${name}, ${extName}`, clientImpl, serverImpl, clientExt, serverExt]);
  }
}

for (const [name, clientImpl, serverImpl, clientExt, serverExt] of combos) {
  test(`permessage-deflate: ${name}`, async () => {
    let wire = 0;
    const [client, server] = await connect(clientImpl, serverImpl, (c, s) => {
      c.addExtension(clientExt);
      s.addExtension(serverExt);
      c.io.on('data', (d) => (wire += d.length));
    });
    assert.match(client.headers['sec-websocket-extensions'], /^permessage-deflate/);

    const atServer = receive(server, messages.length);
    for (const m of messages) typeof m === 'string' ? client.text(m) : client.binary(m);
    const got = await atServer;
    assert.deepStrictEqual(got, messages);
    assert.ok(wire < 20000, `compressed on the wire (${wire} bytes)`);

    const atClient = receive(client, messages.length);
    for (const m of got) typeof m === 'string' ? server.text(m) : server.binary(m);
    assert.deepStrictEqual(await atClient, messages);

    const closed = new Promise((resolve) => server.on('close', (e) => resolve([e.code, e.reason])));
    client.close('done', 4001);
    assert.deepStrictEqual(await closed, [4001, 'done']);
  });
}

for (const [name, ext, reason] of [
  ['npm permessage-deflate (checked after inflating)', deflate, 'WebSocket frame length too large'],
  ['oxws/permessage-deflate (checked while inflating)', nativeDeflate, 'WebSocket frame length too large']
]) {
  test(`maxLength applies to the inflated size: ${name}`, async () => {
    const [client, server] = await connect(
      upstream,
      oxws,
      (c, s) => {
        c.addExtension(deflate);
        s.addExtension(ext);
      },
      { maxLength: 1000 }
    );
    const closed = new Promise((resolve) => server.on('close', (e) => resolve([e.code, e.reason])));
    client.text('a'.repeat(5000));
    assert.deepStrictEqual(await closed, [1009, reason]);
  });
}

test('oxws/permessage-deflate in websocket-driver bounds a decompression bomb while inflating', async () => {
  const [client, server] = await connect(
    oxws,
    upstream,
    (c, s) => {
      c.addExtension(nativeDeflate);
      s.addExtension(nativeDeflate);
    },
    { maxLength: 1 << 20 }
  );
  const closed = new Promise((resolve) => server.on('close', (e) => resolve([e.code, e.reason])));
  const before = process.memoryUsage().rss;
  client.binary(Buffer.alloc(64 << 20));
  assert.deepStrictEqual(await closed, [1009, 'permessage-deflate: WebSocket frame length too large']);
  assert.ok(process.memoryUsage().rss - before < 200 << 20);
});

test('corrupt compressed data fails with 1010 on the native path', async () => {
  const [client, server] = await connect(oxws, oxws, (c, s) => {
    c.addExtension(nativeDeflate);
    s.addExtension(nativeDeflate);
  });
  const closed = new Promise((resolve) => server.on('close', (e) => resolve(e.code)));
  // A masked RSV1 text frame whose payload is not deflate data.
  client._write(Buffer.from([0xc1, 0x84, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]));
  assert.strictEqual(await closed, 1010);
});

/**
 * A started server-side hybi driver with one extension and an offer header.
 *
 * @param {Function} Impl `OxHybi` or `UpHybi`
 * @param {Object} ext The extension
 * @param {String} offer The request's `Sec-WebSocket-Extensions`
 * @return {Object} The wired driver (`out()` holds the response)
 */
function startWith(Impl, ext, offer) {
  const d = new Impl(request({ 'sec-websocket-extensions': offer }), 'ws://www.example.com/socket', {
    masking: false
  });
  d.addExtension(ext);
  const w = wire(d);
  d.start();
  return w;
}

const extensionsHeader = (w) => {
  const head = Buffer.from(w.out(), 'hex').toString('latin1');
  const match = /\r\nSec-WebSocket-Extensions: ([^\r]*)\r\n/.exec(head);
  return [head.split('\r\n')[0], match ? match[1] : null];
};

test('an offer with a __proto__ parameter is accepted with the response websocket-extensions gives', () => {
  for (const offer of [
    'permessage-deflate; __proto__=1',
    'permessage-deflate; __proto__',
    'permessage-deflate; client_max_window_bits; __proto__="x"',
    'permessage-deflate; __proto__=1; server_no_context_takeover',
    'permessage-deflate; __proto__=1; constructor=1',
    'permessage-deflate; hasOwnProperty'
  ]) {
    const want = extensionsHeader(startWith(UpHybi, deflate, offer));
    assert.deepStrictEqual(extensionsHeader(startWith(OxHybi, nativeDeflate, offer)), want, offer);
    assert.deepStrictEqual(extensionsHeader(startWith(OxHybi, deflate, offer)), want, offer);
    assert.deepStrictEqual(extensionsHeader(startWith(UpHybi, nativeDeflate, offer)), want, offer);
  }
  const [, header] = extensionsHeader(startWith(OxHybi, nativeDeflate, 'permessage-deflate; __proto__=1'));
  assert.strictEqual(header, 'permessage-deflate');
  assert.strictEqual({}.polluted, undefined);
});

test('undecodable compressed data closes with 1010 as upstream; the native path names no zlib reason', async () => {
  const payloads = ['ffffffff', '0102030405', '0005000000', 'f248cdc9c90700ffff01'];
  const offer = 'permessage-deflate';
  for (const payload of payloads) {
    const frame = Buffer.concat([Buffer.from([0xc1, payload.length / 2]), Buffer.from(payload, 'hex')]);
    const logs = [];
    for (const [Impl, ext] of [
      [UpHybi, deflate],
      [OxHybi, deflate],
      [OxHybi, nativeDeflate],
      [UpHybi, nativeDeflate]
    ]) {
      const w = startWith(Impl, ext, offer);
      w.out();
      w.driver.parse(frame);
      await new Promise((resolve) => setTimeout(resolve, 10));
      logs.push({ log: w.log.slice(1), out: w.out(), state: w.driver.getState() });
    }
    const [up, oxNpm, oxNative, upNative] = logs;
    // The npm extension in oxws's driver, and oxws's extension in websocket-driver: identical.
    assert.deepStrictEqual(oxNpm, up, payload);
    assert.deepStrictEqual(upNative, up, payload);
    // The native path: same code and state, one reason for every kind of corrupt data.
    const reason = 'permessage-deflate: invalid compressed data';
    assert.strictEqual(up.log[1][1], 1010, payload);
    assert.deepStrictEqual(oxNative.log, [['error', reason], ['close', 1010, reason]], payload);
    assert.strictEqual(oxNative.out, '882d03f2' + Buffer.from(reason).toString('hex'), payload);
    assert.strictEqual(up.out.slice(4, 8), '03f2', payload);
    assert.strictEqual(oxNative.state, up.state);
  }
});

test('oxws/permessage-deflate negotiates exactly as the npm package', () => {
  const Up = require('permessage-deflate');
  const optionSets = [
    {},
    { noContextTakeover: true },
    { maxWindowBits: 10 },
    { requestNoContextTakeover: true, requestMaxWindowBits: 12 },
    { level: 1, memLevel: 9, strategy: 0 }
  ];
  const offers = [
    {},
    { client_max_window_bits: true },
    { client_max_window_bits: 10, server_max_window_bits: 11 },
    { server_no_context_takeover: true, client_no_context_takeover: true },
    { server_max_window_bits: 7 },
    { unknown: true },
    { client_max_window_bits: [9, 10] }
  ];
  for (const options of optionSets) {
    const mine = nativeDeflate.configure({ ...options });
    const theirs = Up.configure({ ...options });
    assert.deepStrictEqual(mine.createClientSession().generateOffer(), theirs.createClientSession().generateOffer());
    for (const offer of offers) {
      const a = mine.createServerSession([offer]);
      const b = theirs.createServerSession([offer]);
      assert.strictEqual(a === null, b === null, JSON.stringify([options, offer]));
      if (a) assert.deepStrictEqual(a.generateResponse(), b.generateResponse(), JSON.stringify([options, offer]));
      const ca = mine.createClientSession();
      const cb = theirs.createClientSession();
      ca.generateOffer();
      cb.generateOffer();
      assert.strictEqual(ca.activate({ ...offer }), cb.activate({ ...offer }), JSON.stringify([options, offer]));
    }
  }
  assert.throws(() => nativeDeflate.configure({ bogus: 1 }), { message: 'Unrecognized option: bogus' });
  assert.throws(() => nativeDeflate.configure({ maxWindowBits: 20 }).createClientSession().generateOffer(), {
    message: 'Invalid value for maxWindowBits'
  });
});

test('sessions that finish out of order still deliver messages in order', async () => {
  const delays = [30, 0, 15, 0, 5];
  let i = 0;
  const slow = {
    name: 'x-slow',
    type: 'permessage',
    rsv1: false,
    rsv2: false,
    rsv3: false,
    createServerSession: () => session,
    createClientSession: () => session
  };
  const session = {
    generateOffer: () => ({}),
    generateResponse: () => ({}),
    activate: () => true,
    processIncomingMessage(message, callback) {
      setTimeout(() => callback(null, message), delays[i++ % delays.length]);
    },
    processOutgoingMessage(message, callback) {
      callback(null, message);
    },
    close() {}
  };
  const [client, server] = await connect(upstream, oxws, (c, s) => {
    c.addExtension({ ...slow, createClientSession: () => ({ ...session, processIncomingMessage: session.processOutgoingMessage }) });
    s.addExtension(slow);
  });
  const got = receive(server, 5);
  for (let n = 0; n < 5; n++) client.text(String(n));
  assert.deepStrictEqual(await got, ['0', '1', '2', '3', '4']);
});

test('an extension error fails the connection with 1010', async () => {
  const failing = {
    name: 'x-fail',
    type: 'permessage',
    rsv1: false,
    rsv2: false,
    rsv3: false,
    createServerSession: () => ({
      generateResponse: () => ({}),
      processIncomingMessage: (m, cb) => cb(new Error('nope')),
      processOutgoingMessage: (m, cb) => cb(null, m),
      close() {}
    }),
    createClientSession: () => ({
      generateOffer: () => ({}),
      activate: () => true,
      processIncomingMessage: (m, cb) => cb(null, m),
      processOutgoingMessage: (m, cb) => cb(null, m),
      close() {}
    })
  };
  const [client, server] = await connect(upstream, oxws, (c, s) => {
    c.addExtension(failing);
    s.addExtension(failing);
  });
  const closed = new Promise((resolve) => server.on('close', (e) => resolve([e.code, e.reason])));
  client.text('x');
  assert.deepStrictEqual(await closed, [1010, 'x-fail: nope']);
});

test('Extensions.add validates the extension object', () => {
  const ext = new Extensions();
  const base = { name: 'a', type: 'permessage', rsv1: false, rsv2: false, rsv3: false };
  assert.throws(() => ext.add({ ...base, name: 1 }), { message: 'extension.name must be a string' });
  assert.throws(() => ext.add({ ...base, type: 'x' }), { message: 'extension.type must be "permessage"' });
  assert.throws(() => ext.add({ ...base, rsv2: 1 }), { message: 'extension.rsv2 must be true or false' });
  ext.add(base);
  assert.throws(() => ext.add(base), { message: 'An extension with name "a" is already registered' });
  assert.throws(() => new Extensions({ foo: 1 }), { message: 'Unrecognized option: foo' });
});

test('the header parser gives websocket-extensions 0.2 results, in linear time', () => {
  const cases = [
    'permessage-deflate; client_max_window_bits',
    'a; b=1, c; d="x y"; d=2',
    'a;b = 1.5 ,  c',
    'x; y="a\\\\b\\"c"',
    'a,,b',
    'a; b=01',
    'a; b=-0.5',
    '  a',
    'a ;',
    'a; =1',
    'a; b="unterminated',
    'a, b\r\n c',
    'a; b=""',
    'a; b\r\n =1'
  ];
  for (const h of cases) {
    const run = (p) => {
      try {
        return JSON.stringify(p.parseHeader(h).toArray());
      } catch (e) {
        return e.constructor.name + ': ' + e.message;
      }
    };
    assert.strictEqual(run(parser), run(upstreamParser), h);
  }
  // Names of Object.prototype properties are plain parameters, except `__proto__`, which
  // websocket-extensions' assignment drops (the prototype is left alone).
  for (const h of ['a; __proto__=1; hasOwnProperty; constructor=x', 'a; __proto__; __proto__="x"; b']) {
    const run = (p) => JSON.stringify(p.parseHeader(h).toArray());
    assert.strictEqual(run(parser), run(upstreamParser), h);
  }
  const params = parser.parseHeader('a; __proto__=1; hasOwnProperty; constructor=x').toArray()[0].params;
  assert.strictEqual(Object.getPrototypeOf(params), Object.prototype);
  assert.deepStrictEqual(Object.keys(params), ['hasOwnProperty', 'constructor']);
  assert.strictEqual(params.hasOwnProperty, true);
  // CVE-2020-7662: an unclosed quoted value with many escapes is rejected (in one linear
  // pass; the backtracking regex took exponential time).
  const evil = 'a; b="' + '\\'.repeat(50000) + 'x';
  assert.throws(() => parser.parseHeader(evil), SyntaxError);
  assert.strictEqual(
    parser.serializeParams('n', { a: true, b: 1, c: 'x y', d: ['1', 2] }),
    'n; a; b=1; c="x y"; d=1; d=2'
  );
});
