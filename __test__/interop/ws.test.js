'use strict';

/**
 * oxws ↔ the real ws@8.23.0, both directions, on 127.0.0.1: the same messages, close
 * codes and control frames must cross unchanged.
 */

const assert = require('assert');
const crypto = require('crypto');
const { describe, it, before, after } = require('node:test');
const { once } = require('events');

const RealWS = require('ws');
const OxWS = require('../..');
const { closeAfterAll } = require('../helpers/cleanup');

/**
 * Starts an echo server of the given implementation; resolves to its port.
 *
 * @param {Function} Server The WebSocketServer class
 * @param {Object} [options] Extra server options
 * @return {Promise<Object>} `{ server, port }`
 */
async function echoServer(Server, options = {}) {
  const server = closeAfterAll(new Server({ host: '127.0.0.1', port: 0, ...options }));
  server.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('ping', () => {});
  });
  await once(server, 'listening');
  return { server, port: server.address().port };
}

/**
 * Sends messages and collects the echoes.
 *
 * @param {Function} Client The WebSocket class
 * @param {Number} port The server port
 * @param {Array} messages `[data, binary]` pairs
 * @return {Promise<Array>} The echoed `[data, isBinary]` pairs
 */
async function roundTrip(Client, port, messages) {
  const ws = new Client(`ws://127.0.0.1:${port}`);
  await once(ws, 'open');
  const received = [];
  const done = new Promise((resolve) => {
    ws.on('message', (data, isBinary) => {
      received.push([Buffer.from(data), isBinary]);
      if (received.length === messages.length) resolve();
    });
  });
  for (const [data, binary] of messages) ws.send(data, { binary });
  await done;
  ws.close(1000, 'done');
  const [code, reason] = await once(ws, 'close');
  assert.strictEqual(code, 1000);
  assert.strictEqual(reason.toString(), 'done');
  return received;
}

function sampleMessages() {
  const sizes = [0, 1, 125, 126, 127, 65535, 65536, 200000];
  const messages = [];
  for (const size of sizes) {
    messages.push([crypto.randomBytes(size), true]);
    messages.push(['é'.repeat(size >> 1), false]);
  }
  return messages;
}

for (const [name, Server, Client] of [
  ['oxws client → ws server', RealWS.WebSocketServer, OxWS],
  ['ws client → oxws server', OxWS.WebSocketServer, RealWS],
  ['oxws client → oxws server', OxWS.WebSocketServer, OxWS]
]) {
  describe(name, () => {
    let server;
    let port;

    before(async () => {
      ({ server, port } = await echoServer(Server));
    });

    after(() => new Promise((resolve) => server.close(resolve)));

    it('echoes text and binary at the length edges', async () => {
      const messages = sampleMessages();
      const received = await roundTrip(Client, port, messages);
      for (let i = 0; i < messages.length; i++) {
        const [data, binary] = messages[i];
        assert.strictEqual(received[i][1], binary, `message ${i} type`);
        assert.ok(received[i][0].equals(Buffer.from(data)), `message ${i} bytes`);
      }
    });

    it('echoes a 16 MiB message', async () => {
      const big = crypto.randomBytes(16 * 1024 * 1024);
      const [[data]] = await roundTrip(Client, port, [[big, true]]);
      assert.ok(data.equals(big));
    });

    it('exchanges ping and pong with payloads', async () => {
      const ws = new Client(`ws://127.0.0.1:${port}`);
      await once(ws, 'open');
      ws.ping(Buffer.from('hello'));
      const [data] = await once(ws, 'pong');
      assert.strictEqual(data.toString(), 'hello');
      ws.terminate();
      await once(ws, 'close');
    });

    it('sends fragmented messages', async () => {
      const ws = new Client(`ws://127.0.0.1:${port}`);
      await once(ws, 'open');
      ws.send('frag', { fin: false });
      ws.send('men', { fin: false });
      ws.send('ted', { fin: true });
      const [data, isBinary] = await once(ws, 'message');
      assert.strictEqual(data.toString(), 'fragmented');
      assert.strictEqual(isBinary, false);
      ws.close();
      await once(ws, 'close');
    });
  });
}

describe('close paths', () => {
  for (const [name, Server, Client] of [
    ['oxws server closes a ws client', OxWS.WebSocketServer, RealWS],
    ['ws server closes an oxws client', RealWS.WebSocketServer, OxWS]
  ]) {
    it(`${name} with a code and reason`, async () => {
      const server = closeAfterAll(new Server({ host: '127.0.0.1', port: 0 }));
      await once(server, 'listening');
      server.on('connection', (ws) => ws.close(4001, 'bye now'));
      const ws = new Client(`ws://127.0.0.1:${server.address().port}`);
      const [code, reason] = await once(ws, 'close');
      assert.strictEqual(code, 4001);
      assert.strictEqual(reason.toString(), 'bye now');
      await new Promise((resolve) => server.close(resolve));
    });

    it(`${name}: terminate gives 1006`, async () => {
      const server = closeAfterAll(new Server({ host: '127.0.0.1', port: 0 }));
      await once(server, 'listening');
      server.on('connection', (ws) => ws.terminate());
      const ws = new Client(`ws://127.0.0.1:${server.address().port}`);
      const [code] = await once(ws, 'close');
      assert.strictEqual(code, 1006);
      await new Promise((resolve) => server.close(resolve));
    });
  }

  it('a protocol error from a raw peer closes an oxws server socket with 1002', async () => {
    const net = require('net');
    const server = closeAfterAll(new OxWS.WebSocketServer({ host: '127.0.0.1', port: 0 }));
    await once(server, 'listening');
    const errors = [];
    server.on('connection', (ws) => ws.on('error', (err) => errors.push(err.code)));
    const socket = closeAfterAll(net.connect(server.address().port, '127.0.0.1'));
    await once(socket, 'connect');
    socket.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
    );
    let response = Buffer.alloc(0);
    socket.on('data', (d) => {
      response = Buffer.concat([response, d]);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.write(Buffer.from('8300', 'hex')); // unmasked, reserved opcode
    await once(socket, 'close');
    assert.deepStrictEqual(errors, ['WS_ERR_INVALID_OPCODE']); // opcode is checked before the mask, as ws does
    const text = response.toString('latin1');
    assert.match(text, /^HTTP\/1\.1 101 Switching Protocols/);
    assert.match(text, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
    const frame = response.subarray(response.indexOf('\r\n\r\n') + 4);
    assert.strictEqual(frame.toString('hex'), '880203ea');
    await new Promise((resolve) => server.close(resolve));
  });
});
