/**
 * Demo section `sparse`: the bars test. Binary sparse coding learns the bars from linearly superposed
 * images; the learned fields are matched to the true bars and drawn next to them. The full demo also trains two small learned proximal networks on the
 * Laplacian toy (proximal matching → towards the soft-threshold, squared error → towards E[x | y]).
 */
import { barsTest, binarySparseCoding, matchFields, rng, type SparseCodingResult } from '../index.js';
import { freeLpn, initLpn, laplaceMmse, lpnApply, softThreshold1, trainLpn } from '../sparse/lpn.js';
import { imageFigure, lineFigure, type ImagePanel } from '../plot/svg.js';
import { pngDataUri, writeOutput, type DemoContext, type DemoSection } from './context.js';
import { png } from './png.js';

/** One field (D = R² pixels) as a grey PNG, 0 black and `peak` white (negative values clamp to black). */
function fieldPanel(field: Float64Array, R: number, peak: number, label: string, note?: string): ImagePanel {
  const px = Array.from(field, (v) => Math.max(0, Math.min(255, (255 * v) / peak)));
  return { href: pngDataUri(png(px, R, R, 1, 1)), width: 48, height: 48, label, note, pixelated: true };
}

async function run(ctx: DemoContext): Promise<void> {
  const quick = ctx.quick === true;
  const R = 5;
  const D = R * R;
  // the tour: fewer images and iterations (the fields are rougher); the full demo: ProSper's bars test
  // for BSC (1000 images, 150 iterations). MCA is not run here: its annealed soft-max E-step costs one
  // power per (state, pixel), and a run long enough to learn the bars takes minutes
  // (docs/experiments/sparse-bars.md: node scripts/sparse.mjs bars --model mca)
  const runs = [
    { name: 'BSC', superposition: 'linear' as const, N: quick ? 200 : 1000, maxIter: quick ? 30 : 150, fit: binarySparseCoding },
  ];
  const panels: ImagePanel[] = [];
  for (const r of runs) {
    const data = barsTest({ N: r.N, superposition: r.superposition, seed: ctx.seed });
    const t0 = performance.now();
    const fit: SparseCodingResult = r.fit(data.Y, { H: 10, Hprime: 8, gamma: 5, maxIter: r.maxIter, seed: ctx.seed });
    const ms = performance.now() - t0;
    const m = matchFields(fit.W, data.W);
    const found = Array.from(m.cosine).filter((c) => c > 0.95).length;
    const ll = fit.logLikelihood;
    ctx.log(`  ${r.name} (${r.superposition} superposition), N = ${r.N}, ${fit.iterations} EM iterations, ${(ms / 1000).toFixed(1)} s: ` +
      `${found} of 10 bars found (cosine > 0.95; worst ${m.minCosine.toFixed(3)}), π̂ = ${fit.pi.toFixed(3)} (true 0.2), σ̂ = ${fit.sigma.toFixed(3)} (true 2)`);
    ctx.log(`    truncated log-likelihood ${ll[0]!.toFixed(0)} → ${ll[ll.length - 1]!.toFixed(0)}`);
    if (panels.length === 0) {
      for (let h = 0; h < 10; h++) panels.push(fieldPanel(data.W.data.subarray(h * D, (h + 1) * D), R, 10, `bar ${h + 1}`, 'true'));
    }
    for (let h = 0; h < 10; h++) {
      const j = m.pairs[h]!;
      panels.push(fieldPanel(fit.W.data.subarray(j * D, (j + 1) * D), R, 10, r.name, `cos ${m.cosine[h]!.toFixed(3)}`));
    }
  }
  writeOutput(ctx, 'proxkit-sparse-bars.svg', imageFigure({
    title: `Bars test: true bars and learned fields${quick ? ' (quick tour: 200 images, 30 iterations)' : ''}`,
    panels,
    columns: 10,
    caption: 'First row: the ten true bars (5 × 5 pixels, value 10). Below: the field binary sparse coding (BSC) learned for that bar ' +
      'from summed bars (greedy cosine matching), drawn on the same grey scale (0 black, 10 white); truncated EM with H′ = 8, γ = 5.',
  }), 'SVG figure of the learned bar fields');
  if (!quick) lpnToy(ctx);
}

