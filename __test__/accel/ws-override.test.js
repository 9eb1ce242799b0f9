'use strict';

/**
 * The accelerator role end to end: a project with an unmodified ws@8.23.0 whose
 * `bufferutil` (and `utf-8-validate`) dependency is overridden to this package. ws must
 * load our `mask` (proved with a counter) and a 1 MiB masked echo must round-trip.
 */

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { describe, it, before, after } = require('node:test');

const root = path.join(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('unmodified ws with bufferutil overridden to oxws', { timeout: 600000 }, () => {
  let dir;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-override-'));
    const env = {
      ...process.env,
      // Reuse compiled dependencies between runs; the package itself is still built.
      OXWS_TARGET_DIR: path.join(os.tmpdir(), 'oxws-target-override'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false'
    };
    const tarball = execFileSync(npm, ['pack', '--silent', '--pack-destination', dir, root], {
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
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'inherit']
    });
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ws loads our mask/unmask and a 1 MiB masked echo round-trips', () => {
    const script = `
      const assert = require('assert');
      const crypto = require('crypto');
      const bufferutil = require('bufferutil');
      const counts = { mask: 0, unmask: 0 };
      const { mask, unmask } = bufferutil;
      bufferutil.mask = (...args) => { counts.mask++; return mask(...args); };
      bufferutil.unmask = (...args) => { counts.unmask++; return unmask(...args); };
      const WebSocket = require('ws');
      const pkg = require(require.resolve('bufferutil/package.json'));
      const wss = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
        const data = crypto.randomBytes(1024 * 1024);
        const ws = new WebSocket('ws://127.0.0.1:' + wss.address().port);
        ws.on('open', () => ws.send(data));
        ws.on('message', (echo) => {
          assert.ok(Buffer.from(echo).equals(data), 'echo differs');
          const validate = require('utf-8-validate');
          console.log(JSON.stringify({
            name: pkg.name, counts,
            validator: typeof validate, verdicts: [validate(Buffer.from('héllo')), validate(Buffer.from([0xff]))]
          }));
          ws.close();
          wss.close();
          for (const c of wss.clients) c.terminate();
        });
      });
      wss.on('connection', (s) => s.on('message', (d, b) => s.send(d, { binary: b })));
    `;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', timeout: 60000 });
    const result = JSON.parse(out.trim().split('\n').pop());
    assert.strictEqual(result.name, 'oxws');
    assert.ok(result.counts.mask > 0, 'ws called our mask');
    assert.ok(result.counts.unmask > 0, 'ws called our unmask');
    assert.strictEqual(result.validator, 'function');
    assert.deepStrictEqual(result.verdicts, [true, false]);
  });
});
