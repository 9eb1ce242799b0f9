'use strict';

/**
 * Autobahn TestSuite client driver (the protocol of ../shared/autobahn/README.md) written
 * with the websocket-driver API: a `net` socket piped through `driver.client()` with
 * oxws/permessage-deflate, echoing every message with its type.
 *
 * Usage: node examples/autobahn-driver-client.js <base-url> <agent>
 */

const net = require('net');
const websocket = require('oxws/driver');
const deflate = require('oxws/permessage-deflate');

const [base = 'ws://127.0.0.1:9001', agent = 'oxws-driver'] = process.argv.slice(2);

/**
 * Runs one connection to a path of the suite; resolves when it is over.
 *
 * @param {String} path The path and query
 * @param {Function} [onMessage] `(driver, data)`
 * @return {Promise<void>}
 */
function run(path, onMessage = () => {}) {
  return new Promise((resolve) => {
    const url = new URL(base + path);
    const driver = websocket.client(url.href, { maxLength: 1 << 30 });
    driver.addExtension(deflate);
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => {});
    socket.on('close', () => resolve());
    socket.pipe(driver.io).pipe(socket);
    driver.on('message', (event) => onMessage(driver, event.data));
    driver.on('error', () => {});
    driver.on('close', () => socket.end());
    driver.start();
  });
}

async function main() {
  let count = 0;
  await run('/getCaseCount', (driver, data) => (count = Number(data)));

  const echo = (driver, data) => (typeof data === 'string' ? driver.text(data) : driver.binary(data));
  for (let i = 1; i <= count; i++) {
    await run(`/runCase?case=${i}&agent=${encodeURIComponent(agent)}`, echo);
  }

  await run(`/updateReports?agent=${encodeURIComponent(agent)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
