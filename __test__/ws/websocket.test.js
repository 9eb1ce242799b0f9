'use strict';

/**
 * WebSocket (client and server-side socket), modelled on ws's own test/websocket.test.js
 * behaviours, and checked against ws@8.23.0 where the result is observable.
 */

const assert = require('assert');
const http = require('http');
const { describe, it } = require('node:test');
const { once } = require('events');

const RealWS = require('ws');
const WebSocket = require('../..');
const { closeAfterAll } = require('../helpers/cleanup');

/** Catches what `fn` throws: [class name, message]. */
function thrown(fn) {
  try {
    fn();
  } catch (err) {
    return [err.constructor.name, err.message];
  }
  return null;
}

/** An echo server of oxws on a free port (closed with its clients after the file's tests). */
async function server(options = {}) {
  const wss = closeAfterAll(new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0, ...options }));
  wss.on('connection', (ws) => ws.on('message', (d, b) => ws.send(d, { binary: b })));
  await once(wss, 'listening');
  return wss;
}

describe('WebSocket', () => {
  describe('exports', () => {
    it('has the ready-state constants on the class and the prototype', () => {
      for (const [name, value] of [['CONNECTING', 0], ['OPEN', 1], ['CLOSING', 2], ['CLOSED', 3]]) {
        assert.strictEqual(WebSocket[name], value);
        assert.strictEqual(WebSocket.prototype[name], value);
      }
    });

    it('exposes ws\'s statics', () => {
      for (const name of Object.keys(RealWS)) {
        assert.ok(name in WebSocket, name);
      }
      assert.strictEqual(WebSocket.Server, WebSocket.WebSocketServer);
      assert.strictEqual(WebSocket.WebSocket, WebSocket);
    });

    it('cannot be called without new, except as isValidUTF8 on bytes', () => {
      assert.throws(() => WebSocket('ws://x'), TypeError);
      assert.strictEqual(WebSocket(Buffer.from('ok')), true);
    });
  });

  describe('constructor errors, same as ws', () => {
    const cases = [
      ['not a url', undefined, undefined],
      ['ftp://example.invalid', undefined, undefined],
      ['ws://example.invalid#frag', undefined, undefined],
      ['ws+unix:', undefined, undefined],
      ['ws://127.0.0.1:1', ['a', 'a'], undefined],
      ['ws://127.0.0.1:1', ['a b'], undefined],
      ['ws://127.0.0.1:1', [1], undefined],
      ['ws://127.0.0.1:1', [], { protocolVersion: 1000 }]
    ];
    for (const [address, protocols, options] of cases) {
      it(`${address} ${JSON.stringify(protocols)} ${JSON.stringify(options)}`, () => {
        const theirs = thrown(() => new RealWS(address, protocols, options));
        const mine = thrown(() => new WebSocket(address, protocols, options));
        assert.ok(theirs, 'ws throws');
        assert.deepStrictEqual(mine, theirs);
      });
    }
  });

  describe('while CONNECTING', () => {
    it('send, ping and pong throw as in ws', () => {
      const ws = new WebSocket('ws://127.0.0.1:1');
      ws.on('error', () => {});
      for (const method of ['send', 'ping', 'pong']) {
        assert.deepStrictEqual(thrown(() => ws[method]('x')), ['Error', 'WebSocket is not open: readyState 0 (CONNECTING)']);
      }
      ws.terminate();
    });

    it('close() aborts the handshake with an error then close', async () => {
      const wss = await server();
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
      const events = [];
      ws.on('error', (err) => events.push(err.message));
      const closed = new Promise((resolve) => ws.on('close', resolve));
      ws.on('close', (code) => events.push(code));
      ws.close();
      await closed;
      assert.deepStrictEqual(events, ['WebSocket was closed before the connection was established', 1006]);
      await new Promise((resolve) => wss.close(resolve));
    });
  });

  describe('when OPEN', () => {
    it('validates close() arguments like ws', async () => {
      const wss = await server();
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
      await once(ws, 'open');
      assert.deepStrictEqual(thrown(() => ws.close(999)), ['TypeError', 'First argument must be a valid error code number']);
      assert.deepStrictEqual(thrown(() => ws.close('1000')), ['TypeError', 'First argument must be a valid error code number']);
      assert.deepStrictEqual(thrown(() => ws.close(1000, 'x'.repeat(124))), ['RangeError', 'The message must not be greater than 123 bytes']);
      assert.deepStrictEqual(thrown(() => ws.ping(Buffer.alloc(126))), ['RangeError', 'The data size must not be greater than 125 bytes']);
      ws.close(1000);
      await once(ws, 'close');
      await new Promise((resolve) => wss.close(resolve));
    });

    it('send after close fails the callback and counts bufferedAmount', async () => {
      const wss = await server();
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
      await once(ws, 'open');
      ws.close();
      const before = ws.bufferedAmount;
      const err = await new Promise((resolve) => ws.send('abcd', resolve));
      assert.strictEqual(err.message, 'WebSocket is not open: readyState 2 (CLOSING)');
      assert.strictEqual(ws.bufferedAmount, before + 4);
      await once(ws, 'close');
      await new Promise((resolve) => wss.close(resolve));
    });

    it('delivers binaryType shapes and text as Buffer with isBinary false', async () => {
      const wss = await server();
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
      await once(ws, 'open');
      const next = () => once(ws, 'message');

      ws.send('text');
      const [text, isBinary] = await next();
      assert.ok(Buffer.isBuffer(text));
      assert.strictEqual(isBinary, false);
      let data;

      ws.binaryType = 'arraybuffer';
      ws.send(Buffer.from([1, 2, 3]));
      [data] = await next();
      assert.ok(data instanceof ArrayBuffer);
      assert.deepStrictEqual([...new Uint8Array(data)], [1, 2, 3]);

      ws.binaryType = 'fragments';
      ws.send(Buffer.from([4]));
      [data] = await next();
      assert.ok(Array.isArray(data));
      assert.deepStrictEqual([...Buffer.concat(data)], [4]);

      ws.binaryType = 'blob';
      ws.send(new Blob([Buffer.from([5, 6])]));
      [data] = await next();
      assert.ok(data instanceof Blob);
      assert.deepStrictEqual([...new Uint8Array(await data.arrayBuffer())], [5, 6]);

      ws.binaryType = 'nonsense';
      assert.strictEqual(ws.binaryType, 'blob');
      ws.close();
      await once(ws, 'close');
      await new Promise((resolve) => wss.close(resolve));
    });

    it('has the WHATWG event surface', async () => {
      const wss = await server();
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
      const seen = [];
      ws.onopen = (event) => {
        seen.push(['open', event.type, event.target === ws]);
        ws.send('hello');
      };
      ws.addEventListener('message', (event) => seen.push(['message', event.data]), { once: true });
      ws.onmessage = (event) => {
        seen.push(['onmessage', typeof event.data]);
        ws.close(4000, 'bye');
      };
      ws.onclose = (event) => seen.push(['close', event.code, event.reason, event.wasClean]);
      assert.strictEqual(typeof ws.onmessage, 'function');
      await once(ws, 'close');
      assert.deepStrictEqual(seen, [
        ['open', 'open', true],
        ['message', 'hello'],
        ['onmessage', 'string'],
        ['close', 4000, 'bye', true]
      ]);
      await new Promise((resolve) => wss.close(resolve));
    });

    it('pause() and resume() stop and restart delivery', async () => {
      const wss = await server();
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
      await once(ws, 'open');
      ws.pause();
      assert.strictEqual(ws.isPaused, true);
      let got = 0;
      ws.on('message', () => got++);
      ws.send('a');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.strictEqual(got, 0);
      ws.resume();
      await once(ws, 'message');
      assert.strictEqual(ws.isPaused, false);
      ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    });

    it('sends every data type (string, Buffer, TypedArray, ArrayBuffer, DataView, number)', async () => {
      const wss = await server();
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
      await once(ws, 'open');
      const inputs = ['s', Buffer.from('b'), new Uint16Array([0x4141]), new ArrayBuffer(2), new DataView(new ArrayBuffer(3)), 42];
      const replies = [];
      ws.on('message', (d, isBinary) => replies.push([Buffer.from(d).length, isBinary]));
      for (const input of inputs) ws.send(input);
      while (replies.length < inputs.length) await once(ws, 'message');
      assert.deepStrictEqual(replies, [[1, false], [1, true], [2, true], [2, true], [3, true], [2, false]]);
      ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    });

    it('maxPayload closes with 1009 and WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', async () => {
      const wss = await server({ maxPayload: 10 });
      const serverError = new Promise((resolve) => wss.on('connection', (s) => s.on('error', resolve)));
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
      await once(ws, 'open');
      ws.send(Buffer.alloc(11));
      const err = await serverError;
      assert.strictEqual(err.code, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
      const [code] = await once(ws, 'close');
      assert.strictEqual(code, 1009);
      await new Promise((resolve) => wss.close(resolve));
    });

    it('allowSynchronousEvents: false emits one message per event-loop turn', async () => {
      const wss = await server();
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`, { allowSynchronousEvents: false });
      await once(ws, 'open');
      const ticks = [];
      let tick = 0;
      const timer = setInterval(() => tick++, 0);
      ws.on('message', () => ticks.push(tick));
      // Both echoes usually arrive in one chunk.
      ws._socket.cork();
      ws.send('a');
      ws.send('b');
      ws._socket.uncork();
      while (ticks.length < 2) await once(ws, 'message');
      clearInterval(timer);
      ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
      assert.strictEqual(ticks.length, 2);
    });
  });

  describe('client handshake', () => {
    it('emits upgrade, unexpected-response, and follows redirects', async () => {
      const wss = await server();
      const target = `ws://127.0.0.1:${wss.address().port}/`;
      const redirector = closeAfterAll(http.createServer((req, res) => {
        res.writeHead(req.url === '/teapot' ? 418 : 302, { Location: target });
        res.end();
      }));
      redirector.listen(0, '127.0.0.1');
      await once(redirector, 'listening');
      const base = `ws://127.0.0.1:${redirector.address().port}`;

      const followed = new WebSocket(`${base}/go`, { followRedirects: true });
      const upgraded = once(followed, 'upgrade');
      const opened = once(followed, 'open');
      const [url] = await once(followed, 'redirect');
      assert.strictEqual(url, target);
      await upgraded;
      await opened;
      followed.terminate();

      const refused = new WebSocket(`${base}/go`);
      const [err] = await once(refused, 'error');
      assert.strictEqual(err.message, 'Unexpected server response: 302');

      const teapot = new WebSocket(`${base}/teapot`);
      teapot.on('error', () => {});
      const [, res] = await once(teapot, 'unexpected-response');
      assert.strictEqual(res.statusCode, 418);
      teapot.terminate();

      const limited = new WebSocket(`${base}/go`, { followRedirects: true, maxRedirects: 0 });
      const [err2] = await once(limited, 'error');
      assert.strictEqual(err2.message, 'Maximum redirects exceeded');

      redirector.close();
      await new Promise((resolve) => wss.close(resolve));
    });

    it('handshakeTimeout aborts a silent server', async () => {
      const silent = closeAfterAll(http.createServer());
      silent.on('upgrade', () => {});
      silent.listen(0, '127.0.0.1');
      await once(silent, 'listening');
      const ws = new WebSocket(`ws://127.0.0.1:${silent.address().port}`, { handshakeTimeout: 50 });
      const [err] = await once(ws, 'error');
      assert.strictEqual(err.message, 'Opening handshake has timed out');
      silent.closeAllConnections();
      silent.close();
    });
  });
});
