'use strict';

/**
 * The package and its platform packages move together: one version everywhere, one
 * optional dependency per published target, no install script, no binary in the main
 * tarball.
 */

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const { TARGETS } = require('../../lib/native-target');

const root = path.join(__dirname, '..', '..');
const pkg = require('../../package.json');

test('every target is an optional dependency at the package version, and nothing else is', () => {
  const expected = Object.fromEntries(TARGETS.map((t) => [`oxws-${t.abi}`, pkg.version]));
  assert.deepStrictEqual(pkg.optionalDependencies, expected);
});

test('Cargo.toml has the package version', () => {
  const cargo = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
  assert.strictEqual(/^version = "([^"]+)"/m.exec(cargo)[1], pkg.version);
});

test('every npm/<abi> package matches its target and the package version', () => {
  const dirs = fs.readdirSync(path.join(root, 'npm')).filter((d) => fs.existsSync(path.join(root, 'npm', d, 'package.json')));
  assert.deepStrictEqual(dirs.sort(), TARGETS.map((t) => t.abi).sort(), 'one folder per target');
  for (const target of TARGETS) {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'npm', target.abi, 'package.json'), 'utf8'));
    const binary = `oxws.${target.abi}.node`;
    assert.strictEqual(manifest.name, `oxws-${target.abi}`);
    assert.strictEqual(manifest.version, pkg.version, manifest.name);
    assert.deepStrictEqual(manifest.os, [target.os], manifest.name);
    assert.deepStrictEqual(manifest.cpu, [target.cpu], manifest.name);
    assert.deepStrictEqual(manifest.libc, target.libc ? [target.libc] : undefined, manifest.name);
    assert.strictEqual(manifest.main, binary, manifest.name);
    assert.deepStrictEqual(manifest.files, [binary], manifest.name);
    assert.strictEqual(manifest.scripts, undefined, `${manifest.name} has no scripts`);
  }
});

test('no install script, and the main tarball carries the sources but no binary', () => {
  for (const hook of ['preinstall', 'install', 'postinstall']) {
    assert.strictEqual(pkg.scripts[hook], undefined, `no ${hook} script`);
  }
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })
  );
  const files = info.files.map((f) => f.path);
  assert.deepStrictEqual(files.filter((f) => f.endsWith('.node')), []);
  for (const needed of ['lib/native.js', 'lib/native-file.js', 'lib/native-target.js', 'scripts/build.js', 'bin/oxws.js', 'Cargo.toml', 'Cargo.lock', 'src/lib.rs']) {
    assert.ok(files.includes(needed), `the tarball has ${needed}`);
  }
});
