'use strict';

/**
 * Slow readers: a server sends 16 KiB text messages (`ws.send(string)`, so every send is
 * its own copy) to clients that never read. Without a limit, what the kernel cannot take
 * piles up in the server's memory; with `maxBackpressure` it stays bounded. Reports the
 * server's peak RSS for both.
 *
 *   node benches/js/slow-readers.js [--quick]   (100 clients x 1,000 messages; quick: 300)
 *
 * Writes bench-results/slow-readers.json and prints a markdown table.
 */

const fs = require('fs');
const net = require('net');
const path = require('path');
const { runServerAndClients, save } = require('./harness');

const quick = process.argv.includes('--quick');
const CLIENTS = 100;
const MESSAGES = quick ? 300 : 1000;
const SIZE = 16 * 1024;
const LIMIT = 256 * 1024;

if (process.argv[2] === 'server') {
  const WebSocket = require(path.join(__dirname, '..', '..'));
  const limited = process.argv[3] === 'limited';
  const messages = Number(process.argv[4]);
  const wss = new WebSocket.WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    maxBackpressure: limited ? LIMIT : 0,
    backpressurePolicy: 'drop'
  });
  wss.on('listening', () => process.stdout.write(`${wss.address().port}\n`));
  wss.on('connection', (ws) => {
    if (wss.clients.size !== CLIENTS) return;
    setTimeout(async () => {
      const message = 'x'.repeat(SIZE);
      let delivered = 0;
      const counted = () => delivered++;
      for (let i = 0; i < messages; i++) {
        for (const ws of wss.clients) ws.send(message, counted);
        if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
      }
      let queued = 0;
      for (const ws of wss.clients) queued += ws.bufferedAmount;
      const status = fs.readFileSync('/proc/self/status', 'utf8');
      const peak = Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
      process.stdout.write(JSON.stringify({ peakRssMiB: peak, queuedMiB: queued / 1048576, delivered }) + '\n');
      process.exit(0);
    }, 200);
  });
} else if (process.argv[2] === 'clients') {
  const port = Number(process.argv[3]);
  for (let i = 0; i < CLIENTS; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
    );
    socket.once('data', () => socket.pause()); // the handshake, then never read again
  }
  // Paused sockets do not keep the event loop alive; the parent kills this process.
  setInterval(() => {}, 1000);
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

function run(mode) {
  return runServerAndClients([__filename, 'server', mode, String(MESSAGES)], (port) => [
    __filename,
    'clients',
    port
  ]);
}

async function main() {
  const unlimited = await run('unlimited');
  const limited = await run('limited');
  save('slow-readers', { clients: CLIENTS, messages: MESSAGES, size: SIZE, limit: LIMIT, unlimited, limited });
  console.log(
    [
      `| ${CLIENTS} clients that never read, ${MESSAGES} x 16 KiB sends each | server peak RSS MiB | queued in the server MiB |`,
      '| --- | ---: | ---: |',
      `| no limit | ${unlimited.peakRssMiB.toFixed(0)} | ${unlimited.queuedMiB.toFixed(0)} |`,
      `| maxBackpressure 256 KiB, drop | ${limited.peakRssMiB.toFixed(0)} | ${limited.queuedMiB.toFixed(0)} |`
    ].join('\n')
  );
}
