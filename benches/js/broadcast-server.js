'use strict';

/**
 * Broadcast benchmark server: `node broadcast-server.js <impl> <mode> <deflate> <clients>
 * <count>`; impl `oxws` | `ws`, mode `broadcast` (oxws's `server.broadcast`) | `loop` (the
 * ws README loop), deflate `on` | `off`. Prints its port, waits for the clients, sends
 * `count` 1 KiB JSON messages to all of them (yielding every 10), waits until every socket
 * has flushed, and prints `{cpuMsPerBroadcast, ms}` (server CPU over the whole window).
 */

const path = require('path');

const [impl, mode, deflate, clients, count] = process.argv.slice(2);
const lib = require(impl === 'oxws' ? path.join(__dirname, '..', '..') : 'ws');
const { WebSocketServer } = lib;
const OPEN = 1;

const message = JSON.stringify({
  type: 'tick',
  items: Array.from({ length: 24 }, (_, i) => ({ id: i, price: i * 1.5, name: `item-${i}` }))
}).slice(0, 1024);

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: deflate === 'on' ? { threshold: 0 } : false
});
wss.on('listening', () => process.stdout.write(`${wss.address().port}\n`));
wss.on('connection', () => {
  if (wss.clients.size === Number(clients)) setImmediate(run);
});

async function run() {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < Number(count); i++) {
    if (mode === 'broadcast') {
      wss.broadcast(message, { binary: false });
    } else {
      wss.clients.forEach((client) => {
        if (client.readyState === OPEN) client.send(message, { binary: false });
      });
    }
    if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
  }
  for (;;) {
    let pending = 0;
    for (const c of wss.clients) pending += c.bufferedAmount;
    if (pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const cpu = process.cpuUsage(cpu0);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ cpuMsPerBroadcast: (cpu.user + cpu.system) / 1000 / Number(count), ms }) + '\n');
  process.exit(0);
}
