'use strict';

/**
 * Closes what a test file opened once all of the file's tests have run, passed or failed.
 *
 * A test that closes its server as its last statement leaves it listening when an assertion
 * before that throws, and the file's process then never exits (the runner gives up on it only
 * at --test-timeout). Servers, clients and child processes passed to `closeAfterAll()` are
 * closed by one `after` hook of the file's root test, whatever the tests did:
 *
 * - a ws-style server (`handleUpgrade()`): its clients are terminated, then it is closed;
 * - a WebSocket (`terminate()`): terminated;
 * - an `http`/`https`/`net` server: its connections are closed (where Node can), then it is;
 * - a child process: killed if still running;
 * - anything else with `destroy()` (a socket): destroyed;
 * - anything else with `close()` (an EventSource client): closed.
 *
 * Closing something that is already closed does nothing. Require this module at the top of a
 * test file (its hook is registered when it loads, on the root test of that file).
 */

const { ChildProcess } = require('child_process');
const net = require('net');
const { after } = require('node:test');

const opened = new Set();

/**
 * Closes `thing` after the file's tests.
 *
 * @template T
 * @param {T} thing A server, client, socket or child process
 * @return {T} `thing`
 */
function closeAfterAll(thing) {
  opened.add(thing);
  return thing;
}

/** Closes one thing, ignoring errors from something already closed. */
function close(thing) {
  try {
    if (thing instanceof ChildProcess) {
      if (thing.exitCode === null && thing.signalCode === null) thing.kill();
    } else if (typeof thing.handleUpgrade === 'function') {
      if (thing.clients) for (const client of thing.clients) client.terminate();
      thing.close();
    } else if (typeof thing.terminate === 'function') {
      thing.terminate();
    } else if (thing instanceof net.Server) {
      if (typeof thing.closeAllConnections === 'function') thing.closeAllConnections();
      if (thing.listening) thing.close();
    } else if (typeof thing.destroy === 'function') {
      thing.destroy();
    } else if (typeof thing.close === 'function') {
      thing.close();
    }
  } catch {
    // Already closed, or closing: nothing left open to worry about.
  }
}

after(() => {
  for (const thing of opened) close(thing);
  opened.clear();
});

module.exports = { closeAfterAll };
