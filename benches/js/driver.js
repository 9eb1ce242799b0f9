'use strict';

/**
 * Driver-shaped echo (websocket-driver API on an HTTP `upgrade`) under the native load
 * generator: oxws/driver vs websocket-driver 0.8.0, messages per server CPU-second.
 *
 *   node benches/js/driver.js [--quick]
 *
 * Writes bench-results/driver.json and prints a markdown table.
 */

const path = require('path');
const { ensureLoadgen, runScenario, fmt, save } = require('./harness');

const quick = process.argv.includes('--quick');
const server = path.join(__dirname, 'driver-echo-server.js');

const IMPLS = [
  { name: 'oxws', script: server, args: ['oxws'], env: {} },
  { name: 'websocket-driver', script: server, args: ['websocket-driver'], env: {} }
];

const SCENARIOS = [
  { id: 'a', title: '1 conn ping-pong 32 B', args: ['--conns', '1', '--inflight', '1', '--size', '32'] },
  { id: 'b', title: '100 conns x 16 in flight, 32 B', args: ['--conns', '100', '--inflight', '16', '--size', '32'] },
  { id: 'c', title: '10 conns, 64 KiB', args: ['--conns', '10', '--inflight', '1', '--size', '65536'] }
];

async function main() {
  ensureLoadgen();
  const timing = { rounds: quick ? 1 : 3, warmup: quick ? 0.3 : 0.7, seconds: quick ? 1.5 : 4 };
  const results = {};
  for (const scenario of SCENARIOS) {
    results[scenario.id] = await runScenario(IMPLS, scenario, timing);
    process.stderr.write(`driver ${scenario.id} done\n`);
  }
  save('driver', results);

  const lines = [
    '| scenario (driver API) | msgs per CPU-s: oxws | websocket-driver | oxws / websocket-driver | p50 RTT µs (oxws / wd) |',
    '| --- | ---: | ---: | ---: | ---: |'
  ];
  for (const [id, row] of Object.entries(results)) {
    const o = row.impls.oxws;
    const d = row.impls['websocket-driver'];
    lines.push(
      `| (${id}) ${row.title} | ${fmt(o.value)} | ${fmt(d.value)} | ${d.ratioVsOxws.toFixed(2)}x | ${o.p50} / ${d.p50} |`
    );
  }
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
