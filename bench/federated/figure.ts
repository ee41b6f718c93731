/**
 * Draws docs/experiments/fed-bench.svg from a bench JSON of the federated cases (fedRound, gossipProx):
 *   npx esbuild bench/federated/figure.ts --bundle --platform=node --format=esm --outfile=build/fed-bench-figure.mjs \
 *     && node build/fed-bench-figure.mjs docs/experiments/fed-bench.json docs/experiments/fed-bench.svg
 * Medians with the interquartile range left out: the figure shows where each path stands, the JSON keeps
 * every sample.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { lineFigure, type Series } from '../../bindings/plot/svg.js';

interface Candidate { key: string; name: string; median: number }
interface Case { kernel: string; n: number; params: Record<string, number>; candidates: Candidate[] }

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: node fed-bench-figure.mjs <bench.json> <out.svg>');
const run = JSON.parse(readFileSync(input, 'utf8')) as { date: string; mode: string; cases: Case[] };
const of = (kernel: string) => run.cases.filter((c) => c.kernel === kernel).sort((a, b) => a.n - b.n);
const series = (cases: Case[], x: (c: Case) => number, y: (c: Case, m: number) => number): Series[] => {
  const keys = [...new Set(cases.flatMap((c) => c.candidates.map((k) => k.key)))];
  return keys.map((key) => {
    const rows = cases.map((c) => [c, c.candidates.find((k) => k.key === key)!] as const);
    return { name: rows[0]![1].name, x: rows.map(([c]) => x(c)), y: rows.map(([c, k]) => y(c, k.median)) };
  });
};
const rounds = of('fedRound');
const gossip = of('gossipProx');
// the three round workloads in order: digits 1 epoch, synthetic 2 epochs, synthetic 20 epochs
const workload = (c: Case) => c.params.rows! * c.params.epochs!;
writeFileSync(output, lineFigure({
  title: `Federated bench (${run.mode} run, ${run.date.slice(0, 10)}, 2 cores shared with other jobs)`,
  panels: [
    { title: 'one round, 100 clients', x: { label: 'rows × local epochs', scale: 'log' }, y: { label: 'seconds per round', scale: 'log' }, series: series(rounds, workload, (_c, m) => m) },
    { title: 'gossip + ℓ1 prox, 16-node ring', x: { label: 'entries per node', scale: 'log' }, y: { label: 'µs per node', scale: 'log' }, series: series(gossip, (c) => c.params.perNode!, (_c, m) => (m / 16) * 1e6) },
  ],
  columns: 2,
  caption: 'Medians of interleaved rounds. Left: the digits with 1 local epoch, then FedProx synthetic(1, 1) with 2 and 20 epochs; the pool has 2 worker threads. Right: WASM gossip and prox kernels through the public API against the same loops in plain TS.',
}));
console.log(`wrote ${output}`);
