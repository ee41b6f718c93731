/**
 * The sketched Newton–KKT solves on a problem with a closed form: the point of the circle
 * {Σx = 1, ‖x‖² = 1} in ℝⁿ nearest to a seeded N(0, I) point, from x0 = 1/n + 0.5e₁ (the playground's
 * constrained panel). For n ∈ {5, 10, 20, 30, 40, 80} and seeds 1–5, exactAugmentedLagrangian with exact
 * (LU) solves and with Gaussian, count and row sketches (default sketch size ⌈(n + 2)/4⌉, tol 1e-10):
 * converged or not, Newton iterations, total and largest per-step inner iterations, the distance to the
 * closed form and the wall time. Then, at n = 30, the Gaussian sketch at sketch sizes 2–32.
 * Writes docs/experiments/constrained-circle.{json,svg}.
 *
 * node scripts/run-experiment.mjs constrained-circle [--quick] [--out docs/experiments]
 *   --quick: n ∈ {5, 30}, seeds 1–2.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exactAugmentedLagrangian, init, type ExactAugmentedLagrangianOptions } from '../bindings/index.js';
import { lineFigure } from '../bindings/plot/svg.js';
import { circleProblem } from '../test/constrained/circle.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
await init();


type Row = { n: number; seed: number; solver: string; sketchSize: number; converged: boolean; iterations: number; inner: number; maxInner: number; distance: number; seconds: number };
function run(n: number, seed: number, solver: string, extra: ExactAugmentedLagrangianOptions = {}): Row {
  const { problem, truth, x0 } = circleProblem(n, seed);
  const opts: ExactAugmentedLagrangianOptions = solver === 'exact' ? { solver: 'exact' } : { solver: 'sketch', sketch: solver as 'gaussian' | 'count' | 'rows' };
  const t0 = performance.now();
  const r = exactAugmentedLagrangian(problem, { x0, tol: 1e-10, seed, ...opts, ...extra });
  const seconds = (performance.now() - t0) / 1000;
  const inner = r.history.reduce((s, h) => s + h.innerIterations, 0);
  const maxInner = r.history.reduce((s, h) => Math.max(s, h.innerIterations), 0);
  const distance = Math.sqrt(r.x.reduce((s, v, i) => s + (v - truth[i]!) ** 2, 0));
  return { n, seed, solver, sketchSize: extra.sketchSize ?? Math.ceil((n + 2) / 4), converged: r.converged, iterations: r.iterations, inner, maxInner, distance, seconds };
}

const sizes = quick ? [5, 30] : [5, 10, 20, 30, 40, 80];
const seeds = quick ? [1, 2] : [1, 2, 3, 4, 5];
const solvers = ['exact', 'gaussian', 'count', 'rows'];
const rows: Row[] = [];
for (const n of sizes) {
  for (const solver of solvers) {
    for (const seed of seeds) rows.push(run(n, seed, solver));
    const mine = rows.filter((r) => r.n === n && r.solver === solver);
    const med = (f: (r: Row) => number) => mine.map(f).sort((a, b) => a - b)[mine.length >> 1]!;
    console.log(`n = ${String(n).padEnd(3)} ${solver.padEnd(8)} converged ${mine.filter((r) => r.converged).length}/${mine.length}  iterations ${mine.map((r) => r.iterations).join(' ')}  inner (median) ${med((r) => r.inner)}  largest per step ${Math.max(...mine.map((r) => r.maxInner))}  worst distance ${Math.max(...mine.map((r) => r.distance)).toExponential(1)}  seconds ${mine.map((r) => r.seconds.toFixed(2)).join(' ')}`);
  }
}
const sketchSizes = quick ? [2, 8] : [2, 4, 8, 16, 32];
const sizeRows: Row[] = [];
for (const s of sketchSizes) {
  for (const seed of seeds) sizeRows.push(run(30, seed, 'gaussian', { sketchSize: s }));
  const mine = sizeRows.filter((r) => r.sketchSize === s);
  console.log(`n = 30 gaussian sketch size ${String(s).padEnd(2)} converged ${mine.filter((r) => r.converged).length}/${mine.length}  iterations ${mine.map((r) => r.iterations).join(' ')}  inner ${mine.map((r) => r.inner).join(' ')}  seconds ${mine.map((r) => r.seconds.toFixed(2)).join(' ')}`);
}

mkdirSync(outDir, { recursive: true });
const name = quick ? 'constrained-circle-quick' : 'constrained-circle';
const command = `node scripts/run-experiment.mjs constrained-circle${quick ? ' --quick' : ''}`;
writeFileSync(join(outDir, `${name}.json`), JSON.stringify({ command, sizes, seeds, rows, sketchSizeRows: sizeRows }, null, 1) + '\n');
const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
const svg = lineFigure({
  title: 'Nearest point of a circle in ℝⁿ: exact augmented Lagrangian with exact and sketched Newton–KKT solves (median over seeds)',
  columns: 2,
  width: 900,
  panels: [
    {
      title: 'inner (sketch-and-project) iterations, all Newton steps together',
      x: { label: 'n' },
      y: { label: 'inner iterations', scale: 'log' as const },
      series: solvers.filter((s) => s !== 'exact').map((s) => ({ name: s, x: sizes, y: sizes.map((n) => median(rows.filter((r) => r.n === n && r.solver === s).map((r) => Math.max(r.inner, 1)))) })),
    },
    {
      title: 'Newton iterations to KKT residual 1e-10',
      x: { label: 'n' },
      y: { label: 'iterations' },
      series: solvers.map((s) => ({ name: s, x: sizes, y: sizes.map((n) => median(rows.filter((r) => r.n === n && r.solver === s).map((r) => r.iterations))) })),
    },
  ],
  caption: `min ‖x − p‖² s.t. Σx = 1, ‖x‖² = 1, p ~ N(0, I) seeded, x0 = 1/n + 0.5e₁; default sketch size ⌈(n + 2)/4⌉. Produced by ${command}.`,
});
writeFileSync(join(outDir, `${name}.svg`), svg);
console.log(`wrote ${join(outDir, `${name}.json`)} and .svg`);
