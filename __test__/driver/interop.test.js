'use strict';

/**
 * The driver API over real sockets on 127.0.0.1: the two examples (spawned) with oxws,
 * websocket-driver 0.8.0 and ws clients; an oxws client driver against a websocket-driver
 * server; and a client going through an HTTP CONNECT proxy.
 */

const test = require('node:test');
const assert = require('node:assert');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const deflate = require('permessage-deflate');
const WsClient = require('ws');
const { oxws, upstream } = require('./helpers');

/**
 * Starts an example server and resolves with its port.
 *
 * @param {String} file The example
 * @param {String[]} args Arguments after the port
 * @return {Promise<Object>} `{port, child}`
 */
function startExample(file, args = []) {
  const child = spawn(process.execPath, [path.join(__dirname, '../../examples', file), '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit']
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /:(\d+)\//.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.on('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

/**
 * Runs a driver client over TCP: sends `messages`, resolves with the echoes and close info.
 *
 * @param {Object} impl Driver module
 * @param {Number} port The port
 * @param {Array} messages Strings (text) and Buffers (binary)
 * @param {Object} [options] `{extension, proxyPort}`
 * @return {Promise<Object>} `{got, close, headers}`
 */
function driverClient(impl, port, messages, options = {}) {
  return new Promise((resolve, reject) => {
    const driver = impl.client(`ws://127.0.0.1:${port}/echo`);
    if (options.extension) driver.addExtension(options.extension);
    const got = [];
    const socket = net.connect(options.proxyPort || port, '127.0.0.1');
    socket.on('error', reject);
    driver.on('error', reject);

    const speak = () => {
      socket.pipe(driver.io).pipe(socket);
      driver.start();
    };

    if (options.proxyPort) {
      const proxy = driver.proxy(`http://127.0.0.1:${options.proxyPort}`);
      proxy.on('connect', () => {
        socket.unpipe(proxy);
        speak();
      });
      proxy.on('error', reject);
      // As faye-websocket does: the proxy stream ends after the response, the socket not.
      proxy.pipe(socket, { end: false });
      socket.pipe(proxy);
      proxy.start();
    } else {
      speak();
    }

    driver.on('open', () => {
      for (const m of messages) typeof m === 'string' ? driver.text(m) : driver.binary(m);
    });
    driver.on('message', (e) => {
      got.push(e.data);
      if (got.length === messages.length) driver.close('bye', 1000);
    });
    driver.on('close', (e) => {
      socket.end();
      resolve({ got, close: [e.code, e.reason], headers: driver.headers });
    });
  });
}

const messages = ['hello', '', 'é'.repeat(1000), Buffer.from([1, 2, 3]), 'x'.repeat(70000), Buffer.alloc(1 << 20, 9)];

test('examples/driver-net-server.js echoes for oxws, websocket-driver and ws clients', async (t) => {
  const { port, child } = await startExample('driver-net-server.js');
  t.after(() => child.kill());

  for (const impl of [oxws, upstream]) {
    const { got, close } = await driverClient(impl, port, messages);
    assert.deepStrictEqual(got, messages);
    assert.deepStrictEqual(close, [1000, 'bye']);
  }

  const ws = new WsClient(`ws://127.0.0.1:${port}/`);
  await new Promise((resolve) => ws.on('open', resolve));
  const echoes = [];
  const done = new Promise((resolve) => ws.on('message', (data, isBinary) => {
    echoes.push([isBinary, data.length]);
    if (echoes.length === 3) resolve();
  }));
  ws.send('text');
  ws.send(Buffer.alloc(65536, 1));
  ws.send(Buffer.alloc(0));
  await done;
  assert.deepStrictEqual(echoes, [[false, 4], [true, 65536], [true, 0]]);
  const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  ws.close(4000);
  assert.strictEqual(await closed, 4000);
});

test('examples/driver-http-server.js with permessage-deflate, for oxws and websocket-driver clients', async (t) => {
  const { port, child } = await startExample('driver-http-server.js', ['--deflate']);
  t.after(() => child.kill());

  for (const impl of [oxws, upstream]) {
    for (const extension of [deflate, undefined]) {
      const { got, headers } = await driverClient(impl, port, messages, { extension });
      assert.deepStrictEqual(got, messages);
      assert.strictEqual(!!headers['sec-websocket-extensions'], !!extension);
    }
  }

  // ws offers permessage-deflate too and gets it.
  const ws = new WsClient(`ws://127.0.0.1:${port}/`);
  await new Promise((resolve) => ws.on('open', resolve));
  assert.match(ws.extensions, /permessage-deflate/);
  const echo = new Promise((resolve) => ws.on('message', (data) => resolve(data.toString())));
  ws.send('compressed '.repeat(100));
  assert.strictEqual(await echo, 'compressed '.repeat(100));
  ws.terminate();
});

test('oxws client driver against a websocket-driver server (both with and without deflate)', async (t) => {
  const server = net.createServer((connection) => {
    const driver = upstream.server();
    driver.addExtension(deflate);
    driver.on('connect', () => driver.start());
    driver.on('close', () => connection.end());
    connection.on('error', () => {});
    connection.pipe(driver.io).pipe(connection);
    driver.messages.pipe(driver.messages);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address();
  for (const extension of [deflate, undefined]) {
    const { got, close } = await driverClient(oxws, port, messages, { extension });
    assert.deepStrictEqual(got, messages);
    assert.deepStrictEqual(close, [1000, 'bye']);
  }
});

test('a client driver through an HTTP CONNECT proxy', async (t) => {
  const echo = await startExample('driver-net-server.js');
  t.after(() => echo.child.kill());

  const seen = [];
  const proxy = net.createServer((client) => {
    client.once('data', (head) => {
      const line = head.toString().split('\r\n')[0];
      seen.push(line);
      const [, host, port] = /^CONNECT ([^:]+):(\d+) HTTP\/1\.1$/.exec(line) || [];
      if (!host) return client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      const upstreamSocket = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        client.pipe(upstreamSocket).pipe(client);
      });
      upstreamSocket.on('error', () => client.destroy());
      client.on('error', () => upstreamSocket.destroy());
    });
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => proxy.close());

  const { got } = await driverClient(oxws, echo.port, ['via proxy'], {
    proxyPort: proxy.address().port
  });
  assert.deepStrictEqual(got, ['via proxy']);
  assert.deepStrictEqual(seen, [`CONNECT 127.0.0.1:${echo.port} HTTP/1.1`]);
});
