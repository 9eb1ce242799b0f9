#!/usr/bin/env node
'use strict';

/**
 * Installs oxws from its packed tarballs the way users do, in fresh temp apps, with the
 * package managers' default settings and a PATH without cargo or rustc, and checks what they
 * get (`scripts/install-check/app-check.js`). The tarballs are served by a local read-only
 * registry (`scripts/install-check/registry.js`), so `npm install oxws`, `pnpm add oxws` and
 * `"ws": "npm:oxws@<version>"` resolve the optional platform packages exactly as they will
 * from npmjs.com (each `npm/<abi>` folder packed as it is: the ones not built here carry no
 * binary, and the package managers skip them by os / cpu / libc); a package the registry
 * does not hold is answered 404.
 *
 *   node scripts/install-check.js        (needs `npm run build:platform` first; builds if missing)
 *
 * Checks, each in its own app:
 * - npm 12 (run by Node 24): `npm install oxws` gets `oxws-linux-x64-gnu`, runs no install
 *   script, and `require('oxws')` / `import` / every subpath work, on Node 20, 22, 24 and 26;
 *   `npm install <oxws.tgz> <oxws-linux-x64-gnu.tgz>` (the tarballs named directly) too;
 * - pnpm (latest, its defaults) and yarn 1 (classic): the same;
 * - npm 12 alias: `"ws": "npm:oxws@…"` plus `overrides`, for the app and for a package that
 *   depends on `ws`;
 * - npm 12 with no platform package: the install succeeds, `require('oxws')` throws the
 *   documented error, `oxws/bufferutil` and `oxws/utf-8-validate` work in JavaScript; then
 *   `npx oxws build` (cargo on PATH) compiles the addon into the package and it loads;
 * - a corrupt and a wrong-architecture addon in the platform package give the error, not a
 *   crash.
 *
 * Environment: `OXWS_TOOLS_DIR` caches npm 12, pnpm and the Node binaries
 * (`scripts/install-check/tools.js`); `OXWS_TARGET_DIR` is passed to `npx oxws build`.
 * Prints the packed sizes (and ws's and bufferutil's, from the registry), each install's
 * time and `require('oxws')`'s.
 */

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile, execFileSync, spawnSync } = require('child_process');

const { startRegistry } = require('./install-check/registry');
const { nodeBinary, packageManager } = require('./install-check/tools');
const { TARGETS, currentTarget } = require('../lib/native-target');

const root = path.join(__dirname, '..');
const version = require('../package.json').version;
const abi = currentTarget().abi;
const platformDir = path.join(root, 'npm', abi);
const platformBinary = path.join(platformDir, `oxws.${abi}.node`);
/** Every install or check is killed after this long (ms). */
const STEP_TIMEOUT = 300000;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-install-check-'));
const figures = { sizes: {}, installs: {}, require: {} };

/**
 * Runs a command (asynchronously: the registry answers from this process), failing with its
 * output if it fails or outlives {@link STEP_TIMEOUT}.
 *
 * @param {String[]} command Command and arguments
 * @param {Object} options `cwd`, `env`
 * @return {Promise<{stdout: String, stderr: String, ms: Number}>} Its output and wall time
 */
