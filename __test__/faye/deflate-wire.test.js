'use strict';

/**
 * permessage-deflate on the wire with the faye API: the frames a raw TCP peer receives from
 * a faye server socket (`new WebSocket(req, socket, body, [], {extensions: [ext]})`) with the
 * npm `permessage-deflate` package and with `oxws/permessage-deflate`, for messages of
 * 0 B, 10 B, 1 KiB JSON (sent twice, so context takeover has something to refer back to)
 * and 100 KiB, with context takeover on and off.
 *
 * The peer is websocket-driver 0.8.0's client with the npm package (Node's zlib), on a
 * socket whose received bytes are recorded.
 *
 * - With the npm package, oxws's faye writes the same bytes as faye-websocket 0.11.4.
 * - `oxws/permessage-deflate` compresses with zlib-rs, not Node's zlib: the frames carry
 *   the same headers and inflate to the same messages, and are byte-identical for the
 *   small messages; larger ones are encoded differently (README: Use as websocket-driver).
 */

const test = require('node:test');
const assert = require('node:assert');
const http = require('http');
const net = require('net');
const Faye = require('oxws/faye');
const UpstreamFaye = require('faye-websocket');
const upstreamDriver = require('websocket-driver');
const npmDeflate = require('permessage-deflate');
const nativeDeflate = require('oxws/permessage-deflate');
const { listen } = require('./helpers');

/** xorshift32: deterministic test data. */
function random(seed) {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** @return {String} About `size` bytes of JSON records */
function json(size, seed) {
  const r = random(seed);
  const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
  const records = [];
  let length = 2;
  while (length < size) {
    const record = JSON.stringify({
      id: r(100000),
      user: names[r(names.length)] + r(1000),
      score: r(10000) / 100,
      active: r(2) === 1,
      tags: [names[r(names.length)], names[r(names.length)]]
    });
    records.push(record);
    length += record.length + 1;
  }
  return JSON.stringify(records).slice(0, size);
}

const TEN = '0123456789';
const JSON_1K = json(1024, 1);
const BINARY_100K = Buffer.from(json(100 * 1024, 2));
const MESSAGES = ['', TEN, JSON_1K, JSON_1K, BINARY_100K, TEN, ''];
/** The messages whose frames are the same from both compressors. */
const SMALL = new Set([0, 1, 5, 6]);

/**
 * Splits unmasked server frames.
 *
 * @param {Buffer} bytes The bytes after the handshake response
 * @return {Buffer[]} One Buffer per frame
 */
function frames(bytes) {
  const out = [];
  let at = 0;
  while (at < bytes.length) {
    let length = bytes[at + 1] & 0x7f;
    let header = 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      header = 10;
    }
    out.push(bytes.subarray(at, at + header + length));
    at += header + length;
  }
  return out;
}

/**
 * Runs one faye server socket that sends `MESSAGES`, and records what the peer receives.
 *
 * @param {Function} Impl The faye WebSocket class
 * @param {Object} serverExt The server's extension
 * @param {Object} clientExt The peer's extension (the npm package)
 * @return {Promise<Object>} `{extensions, frames, received}`
 */
async function run(Impl, serverExt, clientExt) {
  const server = http.createServer();
  server.on('upgrade', (request, socket, body) => {
    const ws = new Impl(request, socket, body, [], { extensions: [serverExt] });
    ws.on('open', () => {
      for (const m of MESSAGES) ws.send(m);
    });
  });
  const port = await listen(server);
  const socket = net.connect(port, '127.0.0.1');
  const driver = upstreamDriver.client(`ws://127.0.0.1:${port}/`);
  driver.addExtension(clientExt);
  const raw = [];
  socket.on('data', (d) => raw.push(d));
  const received = [];
  const done = new Promise((resolve, reject) => {
    driver.on('message', (e) => {
      received.push(e.data);
      if (received.length === MESSAGES.length) resolve();
    });
    driver.on('error', reject);
  });
  socket.pipe(driver.io).pipe(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  driver.start();
  await done;
  socket.destroy();
  await new Promise((resolve) => server.close(resolve));

  const bytes = Buffer.concat(raw);
  const end = bytes.indexOf('\r\n\r\n') + 4;
  const head = bytes.subarray(0, end).toString('latin1');
  return {
    extensions: (/\r\nSec-WebSocket-Extensions: ([^\r]*)/i.exec(head) || [])[1],
    frames: frames(bytes.subarray(end)).map((f) => f.toString('hex')),
    received
  };
}

const configs = [
  ['context takeover', {}, {}],
  ['no context takeover, asked by the peer', {}, { requestNoContextTakeover: true }],
  ['no context takeover, set on the server', { noContextTakeover: true }, {}]
];

for (const [name, serverOptions, clientOptions] of configs) {
  test(`faye server, npm permessage-deflate: the same wire bytes as faye-websocket (${name})`, async () => {
    const client = npmDeflate.configure(clientOptions);
    const ours = await run(Faye, npmDeflate.configure(serverOptions), client);
    const theirs = await run(UpstreamFaye, npmDeflate.configure(serverOptions), client);
    assert.strictEqual(ours.extensions, theirs.extensions);
    assert.deepStrictEqual(ours.frames, theirs.frames);
    assert.deepStrictEqual(ours.received, MESSAGES);
  });

  test(`faye server, oxws/permessage-deflate vs the npm package: same headers and messages, small frames byte-identical (${name})`, async () => {
    const client = npmDeflate.configure(clientOptions);
    const npm = await run(Faye, npmDeflate.configure(serverOptions), client);
    const native = await run(Faye, nativeDeflate.configure(serverOptions), client);
    assert.strictEqual(native.extensions, npm.extensions);
    assert.match(native.extensions, /^permessage-deflate/);
    if (name !== 'context takeover') assert.match(native.extensions, /server_no_context_takeover/);
    assert.deepStrictEqual(native.received, MESSAGES);
    assert.strictEqual(native.frames.length, MESSAGES.length);
    for (let i = 0; i < MESSAGES.length; i++) {
      // FIN, RSV1 (compressed) and the opcode.
      assert.strictEqual(native.frames[i].slice(0, 2), npm.frames[i].slice(0, 2), `message ${i}`);
      if (SMALL.has(i)) assert.strictEqual(native.frames[i], npm.frames[i], `message ${i}`);
    }
    // With context takeover the repeated JSON message refers back to the first one.
    const size = (hex) => hex.length / 2;
    if (name === 'context takeover') {
      assert.ok(size(native.frames[3]) < size(native.frames[2]) / 4);
      assert.ok(size(npm.frames[3]) < size(npm.frames[2]) / 4);
    } else {
      assert.strictEqual(size(native.frames[3]), size(native.frames[2]));
    }
  });
}
