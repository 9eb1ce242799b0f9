// Compile-time checks for `oxws/driver` and the driver statics of the main export.
import driver = require('./driver');
import WebSocket = require('../index');
import * as net from 'net';
import * as http from 'http';

const client: driver.Client = driver.client('ws://localhost/', { protocols: ['a'], maxLength: 1024 });
client.on('open', () => client.text('hi'));
client.on('message', (event: driver.MessageEvent) => {
  const data: string | Buffer = event.data;
  void data;
});
client.on('close', (event) => {
  const code: number | null = event.code;
  void code;
});
client.on('error', (error: Error) => void error.message);
client.ping('x', () => undefined);
client.close('bye', 1000);
const proxy = client.proxy('http://proxy:3128');
proxy.setHeader('User-Agent', 'oxws');
proxy.on('connect', () => client.start());

net.createServer((socket) => {
  const d = driver.server({ requireMasking: true });
  d.on('connect', () => {
    if (driver.isWebSocket(d as unknown as driver.HttpRequest)) d.start();
  });
  socket.pipe(d.io).pipe(socket);
  d.messages.pipe(d.messages);
});

http.createServer().on('upgrade', (request: http.IncomingMessage, socket: net.Socket, body: Buffer) => {
  if (!WebSocket.isWebSocket(request)) return;
  const d = WebSocket.http(request, { protocols: 'a, b' });
  d.io.write(body);
  socket.pipe(d.io).pipe(socket);
  d.start();
});

// @ts-expect-error: close() takes the reason first
client.close(1000, 'bye');
// @ts-expect-error: driver options are checked
driver.client('ws://localhost/', { maxPayload: 1 });
