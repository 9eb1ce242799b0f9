'use strict';

/**
 * End-to-end echo benchmarks under the native load generator (benches/loadgen, Rust/tokio,
 * one thread, so the client is never the bottleneck): oxws vs ws + bufferutil vs plain ws.
 * Each measurement starts a fresh server process, warms it up, then reads the server's
 * CPU time from /proc over the measured window. Rounds are interleaved (A B C, B C A, …)
 * and ratios are computed per round, then the median is reported.
 *
 *   node benches/js/e2e.js [--quick]
 *
 * Writes bench-results/e2e.json and prints a markdown table.
 */

const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');

const root = path.join(__dirname, '..', '..');
const quick = process.argv.includes('--quick');
const loadgenDir = path.join(root, 'benches', 'loadgen');
const loadgen = path.join(loadgenDir, 'target', 'release', 'oxws-loadgen');

const IMPLS = [
  { name: 'oxws', impl: 'oxws', env: {} },
  { name: 'ws+bufferutil', impl: 'ws', env: {} },
  { name: 'ws', impl: 'ws', env: { WS_NO_BUFFER_UTIL: '1' } }
];

const SECONDS = quick ? 1.5 : 4;
const SCENARIOS = [
  { id: 'a', title: '1 conn ping-pong 32 B', args: ['--conns', '1', '--inflight', '1', '--size', '32'] },
  { id: 'b', title: '100 conns x 16 in flight, 32 B', args: ['--conns', '100', '--inflight', '16', '--size', '32'] },
  { id: 'c', title: '10 conns, 64 KiB', args: ['--conns', '10', '--inflight', '1', '--size', '65536'] },
  { id: 'd', title: '1 conn, 16 MiB', args: ['--conns', '1', '--inflight', '1', '--size', String(16 << 20)], mb: true },
  { id: 'f', title: 'connection churn', args: ['--churn'] }
];

/** CPU seconds used so far by a process (user + system). */
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak RSS of a process in MiB. */
function peakRss(pid) {
  const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

let nextPort = 19000 + (process.pid % 500) * 2;

/** Starts an echo server; resolves to the child once it is listening. */
function startServer(entry) {
  const port = nextPort++;
  const child = spawn(process.execPath, [path.join(__dirname, 'echo-server.js'), entry.impl, port], {
    env: { ...process.env, ...entry.env },
    stdio: ['ignore', 'pipe', 'inherit']
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 10000);
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve({ child, port });
    });
  });
}

/** Runs the load generator; resolves to its JSON result. */
function runLoad(port, args, seconds) {
  return new Promise((resolve, reject) => {
    const p = spawn(loadgen, ['--port', String(port), '--seconds', String(seconds), ...args], {
      stdio: ['ignore', 'pipe', 'inherit']
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`loadgen exited ${code}`))));
  });
}

/** One measurement: fresh server, warm-up, measured window. */
async function measure(entry, scenario) {
  const { child, port } = await startServer(entry);
  try {
    await runLoad(port, scenario.args, quick ? 0.3 : 0.7);
    const cpu0 = cpuSeconds(child.pid);
    const result = await runLoad(port, scenario.args, SECONDS);
    const cpu = cpuSeconds(child.pid) - cpu0;
    return {
      messages: result.messages,
      seconds: result.seconds,
      cpu,
      perCpuSecond: result.messages / cpu,
      mbPerCpuSecond: result.bytes / 1e6 / cpu,
      p50: result.p50_us,
      p99: result.p99_us,
      peakRssMiB: peakRss(child.pid)
    };
  } finally {
    child.kill();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

async function main() {
  if (!fs.existsSync(loadgen)) {
    execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: loadgenDir, stdio: 'inherit' });
  }
  const rounds = quick ? 1 : 3;
  const results = {};

  for (const scenario of SCENARIOS) {
    const per = Object.fromEntries(IMPLS.map((e) => [e.name, []]));
    for (let r = 0; r < rounds; r++) {
      const order = IMPLS.map((_, i) => IMPLS[(i + r) % IMPLS.length]);
      for (const entry of order) per[entry.name].push(await measure(entry, scenario));
    }
    const metric = scenario.mb ? 'mbPerCpuSecond' : 'perCpuSecond';
    const row = { title: scenario.title, metric, impls: {} };
    for (const entry of IMPLS) {
      const runs = per[entry.name];
      row.impls[entry.name] = {
        value: median(runs.map((x) => x[metric])),
        p50: median(runs.map((x) => x.p50)),
        p99: median(runs.map((x) => x.p99)),
        peakRssMiB: median(runs.map((x) => x.peakRssMiB)),
        ratioVsOxws: median(runs.map((x, i) => per.oxws[i][metric] / x[metric]))
      };
    }
    results[scenario.id] = row;
    process.stderr.write(`e2e ${scenario.id} done\n`);
  }

  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench-results', 'e2e.json'), JSON.stringify(results, null, 2));

  const lines = [
    '| scenario | metric | oxws | ws+bufferutil | ws | oxws / ws+bufferutil | oxws / ws | p50 RTT µs (oxws / ws+bu) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |'
  ];
  const fmt = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));
  for (const [id, row] of Object.entries(results)) {
    const o = row.impls.oxws;
    const wb = row.impls['ws+bufferutil'];
    const w = row.impls.ws;
    const unit = row.metric === 'mbPerCpuSecond' ? 'MB per CPU-s' : row.title.includes('churn') ? 'conns per CPU-s' : 'msgs per CPU-s';
    lines.push(
      `| (${id}) ${row.title} | ${unit} | ${fmt(o.value)} | ${fmt(wb.value)} | ${fmt(w.value)} | ` +
        `${wb.ratioVsOxws.toFixed(2)}x | ${w.ratioVsOxws.toFixed(2)}x | ${o.p50} / ${wb.p50} |`
    );
  }
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
