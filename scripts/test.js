#!/usr/bin/env node
'use strict';

/**
 * Runs the JS test suites: `node scripts/test.js [folder-or-file ...]`.
 *
 * Finds every `*.test.js` file under `__test__/` (recursively, sorted by path) and runs them
 * with this same Node binary as
 *
 *   node --test --test-concurrency=1 --test-timeout=300000 <files...>
 *
 * exiting with the runner's status. The files are named one by one because no folder or glob
 * argument works on every version: Node 22 and 24 take `node --test DIR` for a module to run
 * ('Cannot find module'), and Node 20 does not expand globs.
 *
 * Arguments restrict the run to some folders or files, given relative to `__test__/` (`core`,
 * `ws/stream.test.js`), to the project root (`__test__/core`) or as absolute paths, e.g.
 * `node scripts/test.js core ws alias`. An argument that matches no test file is an error
 * (exit 2), so a typo does not pass as an empty run. Arguments that start with `--` are given to
 * the runner before the files (`node scripts/test.js --test-name-pattern=deflate core`).
 *
 * SIGINT and SIGTERM sent to this script are passed on to the runner; the script then exits
 * with the runner's status (or 1 when the runner was ended by a signal).
 *
 * Every test file is expected to close what it opens, so that its process exits once its tests
 * are done: there is no `--test-force-exit` (on Node 20 it can cut the final report short).
 */

const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const TEST_DIR = path.join(ROOT, '__test__');
const RUNNER_FLAGS = ['--test', '--test-concurrency=1', '--test-timeout=300000'];

/** Every `*.test.js` file under `dir`, recursively, as absolute paths. */
function findTests(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...findTests(full));
    } else if (entry.isFile() && entry.name.endsWith('.test.js')) {
      out.push(full);
    }
  }
  return out;
}

/** The absolute path an argument names: under `__test__/`, else under the root, else as given. */
function resolveArg(arg) {
  const candidates = path.isAbsolute(arg)
    ? [arg]
    : [path.join(TEST_DIR, arg), path.join(ROOT, arg), path.resolve(arg)];
  return candidates.find((p) => fs.existsSync(p)) || null;
}

function main(argv) {
  const flags = argv.filter((a) => a.startsWith('--'));
  const args = argv.filter((a) => !a.startsWith('--'));
  const all = findTests(TEST_DIR).sort();
  let files = all;
  if (args.length > 0) {
    const chosen = new Set();
    for (const arg of args) {
      const target = resolveArg(arg);
      const matches = target === null
        ? []
        : all.filter((f) => f === target || f.startsWith(target + path.sep));
      if (matches.length === 0) {
        console.error(`scripts/test.js: no test file under __test__ matches '${arg}'`);
        process.exitCode = 2;
        return;
      }
      for (const f of matches) chosen.add(f);
    }
    files = all.filter((f) => chosen.has(f));
  }
  if (files.length === 0) {
    console.error('scripts/test.js: no test files found under __test__');
    process.exitCode = 2;
    return;
  }
  const rel = files.map((f) => path.relative(ROOT, f));
  const child = spawn(process.execPath, [...RUNNER_FLAGS, ...flags, ...rel], {
    cwd: ROOT,
    stdio: 'inherit'
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (err) => {
    console.error(`scripts/test.js: could not start ${process.execPath}: ${err.message}`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    if (signal) {
      console.error(`scripts/test.js: the test runner was ended by ${signal}`);
      process.exitCode = 1;
    } else {
      process.exitCode = code;
    }
  });
}

main(process.argv.slice(2));
