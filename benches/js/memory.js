'use strict';

/**
 * Memory per idle connection: a server with 1,000 connections that each exchanged one
 * message (compressed when permessage-deflate is on), then idle. Server RSS after GC, minus
 * the RSS after GC once 200 warm-up connections were served (and stay open), per connection:
 * one-time costs — modules and native addons loaded on first use, the optimising compiler's
 * work on the per-connection code, which V8 starts after some tens of connections (with 20
 * warm-up connections its code pages and worker-thread arenas showed up as 3-5 KiB "per
 * connection" in /proc/self/smaps) — count for no library.
 * oxws (and oxws with nativeIO) vs ws+bufferutil, deflate off and on.
 *
 *   node benches/js/memory.js [--quick]     (quick: 300 connections)
 *
 * Writes bench-results/memory.json and prints a markdown table.
 */

const net = require('net');
const path = require('path');
const zlib = require('zlib');
const { runServerAndClients, save } = require('./harness');

const quick = process.argv.includes('--quick');
const CONNS = quick ? 300 : 1000;
/** Connections served before the baseline is read. */
const WARM = 200;
const TEXT = JSON.stringify({ hello: 'world', items: Array.from({ length: 40 }, (_, i) => `item-${i}`) });

if (process.argv[2] === 'server') {
  const [impl, deflate, count] = process.argv.slice(3);
  const { WebSocketServer } = require(impl.startsWith('oxws') ? path.join(__dirname, '..', '..') : 'ws');
  let before = 0;
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    backlog: 2048,
    perMessageDeflate: deflate === 'on',
    ...(impl === 'oxws-native' ? { nativeIO: true } : {})
  });
  let echoed = 0;
  wss.on('listening', () => process.stdout.write(`${wss.address().port}\n`));
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      ws.send(data, { binary: isBinary });
      if (++echoed === WARM) {
        setTimeout(() => {
          global.gc();
          before = process.memoryUsage().rss;
        }, 300);
      } else if (echoed === WARM + Number(count)) {
        setTimeout(() => {
          global.gc();
          setTimeout(() => {
            global.gc();
            const after = process.memoryUsage().rss;
            process.stdout.write(JSON.stringify({ perConnKiB: (after - before) / 1024 / Number(count) }) + '\n');
            process.exit(0);
          }, 200);
        }, 500);
      }
    });
  });
} else if (process.argv[2] === 'clients') {
  const [port, deflate, count] = process.argv.slice(3);
  const on = deflate === 'on';
  let payload = Buffer.from(TEXT);
  if (on) {
    payload = zlib.deflateRawSync(payload, { flush: zlib.constants.Z_SYNC_FLUSH });
    payload = payload.subarray(0, payload.length - 4);
  }
  const key = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((b, i) => b ^ key[i & 3]));
  const header =
    payload.length < 126
      ? Buffer.from([on ? 0xc1 : 0x81, 0x80 | payload.length])
      : Buffer.from([on ? 0xc1 : 0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  const frame = Buffer.concat([header, key, masked]);
  // WARM connections first; the rest once the server has read its baseline.
  let opened = 0;
  let limit = WARM;
  const open = () => {
    if (opened >= limit) return;
    opened++;
    const socket = net.connect(Number(port), '127.0.0.1', open);
    socket.on('error', () => {});
    socket.once('data', () => socket.write(frame));
    socket.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
        (on ? 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' : '') +
        '\r\n'
    );
  };
  for (let k = 0; k < 20; k++) open();
  setTimeout(() => {
    limit = WARM + Number(count);
    for (let k = 0; k < 20; k++) open();
  }, 1500);
  setInterval(() => {}, 1000);
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

function run(impl, deflate) {
  return runServerAndClients(
    ['--expose-gc', __filename, 'server', impl, deflate, String(CONNS)],
    (port) => [__filename, 'clients', port, deflate, String(CONNS)]
  );
}

async function main() {
  const results = {};
  for (const deflate of ['off', 'on']) {
    results[deflate] = {
      oxws: await run('oxws', deflate),
      native: await run('oxws-native', deflate),
      ws: await run('ws', deflate)
    };
  }
  save('memory', { connections: CONNS, results });
  const lines = [
    `| ${CONNS} idle connections, one message each way | oxws KiB per connection | ws+bufferutil | oxws / ws | oxws nativeIO | nativeIO / ws |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |'
  ];
  for (const deflate of ['off', 'on']) {
    const { oxws, native, ws } = results[deflate];
    lines.push(
      `| permessage-deflate ${deflate} | ${oxws.perConnKiB.toFixed(1)} | ${ws.perConnKiB.toFixed(1)} | ` +
        `${(oxws.perConnKiB / ws.perConnKiB).toFixed(2)}x | ${native.perConnKiB.toFixed(1)} | ` +
        `${(native.perConnKiB / ws.perConnKiB).toFixed(2)}x |`
    );
  }
  console.log(lines.join('\n'));
}