/** Two small LPNs on x ~ Laplace(1), y = x + N(0, 1): a short version of the experiment in docs/experiments/sparse-lpn.md. */
function lpnToy(ctx: DemoContext): void {
  const n = 20000;
  const R = rng(ctx.seed);
  const draw = (): { X: Float64Array; Y: Float64Array } => {
    const u = R.uniform(2 * n);
    const z = R.normal(n);
    const X = new Float64Array(n);
    const Y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[i] = -Math.log(1 - u[2 * i]!) + Math.log(1 - u[2 * i + 1]!);
      Y[i] = X[i]! + z[i]!;
    }
    return { X, Y };
  };
  const t0 = performance.now();
  let d = draw();
  const pm = initLpn(1, [32, 32], ctx.seed + 1, 1e-3, true, 5, d.Y.subarray(0, 1000));
  const l2 = initLpn(1, [32, 32], ctx.seed + 1, 1e-3, true, 5, d.Y.subarray(0, 1000));
  trainLpn(pm, d.X, d.Y, { loss: 'l1', epochs: 1, learningRate: 1e-2, batchSize: 512, seed: 1 });
  [0.5, 0.25, 0.15, 0.1].forEach((g, k) => {
    d = draw();
    trainLpn(pm, d.X, d.Y, { loss: 'pm', gammas: [g], epochs: 1, learningRate: 1e-2 * 0.6 ** k, batchSize: 512, seed: 2 + k });
  });
  for (let k = 0; k < 3; k++) {
    d = draw();
    trainLpn(l2, d.X, d.Y, { loss: 'l2', epochs: 1, learningRate: 1e-2 * 0.6 ** k, batchSize: 512, seed: 10 + k });
  }
  const grid = Float64Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
  const fPm = lpnApply(pm, grid);
  const fL2 = lpnApply(l2, grid);
  const st = Array.from(grid, softThreshold1);
  const mmse = Array.from(grid, (y) => laplaceMmse(y));
  const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
  freeLpn(pm);
  freeLpn(l2);
  ctx.log(`  learned proximal networks (f = ∇ψ, ψ input-convex) on x ~ Laplace(1), y = x + N(0, 1), ${((performance.now() - t0) / 1000).toFixed(1)} s:`);
  ctx.log(`    proximal matching: max |f − soft-threshold at 1| on [−4, 4] = ${maxAbs(fPm, st).toFixed(3)} (to E[x | y]: ${maxAbs(fPm, mmse).toFixed(3)})`);
  ctx.log(`    squared error:     max |f − E[x | y]| = ${maxAbs(fL2, mmse).toFixed(3)} (to the soft-threshold: ${maxAbs(fL2, st).toFixed(3)})`);
  writeOutput(ctx, 'proxkit-sparse-lpn.svg', lineFigure({
    title: 'Learned proximal networks on the Laplacian toy (a short training)',
    panels: [{
      x: { label: 'noisy input y' }, y: { label: 'f(y)' },
      series: [
        { name: 'soft-threshold at 1 (MAP)', x: grid, y: st },
        { name: 'LPN, proximal matching', x: grid, y: fPm },
        { name: 'E[x | y] (MMSE, numerical integration)', x: grid, y: mmse },
        { name: 'LPN, squared error', x: grid, y: fL2 },
      ],
    }],
    width: 640,
    caption: 'Both networks are gradients of input-convex networks, hence proximal operators. Proximal matching (γ annealed from 0.5 to 0.1) ' +
      'pulls f towards the posterior mode (the soft-threshold); the squared error towards the posterior mean. 20 000 fresh pairs per stage, ' +
      'ICNN 32–32; the longer run is in docs/experiments/sparse-lpn.md.',
  }), 'SVG figure of the two learned maps');
}

export const sparseDemo: DemoSection = { name: 'sparse', title: 'binary sparse coding on the bars test; learned proximal networks', run };
