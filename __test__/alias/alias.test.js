'use strict';

/**
 * One package under five names: a temp project installs this package's tarball as `ws`,
 * `faye-websocket`, `websocket-driver`, `bufferutil` and `utf-8-validate` (npm aliases plus
 * `overrides` so that the real ws and the real faye-websocket, also installed, take the
 * aliases as their dependencies), then runs unmodified programs written for each upstream.
 *
 * The tarball carries the addon built by `npm install` here (`OXWS_SKIP_BUILD=1` at install),
 * so the five copies are not compiled five times. Needs the npm registry for the real ws
 * and faye-websocket.
 */

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * Packs this package with its built addon included.
 *
 * @param {String} dir A temp directory
 * @return {String} The tarball path
 */
function packWithAddon(dir) {
  const first = execFileSync(npm, ['pack', '--silent', '--pack-destination', dir], { cwd: root })
    .toString()
    .trim()
    .split('\n')
    .pop();
  const staging = path.join(dir, 'staging');
  fs.mkdirSync(staging);
  execFileSync('tar', ['-xzf', path.join(dir, first), '-C', staging]);
  const pkgDir = path.join(staging, 'package');
  fs.copyFileSync(path.join(root, 'oxws.node'), path.join(pkgDir, 'oxws.node'));
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  pkg.files.push('oxws.node');
  fs.writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify(pkg, null, 2));
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  const name = execFileSync(npm, ['pack', '--silent', '--pack-destination', out], { cwd: pkgDir })
    .toString()
    .trim()
    .split('\n')
    .pop();
  return path.join(out, name);
}

/** One packed tarball for every test in this file (packing builds the addon). */
let packed = null;
const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-pack-'));
test.after(() => fs.rmSync(packDir, { recursive: true, force: true }));
function tarballOnce() {
  if (packed === null) packed = packWithAddon(packDir);
  return packed;
}

test('all five names aliased to oxws: unmodified programs run', { timeout: 300000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-alias-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tarball = tarballOnce();
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  const spec = `file:${tarball}`;
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'alias-app',
        private: true,
        dependencies: {
          oxws: spec,
          ws: spec,
          'faye-websocket': spec,
          'websocket-driver': spec,
          bufferutil: spec,
          'utf-8-validate': spec,
          'real-ws': 'npm:ws@8.23.0',
          'real-faye': 'npm:faye-websocket@0.11.4'
        },
        overrides: {
          bufferutil: '$bufferutil',
          'utf-8-validate': '$utf-8-validate',
          'websocket-driver': '$websocket-driver'
        }
      },
      null,
      2
    )
  );
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts=false'], {
    cwd: app,
    env: { ...process.env, OXWS_SKIP_BUILD: '1', npm_config_yes: 'true' },
    stdio: ['ignore', 'ignore', 'inherit']
  });
  for (const name of ['ws', 'faye-websocket', 'websocket-driver', 'bufferutil', 'utf-8-validate']) {
    const pkg = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8'));
    assert.strictEqual(pkg.name, 'oxws', name);
  }
  // real-faye must use the alias, not a nested websocket-driver.
  assert.ok(!fs.existsSync(path.join(app, 'node_modules', 'real-faye', 'node_modules', 'websocket-driver')));

  const run = (program) => {
    fs.copyFileSync(path.join(__dirname, 'programs', program), path.join(app, program));
    const out = execFileSync(process.execPath, [program], { cwd: app, timeout: 30000 }).toString();
    return JSON.parse(out.trim().split('\n').pop());
  };

  assert.deepStrictEqual(run('ws-app.js'), {
    got: ['hello', '010203'],
    code: 1000,
    extensions: 'permessage-deflate'
  });
  assert.deepStrictEqual(run('faye-app.js'), { echo: 'faye hello', code: 1000, eventsource: true });
  assert.deepStrictEqual(run('driver-app.js'), { echo: 'driver hello', version: 'hybi-13' });
  assert.deepStrictEqual(run('accel-app.js'), {
    echoed: 4096,
    bufferutilIsAlias: true,
    isValidUTF8: true,
    masked: '00030205'
  });
  assert.deepStrictEqual(run('real-faye-app.js'), {
    echo: 'real faye echo',
    header: true,
    data: true,
    driverIsAlias: true
  });

  // Under its own name, every subpath resolves through `exports` from CJS and ESM.
  const cjs = run('subpaths-cjs.js');
  assert.deepStrictEqual(cjs, {
    oxws: 'function',
    'oxws/ws': 'function',
    'oxws/driver': 'object',
    'oxws/websocket-driver': 'object',
    'oxws/permessage-deflate': 'object',
    'oxws/faye': 'function',
    'oxws/faye-websocket': 'function',
    'oxws/eventsource': 'function',
    'oxws/bufferutil': 'object',
    'oxws/utf-8-validate': 'function',
    'oxws/lib/websocket/driver/headers': 'function',
    'oxws/package.json': 'object',
    sameDriver: true,
    sameFaye: true,
    deflateName: 'permessage-deflate',
    mask: 'function'
  });
  assert.deepStrictEqual(run('subpaths-esm.mjs'), {
    ws: true,
    driver: true,
    deflate: 'permessage-deflate',
    faye: true,
    eventsource: true,
    bufferutil: true,
    utf8: true
  });
});

test('every name has its types under TypeScript node10, node16 and bundler resolution', { timeout: 300000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-types-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tarball = tarballOnce();
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'types-app', private: true, dependencies: { oxws: `file:${tarball}` } })
  );
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--offline'], {
    cwd: app,
    env: { ...process.env, OXWS_SKIP_BUILD: '1' },
    stdio: ['ignore', 'ignore', 'inherit']
  });
  for (const file of ['types-cjs.ts', 'types-esm.ts']) {
    fs.copyFileSync(path.join(__dirname, 'programs', file), path.join(app, file));
  }
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const typeRoots = path.join(root, 'node_modules', '@types');
  const configs = [
    ['types-cjs.ts', { module: 'commonjs', moduleResolution: 'node10' }],
    ['types-cjs.ts', { module: 'node16', moduleResolution: 'node16' }],
    ['types-esm.ts', { module: 'esnext', moduleResolution: 'bundler', esModuleInterop: true }]
  ];
  for (const [file, options] of configs) {
    const args = [tsc, '--noEmit', '--strict', '--target', 'es2022', '--types', 'node', '--typeRoots', typeRoots];
    for (const [key, value] of Object.entries(options)) args.push(`--${key}`, String(value));
    args.push(file);
    try {
      execFileSync(process.execPath, args, { cwd: app, stdio: 'pipe' });
    } catch (err) {
      assert.fail(`${options.moduleResolution}: ${err.stdout}${err.stderr}`);
    }
  }
});
