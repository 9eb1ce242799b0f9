'use strict';

/**
 * faye's server-side EventSource on oxws (`oxws/eventsource`), against a real client (the
 * npm `eventsource` package): the stream format, event types, ids, multi-line data, pings,
 * retry, and reconnection with `Last-Event-ID`. Also raw bytes, compared with faye's own.
 */

const test = require('node:test');
const assert = require('node:assert');
const http = require('http');
const net = require('net');
const EventSourceClient = require('eventsource');
const EventSource = require('oxws/eventsource');
const UpstreamEventSource = require('faye-websocket').EventSource;
const Main = require('../..');

/**
 * @param {Function} handler `(req, res)` for event-stream requests
 * @return {Promise<Object>} `{server, port}`
 */
async function serve(handler) {
  const server = http.createServer((req, res) => {
    if (EventSource.isEventSource(req)) return handler(req, res);
    res.writeHead(404);
    res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port };
}

/**
 * Reads the raw response of one event-stream request until `until` is seen.
 *
 * @param {Number} port The port
 * @param {String} until A marker that ends the read
 * @return {Promise<String>} Everything read
 */
function rawRead(port, until) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => {
      out += d;
      if (out.includes(until)) {
        socket.destroy();
        resolve(out);
      }
    });
    socket.on('error', reject);
    socket.write(
      'GET /stream?x=1 HTTP/1.1\r\nHost: example.com\r\nAccept: text/event-stream\r\nLast-Event-ID: 41\r\n\r\n'
    );
  });
}

test('isEventSource: GET with text/event-stream in Accept', () => {
  assert.strictEqual(EventSource.isEventSource({ method: 'GET', headers: { accept: 'text/html, text/event-stream' } }), true);
  assert.strictEqual(EventSource.isEventSource({ method: 'POST', headers: { accept: 'text/event-stream' } }), false);
  assert.strictEqual(EventSource.isEventSource({ method: 'GET', headers: {} }), false);
  assert.strictEqual(Main.EventSource, EventSource);
});

test('the same bytes as faye-websocket 0.11.4', async (t) => {
  const outputs = [];
  for (const Impl of [EventSource, UpstreamEventSource]) {
    const { server, port } = await serve((req, res) => {
      const es = new Impl(req, res, { headers: { 'X-Test': 'yes' }, retry: 2.5, ping: 0 });
      assert.strictEqual(es.lastEventId, '41');
      assert.strictEqual(es.url, 'http://example.com/stream?x=1');
      es.send('one');
      es.send('multi\nline\r\nbreaks\rhere', { event: 'update', id: 42 });
      es.ping();
      es.send('end');
    });
    outputs.push(await rawRead(port, 'data: end\r\n\r\n'));
    server.close();
  }
  assert.strictEqual(outputs[0], outputs[1]);
  assert.match(outputs[0], /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/event-stream\r\n/);
  assert.ok(outputs[0].includes('X-Test: yes\r\n\r\nretry: 2500\r\n\r\n'));
  assert.ok(outputs[0].includes('data: multi\ndata: line\r\ndata: breaks\rdata: here\r\n\r\n'));
});

test('a real EventSource client receives events and reconnects with Last-Event-ID', async (t) => {
  const seenLastIds = [];
  let connections = 0;
  const { server, port } = await serve((req, res) => {
    connections++;
    const es = new EventSource(req, res, { retry: 0.05 });
    seenLastIds.push(es.lastEventId);
    es.onopen = () => {
      if (connections === 1) {
        es.send('first', { id: 'a1' });
        es.send('typed', { event: 'custom', id: 'a2' });
        setTimeout(() => es.close(), 20); // drop the connection: the client must reconnect
      } else {
        es.send('after reconnect', { id: 'b1' });
      }
    };
  });
  t.after(() => server.close());

  const client = new EventSourceClient(`http://127.0.0.1:${port}/events`);
  const got = [];
  const done = new Promise((resolve) => {
    client.onmessage = (e) => {
      got.push([e.data, e.lastEventId]);
      if (e.data === 'after reconnect') resolve();
    };
    client.addEventListener('custom', (e) => got.push(['custom:' + e.data, e.lastEventId]));
  });
  await done;
  client.close();
  assert.deepStrictEqual(got, [
    ['first', 'a1'],
    ['custom:typed', 'a2'],
    ['after reconnect', 'b1']
  ]);
  assert.deepStrictEqual(seenLastIds, ['', 'a2']);
});

