'use strict';

/**
 * Runs inside a freshly installed app (copied there by `scripts/install-check.js`) and checks
 * what a user gets. Prints one JSON line with the figures; exits non-zero on failure.
 *
 *   node app-check.js installed   oxws with its platform package: an echo through a
 *                                 WebSocketServer, `import`, every subpath, where the addon
 *                                 came from, and how long `require('oxws')` took
 *   node app-check.js alias       `ws` is oxws (npm alias + overrides), also for a package
 *                                 that depends on `ws`: an echo through both
 *   node app-check.js missing     no platform package and no build: `require('oxws')` throws
 *                                 the documented error; the accelerators work in JS
 *   node app-check.js built       after `npx oxws build`: the addon is the package's own
 *                                 `oxws.node`, and an echo works
 */

const assert = require('assert');
const fs = require('fs');
const path = require('path');

/**
 * The `.node` files mapped into this process (Linux: `/proc/self/maps`), whatever loaded them.
 *
 * @return {String[]} Their paths
 */
function loadedAddons() {
  const files = fs
    .readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .map((line) => line.slice(line.indexOf('/')))
    .filter((file) => isAddon(file));
  return [...new Set(files)];
}

/**
 * @param {String} file A mapped path
 * @return {Boolean} Whether it is a Node addon
 */
function isAddon(file) {
  return file.startsWith('/') && file.endsWith('.node');
}

/**
 * Echoes one message through a WebSocketServer of `lib` and a client of `lib`.
 *
 * @param {Object} lib The ws module shape (oxws, or oxws installed as `ws`)
 * @return {Promise<String>} The echoed text
 */
function echo(lib) {
  return new Promise((resolve, reject) => {
    const wss = new lib.WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
      const ws = new lib.WebSocket(`ws://127.0.0.1:${wss.address().port}`);
      ws.on('open', () => ws.send('hello from the app'));
      ws.on('message', (data) => {
        ws.close();
        wss.close(() => resolve(data.toString()));
      });
      ws.on('error', reject);
    });
    wss.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
    wss.on('error', reject);
  });
}

/** Masks 1 KiB and checks the bytes (either the addon or the JS fallback). */
function checkAccelerators(bufferutil, isValidUTF8) {
  const key = Buffer.from([1, 2, 3, 4]);
  const source = Buffer.alloc(1024, 0xaa);
  const out = Buffer.alloc(1024);
  bufferutil.mask(source, key, out, 0, 1024);
  for (let i = 0; i < 1024; i++) assert.strictEqual(out[i], 0xaa ^ key[i & 3]);
  bufferutil.unmask(out, key);
  assert.deepStrictEqual(out, source);
  assert.strictEqual(isValidUTF8(Buffer.from('h\u00e9llo w\u00f6rld, long enough for the native check')), true);
  assert.strictEqual(isValidUTF8(Buffer.from([0x68, 0xff, 0x6c, 0x6c, 0x6f])), false);
}

async function installed() {
  const started = process.hrtime.bigint();
  const oxws = require('oxws');
  const requireMs = Number(process.hrtime.bigint() - started) / 1e6;

  const root = path.dirname(require.resolve('oxws/package.json'));
  const version = require('oxws/package.json').version;
  assert.ok(!fs.existsSync(path.join(root, 'oxws.node')), 'the main package carries no addon');
  const platform = require.resolve('oxws-linux-x64-gnu/package.json', { paths: [root] });
  assert.strictEqual(JSON.parse(fs.readFileSync(platform, 'utf8')).version, version);
  const loaded = loadedAddons();
  assert.deepStrictEqual(
    loaded,
    [fs.realpathSync(path.join(path.dirname(platform), 'oxws.linux-x64-gnu.node'))],
    'the addon comes from the platform package'
  );

  assert.strictEqual(await echo(oxws), 'hello from the app');

  const esm = await import('oxws');
  assert.strictEqual(esm.default, oxws);
  assert.strictEqual(esm.WebSocketServer, oxws.WebSocketServer);

  const subpaths = ['bufferutil', 'utf-8-validate', 'driver', 'faye', 'eventsource', 'permessage-deflate'];
  for (const name of subpaths) assert.ok(require(`oxws/${name}`), `oxws/${name}`);
  checkAccelerators(require('oxws/bufferutil'), require('oxws/utf-8-validate'));
  assert.strictEqual(typeof require('oxws/driver').http, 'function');
  assert.strictEqual(typeof require('oxws/faye').Client, 'function');

  return { requireMs: Math.round(requireMs * 10) / 10, addon: path.relative(process.cwd(), loaded[0]), subpaths };
}

async function alias() {
  const ws = require('ws');
  assert.strictEqual(require('ws/package.json').name, 'oxws');
  const dependent = require('uses-ws');
  assert.strictEqual(dependent.wsPackage(), 'oxws', "the dependent's own `ws` is oxws too");
  assert.strictEqual(await echo(ws), 'hello from the app');
  assert.strictEqual(await dependent.echo(), 'hello through a dependent');
  return { ws: 'oxws', dependent: 'oxws' };
}

async function missing() {
  let error;
  try {
    require('oxws');
  } catch (err) {
    error = err;
  }
  assert.ok(error, 'require("oxws") throws without an addon');
  assert.strictEqual(error.code, 'ERR_OXWS_NATIVE_ADDON');
  for (const part of ['linux-x64-gnu', 'oxws-linux-x64-gnu', 'oxws.node', 'npx oxws build']) {
    assert.ok(error.message.includes(part), `the message names ${part}:\n${error.message}`);
  }
  checkAccelerators(require('oxws/bufferutil'), require('oxws/utf-8-validate'));
  return { message: error.message.split('\n')[0], attempts: error.attempts.length };
}

async function built() {
  const oxws = require('oxws');
  const root = path.dirname(require.resolve('oxws/package.json'));
  const loaded = loadedAddons();
  assert.deepStrictEqual(loaded, [fs.realpathSync(path.join(root, 'oxws.node'))], 'the addon is the source build');
  assert.strictEqual(await echo(oxws), 'hello from the app');
  return { addon: path.relative(process.cwd(), loaded[0]) };
}

const modes = { installed, alias, missing, built };
const mode = process.argv[2];
if (!modes[mode]) {
  console.error(`usage: node app-check.js ${Object.keys(modes).join('|')}`);
  process.exit(2);
}
modes[mode]().then(
  (result) => console.log(JSON.stringify({ mode, node: process.version, ...result })),
  (err) => {
    console.error(err);
    process.exit(1);
  }
);
