/**
 * cvarQp's two x-step solvers against the number of assets n (the CG option's "when to choose it"):
 * m scenarios of n assets from a one-factor model with unit-variance noise scaled by 2 % (A = −R), a
 * long-only budget portfolio with 0 ≤ x ≤ 5/n, P = 2·diag(s²) (the idiosyncratic variances; the factor
 * variance stays in the scenarios), q = −μ, CVaR_0.95 limit at 0.8 × that of the equal-weight portfolio.
 * Writes docs/experiments/cvar-qp-cg.json: per (n, m) and solver the setup and iteration times, ADMM
 * iterations, CG steps and the objectives (which must agree to the tolerance).
 *
 * node bench/cvar/run.mjs qp-cg [--quick]   (--quick: n = 100, 300 only)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { allocF64, cvarQp, init, rng } from '../../bindings/index.js';

const quick = process.argv.includes('--quick');
const cases: [n: number, m: number][] = quick ? [[100, 5000], [300, 5000]] : [[100, 20000], [300, 20000], [1000, 20000], [2000, 10000]];
await init();

const rows: Record<string, unknown>[] = [];
for (const [n, m] of cases) {
  const g = rng(7000 + n);
  const load = g.normal(n).map((v) => 0.01 + 0.005 * v);
  const s = Float64Array.from(g.uniform(n), (u) => 0.01 + 0.03 * u);
  const mu = s.map((v) => 0.1 * v);
  const A = allocF64(m * n);
  const gen = rng(8000 + n + m);
  const block = 2000;
  for (let start = 0; start < m; start += block) {
    const rows_ = Math.min(block, m - start);
    const f = gen.normal(rows_), e = gen.normal(rows_ * n);
    const out = new Float64Array(rows_ * n);
    for (let i = 0; i < rows_; i++) for (let j = 0; j < n; j++) out[i * n + j] = -(mu[j]! + load[j]! * f[i]! + s[j]! * e[i * n + j]!);
    A.set(out, start * n);
  }
  const P = new Float64Array(n * n);
  for (let j = 0; j < n; j++) P[j * n + j] = 2 * s[j]! ** 2;
  const B = new Float64Array((n + 1) * n);
  for (let j = 0; j < n; j++) { B[j] = 1; B[(j + 1) * n + j] = 1; }
  const l = new Float64Array(n + 1), u = new Float64Array(n + 1).fill(5 / n);
  l[0] = 1; u[0] = 1;
  // κ: 0.8 × the CVaR of the equal-weight portfolio (losses sorted here)
  const losses = new Float64Array(m);
  { const Av = A.view(); for (let i = 0; i < m; i++) { let v = 0; for (let j = 0; j < n; j++) v += Av[i * n + j]!; losses[i] = v / n; } }
  losses.sort();
  const k = Math.round(0.05 * m);
  let tailSum = 0;
  for (let i = m - k; i < m; i++) tailSum += losses[i]!;
  const kappa = 0.8 * (tailSum / k);
  const problem = { P: { data: P, rows: n, cols: n }, q: mu.map((v) => -v), A: { data: A, rows: m, cols: n }, beta: 0.95, kappa, B: { data: B, rows: n + 1, cols: n }, l, u };
  for (const linearSolver of ['cholesky', 'cg'] as const) {
    const t0 = performance.now();
    const r = cvarQp(problem, { linearSolver });
    const wall = performance.now() - t0;
    const row = { n, m, linearSolver, setupMs: r.timeMs.setup, solveMs: r.timeMs.solve, wallMs: wall, iterations: r.iterations, cgIterations: r.cgIterations, converged: r.converged, objective: r.objective, cvar: r.cvar, kappa, stationarity: r.kkt.stationarity };
    rows.push(row);
    process.stderr.write(`n = ${n}, m = ${m}, ${linearSolver}: ${r.converged ? 'converged' : r.stopped} in ${r.iterations} iterations (${r.cgIterations} CG steps); setup ${(r.timeMs.setup / 1000).toFixed(2)} s, iterations ${(r.timeMs.solve / 1000).toFixed(2)} s; objective ${r.objective.toExponential(6)}, CVaR − κ ${(r.cvar - kappa).toExponential(1)}\n`);
  }
  A.free();
}
if (!quick) {
  mkdirSync('docs/experiments', { recursive: true });
  writeFileSync('docs/experiments/cvar-qp-cg.json', JSON.stringify({ command: 'node bench/cvar/run.mjs qp-cg', rows }, null, 1) + '\n');
  process.stderr.write('wrote docs/experiments/cvar-qp-cg.json\n');
}
