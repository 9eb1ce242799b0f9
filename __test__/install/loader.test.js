'use strict';

/**
 * `lib/native.js`: where the addon is looked for and what a user is told when none loads.
 * Each case runs in a child process, since the loader runs once per process.
 */

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const { currentTarget } = require('../../lib/native-target');

const root = path.join(__dirname, '..', '..');
const built = path.join(root, 'oxws.node');
const target = currentTarget();
/** The ELF checks below build their files from this machine's Linux addon. */
const linuxOnly = { skip: process.platform !== 'linux' && 'the files are made from an ELF addon' };

/**
 * Requires `module` (a path under the package root) in a child with `OXWS_NATIVE_PATH`.
 *
 * @param {String} nativePath The value of OXWS_NATIVE_PATH
 * @param {String} [script] What the child runs
 * @return {{status: Number, signal: String, stdout: String, stderr: String}} The outcome
 */
function child(nativePath, script = "require('./lib/native'); console.log('loaded')") {
  return spawnSync(process.execPath, ['-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, OXWS_NATIVE_PATH: nativePath }
  });
}

/**
 * The error a child printed for `require('./lib/native')`, as `{code, message, attempts}`.
 *
 * @param {String} nativePath The value of OXWS_NATIVE_PATH
 * @return {Object} What the child caught
 */
function loadError(nativePath) {
  const result = child(
    nativePath,
    "try { require('./lib/native'); console.log('{}') } catch (e) {" +
      ' console.log(JSON.stringify({ code: e.code, message: e.message, attempts: e.attempts })) }'
  );
  assert.strictEqual(result.signal, null);
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test('OXWS_NATIVE_PATH names the addon to load', () => {
  const result = child(built);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(result.stdout.trim(), 'loaded');
});

test('an OXWS_NATIVE_PATH that does not exist is reported as such, and nothing else is tried', () => {
  const missing = path.join(os.tmpdir(), 'oxws-no-such-dir', 'oxws.node');
  const err = loadError(missing);
  assert.strictEqual(err.code, 'ERR_OXWS_NATIVE_ADDON');
  assert.deepStrictEqual(err.attempts, [{ where: 'OXWS_NATIVE_PATH', path: missing, reason: 'no such file' }]);
  const described = [target.platform, target.arch, target.libc].filter(Boolean).join(', ');
  assert.ok(err.message.startsWith(`oxws: no native addon could be loaded for ${target.abi} (${described}; Node v`));
  assert.ok(err.message.includes(`OXWS_NATIVE_PATH: ${missing}: no such file`));
  assert.ok(err.message.includes('To build the addon from source (needs Rust, https://rustup.rs): npm run build'));
});

test('a corrupt or truncated file is reported, not a crash', linuxOnly, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-loader-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const garbage = path.join(dir, 'oxws.node');
  fs.writeFileSync(garbage, Buffer.alloc(4096, 0x5a));
  const err = loadError(garbage);
  assert.strictEqual(err.code, 'ERR_OXWS_NATIVE_ADDON');
  assert.strictEqual(err.attempts.length, 1);
  assert.strictEqual(err.attempts[0].reason, 'not a native library (no ELF, Mach-O or PE header)');

  // The dynamic loader maps a truncated ELF past its end and dies of SIGBUS on the first
  // missing page; the header check refuses it first.
  for (const length of [16, 64, 4096, fs.statSync(built).size - 1]) {
    const truncated = path.join(dir, `truncated-${length}.node`);
    fs.writeFileSync(truncated, fs.readFileSync(built).subarray(0, length));
    const cut = loadError(truncated);
    assert.strictEqual(cut.code, 'ERR_OXWS_NATIVE_ADDON');
    assert.match(cut.attempts[0].reason, /^(truncated \(\d+ bytes\)|not a complete ELF file .*)$/, `${length} bytes`);
  }
});

test('a shared library that is not an N-API addon is reported', linuxOnly, () => {
  const multiarch = process.arch === 'x64' ? 'x86_64-linux-gnu' : 'aarch64-linux-gnu';
  const candidates = [`/lib/${multiarch}/libz.so.1`, `/usr/lib/${multiarch}/libz.so.1`];
  const library = candidates.find((file) => fs.existsSync(file));
  assert.ok(library, 'zlib is on every Debian system');
  const err = loadError(library);
  assert.strictEqual(err.code, 'ERR_OXWS_NATIVE_ADDON');
  assert.match(err.attempts[0].reason, /self-register|napi_register_module|symbol/i);
});

