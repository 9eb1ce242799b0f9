'use strict';

/**
 * Draws the benchmark chart (docs/bench.svg) from the JSON that `npm run bench` writes to
 * bench-results/: one bar per scenario, "how many times the competitor's throughput per
 * CPU-second oxws reaches" (or, for broadcast, how many times cheaper), on a log scale with
 * the 1x line marked. Plain SVG, no dependencies.
 *
 *   node scripts/bench-chart.js [results-dir] [output.svg]
 */

const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const dir = process.argv[2] || path.join(root, 'bench-results');
const output = process.argv[3] || path.join(root, 'docs', 'bench.svg');

/** @return {?Object} A results file, or null when absent */
function load(name) {
  const file = path.join(dir, `${name}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

/** Rows: [group, label, ratio]. */
const rows = [];

const e2e = load('e2e');
if (e2e) {
  for (const [id, row] of Object.entries(e2e)) {
    rows.push(['ws API server vs ws+bufferutil', `(${id}) ${row.title}`, row.impls['ws+bufferutil'].ratioVsOxws]);
  }
}
const client = load('client');
if (client) {
  for (const [id, row] of Object.entries(client)) {
    rows.push(['ws API client vs ws+bufferutil', `(${id}) ${row.title}`, row.impls['ws+bufferutil'].ratioVsOxws]);
  }
}
// nativeIO (opt-in): process CPU of all threads, ratio per round to ws+bufferutil.
if (e2e) {
  for (const [id, row] of Object.entries(e2e)) {
    const native = row.impls['oxws nativeIO'];
    if (native) {
      rows.push([
        'ws API server with nativeIO vs ws+bufferutil',
        `(${id}) ${row.title}`,
        row.impls['ws+bufferutil'].ratioVsOxws / native.ratioVsOxws
      ]);
    }
  }
}
if (client) {
  for (const [id, row] of Object.entries(client)) {
    const native = row.impls['oxws nativeIO'];
    if (native && native.ratioVsWsBufferutil) {
      rows.push(['ws API client with nativeIO vs ws+bufferutil', `(${id}) ${row.title}`, native.ratioVsWsBufferutil]);
    }
  }
}
const driver = load('driver');
if (driver) {
  for (const [id, row] of Object.entries(driver)) {
    rows.push(['driver API vs websocket-driver', `(${id}) ${row.title}`, row.impls['websocket-driver'].ratioVsOxws]);
  }
}
const faye = load('faye');
if (faye) {
  for (const [id, row] of Object.entries(faye)) {
    if (id === 'eventsource') {
      rows.push(['faye API vs faye-websocket', `EventSource fan-out to ${row.subscribers}`, row.ratio]);
    } else {
      rows.push(['faye API vs faye-websocket', `(${id}) ${row.title}`, row.impls['faye-websocket'].ratioVsOxws]);
    }
  }
}
const broadcast = load('broadcast');
if (broadcast) {
  for (const deflate of ['off', 'on']) {
    const r = broadcast.results[deflate]['ws+bufferutil send() loop'];
    rows.push([
      'broadcast vs the ws README loop',
      `${broadcast.clients} clients, deflate ${deflate}`,
      r.ratioVsBroadcast
    ]);
  }
}
const memory = load('memory');
if (memory) {
  for (const deflate of ['off', 'on']) {
    const { oxws, ws } = memory.results[deflate];
    rows.push(['memory per idle connection vs ws', `deflate ${deflate} (ws KiB / oxws KiB)`, ws.perConnKiB / oxws.perConnKiB]);
  }
}

if (rows.length === 0) {
  console.error(`no results in ${dir}: run npm run bench first`);
  process.exit(1);
}

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const width = 1000;
const labelWidth = 430;
const barArea = width - labelWidth - 90;
const rowHeight = 22;
const groupGap = 28;
const maxRatio = Math.max(10, ...rows.map((r) => r[2]));
const minRatio = Math.min(0.5, ...rows.map((r) => r[2]));
const scale = (r) => ((Math.log(r) - Math.log(minRatio)) / (Math.log(maxRatio) - Math.log(minRatio))) * barArea;

const parts = [];
let y = 40;
let group = null;
for (const [g, label, ratio] of rows) {
  if (g !== group) {
    group = g;
    y += group === rows[0][0] ? 0 : 8;
    parts.push(`<text x="10" y="${y + 14}" class="group">${escape(g)}</text>`);
    y += groupGap - 6;
  }
  const x0 = labelWidth + scale(1);
  const x1 = labelWidth + scale(ratio);
  const left = Math.min(x0, x1);
  const color = ratio >= 1 ? '#2f7d4f' : '#b5523b';
  parts.push(`<text x="${labelWidth - 8}" y="${y + 14}" class="label">${escape(label)}</text>`);
  parts.push(`<rect x="${left.toFixed(1)}" y="${y + 3}" width="${Math.abs(x1 - x0).toFixed(1)}" height="${rowHeight - 8}" fill="${color}"/>`);
  parts.push(`<text x="${(Math.max(x0, x1) + 6).toFixed(1)}" y="${y + 14}" class="value">${ratio.toFixed(2)}x</text>`);
  y += rowHeight;
}
const height = y + 40;
const ticks = [0.5, 1, 2, 5, 10, 20, 50].filter((t) => t >= minRatio && t <= maxRatio);
const axis = ticks
  .map((t) => {
    const x = (labelWidth + scale(t)).toFixed(1);
    return (
      `<line x1="${x}" y1="30" x2="${x}" y2="${y + 4}" class="${t === 1 ? 'one' : 'grid'}"/>` +
      `<text x="${x}" y="${y + 20}" class="tick">${t}x</text>`
    );
  })
  .join('');

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<style>
  .title { font-size: 16px; font-weight: bold; }
  .group { font-size: 13px; font-weight: bold; fill: #222; }
  .label { font-size: 12px; text-anchor: end; fill: #333; }
  .value { font-size: 12px; fill: #333; }
  .tick { font-size: 11px; text-anchor: middle; fill: #666; }
  .grid { stroke: #ddd; }
  .one { stroke: #444; stroke-dasharray: 3 3; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="22" class="title">oxws vs what it replaces, per CPU-second (log scale; right of the dashed 1x line: oxws ahead)</text>
${axis}
${parts.join('\n')}
</svg>
`;
fs.mkdirSync(path.dirname(output), { recursive: true });
fs.writeFileSync(output, svg);
console.log(`wrote ${path.relative(root, output)} (${rows.length} bars)`);
