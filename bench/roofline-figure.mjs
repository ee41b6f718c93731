// node bench/roofline-figure.mjs REPORT.json OUT.svg [--keys simd,zeroCopy,raw,...] [--largest]
// Draws the roofline column of a bench report (npm run bench -- --json REPORT.json): one bar per rated
// candidate and size, its share of the roofline time (bench/roofline.ts), coloured by what bounds it
// (memory: the bandwidth probe of its level; compute: the mul+add peak), with marks at 70 % and 100 %.
import { readFileSync, writeFileSync } from 'node:fs';

const [file, out, ...rest] = process.argv.slice(2);
if (!file || !out) {
  console.error('usage: node bench/roofline-figure.mjs REPORT.json OUT.svg [--keys k1,k2] [--largest]');
  process.exit(2);
}
const ki = rest.indexOf('--keys');
const keysArg = ki >= 0 ? new Set(rest[ki + 1].split(',')) : null;
const report = JSON.parse(readFileSync(file, 'utf8'));
// --largest: only the largest size of each kernel
const largest = new Map();
for (const c of report.cases) largest.set(c.kernel, Math.max(largest.get(c.kernel) ?? 0, c.n));
const rows = [];
for (const c of report.cases) {
  if (rest.includes('--largest') && c.n !== largest.get(c.kernel)) continue;
  for (const r of c.candidates) {
    if (!r.roofline || (keysArg && !keysArg.has(r.key))) continue;
    const size = Object.entries(c.params).filter(([k]) => ['n', 'order', 'rows', 'problems', 'L', 'I', 'R', 'm', 'p'].includes(k)).map(([k, v]) => `${k}=${v}`).join(' ');
    rows.push({ label: `${c.kernel} · ${r.key} · ${size || `n=${c.n}`}`, pct: r.roofline.pct, bound: r.roofline.bound, probe: r.roofline.probe });
  }
}
const W = 980, left = 420, barW = 400, rowH = 16, top = 56;
const H = top + rows.length * rowH + 40;
const x = (p) => left + (Math.min(p, 150) / 150) * barW;
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const probes = report.roofline;
const bw = (o) => Object.entries(o).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
const parts = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
  `<rect width="${W}" height="${H}" fill="white"/>`,
  `<text x="10" y="18" font-size="13" font-weight="bold">Share of the roofline per candidate (${esc(report.date.slice(0, 10))}, ${esc(report.cpu)}, ${report.timer.clock === 'cpu' ? 'CPU time' : 'wall clock'})</text>`,
  `<text x="10" y="34">probes (GB/s): read ${esc(bw(probes.read))}; triad ${esc(bw(probes.triad))}; mul+add peak f64x2 ${probes.peak.f64.toFixed(1)}, f32x4 ${probes.peak.f32.toFixed(1)} GFLOP/s</text>`,
  `<text x="10" y="48"><tspan fill="#3b6fb6">■ memory-bound</tspan>  <tspan fill="#d08a2c">■ compute-bound</tspan>  (bar: roofline time / measured median; capped at 150 %)</text>`,
];
for (const p of [0, 70, 100, 150]) {
  parts.push(`<line x1="${x(p)}" y1="${top - 4}" x2="${x(p)}" y2="${top + rows.length * rowH}" stroke="${p === 70 || p === 100 ? '#888' : '#ddd'}" stroke-dasharray="${p === 70 ? '3,3' : ''}"/>`);
  parts.push(`<text x="${x(p)}" y="${top + rows.length * rowH + 14}" text-anchor="middle">${p} %</text>`);
}
rows.forEach((r, i) => {
  const y = top + i * rowH;
  parts.push(`<text x="${left - 6}" y="${y + 11}" text-anchor="end">${esc(r.label)}</text>`);
  parts.push(`<rect x="${left}" y="${y + 2}" width="${x(r.pct) - left}" height="${rowH - 4}" fill="${r.bound === 'memory' ? '#3b6fb6' : '#d08a2c'}"/>`);
  parts.push(`<text x="${x(r.pct) + 4}" y="${y + 11}">${r.pct.toFixed(0)} % of ${esc(r.probe)}</text>`);
});
parts.push('</svg>');
writeFileSync(out, parts.join('\n') + '\n');
console.log(`wrote ${out} (${rows.length} bars)`);
