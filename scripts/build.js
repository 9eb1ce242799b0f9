#!/usr/bin/env node
'use strict';

/**
 * Builds the native addon from source with cargo (release, `--locked`). The one build script:
 * it needs nothing but Node and a Rust toolchain (no napi CLI, no devDependencies), so it runs
 * in a clone and from an installed package (`node_modules/oxws`) alike.
 *
 *   node scripts/build.js
 *       (`npm run build`, the clone's `prepare`, `npx oxws build`) builds for this machine and
 *       writes `oxws.node` at the package root, where `lib/native.js` looks first.
 *
 *   node scripts/build.js --platform [--target <rust triple>] [--zig]
 *       (`npm run build:platform`) builds for the target (default: this machine's), with the
 *       symbols stripped, and writes the platform package `npm/<abi>/`: `oxws.<abi>.node`,
 *       `package.json` and `README.md`.
 *
 *   node scripts/build.js --npm-dirs
 *       writes `package.json` and `README.md` of every platform package in
 *       `lib/native-target.js`'s TARGETS, building nothing (a release fills them with the
 *       binaries it built on each platform).
 *
 * Options:
 *   --target <triple>  a Rust target triple from TARGETS (`aarch64-unknown-linux-gnu`, …).
 *                      With --zig it may carry cargo-zigbuild's glibc version,
 *                      `aarch64-unknown-linux-gnu.2.17`. Without --platform the build still
 *                      goes to `oxws.node`.
 *   --zig              link with cargo-zigbuild (`cargo zigbuild`; zig on PATH) instead of the
 *                      target's C linker.
 *   --out-dir <dir>    write the `.node` file into <dir> instead (the package files are still
 *                      written to `npm/<abi>/` with --platform).
 *
 * Environment:
 *   OXWS_TARGET_DIR    the cargo target directory. Default: one in the OS temp dir per
 *                      checkout path and build kind (`oxws-target-<hash>` for the plain build,
 *                      `oxws-target-<hash>-<triple>[-zig]` for a target), so no `target/` is
 *                      left in `node_modules` and one build never invalidates another.
 *   OXWS_SKIP_BUILD=1  the plain build does nothing when `oxws.node` already exists.
 *   CARGO, RUSTC       the toolchain to use (default: `cargo` and `rustc` on PATH).
 *   CARGO_TARGET_<TRIPLE>_LINKER, CARGO_TARGET_<TRIPLE>_RUSTFLAGS, RUSTFLAGS: as for cargo;
 *                      the defaults below are set only when these are unset.
 *
 * Cross builds (a --target that is not this machine's):
 * - Toolchain: the `rustc` on PATH (or RUSTC) when it has the target's standard library
 *   (`rustup target add <triple>`). Otherwise Debian's `/usr/bin/rustc` and `/usr/bin/cargo`
 *   when they have it: on Debian 12, `apt-get install rustc-web cargo-web
 *   libstd-rust-web-dev:arm64` (after `dpkg --add-architecture arm64`) gives rustc 1.96 with the
 *   aarch64-unknown-linux-gnu library in /usr/lib/rustlib.
 * - Linker: for a Linux glibc target, `<arch>-linux-gnu-gcc` when it is on PATH and
 *   CARGO_TARGET_<TRIPLE>_LINKER is unset (`apt-get install gcc-aarch64-linux-gnu`). With
 *   --zig, cargo-zigbuild links.
 * - musl targets get `-C target-feature=-crt-static` (a cdylib needs the dynamic libc), as
 *   napi-rs does.
 *
 * Stripping: --platform sets `CARGO_PROFILE_RELEASE_STRIP=symbols`, so rustc strips when it
 * links, for every target and linker (no `strip` binary per target needed).
 *
 * From JavaScript: `require('./scripts/build.js').build({ target, platform, outDir, zig })`
 * builds (synchronously, cargo's output on this process's stdio) and returns the path
 * written, or throws an Error with the reason; `writeNpmDirs()` and `writePackageFiles(target)` write the package files.
 */

const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { TARGETS } = require('../lib/native-target');

const root = path.join(__dirname, '..');
const NPM_DIR = path.join(root, 'npm');

/** Names for the package descriptions. */
const OS_NAMES = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

/** The cross C compiler Debian and Ubuntu name for a Linux glibc target's architecture. */
const CROSS_GCC = {
  aarch64: 'aarch64-linux-gnu-gcc',
  x86_64: 'x86_64-linux-gnu-gcc'
};

/**
 * The TARGETS entry for a triple (a cargo-zigbuild glibc suffix, `.2.17`, is ignored).
 *
 * @param {String} triple Rust target triple
 * @return {Object} The entry
 * @throws {Error} When oxws publishes no package for the triple
 */
