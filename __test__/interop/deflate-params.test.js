'use strict';

/**
 * permessage-deflate against the real ws 8.23 in both directions, for every combination of
 * context takeover on each side and a spread of window sizes (8 included: zlib's 8 → 9
 * rule), with repetitive messages (so back-references across messages are exercised when
 * the context is kept), empty and large messages, and fragmented sends.
 */

const { describe, it } = require('node:test');
const assert = require('node:assert');
const oxws = require('../..');
const ws = require('ws');
const { closeAfterAll } = require('../helpers/cleanup');

const messages = [
  JSON.stringify({ type: 'hello', items: ['alpha', 'beta', 'gamma'] }),
  JSON.stringify({ type: 'hello', items: ['alpha', 'beta', 'gamma', 'delta'] }),
  '',
  'x'.repeat(70000),
  JSON.stringify({ type: 'hello', items: ['alpha', 'beta', 'gamma'] }),
  Buffer.alloc(3000, 5)
];

const combos = [];
for (const serverNoContextTakeover of [false, true]) {
  for (const clientNoContextTakeover of [false, true]) {
    for (const bits of [8, 10, 15]) {
      combos.push({
        serverNoContextTakeover,
        clientNoContextTakeover,
        serverMaxWindowBits: bits,
        clientMaxWindowBits: bits === 15 ? true : bits,
        threshold: 0
      });
    }
  }
}

/**
 * Exchanges `messages` (plus a fragmented one) from client to server and back.
 *
 * @return {Promise<Object>} What each side received and the negotiated extension
 */
async function exchange(ServerLib, ClientLib, params) {
  const wss = closeAfterAll(new ServerLib.WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: params }));
  await new Promise((resolve) => wss.on('listening', resolve));
  const atServer = [];
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      atServer.push([isBinary, Buffer.from(data).toString('hex')]);
      socket.send(data, { binary: isBinary });
    });
  });
  const client = closeAfterAll(new ClientLib(`ws://127.0.0.1:${wss.address().port}`, { perMessageDeflate: params }));
  await new Promise((resolve, reject) => {
    client.on('open', resolve);
    client.on('error', reject);
  });
  const atClient = [];
  const total = messages.length + 1;
  const done = new Promise((resolve) =>
    client.on('message', (data, isBinary) => {
      atClient.push([isBinary, Buffer.from(data).toString('hex')]);
      if (atClient.length === total) resolve();
    })
  );
  for (const m of messages) client.send(m);
  client.send('frag', { fin: false });
  client.send('ment', { fin: false });
  client.send(' end', { fin: true });
  await done;
  const extensions = client.extensions;
  client.terminate();
  wss.close();
  return { atServer, atClient, extensions };
}

const expected = [
  ...messages.map((m) => [Buffer.isBuffer(m), Buffer.from(m).toString('hex')]),
  [false, Buffer.from('fragment end').toString('hex')]
];

describe('permessage-deflate parameters against ws 8.23', () => {
  for (const params of combos) {
    const name = JSON.stringify({ ...params, threshold: undefined });
    for (const [direction, ServerLib, ClientLib] of [
      ['ws client → oxws server', oxws, ws],
      ['oxws client → ws server', ws, oxws]
    ]) {
      it(`${direction} ${name}`, async () => {
        const { atServer, atClient, extensions } = await exchange(ServerLib, ClientLib, { ...params });
        assert.match(extensions, /^permessage-deflate/);
        assert.deepStrictEqual(atServer, expected);
        assert.deepStrictEqual(atClient, expected);
      });
    }
  }
});
