'use strict';

/**
 * `npm run bench [-- --quick]`: runs every benchmark in sequence, each in its own process
 * (bounded in time; loopback only), then writes bench-results/summary.md with all tables and
 * draws docs/bench.svg (scripts/bench-chart.js).
 *
 *   accel.js  mask / unmask / isValidUTF8 vs bufferutil, utf-8-validate, buffer.isUtf8
 *   micro.js  fixed native call costs; decode cost per message vs ws's Receiver
 *   e2e.js    echo servers under a native load generator: oxws vs ws+bufferutil vs ws
 *   client.js oxws clients vs ws clients against a native echo server
 *   driver.js driver-shaped echo (websocket-driver API) vs websocket-driver 0.8.0
 *   faye.js   faye-shaped echo (with and without deflate) and EventSource fan-out vs faye-websocket
 *   broadcast.js     server.broadcast() vs the ws README loop, 1,000 clients
 *   heartbeat.js     heartbeat overhead on 10,000 idle sockets
 *   slow-readers.js  server memory with clients that never read, with and without maxBackpressure
 *   memory.js        RSS per idle connection, deflate off and on, vs ws
 *   deflate-size.js  compressed bytes on the wire, oxws vs ws
 */

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..', '..');
const args = process.argv.slice(2);
const benches = ['accel.js', 'micro.js', 'e2e.js', 'client.js', 'driver.js', 'faye.js', 'broadcast.js', 'heartbeat.js', 'slow-readers.js', 'memory.js', 'deflate-size.js'];
const sections = [];
let failed = false;

for (const name of benches) {
  process.stderr.write(`\n== ${name} ==\n`);
  const result = spawnSync(process.execPath, [path.join(__dirname, name), ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60 * 1000
  });
  process.stdout.write(result.stdout || '');
  if (result.status !== 0) {
    failed = true;
    process.stderr.write(`${name} failed (${result.status ?? result.signal})\n`);
  }
  sections.push(`### ${name}\n\n${(result.stdout || '').trim()}\n`);
}

const header =
  `# oxws benchmarks\n\n${new Date().toISOString()} · Node ${process.version} · ` +
  `${require('os').cpus().length} CPUs · ${args.includes('--quick') ? 'quick' : 'full'} run\n\n`;
fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench-results', 'summary.md'), header + sections.join('\n'));

// The chart (docs/bench.svg) from the JSON just written.
const chart = spawnSync(process.execPath, [path.join(root, 'scripts', 'bench-chart.js')], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'inherit', 'inherit']
});
if (chart.status !== 0) failed = true;
process.exit(failed ? 1 : 0);
