/**
 * Demo section `sparse`: the bars test. Binary sparse coding learns the bars from linearly superposed
 * images; the learned fields are matched to the true bars and drawn next to them.
 * (Learned proximal networks are not in the demo: training one to the soft-threshold takes minutes,
 * see scripts/sparse.mjs lpn-toy and docs/experiments/sparse-lpn.md.)
 */
import { barsTest, binarySparseCoding, matchFields, rng, type SparseCodingResult } from '../index.js';
import { imageFigure, type ImagePanel } from '../plot/svg.js';
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
}

export const sparseDemo: DemoSection = { name: 'sparse', title: 'binary sparse coding on the bars test', run };
