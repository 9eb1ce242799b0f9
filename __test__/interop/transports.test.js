'use strict';

/**
 * Transports and handshake options against the real ws@8.23.0, both directions: wss with a
 * self-signed certificate, ws+unix, subprotocol negotiation and permessage-deflate.
 */

const assert = require('assert');
const fs = require('fs');
const https = require('https');
const http = require('http');
const os = require('os');
const path = require('path');
const { describe, it } = require('node:test');
const { once } = require('events');

const RealWS = require('ws');
const OxWS = require('../..');
const { closeAfterAll } = require('../helpers/cleanup');

const certs = path.join(__dirname, '..', 'helpers', 'certs');
const tlsOptions = {
  cert: fs.readFileSync(path.join(certs, 'cert.pem')),
  key: fs.readFileSync(path.join(certs, 'key.pem'))
};

const PAIRS = [
  ['oxws client → ws server', RealWS.WebSocketServer, OxWS],
  ['ws client → oxws server', OxWS.WebSocketServer, RealWS]
];

/** Echo handler for a server (closed with its clients after the file's tests). */
function echo(server) {
  closeAfterAll(server);
  server.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
}

/** Sends one message and resolves to the echo and the client. */
async function echoOnce(ws, data) {
  await once(ws, 'open');
  ws.send(data);
  const [reply] = await once(ws, 'message');
  return reply;
}

for (const [name, Server, Client] of PAIRS) {
  describe(name, () => {
    it('wss with a self-signed certificate', async () => {
      const httpsServer = closeAfterAll(https.createServer(tlsOptions));
      const wss = new Server({ server: httpsServer });
      echo(wss);
      httpsServer.listen(0, '127.0.0.1');
      await once(httpsServer, 'listening');
      const ws = new Client(`wss://localhost:${httpsServer.address().port}`, { ca: tlsOptions.cert });
      const reply = await echoOnce(ws, 'over tls');
      assert.strictEqual(reply.toString(), 'over tls');
      ws.close();
      await once(ws, 'close');
      wss.close();
      httpsServer.close();
    });

    it('ws+unix', async () => {
      const socketPath = path.join(os.tmpdir(), `oxws-${process.pid}-${Math.random().toString(16).slice(2)}.sock`);
      const httpServer = closeAfterAll(http.createServer());
      const wss = new Server({ server: httpServer });
      echo(wss);
      httpServer.listen(socketPath);
      await once(httpServer, 'listening');
      const ws = new Client(`ws+unix:${socketPath}:/path?query=1`);
      const reply = await echoOnce(ws, 'over a unix socket');
      assert.strictEqual(reply.toString(), 'over a unix socket');
      ws.close();
      await once(ws, 'close');
      wss.close();
      httpServer.close();
      fs.rmSync(socketPath, { force: true });
    });

    it('negotiates a subprotocol', async () => {
      const wss = new Server({
        host: '127.0.0.1',
        port: 0,
        handleProtocols: (protocols) => (protocols.has('chat.v2') ? 'chat.v2' : false)
      });
      closeAfterAll(wss);
      await once(wss, 'listening');
      const serverSide = once(wss, 'connection');
      const ws = new Client(`ws://127.0.0.1:${wss.address().port}`, ['chat.v1', 'chat.v2']);
      await once(ws, 'open');
      const [sws] = await serverSide;
      assert.strictEqual(ws.protocol, 'chat.v2');
      assert.strictEqual(sws.protocol, 'chat.v2');
      ws.close();
      await once(ws, 'close');
      wss.close();
    });

    for (const params of [
      {},
      { serverNoContextTakeover: true },
      { clientNoContextTakeover: true },
      { serverMaxWindowBits: 10 },
      { clientMaxWindowBits: 9 },
      { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 9, clientMaxWindowBits: 9 }
    ]) {
      it(`permessage-deflate ${JSON.stringify(params)}`, async () => {
        const wss = new Server({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0, ...params } });
        echo(wss);
        await once(wss, 'listening');
        const ws = new Client(`ws://127.0.0.1:${wss.address().port}`, { perMessageDeflate: { threshold: 0 } });
        await once(ws, 'open');
        assert.strictEqual(ws.extensions, 'permessage-deflate');
        const messages = [];
        for (let i = 0; i < 20; i++) messages.push(JSON.stringify({ i, text: 'compress me '.repeat(i * 10) }));
        messages.push('');
        const replies = [];
        const done = new Promise((resolve) => {
          ws.on('message', (data) => {
            replies.push(data.toString());
            if (replies.length === messages.length) resolve();
          });
        });
        for (const m of messages) ws.send(m);
        ws.send(Buffer.alloc(200000, 7), { binary: true });
        await done;
        assert.deepStrictEqual(replies, messages);
        const [big] = await once(ws, 'message');
        assert.ok(Buffer.from(big).equals(Buffer.alloc(200000, 7)));
        ws.close();
        await once(ws, 'close');
        wss.close();
      });
    }
  });
}
