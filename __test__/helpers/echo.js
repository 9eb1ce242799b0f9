'use strict';

/**
 * Shared check for echo tests: sends a binary and a text message of every size through an
 * open client whose peer echoes, and asserts each comes back in order with its type and
 * bytes, then closes with 4001 "bye" and checks the close the client sees.
 */

const assert = require('assert');
const { once } = require('events');

/**
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

module.exports = { echoEverySizeAndType };
