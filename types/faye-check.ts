// Compile-time checks for `oxws/faye`, `oxws/eventsource` and the faye statics.
import Faye = require('./faye');
import EventSource = require('./eventsource');
import WebSocket = require('../index');
import * as http from 'http';

const server = http.createServer((req, res) => {
  if (EventSource.isEventSource(req)) {
    const es = new EventSource(req, res, { ping: 15, retry: 10 });
    es.send('hello', { event: 'greet', id: 1 });
    es.onclose = () => undefined;
  }
});

server.on('upgrade', (request: http.IncomingMessage, socket, body: Buffer) => {
  if (!Faye.isWebSocket(request)) return;
  const ws = new Faye(request, socket, body, ['chat'], { ping: 5, maxLength: 1 << 20 });
  ws.on('message', (event) => ws.send(event.data));
  ws.onclose = (event) => console.log(event.code, event.reason);
  ws.pipe(ws);
});

const client = new Faye.Client('ws://127.0.0.1:8080/', [], {
  proxy: { origin: 'http://proxy:3128', headers: { 'User-Agent': 'oxws' } },
  tls: { rejectUnauthorized: false },
  net: { family: 4 }
});
client.onopen = () => client.send('hi');
client.ping('x', () => undefined);
const status: number | undefined = client.statusCode;
void status;
client.close(1000, 'bye');

const viaMain = new WebSocket.Client('ws://127.0.0.1:8080/');
viaMain.close();
void WebSocket.EventSource;

// @ts-expect-error: faye's close takes the code first
client.close('bye', 1000);
