/** The cvar family's section of `proxkit demo`: CVaR on real data, the CVaR-set projection, SPL+ vs SGM. */
import { cvarAndVar, cvarReference, minimizeCvar, projectCvarSet } from '../index.js';
import type { DemoContext, DemoSection } from './context.js';
import { diabetesProblem } from '../cvar/data.js';

function run(ctx: DemoContext): void {
  const p = diabetesProblem(1);
  const beta = 0.9;
  const ref = cvarReference({ X: p.X, y: p.y, loss: p.loss, beta });
  const zero = cvarAndVar(Float64Array.from(p.y, (v) => 0.5 * v * v), beta);
  ctx.log(`CVaR on diabetes (442 × 10, standardised; squared loss (p − y)²/2), β = ${beta}:`);
  ctx.log(`  model w = 0, b = 0: VaR ${zero.valueAtRisk.toFixed(4)}, CVaR ${zero.cvar.toFixed(4)} (mean of the worst ${zero.tail.toFixed(1)} losses)`);
  ctx.log(`  certified optimum: CVaR* ∈ [${ref.lowerBound.toFixed(6)}, ${ref.objective.toFixed(6)}] (smoothed Newton + dual bound)`);
  ctx.log(`  10 epochs of a constant step γ from w = 0, last iterate (seed ${ctx.seed}); relative suboptimality:`);
  for (const stepSize of [1e-3, 1e-1, 10]) {
    const cells = (['spl+', 'spl', 'sgm'] as const).map((method) => {
      const r = minimizeCvar({ X: p.X, y: p.y, loss: p.loss, beta, method, stepSize, schedule: 'constant', averaging: 'none', epochs: 10, seed: ctx.seed });
      const sub = (r.objective - ref.objective) / ref.objective;
      return `${method.toUpperCase().padEnd(4)} ${r.stopped === 'diverged' ? 'diverged ' : sub.toExponential(2).padEnd(9)}`;
    });
    ctx.log(`    γ = ${stepSize.toExponential(0).padEnd(5)}  ${cells.join('   ')}`);
  }
  // minimizeCvar's defaults: SPL+, γ/√(t + 1), 300 epochs, the mean of the second half of the iterates
  const defaults = [1e-2, 1e-1, 1].map((stepSize) => {
    const r = minimizeCvar({ X: p.X, y: p.y, loss: p.loss, beta, stepSize, seed: ctx.seed });
    return `γ = ${stepSize.toExponential(0)}: ${((r.objective - ref.objective) / ref.objective).toExponential(2)}`;
  });
  ctx.log(`  minimizeCvar's defaults (SPL+, γ/√(t + 1), 300 epochs, tail mean): ${defaults.join(', ')}`);
  const v = [3, 1, 4, 1, 5, 9, 2, 6];
  ctx.log(`Projection onto {x : CVaR_0.75(x) ≤ 5}: [${v.join(', ')}] → [${Array.from(projectCvarSet(v, 0.75, 5)).join(', ')}]`);
  ctx.log('  (the full step-size experiment: proxkit cvar-sweep)');
}

export const cvarDemo: DemoSection = {
  name: 'cvar',
  title: 'CVaR, VaR and SPL+ vs SPL vs SGM on diabetes',
  run,
};
