'use strict';

/**
 * nativeIO at the edges of a connection's life, compared with ws: bytes written in the same
 * tick as `terminate()` reach the peer (a last message, a close frame, the 101 response
 * itself), events that arrive together with the close frame and FIN are all delivered with
 * `allowSynchronousEvents: false`, and `wss.close()` waits for the last connection. Each case
 * runs against the real ws@8.23.0 server or client as well, which must give the same result.
 */

const assert = require('assert');
const net = require('net');
const { describe, it } = require('node:test');
const { once } = require('events');

const RealWS = require('ws');
const WebSocket = require('../..');
const { WebSocketServer } = WebSocket;
const { frame } = require('../helpers/frames');
const { closeAfterAll } = require('../helpers/cleanup');

const KEY = Buffer.from([0x01, 0x02, 0x03, 0x04]);
const UPGRADE =
  'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

/** The servers compared: ws's, oxws's on Node sockets, oxws's with nativeIO. */
const SERVERS = {
  ws: (options) => new RealWS.WebSocketServer(options),
  oxws: (options) => new WebSocketServer(options),
  nativeIO: (options) => new WebSocketServer({ ...options, nativeIO: true })
};

async function listen(make, options = {}) {
  const wss = closeAfterAll(make({ host: '127.0.0.1', port: 0, ...options }));
  await once(wss, 'listening');
  return wss;
}

/**
 * Connects a raw TCP peer, writes the upgrade request (with `extraHeaders`) and then
 * `afterRequest` in the same write; resolves to every byte the server sent until it closed.
 */
function rawExchange(port, extraHeaders = '', afterRequest = Buffer.alloc(0)) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from(UPGRADE + extraHeaders + '\r\n'), afterRequest])));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {}); // a reset after the bytes is what terminate() may give
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    setTimeout(() => reject(new Error('the server did not close the connection')), 10000).unref();
  });
}

/** The frames after the HTTP head of `bytes`, as [opcode, payload] pairs. */
function framesAfterHead(bytes) {
  const end = bytes.indexOf('\r\n\r\n');
  assert.ok(end > 0, 'an HTTP response head arrived');
  const frames = [];
  let at = end + 4;
  while (at < bytes.length) {
    const opcode = bytes[at] & 0x0f;
    let length = bytes[at + 1] & 0x7f;
    at += 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at);
      at += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    frames.push([opcode, bytes.subarray(at, at + length)]);
    at += length;
  }
  return { status: bytes.subarray(0, bytes.indexOf('\r\n')).toString(), frames };
}

/** Runs `exchange(make)` against every server kind; asserts all results equal ws's. */
async function sameAsWs(exchange) {
  const results = {};
  for (const [name, make] of Object.entries(SERVERS)) results[name] = await exchange(make);
  assert.deepStrictEqual(results.oxws, results.ws);
  assert.deepStrictEqual(results.nativeIO, results.ws);
  return results.ws;
}

const describeFrames = ({ status, frames }) => ({
  status,
  frames: frames.map(([opcode, payload]) => [opcode, payload.length > 32 ? payload.length : payload.toString('hex')])
});

