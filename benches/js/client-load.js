'use strict';

/**
 * Client-side load (one process): `node client-load.js <impl> <port> <conns> <inflight>
 * <size> <seconds>`, impl `oxws`, `oxws-native` (nativeIO) or `ws`. Opens `conns` WebSocket clients to a native echo
 * server, keeps `inflight` binary messages of `size` bytes in flight on each, and after a
 * warm-up measures this process's CPU over `seconds`. Prints `{messages, cpu, perCpuSecond,
 * mbPerCpuSecond}`.
 */

const path = require('path');

const [impl, port, conns, inflight, size, seconds] = process.argv.slice(2);
const WebSocket = require(impl.startsWith('oxws') ? path.join(__dirname, '..', '..') : 'ws');
const nativeIO = impl === 'oxws-native' ? { nativeIO: true } : {};
const payload = Buffer.alloc(Number(size), 7);

let messages = 0;
let measuring = false;
let opened = 0;

for (let i = 0; i < Number(conns); i++) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false, maxPayload: 0, ...nativeIO });
  ws.on('error', (err) => {
    console.error(err.message);
    process.exit(1);
  });
  ws.on('open', () => {
    for (let k = 0; k < Number(inflight); k++) ws.send(payload);
    if (++opened === Number(conns)) start();
  });
  ws.on('message', () => {
    if (measuring) messages++;
    ws.send(payload);
  });
}

function start() {
  setTimeout(() => {
    measuring = true;
    const cpu0 = process.cpuUsage();
    setTimeout(() => {
      measuring = false;
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      process.stdout.write(
        JSON.stringify({
          messages,
          cpu: cpuSeconds,
          perCpuSecond: messages / cpuSeconds,
          mbPerCpuSecond: (messages * payload.length) / 1e6 / cpuSeconds
        }) + '\n'
      );
      process.exit(0);
    }, Number(seconds) * 1000);
  }, 500);
}
