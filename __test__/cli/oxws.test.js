'use strict';

/**
 * The `oxws` command, spawned with piped stdin: `listen` (echo and broadcast) and `connect`
 * (text, hex binary, /ping, /close, headers, subprotocols, deflate), and its errors for bad
 * URLs, refused connections and refused handshakes.
 */

const { it } = require('node:test');
const assert = require('node:assert');
const http = require('http');
const path = require('path');
const { spawn } = require('child_process');
const WebSocket = require('../..');

const bin = path.join(__dirname, '..', '..', 'bin', 'oxws.js');

/**
 * Runs `oxws` with `args`, writing `input` lines to stdin one by one (each after `waitFor`
 * text appears, when given); resolves with `{code, stdout, stderr}`.
 */
function run(args, steps = [], options = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let step = 0;
    const advance = () => {
      while (step < steps.length) {
        const [waitFor, line] = steps[step];
        if (waitFor && !stdout.includes(waitFor)) return;
        step++;
        if (line === null) child.stdin.end();
        else child.stdin.write(line + '\n');
      }
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      advance();
      if (options.onStdout) options.onStdout(stdout, child);
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 15000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    advance();
  });
}

async function echoServer(t, options = {}) {
  const wss = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await new Promise((resolve) => wss.on('listening', resolve));
  t.after(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  return wss;
}

it('--help, and usage errors', async () => {
  const help = await run(['--help']);
  assert.strictEqual(help.code, 0);
  assert.match(help.stdout, /oxws connect <url>/);
  assert.match(help.stdout, /oxws listen <port>/);
  const none = await run([]);
  assert.strictEqual(none.code, 1);
  const unknown = await run(['dance']);
  assert.match(unknown.stderr, /unknown command "dance"/);
  const badOption = await run(['connect', '--wat']);
  assert.match(badOption.stderr, /unknown option --wat/);
});

it('connect: bad URL, refused connection, refused handshake with status and headers', async (t) => {
  const bad = await run(['connect', 'not a url']);
  assert.strictEqual(bad.code, 1);
  assert.match(bad.stderr, /"not a url" is not a valid URL/);
  const scheme = await run(['connect', 'ftp://127.0.0.1/']);
  assert.match(scheme.stderr, /is not a WebSocket URL/);

  const refused = await run(['connect', 'ws://127.0.0.1:1']);
  assert.strictEqual(refused.code, 1);
  assert.match(refused.stderr, /connection refused: ws:\/\/127\.0\.0\.1:1/);

  const server = http.createServer((req, res) => {
    res.writeHead(403, { 'X-Reason': 'go away' });
    res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const denied = await run(['connect', `ws://127.0.0.1:${server.address().port}`]);
  assert.strictEqual(denied.code, 1);
  assert.match(denied.stderr, /handshake refused: HTTP 403 Forbidden/);
  assert.match(denied.stderr, /X-Reason: go away/);
});

it('connect: text, binary hex, /ping, /close with code and reason; headers and subprotocols', async (t) => {
  const wss = await echoServer(t, { perMessageDeflate: true, handleProtocols: (set) => (set.has('chat') ? 'chat' : false) });
  const seen = {};
  wss.on('connection', (ws, req) => {
    seen.header = req.headers['x-token'];
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('close', (code, reason) => (seen.close = [code, reason.toString()]));
  });
  const url = `ws://127.0.0.1:${wss.address().port}`;
  const text = await run(['connect', url, '-H', 'X-Token: abc', '-s', 'chat', '--deflate'], [
    ['connected', 'hello there'],
    ['< hello there', '/ping are you there'],
    ['< [pong] are you there', '/close 4001 bye now']
  ]);
  assert.strictEqual(text.code, 0, text.stderr);
  assert.match(text.stdout, /connected to ws:\/\/127\.0\.0\.1:\d+ \(subprotocol chat, extensions permessage-deflate\)/);
  assert.match(text.stdout, /< hello there/);
  assert.match(text.stdout, /closed: 4001 bye now/);
  assert.strictEqual(seen.header, 'abc');
  assert.deepStrictEqual(seen.close, [4001, 'bye now']);

  const binary = await run(['connect', url, '--binary'], [
    ['connected', '01 02 ff'],
    ['< [binary] 0102ff', 'zz'],
    [null, null]
  ]);
  assert.match(binary.stdout, /< \[binary\] 0102ff/);
  assert.match(binary.stderr, /not hex: zz/);
  assert.match(binary.stdout, /closed: 1000/);
});

it('listen: echo and broadcast servers', async () => {
  for (const mode of ['echo', 'broadcast']) {
    const args = ['listen', '0'];
    if (mode === 'broadcast') args.push('--broadcast', '--deflate');
    let child;
    let port;
    const ready = new Promise((resolve) => {
      run(args, [], {
        onStdout(out, c) {
          child = c;
          const m = /listening on ws:\/\/127\.0\.0\.1:(\d+) \((\w+)\)/.exec(out);
          if (m && !port) {
            port = Number(m[1]);
            assert.strictEqual(m[2], mode);
            resolve();
          }
        }
      });
    });
    await ready;
    const clients = await Promise.all(
      [1, 2].map(
        () =>
          new Promise((resolve) => {
            const ws = new WebSocket(`ws://127.0.0.1:${port}`);
            ws.got = [];
            ws.on('message', (d) => ws.got.push(d.toString()));
            ws.on('open', () => resolve(ws));
          })
      )
    );
    clients[0].send('from one');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepStrictEqual(clients[0].got, ['from one']);
    assert.deepStrictEqual(clients[1].got, mode === 'broadcast' ? ['from one'] : []);
    for (const c of clients) c.terminate();
    child.kill('SIGTERM');
  }
});
