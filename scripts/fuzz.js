#!/usr/bin/env node
'use strict';

/**
 * Runs the cargo-fuzz targets in `fuzz/` for a bounded time each and prints a summary.
 *
 *   node scripts/fuzz.js --seconds N [--target NAME ...] [--verbose] [-- LIBFUZZER_ARGS...]
 *   npm run fuzz -- --seconds 60 --target decode
 *
 * Each target runs as
 *   cargo +nightly fuzz run <t> fuzz/corpus/<t> fuzz/seeds/<t> -- -max_total_time=N
 * so new inputs go to fuzz/corpus/<t> (git-ignored) and the committed seeds are read too.
 * cargo-fuzz is installed (`cargo install cargo-fuzz --locked`) if missing, and the nightly
 * toolchain with rustup if missing. The full libFuzzer output of each run is kept in
 * fuzz/logs/<t>.log. Exits non-zero if any target crashed, failed to build or ran no inputs;
 * a crashing input is saved by libFuzzer under fuzz/artifacts/<t>/.
 */

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const fuzzDir = path.join(root, 'fuzz');
const cargo = process.env.CARGO || 'cargo';
const toolchain = process.env.OXWS_FUZZ_TOOLCHAIN || 'nightly';
/** Set on SIGINT/SIGTERM: finish the current target's report, skip the rest. */
let interrupted = false;

function usage(code) {
  const targets = listTargets().join(', ');
  (code ? console.error : console.log)(
    'usage: node scripts/fuzz.js --seconds N [--target NAME ...] [--verbose] [-- LIBFUZZER_ARGS...]\n' +
      `targets: ${targets}`
  );
  process.exit(code);
}

