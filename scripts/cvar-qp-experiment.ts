/**
 * cvarQp at scale: a long-only portfolio of n = 100 assets with a CVaR limit on m return scenarios,
 * m = 10³ … 10⁶, solved by cvarQp; wall time of the setup (A into WASM memory, AᵀA, factorisation)
 * and of the iterations, iteration counts, time per iteration, and the certificate at the end.
 * Writes docs/experiments/cvar-qp-scaling.{json,svg}.
 *
 * node scripts/cvar-qp.mjs [--quick] [--out docs/experiments]
 *   --quick: m up to 10⁵ (a smoke run).
 *   --figure: only redraw the SVG from the JSON already in --out (no solve).
 *
 * Scenario model and problem: bench/cvar/qp-portfolio.ts (a 3-factor model with Student-t(4) factors;
 * minimise xᵀΣx − μᵀx subject to CVaR_0.95(−Rx) ≤ κ, Σx = 1, 0 ≤ x ≤ 0.1). κ is 0.7 times the CVaR of the
 * solution without the limit on the 10⁴-scenario draw, the same for every m, so the limit binds at every size.
 * The JSON also holds the least-squares slopes of log time against log m (setup, iterations, total).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cvarQp, init, memoryStats, type CvarQpProblem, type CvarQpResult, type F64Buffer } from '../bindings/index.js';
import { lineFigure } from '../bindings/plot/svg.js';
import { factorPortfolio } from '../bench/cvar/qp-portfolio.js';

/** The scaling figure: setup and iteration time, iteration count and time per iteration against m. */
function scalingFigure(rows: Record<string, unknown>[], kappa: number, n: number, beta: number): string {
  const ms = rows.map((r) => r.m as number);
  return lineFigure({
    title: `cvarQp on a ${n}-asset portfolio with a CVaR_${beta} limit: wall time against the number of scenarios`,
    columns: 3,
    width: 1200,
    panels: [
      {
        title: 'wall time', x: { label: 'scenarios m', scale: 'log' }, y: { label: 'seconds', scale: 'log' },
        series: [
          { name: 'setup (A into WASM, AᵀA, Cholesky)', x: ms, y: rows.map((r) => (r.setupMs as number) / 1000) },
          { name: 'all iterations', x: ms, y: rows.map((r) => (r.solveMs as number) / 1000) },
        ],
      },
      {
        title: 'ADMM iterations to the stopping test', x: { label: 'scenarios m', scale: 'log' }, y: { label: 'iterations', zero: true },
        series: [{ name: 'iterations', x: ms, y: rows.map((r) => r.iterations as number) }],
      },
      {
        title: 'per iteration', x: { label: 'scenarios m', scale: 'log' }, y: { label: 'ms per ADMM iteration', scale: 'log' },
        series: [{ name: 'ms per iteration', x: ms, y: rows.map((r) => r.msPerIteration as number) }],
      },
    ],
    caption: `Factor model with Student-t(4) factors, seeds 100 + m; minimise xᵀΣx − μᵀx s.t. CVaR ≤ κ = ${kappa.toFixed(4)}, Σx = 1, 0 ≤ x ≤ 0.1; default options (tolerances 1e-7 absolute, 1e-6 relative; the CVaR block's residual in ‖r‖_β = CVaR_β(|r|)). One run per m on a shared 2-core machine.`,
  });
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
if (args.includes('--figure')) {
  const saved = JSON.parse(readFileSync(join(outDir, 'cvar-qp-scaling.json'), 'utf8')) as { n: number; beta: number; kappa: number; rows: Record<string, unknown>[] };
  writeFileSync(join(outDir, 'cvar-qp-scaling.svg'), scalingFigure(saved.rows, saved.kappa, saved.n, saved.beta));
  process.stderr.write(`redrew ${join(outDir, 'cvar-qp-scaling.svg')} from the JSON\n`);
  process.exit(0);
}
// --sizes 1e6,3e5: only these m (the rows written are those run); --max-iter N: an iteration budget
// (a memory/time-per-iteration probe: the run then ends unconverged)
const maxIter = args.includes('--max-iter') ? Number(args[args.indexOf('--max-iter') + 1]) : undefined;
const sizes = args.includes('--sizes') ? args[args.indexOf('--sizes') + 1]!.split(',').map(Number) : quick ? [1e3, 1e4, 1e5] : [1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6];
const n = 100;
const beta = 0.95;
await init();
const pf = factorPortfolio(n);
const scenarios = pf.scenarios;
const problem = (A: F64Buffer, m: number, kappa: number): CvarQpProblem => pf.problem(A, m, beta, kappa);

// κ from the 10⁴-scenario draw: 0.7 × the CVaR of the optimum without the limit
let kappa: number;
{
  const A = scenarios(1e4);
  try {
    const free = cvarQp(problem(A, 1e4, 1e3));
    kappa = 0.7 * free.cvar;
    process.stderr.write(`pilot: without the limit CVaR_${beta} = ${free.cvar.toFixed(5)} (${free.iterations} iterations); κ = ${kappa.toFixed(5)}\n`);
  } finally {
    A.free();
  }
}

const rows: Record<string, unknown>[] = [];
for (const m of sizes) {
  const t0 = performance.now();
  const A = scenarios(m);
  const drawMs = performance.now() - t0;
  let r: CvarQpResult;
  // memory while the problem is live: WASM linear memory and its live allocations (A, the iterates),
  // read from inside the run; the process's peak resident set after it
  let wasmBytes = 0, liveBytes = 0;
  try {
    r = cvarQp(problem(A, m, kappa), { ...(maxIter === undefined ? {} : { maxIter }), onProgress: (p) => { if (p.iteration === 1) ({ memoryBytes: wasmBytes, allocatedBytes: liveBytes } = memoryStats()); } });
  } finally {
    A.free();
  }
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const perIter = r.timeMs.solve / Math.max(1, r.iterations);
  const row = {
    m, n, beta, kappa, drawMs, setupMs: r.timeMs.setup, solveMs: r.timeMs.solve, iterations: r.iterations, msPerIteration: perIter,
    converged: r.converged, objective: r.objective, cvar: r.cvar, cvarMultiplier: r.cvarMultiplier, rho: r.rho, factorizations: r.factorizations,
    kkt: r.kkt, primalResidual: r.primalResidual, dualResidual: r.dualResidual,
    invested: r.x.reduce((a, v) => a + v, 0), holdings: r.x.filter((v) => v > 1e-6).length,
    wasmMemoryMB: wasmBytes / 2 ** 20, wasmLiveMB: liveBytes / 2 ** 20, peakRssMB,
  };
  rows.push(row);
  process.stderr.write(`m = ${m}: ${r.converged ? 'converged' : r.stopped} in ${r.iterations} iterations; setup ${(r.timeMs.setup / 1000).toFixed(2)} s, solve ${(r.timeMs.solve / 1000).toFixed(2)} s (${perIter.toFixed(1)} ms/iteration); CVaR ${r.cvar.toFixed(5)} (κ ${kappa.toFixed(5)}), objective ${r.objective.toExponential(4)}, stationarity ${r.kkt.stationarity.toExponential(1)}; WASM memory ${(wasmBytes / 2 ** 20).toFixed(0)} MiB (${(liveBytes / 2 ** 20).toFixed(0)} live), peak RSS ${peakRssMB.toFixed(0)} MiB\n`);
}

const ms = rows.map((r) => r.m as number);
/** Least-squares slope of log y against log m: time ∝ m^slope. */
const slope = (ys: number[]): number => {
  const lx = ms.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length, my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < lx.length; i++) { sxy += (lx[i]! - mx) * (ly[i]! - my); sxx += (lx[i]! - mx) ** 2; }
  return sxy / sxx;
};
const exponents = ms.length < 2 ? null : {
  setup: slope(rows.map((r) => r.setupMs as number)),
  iterations: slope(rows.map((r) => r.solveMs as number)),
  total: slope(rows.map((r) => (r.setupMs as number) + (r.solveMs as number))),
  iterationCount: slope(rows.map((r) => r.iterations as number)),
};
if (exponents) process.stderr.write(`time ∝ m^p: setup p = ${exponents.setup.toFixed(2)}, iterations p = ${exponents.iterations.toFixed(2)}, total p = ${exponents.total.toFixed(2)}; iteration count ∝ m^${exponents.iterationCount.toFixed(2)}\n`);
const svg = scalingFigure(rows, kappa!, n, beta);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'cvar-qp-scaling.json'), JSON.stringify({ command: `node scripts/cvar-qp.mjs${quick ? ' --quick' : ''}`, n, beta, kappa: kappa!, exponents, rows }, null, 1) + '\n');
writeFileSync(join(outDir, 'cvar-qp-scaling.svg'), svg);
process.stderr.write(`wrote ${join(outDir, 'cvar-qp-scaling.json')} and .svg\n`);
