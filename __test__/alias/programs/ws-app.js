'use strict';
// An unmodified ws 8 program: server + client exchange text and binary, then close.
const WebSocket = require('ws');
const { WebSocketServer } = require('ws');

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true }, () => {
  const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
  const got = [];
  ws.on('open', () => {
    ws.send('hello');
    ws.send(Buffer.from([1, 2, 3]));
  });
  ws.on('message', (data, isBinary) => {
    got.push(isBinary ? data.toString('hex') : data.toString());
    if (got.length === 2) ws.close(1000, 'bye');
  });
  ws.on('close', (code) => {
    wss.close();
    console.log(JSON.stringify({ got, code, extensions: ws.extensions }));
  });
});
wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
