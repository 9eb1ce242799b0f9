'use strict';

/**
 * Broadcast: 1 KiB to 1,000 clients, 1,000 times, with and without permessage-deflate.
 * oxws `server.broadcast()` vs the ws README loop (`clients.forEach(c => c.send(m))`) on
 * ws+bufferutil, and the same loop on oxws. Server CPU per broadcast, until every socket has
 * flushed. Fresh processes per run; rounds interleaved; median of paired ratios.
 *
 *   node benches/js/broadcast.js [--quick]
 *
 * Writes bench-results/broadcast.json and prints a markdown table.
 */

const path = require('path');
const { spawn } = require('child_process');
const { median, save } = require('./harness');

const quick = process.argv.includes('--quick');
const CLIENTS = quick ? 300 : 1000;
const COUNT = quick ? 200 : 1000;

/**
 * One run: server + clients processes; resolves with the server's result.
 *
 * @param {String} impl `oxws` or `ws`
 * @param {String} mode `broadcast` or `loop`
 * @param {String} deflate `on` or `off`
 * @return {Promise<Object>} `{cpuMsPerBroadcast, ms}`
 */
function runOnce(impl, mode, deflate) {
  return new Promise((resolve, reject) => {
    const server = spawn(
      process.execPath,
      [path.join(__dirname, 'broadcast-server.js'), impl, mode, deflate, String(CLIENTS), String(COUNT)],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    );
    const timer = setTimeout(() => server.kill(), 180000);
    let clients = null;
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const lines = out.split('\n');
      if (clients === null && lines.length > 1) {
        clients = spawn(process.execPath, [path.join(__dirname, 'broadcast-clients.js'), lines[0], String(CLIENTS), deflate], {
          stdio: 'ignore'
        });
      }
    });
    server.on('close', (code) => {
      clearTimeout(timer);
      if (clients) clients.kill();
      const last = out.trim().split('\n').pop();
      if (code === 0) resolve(JSON.parse(last));
      else reject(new Error(`broadcast server exited ${code}`));
    });
  });
}

async function main() {
  const rounds = quick ? 1 : 3;
  const variants = [
    ['oxws broadcast()', 'oxws', 'broadcast'],
    ['oxws send() loop', 'oxws', 'loop'],
    ['ws+bufferutil send() loop', 'ws', 'loop']
  ];
  const results = {};
  for (const deflate of ['off', 'on']) {
    const per = Object.fromEntries(variants.map((v) => [v[0], []]));
    for (let r = 0; r < rounds; r++) {
      const order = variants.map((_, i) => variants[(i + r) % variants.length]);
      for (const [name, impl, mode] of order) per[name].push(await runOnce(impl, mode, deflate));
    }
    const ref = per['oxws broadcast()'];
    results[deflate] = Object.fromEntries(
      variants.map(([name]) => [
        name,
        {
          cpuMsPerBroadcast: median(per[name].map((x) => x.cpuMsPerBroadcast)),
          ratioVsBroadcast: median(per[name].map((x, i) => x.cpuMsPerBroadcast / ref[i].cpuMsPerBroadcast))
        }
      ])
    );
    process.stderr.write(`broadcast deflate=${deflate} done\n`);
  }
  save('broadcast', { clients: CLIENTS, count: COUNT, results });

  const lines = [
    `| broadcast 1 KiB to ${CLIENTS} clients x ${COUNT} | deflate | server CPU ms per broadcast | cost vs oxws broadcast() |`,
    '| --- | --- | ---: | ---: |'
  ];
  for (const deflate of ['off', 'on']) {
    for (const [name, r] of Object.entries(results[deflate])) {
      lines.push(`| ${name} | ${deflate} | ${r.cpuMsPerBroadcast.toFixed(3)} | ${r.ratioVsBroadcast.toFixed(2)}x |`);
    }
  }
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
