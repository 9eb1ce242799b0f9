'use strict';

/**
 * The automatic pong goes through `ws.pong()`, as in ws 8.x, so an instance override (a test
 * that plays a silent peer, as graphql-ws's keep-alive tests do) takes effect, and a pong the
 * override never writes stays pending: after `maxPendingAutoPongs` of them the connection is
 * terminated. Compared with the real ws@8.23.0 in the same run, on Node sockets and with
 * `nativeIO`, on the server and on the client side.
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
 * Connects a socket of `stack` (on `side`) to a real ws peer; `tested.pong` is replaced by
 * `override`; the peer sends `pings` pings, then after a pause reports what it saw.
 */
async function silentPeer(stack, side, { pings, maxPendingAutoPongs, override }) {
  const [Server, Client, extra] = STACKS[stack];
  const options = { maxPendingAutoPongs };
  const wss = closeAfterAll(
    side === 'server'
      ? new Server({ host: '127.0.0.1', port: 0, ...options, ...extra })
      : new RealWS.WebSocketServer({ host: '127.0.0.1', port: 0 })
  );
  await once(wss, 'listening');
  const url = `ws://127.0.0.1:${wss.address().port}`;
  const serverSide = once(wss, 'connection');
  const client = closeAfterAll(side === 'server' ? new RealWS(url) : new Client(url, { ...options, ...extra }));
  const [serverWs] = await serverSide;
  if (client.readyState !== 1) await once(client, 'open');
  const [tested, peer] = side === 'server' ? [serverWs, client] : [client, serverWs];

  const seen = { pongs: 0, pingEvents: 0, testedClose: null, peerClose: null };
  tested.on('error', () => {});
  peer.on('error', () => {});
  tested.pong = override;
  tested.on('ping', () => seen.pingEvents++);
  tested.on('close', (code) => (seen.testedClose = code));
  peer.on('pong', () => seen.pongs++);
  peer.on('close', (code) => (seen.peerClose = code));
  const closed = Promise.all([once(tested, 'close'), once(peer, 'close')]);
  // One write, so every ping arrives in one chunk whatever the timing.
  peer._socket.cork();
  for (let i = 0; i < pings; i++) peer.ping(`p${i}`);
  peer._socket.uncork();
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (tested.readyState === 1) tested.terminate();
  await closed;
  wss.close();
  return seen;
}

/** Runs on every stack and side; asserts oxws's results equal ws's; returns ws's. */
async function sameAsWs(plan) {
  const results = {};
  for (const side of ['server', 'client']) {
    const upstream = await silentPeer('ws', side, plan);
    for (const stack of ['oxws', 'nativeIO']) {
      assert.deepStrictEqual(await silentPeer(stack, side, plan), upstream, `${stack}, ${side} side`);
    }
    results[side] = upstream;
  }
  return results;
}

describe('automatic pong through ws.pong()', () => {
  it('an instance override of pong() that writes nothing leaves the peer without pongs', async () => {
    const results = await sameAsWs({ pings: 3, maxPendingAutoPongs: 60, override: () => {} });
    assert.deepStrictEqual(results.server, { pongs: 0, pingEvents: 3, testedClose: 1006, peerClose: 1006 });
  });

  it('pongs an override never writes stay pending, so maxPendingAutoPongs terminates the connection', async () => {
    const results = await sameAsWs({ pings: 5, maxPendingAutoPongs: 2, override: () => {} });
    // Two pings are "answered" (pending forever), the third terminates; the rest of the chunk
    // is still parsed, so every ping is emitted.
    assert.deepStrictEqual(results.server, { pongs: 0, pingEvents: 5, testedClose: 1006, peerClose: 1006 });
  });

  it('an override that calls the original still answers every ping', async () => {
    const results = await sameAsWs({
      pings: 5,
      maxPendingAutoPongs: 60,
      override(data, mask, cb) {
        Object.getPrototypeOf(this).pong.call(this, data, mask, cb);
      }
    });
    assert.deepStrictEqual(results.server, { pongs: 5, pingEvents: 5, testedClose: 1006, peerClose: 1006 });
  });
});
