'use strict';

/**
 * A read-only npm registry on 127.0.0.1 that serves a fixed set of packed tarballs, for
 * installing oxws the way users do (`npm install oxws`, `pnpm add oxws`, `"ws":
 * "npm:oxws@…"`) before anything is published. It answers the two requests package managers
 * make: the packument (`GET /<name>`, scoped names as `@scope%2fname`) and the tarball.
 * Every other package is passed to `upstream` (the machine's registry) when one is given,
 * else answered 404 — what npm and pnpm get for a package that was never published.
 *
 *   const registry = await startRegistry({ tarballs: ['/tmp/oxws-0.1.0.tgz'] });
 *   // registry.url === 'http://127.0.0.1:<port>/'; registry.close()
 */

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const { execFileSync } = require('child_process');

/**
 * Reads `package/package.json` out of a packed tarball.
 *
 * @param {String} tarball Path to a `.tgz` made by `npm pack`
 * @return {Object} The manifest
 * @private
 */
function manifestOf(tarball) {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/**
 * Forwards a request to the upstream registry and pipes its answer back.
 *
 * @param {http.IncomingMessage} req The request
 * @param {http.ServerResponse} res The response
 * @param {URL} upstream The upstream registry
 * @private
 */
function proxy(req, res, upstream) {
  const target = new URL(req.url.replace(/^\//, ''), upstream);
  const client = target.protocol === 'https:' ? https : http;
  const headers = { ...req.headers, host: target.host };
  delete headers['accept-encoding'];
  const out = client.request(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  out.on('error', (err) => {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`upstream: ${err.message}`);
  });
  req.pipe(out);
}

/**
 * Starts the registry.
 *
 * @param {Object} options Options
 * @param {String[]} options.tarballs The packed packages to serve (one version each)
 * @param {String} [options.upstream] Registry to ask for every other package
 * @return {Promise<{url: String, requests: String[], close: Function}>} The registry; `requests`
 *     lists every `METHOD path status` it answered
 * @public
 */
function startRegistry({ tarballs, upstream }) {
  const packages = new Map();
  const requests = [];
  let base;

  for (const file of tarballs) {
    const manifest = manifestOf(file);
    const data = fs.readFileSync(file);
    packages.set(manifest.name, { manifest, data, file: `${manifest.name.replace('/', '-')}-${manifest.version}.tgz` });
  }

  /**
   * The packument of one served package.
   *
   * @param {Object} entry The package
   * @return {Object} The packument
   */
  function packument(entry) {
    const { manifest, data, file } = entry;
    const dist = {
      tarball: `${base}-/${file}`,
      shasum: crypto.createHash('sha1').update(data).digest('hex'),
      integrity: `sha512-${crypto.createHash('sha512').update(data).digest('base64')}`
    };
    return {
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      versions: { [manifest.version]: { ...manifest, _id: `${manifest.name}@${manifest.version}`, dist } },
      time: { [manifest.version]: new Date(0).toISOString() }
    };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://registry');
    const name = decodeURIComponent(url.pathname.slice(1));
    const respond = (status, body, type = 'application/json') => {
      requests.push(`${req.method} ${url.pathname} ${status}`);
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };

    if (req.method === 'GET' && packages.has(name)) {
      respond(200, JSON.stringify(packument(packages.get(name))));
      return;
    }
    if (req.method === 'GET' && name.startsWith('-/')) {
      const entry = [...packages.values()].find((p) => `-/${p.file}` === name);
      if (entry) {
        respond(200, entry.data, 'application/octet-stream');
        return;
      }
    }
    if (upstream && !name.startsWith('-/')) {
      requests.push(`${req.method} ${url.pathname} upstream`);
      proxy(req, res, new URL(upstream));
      return;
    }
    respond(404, JSON.stringify({ error: 'Not found' }));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${server.address().port}/`;
      resolve({
        url: base,
        requests,
        close: () => new Promise((done) => server.close(done))
      });
    });
  });
}

module.exports = { startRegistry };
