/**
 * cvarQp at scale: a long-only portfolio of n = 100 assets with a CVaR limit on m return scenarios,
 * m = 10³ … 10⁶, solved by cvarQp; wall time of the setup (A into WASM memory, AᵀA, factorisation)
 * and of the iterations, iteration counts, time per iteration, and the certificate at the end.
 * Writes docs/experiments/cvar-qp-scaling.{json,svg}.
 *
 * node scripts/cvar-qp.mjs [--quick] [--out docs/experiments]
 *   --quick: m up to 10⁵ (a smoke run).
 *
 * Scenario model (seeded): returns rᵢ = μ + L·fᵢ + εᵢ with 3 factors fᵢ whose entries are Student-t
 * with 4 degrees of freedom (heavy tails, scaled to unit variance), loadings L ~ N(0, 0.01²), idiosyncratic
 * εᵢ ~ N(0, diag(s²)), s between 1 % and 4 %, μ between 0.05 % and 0.35 % (higher mean, higher s).
 * Problem: minimise γ·xᵀΣx − μᵀx (Σ = LLᵀ + diag(s²), the model covariance, γ = 1) subject to
 * CVaR_0.95(−Rx) ≤ κ, Σx = 1, 0 ≤ x ≤ 0.1. κ is 0.7 times the CVaR of the solution without the limit
 * on the 10⁴-scenario draw, the same for every m, so the limit binds at every size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocF64, cvarQp, init, memoryStats, rng, type CvarQpProblem, type CvarQpResult, type F64Buffer } from '../bindings/index.js';
import { lineFigure } from '../bindings/plot/svg.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
// --sizes 1e6,3e5: only these m (the rows written are those run); --max-iter N: an iteration budget
// (a memory/time-per-iteration probe: the run then ends unconverged)
const maxIter = args.includes('--max-iter') ? Number(args[args.indexOf('--max-iter') + 1]) : undefined;
const sizes = args.includes('--sizes') ? args[args.indexOf('--sizes') + 1]!.split(',').map(Number) : quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 3e5, 1e6];
const n = 100;
const beta = 0.95;
const FACTORS = 3;

await init();

// the asset model, fixed (seed 1)
const g = rng(1);
const L = g.normal(n * FACTORS).map((v) => 0.01 * v);
const u = g.uniform(n);
const s = Float64Array.from({ length: n }, (_, j) => 0.01 + 0.03 * (j / (n - 1)) * (0.75 + 0.5 * u[j]!));
const mu = Float64Array.from({ length: n }, (_, j) => 0.0005 + 0.003 * (s[j]! - 0.01) / 0.03);
const Sigma = new Float64Array(n * n);
for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
  let v = a === b ? s[a]! ** 2 : 0;
  for (let f = 0; f < FACTORS; f++) v += L[a * FACTORS + f]! * L[b * FACTORS + f]!;
  Sigma[a * n + b] = v;
}
const P = Sigma.map((v) => 2 * v); // ½xᵀPx = γ·xᵀΣx with γ = 1
const q = mu.map((v) => -v);
const B = new Float64Array((n + 1) * n);
for (let j = 0; j < n; j++) { B[j] = 1; B[(j + 1) * n + j] = 1; }
const l = new Float64Array(n + 1);
const ub = new Float64Array(n + 1).fill(0.1);
l[0] = 1;
ub[0] = 1;

/** Student-t with 4 degrees of freedom scaled to unit variance: z/√(χ²₄/4)·√(1/2). */
function studentT(gen: ReturnType<typeof rng>, count: number): Float64Array {
  const z = gen.normal(count);
  const c = gen.normal(4 * count);
  return z.map((v, i) => {
    let chi = 0;
    for (let k = 0; k < 4; k++) chi += c[4 * i + k]! ** 2;
    return (v / Math.sqrt(chi / 4)) * Math.SQRT1_2;
  });
}

/** The m × n loss matrix A = −R in WASM memory, drawn in blocks (seed 100 + m). */
function scenarios(m: number): F64Buffer {
  const A = allocF64(m * n);
  const gen = rng(100 + m);
  const block = 10000;
  for (let start = 0; start < m; start += block) {
    const rows = Math.min(block, m - start);
    const f = studentT(gen, rows * FACTORS);
    const e = gen.normal(rows * n);
    const out = new Float64Array(rows * n);
    for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) {
      let r = mu[j]! + s[j]! * e[i * n + j]!;
      for (let k = 0; k < FACTORS; k++) r += L[j * FACTORS + k]! * f[i * FACTORS + k]!;
      out[i * n + j] = -r;
    }
    A.set(out, start * n);
  }
  return A;
}

const problem = (A: F64Buffer, m: number, kappa: number): CvarQpProblem => ({
  P: { data: P, rows: n, cols: n }, q, A: { data: A, rows: m, cols: n }, beta, kappa,
  B: { data: B, rows: n + 1, cols: n }, l, u: ub,
});

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
const svg = lineFigure({
  title: `cvarQp on a ${n}-asset portfolio with a CVaR_${beta} limit: wall time against the number of scenarios`,
  columns: 2,
  width: 960,
  panels: [
    {
      title: 'wall time', x: { label: 'scenarios m', scale: 'log' }, y: { label: 'seconds', scale: 'log' },
      series: [
        { name: 'setup (A into WASM, AᵀA, Cholesky)', x: ms, y: rows.map((r) => (r.setupMs as number) / 1000) },
        { name: 'iterations', x: ms, y: rows.map((r) => (r.solveMs as number) / 1000) },
      ],
    },
    {
      title: 'per iteration', x: { label: 'scenarios m', scale: 'log' }, y: { label: 'ms per ADMM iteration', scale: 'log' },
      series: [{ name: 'ms per iteration', x: ms, y: rows.map((r) => r.msPerIteration as number) }],
    },
  ],
  caption: `Factor model with Student-t(4) factors, seeds 100 + m; minimise xᵀΣx − μᵀx s.t. CVaR ≤ κ = ${kappa!.toFixed(4)}, Σx = 1, 0 ≤ x ≤ 0.1; default options (tolerances 1e-7 absolute, 1e-6 relative). One run per m on a shared 2-core machine.`,
});
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'cvar-qp-scaling.json'), JSON.stringify({ command: `node scripts/cvar-qp.mjs${quick ? ' --quick' : ''}`, n, beta, kappa: kappa!, rows }, null, 1) + '\n');
writeFileSync(join(outDir, 'cvar-qp-scaling.svg'), svg);
process.stderr.write(`wrote ${join(outDir, 'cvar-qp-scaling.json')} and .svg\n`);
