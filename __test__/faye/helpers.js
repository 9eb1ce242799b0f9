'use strict';

/**
 * Servers for the faye tests, on 127.0.0.1: an echo server (plain or TLS) built with a faye
 * implementation, and an HTTP CONNECT proxy (plain or TLS) like faye's spec proxy.
 */

const fs = require('fs');
const net = require('net');
const http = require('http');
const https = require('https');
const path = require('path');

const certs = path.join(__dirname, '..', 'helpers', 'certs');
const tlsOptions = {
  cert: fs.readFileSync(path.join(certs, 'cert.pem')),
  key: fs.readFileSync(path.join(certs, 'key.pem'))
};
const ca = tlsOptions.cert;

/**
 * @param {net.Server} server A server
 * @return {Promise<Number>} Its port once listening on 127.0.0.1
 */
function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/**
 * Starts an echo server (`ws.pipe(ws)`, subprotocol "echo") with a faye implementation.
 *
 * @param {Function} Faye The faye WebSocket class
 * @param {Object} [options] `{secure, socketOptions, onSocket}`
 * @return {Promise<Object>} `{server, port, sockets}`
 */
async function echoServer(Faye, options = {}) {
  const server = options.secure ? https.createServer(tlsOptions) : http.createServer();
  const sockets = [];
  server.on('upgrade', (request, socket, head) => {
    const ws = new Faye(request, socket, head, ['echo'], options.socketOptions);
    sockets.push(ws);
    if (options.onSocket) options.onSocket(ws);
    else ws.pipe(ws);
  });
  const port = await listen(server);
  return { server, port, sockets };
}

/**
 * Starts an HTTP CONNECT proxy. `refuse` makes it answer 403.
 *
 * @param {Object} [options] `{secure, refuse}`
 * @return {Promise<Object>} `{server, port, requests}`
 */
async function proxyServer(options = {}) {
  const requests = [];
  const onConnection = (client) => {
    client.on('error', () => {});
    let head = '';
    const onData = (chunk) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.removeListener('data', onData);
      const lines = head.slice(0, end).split('\r\n');
      requests.push(lines);
      const m = /^CONNECT ([^:]+):(\d+) HTTP\/1\.1$/.exec(lines[0]);
      if (!m || options.refuse) return client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      const upstream = net.connect(Number(m[2]), m[1] === 'localhost' ? '127.0.0.1' : m[1], () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = Buffer.from(head.slice(end + 4), 'latin1');
        if (rest.length) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onData);
  };
  const server = options.secure
    ? require('tls').createServer(tlsOptions, onConnection)
    : net.createServer(onConnection);
  const port = await listen(server);
  return { server, port, requests };
}

/**
 * Resolves with the next event of a type.
 *
 * @param {EventEmitter} emitter The emitter
 * @param {String} type The event
 * @return {Promise<*>} The event object
 */
function once(emitter, type) {
  return new Promise((resolve) => emitter.once(type, resolve));
}

module.exports = { ca, tlsOptions, listen, echoServer, proxyServer, once };
