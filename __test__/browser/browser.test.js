'use strict';
/* global document */

/**
 * Real browser tests: Debian's Chromium driven by playwright-core (no browser download;
 * `.ci/run` installs the `chromium` package). A test page talks to oxws servers of every API
 * (ws with and without permessage-deflate — Chromium always offers it —, faye, driver):
 * text, ArrayBuffer, Blob, empty, 64 KiB and 16 MiB messages, a close with a code and a
 * reason; and reads an EventSource stream, reconnecting with Last-Event-ID. Then the demo page
 * (`npm start`) is loaded in two tabs that chat, and a screenshot is saved to
 * `test-output/demo.png`.
 */

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { spawn } = require('child_process');
const WebSocket = require('../..');
const Faye = require('oxws/faye');
const driver = require('oxws/driver');

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
const executablePath = CANDIDATES.find((p) => fs.existsSync(p));
const root = path.join(__dirname, '..', '..');

// CI sets OXWS_REQUIRE_BROWSER so that a missing Chromium fails instead of skipping.
const skip = executablePath || process.env.OXWS_REQUIRE_BROWSER ? false : 'no Chromium (apt-get install chromium)';

describe('in Chromium', { skip }, () => {
  let browser;
  let server;
  let base;
  const closes = [];
  const lastEventIds = [];

  before(async () => {
    const { chromium } = require('playwright-core');
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });

    const page = fs.readFileSync(path.join(__dirname, 'page.html'));
    let streams = 0;
    server = http.createServer((req, res) => {
      if (req.url === '/events') {
        lastEventIds.push(req.headers['last-event-id'] || '');
        const es = new WebSocket.EventSource(req, res, { retry: 0.1 });
        const first = streams++ === 0;
        es.send(first ? 'one' : 'three', { event: 'tick', id: first ? '1' : '3' });
        es.send(first ? 'two' : 'four', { event: 'tick', id: first ? '2' : '4' });
        if (first) setTimeout(() => es.close(), 50);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(page);
    });
    const echoWs = (deflate) => {
      const wss = new WebSocket.WebSocketServer({ noServer: true, perMessageDeflate: deflate, maxPayload: 0 });
      wss.on('connection', (ws) => {
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        ws.on('close', (code, reason) => closes.push(['ws', code, reason.toString()]));
      });
      return wss;
    };
    const plain = echoWs(false);
    const deflate = echoWs(true);
    server.on('upgrade', (req, socket, head) => {
      if (req.url === '/ws') plain.handleUpgrade(req, socket, head, (ws) => plain.emit('connection', ws, req));
      else if (req.url === '/ws-deflate') deflate.handleUpgrade(req, socket, head, (ws) => deflate.emit('connection', ws, req));
      else if (req.url === '/faye') {
        const ws = new Faye(req, socket, head, [], { extensions: [require('oxws/permessage-deflate')], maxLength: 1 << 25 });
        ws.pipe(ws);
        ws.on('close', (e) => closes.push(['faye', e.code, e.reason]));
      } else if (req.url === '/driver') {
        const d = driver.http(req, { maxLength: 1 << 25 });
        d.addExtension(require('oxws/permessage-deflate'));
        d.io.write(head);
        socket.pipe(d.io).pipe(socket);
        d.messages.pipe(d.messages);
        d.on('close', (e) => {
          closes.push(['driver', e.code, e.reason]);
          socket.end();
        });
        d.start();
      } else socket.destroy();
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) server.close();
  });

  const expectations = [
    ['/ws', ''],
    ['/ws-deflate', 'permessage-deflate'],
    ['/faye', 'permessage-deflate'],
    ['/driver', 'permessage-deflate']
  ];
  for (const [route, extension] of expectations) {
    it(`WebSocket ${route}: every message kind echoes, close code and reason arrive`, async () => {
      const page = await browser.newPage();
      await page.goto(base + '/');
      const report = await page.evaluate((url) => globalThis.runWs(url), base.replace('http', 'ws') + route);
      await page.close();
      assert.match(report.extensions, new RegExp('^' + extension));
      assert.deepStrictEqual(report.received, [
        ['text', true],
        ['empty text', true],
        ['arraybuffer', true],
        ['blob', true],
        ['empty binary', true],
        ['64 KiB', true],
        ['16 MiB', true]
      ]);
      assert.deepStrictEqual(report.close, [4321, 'bye from the browser', true]);
    });
  }

  it('the servers saw the browser close codes', () => {
    const byKind = closes.map((c) => c.join(' '));
    assert.ok(byKind.includes('ws 4321 bye from the browser'), byKind.join('; '));
    assert.ok(byKind.includes('faye 4321 bye from the browser'), byKind.join('; '));
    assert.ok(byKind.includes('driver 4321 bye from the browser'), byKind.join('; '));
  });

  it('EventSource: events with ids, and reconnection with Last-Event-ID', async () => {
    const page = await browser.newPage();
    await page.goto(base + '/');
    const got = await page.evaluate((url) => globalThis.runEventSource(url), base + '/events');
    await page.close();
    assert.deepStrictEqual(got, [
      ['one', '1'],
      ['two', '2'],
      ['three', '3'],
      ['four', '4']
    ]);
    assert.deepStrictEqual(lastEventIds.slice(0, 2), ['', '2']);
  });

  it('the demo page: two tabs chat; the stats panel updates; a screenshot is saved', async () => {
    const demo = spawn(process.execPath, [path.join(root, 'examples', 'demo.js')], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit']
    });
    try {
      const url = await new Promise((resolve) => {
        let out = '';
        demo.stdout.on('data', (d) => {
          out += d;
          const m = /open (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
      });
      const alice = await browser.newPage();
      const bob = await browser.newPage();
      for (const [page, name] of [
        [alice, 'alice'],
        [bob, 'bob']
      ]) {
        await page.goto(url);
        await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('connected'));
        await page.fill('#name', name);
        await page.click('#join button');
      }
      await alice.fill('#text', 'hello from alice');
      await alice.click('#say button');
      await bob.waitForFunction(() => document.getElementById('log').textContent.includes('alice: hello from alice'));
      await alice.waitForFunction(() => Number(document.getElementById('connections').textContent) === 2);
      assert.match(await alice.textContent('#status'), /permessage-deflate/);
      const out = path.join(root, 'test-output');
      fs.mkdirSync(out, { recursive: true });
      await alice.screenshot({ path: path.join(out, 'demo.png') });
      assert.ok(fs.statSync(path.join(out, 'demo.png')).size > 1000);
      console.log(`# screenshot of the demo page: ${path.join(out, 'demo.png')}`);
      await alice.close();
      await bob.close();
    } finally {
      demo.kill('SIGTERM');
    }
  });
});
