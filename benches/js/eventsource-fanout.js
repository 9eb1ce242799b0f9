'use strict';

/**
 * EventSource fan-out measurement (one process, bounded): `node eventsource-fanout.js <impl>
 * <subscribers>`, impl `oxws` or `faye`. Opens that many raw event-stream connections on
 * 127.0.0.1, then sends 200 events of ~100 B to every subscriber and waits until each has
 * received them all. Prints `{subscribers, events, seconds, cpuSeconds, eventsPerSecond,
 * eventsPerCpuSecond}` (CPU of this process: server and clients together, same for both).
 */

const http = require('http');
const net = require('net');
const path = require('path');

const [impl, count] = process.argv.slice(2);
const EventSource =
  impl === 'oxws' ? require(path.join(__dirname, '..', '..', 'eventsource')) : require('faye-websocket').EventSource;
const subscribers = Number(count);
const EVENTS = 200;
const payload = JSON.stringify({ price: 123.45, symbol: 'OXWS', note: 'x'.repeat(60) });

const sources = [];
const server = http.createServer((req, res) => {
  if (!EventSource.isEventSource(req)) return res.end();
  sources.push(new EventSource(req, res, { ping: 0 }));
});

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const marker = `id: ${EVENTS}\r\n`;
  let finished = 0;
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));
  for (let i = 0; i < subscribers; i++) {
    const socket = net.connect(port, '127.0.0.1');
    let tail = '';
    socket.on('data', (d) => {
      const text = tail + d.toString('latin1');
      tail = text.slice(-256);
      if (text.includes(marker)) {
        finished++;
        socket.destroy();
        if (finished === subscribers) resolveDone();
      }
    });
    socket.write('GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  }
  while (sources.length < subscribers) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 50));

  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let e = 1; e <= EVENTS; e++) {
    for (const es of sources) es.send(payload, { event: 'quote', id: e });
    if (e % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const timer = setTimeout(() => process.exit(2), 60000);
  await done;
  clearTimeout(timer);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const events = EVENTS * subscribers;
  process.stdout.write(
    JSON.stringify({ subscribers, events, seconds, cpuSeconds, eventsPerSecond: events / seconds, eventsPerCpuSecond: events / cpuSeconds }) + '\n'
  );
  process.exit(0);
});
