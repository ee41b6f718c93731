/**
 * Demo section `fractional`: sparse Fisher discriminant analysis on breast cancer as a fractional
 * program, coordinate descent (1-D subproblems solved globally) against Dinkelbach's method.
 */
import { fractionalCD, fractionalDinkelbach, sparseFisherProblem } from '../index.js';
import { breastCancer, standardize } from '../cvar/data.js';
import type { DemoContext, DemoSection } from './context.js';

function run(ctx: DemoContext): void {
  const { X, y } = breastCancer();
  const S = standardize(X);
  const classOne = Math.max(...y);
  ctx.log('  breast cancer, min (½wᵀS_w w + λ‖w‖₁ + ½)/(mᵀw) (training accuracy of the midpoint rule on all 569 rows):');
  for (const lambda of ctx.quick === true ? [0.1] : [0.01, 0.1, 0.3]) {
    const P = sparseFisherProblem(S, y, lambda);
    for (const [name, solve] of [['coordinate descent', () => fractionalCD(P, { x0: P.e as Float64Array })], ['Dinkelbach', () => fractionalDinkelbach(P, { x0: P.e as Float64Array })]] as const) {
      const t0 = performance.now();
      const r = solve();
      const ms = performance.now() - t0;
      const proj = Array.from({ length: S.rows }, (_, i) => S.data.subarray(i * S.cols, (i + 1) * S.cols).reduce((s, v, j) => s + v * r.x[j]!, 0));
      const m1 = proj.filter((_, i) => y[i] === classOne);
      const m0 = proj.filter((_, i) => y[i] !== classOne);
      const cut = (m1.reduce((a, b) => a + b, 0) / m1.length + m0.reduce((a, b) => a + b, 0) / m0.length) / 2;
      const acc = proj.filter((p, i) => (p > cut) === (y[i] === classOne)).length / proj.length;
      const nnz = Array.from(r.x).filter((v) => v !== 0).length;
      ctx.log(`    λ = ${String(lambda).padEnd(5)} ${name.padEnd(18)} F = ${r.objective.toFixed(9)}, ${nnz} of ${S.cols} features, accuracy ${(100 * acc).toFixed(1)} %, ${ms.toFixed(0)} ms`);
    }
  }
}

export const fractionalDemo: DemoSection = { name: 'fractional', title: 'coordinate descent for fractional programs (sparse Fisher discriminant)', run };
