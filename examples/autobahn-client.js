'use strict';

/**
 * Autobahn TestSuite client driver (the protocol of ../shared/autobahn/README.md): asks
 * for the case count, runs every case one at a time echoing each message with its type,
 * then asks the suite to write its report.
 *
 * Usage: node examples/autobahn-client.js <base-url> <agent> [--native-io] [--no-deflate]
 *
 * `--native-io`: the connections use `nativeIO` (frames read, decoded, framed and masked on
 * the addon's I/O thread). `--no-deflate`: permessage-deflate is not offered (run the suite
 * with `--allow-unimplemented`), so every send takes nativeIO's framing fast path.
 */

const WebSocket = require('..');

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const nativeIO = process.argv.includes('--native-io');
const perMessageDeflate = !process.argv.includes('--no-deflate');
const [base = 'ws://127.0.0.1:9001', agent = 'oxws'] = args;

/**
 * Opens a connection to a path of the suite.
 *
 * @param {String} path The path and query
 * @return {WebSocket} The client
 */
function open(path) {
  return new WebSocket(base + path, { perMessageDeflate, maxFragments: 0, nativeIO });
}

/**
 * Resolves when the connection closes (errors are expected in many cases).
 *
 * @param {WebSocket} ws The client
 * @return {Promise<void>}
 */
function closed(ws) {
  return new Promise((resolve) => {
    ws.on('close', resolve);
    ws.on('error', () => {});
  });
}

async function main() {
  let count = 0;
  const counter = open('/getCaseCount');
  counter.on('message', (data) => {
    count = Number(data.toString());
  });
  await closed(counter);

  for (let i = 1; i <= count; i++) {
    const ws = open(`/runCase?case=${i}&agent=${encodeURIComponent(agent)}`);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    await closed(ws);
  }

  await closed(open(`/updateReports?agent=${encodeURIComponent(agent)}`));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