function targetOf(triple) {
  const plain = stripGlibcSuffix(triple);
  const target = TARGETS.find((t) => t.triple === plain);
  if (!target) {
    const known = TARGETS.map((t) => t.triple).join(', ');
    throw new Error(`no platform package for target ${triple} (known: ${known})`);
  }
  return target;
}

/** `x86_64-unknown-linux-gnu.2.17` → `x86_64-unknown-linux-gnu`. */
function stripGlibcSuffix(triple) {
  return triple.replace(/\.\d+(\.\d+)*$/, '');
}

/**
 * The file cargo writes for the cdylib.
 *
 * @param {?String} triple Rust target triple (`null`: this machine)
 * @return {String} The file name
 */
function libraryName(triple) {
  const windows = triple ? triple.includes('-windows-') : process.platform === 'win32';
  const apple = triple ? triple.includes('-apple-') : process.platform === 'darwin';
  if (windows) return 'oxws.dll';
  if (apple) return 'liboxws.dylib';
  return 'liboxws.so';
}

/** The value cargo's env configuration uses for a triple: `CARGO_TARGET_<THIS>_LINKER`. */
function envTriple(triple) {
  return triple.toUpperCase().replace(/[-.]/g, '_');
}

/**
 * Runs a command and returns its trimmed stdout, or `null` when it fails.
 *
 * @param {String} command The program
 * @param {String[]} args Its arguments
 * @param {Object} env Its environment
 * @return {?String} stdout
 */
function capture(command, args, env) {
  const result = spawnSync(command, args, { encoding: 'utf8', env });
  if (result.error || result.status !== 0) return null;
  return result.stdout.trim();
}

/** The host triple of a rustc (`rustc -vV`), or `null` when it does not run. */
function hostTriple(rustc, env) {
  const info = capture(rustc, ['-vV'], env);
  const match = info && /^host: (\S+)$/m.exec(info);
  return match ? match[1] : null;
}

/** Whether a rustc has the standard library for a triple. */
function hasStd(rustc, triple, env) {
  const dir = capture(rustc, ['--print', 'target-libdir', '--target', triple], env);
  if (!dir) return false;
  try {
    return fs.readdirSync(dir).some((file) => /^libstd-.*\.rlib$/.test(file));
  } catch {
    return false;
  }
}

/** Whether a program is on PATH. */
function onPath(program) {
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? ['', '.exe', '.cmd'] : [''];
  return dirs.some((dir) => exts.some((ext) => fs.existsSync(path.join(dir, program + ext))));
}

/**
 * Picks cargo and rustc for a target and the environment cargo needs for it.
 *
 * @param {?String} triple The target (`null`: this machine, no `--target`)
 * @param {Boolean} zig Whether cargo-zigbuild links
 * @return {{cargo: String, env: Object, note: ?String}} What to run
 * @throws {Error} When no toolchain here can build the target
 */
function toolchain(triple, zig) {
  const env = { ...process.env };
  let cargo = process.env.CARGO || 'cargo';
  const rustc = process.env.RUSTC || 'rustc';
  let note = null;
  if (!triple) return { cargo, env, note };

  const plain = stripGlibcSuffix(triple);
  const host = hostTriple(rustc, env);
  if (!host) throw new Error(`could not run ${rustc} -vV. Install Rust (https://rustup.rs).`);
  if (host !== plain && !hasStd(rustc, plain, env)) {
    const debian = { cargo: '/usr/bin/cargo', rustc: '/usr/bin/rustc' };
    if (fs.existsSync(debian.cargo) && hasStd(debian.rustc, plain, env)) {
      cargo = debian.cargo;
      env.RUSTC = debian.rustc;
      env.CARGO = debian.cargo;
      note = `${rustc} has no ${plain} standard library; using ${debian.cargo} and ${debian.rustc}`;
    } else {
      throw new Error(
        `${rustc} has no standard library for ${plain}: run \`rustup target add ${plain}\`` +
          (plain === 'aarch64-unknown-linux-gnu'
            ? ' (or, on Debian 12: dpkg --add-architecture arm64 && apt-get update && ' +
              'apt-get install rustc-web cargo-web libstd-rust-web-dev:arm64 gcc-aarch64-linux-gnu)'
            : '')
      );
    }
  }

  const key = envTriple(plain);
  const [arch] = plain.split('-');
  const crossGcc = CROSS_GCC[arch];
  const hostArch = host ? host.split('-')[0] : null;
  if (
    !zig &&
    plain.endsWith('-linux-gnu') &&
    arch !== hostArch &&
    !env[`CARGO_TARGET_${key}_LINKER`]
  ) {
    if (!crossGcc || !onPath(crossGcc)) {
      throw new Error(
        `no linker for ${plain}: install ${crossGcc || 'a cross gcc'} (Debian: ` +
          `apt-get install gcc-${arch.replace(/_/g, '-')}-linux-gnu), set ` +
          `CARGO_TARGET_${key}_LINKER, or use --zig`
      );
    }
    env[`CARGO_TARGET_${key}_LINKER`] = crossGcc;
  }
  if (plain.endsWith('-musl') && !env.RUSTFLAGS && !env.CARGO_ENCODED_RUSTFLAGS) {
    const flags = env[`CARGO_TARGET_${key}_RUSTFLAGS`];
    env[`CARGO_TARGET_${key}_RUSTFLAGS`] = [flags, '-C target-feature=-crt-static']
      .filter(Boolean)
      .join(' ');
  }
  return { cargo, env, note };
}

