'use strict';

/**
 * The faye server socket: events and their objects, faye's close rule, ping callbacks,
 * the `ping` option, `pipe` echo, `maxLength`, the close timeout, real `bufferedAmount`,
 * extensions (npm and native permessage-deflate), the main export's faye form, and
 * interop with the real faye-websocket 0.11.4 in both directions.
 */

const test = require('node:test');
const assert = require('node:assert');
const http = require('http');
const Faye = require('oxws/faye');
const Main = require('../..');
const UpstreamFaye = require('faye-websocket');
const API = require('../../lib/faye/api');
const WsClient = require('ws');
const { echoServer, once, listen } = require('./helpers');

/**
 * Starts a server whose socket is handed to `onSocket`, and a ws client to it.
 *
 * @param {Object} t The test context
 * @param {Object} [options] `{Impl, socketOptions, onSocket, client}`
 * @return {Promise<Object>} `{server, socket, client}`
 */
async function pair(t, options = {}) {
  let resolveSocket;
  const socketReady = new Promise((resolve) => (resolveSocket = resolve));
  const { server, port } = await echoServer(options.Impl || Faye, {
    socketOptions: options.socketOptions,
    onSocket: (ws) => {
      if (options.onSocket) options.onSocket(ws);
      resolveSocket(ws);
    }
  });
  t.after(() => server.close());
  const client = new WsClient(`ws://127.0.0.1:${port}/path?x=1`, ['echo'], options.client);
  client.on('error', () => {});
  t.after(() => client.terminate());
  const socket = await socketReady;
  await once(client, 'open');
  return { server, socket, client };
}

test('events are faye Event objects; text as strings, binary as Buffers', async (t) => {
  const seen = [];
  const { socket, client } = await pair(t, {
    onSocket: (ws) => {
      ws.onopen = (e) => seen.push(['onopen', e.type, e.target === ws, e.eventPhase]);
      ws.addEventListener('message', (e) => seen.push(['message', e.data]));
      ws.on('data', (d) => seen.push(['data', d]));
    }
  });
  assert.strictEqual(socket.url, client.url);
  assert.strictEqual(socket.version, 'hybi-13');
  assert.strictEqual(socket.protocol, 'echo');
  assert.strictEqual(socket.readyState, API.OPEN);
  client.send('hello');
  client.send(Buffer.from([1, 2]));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepStrictEqual(seen, [
    ['onopen', 'open', true, 2],
    ['data', 'hello'],
    ['message', 'hello'],
    ['data', Buffer.from([1, 2])],
    ['message', Buffer.from([1, 2])]
  ]);
  const closed = once(socket, 'close');
  client.close(4001, 'bye');
  const event = await closed;
  assert.deepStrictEqual([event.type, event.code, event.reason], ['close', 4001, 'bye']);
});

test('pipe to itself echoes (the README echo server)', async (t) => {
  const { client } = await pair(t, { onSocket: (ws) => ws.pipe(ws) });
  const got = once(client, 'message');
  client.send('echo me');
  assert.strictEqual((await got).toString(), 'echo me');
});

test("close(code, reason): faye's rule, and the client sees the code", async (t) => {
  const { socket, client } = await pair(t);
  for (const bad of [999, 1001, 1011, 2999, 5000]) {
    assert.throws(() => socket.close(bad), {
      message:
        "Failed to execute 'close' on WebSocket: The code must be either 1000, or between 3000 " +
        `and 4999. ${bad} is neither.`
    });
  }
  const clientClosed = new Promise((resolve) => client.on('close', (code, reason) => resolve([code, reason.toString()])));
  const closed = once(socket, 'close');
  socket.close(3001, 'going');
  assert.strictEqual(socket.readyState, API.CLOSING);
  assert.deepStrictEqual(await clientClosed, [3001, 'going']);
  const event = await closed;
  assert.deepStrictEqual([event.code, event.reason], [3001, 'going']);
  assert.strictEqual(socket.send('late'), false);
  assert.strictEqual(socket.ping(), false);
});