test('close() ends the stream; send after close is refused; classic pipe into it', async (t) => {
  let es;
  const { server, port } = await serve((req, res) => {
    es = new EventSource(req, res);
    const source = new (require('stream').PassThrough)();
    source.pipe(es);
    source.write('piped');
  });
  t.after(() => server.close());
  const out = await rawRead(port, 'data: piped\r\n\r\n');
  assert.ok(out.includes('data: piped'));
  assert.strictEqual(es.close(), true);
  assert.strictEqual(es.readyState, 3);
  assert.strictEqual(es.send('x'), false);
  assert.strictEqual(es.close(), false);
});

/**
 * Runs `script(es, req)` on the server side of one event-stream request with `Impl` and returns
 * everything the client read until the server ended the stream.
 */
async function rawSession(Impl, script) {
  const { server, port } = await serve((req, res) => script(new Impl(req, res, { ping: 0 }), req));
  try {
    return await new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let out = '';
      socket.setEncoding('latin1');
      socket.on('data', (d) => (out += d));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
      socket.write('GET /s HTTP/1.1\r\nHost: example.com\r\nAccept: text/event-stream\r\n\r\n');
    });
  } finally {
    server.close();
  }
}

test('events sent in one tick and then close() arrive whole, in order, as faye sends them', async () => {
  const script = (es) => {
    es.onopen = () => {
      for (let i = 1; i <= 50; i++) es.send(`event ${i}`, { event: 'tick', id: i });
      es.send('two\nlines\r\nand\rthree');
      es.ping();
      es.close();
    };
  };
  const ours = await rawSession(EventSource, script);
  const theirs = await rawSession(UpstreamEventSource, script);
  assert.ok(ours.includes('event: tick\r\nid: 50\r\ndata: event 50\r\n\r\n'));
  assert.ok(ours.includes('data: two\ndata: lines\r\ndata: and\rdata: three\r\n\r\n'));
  assert.strictEqual(ours.replace(/\r\nDate: [^\r]*/, ''), theirs.replace(/\r\nDate: [^\r]*/, ''));
});

test('send() returns false once a tick has queued the high-water mark, and drain follows', async () => {
  let results;
  let drained;
  let highWaterMark;
  const event = 'x'.repeat(1000);
  const frameLength = `data: ${event}\r\n\r\n`.length;
  const out = await rawSession(EventSource, (es, req) => {
    // The socket's own mark: 16 KiB on Node 20, 64 KiB from Node 22 on (the streams'
    // default high-water mark grew there).
    highWaterMark = req.socket.writableHighWaterMark;
    es.onopen = () => {
      results = [];
      const limit = Math.ceil(highWaterMark / frameLength) + 10;
      for (let i = 0; i < limit && (results.length === 0 || results[results.length - 1]); i++) {
        results.push(es.send(event));
      }
      drained = new Promise((resolve) => es.on('drain', resolve));
      drained.then(() => es.close());
    };
  });
  await drained;
  assert.strictEqual(results[0], true);
  assert.strictEqual(results[results.length - 1], false);
  // The handshake is written in the same tick as the first events, so it counts too: send()
  // says false at the first event that brings the tick's text to the mark.
  const handshakeLength = out.indexOf('data: ');
  assert.ok(handshakeLength > 0);
  const expected = Math.ceil((highWaterMark - handshakeLength) / frameLength);
  assert.strictEqual(results.length, expected, `false after ${results.length} sends (mark ${highWaterMark})`);
  assert.strictEqual(out.split(`data: ${event}\r\n\r\n`).length - 1, results.length);
});
