'use strict';

/**
 * WebSocketServer, differentially against ws@8.23.0 where possible: the same raw handshake
 * requests must get the same HTTP responses (status, headers, body), and the server API
 * must behave the same.
 */

const assert = require('assert');
const http = require('http');
const net = require('net');
const { describe, it } = require('node:test');
const { once } = require('events');

const RealWS = require('ws');
const OxWS = require('../..');
const { closeAfterAll } = require('../helpers/cleanup');

/** Sends raw bytes; resolves to the response text once the peer closes (or 1 s passes). */
function raw(port, text) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (data += d));
    socket.on('error', () => {});
    socket.on('close', () => resolve(data));
    setTimeout(() => socket.destroy(), 1000).unref();
  });
}

/** Drops headers that differ by nature (Date). */
function normalise(response) {
  return response
    .split('\r\n')
    .filter((line) => !/^Date:/i.test(line))
    .join('\r\n');
}

/** Runs a scenario against a server of each implementation; returns both results. */
async function both(options, scenario) {
  const results = [];
  for (const WS of [RealWS, OxWS]) {
    const wss = new WS.WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
    await once(wss, 'listening');
    try {
      results.push(await scenario(wss, WS));
    } finally {
      for (const c of wss.clients || []) c.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  }
  return results;
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const request = (lines) => `GET / HTTP/1.1\r\nHost: localhost\r\n${lines.join('\r\n')}\r\n\r\n`;
const GOOD = ['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 13'];

describe('WebSocketServer handshake responses (vs ws@8.23.0)', () => {
  const cases = {
    'a valid upgrade': request(GOOD),
    'version 8': request(GOOD.map((l) => l.replace('Version: 13', 'Version: 8'))),
    'a POST': request(GOOD).replace('GET', 'POST'),
    'no Upgrade header': request(GOOD.slice(1)),
    'Upgrade: h2c': request(['Upgrade: h2c', ...GOOD.slice(1)]),
    'no key': request([GOOD[0], GOOD[1], GOOD[3]]),
    'a bad key': request([GOOD[0], GOOD[1], 'Sec-WebSocket-Key: short', GOOD[3]]),
    'no version': request(GOOD.slice(0, 3)),
    'version 12': request([...GOOD.slice(0, 3), 'Sec-WebSocket-Version: 12']),
    'subprotocols': request([...GOOD, 'Sec-WebSocket-Protocol: chat, superchat']),
    'a bad subprotocol header': request([...GOOD, 'Sec-WebSocket-Protocol: chat,,x']),
    'an extension offer (deflate off)': request([...GOOD, 'Sec-WebSocket-Extensions: permessage-deflate'])
  };

  for (const [name, text] of Object.entries(cases)) {
    it(name, async () => {
      const [theirs, mine] = await both({}, (wss) => raw(wss.address().port, text));
      assert.strictEqual(normalise(mine), normalise(theirs));
    });
  }

  it('permessage-deflate offers and bad parameters', async () => {
    for (const offer of [
      'permessage-deflate; client_max_window_bits',
      'permessage-deflate; server_max_window_bits=10; client_no_context_takeover',
      'permessage-deflate; server_max_window_bits=7',
      'permessage-deflate; client_max_window_bits=16',
      'permessage-deflate; unknown=1',
      'permessage-deflate; server_no_context_takeover=1',
      'permessage-deflate; server_max_window_bits=10, permessage-deflate',
      'x-webkit-deflate-frame, permessage-deflate'
    ]) {
      const text = request([...GOOD, `Sec-WebSocket-Extensions: ${offer}`]);
      const [theirs, mine] = await both({ perMessageDeflate: true }, (wss) => raw(wss.address().port, text));
      assert.strictEqual(normalise(mine), normalise(theirs), offer);
    }
  });

  it('verifyClient (sync and async, with code, message and headers)', async () => {
    for (const verifyClient of [
      () => false,
      (info, cb) => cb(false, 403, 'Go away', { 'X-Reason': 'test' }),
      (info, cb) => cb(false),
      (info, cb) => cb(true)
    ]) {
      const [theirs, mine] = await both({ verifyClient }, (wss) => raw(wss.address().port, request(GOOD)));
      assert.strictEqual(normalise(mine), normalise(theirs));
    }
  });

  it('path mismatch, handleProtocols, and the headers event', async () => {
    const [t1, m1] = await both({ path: '/ws' }, (wss) => raw(wss.address().port, request(GOOD)));
    assert.strictEqual(normalise(m1), normalise(t1));
    const options = { handleProtocols: (set) => [...set].pop() };
    const [t2, m2] = await both(options, (wss) => {
      wss.on('headers', (headers) => headers.push('X-Extra: 1'));
      return raw(wss.address().port, request([...GOOD, 'Sec-WebSocket-Protocol: a, b, c']));
    });
    assert.strictEqual(normalise(m2), normalise(t2));
    assert.match(m2, /Sec-WebSocket-Protocol: c\r\n/);
  });

  it('503 while closing, and wsClientError replaces the response', async () => {
    const responses = [];
    for (const WS of [RealWS, OxWS]) {
      const server = closeAfterAll(http.createServer());
      const wss = new WS.WebSocketServer({ noServer: true });
      server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, () => {}));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      wss.close();
      responses.push(normalise(await raw(server.address().port, request(GOOD))));
      server.close();
    }
    assert.strictEqual(responses[1], responses[0]);
    assert.match(responses[1], /^HTTP\/1\.1 503/);
    const [t2, m2] = await both({}, (wss) => {
      wss.on('wsClientError', (err, socket) => socket.end(`HTTP/1.1 418 I'm a teapot\r\nX-Err: ${err.message}\r\n\r\n`));
      return raw(wss.address().port, request(['Upgrade: h2c', ...GOOD.slice(1)]));
    });
    assert.strictEqual(normalise(m2), normalise(t2));
    assert.match(m2, /418/);
  });

  it('a plain HTTP request to the internal server gets 426', async () => {
    const [theirs, mine] = await both({}, (wss) => raw(wss.address().port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    assert.strictEqual(normalise(mine), normalise(theirs));
  });
});

describe('WebSocketServer API', () => {
  it('needs exactly one of port, server and noServer', () => {
    for (const options of [{}, { port: 0, noServer: true }, { server: http.createServer(), noServer: true }]) {
      assert.throws(() => new OxWS.WebSocketServer(options), {
        name: 'TypeError',
        message: 'One and only one of the "port", "server", or "noServer" options must be specified'
      });
    }
  });

  it('accepts every handshakeTimeout ws accepts; one that is not milliseconds >= 0 means the default', async () => {
    // ws has no server-side handshakeTimeout and ignores it; option objects shared with the
    // client must not make the server throw.
    const cases = [[undefined, 10000], [null, 10000], ['5000', 5000], [-1, 10000], [NaN, 10000], [true, 10000], [0, 0], [250, 250]];
    for (const [value, expected] of cases) {
      const upstream = new RealWS.WebSocketServer({ port: 0, host: '127.0.0.1', handshakeTimeout: value });
      upstream.close();
      const wss = closeAfterAll(new OxWS.WebSocketServer({ port: 0, host: '127.0.0.1', handshakeTimeout: value }));
      await once(wss, 'listening');
      assert.deepStrictEqual([wss._server.headersTimeout, wss._server.requestTimeout], [expected, expected], String(value));
      wss.close();
    }
  });

  it('address() throws in noServer mode', () => {
    const wss = new OxWS.WebSocketServer({ noServer: true });
    assert.throws(() => wss.address(), /noServer/);
  });

  it('handleUpgrade twice with the same socket throws', async () => {
    const server = closeAfterAll(http.createServer());
    const wss = closeAfterAll(new OxWS.WebSocketServer({ noServer: true }));
    let thrown;
    server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, () => {});
      try {
        wss.handleUpgrade(req, socket, head, () => {});
      } catch (err) {
        thrown = err;
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const ws = closeAfterAll(new OxWS(`ws://127.0.0.1:${server.address().port}`));
    await once(ws, 'open');
    assert.match(thrown.message, /called more than once with the same socket/);
    ws.terminate();
    server.close();
  });

  it('tracks clients, and close() waits for them in server mode', async () => {
    const server = closeAfterAll(http.createServer());
    const wss = closeAfterAll(new OxWS.WebSocketServer({ server }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const ws = closeAfterAll(new OxWS(`ws://127.0.0.1:${server.address().port}`));
    await once(wss, 'connection');
    assert.strictEqual(wss.clients.size, 1);
    let closed = false;
    wss.close(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.strictEqual(closed, false);
    ws.close();
    await once(wss, 'close');
    assert.strictEqual(wss.clients.size, 0);
    server.close();
    const again = new Promise((resolve) => wss.close(resolve));
    assert.match((await again).message, /not running/);
  });

  it('uses the WebSocket subclass it is given', async () => {
    class Sub extends OxWS {}
    const wss = closeAfterAll(new OxWS.WebSocketServer({ host: '127.0.0.1', port: 0, WebSocket: Sub }));
    await once(wss, 'listening');
    const ws = new OxWS(`ws://127.0.0.1:${wss.address().port}`);
    const [serverSide] = await once(wss, 'connection');
    await once(ws, 'open');
    assert.ok(serverSide instanceof Sub);
    assert.ok(serverSide instanceof OxWS);
    ws.terminate();
    serverSide.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });
});
