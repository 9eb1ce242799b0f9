'use strict';

/**
 * The accelerators without the native addon: in a child process whose `OXWS_NATIVE_PATH`
 * names a file that does not exist (so `lib/native.js` throws), `oxws/bufferutil` and
 * `oxws/utf-8-validate` must still load, print nothing, try the addon at most once, and give
 * the same bytes and verdicts as the addon does in this process.
 */

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { describe, it, before, after } = require('node:test');

const fallback = require('bufferutil/fallback');
const utf8Fallback = require('utf-8-validate/fallback');
const { makeTexts, runCases } = require('./fixtures/cases');

const root = path.join(__dirname, '..', '..');
const MISSING = '/nonexistent/oxws.node';

/**
 * Runs `script` in a child with the addon unloadable and returns its stdout parsed as JSON,
 * after checking that it exited cleanly and wrote nothing to stderr.
 */
function runWithoutAddon(script) {
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: root,
    env: { ...process.env, OXWS_NATIVE_PATH: MISSING },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120000
  });
  assert.strictEqual(result.status, 0, result.stderr);
  assert.strictEqual(result.stderr, '', 'the child printed nothing on stderr');
  return JSON.parse(result.stdout);
}

describe('accelerators without the native addon', () => {
  let dir;
  let inputFile;
  let data;
  let key;
  let texts;
  let expected;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oxws-no-addon-'));
    data = crypto.randomBytes(1024 * 1024);
    key = crypto.randomBytes(4);
    texts = makeTexts();
    inputFile = path.join(dir, 'input.json');
    fs.writeFileSync(
      inputFile,
      JSON.stringify({
        data: data.toString('base64'),
        key: key.toString('hex'),
        texts: texts.map((t) => t.toString('base64'))
      })
    );
    // This process has the addon: these are the native path's results, checked against the
    // JavaScript reference implementations.
    assert.strictEqual(typeof require('../../lib/native').mask, 'function', 'the addon loads here');
    expected = runCases(require('oxws/bufferutil'), require('oxws/utf-8-validate'), data, key, texts);
    assert.deepStrictEqual(expected, runCases(fallback, utf8Fallback, data, key, texts));
    assert.ok(expected.verdicts.includes(true) && expected.verdicts.includes(false));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The child's script: counts every load of lib/native.js (and how it ended), requires the
   * two accelerators, runs every case twice, then requires lib/native.js itself to show the
   * addon really was unloadable. `hideNode` first removes Node's own `buffer.isUtf8` and
   * `http.websocketMask` / `websocketUnmask` (where they exist), so both accelerators take
   * the branch of a Node without them (the addon) for every input, and must fall back there.
   */
  function childScript(hideNode) {
    return `
      'use strict';
      const fs = require('fs');
      const Module = require('module');
      const path = require('path');
      const root = ${JSON.stringify(root)};
      const nativeFile = path.join(root, 'lib', 'native.js');
      if (${hideNode}) {
        delete require('buffer').isUtf8;
        delete require('http').websocketMask;
        delete require('http').websocketUnmask;
      }

      const loads = [];
      const load = Module._load;
      Module._load = function (request, parent, isMain) {
        let file;
        try {
          file = Module._resolveFilename(request, parent, isMain);
        } catch {}
        if (file !== nativeFile) return load.apply(this, arguments);
        try {
          const result = load.apply(this, arguments);
          loads.push('loaded');
          return result;
        } catch (err) {
          loads.push(err.message);
          throw err;
        }
      };

      const bufferutil = require('oxws/bufferutil');
      const isValidUTF8 = require('oxws/utf-8-validate');
      const { runCases } = require(path.join(root, '__test__', 'accel', 'fixtures', 'cases'));
      const input = JSON.parse(fs.readFileSync(${JSON.stringify(inputFile)}, 'utf8'));
      const data = Buffer.from(input.data, 'base64');
      const key = Buffer.from(input.key, 'hex');
      const texts = input.texts.map((t) => Buffer.from(t, 'base64'));
      const first = runCases(bufferutil, isValidUTF8, data, key, texts);
      const second = runCases(bufferutil, isValidUTF8, data, key, texts);
      const countedLoads = loads.slice();
      let direct;
      try {
        require(nativeFile);
        direct = 'loaded';
      } catch (err) {
        direct = err.message;
      }
      process.stdout.write(JSON.stringify({ first, second, loads: countedLoads, direct }));
    `;
  }

  for (const hideNode of [false, true]) {
    const what = hideNode ? "without Node's isUtf8 and websocketMask" : "with Node's functions where present";
    it(`loads, tries the addon once, and matches the addon's bytes and verdicts (${what})`, () => {
      const child = runWithoutAddon(childScript(hideNode));

      // The child really had no addon: lib/native.js throws there, naming the path.
      assert.notStrictEqual(child.direct, 'loaded');
      assert.ok(child.direct.includes(MISSING), child.direct);
      // Two passes over every size asked for the addon once: on bufferutil's first large
      // input it masks with the addon (with Node's websocketMask, the first with a key of
      // more than 4 bytes), and, without isUtf8, once more on utf-8-validate's first large
      // input; each time in vain.
      assert.strictEqual(child.loads.length, hideNode ? 2 : 1, JSON.stringify(child.loads));
      for (const message of child.loads) assert.ok(message.includes(MISSING), message);

      assert.deepStrictEqual(child.first, expected);
      assert.deepStrictEqual(child.second, expected);
    });
  }

  it('throws the same TypeError for a short key as with the addon', () => {
    const script = `
      const bufferutil = require('oxws/bufferutil');
      const big = Buffer.alloc(1000);
      const errors = [];
      for (const call of [
        () => bufferutil.unmask(big, Buffer.alloc(2)),
        () => bufferutil.mask(big, Buffer.alloc(3), big, 0, 1000)
      ]) {
        try {
          call();
          errors.push(null);
        } catch (err) {
          errors.push(err.constructor.name + ': ' + err.message);
        }
      }
      process.stdout.write(JSON.stringify(errors));
    `;
    const ours = require('oxws/bufferutil');
    const big = Buffer.alloc(1000);
    assert.throws(() => ours.unmask(big, Buffer.alloc(2)), { name: 'TypeError', message: 'The mask must be at least 4 bytes' });
    assert.deepStrictEqual(runWithoutAddon(script), [
      'TypeError: The mask must be at least 4 bytes',
      'TypeError: The mask must be at least 4 bytes'
    ]);
  });
});
