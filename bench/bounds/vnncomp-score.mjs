// Scores `proxkit verify-batch` results CSVs against a VNN-COMP expected-answers file.
//
//   node bench/bounds/vnncomp-score.mjs <expected.json> <results.csv>... [--markdown] [--json out.json] [--svg out.svg]
//
// expected.json: { instances: { "<benchmark>/<network>-<property>": { expected, tool_answers,
// tool_times_s, timeout, ... } } } (the format of the development set's expected.json). Per benchmark it
// prints: instances, decided (sat or unsat), wrong (a verdict that contradicts a sat/unsat
// expectation), decided among the instances some competition tool decided, median time of the decided
// instances, and the same counts for α,β-CROWN's 2022 answers as the file records them. --json writes
// the same numbers (and every instance's result) to a file; --svg draws decided counts per benchmark.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const markdown = args.includes('--markdown');
const valueOf = (flag) => {
  const i = args.indexOf(flag);
  if (i < 0) return null;
  const v = args[i + 1];
  if (!v) {
    console.error(`${flag} needs a file name`);
    process.exit(2);
  }
  args.splice(i, 2);
  return v;
};
const jsonOut = valueOf('--json');
const svgOut = valueOf('--svg');
const [expectedPath, ...csvs] = args.filter((a) => a !== '--markdown');
if (!expectedPath || csvs.length === 0) {
  console.error('usage: node bench/bounds/vnncomp-score.mjs <expected.json> <results.csv>... [--markdown]');
  process.exit(2);
}
const expected = JSON.parse(readFileSync(expectedPath, 'utf8')).instances;
const stem = (p, ext) => basename(p).replace(new RegExp(`\\.${ext}(\\.gz)?$`), '');
const median = (v) => {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};
const tool = 'alpha_beta_crown';
const table = [];
for (const csv of csvs) {
  const lines = readFileSync(csv, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const stats = { benchmark: '', csv, n: 0, decided: 0, sat: 0, unsat: 0, wrong: 0, decidable: 0, decidedOfDecidable: 0, times: [], missing: 0, ab: { decided: 0, wrong: 0, times: [] }, rows: [] };
  for (const line of lines) {
    const [benchmark, onnx, vnnlib, , result, runTime] = line.split(',');
    stats.benchmark = benchmark;
    const key = `${benchmark}/${stem(onnx, 'onnx')}-${stem(vnnlib, 'vnnlib')}`;
    const e = expected[key];
    if (!e) {
      stats.missing++;
      continue;
    }
    stats.n++;
    stats.rows.push({ instance: key, expected: e.expected, result, runTime: Number(runTime), alphaBetaCrown2022: e.tool_answers?.[tool] ?? null });
    const decidable = e.expected === 'sat' || e.expected === 'unsat';
    if (decidable) stats.decidable++;
    if (result === 'sat' || result === 'unsat') {
      stats.decided++;
      stats[result]++;
      stats.times.push(Number(runTime));
      if (decidable && result !== e.expected) stats.wrong++;
      if (decidable) stats.decidedOfDecidable++;
    }
    const a = e.tool_answers?.[tool];
    if (a === 'sat' || a === 'unsat') {
      stats.ab.decided++;
      if (decidable && a !== e.expected) stats.ab.wrong++;
      if (e.tool_times_s?.[tool] !== undefined) stats.ab.times.push(e.tool_times_s[tool]);
    }
  }
  table.push(stats);
}
const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
if (markdown) {
  console.log('| benchmark | instances | decided (sat + unsat) | of those some 2022 tool decided | wrong | median time of decided (s) | α,β-CROWN 2022: decided | wrong | median time (s) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const s of table) {
    console.log(`| ${s.benchmark} | ${s.n} | ${s.decided} (${s.sat} + ${s.unsat}) | ${s.decidedOfDecidable} / ${s.decidable} | ${s.wrong} | ${f(median(s.times))} | ${s.ab.decided} | ${s.ab.wrong} | ${f(median(s.ab.times))} |`);
  }
} else {
  for (const s of table) {
    console.log(`${s.benchmark}: ${s.n} instances, decided ${s.decided} (sat ${s.sat}, unsat ${s.unsat}), ${s.decidedOfDecidable}/${s.decidable} of those some tool decided, wrong ${s.wrong}, median ${f(median(s.times))} s; ${tool} 2022: decided ${s.ab.decided}, wrong ${s.ab.wrong}, median ${f(median(s.ab.times))} s${s.missing ? `; ${s.missing} rows not in expected.json` : ''}`);
  }
}

if (jsonOut) {
  const out = table.map(({ times, ab, ...s }) => ({ ...s, medianTime: median(times), alphaBetaCrown2022: { decided: ab.decided, wrong: ab.wrong, medianTime: median(ab.times) } }));
  writeFileSync(jsonOut, `${JSON.stringify({ expected: expectedPath, benchmarks: out }, null, 1)}\n`);
}
if (svgOut) {
  // grouped bars: instances, decided here, decided by α,β-CROWN in 2022, per benchmark
  const W = 160 * table.length + 80, H = 260, base = 210, top = Math.max(...table.map((s) => s.n), 1);
  const bar = (x, v, fill, label) =>
    `<rect x="${x}" y="${base - (170 * v) / top}" width="30" height="${(170 * v) / top}" fill="${fill}"><title>${label}: ${v}</title></rect>` +
    `<text x="${x + 15}" y="${base - (170 * v) / top - 4}" font-size="11" text-anchor="middle">${v}</text>`;
  const groups = table.map((s, i) => {
    const x = 60 + 160 * i;
    return bar(x, s.n, '#bbbbbb', 'instances') + bar(x + 34, s.decided, '#1f77b4', 'decided (proxkit)') + bar(x + 68, s.ab.decided, '#ff7f0e', 'decided (α,β-CROWN 2022)') +
      `<text x="${x + 49}" y="${base + 16}" font-size="12" text-anchor="middle">${s.benchmark}</text>`;
  });
  const legend = [['#bbbbbb', 'instances'], ['#1f77b4', 'decided by proxkit'], ['#ff7f0e', 'decided by α,β-CROWN (2022 results)']]
    .map(([c, t], i) => `<rect x="${60 + 190 * i}" y="236" width="10" height="10" fill="${c}"/><text x="${74 + 190 * i}" y="245" font-size="11">${t}</text>`);
  writeFileSync(svgOut, `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(W, 640)}" height="${H}" font-family="sans-serif"><text x="10" y="18" font-size="13">VNN-COMP 2022 development instances: decided (sat + unsat)</text><line x1="50" y1="${base}" x2="${Math.max(W, 640) - 10}" y2="${base}" stroke="#000"/>${groups.join('')}${legend.join('')}</svg>\n`);
}