function listTargets() {
  return fs
    .readdirSync(path.join(fuzzDir, 'fuzz_targets'))
    .filter((f) => f.endsWith('.rs'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function parseArgs(argv) {
  const opts = { seconds: 60, targets: [], verbose: false, extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(2);
      return argv[++i];
    };
    if (arg === '--') {
      opts.extra = argv.slice(i + 1);
      break;
    } else if (arg === '--seconds' || arg === '-s') {
      opts.seconds = Number(value());
    } else if (arg.startsWith('--seconds=')) {
      opts.seconds = Number(arg.slice('--seconds='.length));
    } else if (arg === '--target' || arg === '-t') {
      opts.targets.push(...value().split(','));
    } else if (arg.startsWith('--target=')) {
      opts.targets.push(...arg.slice('--target='.length).split(','));
    } else if (arg === '--verbose' || arg === '-v') {
      opts.verbose = true;
    } else if (arg === '--help' || arg === '-h') {
      usage(0);
    } else {
      console.error(`fuzz: unknown argument ${arg}`);
      usage(2);
    }
  }
  if (!Number.isInteger(opts.seconds) || opts.seconds <= 0) {
    console.error('fuzz: --seconds must be a positive integer');
    usage(2);
  }
  const all = listTargets();
  for (const t of opts.targets) {
    if (!all.includes(t)) {
      console.error(`fuzz: unknown target ${t}`);
      usage(2);
    }
  }
  if (opts.targets.length === 0) opts.targets = all;
  return opts;
}

function run(cmd, args, options = {}) {
  return spawnSync(cmd, args, { cwd: root, encoding: 'utf8', ...options });
}

function ensureToolchain() {
  if (run(cargo, [`+${toolchain}`, '--version']).status === 0) return;
  console.log(`fuzz: the ${toolchain} toolchain is missing; installing it with rustup`);
  const r = run('rustup', ['toolchain', 'install', toolchain, '--profile', 'minimal'], {
    stdio: 'inherit'
  });
  if (r.status !== 0) {
    console.error(`fuzz: could not install the ${toolchain} toolchain (is rustup installed?)`);
    process.exit(1);
  }
}

function ensureCargoFuzz() {
  if (run(cargo, [`+${toolchain}`, 'fuzz', '--version']).status === 0) return;
  console.log('fuzz: cargo-fuzz is missing; running `cargo install cargo-fuzz --locked`');
  const started = Date.now();
  const r = run(cargo, ['install', 'cargo-fuzz', '--locked'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('fuzz: `cargo install cargo-fuzz` failed');
    process.exit(1);
  }
  console.log(`fuzz: cargo-fuzz installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Pulls the numbers out of libFuzzer's output. */
function parseOutput(text) {
  const num = (re) => {
    const m = text.match(re);
    return m ? Number(m[1]) : null;
  };
  // Prefer -print_final_stats; fall back on the final "#N DONE" line, then "Done N runs".
  let execs = num(/^stat::number_of_executed_units:\s*(\d+)/m);
  if (execs === null) {
    const done = [...text.matchAll(/^#(\d+)\s+DONE\b/gm)];
    if (done.length) execs = Number(done[done.length - 1][1]);
  }
  if (execs === null) execs = num(/^Done (\d+) runs in/m);
  // libFuzzer also writes "slow-unit-*" files for inputs over 10 s of wall time and goes on;
  // on a shared machine that is usually the process being starved, so they are reported,
  // not counted as crashes (re-run the input to see its real time).
  const written = [...text.matchAll(/Test unit written to (\S+)/g)].map((m) => m[1]);
  const slow = written.filter((f) => path.basename(f).startsWith('slow-unit-'));
  const artifact = written.find((f) => !path.basename(f).startsWith('slow-unit-'));
  // The Rust panic: "thread '...' panicked at file:line:col:" and its message.
  const panic = text.match(
    /^thread '.*' (?:\(\d+\) )?panicked at (.*)\n((?:(?!stack backtrace:|note: ).*\n){0,6})/m
  );
  const cov = [...text.matchAll(/^#\d+\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)\//gm)].pop();
  return {
    execs,
    execsPerSec: num(/^stat::average_exec_per_sec:\s*(\d+)/m),
    peakRssMb: num(/^stat::peak_rss_mb:\s*(\d+)/m),
    cov: cov ? Number(cov[1]) : null,
    corpus: cov ? Number(cov[3]) : null,
    artifact: artifact || null,
    slowUnits: slow,
    panic: panic ? `${panic[1]} ${panic[2].trim()}` : null,
    crashed:
      /^==\d+==\s*ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)/m.test(text) ||
      /^SUMMARY: (libFuzzer|AddressSanitizer|LeakSanitizer)/m.test(text) ||
      Boolean(artifact)
  };
}

function runTarget(target, opts) {
  return new Promise((resolve) => {
    const corpus = path.join('fuzz', 'corpus', target);
    const seeds = path.join('fuzz', 'seeds', target);
    fs.mkdirSync(path.join(root, corpus), { recursive: true });
    fs.mkdirSync(path.join(root, seeds), { recursive: true });
    const logDir = path.join(fuzzDir, 'logs');
    fs.mkdirSync(logDir, { recursive: true });
    const logPath = path.join(logDir, `${target}.log`);
    const log = fs.createWriteStream(logPath);

    const libfuzzerArgs = [
      `-max_total_time=${opts.seconds}`,
      '-print_final_stats=1',
      ...(opts.extra.some((a) => a.startsWith('-timeout=')) ? [] : ['-timeout=30']),
      ...opts.extra
    ];
    const args = [`+${toolchain}`, 'fuzz', 'run', target, corpus, seeds, '--', ...libfuzzerArgs];
    console.log(`\nfuzz: ${target}: ${cargo} ${args.join(' ')}`);
    const started = Date.now();
    const child = spawn(cargo, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const onData = (chunk) => {
      const s = chunk.toString();
      text += s;
      if (text.length > 8 * 1024 * 1024) text = text.slice(-4 * 1024 * 1024);
      log.write(s);
      if (opts.verbose) process.stderr.write(s);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const forward = (signal) => {
      interrupted = true;
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      log.end();
      const stats = parseOutput(text);
      const result = {
        target,
        code,
        signal,
        seconds: (Date.now() - started) / 1000,
        logPath,
        ...stats
      };
      result.ok = code === 0 && !stats.crashed && stats.execs !== null && stats.execs > 0;
      if (!result.ok && !opts.verbose) {
        // Show the end of the output (the panic, the input, how to reproduce) without the
        // progress lines and stack frames.
        const noise = /^(#\d+\s+(NEW|REDUCE|pulse|INITED|DONE)\b|\s+#\d+ 0x|\s+\d+: |\s+at )/;
        const tail = text.split('\n').filter((l) => !noise.test(l));
        console.error(tail.slice(-60).join('\n'));
      }
      console.log(
        `fuzz: ${target}: ${result.ok ? 'ok' : 'FAILED'}, ` +
          `${result.execs === null ? '?' : result.execs.toLocaleString('en-US')} executions`
      );
      resolve(result);
    });
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  ensureToolchain();
  ensureCargoFuzz();

  // Build first so build time is not taken out of the first target's run (`cargo fuzz build`
  // with no target builds them all).
  console.log(`fuzz: building ${opts.targets.join(', ')}`);
  const one = opts.targets.length === 1 ? opts.targets : [];
  const build = run(cargo, [`+${toolchain}`, 'fuzz', 'build', ...one], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('fuzz: build failed');
    process.exit(1);
  }

  const results = [];
  for (const target of opts.targets) {
    if (interrupted) break;
    results.push(await runTarget(target, opts));
  }

  console.log('\nfuzz summary');
  const rows = results.map((r) => [
    r.target,
    r.ok ? 'ok' : r.crashed ? 'CRASH' : 'FAILED',
    r.execs === null ? '?' : r.execs.toLocaleString('en-US'),
    r.execsPerSec === null ? '?' : r.execsPerSec.toLocaleString('en-US'),
    `${r.seconds.toFixed(0)} s`,
    r.cov === null ? '' : `cov ${r.cov}, corpus ${r.corpus}`,
    r.artifact
      ? `input: ${path.relative(root, r.artifact)}`
      : r.slowUnits && r.slowUnits.length
        ? `slow units (not crashes; re-run to time them): ${r.slowUnits.map((f) => path.relative(root, f)).join(', ')}`
        : ''
  ]);
  const head = ['target', 'result', 'executions', 'exec/s', 'wall', 'coverage', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [head, ...rows]) {
    console.log(
      row
        .map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd()
    );
  }
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    for (const r of failed) {
      console.error(`fuzz: ${r.target} failed (log: ${path.relative(root, r.logPath)})`);
      if (r.panic) console.error(`  panicked at ${r.panic}`);
      if (r.artifact) {
        const rel = path.relative(root, r.artifact);
        try {
          const bytes = fs.readFileSync(r.artifact);
          const hex = bytes.subarray(0, 256).toString('hex');
          console.error(`  input (${bytes.length} bytes): ${hex}${bytes.length > 256 ? '...' : ''}`);
        } catch {
          // The artifact may be gone (e.g. cleaned up); the path is still printed below.
        }
        console.error(
          `  reproduce: cargo +${toolchain} fuzz run ${r.target} ${rel}\n` +
            `  minimise:  cargo +${toolchain} fuzz tmin ${r.target} ${rel}`
        );
      }
    }
  }
  if (interrupted) {
    console.error('fuzz: interrupted');
    process.exit(130);
  }
  if (failed.length) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
