#!/usr/bin/env node
'use strict';

/**
 * Builds the native addon from source with cargo (release, `--locked`) and copies it to
 * `oxws.node` beside `index.js`. Run by npm's `install` lifecycle, so it works both in a
 * clone and when oxws is installed as a dependency (no napi CLI needed: devDependencies are
 * absent then).
 *
 * The cargo target directory lives in the OS temp dir (override with `OXWS_TARGET_DIR`), so
 * no `target/` is left inside `node_modules`. `OXWS_SKIP_BUILD=1` skips the build when an
 * `oxws.node` already exists (for packagers that ship a prebuilt one).
 */

const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const output = path.join(root, 'oxws.node');

function libraryName() {
  if (process.platform === 'win32') return 'oxws.dll';
  if (process.platform === 'darwin') return 'liboxws.dylib';
  return 'liboxws.so';
}

function main() {
  if (process.env.OXWS_SKIP_BUILD && fs.existsSync(output)) {
    console.log('oxws: OXWS_SKIP_BUILD set and oxws.node present; not building');
    return;
  }

  // One target dir per checkout path, so two checkouts never fight over fingerprints.
  const tag = crypto.createHash('sha1').update(root).digest('hex').slice(0, 12);
  const targetDir =
    process.env.OXWS_TARGET_DIR || path.join(os.tmpdir(), `oxws-target-${tag}`);

  const cargo = process.env.CARGO || 'cargo';
  const args = ['build', '--release', '--locked', '--lib'];
  console.log(`oxws: ${cargo} ${args.join(' ')} (target dir ${targetDir})`);
  const result = spawnSync(cargo, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CARGO_TARGET_DIR: targetDir }
  });

  if (result.error) {
    console.error(
      `oxws: could not run cargo (${result.error.message}). ` +
        'Install Rust (https://rustup.rs) to build oxws from source.'
    );
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status || 1);

  const built = path.join(targetDir, 'release', libraryName());
  const tmp = `${output}.${process.pid}.tmp`;
  fs.copyFileSync(built, tmp);
  fs.renameSync(tmp, output);
  console.log(`oxws: built ${path.relative(process.cwd(), output) || output}`);
}

main();
