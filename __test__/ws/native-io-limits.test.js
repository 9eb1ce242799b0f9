'use strict';

/**
 * nativeIO under peers that outrun the JS thread: the inbox between the I/O thread and JS is
 * bounded in bytes (`inboxLimits()` of `lib/nio`: one connection's share, everyone's), and a
 * connection over its share is not read until JS takes the batch, so TCP holds the peer back
 * as it does a Node socket's while the loop is busy. The peers are child processes
 * (`peers/raw-client.js`) that keep writing while this process's JS thread is blocked.
 */

const assert = require('assert');
const path = require('path');
const { spawn } = require('child_process');
const { describe, it } = require('node:test');
const { once } = require('events');

const { WebSocketServer } = require('../..');
const nio = require('../../lib/nio');
const { closeAfterAll } = require('../helpers/cleanup');

const MiB = 1024 * 1024;
const [CONNECTION_INBOX_MAX, INBOX_MAX] = nio.inboxLimits();

/** Starts the raw client peer on `port` with `plan`; resolves to its report. */
function runPeer(port, plan) {
  const child = closeAfterAll(
    spawn(process.execPath, [path.join(__dirname, 'peers', 'raw-client.js'), String(port), JSON.stringify(plan)], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return once(child, 'close').then(([code]) => {
    assert.strictEqual(code, 0, `peer exited with ${code}: ${out}`);
    return JSON.parse(out);
  });
}

async function listen(options) {
  const wss = closeAfterAll(new WebSocketServer({ host: '127.0.0.1', port: 0, nativeIO: true, ...options }));
  await once(wss, 'listening');
  return wss;
}

/** Blocks this thread for `ms` milliseconds. */
function block(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

describe('nativeIO inbox bounds', () => {
  it('the limits are 1 MiB per connection and 16 MiB in all', () => {
    assert.deepStrictEqual([CONNECTION_INBOX_MAX, INBOX_MAX], [1 * MiB, 16 * MiB]);
  });

  it('a stalled JS thread holds a client streaming 1 MiB frames back through TCP, then reads them all', async () => {
    const wss = await listen({ maxPayload: 2 * MiB });
    const count = 64;
    let received = 0;
    let bytes = 0;
    let peak = 0;
    const done = new Promise((resolve) => {
      wss.on('connection', (ws) => {
        ws.on('message', (data) => {
          if (received++ === 0) {
            nio.inboxPeak(); // from here on
            block(2000);
          }
          bytes += data.length;
          peak = Math.max(peak, nio.inboxPeak());
        });
        ws.on('close', resolve);
      });
    });
    const report = await runPeer(wss.address().port, { opcode: 2, size: MiB, count, reportAfterMs: 1500 });
    await done;
    assert.strictEqual(received, count);
    assert.strictEqual(bytes, count * MiB);
    // While the thread was blocked, only the kernel's buffers, the inbox share and one
    // message in the decoder could take the peer's bytes (ws: the kernel's alone).
    assert.ok(report.acceptedAt < 32 * MiB, `the peer got ${report.acceptedAt} bytes in during the stall`);
    assert.ok(peak <= CONNECTION_INBOX_MAX + MiB + 128 * 1024, `inbox peak ${peak} bytes`);
  });

  it('a ping flood whose pongs are not read keeps the inbox within its bound while the JS thread is stalled', async () => {
    const wss = await listen();
    nio.inboxPeak();
    const closed = new Promise((resolve) => {
      wss.on('connection', (ws) => {
        ws.once('ping', () => block(1000));
        ws.on('close', (code) => resolve(code));
      });
    });
    const report = await runPeer(wss.address().port, { opcode: 9, size: 125, count: 500000, batch: 4000, read: false });
    await closed;
    // maxPendingAutoPongs cut the connection before the peer could write all its pings.
    assert.ok(report.closed, `the peer wrote all ${report.frames} pings`);
    const peak = nio.inboxPeak();
    assert.ok(peak <= CONNECTION_INBOX_MAX + 256 * 1024, `inbox peak ${peak} bytes`);
  });
});