describe('nativeIO terminate() sends what was written before it', () => {
  it('a server terminate() right after send() delivers the message', async () => {
    const result = await sameAsWs(async (make) => {
      const wss = await listen(make);
      wss.on('connection', (ws) => {
        ws.send('bye');
        ws.terminate();
      });
      return describeFrames(framesAfterHead(await rawExchange(wss.address().port)));
    });
    assert.deepStrictEqual(result, { status: 'HTTP/1.1 101 Switching Protocols', frames: [[1, '627965']] });
  });

  it('a server send() + close(4002) + terminate() delivers the message and the close frame', async () => {
    const result = await sameAsWs(async (make) => {
      const wss = await listen(make);
      wss.on('connection', (ws) => {
        ws.send('last');
        ws.close(4002);
        ws.terminate();
      });
      return describeFrames(framesAfterHead(await rawExchange(wss.address().port)));
    });
    assert.deepStrictEqual(result.frames, [[1, '6c617374'], [8, '0fa2']]);
  });

  it("terminate() inside 'connection' still sends the 101 response", async () => {
    const result = await sameAsWs(async (make) => {
      const wss = await listen(make);
      wss.on('connection', (ws) => ws.terminate());
      return describeFrames(framesAfterHead(await rawExchange(wss.address().port)));
    });
    assert.deepStrictEqual(result, { status: 'HTTP/1.1 101 Switching Protocols', frames: [] });
  });

  it('terminate() right after a large deflated send() still sends the 101 response', async () => {
    const result = await sameAsWs(async (make) => {
      const wss = await listen(make, { perMessageDeflate: { threshold: 0 } });
      wss.on('connection', (ws) => {
        ws.send(Buffer.alloc(1024 * 1024, 'x'));
        ws.terminate();
      });
      const bytes = await rawExchange(wss.address().port, 'Sec-WebSocket-Extensions: permessage-deflate\r\n');
      return framesAfterHead(bytes).status;
    });
    assert.strictEqual(result, 'HTTP/1.1 101 Switching Protocols');
  });

  it('a client terminate() right after send() and close() delivers both frames', async () => {
    const run = async (Client, options) => {
      const received = [];
      const server = closeAfterAll(
        net.createServer((socket) => {
          let head = '';
          const chunks = [];
          socket.on('data', function onData(d) {
            if (!head.includes('\r\n\r\n')) {
              head += d.toString('latin1');
              const key = /sec-websocket-key: (.*)\r\n/i.exec(head)[1];
              const accept = require('crypto')
                .createHash('sha1')
                .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
                .digest('base64');
              socket.write(
                'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
                  `Sec-WebSocket-Accept: ${accept}\r\n\r\n`
              );
              return;
            }
            chunks.push(d);
          });
          socket.on('error', () => {});
          socket.on('close', () => {
            const bytes = Buffer.concat(chunks);
            // Masked frames from the client: opcode and unmasked payload.
            let at = 0;
            while (at < bytes.length) {
              const opcode = bytes[at] & 0x0f;
              const length = bytes[at + 1] & 0x7f;
              const key = bytes.subarray(at + 2, at + 6);
              const payload = Buffer.from(bytes.subarray(at + 6, at + 6 + length));
              for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
              received.push([opcode, payload.toString('hex')]);
              at += 6 + length;
            }
            server.emit('peer-closed');
          });
        })
      );
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const ws = new Client(`ws://127.0.0.1:${server.address().port}`, options);
      ws.on('error', () => {});
      await once(ws, 'open');
      ws.send('bye');
      ws.close(4002);
      ws.terminate();
      await once(server, 'peer-closed');
      server.close();
      return received;
    };
    const upstream = await run(RealWS);
    assert.deepStrictEqual(upstream, [[1, '627965'], [8, '0fa2']]);
    assert.deepStrictEqual(await run(WebSocket, {}), upstream);
    assert.deepStrictEqual(await run(WebSocket, { nativeIO: true }), upstream);
  });
});

describe('nativeIO with allowSynchronousEvents: false', () => {
  it('five messages, a close frame and FIN in one write: every message and the close code arrive', async () => {
    const burst = Buffer.concat([
      ...['m0', 'm1', 'm2', 'm3', 'm4'].map((m) => frame(0x81, Buffer.from(m), KEY)),
      frame(0x88, Buffer.from([0x0f, 0xa5]), KEY)
    ]);
    const result = await sameAsWs(async (make) => {
      const wss = await listen(make, { allowSynchronousEvents: false });
      const seen = new Promise((resolve) => {
        wss.on('connection', (ws) => {
          const messages = [];
          ws.on('message', (data) => messages.push(String(data)));
          ws.on('close', (code) => resolve({ messages, code }));
        });
      });
      const socket = net.connect(wss.address().port, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('data', () => {});
      await once(socket, 'connect');
      // The request, the frames and FIN reach the server together.
      socket.end(Buffer.concat([Buffer.from(UPGRADE + '\r\n'), burst]));
      return seen;
    });
    assert.deepStrictEqual(result, { messages: ['m0', 'm1', 'm2', 'm3', 'm4'], code: 4005 });
  });
});

describe('nativeIO wss.close()', () => {
  it("emits 'close' only after the last client has gone", async () => {
    const result = await sameAsWs(async (make) => {
      const wss = make({ host: '127.0.0.1', port: 0 });
      await once(wss, 'listening');
      const order = [];
      const client = new RealWS(`ws://127.0.0.1:${wss.address().port}`);
      const [serverSide] = await once(wss, 'connection');
      await once(client, 'open');
      const closed = new Promise((resolve) => wss.close(() => resolve(order.push('server closed'))));
      await new Promise((resolve) => setTimeout(resolve, 100));
      order.push('client leaves');
      serverSide.close(1000);
      await once(client, 'close');
      await closed;
      return order;
    });
    assert.deepStrictEqual(result, ['client leaves', 'server closed']);
  });
});