test('ping(message, callback) runs on the matching pong; the ping option pings', async (t) => {
  const { socket, client } = await pair(t, { socketOptions: { ping: 0.05 } });
  const pings = [];
  client.on('ping', (data) => pings.push(data.toString()));
  const pong = new Promise((resolve) => socket.ping('hi', resolve));
  await pong;
  await new Promise((resolve) => setTimeout(resolve, 180));
  assert.ok(pings.includes('hi'));
  assert.ok(pings.includes('1') && pings.includes('2'), pings.join(','));
});

test('maxLength closes with 1009', async (t) => {
  const { socket, client } = await pair(t, { socketOptions: { maxLength: 10 } });
  const errors = [];
  socket.onerror = (e) => errors.push(e.message);
  const clientClosed = new Promise((resolve) => client.on('close', (code) => resolve(code)));
  client.send('x'.repeat(11));
  assert.strictEqual(await clientClosed, 1009);
  assert.deepStrictEqual(errors, ['WebSocket frame length too large']);
});

test('close timeout: no answer to a close ends in 1006', async (t) => {
  const timeout = API.CLOSE_TIMEOUT;
  API.CLOSE_TIMEOUT = 50;
  t.after(() => (API.CLOSE_TIMEOUT = timeout));
  const { socket, client } = await pair(t);
  client._socket.pause(); // never reads the close frame, never answers
  const closed = once(socket, 'close');
  socket.close();
  const event = await closed;
  assert.strictEqual(event.code, 1006);
  client.terminate();
});

test('bufferedAmount counts queued bytes (upstream always reports 0)', async (t) => {
  const { socket, client } = await pair(t);
  client._socket.pause();
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < 16; i++) socket.send(chunk);
  assert.ok(socket.bufferedAmount > 1 << 20, String(socket.bufferedAmount));
  client.terminate();
});

test('unknown options throw; allowDrafts is accepted', async () => {
  const req = { method: 'GET', url: '/', headers: { host: 'h' } };
  const socket = new (require('stream').PassThrough)();
  assert.throws(() => new Faye(req, socket, Buffer.alloc(0), [], { nope: 1 }), {
    message: 'Unrecognized option: nope'
  });
  assert.doesNotThrow(() => new Faye(req, socket, Buffer.alloc(0), [], { allowDrafts: true }));
});

test('extensions: npm permessage-deflate and oxws/permessage-deflate, with a ws client', async (t) => {
  for (const ext of [require('permessage-deflate'), require('oxws/permessage-deflate')]) {
    const { client } = await pair(t, {
      socketOptions: { extensions: [ext] },
      onSocket: (ws) => ws.pipe(ws)
    });
    assert.match(client.extensions, /permessage-deflate/);
    const got = once(client, 'message');
    client.send('compress me '.repeat(100));
    assert.strictEqual((await got).toString(), 'compress me '.repeat(100));
    client.terminate();
  }
});

test('the main export builds faye sockets from the faye argument shape', async (t) => {
  let made;
  const server = http.createServer();
  server.on('upgrade', (request, socket, body) => {
    made = new Main(request, socket, body, ['echo']);
    made.pipe(made);
  });
  const port = await listen(server);
  t.after(() => server.close());
  assert.strictEqual(Main.isWebSocket({ method: 'GET', headers: { connection: 'Upgrade', upgrade: 'websocket' } }), true);
  const client = new Main.Client(`ws://127.0.0.1:${port}/`, ['echo']);
  await once(client, 'open');
  assert.ok(made instanceof Faye);
  assert.ok(client instanceof Faye.Client);
  const got = once(client, 'message');
  client.send('via main');
  assert.strictEqual((await got).data, 'via main');
  client.close();
  await once(client, 'close');
});

