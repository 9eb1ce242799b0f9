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
const EventSource = require('../../eventsource');
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
