'use strict';

/**
 * A `'message'` or `'ping'` listener that throws (in a process with an `uncaughtException`
 * handler, so it goes on) must not leave the socket corked: what the server sends afterwards
 * and the automatic pong are still written, as with ws. Each scenario runs in a child process
 * (the test runner treats an uncaught exception as a failure), once with the real ws@8.23.0
 * and once with oxws on Node sockets, and the two reports must be equal.
 */

const assert = require('assert');
const path = require('path');
const { spawn } = require('child_process');
const { describe, it } = require('node:test');
const { once } = require('events');

const { closeAfterAll } = require('../helpers/cleanup');

const ROOT = path.join(__dirname, '..', '..');

/**
 * The child's script: a server of `serverModule` whose listener for `event` throws on the
 * first event; a real ws client sends `first`, then the server sends 'later' 50 ms on; the
 * child prints what the client saw and whether the server socket is still corked.
 */
const script = (serverModule, event) => `
  const RealWS = require('ws');
  const { WebSocketServer } = require(${JSON.stringify(serverModule)});
  const report = { thrown: [], messages: [], pongs: [], corked: null };
  process.on('uncaughtException', (err) => report.thrown.push(err.message));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
    const ws = new RealWS('ws://127.0.0.1:' + wss.address().port);
    ws.on('message', (d) => report.messages.push(String(d)));
    ws.on('pong', (d) => report.pongs.push(String(d)));
    ws.on('open', () => {
      if (${JSON.stringify(event)} === 'ping') ws.ping('p1');
      else ws.send('m1');
    });
  });
  wss.on('connection', (sws) => {
    sws.once(${JSON.stringify(event)}, () => {
      setTimeout(() => {
        sws.send('later');
        setTimeout(() => {
          report.corked = sws._socket.writableCorked;
          console.log(JSON.stringify(report));
          process.exit(0);
        }, 200);
      }, 50);
      throw new Error('listener failed');
    });
  });
  setTimeout(() => process.exit(3), 10000);
`;

/** Runs the scenario in a child process; resolves to its report. */
async function run(serverModule, event) {
  const child = closeAfterAll(spawn(process.execPath, ['-e', script(serverModule, event)], { cwd: ROOT }));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const [code] = await once(child, 'exit');
  assert.strictEqual(code, 0, out);
  return JSON.parse(out);
}

describe('a throwing listener on Node sockets', () => {
  it("a throwing 'message' listener leaves the socket uncorked: later sends are written", async () => {
    const [upstream, oxws] = await Promise.all([run('ws', 'message'), run(ROOT, 'message')]);
    assert.deepStrictEqual(upstream, { thrown: ['listener failed'], messages: ['later'], pongs: [], corked: 0 });
    assert.deepStrictEqual(oxws, upstream);
  });

  it("a throwing 'ping' listener leaves the socket uncorked: the pong and later sends are written", async () => {
    const [upstream, oxws] = await Promise.all([run('ws', 'ping'), run(ROOT, 'ping')]);
    assert.deepStrictEqual(upstream, { thrown: ['listener failed'], messages: ['later'], pongs: ['p1'], corked: 0 });
    assert.deepStrictEqual(oxws, upstream);
  });
});
