'use strict';
// An unmodified faye-websocket 0.11 program: server socket, client, and EventSource.
const http = require('http');
const net = require('net');
const WebSocket = require('faye-websocket');

const server = http.createServer((req, res) => {
  if (WebSocket.EventSource.isEventSource(req)) {
    const es = new WebSocket.EventSource(req, res);
    es.send('tick', { id: 7 });
    setTimeout(() => es.close(), 20);
  }
});
server.on('upgrade', (request, socket, body) => {
  if (WebSocket.isWebSocket(request)) {
    const ws = new WebSocket(request, socket, body);
    ws.pipe(ws);
  }
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const ws = new WebSocket.Client(`ws://127.0.0.1:${port}/`);
  const out = {};
  ws.on('open', () => ws.send('faye hello'));
  ws.on('message', (event) => {
    out.echo = event.data;
    ws.close();
  });
  ws.on('close', (event) => {
    out.code = event.code;
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    socket.on('data', (d) => (raw += d));
    socket.on('close', () => {
      out.eventsource = raw.includes('id: 7\r\ndata: tick\r\n\r\n');
      server.close();
      console.log(JSON.stringify(out));
    });
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  });
});