function run(command, { cwd, env }) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      command[0],
      command.slice(1),
      { cwd, env, encoding: 'utf8', timeout: STEP_TIMEOUT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${command.join(' ')} in ${cwd} failed (${err.message.split('\n')[0]})\n${stdout}\n${stderr}`));
          return;
        }
        resolve({ stdout, stderr, ms: Date.now() - started });
      }
    );
  });
}

/**
 * `npm pack` of a folder (or registry spec) into the work dir, without lifecycle scripts.
 *
 * @param {String} what Folder or spec
 * @return {{file: String, size: Number, unpackedSize: Number}} The tarball and its sizes
 */
function pack(what) {
  const out = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', work, what],
    { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const [info] = JSON.parse(out);
  return { file: path.join(work, info.filename), size: info.size, unpackedSize: info.unpackedSize };
}

/**
 * A folder of links to everything in /usr/bin and /bin except the Rust toolchain, so
 * installs run where no cargo or rustc can be found.
 *
 * @param {String} node The Node binary to put first
 * @return {String} The PATH value
 */
function pathWithoutRust(node) {
  const bin = path.join(work, 'bin-no-rust');
  fs.mkdirSync(bin);
  fs.symlinkSync(node, path.join(bin, 'node'));
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (/^(cargo|rustc|rustup|rustdoc|rust-)/.test(name) || name === 'node' || fs.existsSync(path.join(bin, name))) {
        continue;
      }
      fs.symlinkSync(path.join(dir, name), path.join(bin, name));
    }
  }
  return bin;
}

/**
 * The environment of a user's shell: a fresh HOME, no npm_config_* from this process, and
 * a PATH whose `node` is the given one and that has no Rust toolchain.
 *
 * @param {String} node The Node binary
 * @return {Object} The environment
 */
function userEnv(node) {
  const home = path.join(work, `home-${path.basename(path.dirname(path.dirname(node)))}-${Date.now()}`);
  fs.mkdirSync(home, { recursive: true });
  const env = { HOME: home, PATH: pathWithoutRust.cache || (pathWithoutRust.cache = pathWithoutRust(node)), LANG: 'C.UTF-8' };
  for (const name of ['TMPDIR', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR']) {
    if (process.env[name]) env[name] = process.env[name];
  }
  for (const tool of ['cargo', 'rustc']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { env, encoding: 'utf8' });
    assert.notStrictEqual(found.status, 0, `${tool} must not be on the install PATH (found ${found.stdout.trim()})`);
  }
  return env;
}

/**
 * A new app folder with a package.json and an .npmrc that points at the registry.
 *
 * @param {String} name Folder name
 * @param {String} registry Registry URL
 * @param {Object} [manifest] Extra package.json fields
 * @return {String} The folder
 */
function newApp(name, registry, manifest = {}) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', private: true, ...manifest }, null, 2)
  );
  fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${registry}\n`);
  fs.copyFileSync(path.join(__dirname, 'install-check', 'app-check.js'), path.join(dir, 'app-check.js'));
  return dir;
}

/**
 * Fails if a package manager's output says an oxws install script was blocked or ignored
 * (there must be none to block). With `prepareListed`, a tarball named on the command line:
 * npm lists the clone's `prepare` among a tarball's scripts (it would run it for a git
 * dependency) but runs it for no tarball, so that line is allowed and the check is that no
 * addon was built.
 *
 * @param {String} label Which install
 * @param {String} output Its stdout + stderr
 * @param {String} [prepareListed] The app folder, when a tarball was named
 */
function assertNoScriptsOfOurs(label, output, prepareListed) {
  const lines = output.split('\n').filter((line) => /install.?scripts|build scripts|allowScripts/i.test(line));
  let ours = lines.filter((line) => /\boxws/.test(line));
  if (prepareListed) {
    ours = ours.filter((line) => !/oxws@[^ ]+ \(prepare: node scripts\/build\.js\)/.test(line));
    assert.ok(!fs.existsSync(path.join(prepareListed, 'node_modules', 'oxws', 'oxws.node')), `${label}: nothing was built`);
  }
  assert.deepStrictEqual(ours, [], `${label}: an oxws script was blocked:\n${output}`);
}

/**
 * Runs `app-check.js <mode>` in an app with a given Node.
 *
 * @return {Promise<Object>} The JSON it printed
 */
async function check(app, node, mode, env) {
  const { stdout } = await run([node, 'app-check.js', mode], { cwd: app, env });
  const result = JSON.parse(stdout.trim().split('\n').pop());
  console.log(`  ${mode} on Node ${result.node}: ok ${JSON.stringify(result)}`);
  return result;
}

