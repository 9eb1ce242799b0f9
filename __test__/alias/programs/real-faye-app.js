'use strict';
// The real faye-websocket 0.11.4 (installed as real-faye) on the aliased websocket-driver:
// its EventSource deep-requires websocket-driver/lib/websocket/driver/headers.
const http = require('http');
const net = require('net');
const Faye = require('real-faye');

const driverPath = require.resolve('websocket-driver', { paths: [require.resolve('real-faye')] });
const server = http.createServer((req, res) => {
  const es = new Faye.EventSource(req, res, { headers: { 'X-Alias': 'ok' } });
  es.send('via real faye');
  setTimeout(() => es.close(), 20);
});
server.on('upgrade', (request, socket, body) => {
  const ws = new Faye(request, socket, body);
  ws.pipe(ws);
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const client = new Faye.Client(`ws://127.0.0.1:${port}/`);
  client.on('open', () => client.send('real faye echo'));
  client.on('message', (event) => {
    client.close();
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    socket.on('data', (d) => (raw += d));
    socket.on('close', () => {
      server.close();
      console.log(
        JSON.stringify({
          echo: event.data,
          header: raw.includes('X-Alias: ok'),
          data: raw.includes('data: via real faye'),
          driverIsAlias: require(path(driverPath)).name === 'oxws'
        })
      );
    });
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  });
});

function path(main) {
  const dir = require('path').dirname(main);
  return require('path').join(dir, 'package.json');
}
