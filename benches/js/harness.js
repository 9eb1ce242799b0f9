'use strict';

/**
 * Shared machinery of the end-to-end benchmarks: fresh server processes, the native load
 * generator (benches/loadgen, Rust/tokio, one thread), server CPU time from /proc over the
 * measured window, interleaved rounds and per-round paired ratios. Loopback only; every
 * run is bounded by `--seconds`.
 */

const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');

const root = path.join(__dirname, '..', '..');
const loadgenDir = path.join(root, 'benches', 'loadgen');
const loadgen = path.join(loadgenDir, 'target', 'release', 'oxws-loadgen');

/** Builds the load generator (a no-op when it is up to date). */
function ensureLoadgen() {
  execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: loadgenDir, stdio: 'inherit' });
  if (!fs.existsSync(loadgen)) throw new Error('load generator missing after build');
}

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

/**
 * Starts a server script with `[...args, port]`; resolves once it prints a line.
 *
 * @param {Object} entry `{script, args, env}`
 * @return {Promise<Object>} `{child, port}`
 */
function startServer(entry) {
  const port = nextPort++;
  const child = spawn(process.execPath, [entry.script, ...entry.args, String(port)], {
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

/**
 * One measurement: fresh server, warm-up, measured window.
 *
 * @param {Object} entry The server (`startServer`)
 * @param {String[]} args Load generator arguments
 * @param {Object} timing `{warmup, seconds}`
 * @return {Promise<Object>} Messages, CPU, per-CPU-second rates, latency, peak RSS
 */
async function measure(entry, args, timing) {
  const { child, port } = await startServer(entry);
  try {
    await runLoad(port, args, timing.warmup);
    const cpu0 = cpuSeconds(child.pid);
    const result = await runLoad(port, args, timing.seconds);
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

/**
 * Runs one scenario over every implementation in interleaved rounds (A B C, B C A, …).
 *
 * @param {Object[]} impls `{name, script, args, env}`; the first is the reference (oxws)
 * @param {Object} scenario `{title, args, mb}`
 * @param {Object} timing `{rounds, warmup, seconds}`
 * @return {Promise<Object>} `{title, metric, impls: {name: {value, p50, p99, peakRssMiB, ratioVsOxws}}}`
 */
async function runScenario(impls, scenario, timing) {
  const per = Object.fromEntries(impls.map((e) => [e.name, []]));
  for (let r = 0; r < timing.rounds; r++) {
    const order = impls.map((_, i) => impls[(i + r) % impls.length]);
    for (const entry of order) per[entry.name].push(await measure(entry, scenario.args, timing));
  }
  const metric = scenario.mb ? 'mbPerCpuSecond' : 'perCpuSecond';
  const reference = per[impls[0].name];
  const row = { title: scenario.title, metric, impls: {} };
  for (const entry of impls) {
    const runs = per[entry.name];
    row.impls[entry.name] = {
      value: median(runs.map((x) => x[metric])),
      p50: median(runs.map((x) => x.p50)),
      p99: median(runs.map((x) => x.p99)),
      peakRssMiB: median(runs.map((x) => x.peakRssMiB)),
      ratioVsOxws: median(runs.map((x, i) => reference[i][metric] / x[metric]))
    };
  }
  return row;
}

/**
 * Runs a server process and a clients process: the server prints its port on its first
 * line and its JSON result on its last; the clients (started once the port is known) are
 * killed when the server exits.
 *
 * @param {String[]} serverArgv Node arguments of the server
 * @param {Function} clientArgv `(port) => Node arguments of the clients`
 * @param {Number} [timeoutMs=120000] Kill the server after this long
 * @return {Promise<Object>} The server's result
 */
function runServerAndClients(serverArgv, clientArgv, timeoutMs = 120000) {
  return new Promise((resolve, reject) => {
    const server = spawn(process.execPath, serverArgv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let clients = null;
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      if (clients === null && out.includes('\n')) {
        clients = spawn(process.execPath, clientArgv(out.split('\n')[0]), { stdio: 'ignore' });
      }
    });
    const timer = setTimeout(() => server.kill(), timeoutMs);
    server.on('close', (code) => {
      clearTimeout(timer);
      if (clients) clients.kill();
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()));
      else reject(new Error(`server exited ${code}`));
    });
  });
}

/** Formats a rate for the tables. */
const fmt = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));

/**
 * Writes `bench-results/<name>.json`.
 *
 * @param {String} name The file stem
 * @param {Object} results The results
 */
function save(name, results) {
  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench-results', `${name}.json`), JSON.stringify(results, null, 2));
}

module.exports = { root, ensureLoadgen, runScenario, runServerAndClients, fmt, save, median };
