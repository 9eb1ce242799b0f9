'use strict';

/**
 * Client side: oxws clients (Node sockets, and `nativeIO`) vs ws clients (with and without
 * bufferutil) driving a native echo server (`benches/loadgen` `oxws-echo`, Rust/tokio, one
 * thread), messages (or MB) per client CPU-second (all threads of the client process);
 * fresh processes, interleaved rounds, median of paired ratios.
 *
 *   node benches/js/client.js [--quick]
 *
 * Writes bench-results/client.json and prints a markdown table.
 */

const path = require('path');
const { spawn } = require('child_process');
const { ensureLoadgen, root, fmt, save, median } = require('./harness');

const quick = process.argv.includes('--quick');
const echoBin = path.join(root, 'benches', 'loadgen', 'target', 'release', 'oxws-echo');
const SECONDS = quick ? 1.5 : 4;

const IMPLS = [
  { name: 'oxws', impl: 'oxws', env: {} },
  { name: 'oxws nativeIO', impl: 'oxws-native', env: {} },
  { name: 'ws+bufferutil', impl: 'ws', env: {} },
  { name: 'ws', impl: 'ws', env: { WS_NO_BUFFER_UTIL: '1' } }
];

const SCENARIOS = [
  { id: 'b', title: '100 conns x 16 in flight, 32 B', args: [100, 16, 32] },
  { id: 'c', title: '10 conns, 64 KiB', args: [10, 1, 65536] },
  { id: 'd', title: '1 conn, 16 MiB', args: [1, 1, 16 << 20], mb: true }
];

function startEcho() {
  const child = spawn(echoBin, ['0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim()) })));
}

function runClient(entry, port, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [path.join(__dirname, 'client-load.js'), entry.impl, String(port), ...args.map(String), String(SECONDS)],
      { env: { ...process.env, ...entry.env }, stdio: ['ignore', 'pipe', 'inherit'] }
    );
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => p.kill(), 60000);
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`client exited ${code}`));
    });
  });
}

async function main() {
  ensureLoadgen();
  const rounds = quick ? 1 : 3;
  const results = {};
  for (const scenario of SCENARIOS) {
    const per = Object.fromEntries(IMPLS.map((e) => [e.name, []]));
    for (let r = 0; r < rounds; r++) {
      const order = IMPLS.map((_, i) => IMPLS[(i + r) % IMPLS.length]);
      for (const entry of order) {
        const { child, port } = await startEcho();
        try {
          per[entry.name].push(await runClient(entry, port, scenario.args));
        } finally {
          child.kill();
        }
      }
    }
    const metric = scenario.mb ? 'mbPerCpuSecond' : 'perCpuSecond';
    results[scenario.id] = {
      title: scenario.title,
      metric,
      impls: Object.fromEntries(
        IMPLS.map((e) => [
          e.name,
          {
            value: median(per[e.name].map((x) => x[metric])),
            ratioVsOxws: median(per[e.name].map((x, i) => per.oxws[i][metric] / x[metric])),
            ratioVsWsBufferutil: median(per[e.name].map((x, i) => x[metric] / per['ws+bufferutil'][i][metric]))
          }
        ])
      )
    };
    process.stderr.write(`client ${scenario.id} done\n`);
  }
  save('client', results);
  const lines = [
    '| scenario (client side) | metric | oxws | ws+bufferutil | ws | oxws / ws+bufferutil | oxws / ws | oxws nativeIO | nativeIO / ws+bufferutil |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
  ];
  for (const [id, row] of Object.entries(results)) {
    const unit = row.metric === 'mbPerCpuSecond' ? 'MB per client CPU-s' : 'msgs per client CPU-s';
    const { oxws, ws } = row.impls;
    const wb = row.impls['ws+bufferutil'];
    const nio = row.impls['oxws nativeIO'];
    lines.push(
      `| (${id}) ${row.title} | ${unit} | ${fmt(oxws.value)} | ${fmt(wb.value)} | ${fmt(ws.value)} | ` +
        `${wb.ratioVsOxws.toFixed(2)}x | ${ws.ratioVsOxws.toFixed(2)}x | ${fmt(nio.value)} | ` +
        `${nio.ratioVsWsBufferutil.toFixed(2)}x |`
    );
  }
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
