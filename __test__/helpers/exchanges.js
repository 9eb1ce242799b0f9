'use strict';

/**
 * Shared checks for tests with an echoing peer (the nativeIO server and client suites):
 * every size and type in order, and a ping, a fragmented message and a close from the
 * server.
 */

const assert = require('assert');
const { once } = require('events');

/**
 * Sends a binary and a text message of every size through `ws`, asserts each comes back in
 * order with its type and bytes, then closes with 4001 "bye" and checks the close `ws` sees.
 *
 * @param {WebSocket} ws An open client (ws or oxws) whose peer echoes every message
 * @param {Number[]} sizes Message sizes in bytes (text messages carry half as many "é")
 * @return {Promise<void>}
 */
async function echoEverySizeAndType(ws, sizes) {
  const sent = [];
  for (const size of sizes) {
    sent.push([Buffer.alloc(size, size % 251), true]);
    sent.push(['é'.repeat(Math.floor(size / 2)), false]);
  }
  const got = [];
  const done = new Promise((resolve) =>
    ws.on('message', (data, isBinary) => {
      got.push([data, isBinary]);
      if (got.length === sent.length) resolve();
    })
  );
  for (const [data, binary] of sent) ws.send(data, { binary });
  await done;
  for (let i = 0; i < sent.length; i++) {
    assert.strictEqual(got[i][1], sent[i][1], `message ${i} type`);
    assert.ok(Buffer.from(sent[i][0]).equals(got[i][0]), `message ${i} content`);
  }
  ws.close(4001, 'bye');
  const [code, reason] = await once(ws, 'close');
  assert.strictEqual(code, 4001);
  assert.strictEqual(String(reason), 'bye');
}

/**
 * A client ping answered by an automatic pong, a message sent in three fragments echoed
 * whole, then a close with 1001 "going away" from the server side, seen by both sides.
 *
 * @param {WebSocket} ws The client
 * @param {WebSocket} sws Its server-side WebSocket, which echoes every message
 * @return {Promise<void>}
 */
async function pingFragmentsAndServerClose(ws, sws) {
  const pinged = once(sws, 'ping');
  const ponged = once(ws, 'pong');
  ws.ping('are you there');
  assert.strictEqual(String((await pinged)[0]), 'are you there');
  assert.strictEqual(String((await ponged)[0]), 'are you there'); // auto-pong

  const echoed = once(ws, 'message');
  ws.send('frag', { fin: false });
  ws.send('men', { fin: false });
  ws.send('ted', { fin: true });
  assert.strictEqual(String((await echoed)[0]), 'fragmented');

  const serverClosed = once(sws, 'close');
  sws.close(1001, 'going away');
  const [code, reason] = await once(ws, 'close');
  assert.strictEqual(code, 1001);
  assert.strictEqual(String(reason), 'going away');
  assert.strictEqual((await serverClosed)[0], 1001);
}

module.exports = { echoEverySizeAndType, pingFragmentsAndServerClose };
