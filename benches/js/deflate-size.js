'use strict';

/**
 * Compressed bytes on the wire, oxws vs ws 8.23 at the same level: a server of each sends a
 * sequence of messages to one client with permessage-deflate negotiated (context takeover
 * allowed and not), and the bytes the client receives are counted. Deterministic, no timing.
 *
 *   node benches/js/deflate-size.js
 *
 * Writes bench-results/deflate-size.json and prints a markdown table.
 */

const fs = require('fs');
const net = require('net');
const path = require('path');

const root = path.join(__dirname, '..', '..');

/** 200 JSON messages of about 1 KiB (records that change a little each time). */
function jsonMessages(n, size) {
  const out = [];
  for (let m = 0; m < n; m++) {
    const items = [];
    let text = '';
    for (let i = 0; text.length < size - 40; i++) {
      items.push({ id: m * 1000 + i, name: `item-${i}`, price: (i * 7.31 + m) % 100, ok: (i + m) % 3 === 0 });
      text = JSON.stringify({ seq: m, items });
    }
    out.push(text);
  }
  return out;
}

/**
 * Sends `messages` from a server of `impl` to a raw client; resolves with wire bytes.
 *
 * @param {String} impl `oxws` or `ws`
 * @param {String[]} messages The messages
 * @param {String} offer The client's extension offer
 * @param {Object} [deflateOptions] Extra `perMessageDeflate` options for the server
 * @return {Promise<Number>} Bytes received after the handshake
 */
function wireBytes(impl, messages, offer, deflateOptions = {}) {
  const { WebSocketServer } = require(impl === 'oxws' ? root : 'ws');
  return new Promise((resolve) => {
    const perMessageDeflate = { threshold: 0, ...deflateOptions };
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate }, () => {
      const socket = net.connect(wss.address().port, '127.0.0.1');
      let head = true;
      let bytes = 0;
      let buffered = Buffer.alloc(0);
      socket.on('data', (d) => {
        if (head) {
          buffered = Buffer.concat([buffered, d]);
          const end = buffered.indexOf('\r\n\r\n');
          if (end < 0) return;
          head = false;
          d = buffered.subarray(end + 4);
        }
        bytes += d.length;
      });
      socket.on('close', () => {
        wss.close();
        resolve(bytes);
      });
      socket.write(
        'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
          `Sec-WebSocket-Extensions: ${offer}\r\n\r\n`
      );
    });
    wss.on('connection', (ws) => {
      let i = 0;
      const next = () => {
        if (i === messages.length) return ws.terminate();
        ws.send(messages[i++], next);
      };
      next();
    });
  });
}

async function main() {
  const sets = {
    '200 x 1 KiB JSON': jsonMessages(200, 1024),
    '20 x 64 KiB JSON': jsonMessages(20, 65536)
  };
  const offers = {
    'context takeover': 'permessage-deflate',
    'server_no_context_takeover': 'permessage-deflate; server_no_context_takeover'
  };
  const results = [];
  for (const [setName, messages] of Object.entries(sets)) {
    const raw = messages.reduce((n, m) => n + Buffer.byteLength(m), 0);
    for (const [offerName, offer] of Object.entries(offers)) {
      const ox = await wireBytes('oxws', messages, offer);
      const ws = await wireBytes('ws', messages, offer);
      // zlib-rs level 7 runs the same lazy-matching algorithm as zlib's level 6 (its level 6
      // is the faster "medium" one): the setting for byte parity with ws.
      const ox7 = await wireBytes('oxws', messages, offer, { zlibDeflateOptions: { level: 7 } });
      results.push({ set: setName, offer: offerName, raw, oxws: ox, ws, ratio: ox / ws, oxwsLevel7: ox7, ratioLevel7: ox7 / ws });
    }
  }
  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench-results', 'deflate-size.json'), JSON.stringify(results, null, 2));
  const lines = [
    '| messages | negotiated | uncompressed | oxws bytes | ws bytes | oxws / ws | oxws level 7 / ws |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |'
  ];
  for (const r of results) {
    lines.push(
      `| ${r.set} | ${r.offer} | ${r.raw} | ${r.oxws} | ${r.ws} | ${r.ratio.toFixed(3)} | ${r.ratioLevel7.toFixed(3)} |`
    );
  }
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