/**
 * Loading `file` in place of the platform package's addon throws the documented error and
 * does not crash the process.
 */
function assertBrokenAddonReported(app, node, env, replacement, label) {
  const target = path.join(app, 'node_modules', `oxws-${abi}`, `oxws.${abi}.node`);
  const original = fs.readFileSync(target);
  fs.writeFileSync(target, replacement);
  try {
    const result = spawnSync(node, ['-e', "require('oxws')"], { cwd: app, env, encoding: 'utf8' });
    assert.strictEqual(result.signal, null, `${label}: the process was killed by ${result.signal}`);
    assert.strictEqual(result.status, 1, `${label}: exit status`);
    assert.match(result.stderr, /ERR_OXWS_NATIVE_ADDON/, label);
    assert.ok(result.stderr.includes(`oxws.${abi}.node`), `${label}: names the file\n${result.stderr}`);
    const reason = result.stderr.split('\n').find((line) => line.includes('platform package'));
    console.log(`  ${label}: reported (${reason.trim()})`);
  } finally {
    fs.writeFileSync(target, original);
  }
}

async function main() {
  if (!fs.existsSync(platformBinary)) {
    console.log(`${platformBinary} is missing: node scripts/build.js --platform`);
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js'), '--platform'], { stdio: 'inherit' });
  }

  console.log('packing');
  const main = pack(root);
  const platform = pack(platformDir);
  // Every platform package as this machine makes it: the ones built here carry their
  // binary, the others only their manifest, so the registry answers for all seven as
  // npmjs.com will (yarn 1 refuses an optional dependency it cannot resolve) and the
  // package managers choose by os / cpu / libc.
  const others = TARGETS.filter((t) => t.abi !== abi).map((t) => {
    const packed = pack(path.join(root, 'npm', t.abi));
    if (fs.existsSync(path.join(root, 'npm', t.abi, `oxws.${t.abi}.node`))) {
      figures.sizes[`oxws-${t.abi}`] = packed.size;
    }
    return packed.file;
  });
  const dependent = pack(path.join(__dirname, 'install-check', 'uses-ws'));
  Object.assign(figures.sizes, {
    oxws: main.size,
    [`oxws-${abi}`]: platform.size,
    'oxws unpacked': main.unpackedSize,
    [`oxws-${abi} unpacked`]: platform.unpackedSize
  });
  for (const spec of ['ws@8.23.0', 'bufferutil@4.1.0']) {
    try {
      figures.sizes[spec] = pack(spec).size;
    } catch (err) {
      figures.sizes[spec] = `not packed: ${err.message.split('\n')[0]}`;
    }
  }
  console.log(`  ${JSON.stringify(figures.sizes)}`);

  const node24 = nodeBinary(24);
  const npm12 = packageManager('npm12', node24);
  const pnpm = packageManager('pnpm', node24);
  const yarn = packageManager('yarn', node24);
  const env = userEnv(node24);
  const nodes = [20, 22, 24, 26].map((major) => nodeBinary(major));

  const full = await startRegistry({ tarballs: [main.file, platform.file, ...others, dependent.file] });
  const mainOnly = await startRegistry({ tarballs: [main.file] });
  try {
    console.log('npm 12: npm install oxws');
    const npmApp = newApp('app-npm12', full.url);
    let out = await run([...npm12, 'install', 'oxws'], { cwd: npmApp, env });
    assertNoScriptsOfOurs('npm 12', out.stdout + out.stderr);
    figures.installs['npm 12'] = out.ms;
    for (const node of nodes) {
      const result = await check(npmApp, node, 'installed', env);
      figures.require[`Node ${result.node}`] = result.requireMs;
    }

    console.log('npm 12: npm install <oxws tarball> <platform tarball> (no registry of ours)');
    const filesApp = newApp('app-npm12-files', process.env.npm_config_registry || 'https://registry.npmjs.org/');
    out = await run([...npm12, 'install', main.file, platform.file], { cwd: filesApp, env });
    assertNoScriptsOfOurs('npm 12 tarballs', out.stdout + out.stderr, filesApp);
    figures.installs['npm 12 tarballs'] = out.ms;
    await check(filesApp, node24, 'installed', env);

    console.log('npm 12: a corrupt and a wrong-architecture addon in the platform package');
    assertBrokenAddonReported(npmApp, node24, env, Buffer.from('not an ELF file\n'), 'corrupt file');
    const foreign = path.join(root, 'npm', 'linux-arm64-gnu', 'oxws.linux-arm64-gnu.node');
    if (abi !== 'linux-arm64-gnu' && fs.existsSync(foreign)) {
      assertBrokenAddonReported(npmApp, node24, env, fs.readFileSync(foreign), 'arm64 addon on x64');
    } else {
      console.log(`  wrong architecture: not checked (${foreign} not built)`);
    }

    console.log('pnpm: pnpm add oxws');
    const pnpmApp = newApp('app-pnpm', full.url);
    out = await run([...pnpm, 'add', 'oxws'], { cwd: pnpmApp, env });
    assertNoScriptsOfOurs('pnpm', out.stdout + out.stderr);
    const pnpmVersion = (await run([...pnpm, '--version'], { cwd: pnpmApp, env })).stdout.trim();
    figures.installs[`pnpm ${pnpmVersion}`] = out.ms;
    await check(pnpmApp, node24, 'installed', env);

    console.log('yarn 1: yarn add oxws');
    const yarnApp = newApp('app-yarn', full.url);
    fs.writeFileSync(path.join(yarnApp, '.yarnrc'), `registry "${full.url}"\n`);
    out = await run([...yarn, 'add', 'oxws', '--non-interactive'], { cwd: yarnApp, env });
    assertNoScriptsOfOurs('yarn', out.stdout + out.stderr);
    const yarnVersion = (await run([...yarn, '--version'], { cwd: yarnApp, env })).stdout.trim();
    figures.installs[`yarn ${yarnVersion}`] = out.ms;
    await check(yarnApp, node24, 'installed', env);

    console.log('npm 12: "ws": "npm:oxws" with overrides, and a package that depends on ws');
    const aliasApp = newApp('app-alias', full.url, {
      dependencies: { ws: `npm:oxws@${version}`, 'uses-ws': '1.0.0' },
      overrides: { ws: `npm:oxws@${version}` }
    });
    out = await run([...npm12, 'install'], { cwd: aliasApp, env });
    figures.installs['npm 12 alias'] = out.ms;
    await check(aliasApp, node24, 'alias', env);

    console.log('npm 12: no platform package');
    const bareApp = newApp('app-no-platform', mainOnly.url);
    out = await run([...npm12, 'install', 'oxws'], { cwd: bareApp, env });
    assert.ok(!fs.existsSync(path.join(bareApp, 'node_modules', `oxws-${abi}`)));
    await check(bareApp, node24, 'missing', env);

    console.log('npx oxws build (cargo on PATH) in that app');
    const buildEnv = { ...process.env };
    for (const name of Object.keys(buildEnv)) if (name.startsWith('npm_')) delete buildEnv[name];
    out = await run([...npm12, 'exec', '--', 'oxws', 'build'], { cwd: bareApp, env: buildEnv });
    figures.installs['npx oxws build'] = out.ms;
    assert.ok(fs.existsSync(path.join(bareApp, 'node_modules', 'oxws', 'oxws.node')));
    await check(bareApp, node24, 'built', env);
  } finally {
    await full.close();
    await mainOnly.close();
  }

  console.log('\nfigures');
  console.log(JSON.stringify(figures, null, 2));
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  console.error(`(work dir kept: ${work})`);
  process.exit(1);
});
