'use strict';
// The real ws 8.23 (installed as real-ws), whose require('bufferutil') and
// require('utf-8-validate') resolve to the aliases.
const path = require('path');
const WebSocket = require('real-ws');

const bufferutil = require.resolve('bufferutil', { paths: [path.dirname(require.resolve('real-ws'))] });
const validate = require('utf-8-validate');
const mask = require('bufferutil').mask;

const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0 }, () => {
  const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
  ws.on('open', () => ws.send(Buffer.alloc(4096, 7)));
  ws.on('message', (data) => {
    ws.close();
    wss.close();
    const out = Buffer.alloc(4);
    mask(Buffer.from([1, 2, 3, 4]), Buffer.from([1, 1, 1, 1]), out, 0, 4);
    console.log(
      JSON.stringify({
        echoed: data.length,
        bufferutilIsAlias: require(path.join(path.dirname(bufferutil), 'package.json')).name === 'oxws',
        isValidUTF8: validate(Buffer.from('héllo')),
        masked: out.toString('hex')
      })
    );
  });
});
wss.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
