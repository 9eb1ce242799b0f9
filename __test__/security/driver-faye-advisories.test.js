'use strict';

/**
 * Security regressions for the websocket-driver and faye-websocket APIs: decompression
 * bombs stopped at `maxLength` (websocket-driver 0.7.5 enforces it on the inflated size; with
 * oxws/permessage-deflate it is enforced while inflating, so memory stays bounded), hixie-76
 * key hardening (0.8.0), and a frame that announces a huge length but never completes.
 */

const assert = require('assert');
const http = require('http');
const net = require('net');
const zlib = require('zlib');
const { describe, it } = require('node:test');

const driver = require('oxws/driver');
const Faye = require('oxws/faye');
const nativeDeflate = require('oxws/permessage-deflate');
const npmDeflate = require('permessage-deflate');
const { closeAfterAll } = require('../helpers/cleanup');

const LIMIT = 1024 * 1024;

/** 256 MiB of zeros as one compressed, masked (key 0) text frame: about 256 KiB. */
function bombFrame() {
  const compressed = zlib.deflateRawSync(Buffer.alloc(256 * 1024 * 1024, 0x61), {
    finishFlush: zlib.constants.Z_SYNC_FLUSH
  });
  const body = compressed.subarray(0, compressed.length - 4);
  const header = Buffer.alloc(14);
  header[0] = 0xc1;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(body.length), 2);
  return Buffer.concat([header, body]); // mask key 0000: the payload is unchanged
}

const UPGRADE =
  'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
  'Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n';

/**
 * Starts an HTTP server whose upgrades go to `onUpgrade`, sends the bomb from a raw client,
 * and resolves with the close frame the server answered (code) and the RSS growth.
 */
async function sendBomb(onUpgrade) {
  const server = closeAfterAll(http.createServer());
  server.on('upgrade', onUpgrade);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const frame = bombFrame();
  const before = process.memoryUsage().rss;
  const code = await new Promise((resolve, reject) => {
    const socket = closeAfterAll(net.connect(server.address().port, '127.0.0.1'));
    let buffered = Buffer.alloc(0);
    let upgraded = false;
    socket.on('data', (d) => {
      buffered = Buffer.concat([buffered, d]);
      if (!upgraded) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        assert.match(buffered.subarray(0, end).toString(), /permessage-deflate/);
        upgraded = true;
        buffered = buffered.subarray(end + 4);
        socket.write(frame);
      }
      if (buffered.length >= 4 && buffered[0] === 0x88) {
        resolve(buffered.readUInt16BE(2));
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.write(UPGRADE);
  });
  const growth = process.memoryUsage().rss - before;
  server.close();
  return { code, growth };
}

describe('security regressions (driver and faye APIs)', () => {
  it('websocket-driver + oxws/permessage-deflate: a 256 MiB bomb stops at maxLength while inflating', async () => {
    let error;
    const { code, growth } = await sendBomb((req, socket, head) => {
      const d = driver.http(req, { maxLength: LIMIT });
      d.addExtension(nativeDeflate);
      d.on('error', (e) => (error = e.message));
      d.io.write(head);
      socket.pipe(d.io).pipe(socket);
      d.start();
    });
    assert.strictEqual(code, 1009);
    assert.strictEqual(error, 'WebSocket frame length too large');
    assert.ok(growth < 2 * LIMIT + 48 * 1024 * 1024, `RSS grew ${growth} bytes`);
  });

  it('faye-websocket + oxws/permessage-deflate: the same bomb stops at maxLength', async () => {
    let error;
    const { code, growth } = await sendBomb((req, socket, head) => {
      const ws = new Faye(req, socket, head, [], { extensions: [nativeDeflate], maxLength: LIMIT });
      ws.on('error', (e) => (error = e.message));
    });
    assert.strictEqual(code, 1009);
    assert.strictEqual(error, 'WebSocket frame length too large');
    assert.ok(growth < 2 * LIMIT + 48 * 1024 * 1024, `RSS grew ${growth} bytes`);
  });

  it('websocket-driver 0.7.5: with the npm permessage-deflate, maxLength applies to the inflated size', async () => {
    // The npm extension inflates the whole message before the driver can check it (as
    // upstream); the README recommends oxws/permessage-deflate for that reason.
    const { code } = await sendBomb((req, socket, head) => {
      const d = driver.http(req, { maxLength: LIMIT });
      d.addExtension(npmDeflate);
      d.on('error', () => {});
      d.io.write(head);
      socket.pipe(d.io).pipe(socket);
      d.start();
    });
    assert.strictEqual(code, 1009);
  });

  it('websocket-driver 0.8.0: hixie-76 keys without digits or spaces are refused', () => {
    for (const [key1, key2] of [
      ['no digits here', '1 2'],
      ['12345', '1 2'],
      ['4 @1  46546xW%0l 1 5', '0 0'],
      ['9999999999999 9', '1 2']
    ]) {
      const d = driver.http(
        {
          method: 'GET',
          url: '/',
          headers: {
            host: 'h',
            connection: 'Upgrade',
            upgrade: 'WebSocket',
            'sec-websocket-key1': key1,
            'sec-websocket-key2': key2
          }
        },
        { allowDrafts: true }
      );
      let out = '';
      d.io.on('data', (c) => (out += c));
      let error;
      d.on('error', (e) => (error = e.message));
      assert.strictEqual(d.start(), false);
      assert.match(out, /^HTTP\/1\.1 400 Bad Request/);
      assert.strictEqual(error, 'Client sent invalid Sec-WebSocket-Key headers');
    }
  });

  it('a frame that announces 60 MiB and trickles bytes holds only what arrived', () => {
    const d = driver.http(
      {
        method: 'GET',
        url: '/',
        headers: {
          host: 'h',
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'sec-websocket-version': '13'
        }
      },
      { requireMasking: false }
    );
    d.start();
    const header = Buffer.alloc(10);
    header[0] = 0x82;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(60 * 1024 * 1024), 2);
    d.parse(header);
    for (let i = 0; i < 100; i++) d.parse(Buffer.alloc(1024));
    assert.ok(d._receiver.bufferedBytes <= 200 * 1024, `held ${d._receiver.bufferedBytes} bytes`);
    assert.strictEqual(d.getState(), 'open');
  });
});
