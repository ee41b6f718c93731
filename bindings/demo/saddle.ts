/**
 * Demo section `saddle`: accelerated vs plain linearized primal–dual on a saddle problem, the proxy
 * proximal point on the diabetes regression, online regret over learning rates on the breast-cancer
 * stream, the Bregman baryconvex prox, and (full demo) bilevel SVM hyper-parameter selection. The runs
 * come from the same experiment code as `proxkit saddle`, which uses the public API only.
 */
import { bregmanBaryconvexProx, type SmoothFunction } from '../index.js';
import { lineFigure } from '../plot/svg.js';
import { alpdTable, onlineRegretExperiment, proxyExperiment } from '../saddle/experiments.js';
import { svmHyperparameterExperiment } from '../saddle/svm.js';
import { writeOutput, type DemoContext, type DemoSection } from './context.js';

async function run(ctx: DemoContext): Promise<void> {
  const quick = ctx.quick === true;
  // 1. ALPD vs LPD
  const tol = quick ? 1e-4 : 1e-6;
  const rows = alpdTable({ lipschitz: quick ? [100] : [1, 10, 100, 1000], tol, seed: ctx.seed });
  ctx.log(`  saddle point min_x max_y ½xᵀQx + cᵀx + ⟨Kx, y⟩ − ½‖y − d‖², ∇f calls to a KKT residual of ${tol}:`);
  for (const r of rows) ctx.log(`    L_f = ${String(r.lipschitz).padEnd(5)} ALPD ${String(r.alpdCalls).padStart(5)}   LPD ${String(r.lpdCalls).padStart(6)}   (‖x − x*‖: ${r.alpdError.toExponential(1)}, ${r.lpdError.toExponential(1)})`);

  // 2. proxy proximal point
  const p = proxyExperiment({ tol });
  ctx.log(`  diabetes ridge, ‖∇f‖ ≤ ${tol}: gradient descent ${p.gradientDescent.trueGradientCalls} true gradients; proxy prox point ` +
    p.proxies.map((x) => `${x.runs[0]!.trueGradientCalls} (${x.name}, δ = ${x.delta.toFixed(2)} vs L_f = ${p.lipschitz.toFixed(2)})`).join(', '));

  // 3. online regret over η
  const etas = quick ? [0.1, 1, 10] : [0.01, 0.1, 1, 10, 100];
  // the quick tour: the hinge loss only (the logistic comparator's FISTA solve alone takes ~2 s)
  const o = onlineRegretExperiment({ etas, rows: quick ? 150 : undefined, seed: ctx.seed, losses: quick ? ['hinge'] : undefined });
  ctx.log(`  online, breast cancer (${o.rounds} rows once), final regret max/min over η ∈ {${etas.join(', ')}}:`);
  for (const s of o.spread) ctx.log(`    ${s.loss.padEnd(8)} ${s.method.padEnd(42)} ${s.ratio.toFixed(1)}× (best ${s.min.toFixed(1)} at η = ${s.bestEta})`);
  const methods = [...new Set(o.runs.map((r) => r.method))];
  writeOutput(ctx, 'proxkit-saddle-online.svg', lineFigure({
    title: `Online learning on breast cancer: final regret vs learning rate${quick ? ' (quick tour: 150 rows, hinge loss)' : ''}`,
    panels: [...new Set(o.runs.map((r) => r.loss))].map((loss) => ({
      title: `${loss} loss`,
      x: { label: 'learning rate η (schedule η/√t)', scale: 'log' as const },
      y: { label: 'regret after the last round', scale: 'log' as const },
      series: methods.map((m) => {
        const rs = o.runs.filter((r) => r.method === m && r.loss === loss);
        return { name: m, x: rs.map((r) => r.eta), y: rs.map((r) => Math.max(r.finalRegret, 1e-3)) };
      }),
    })),
    columns: 2,
    caption: 'Regret against the best point in hindsight in the ball of radius 10. The implicit updates (implicit FTRL, generalized implicit FTRL with the Fenchel–Young update: the same iterates, and aProx) stay flat over the η grid where OGD and linearized FTRL do not.',
  }), 'SVG figure of regret vs learning rate');

  // 4. baryconvex prox: two quadratic losses, the weight moves to the larger one
  const quad = (c: number): SmoothFunction => ({ dimension: 1, value: (x) => 0.5 * (x[0]! - c) ** 2, gradient: (x, out) => void (out[0] = x[0]! - c) });
  const T = bregmanBaryconvexProx([quad(-1), quad(2)], [0], [0.5, 0.5], 1);
  ctx.log(`  Bregman baryconvex prox of ½(x+1)² and ½(x−2)² at x = 0, w = (½, ½), t = 1: x⁺ = ${T.x[0]!.toFixed(4)}, w⁺ = (${T.w[0]!.toFixed(4)}, ${T.w[1]!.toFixed(4)})`);

  // 5. bilevel SVM (full demo only: ~10 s)
  if (!quick) {
    const s = svmHyperparameterExperiment({ seed: ctx.seed });
    ctx.log('  SVM hyper-parameter selection on LIBSVM diabetes (500 / 150 / 118):');
    for (const m of s.methods) ctx.log(`    ${m.method.padEnd(38)} validation ${(100 * m.valAccuracy).toFixed(1)} %, test ${(100 * m.testAccuracy).toFixed(1)} %, ${(m.timeMs / 1000).toFixed(2)} s`);
  }
}

export const saddleDemo: DemoSection = { name: 'saddle', title: 'saddle-point, bilevel and online proximal methods', run };
