'use strict';

/**
 * `bufferedAmount` and send callbacks around compression, close and terminate, compared with
 * the real ws@8.23.0 in the same run, on Node sockets and with `nativeIO` (server and client):
 * a write the kernel takes at once is not counted, a compressed message counts its payload
 * until its write callback (ws compresses asynchronously), sends after `close()` add their
 * payload, and `terminate()` right after a compressed send fails that send's callback with
 * ws's error.
 */

const assert = require('assert');
const { describe, it } = require('node:test');
const { once } = require('events');

const RealWS = require('ws');
const WebSocket = require('../..');
const { closeAfterAll } = require('../helpers/cleanup');

/** The stacks compared: `[WebSocketServer, WebSocket, extra options]`. */
const STACKS = {
  ws: [RealWS.WebSocketServer, RealWS, {}],
  oxws: [WebSocket.WebSocketServer, WebSocket, {}],
  nativeIO: [WebSocket.WebSocketServer, WebSocket, { nativeIO: true }]
};

/**
 * Runs `scenario(ws)` on the server side (`side: 'server'`) or the client side of a
 * connection made with one stack (the peer is real ws); resolves to what it resolves to.
 */
async function onConnection(stack, side, options, scenario) {
  const [Server, Client, extra] = STACKS[stack];
  const serverOptions = side === 'server' ? { ...options, ...extra } : options;
  const wss = closeAfterAll(new (side === 'server' ? Server : RealWS.WebSocketServer)({ host: '127.0.0.1', port: 0, ...serverOptions }));
  await once(wss, 'listening');
  const url = `ws://127.0.0.1:${wss.address().port}`;
  let result;
  if (side === 'server') {
    const serverSide = once(wss, 'connection');
    const client = closeAfterAll(new RealWS(url, options));
    client.on('error', () => {});
    client.on('message', () => {});
    const [ws] = await serverSide;
    result = await scenario(ws);
  } else {
    wss.on('connection', (ws) => {
      ws.on('error', () => {});
      ws.on('message', () => {});
    });
    const ws = closeAfterAll(new Client(url, { ...options, ...extra }));
    await once(ws, 'open');
    result = await scenario(ws);
  }
  wss.close();
  return result;
}

/** Runs the scenario on every stack and side; asserts oxws's results equal ws's. */
async function sameAsWs(options, scenario) {
  const results = [];
  for (const side of ['server', 'client']) {
    const upstream = await onConnection('ws', side, options, scenario);
    for (const stack of ['oxws', 'nativeIO']) {
      assert.deepStrictEqual(await onConnection(stack, side, options, scenario), upstream, `${stack}, ${side} side`);
    }
    results.push(upstream);
  }
  return results;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('bufferedAmount as ws counts it', () => {
  it('sends the kernel takes at once, then a close, then sends after close()', async () => {
    const results = await sameAsWs({}, async (ws) => {
      const seen = [];
      ws.send('abc');
      seen.push(ws.bufferedAmount);
      ws.send('abc');
      seen.push(ws.bufferedAmount);
      await tick();
      seen.push(ws.bufferedAmount);
      ws.close();
      seen.push(ws.bufferedAmount);
      const failed = new Promise((resolve) => ws.send('abcdef', (err) => resolve(err && err.message)));
      seen.push(ws.bufferedAmount);
      seen.push(await failed);
      await tick();
      seen.push(ws.bufferedAmount);
      return seen;
    });
    assert.deepStrictEqual(results[0], [0, 0, 0, 0, 6, 'WebSocket is not open: readyState 2 (CLOSING)', 6]);
  });

  it('with permessage-deflate, a message counts until its write callback (3, then 6, then 0)', async () => {
    const results = await sameAsWs({ perMessageDeflate: { threshold: 0 } }, async (ws) => {
      const seen = [];
      ws.send('foo');
      seen.push(ws.bufferedAmount);
      await new Promise((resolve) => {
        ws.send('bar', (err) => {
          seen.push(err ? err.message : ws.bufferedAmount);
          resolve();
        });
        seen.push(ws.bufferedAmount);
      });
      return seen;
    });
    assert.deepStrictEqual(results[0], [3, 6, 0]);
  });

  it('terminate() while a message is being compressed fails its callback with ws error', async () => {
    const results = await sameAsWs({ perMessageDeflate: { threshold: 0 } }, async (ws) => {
      const closed = once(ws, 'close');
      const called = new Promise((resolve) => {
        ws.send('hi', (err) => resolve([ws.readyState, err && err.message]));
      });
      ws.terminate();
      const [result] = await Promise.all([called, closed]);
      return result;
    });
    assert.deepStrictEqual(results[0], [WebSocket.CLOSING, 'The socket was closed while data was being compressed']);
  });
});
