'use strict';

/**
 * The WHATWG surface of a WebSocket (ws's lib/event-target.js), modelled on ws's
 * test/event-target.test.js: the same script runs on oxws and on ws 8.23 and must log the
 * same things (event classes, properties, `once`, `handleEvent` objects, `on*` accessors,
 * removal).
 */

const { it } = require('node:test');
const assert = require('node:assert');
const { closeAfterAll } = require('../helpers/cleanup');

/**
 * Runs the scenario with one library (server and client from it) and returns its log.
 *
 * @param {Object} lib `require('ws')` or oxws
 * @return {Promise<Array>} The log
 */
async function scenario(lib) {
  const wss = closeAfterAll(new lib.WebSocketServer({ host: '127.0.0.1', port: 0 }));
  await new Promise((resolve) => wss.on('listening', resolve));
  wss.on('connection', (ws) => {
    ws.send('text');
    ws.send(Buffer.from([1, 2]));
    ws.send('again');
    setTimeout(() => ws.close(4000, 'done'), 20);
  });
  const log = [];
  const ws = closeAfterAll(new lib(`ws://127.0.0.1:${wss.address().port}`));
  ws.binaryType = 'arraybuffer';

  const onMessage = (e) => log.push(['listener', e.constructor.name, e.type, typeof e.data, e.data instanceof ArrayBuffer]);
  ws.addEventListener('message', onMessage);
  ws.addEventListener('message', (e) => log.push(['once', e.data instanceof ArrayBuffer ? 'ab' : e.data]), { once: true });
  ws.addEventListener('message', { handleEvent: (e) => log.push(['handleEvent', e.type]) });
  ws.addEventListener('nope', () => log.push(['never']));
  ws.onopen = (e) => log.push(['onopen', e.constructor.name, e.type, e.target === ws]);
  ws.onmessage = (e) => {
    log.push(['onmessage', typeof e.data]);
    if (e.data === 'again') ws.removeEventListener('message', onMessage);
  };
  log.push(['onmessage is a function', typeof ws.onmessage]);
  ws.onmessage = 'not a function';
  log.push(['onmessage after a non-function', ws.onmessage]);
  ws.onmessage = (e) => log.push(['onmessage', typeof e.data]);
  ws.onerror = (e) => log.push(['onerror', e.constructor.name]);
  const closed = new Promise((resolve) => {
    ws.onclose = (e) => {
      log.push(['onclose', e.constructor.name, e.code, e.reason, e.wasClean, e.type]);
      resolve();
    };
  });
  await closed;
  log.push(['listeners left', ws.listenerCount('message'), ws.listenerCount('close')]);
  wss.close();
  return log;
}

it('oxws and ws 8.23 log the same', async () => {
  const ours = await scenario(require('../..'));
  const theirs = await scenario(require('ws'));
  assert.deepStrictEqual(ours, theirs);
  assert.ok(ours.length > 8);
});
