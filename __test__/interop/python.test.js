'use strict';

/**
 * Interop with Python's `websockets` library (an independent implementation, with its own
 * permessage-deflate on zlib) in both directions, deflate negotiated: text, binary, empty,
 * 1 MiB and 75 KiB messages. The library is installed into a cached virtualenv under the
 * OS temp dir on first run (PyPI).
 */

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawn } = require('child_process');
const WebSocket = require('../..');

const venv = path.join(os.tmpdir(), 'oxws-pyvenv-websockets');
const python = path.join(venv, 'bin', 'python');

/** Creates the virtualenv with `websockets` unless it exists. */
function ensureVenv() {
  if (fs.existsSync(python)) {
    try {
      execFileSync(python, ['-c', 'import websockets'], { stdio: 'ignore' });
      return;
    } catch {
      // Broken or partial: recreate.
    }
  }
  fs.rmSync(venv, { recursive: true, force: true });
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', 'websockets>=14'], {
    stdio: 'inherit'
  });
}

test.before(ensureVenv, { timeout: 180000 });

test('Python websockets client → oxws server (permessage-deflate)', async (t) => {
  const wss = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
  await new Promise((resolve) => wss.on('listening', resolve));
  t.after(() => wss.close());
  const closes = [];
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('close', (code, reason) => closes.push([code, reason.toString()]));
  });
  // Asynchronously: the server runs in this process.
  const out = await new Promise((resolve, reject) => {
    const child = spawn(
      python,
      [path.join(__dirname, 'python', 'echo_client.py'), `ws://127.0.0.1:${wss.address().port}/`],
      { stdio: ['ignore', 'pipe', 'inherit'], timeout: 60000 }
    );
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`client exited ${code}`))));
  });
  assert.deepStrictEqual(JSON.parse(out), {
    echoed: [true, true, true, true, true, true],
    extensions: ['permessage-deflate']
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepStrictEqual(closes, [[4000, 'bye']]);
});

test('oxws client → Python websockets server (permessage-deflate)', async (t) => {
  const server = spawn(python, [path.join(__dirname, 'python', 'echo_server.py')], {
    stdio: ['ignore', 'pipe', 'inherit']
  });
  t.after(() => server.kill());
  const port = await new Promise((resolve, reject) => {
    server.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  assert.match(ws.extensions, /^permessage-deflate/);
  const messages = ['hello', 'é'.repeat(1000), Buffer.from([0, 1, 2]), Buffer.alloc(0), 'x'.repeat(1 << 20)];
  for (const m of messages) {
    const echoed = new Promise((resolve) => ws.once('message', (data, isBinary) => resolve([data, isBinary])));
    ws.send(m);
    const [data, isBinary] = await echoed;
    assert.strictEqual(isBinary, Buffer.isBuffer(m));
    assert.deepStrictEqual(isBinary ? data : data.toString(), m);
  }
  const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  ws.close(1000);
  assert.strictEqual(await closed, 1000);
});
