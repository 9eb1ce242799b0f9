'use strict';

/**
 * The only place that loads the native addon. Everything else requires this module.
 *
 * Where the addon comes from, in order (the first that loads wins):
 *
 * 1. `OXWS_NATIVE_PATH`, when set: that file and nothing else (a path that does not exist is
 *    reported as such).
 * 2. `oxws.node` at the package root: a clone's `npm install` / `npm run build`, or an
 *    installed package built from source with `npx oxws build`.
 * 3. The prebuilt platform package for this process, `oxws-<target>` (an optional dependency
 *    of oxws, e.g. `oxws-linux-x64-gnu`), at the same version as oxws.
 *
 * When none loads, the Error thrown names the target, every place tried with the reason it
 * failed, and the command that builds the addon from source. A corrupt, truncated or
 * wrong-architecture file is one such reason: it is refused, it never crashes the process.
 */

const fs = require('fs');
const path = require('path');

const { checkAddonFile } = require('./native-file');
const { describeTarget, currentTarget } = require('./native-target');

const root = path.join(__dirname, '..');
const version = require('../package.json').version;

/** The error code of the Error thrown when no addon loads. */
const ERR_NO_ADDON = 'ERR_OXWS_NATIVE_ADDON';

/**
 * Loads a `.node` file, or explains why it could not. The headers are checked first
 * (`lib/native-file.js`: a truncated file would otherwise crash the process in the dynamic
 * loader); the file is opened with `process.dlopen`, as `require` does for `.node` files,
 * whatever its name ends with.
 *
 * @param {String} file Absolute path
 * @return {{binding?: Object, reason?: String}} The exports, or the reason
 * @private
 */
function loadFile(file) {
  const reason = checkAddonFile(file);
  if (reason !== null) return { reason };
  const module = { exports: {} };
  try {
    process.dlopen(module, file);
    return { binding: module.exports };
  } catch (err) {
    return { reason: err.message.split('\n')[0] };
  }
}

/**
 * Loads the platform package `name`, checking that its version is oxws's own (the JS here
 * and the Rust in the binary change together).
 *
 * @param {String} name Package name, e.g. `oxws-linux-x64-gnu`
 * @return {{binding?: Object, reason?: String, file?: String}} The exports, or the reason
 * @private
 */
function loadPackage(name) {
  let manifest;
  try {
    manifest = require.resolve(`${name}/package.json`, { paths: [root] });
  } catch {
    return { reason: 'not installed' };
  }
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  const file = path.join(path.dirname(manifest), pkg.main || '');
  if (pkg.version !== version) {
    return { file, reason: `version ${pkg.version} does not match oxws ${version}` };
  }
  return { file, ...loadFile(file) };
}

/**
 * Finds and loads the addon.
 *
 * @return {Object} The addon's exports
 * @throws {Error} `code` {@link ERR_NO_ADDON}, `attempts` [{where, path, reason}]
 * @private
 */
function load() {
  const attempts = [];
  const override = process.env.OXWS_NATIVE_PATH;

  if (override) {
    const file = path.resolve(override);
    const result = loadFile(file);
    if (result.binding) return result.binding;
    attempts.push({ where: 'OXWS_NATIVE_PATH', path: file, reason: result.reason });
  } else {
    const local = path.join(root, 'oxws.node');
    const result = loadFile(local);
    if (result.binding) return result.binding;
    attempts.push({ where: 'source build', path: local, reason: result.reason });

    const target = currentTarget();
    if (target.abi) {
      const name = `oxws-${target.abi}`;
      const fromPackage = loadPackage(name);
      if (fromPackage.binding) return fromPackage.binding;
      attempts.push({
        where: 'platform package',
        path: fromPackage.file ? `${name} (${fromPackage.file})` : name,
        reason: fromPackage.reason
      });
    }
  }

  throw noAddonError(attempts);
}

/**
 * The Error for "no addon loaded": the target, each attempt and how to get an addon.
 *
 * @param {Array<{where: String, path: String, reason: String}>} attempts What was tried
 * @return {Error} The error to throw
 * @private
 */
function noAddonError(attempts) {
  const target = currentTarget();
  const inClone = fs.existsSync(path.join(root, '.git'));
  const build = inClone
    ? `npm run build (in ${root})`
    : `npx oxws build (or: node ${path.join(root, 'bin', 'oxws.js')} build)`;
  const lines = [
    `oxws: no native addon could be loaded for ${describeTarget(target)}.`,
    'Tried:',
    ...attempts.map((a) => `  - ${a.where}: ${a.path}: ${a.reason}`)
  ];
  if (target.abi) {
    lines.push(
      `The prebuilt addon for this platform is the optional dependency oxws-${target.abi}@${version};` +
        ' reinstall without --omit=optional / --no-optional (if it is still missing, remove' +
        ' node_modules and the lockfile and install again: npm/cli#4828).'
    );
  } else {
    lines.push('oxws has no prebuilt addon for this platform.');
  }
  lines.push(`To build the addon from source (needs Rust, https://rustup.rs): ${build}`);
  const err = new Error(lines.join('\n'));
  err.code = ERR_NO_ADDON;
  err.attempts = attempts;
  return err;
}

const binding = load();

// The addon's exports object is built by N-API one property at a time and ends up in V8's
// dictionary mode, so every `native.frameInto(...)` / `native.receiverPush(...)` on the hot
// path was a hash lookup (LoadIC, ~5% of a 125-byte `mask` call). A plain copy has fast
// properties; the functions and classes in it are the addon's own.
module.exports = { ...binding };