/**
 * Builds the addon.
 *
 * @param {Object} [options]
 * @param {String} [options.target] Rust triple (default: this machine, built without
 *     `--target`; with `platform`, the host triple)
 * @param {Boolean} [options.platform] Strip it and write the platform package `npm/<abi>/`
 * @param {String} [options.outDir] Where the `.node` goes instead of the root / `npm/<abi>/`
 * @param {Boolean} [options.zig] Link with cargo-zigbuild
 * @return {String} The file written
 * @throws {Error} When the build fails
 */
function build({ target, platform = false, outDir, zig = false } = {}) {
  let triple = target || null;
  if (platform && !triple) {
    triple = hostTriple(process.env.RUSTC || 'rustc', process.env);
    if (!triple) throw new Error('could not run rustc -vV. Install Rust (https://rustup.rs).');
  }
  const entry = platform ? targetOf(triple) : triple ? targetOf(triple) : null;
  const plain = triple && stripGlibcSuffix(triple);

  const fileName = platform ? `oxws.${entry.abi}.node` : 'oxws.node';
  const dir = outDir ? path.resolve(outDir) : platform ? path.join(NPM_DIR, entry.abi) : root;
  const output = path.join(dir, fileName);

  // One target dir per checkout path (two checkouts never fight over fingerprints), and one
  // per target and linker, so stripped, cross and zig builds keep their own artifacts.
  const tag = crypto.createHash('sha1').update(root).digest('hex').slice(0, 12);
  const targetDir =
    process.env.OXWS_TARGET_DIR ||
    path.join(os.tmpdir(), `oxws-target-${tag}${triple ? `-${triple}` : ''}${zig ? '-zig' : ''}`);

  const { cargo, env, note } = toolchain(triple, zig);
  env.CARGO_TARGET_DIR = targetDir;
  if (platform) env.CARGO_PROFILE_RELEASE_STRIP = 'symbols';
  if (note) console.log(`oxws: ${note}`);

  const args = [zig ? 'zigbuild' : 'build', '--release', '--locked', '--lib'];
  if (triple) args.push('--target', triple);
  console.log(`oxws: ${cargo} ${args.join(' ')} (target dir ${targetDir})`);
  const started = Date.now();
  const result = spawnSync(cargo, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) {
    throw new Error(
      `could not run ${cargo} (${result.error.message}). ` +
        'Install Rust (https://rustup.rs) to build oxws from source.'
    );
  }
  if (result.status !== 0) {
    throw new Error(`${cargo} ${args.join(' ')} failed (exit status ${result.status ?? result.signal})`);
  }

  const built = path.join(targetDir, plain || '', 'release', libraryName(plain));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${output}.${process.pid}.tmp`;
  fs.copyFileSync(built, tmp);
  fs.renameSync(tmp, output);
  if (platform) writePackageFiles(entry);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const size = fs.statSync(output).size;
  console.log(`oxws: built ${path.relative(process.cwd(), output) || output} (${size} bytes, ${seconds} s)`);
  return output;
}

/** The root package.json. */
function rootManifest() {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
}

/** `Linux arm64 (glibc)`, `macOS x64`, `Windows x64 (MSVC)`. */
function describe(target) {
  const extra = target.libc || (target.triple.endsWith('-msvc') ? 'MSVC' : null);
  return `${OS_NAMES[target.os] || target.os} ${target.cpu}${extra ? ` (${extra})` : ''}`;
}

/**
 * The platform package's package.json: every field derived from the root package.json and
 * the target, in a fixed order, so that writing it twice gives the same bytes.
 *
 * @param {Object} target A TARGETS entry
 * @param {Object} [pkg] The root package.json
 * @return {Object} The manifest
 */
function platformManifest(target, pkg = rootManifest()) {
  const binary = `oxws.${target.abi}.node`;
  const manifest = {
    name: `${pkg.name}-${target.abi}`,
    version: pkg.version,
    description: `The prebuilt native addon of ${pkg.name} for ${describe(target)}`,
    os: [target.os],
    cpu: [target.cpu]
  };
  if (target.libc) manifest.libc = [target.libc];
  manifest.main = binary;
  manifest.files = [binary];
  manifest.license = pkg.license;
  if (pkg.engines) manifest.engines = pkg.engines;
  for (const field of ['repository', 'homepage', 'bugs', 'author']) {
    if (pkg[field] !== undefined) manifest[field] = pkg[field];
  }
  return manifest;
}

/** The platform package's README.md. */
function platformReadme(target, pkg = rootManifest()) {
  const name = `${pkg.name}-${target.abi}`;
  return `# ${name}

The prebuilt native addon of [${pkg.name}](https://www.npmjs.com/package/${pkg.name}) for
${describe(target)}, built for the Rust target \`${target.triple}\`.

Do not install it yourself: ${pkg.name} lists every platform package as an optional
dependency at its own version, and npm / pnpm / yarn install the one whose \`os\`, \`cpu\`
and \`libc\` fit. ${pkg.name} then loads \`${name}/oxws.${target.abi}.node\`.

Its version is always the ${pkg.name} version it belongs to. This folder is written by
\`node scripts/build.js --npm-dirs\` (package.json, README.md) and
\`node scripts/build.js --platform --target ${target.triple}\` (the addon) in the
${pkg.name} repository.
`;
}

/** Writes a file only when its content changes (so a rewrite leaves mtimes alone). */
function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return false;
  fs.writeFileSync(file, content);
  return true;
}

