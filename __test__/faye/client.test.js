'use strict';

/**
 * The faye client (faye-websocket's `client_spec.js` behaviours): plain and TLS servers,
 * with no proxy, an HTTP proxy and a TLS proxy; sending, closing, closing before opening.
 * Plus what upstream gets wrong: the `net` option works, a refused proxy or connection
 * ends in `error` + `close` (never an uncaught exception), options are checked first.
 */

const test = require('node:test');
const assert = require('node:assert');
const net = require('net');
const Faye = require('oxws/faye');
const { ca, echoServer, proxyServer, once } = require('./helpers');

/**
 * Opens a client; resolves `{ws, opened}` once it opened or closed.
 *
 * @param {String} url The URL
 * @param {Object} [options] Client options
 * @return {Promise<Object>} The client and whether it opened
 */
function open(url, options) {
  const ws = new Faye.Client(url, ['foo', 'echo'], options);
  return new Promise((resolve) => {
    ws.onopen = () => resolve({ ws, opened: true });
    ws.onclose = () => resolve({ ws, opened: false });
  });
}

function nextMessage(ws, ms = 200) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    ws.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data);
    };
  });
}

for (const proxyKind of ['no proxy', 'an HTTP proxy', 'a TLS proxy']) {
  for (const secure of [false, true]) {
    test(`client with ${proxyKind}, ${secure ? 'TLS' : 'plain-text'} server`, async (t) => {
      const { server, port } = await echoServer(Faye, { secure });
      t.after(() => server.close());
      let proxy = null;
      if (proxyKind !== 'no proxy') {
        proxy = await proxyServer({ secure: proxyKind === 'a TLS proxy' });
        t.after(() => proxy.server.close());
      }
      const url = `${secure ? 'wss' : 'ws'}://127.0.0.1:${port}/bayeux`;
      const options = { tls: { ca } };
      if (proxy) {
        options.proxy = {
          origin: `${proxyKind === 'a TLS proxy' ? 'https' : 'http'}://127.0.0.1:${proxy.port}`,
          headers: { 'User-Agent': 'oxws-test' },
          tls: { ca }
        };
      }

      // Can open a connection.
      const { ws, opened } = await open(url, options);
      assert.strictEqual(opened, true);
      assert.strictEqual(ws.statusCode, 101);
      assert.strictEqual(ws.headers.upgrade, 'websocket');
      assert.strictEqual(ws.protocol, 'echo');
      assert.strictEqual(ws.readable, true);
      if (proxy) {
        assert.strictEqual(proxy.requests[0][0], `CONNECT 127.0.0.1:${port} HTTP/1.1`);
        assert.ok(proxy.requests[0].includes('User-Agent: oxws-test'));
      }

      // Can send and receive messages; numbers, booleans and arrays go as strings.
      for (const [sent, echoed] of [
        ['I expect this to be echoed', 'I expect this to be echoed'],
        [13, '13'],
        [false, 'false'],
        [[13, 14, 15], '13,14,15']
      ]) {
        const got = nextMessage(ws);
        ws.send(sent);
        assert.strictEqual(await got, echoed);
      }

      // Can close the connection; then cannot send.
      const closed = once(ws, 'close');
      ws.close();
      const event = await closed;
      assert.strictEqual(event.code, 1000);
      assert.strictEqual(ws.readyState, 3);
      assert.strictEqual(ws.readable, false);
      assert.strictEqual(ws.send('x'), false);
      assert.strictEqual(await nextMessage(ws, 50), undefined);

      // Can be closed before connecting.
      const fast = new Faye.Client(url, ['echo'], options);
      let everOpened = false;
      fast.onopen = () => (everOpened = true);
      const fastClosed = once(fast, 'close');
      fast.close();
      await fastClosed;
      assert.strictEqual(everOpened, false);
      assert.strictEqual(fast.readyState, 3);
      assert.strictEqual(fast.readable, false);
    });
  }
}

test('the net option is accepted (upstream throws "Unrecognized option: net")', async (t) => {
  const { server, port } = await echoServer(Faye);
  t.after(() => server.close());
  const { ws, opened } = await open(`ws://127.0.0.1:${port}/`, { net: { family: 4 } });
  assert.strictEqual(opened, true);
  ws.close();
  await once(ws, 'close');
});

test('legacy ca option for wss', async (t) => {
  const { server, port } = await echoServer(Faye, { secure: true });
  t.after(() => server.close());
  const { ws, opened } = await open(`wss://127.0.0.1:${port}/`, { ca });
  assert.strictEqual(opened, true);
  ws.close();
  await once(ws, 'close');
});

test('unknown options throw before any connection is made', () => {
  let connections = 0;
  const original = net.connect;
  net.connect = (...args) => {
    connections++;
    return original(...args);
  };
  try {
    assert.throws(() => new Faye.Client('ws://127.0.0.1:1/', [], { bogus: 1 }), {
      message: 'Unrecognized option: bogus'
    });
  } finally {
    net.connect = original;
  }
  assert.strictEqual(connections, 0);
});

test('a refused connection ends in error + close 1006, not an exception', async () => {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));

  const ws = new Faye.Client(`ws://127.0.0.1:${port}/`, [], { net: { family: 4 } });
  const errors = [];
  ws.onerror = (e) => errors.push(e.message);
  const event = await once(ws, 'close');
  assert.strictEqual(event.code, 1006);
  assert.match(errors[0], /^Network error: ws:\/\/127\.0\.0\.1:\d+\/: connect ECONNREFUSED/);
});

test('a proxy that refuses CONNECT gives error + close with its status', async (t) => {
  const proxy = await proxyServer({ refuse: true });
  t.after(() => proxy.server.close());
  const ws = new Faye.Client('ws://127.0.0.1:9/', [], {
    proxy: { origin: `http://127.0.0.1:${proxy.port}` }
  });
  const errors = [];
  ws.onerror = (e) => errors.push(e.message);
  const event = await once(ws, 'close');
  assert.deepStrictEqual(errors, ["Can't establish a connection to the server at ws://127.0.0.1:9/"]);
  assert.strictEqual(event.code, 1006);
  assert.strictEqual(ws.statusCode, 403);
});

test('a handshake refused by the server: error, close 1002, statusCode and headers', async (t) => {
  const server = require('http').createServer();
  server.on('upgrade', (req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\nX-Why: no\r\n\r\n'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const ws = new Faye.Client(`ws://127.0.0.1:${server.address().port}/`);
  const errors = [];
  ws.onerror = (e) => errors.push(e.message);
  const event = await once(ws, 'close');
  assert.deepStrictEqual(errors, ['Error during WebSocket handshake: Unexpected response code: 403']);
  assert.strictEqual(event.code, 1002);
  assert.strictEqual(ws.statusCode, 403);
  assert.strictEqual(ws.headers['x-why'], 'no');
});
