'use strict';

/**
 * `npm start`: a chat room over WebSocket (the ws API, permessage-deflate on, messages sent
 * with `wss.broadcast()`; any path; plain-text lines are said as a guest, so
 * `npx oxws connect ws://127.0.0.1:8080` can take part) and a live panel fed by a server-side EventSource (`/stats`:
 * connections, messages per second, bytes in and out, once a second). Plain files, no
 * build step, no external URLs. HOST and PORT come from the environment (defaults
 * 127.0.0.1 and 8080; PORT=0 picks a free port). Prints the URL; exits on SIGINT/SIGTERM.
 */

const fs = require('fs');
const http = require('http');
const path = require('path');
const WebSocket = require('..');

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT === undefined ? 8080 : process.env.PORT);
const page = fs.readFileSync(path.join(__dirname, 'demo.html'));

/** Limits for chat input (names and messages from browsers are untrusted). */
const MAX_NAME = 32;
const MAX_TEXT = 2000;

const stats = { messages: 0, bytesIn: 0, bytesOut: 0 };
const streams = new Set();

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(page);
  } else if (req.url === '/stats' && WebSocket.EventSource.isEventSource(req)) {
    const es = new WebSocket.EventSource(req, res, { ping: 15 });
    streams.add(es);
    es.on('close', () => streams.delete(es));
    es.send(JSON.stringify(snapshot(0)), { event: 'stats' });
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found\n');
  }
});

const wss = new WebSocket.WebSocketServer({
  server,
  perMessageDeflate: true,
  maxPayload: 64 * 1024,
  heartbeat: { interval: 30000, timeout: 10000 },
  maxBackpressure: 1 << 20,
  backpressurePolicy: 'drop'
});

/**
 * Sends a chat event to everyone.
 *
 * @param {Object} event The event
 */
function announce(event) {
  const data = JSON.stringify({ ...event, at: Date.now() });
  const sent = wss.broadcast(data);
  stats.bytesOut += Buffer.byteLength(data) * sent;
}

let guests = 0;

wss.on('connection', (ws) => {
  ws.name = null;
  ws.on('message', (data, isBinary) => {
    stats.messages++;
    stats.bytesIn += data.length;
    if (isBinary) return;
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      // Plain text (e.g. from `npx oxws connect ws://127.0.0.1:8080`): say it as a guest.
      msg = { type: 'say', text: data.toString() };
    }
    if (msg === null || typeof msg !== 'object') return;
    if (msg.type === 'say' && ws.name === null) {
      ws.name = `guest-${++guests}`;
      announce({ type: 'join', name: ws.name, online: wss.clients.size });
    }
    if (msg.type === 'join' && typeof msg.name === 'string' && ws.name === null) {
      ws.name = msg.name.trim().slice(0, MAX_NAME) || 'anonymous';
      announce({ type: 'join', name: ws.name, online: wss.clients.size });
    } else if (msg.type === 'say' && typeof msg.text === 'string' && ws.name !== null) {
      announce({ type: 'say', name: ws.name, text: msg.text.slice(0, MAX_TEXT) });
    }
  });
  ws.on('close', () => {
    if (ws.name !== null) announce({ type: 'leave', name: ws.name, online: wss.clients.size });
  });
  ws.on('error', () => {});
});

let lastMessages = 0;

/**
 * @param {Number} perSecond Messages in the last second
 * @return {Object} The stats shown in the panel
 */
function snapshot(perSecond) {
  return {
    connections: wss.clients.size,
    messagesPerSecond: perSecond,
    messages: stats.messages,
    bytesIn: stats.bytesIn,
    bytesOut: stats.bytesOut
  };
}

const ticker = setInterval(() => {
  const perSecond = stats.messages - lastMessages;
  lastMessages = stats.messages;
  const data = JSON.stringify(snapshot(perSecond));
  for (const es of streams) es.send(data, { event: 'stats' });
}, 1000);

server.listen(port, host, () => {
  console.log(`oxws demo: open http://${host}:${server.address().port}/ (Ctrl-C to stop)`);
});

function stop() {
  clearInterval(ticker);
  for (const es of streams) es.close();
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
}

process.on('SIGINT', stop);
process.on('SIGTERM', stop);
