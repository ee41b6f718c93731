/**
 * cvarQp against the general formulation: the same CVaR-limited portfolio as its Rockafellar–Uryasev lift
 * (variables x, t and one slack per scenario, 2m + 1 linear inequalities) solved by a dense primal-dual
 * interior-point method (test/cvar/qp-reference.ts, plain TS, Mehrotra predictor-corrector). CPU time of
 * each (cvarQp: median of 5 runs; the interior point: one run), and the agreement of their objectives, for n = 20 assets and m = 100 … 800 scenarios (quick: … 400).
 *
 * node bench/cvar/run.mjs qp-vs-lifted [--quick] [--out docs/experiments]
 *
 * The lifted problem's normal matrix is dense, (n + 1 + m)², so the interior-point method costs O(m³) per
 * Newton step: it stands for a general solver that does not exploit the structure, not for a sparse
 * commercial one. Scenarios: the portfolio of cvarQp's tests (test/cvar/portfolio.ts, seed 900 + m): a
 * common market factor and asset noise whose mean and spread grow with the asset index; minimise
 * ½xᵀPx − μᵀx (P the sample covariance + 0.01 I) subject to CVaR_0.9(−Rx) ≤ κ, Σx = 1, x ≥ 0, with κ
 * halfway between the CVaR of the unconstrained optimum and of equal weights.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cvar, cvarQp, init, type CvarQpProblem } from '../../bindings/index.js';
import { liftedQpReference } from '../../test/cvar/qp-reference.js';
import { portfolio } from '../../test/cvar/portfolio.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
const sizes = quick ? [100, 200, 400] : [100, 200, 400, 800];
const n = 20;
const beta = 0.9;

await init();
const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

const rows: Record<string, number>[] = [];
for (const m of sizes) {
  const pf = portfolio(900 + m, n, m);
  const problem = (kappa: number): CvarQpProblem => ({
    P: { data: pf.P, rows: n, cols: n }, q: pf.q, A: { data: pf.A, rows: m, cols: n }, beta, kappa,
    B: { data: pf.B, rows: pf.p, cols: n }, l: pf.l, u: pf.u,
  });
  const lossesOf = (x: ArrayLike<number>): Float64Array => Float64Array.from({ length: m }, (_, i) => { let v = 0; for (let j = 0; j < n; j++) v += pf.A[i * n + j]! * x[j]!; return v; });
  const free = cvarQp(problem(1e6), { absTol: 1e-10, relTol: 1e-10 });
  const kappa = 0.5 * (cvar(lossesOf(free.x), beta) + cvar(lossesOf(new Float64Array(n).fill(1 / n)), beta));
  // cvarQp: the median of 5 runs (a single run of a few ms is at the mercy of JIT and GC)
  const timed = <T>(f: () => T): [T, number] => {
    let out: T | undefined;
    const ts: number[] = [];
    for (let r = 0; r < 5; r++) { const t0 = cpuMs(); out = f(); ts.push(cpuMs() - t0); }
    ts.sort((a, b) => a - b);
    return [out!, ts[2]!];
  };
  const [admm, admmMs] = timed(() => cvarQp(problem(kappa)));
  const [admmTight, admmTightMs] = timed(() => cvarQp(problem(kappa), { absTol: 1e-9, relTol: 1e-9, maxIter: 100000 }));
  const t = cpuMs();
  const ip = liftedQpReference({ n, m, P: pf.P, q: pf.q, A: pf.A, beta, kappa, B: pf.B, p: pf.p, l: pf.l, u: pf.u });
  const ipMs = cpuMs() - t;
  const row = {
    m, n, kappa, admmMs, admmIterations: admm.iterations, admmObjective: admm.objective, admmTightMs, admmTightIterations: admmTight.iterations,
    ipMs, ipIterations: ip.iterations, ipObjective: ip.objective, ipResidual: ip.residual,
    relObjectiveDiff: Math.abs(admm.objective - ip.objective) / Math.abs(ip.objective),
    relObjectiveDiffTight: Math.abs(admmTight.objective - ip.objective) / Math.abs(ip.objective),
  };
  rows.push(row);
  process.stderr.write(`m = ${m}: cvarQp ${admmMs.toFixed(1)} ms (${admm.iterations} it), tight ${admmTightMs.toFixed(1)} ms (${admmTight.iterations} it); interior point ${ipMs.toFixed(0)} ms (${ip.iterations} it); |Δobjective|/|objective| ${row.relObjectiveDiff.toExponential(1)} (tight ${row.relObjectiveDiffTight.toExponential(1)})\n`);
}
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'cvar-qp-vs-lifted.json'), JSON.stringify({ command: `node bench/cvar/run.mjs qp-vs-lifted${quick ? ' --quick' : ''}`, n, beta, rows }, null, 1) + '\n');
process.stderr.write(`wrote ${join(outDir, 'cvar-qp-vs-lifted.json')}\n`);
