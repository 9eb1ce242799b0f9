'use strict';

/**
 * The accelerator role end to end: a project with an unmodified ws@8.23.0 whose
 * `bufferutil` (and `utf-8-validate`) dependency is overridden to this package's tarball.
 *
 * ws 8.23 picks its masking functions when it loads: Node's `http.websocketMask` /
 * `http.websocketUnmask` where they exist (Node >= 26.12), else `bufferutil`. So on every
 * Node the test shows which functions ws really calls, and makes ws use the overridden
 * bufferutil (on a Node with Node's functions, by deleting them before ws loads), where
 * masked echoes of 0 B to 1 MiB must come back intact.
 *
 * The addon is the clone's own build, named by `OXWS_NATIVE_PATH` (the tarball carries no
 * binary; a user gets one from the platform package). Without an addon, the tarball's
 * `bufferutil` / `utf-8-validate` entry points still give the right results.
 */

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { describe, it, before, after } = require('node:test');

const root = path.join(__dirname, '..', '..');
const addon = path.join(root, 'oxws.node');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const nodeHasMask = typeof require('http').websocketMask === 'function';

describe('unmodified ws with bufferutil overridden to oxws', { timeout: 600000 }, () => {
  let dir;

  before(() => {
    assert.ok(fs.existsSync(addon), `${addon} is built (npm install / npm run build)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-override-'));
    const env = {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false'
    };
    // --ignore-scripts: packing needs no build (the tarball has no binary).
    const tarball = execFileSync(npm, ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir, root], {
      env,
      encoding: 'utf8'
    })
      .trim()
      .split('\n')
      .pop();
    const spec = `file:${path.join(dir, tarball)}`;
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'override-check',
        private: true,
        dependencies: { ws: '8.23.0', bufferutil: spec, 'utf-8-validate': spec },
        overrides: { bufferutil: '$bufferutil', 'utf-8-validate': '$utf-8-validate' }
      })
    );
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', '--omit=optional'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'inherit']
    });
    fs.copyFileSync(path.join(__dirname, 'fixtures', 'ws-echo.js'), path.join(dir, 'ws-echo.js'));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the echo fixture in the project with this Node and the clone's addon. */
  function echo(...args) {
    const out = execFileSync(process.execPath, ['ws-echo.js', ...args], {
      cwd: dir,
      env: { ...process.env, OXWS_NATIVE_PATH: addon },
      encoding: 'utf8',
      timeout: 60000
    });
    const result = JSON.parse(out.trim().split('\n').pop());
    assert.strictEqual(result.name, 'oxws', 'bufferutil resolves to oxws');
    assert.strictEqual(result.nodeHasMask, nodeHasMask);
    assert.ok(result.intact.length > 0 && result.intact.every(Boolean), `echoes intact: ${result.intact}`);
    assert.strictEqual(result.validator, 'function');
    assert.deepStrictEqual(result.verdicts, [true, false]);
    return result;
  }

  it(`as installed, ws calls ${nodeHasMask ? "Node's http.websocketMask/Unmask" : 'our mask/unmask'}`, () => {
    const { counts, wsRequiredBufferutil } = echo();
    if (nodeHasMask) {
      // ws never requires bufferutil on this Node: Node's functions do the work.
      assert.ok(counts.nodeMask > 0, "ws called Node's websocketMask");
      assert.ok(counts.nodeUnmask > 0, "ws called Node's websocketUnmask");
      assert.strictEqual(wsRequiredBufferutil, false);
      assert.strictEqual(counts.oxwsMask + counts.oxwsUnmask, 0);
    } else {
      assert.strictEqual(wsRequiredBufferutil, true);
      assert.ok(counts.oxwsMask > 0, 'ws called our mask');
      assert.ok(counts.oxwsUnmask > 0, 'ws called our unmask');
      assert.strictEqual(counts.nodeMask + counts.nodeUnmask, 0);
    }
  });

  it('with no http.websocketMask, ws loads our mask/unmask and every echo round-trips', () => {
    const { counts, wsRequiredBufferutil } = echo('--hide-node-mask');
    assert.strictEqual(wsRequiredBufferutil, true);
    assert.ok(counts.oxwsMask > 0, 'ws called our mask');
    assert.ok(counts.oxwsUnmask > 0, 'ws called our unmask');
    assert.strictEqual(counts.nodeMask + counts.nodeUnmask, 0);
  });

  it("without an addon, the tarball's bufferutil and utf-8-validate entry points still work", () => {
    const script = `
      const crypto = require('crypto');
      const bufferutil = require('bufferutil/bufferutil');
      const isValidUTF8 = require('utf-8-validate/utf-8-validate');
      let addon;
      try {
        require('bufferutil/package.json');
        require(require('path').join(require.resolve('bufferutil/package.json'), '..', 'lib', 'native.js'));
        addon = 'loaded';
      } catch (err) {
        addon = err.message;
      }
      const data = Buffer.from(process.argv[1], 'base64');
      const key = Buffer.from(process.argv[2], 'hex');
      const out = Buffer.alloc(data.length + 1);
      bufferutil.mask(data, key, out, 1, data.length);
      const copy = Buffer.from(data);
      bufferutil.unmask(copy, key);
      const verdicts = [Buffer.from('é'.repeat(40)), Buffer.from([...Buffer.from('a'.repeat(40)), 0xed, 0xa0, 0x80])]
        .map((b) => isValidUTF8(b));
      process.stdout.write(JSON.stringify({ addon, masked: out.toString('base64'), unmasked: copy.toString('base64'), verdicts }));
    `;
    const data = crypto.randomBytes(64 * 1024 + 3);
    const key = crypto.randomBytes(4);
    const out = execFileSync(process.execPath, ['-e', script, data.toString('base64'), key.toString('hex')], {
      cwd: dir,
      env: { ...process.env, OXWS_NATIVE_PATH: '/nonexistent/oxws.node' },
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      timeout: 60000
    });
    const result = JSON.parse(out);
    assert.ok(result.addon.includes('/nonexistent/oxws.node'), result.addon);
    const expected = Buffer.alloc(data.length);
    for (let i = 0; i < data.length; i++) expected[i] = data[i] ^ key[i & 3];
    assert.ok(Buffer.from(result.masked, 'base64').subarray(1).equals(expected), 'mask');
    assert.ok(Buffer.from(result.unmasked, 'base64').equals(expected), 'unmask');
    assert.deepStrictEqual(result.verdicts, [true, false]);
  });
});
