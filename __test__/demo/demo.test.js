'use strict';

/**
 * `npm start` (examples/demo.js), without a browser: the page is served (no external URLs),
 * two clients chat through it with permessage-deflate, the EventSource panel reports the
 * connections, and SIGTERM stops it cleanly.
 */

const { it } = require('node:test');
const assert = require('node:assert');
const path = require('path');
const { spawn } = require('child_process');
const EventSource = require('eventsource');
const WebSocket = require('../..');
const { closeAfterAll } = require('../helpers/cleanup');

it('serves the page, relays chat to everyone, feeds the stats panel, stops on SIGTERM', async () => {
  const demo = closeAfterAll(spawn(process.execPath, [path.join(__dirname, '..', '..', 'examples', 'demo.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit']
  }));
  const base = await new Promise((resolve, reject) => {
    let out = '';
    demo.stdout.on('data', (d) => {
      out += d;
      const m = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]);
    });
    demo.on('exit', (code) => reject(new Error(`demo exited ${code}`)));
  });

  const page = await (await fetch(base + '/')).text();
  assert.match(page, /<title>oxws demo: chat<\/title>/);
  assert.doesNotMatch(page, /(src|href)=["']?https?:/, 'no external URLs');
  assert.strictEqual((await fetch(base + '/nope')).status, 404);

  const connect = () =>
    new Promise((resolve) => {
      const ws = closeAfterAll(new WebSocket(base.replace('http', 'ws') + '/chat'));
      ws.got = [];
      ws.on('message', (d) => ws.got.push(JSON.parse(d)));
      ws.on('open', () => resolve(ws));
    });
  const alice = await connect();
  const bob = await connect();
  assert.strictEqual(alice.extensions, 'permessage-deflate');

  const stats = closeAfterAll(new EventSource(base + '/stats'));
  const sawTwo = new Promise((resolve) =>
    stats.addEventListener('stats', (e) => {
      const snapshot = JSON.parse(e.data);
      if (snapshot.connections === 2 && snapshot.messages >= 3) resolve(snapshot);
    })
  );

  const until = async (check) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  // One at a time: the two sockets race otherwise.
  alice.send(JSON.stringify({ type: 'join', name: 'alice' }));
  await until(() => bob.got.length >= 1);
  bob.send(JSON.stringify({ type: 'join', name: 'bob' }));
  await until(() => alice.got.length >= 2);
  alice.send(JSON.stringify({ type: 'say', text: 'hi bob' }));
  await until(() => bob.got.length >= 3 && alice.got.length >= 3);
  for (const ws of [alice, bob]) {
    assert.deepStrictEqual(
      ws.got.map((m) => [m.type, m.name, m.text]),
      [
        ['join', 'alice', undefined],
        ['join', 'bob', undefined],
        ['say', 'alice', 'hi bob']
      ]
    );
  }
  // A terminal client (`npx oxws connect ws://127.0.0.1:PORT`) on any path, sending plain text.
  const cli = closeAfterAll(spawn(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'oxws.js'), 'connect', base.replace('http', 'ws')], {
    stdio: ['pipe', 'pipe', 'inherit']
  }));
  await new Promise((resolve) => cli.stdout.on('data', (d) => String(d).includes('connected') && resolve()));
  cli.stdin.write('hello from a terminal\n');
  await until(() => bob.got.length >= 5);
  assert.deepStrictEqual(
    bob.got.slice(3).map((m) => [m.type, m.name, m.text]),
    [
      ['join', 'guest-1', undefined],
      ['say', 'guest-1', 'hello from a terminal']
    ]
  );
  cli.stdin.end();
  await new Promise((resolve) => cli.on('close', resolve));

  const s = await sawTwo;
  assert.ok(s.bytesIn > 0 && s.bytesOut > 0, JSON.stringify(s));
  stats.close();
  alice.close();
  bob.close();

  const code = await new Promise((resolve) => {
    demo.on('exit', (c) => resolve(c));
    demo.kill('SIGTERM');
  });
  assert.strictEqual(code, 0);
});
