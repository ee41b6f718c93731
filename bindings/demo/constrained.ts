/**
 * Demo section `constrained`: logistic regression on breast cancer under 1ᵀw = 0 and ‖w‖² = 1 by the
 * exact-augmented-Lagrangian Newton method, with exact and sketched Newton–KKT solves: the KKT
 * residual per iteration, iterations, time, flops and storage.
 */
import { constrainedLogisticProblem, exactAugmentedLagrangian } from '../index.js';
import { breastCancer, standardize } from '../cvar/data.js';
import type { DemoContext, DemoSection } from './context.js';

function run(ctx: DemoContext): void {
  const { X, y } = breastCancer();
  const S = standardize(X);
  const d = S.cols;
  const problem = constrainedLogisticProblem(S, y, { linear: { A: [new Array<number>(d).fill(1)], b: [0] }, sphere: 1 });
  const x0 = new Float64Array(d + 1);
  x0[0] = Math.SQRT1_2;
  x0[1] = -Math.SQRT1_2;
  ctx.log(`  breast cancer logistic regression, 1ᵀw = 0 and ‖w‖² = 1 (n = ${d + 1}, m = 2):`);
  let exact: Float64Array | null = null;
  const solvers = ctx.quick === true ? (['exact', 'rows'] as const) : (['exact', 'gaussian', 'count', 'rows'] as const);
  for (const solver of solvers) {
    const t0 = performance.now();
    const r = exactAugmentedLagrangian(problem, solver === 'exact' ? { solver: 'exact', x0 } : { sketch: solver, x0, seed: ctx.seed });
    const ms = performance.now() - t0;
    if (solver === 'exact') exact = r.x;
    const diff = Math.max(...Array.from(r.x, (v, j) => Math.abs(v - exact![j]!)));
    ctx.log(`    ${solver.padEnd(8)} ${r.iterations} iterations, ${ms.toFixed(0)} ms, KKT ${r.kktResidual.toExponential(1)}, solve flops ${r.solveFlops.toExponential(1)}, storage ${r.solverStorage} doubles, |x − x_exact| ≤ ${diff.toExponential(1)}`);
    ctx.log(`             KKT per iteration: ${r.history.map((h) => h.kktResidual.toExponential(0)).join(' ')}`);
  }
}

export const constrainedDemo: DemoSection = { name: 'constrained', title: 'exact augmented Lagrangian with sketched Newton solves', run };
