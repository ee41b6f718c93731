// Scores `proxkit verify-batch` results CSVs against a VNN-COMP expected-answers file.
//
//   node bench/bounds/vnncomp-score.mjs <expected.json> <results.csv>... [--markdown]
//
// expected.json: { instances: { "<benchmark>/<network>-<property>": { expected, tool_answers,
// tool_times_s, timeout, ... } } } (the format of the development set's expected.json). Per benchmark it
// prints: instances, decided (sat or unsat), wrong (a verdict that contradicts a sat/unsat
// expectation), decided among the instances some competition tool decided, median time of the decided
// instances, and the same counts for α,β-CROWN's 2022 answers as the file records them.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const markdown = args.includes('--markdown');
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
  const stats = { benchmark: '', n: 0, decided: 0, sat: 0, unsat: 0, wrong: 0, decidable: 0, decidedOfDecidable: 0, times: [], missing: 0, ab: { decided: 0, wrong: 0, times: [] } };
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