/**
 * Writes `npm/<abi>/package.json` and `README.md` for a target.
 *
 * @param {Object} target A TARGETS entry
 * @param {Object} [pkg] The root package.json
 * @return {String} The package folder
 */
function writePackageFiles(target, pkg = rootManifest()) {
  const dir = path.join(NPM_DIR, target.abi);
  fs.mkdirSync(dir, { recursive: true });
  const manifest = `${JSON.stringify(platformManifest(target, pkg), null, 2)}\n`;
  const changed = [
    writeIfChanged(path.join(dir, 'package.json'), manifest) && 'package.json',
    writeIfChanged(path.join(dir, 'README.md'), platformReadme(target, pkg)) && 'README.md'
  ].filter(Boolean);
  if (changed.length) console.log(`oxws: wrote npm/${target.abi}/{${changed.join(',')}}`);
  return dir;
}

/** Writes the package files of every target in TARGETS. */
function writeNpmDirs() {
  const pkg = rootManifest();
  return TARGETS.map((target) => writePackageFiles(target, pkg));
}

/**
 * Reads the command line.
 *
 * @param {String[]} argv Arguments after the script
 * @return {Object} The options
 */
function parseArgs(argv) {
  const options = { platform: false, zig: false, npmDirs: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      const v = inline !== undefined ? inline : argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--platform') options.platform = true;
    else if (flag === '--zig') options.zig = true;
    else if (flag === '--npm-dirs') options.npmDirs = true;
    else if (flag === '--target') options.target = value();
    else if (flag === '--out-dir') options.outDir = value();
    else if (flag === '--help' || flag === '-h') options.help = true;
    else throw new Error(`unknown argument ${arg} (see node scripts/build.js --help)`);
  }
  return options;
}

const USAGE = `Usage:
  node scripts/build.js                       release build for this machine into oxws.node
  node scripts/build.js --platform [--target <triple>] [--zig]
                                              stripped build into npm/<abi>/oxws.<abi>.node,
                                              with that package's package.json and README.md
  node scripts/build.js --npm-dirs            package.json and README.md of every npm/<abi>
Options: --target <triple>, --zig (cargo-zigbuild), --out-dir <dir>
Targets: ${TARGETS.map((t) => `${t.triple} (${t.abi})`).join(', ')}`;

function main(argv) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (err) {
    console.error(`oxws: ${err.message}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.npmDirs) {
    writeNpmDirs();
    return 0;
  }
  if (!options.platform && !options.target && !options.outDir && process.env.OXWS_SKIP_BUILD) {
    if (fs.existsSync(path.join(root, 'oxws.node'))) {
      console.log('oxws: OXWS_SKIP_BUILD set and oxws.node present; not building');
      return 0;
    }
  }
  try {
    build(options);
  } catch (err) {
    console.error(`oxws: ${err.message}`);
    return 1;
  }
  return 0;
}

module.exports = { build, writeNpmDirs, writePackageFiles, platformManifest, targetOf };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
