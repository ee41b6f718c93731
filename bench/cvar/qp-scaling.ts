/**
 * A whole cvarQp solve against the number of scenarios (the scaling row; the full run from 10³ to 10⁶
 * scenarios × 100 assets is scripts/cvar-qp.mjs, docs/experiments/cvar-qp-scaling.md): the factor-model
 * portfolio of bench/cvar/qp-portfolio.ts with 20 assets and m = 50 / 5000 / 50000 scenarios for the
 * bench sizes 1e3 / 1e5 / 1e6 (entries of A), CVaR_0.95 limit binding, default options. Candidates: the
 * two x-step solvers, linearSolver 'cholesky' (default) and 'cg'. Output: the objective and the CVaR of the
 * returned x relative to those of the default solve made before timing (objective/|objective₀|, CVaR/κ),
 * checked to 1e-4: the two solvers stop at the default tolerances and agree to that; the weights themselves
 * are less well determined (up to 1e-4 apart at 50000 scenarios: the objective is flat along the limit).
 * The solutions are checked against the lifted QP solved by an interior-point method in test/cvar/qp.test.ts;
 * a tight reference solve here (tolerance 1e-10) took 6,000 iterations at 50000 scenarios.
 * The iteration count of the default solve is in the params: it stays flat as m grows, so the time per
 * solve grows like the O(m) work of one iteration.
 */
import { cvarQp, type F64Buffer } from '../../bindings/index.js';
import { forEachSize, onJs, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';
import { factorPortfolio } from './qp-portfolio.js';

const ASSETS = 20;
const BETA = 0.95;

export function benchCvarQpSolve(ctx: BenchContext): CaseResult[] {
  const pf = factorPortfolio(ASSETS);
  // κ: 0.7 × the CVaR of the optimum without the limit on a 10⁴-scenario draw (the same for every size)
  let kappa: number;
  {
    const A = pf.scenarios(1e4);
    try {
      kappa = 0.7 * cvarQp(pf.problem(A, 1e4, BETA, 1e3)).cvar;
    } finally {
      A.free();
    }
  }
  return forEachSize(ctx, { 1e3: 4313, 1e5: 4315, 1e6: 4316 }, ({ n: entries, seed }) => {
    const m = Math.round(entries / ASSETS);
    let A: F64Buffer | null = null;
    try {
      A = pf.scenarios(m);
      const problem = pf.problem(A, m, BETA, kappa);
      const reference = cvarQp(problem);
      if (!reference.converged) throw new Error(`cvarQpSolve: the default solve at m = ${m} did not converge`);
      const scale = Math.abs(reference.objective);
      const outChol = new Float64Array(2), outCg = new Float64Array(2);
      const record = (out: Float64Array, r: { objective: number; cvar: number }): void => { out[0] = r.objective / scale; out[1] = r.cvar / kappa; };
      const candidates: CaseCandidate[] = [
        { key: 'cholesky', name: "cvarQp, linearSolver 'cholesky'", call: () => record(outChol, cvarQp(problem)), ...onJs(outChol) },
        { key: 'cg', name: "cvarQp, linearSolver 'cg'", call: () => record(outCg, cvarQp(problem, { linearSolver: 'cg' })), ...onJs(outCg) },
      ];
      return runCase(
        { kernel: 'cvarQpSolve', n: m * ASSETS, seed, tol: 1e-4, params: { scenarios: m, assets: ASSETS, beta: BETA, iterations: reference.iterations } },
        candidates,
        [[reference.objective / scale, reference.cvar / kappa]],
        { 'Cholesky vs CG': ['cg', 'cholesky'] },
        ctx.timer,
      );
    } finally {
      A?.free();
    }
  });
}
