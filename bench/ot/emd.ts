/**
 * The ot family's exact-OT bench: emd (the public API: copies M in, solves, returns plan, cost and
 * duals) on dense n × n problems, n = 100, 500, 1000 for bench sizes 1e3, 1e5, 1e6. Points uniform
 * in [0, 1]², squared-Euclidean cost, random positive weights; fixed seeds. Before timing, the
 * result is certified optimal from outside (primal feasibility, dual feasibility f_i + g_j ≤ M_ij,
 * complementary slackness and a zero duality gap, all to 1e-12 relative); every timed call's plan
 * is then checked against that certified plan. At n = 100 the earlier exact solver (successive
 * shortest paths with a dense Dijkstra per augmentation, kept as emdShortestPaths) runs alongside.
 */
import { costMatrix, emd, rng } from '../../bindings/index.js';
import { emdShortestPaths } from '../../bindings/ot/emd.js';
import { runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';
import { randomHistogram } from './sinkhorn.js';

const SIDES: Record<number, number> = { 1e3: 100, 1e5: 500, 1e6: 1000 };

function certify(a: Float64Array, b: Float64Array, M: Float64Array, r: ReturnType<typeof emd>): void {
  const n = a.length;
  const m = b.length;
  const tol = 1e-12 * M.reduce((mx, c) => Math.max(mx, Math.abs(c)), 1);
  const rows = new Float64Array(n);
  const cols = new Float64Array(m);
  let dual = 0;
  for (let i = 0; i < n; i++) dual += a[i]! * r.f[i]!;
  for (let j = 0; j < m; j++) dual += b[j]! * r.g[j]!;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    const p = r.plan[i * m + j]!;
    const slack = M[i * m + j]! - r.f[i]! - r.g[j]!;
    if (p < 0 || slack < -tol || (p > 0 && Math.abs(slack) > tol)) throw new Error(`emd bench: not optimal at (${i}, ${j}): plan ${p}, slack ${slack}`);
    rows[i] = rows[i]! + p;
    cols[j] = cols[j]! + p;
  }
  for (let i = 0; i < n; i++) if (Math.abs(rows[i]! - a[i]!) > 1e-12) throw new Error(`emd bench: row ${i} marginal off by ${rows[i]! - a[i]!}`);
  for (let j = 0; j < m; j++) if (Math.abs(cols[j]! - b[j]!) > 1e-12) throw new Error(`emd bench: column ${j} marginal off by ${cols[j]! - b[j]!}`);
  if (Math.abs(dual - r.cost) > tol) throw new Error(`emd bench: duality gap ${dual - r.cost}`);
}

export function benchEmd(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const n = SIDES[size] ?? 100;
    const seed = 7300 + n;
    const g = rng(seed);
    const M = costMatrix(g.uniform(2 * n), g.uniform(2 * n), { dim: 2 });
    const a = randomHistogram(g, n);
    const b = randomHistogram(g, n);
    const first = emd(a, b, M);
    certify(a, b, M, first);
    let plan = first.plan;
    let old = first.plan;
    const candidates: CaseCandidate[] = [{ key: 'emd', name: 'emd (public API, network simplex in WASM)', call: () => { plan = emd(a, b, M).plan; }, poison: () => plan.fill(NaN), output: () => plan }];
    // The earlier solver (successive shortest paths, dense Dijkstra) only at n = 100: it takes ~8 s at n = 500.
    if (n <= 100) candidates.push({ key: 'ssp', name: 'earlier solver: successive shortest paths (WASM)', call: () => { old = emdShortestPaths(a, b, M).plan; }, poison: () => old.fill(NaN), output: () => old });
    return runCase(
      { kernel: 'emd', n: n * n, seed, params: { n, m: n } },
      candidates,
      [first.plan.slice()],
      n <= 100 ? { 'network simplex vs shortest paths': ['ssp', 'emd'] } : {},
      ctx.timer,
    );
  });
}
