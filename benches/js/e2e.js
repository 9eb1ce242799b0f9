'use strict';

/**
 * End-to-end echo benchmarks under the native load generator (benches/loadgen, Rust/tokio,
 * one thread, so the client is never the bottleneck): oxws vs ws + bufferutil vs plain ws.
 * Each measurement starts a fresh server process, warms it up, then reads the server's
 * CPU time from /proc over the measured window. Rounds are interleaved (A B C, B C A, …)
 * and ratios are computed per round, then the median is reported.
 *
 *   node benches/js/e2e.js [--quick] [--only a,b,…]
 *
 * Writes bench-results/e2e.json and prints a markdown table.
 */

const path = require('path');
const { ensureLoadgen, runScenario, fmt, save } = require('./harness');

const quick = process.argv.includes('--quick');
const server = path.join(__dirname, 'echo-server.js');

const IMPLS = [
  { name: 'oxws', script: server, args: ['oxws'], env: {} },
  { name: 'oxws nativeIO', script: server, args: ['oxws', 'native'], env: {} },
  { name: 'ws+bufferutil', script: server, args: ['ws'], env: {} },
  { name: 'ws', script: server, args: ['ws'], env: { WS_NO_BUFFER_UTIL: '1' } }
];

const SECONDS = quick ? 1.5 : 4;
const SCENARIOS = [
  { id: 'a', title: '1 conn ping-pong 32 B', args: ['--conns', '1', '--inflight', '1', '--size', '32'] },
  { id: 'b', title: '100 conns x 16 in flight, 32 B', args: ['--conns', '100', '--inflight', '16', '--size', '32'] },
  { id: 'c', title: '10 conns, 64 KiB', args: ['--conns', '10', '--inflight', '1', '--size', '65536'] },
  { id: 'd', title: '1 conn, 16 MiB', args: ['--conns', '1', '--inflight', '1', '--size', String(16 << 20)], mb: true },
  {
    id: 'e',
    title: '100 conns x 16 in flight, 1 KiB JSON, permessage-deflate',
    args: ['--conns', '100', '--inflight', '16', '--size', '1024', '--deflate'],
    serverArgs: ['deflate']
  },
  {
    id: 'e64',
    title: '10 conns, 64 KiB JSON, permessage-deflate',
    args: ['--conns', '10', '--inflight', '1', '--size', '65536', '--deflate'],
    serverArgs: ['deflate']
  },
  {
    id: 'e1m',
    title: '1 conn, 1 MiB JSON, permessage-deflate',
    args: ['--conns', '1', '--inflight', '1', '--size', String(1 << 20), '--deflate'],
    serverArgs: ['deflate']
  },
  { id: 'f', title: 'connection churn', args: ['--churn'] }
];

async function main() {
  ensureLoadgen();
  const timing = { rounds: quick ? 1 : 3, warmup: quick ? 0.3 : 0.7, seconds: SECONDS };
  const results = {};

  const only = process.argv.indexOf('--only');
  const selected = only > 0 ? SCENARIOS.filter((x) => process.argv[only + 1].split(',').includes(x.id)) : SCENARIOS;
  for (const scenario of selected) {
    const impls = IMPLS.map((e) => ({ ...e, args: [...e.args, ...(scenario.serverArgs || [])] }));
    results[scenario.id] = await runScenario(impls, scenario, timing);
    process.stderr.write(`e2e ${scenario.id} done\n`);
  }

  save('e2e', results);

  const lines = [
    '| scenario | metric | oxws | ws+bufferutil | ws | oxws / ws+bufferutil | oxws / ws | p50 RTT µs (oxws / ws+bu) | peak RSS MiB (oxws / ws+bu) | oxws nativeIO / ws+bufferutil |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
  ];
  for (const [id, row] of Object.entries(results)) {
    const o = row.impls.oxws;
    const n = row.impls['oxws nativeIO'];
    const wb = row.impls['ws+bufferutil'];
    const w = row.impls.ws;
    const unit = row.metric === 'mbPerCpuSecond' ? 'MB per CPU-s' : row.title.includes('churn') ? 'conns per CPU-s' : 'msgs per CPU-s';
    // Ratios are per round against oxws; nativeIO / ws+bu = (oxws / ws+bu) / (oxws / nativeIO).
    const nativeRatio = wb.ratioVsOxws / n.ratioVsOxws;
    lines.push(
      `| (${id}) ${row.title} | ${unit} | ${fmt(o.value)} | ${fmt(wb.value)} | ${fmt(w.value)} | ` +
        `${wb.ratioVsOxws.toFixed(2)}x | ${w.ratioVsOxws.toFixed(2)}x | ${o.p50} / ${wb.p50} | ` +
        `${o.peakRssMiB.toFixed(0)} / ${wb.peakRssMiB.toFixed(0)} | ${nativeRatio.toFixed(2)}x (p50 ${n.p50}) |`
    );
  }
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
