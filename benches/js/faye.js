'use strict';

/**
 * faye-shaped echo (`new WebSocket(req, socket, body)` + `ws.pipe(ws)`) under the native
 * load generator: oxws/faye vs faye-websocket 0.11.4, without and with permessage-deflate
 * (the npm package on both, and oxws/permessage-deflate on oxws), messages per server
 * CPU-second. Then EventSource fan-out: events per second delivered to 1,000 subscribers.
 *
 *   node benches/js/faye.js [--quick]
 *
 * Writes bench-results/faye.json and prints markdown tables.
 */

const path = require('path');
const { spawn } = require('child_process');
const { ensureLoadgen, runScenario, fmt, save, median } = require('./harness');

const quick = process.argv.includes('--quick');
const server = path.join(__dirname, 'faye-echo-server.js');
const entry = (name, impl, ext) => ({ name, script: server, args: [impl, ext], env: {} });

const SCENARIOS = [
  {
    id: 'a',
    title: '100 conns x 16 in flight, 32 B',
    args: ['--conns', '100', '--inflight', '16', '--size', '32', '--text'],
    impls: [entry('oxws', 'oxws', 'none'), entry('faye-websocket', 'faye', 'none')]
  },
  {
    id: 'b',
    title: '10 conns, 64 KiB',
    args: ['--conns', '10', '--inflight', '1', '--size', '65536'],
    impls: [entry('oxws', 'oxws', 'none'), entry('faye-websocket', 'faye', 'none')]
  },
  {
    id: 'e',
    title: '100 conns x 16 in flight, 1 KiB JSON, permessage-deflate',
    args: ['--conns', '100', '--inflight', '16', '--size', '1024', '--deflate'],
    impls: [
      entry('oxws', 'oxws', 'native'),
      entry('faye-websocket', 'faye', 'npm'),
      entry('oxws + npm permessage-deflate', 'oxws', 'npm')
    ]
  }
];

/**
 * EventSource fan-out: one server process with `subscribers` raw event-stream clients;
 * the server sends `events` events to each; measures wall time and server CPU.
 *
 * @param {String} impl `oxws` or `faye`
 * @return {Promise<Object>} `{eventsPerSecond, eventsPerCpuSecond}`
 */
function eventSourceRun(impl) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'eventsource-fanout.js'), impl, quick ? '200' : '1000'], {
      stdio: ['ignore', 'pipe', 'inherit']
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`fanout exited ${code}`))));
  });
}

async function main() {
  ensureLoadgen();
  const timing = { rounds: quick ? 1 : 3, warmup: quick ? 0.3 : 0.7, seconds: quick ? 1.5 : 4 };
  const results = {};
  for (const scenario of SCENARIOS) {
    results[scenario.id] = await runScenario(scenario.impls, scenario, timing);
    process.stderr.write(`faye ${scenario.id} done\n`);
  }

  const fanout = { oxws: [], faye: [] };
  for (let r = 0; r < timing.rounds; r++) {
    for (const impl of r % 2 ? ['faye', 'oxws'] : ['oxws', 'faye']) fanout[impl].push(await eventSourceRun(impl));
  }
  results.eventsource = {
    oxws: median(fanout.oxws.map((x) => x.eventsPerCpuSecond)),
    faye: median(fanout.faye.map((x) => x.eventsPerCpuSecond)),
    ratio: median(fanout.oxws.map((x, i) => x.eventsPerCpuSecond / fanout.faye[i].eventsPerCpuSecond)),
    subscribers: fanout.oxws[0].subscribers
  };
  save('faye', results);

  const lines = [
    '| scenario (faye API) | msgs per CPU-s: oxws | faye-websocket | oxws / faye | p50 RTT µs (oxws / faye) |',
    '| --- | ---: | ---: | ---: | ---: |'
  ];
  for (const scenario of SCENARIOS) {
    const row = results[scenario.id];
    const o = row.impls.oxws;
    const f = row.impls['faye-websocket'];
    lines.push(`| (${scenario.id}) ${row.title} | ${fmt(o.value)} | ${fmt(f.value)} | ${f.ratioVsOxws.toFixed(2)}x | ${o.p50} / ${f.p50} |`);
    const npm = row.impls['oxws + npm permessage-deflate'];
    if (npm) {
      lines.push(
        `| (${scenario.id}') same, oxws with the npm permessage-deflate | ${fmt(npm.value)} | ${fmt(f.value)} | ` +
          `${(npm.value / f.value).toFixed(2)}x | ${npm.p50} / ${f.p50} |`
      );
    }
  }
  const es = results.eventsource;
  lines.push(
    `| EventSource fan-out to ${es.subscribers} subscribers (events per CPU-s) | ${fmt(es.oxws)} | ${fmt(es.faye)} | ${es.ratio.toFixed(2)}x | |`
  );
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
