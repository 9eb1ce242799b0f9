'use strict';

/** A package written for ws 8: whatever `ws` resolves to from here is what it uses. */

const { WebSocket, WebSocketServer } = require('ws');

/** @return {String} The `name` of the package this module's `ws` resolves to */
exports.wsPackage = () => require('ws/package.json').name;

/**
 * Echoes one message through this package's `ws`.
 *
 * @return {Promise<String>} The echoed text
 */
exports.echo = () =>
  new Promise((resolve, reject) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
      ws.on('open', () => ws.send('hello through a dependent'));
      ws.on('message', (data) => {
        ws.close();
        wss.close(() => resolve(data.toString()));
      });
      ws.on('error', reject);
    });
    wss.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
  });
