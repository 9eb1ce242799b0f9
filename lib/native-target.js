'use strict';

/**
 * Which prebuilt addon fits this process: the napi-rs target names (`linux-x64-gnu`,
 * `darwin-arm64`, `win32-x64-msvc`, …) that the platform packages `oxws-<abi>` carry.
 * `scripts/build.js` writes those packages from {@link TARGETS}; `lib/native.js` picks one
 * with {@link currentTarget}.
 */

const fs = require('fs');

/**
 * Every platform oxws publishes a prebuilt addon for: the package suffix (abi), the Rust
 * target triple that builds it, and the `os` / `cpu` / `libc` its package declares.
 */
const TARGETS = [
  { abi: 'linux-x64-gnu', triple: 'x86_64-unknown-linux-gnu', os: 'linux', cpu: 'x64', libc: 'glibc' },
  { abi: 'linux-arm64-gnu', triple: 'aarch64-unknown-linux-gnu', os: 'linux', cpu: 'arm64', libc: 'glibc' },
  { abi: 'linux-x64-musl', triple: 'x86_64-unknown-linux-musl', os: 'linux', cpu: 'x64', libc: 'musl' },
  { abi: 'linux-arm64-musl', triple: 'aarch64-unknown-linux-musl', os: 'linux', cpu: 'arm64', libc: 'musl' },
  { abi: 'darwin-x64', triple: 'x86_64-apple-darwin', os: 'darwin', cpu: 'x64' },
  { abi: 'darwin-arm64', triple: 'aarch64-apple-darwin', os: 'darwin', cpu: 'arm64' },
  { abi: 'win32-x64-msvc', triple: 'x86_64-pc-windows-msvc', os: 'win32', cpu: 'x64' }
];

/**
 * Whether this Linux process runs on musl (Alpine) rather than glibc. The same checks, in
 * the same order, as the loader napi-rs generates: whether `/usr/bin/ldd` names musl; without
 * that file, Node's diagnostic report (a glibc runtime version, or an `ld-musl-` shared
 * object); else glibc.
 *
 * @return {Boolean} `true` on musl
 * @private
 */
function isMusl() {
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    // No ldd (a minimal container): ask Node (its report takes milliseconds to build).
  }
  if (typeof process.report?.getReport === 'function') {
    const report = process.report.getReport();
    if (report.header?.glibcVersionRuntime) return false;
    if (Array.isArray(report.sharedObjects)) {
      return report.sharedObjects.some((file) => file.includes('libc.musl-') || file.includes('ld-musl-'));
    }
  }
  return false;
}

/**
 * This process's target.
 *
 * @return {{platform: String, arch: String, libc: (String|undefined), abi: (String|undefined)}}
 *     `abi` is the suffix of the platform package to load, `undefined` when oxws publishes
 *     none for this platform
 * @public
 */
function currentTarget() {
  const { platform, arch } = process;
  const libc = platform === 'linux' ? (isMusl() ? 'musl' : 'glibc') : undefined;
  const match = TARGETS.find((t) => t.os === platform && t.cpu === arch && t.libc === libc);
  return { platform, arch, libc, abi: match && match.abi };
}

/**
 * Names a target for messages: `linux-x64-gnu (linux, x64, glibc; Node v20.20.2, N-API 9)`.
 *
 * @param {Object} target From {@link currentTarget}
 * @return {String} The description
 * @public
 */
function describeTarget(target) {
  const parts = [target.platform, target.arch, target.libc].filter(Boolean).join(', ');
  const runtime = `Node ${process.version}, N-API ${process.versions.napi}`;
  return `${target.abi || 'an unlisted platform'} (${parts}; ${runtime})`;
}

module.exports = { TARGETS, currentTarget, describeTarget };