test('an addon for another architecture or OS is reported', linuxOnly, (t) => {
  // This machine's addon with the ELF machine field of another architecture, as a real build
  // for it has (glibc alone reports "cannot open shared object file: No such file").
  const [foreignArch, machine] = process.arch === 'x64' ? ['arm64', 183] : ['x64', 62];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-loader-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const foreign = Buffer.from(fs.readFileSync(built));
  foreign.writeUInt16LE(machine, 18);
  const file = path.join(dir, 'oxws.node');
  fs.writeFileSync(file, foreign);
  const err = loadError(file);
  assert.strictEqual(err.code, 'ERR_OXWS_NATIVE_ADDON');
  assert.strictEqual(err.attempts[0].reason, `built for ${foreignArch}; this process is ${process.arch}`);

  const macho = Buffer.alloc(64);
  macho.writeUInt32LE(0xfeedfacf, 0);
  macho.writeUInt32LE(0x01000007, 4);
  fs.writeFileSync(file, macho);
  assert.strictEqual(loadError(file).attempts[0].reason, 'a Mach-O library; linux loads ELF');
});

test('the bufferutil and utf-8-validate shapes load without an addon; the rest throws the error', () => {
  const script =
    "const out = {}; for (const m of ['oxws/bufferutil', 'oxws/utf-8-validate', 'oxws', 'oxws/driver', 'oxws/faye']) {" +
    ' try { require(m); out[m] = "loaded" } catch (e) { out[m] = e.code } } console.log(JSON.stringify(out))';
  const result = child('/nonexistent/oxws.node', script);
  assert.strictEqual(result.status, 0, result.stderr);
  assert.deepStrictEqual(JSON.parse(result.stdout), {
    'oxws/bufferutil': 'loaded',
    'oxws/utf-8-validate': 'loaded',
    oxws: 'ERR_OXWS_NATIVE_ADDON',
    'oxws/driver': 'ERR_OXWS_NATIVE_ADDON',
    'oxws/faye': 'ERR_OXWS_NATIVE_ADDON'
  });
});

/**
 * An installed layout in a temp dir: `node_modules/oxws` (the loader, no `oxws.node`) and,
 * when `platformVersion` is given, `node_modules/oxws-<abi>` carrying this build.
 *
 * @param {String} dir The temp dir
 * @param {String} [platformVersion] The platform package's version
 * @return {String} The loader's path
 */
function installedLayout(dir, platformVersion) {
  const pkg = path.join(dir, 'node_modules', 'oxws');
  fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
  for (const file of ['native.js', 'native-file.js', 'native-target.js']) {
    fs.copyFileSync(path.join(root, 'lib', file), path.join(pkg, 'lib', file));
  }
  if (platformVersion !== undefined) {
    const platform = path.join(dir, 'node_modules', `oxws-${target.abi}`);
    fs.mkdirSync(platform);
    const main = `oxws.${target.abi}.node`;
    fs.writeFileSync(
      path.join(platform, 'package.json'),
      JSON.stringify({ name: `oxws-${target.abi}`, version: platformVersion, main })
    );
    fs.copyFileSync(built, path.join(platform, main));
  }
  return path.join(pkg, 'lib', 'native.js');
}

/**
 * Requires a loader in a child without OXWS_NATIVE_PATH.
 *
 * @param {String} loader Path to a copy of lib/native.js
 * @return {Object} `{loaded}` or `{code, message, attempts}`
 */
function tryLoader(loader) {
  const env = { ...process.env };
  delete env.OXWS_NATIVE_PATH;
  const result = spawnSync(
    process.execPath,
    [
      '-e',
      `try { const n = require(${JSON.stringify(loader)}); console.log(JSON.stringify({ loaded: typeof n.mask })) }` +
        ' catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, attempts: e.attempts })) }'
    ],
    { encoding: 'utf8', env }
  );
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test('an installed package loads its platform package; a version that is not its own is refused', (t) => {
  const version = require('../../package.json').version;
  const good = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-layout-'));
  const skewed = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-layout-'));
  const none = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-layout-'));
  t.after(() => [good, skewed, none].forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  assert.deepStrictEqual(tryLoader(installedLayout(good, version)), { loaded: 'function' });

  const refused = tryLoader(installedLayout(skewed, '0.0.1-other'));
  assert.strictEqual(refused.code, 'ERR_OXWS_NATIVE_ADDON');
  assert.deepStrictEqual(
    refused.attempts.map((a) => [a.where, a.reason]),
    [
      ['source build', 'no such file'],
      ['platform package', `version 0.0.1-other does not match oxws ${version}`]
    ]
  );

  const missing = tryLoader(installedLayout(none));
  assert.deepStrictEqual(
    missing.attempts.map((a) => [a.where, a.path, a.reason]),
    [
      ['source build', path.join(none, 'node_modules', 'oxws', 'oxws.node'), 'no such file'],
      ['platform package', `oxws-${target.abi}`, 'not installed']
    ]
  );
  assert.ok(missing.message.includes(`the optional dependency oxws-${target.abi}@${version}`));
  assert.ok(missing.message.includes('npx oxws build (or: node '), 'outside a clone: the npx command');
});
