'use strict';
// An unmodified websocket-driver 0.8 program: a net server and a client driver.
const net = require('net');
const websocket = require('websocket-driver');

const server = net.createServer((connection) => {
  const driver = websocket.server();
  driver.on('connect', () => {
    if (websocket.isWebSocket(driver)) driver.start();
  });
  driver.on('close', () => connection.end());
  connection.on('error', () => {});
  connection.pipe(driver.io).pipe(connection);
  driver.messages.pipe(driver.messages);
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const driver = websocket.client(`ws://127.0.0.1:${port}/`);
  const socket = net.connect(port, '127.0.0.1');
  socket.pipe(driver.io).pipe(socket);
  driver.on('open', () => driver.text('driver hello'));
  driver.messages.on('data', (message) => {
    driver.close();
    socket.end();
    server.close();
    console.log(JSON.stringify({ echo: message, version: driver.version }));
  });
  driver.start();
});
