'use strict';

/**
 * Heartbeat overhead: a server with `heartbeat: {interval, timeout}` and N idle clients (raw
 * sockets that answer each ping with a pong, in a second process). Server CPU over a
 * measured window, as a share of one core, with the heartbeat on and off.
 *
 *   node benches/js/heartbeat.js [--quick]     (10,000 sockets, 1 s interval; quick: 2,000)
 *
 * Runs without heartbeat, with a 1 s interval, and with an interval as long as the window
 * (one ping per socket). The cost is the ping/pong traffic, so it scales with the interval. Writes bench-results/heartbeat.json and prints a markdown table.
 */

const path = require('path');
const { runServerAndClients, save } = require('./harness');

const quick = process.argv.includes('--quick');
const SOCKETS = quick ? 2000 : 10000;
const SECONDS = quick ? 3 : 10;

if (process.argv[2] === 'server') {
  const WebSocket = require(path.join(__dirname, '..', '..'));
  const interval = Number(process.argv[3]);
  const on = interval > 0;
  const count = Number(process.argv[4]);
  const wss = new WebSocket.WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    backlog: 4096,
    heartbeat: on ? { interval, timeout: 1000 } : undefined
  });
  let closed = 0;
  wss.on('listening', () => process.stdout.write(`${wss.address().port}\n`));
  wss.on('connection', (ws) => {
    ws.on('close', () => closed++);
    if (wss.clients.size === count) {
      setTimeout(() => {
        const cpu0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        setTimeout(() => {
          const cpu = process.cpuUsage(cpu0);
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          process.stdout.write(
            JSON.stringify({ coreShare: (cpu.user + cpu.system) / 1e6 / seconds, closed, open: wss.clients.size }) + '\n'
          );
          process.exit(0);
        }, Number(process.argv[5]) * 1000);
      }, 1500);
    }
  });
} else if (process.argv[2] === 'clients') {
  const net = require('net');
  const [port, count] = process.argv.slice(3).map(Number);
  const PONG = Buffer.from([0x8a, 0x80, 0, 0, 0, 0]);
  let i = 0;
  const open = () => {
    if (i++ >= count) return;
    const socket = net.connect(port, '127.0.0.1', open);
    socket.on('error', () => {});
    socket.on('data', (d) => {
      // Each unmasked ping from the server (0x89 0x00) gets a masked empty pong.
      for (let at = d.indexOf(0x89); at !== -1; at = d.indexOf(0x89, at + 1)) {
        if (d[at + 1] === 0x00) socket.write(PONG);
      }
    });
    socket.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
    );
  };
  for (let k = 0; k < 50; k++) open();
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

function run(interval) {
  return runServerAndClients(
    [__filename, 'server', String(interval), String(SOCKETS), String(SECONDS)],
    (port) => [__filename, 'clients', port, String(SOCKETS)]
  );
}

async function main() {
  const off = await run(0);
  const fast = await run(1000);
  const slow = await run(SECONDS * 1000);
  save('heartbeat', { sockets: SOCKETS, seconds: SECONDS, off, fast, slow });
  const row = (name, r) => `| ${name} | ${(r.coreShare * 100).toFixed(2)}% | ${r.closed} |`;
  console.log(
    [
      `| ${SOCKETS} idle sockets (${SECONDS} s window) | server CPU, share of one core | terminated |`,
      '| --- | ---: | ---: |',
      row('heartbeat off', off),
      row('heartbeat { interval: 1000, timeout: 1000 }', fast),
      row(`heartbeat { interval: ${SECONDS * 1000}, timeout: 1000 }`, slow)
    ].join('\n')
  );
}