for (const [name, ServerImpl, ClientImpl] of [
  ['faye-websocket client → oxws server', Faye, UpstreamFaye],
  ['oxws client → faye-websocket server', UpstreamFaye, Faye]
]) {
  test(`interop: ${name}`, async (t) => {
    const { server, port } = await echoServer(ServerImpl);
    t.after(() => server.close());
    const client = new ClientImpl.Client(`ws://127.0.0.1:${port}/`, ['echo']);
    const got = [];
    const done = new Promise((resolve) => {
      client.onmessage = (e) => {
        got.push(e.data);
        if (got.length === 4) resolve();
      };
    });
    client.send('queued before open');
    await once(client, 'open');
    assert.strictEqual(client.protocol, 'echo');
    client.send('é'.repeat(1000));
    client.send(Buffer.alloc(70000, 5));
    client.send('');
    await done;
    assert.deepStrictEqual(got, ['queued before open', 'é'.repeat(1000), Buffer.alloc(70000, 5), '']);
    const pong = new Promise((resolve) => client.ping('p', resolve));
    await pong;
    const closed = once(client, 'close');
    client.close(4002, 'done');
    const event = await closed;
    assert.deepStrictEqual([event.code, event.reason], [4002, 'done']);
  });
}

test.describe('hixie drafts: 400 by default as with faye-websocket on websocket-driver 0.8.0; allowDrafts upgrades', () => {
  const net = require('net');
  const DRAFT76 =
    'GET /demo HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\nSec-WebSocket-Protocol: sample\r\n' +
    'Upgrade: WebSocket\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n' +
    'Origin: http://example.com\r\n\r\n^n:ds[4U';
  const DRAFT75 =
    'GET /demo HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\nUpgrade: WebSocket\r\n' +
    'Origin: http://example.com\r\n\r\n';

  /**
   * Sends a raw handshake to a faye server socket and collects the answer.
   *
   * @param {Function} Impl The faye WebSocket class
   * @param {String} raw The request (with the hixie-76 key3 body)
   * @param {Object} [options] Socket options
   * @param {String} [tail] What the answer ends with when complete (else: until the server
   *     ends the connection)
   * @return {Promise<Object>} `{response, events}`
   */
  async function handshake(Impl, raw, options, tail) {
    const events = [];
    const server = http.createServer();
    server.on('upgrade', (request, socket, body) => {
      const ws = new Impl(request, socket, body, ['sample'], options);
      ws.on('open', () => {
        events.push(['open', ws.version]);
        ws.send('hi');
      });
      ws.on('close', (e) => events.push(['close', e.code]));
    });
    const port = await listen(server);
    const got = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(raw, 'latin1'));
      let data = Buffer.alloc(0);
      const done = () => {
        socket.destroy();
        resolve(data);
      };
      socket.on('data', (d) => {
        data = Buffer.concat([data, d]);
        if (tail !== undefined && data.toString('latin1').endsWith(tail)) done();
      });
      socket.on('end', done);
      socket.on('error', done);
    });
    await new Promise((resolve) => server.close(resolve));
    return { response: got.toString('latin1'), events };
  }

  for (const [name, raw, upgraded, tail] of [
    ['hixie-76', DRAFT76, 'HTTP/1.1 101 WebSocket Protocol Handshake\r\n', "8jKS'y:G*Co,Wxa-\x00hi\xff"],
    ['hixie-75', DRAFT75, 'HTTP/1.1 101 Web Socket Protocol Handshake\r\n', '\x00hi\xff']
  ]) {
    test(`${name} handshake: 400 by default, the same bytes as faye-websocket`, async () => {
      const ours = await handshake(Faye, raw);
      const theirs = await handshake(UpstreamFaye, raw);
      assert.strictEqual(ours.response, theirs.response);
      assert.ok(ours.response.startsWith('HTTP/1.1 400 Bad Request\r\n'), ours.response);
      assert.ok(ours.response.endsWith('Unsupported WebSocket version: undefined'));
    });

    test(`${name} handshake: allowDrafts: true upgrades (faye-websocket 0.11.4 refuses the option)`, async () => {
      const ours = await handshake(Faye, raw, { allowDrafts: true }, tail);
      assert.ok(ours.response.startsWith(upgraded), ours.response);
      assert.ok(ours.response.endsWith(tail), JSON.stringify(ours.response));
      assert.deepStrictEqual(ours.events[0], ['open', name]);
      const req = { method: 'GET', url: '/', headers: { host: 'h' } };
      const socket = new (require('stream').PassThrough)();
      assert.throws(() => new UpstreamFaye(req, socket, Buffer.alloc(0), [], { allowDrafts: true }), {
        message: 'Unrecognized option: allowDrafts'
      });
    });
  }
});
