/**
 * The OT family's section of `proxkit demo`, on data embedded in the package (data/images/README.md,
 * data/datasets/README.md):
 *  (a) colour transfer between two photographs (O'Sullivan's Black Cañon, 1871 → the palette of
 *      Braun's alpine landscape, c. 1865–1870) by entropic OT between sampled colour clouds, the
 *      barycentric map and its nearest-sample extension to every pixel (the public otMapping);
 *  (b) the Wasserstein barycenter of the handwritten 3s next to their Euclidean mean;
 *  (c) a Wasserstein CP-dictionary learned from handwritten digits (objective per BCD-PR sweep).
 * Figures (SVG with the pictures embedded, each with a label strip) go to the `figures` folder:
 * proxkit-ot-colour.svg, proxkit-ot-barycenter.svg, proxkit-ot-wcp.svg, and the recoloured photograph
 * itself as proxkit-ot-colour-result.png.
 */
import { barycenter, convolutionalBarycenter, costMatrix, otMapping, rng, wassersteinCpDictionary } from '../index.js';
import { pngDataUri, writeOutput, type DemoContext, type DemoSection } from './context.js';
import { imageFigure } from '../plot/svg.js';
import { gradientFlow, gwMatching } from './ot-geometry.js';
import { digits } from '../datasets.js';
import { png } from './png.js';
import { parsePpm } from './tucker.js';
import canyonPpm from '../../data/images/black-canyon-rgb-128.ppm';
import alpinePpm from '../../data/images/french-alpine-landscape-rgb-128.ppm';

/** An 8-bit RGB PNG of a rows × cols image; rgb holds rows·cols·3 interleaved values in [0, 1]. */
export function rgbPng(rgb: ArrayLike<number>, rows: number, cols: number): Uint8Array {
  return png(rgb, rows, cols, 3, 255);
}

/**
 * A nonnegative h × w map (a distribution over pixels) as an RGB image, dark ink on white: value /
 * `max` → grey level, so maps drawn with the same `max` are comparable. The figure upscales it.
 */
function inkImage(v: ArrayLike<number>, h: number, w: number, max: number): Float64Array {
  const rgb = new Float64Array(h * w * 3);
  for (let t = 0; t < h * w; t++) rgb.fill(1 - Math.min(1, v[t]! / max), t * 3, t * 3 + 3);
  return rgb;
}

const maxOf = (v: ArrayLike<number>): number => Math.max(...Array.from(v));

/**
 * The photograph with, under it, its palette: `bar` rows showing the colours of the sampled pixels
 * sorted by brightness (a two-row dark rule between), as one RGB image.
 */
function withPalette(img: Float64Array, rows: number, cols: number, colours: Float64Array, bar = 14): { rgb: Float64Array; rows: number } {
  const n = colours.length / 3;
  const lum = (k: number) => 0.2126 * colours[k * 3]! + 0.7152 * colours[k * 3 + 1]! + 0.0722 * colours[k * 3 + 2]!;
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => lum(a) - lum(b));
  const out = new Float64Array((rows + 2 + bar) * cols * 3).fill(0.2);
  out.set(img.subarray(0, rows * cols * 3));
  for (let c = 0; c < cols; c++) {
    const k = order[Math.min(n - 1, Math.floor(((c + 0.5) / cols) * n))]!;
    for (let r = rows + 2; r < rows + 2 + bar; r++) out.set(colours.subarray(k * 3, k * 3 + 3), (r * cols + c) * 3);
  }
  return { rgb: out, rows: rows + 2 + bar };
}

/** The colour-transfer pair: a warm, high-contrast photograph and a cool, dark one (data/images/README.md). */
const SOURCE = { ppm: canyonPpm, name: "Black Cañon, Colorado River (T. H. O'Sullivan, 1871)", short: 'Black Cañon (1871)', credit: "photograph by T. H. O'Sullivan" };
const TARGET = { ppm: alpinePpm, name: 'an alpine landscape (A. Braun, c. 1865–1870)', short: 'Alpine landscape (c. 1865–70)', credit: 'photograph by A. Braun' };

/** `count` distinct indices of 0..n−1 drawn with rng(seed) (partial Fisher–Yates). */
function sample(n: number, count: number, seed: number): Int32Array {
  const u = rng(seed).uniform(count);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < count; k++) {
    const j = k + Math.floor(u[k]! * (n - k));
    const t = idx[k]!;
    idx[k] = idx[j]!;
    idx[j] = t;
  }
  return idx.slice(0, count);
}

/**
 * (a) Colour transfer (Ferradans, Papadakis, Peyré & Aujol 2014; POT's `SinkhornTransport` example):
 * n pixels of each photograph (seeded), the entropic plan P between the two RGB clouds with the squared
 * Euclidean cost, the barycentric map T(xᵢ) = Σⱼ Pᵢⱼ yⱼ / Σⱼ Pᵢⱼ on the samples, extended to every pixel
 * by its nearest source sample: x ↦ x + T(x_s) − x_s (POT's out-of-sample rule) — all of it `otMapping`.
 */
function colourTransfer(ctx: DemoContext): void {
  const src = parsePpm(SOURCE.ppm);
  const tgt = parsePpm(TARGET.ppm);
  const [hs, ws] = src.shape as [number, number, number];
  const [ht, wt] = tgt.shape as [number, number, number];
  // The quick tour samples fewer colours (the Sinkhorn cost grows with the square of n).
  const n = ctx.quick ? 400 : 1000;
  const reg = 1e-2;
  const pick = (img: Float64Array, idx: Int32Array): Float64Array => {
    const out = new Float64Array(idx.length * 3);
    idx.forEach((p, k) => out.set(img.subarray(p * 3, p * 3 + 3), k * 3));
    return out;
  };
  const Xs = pick(src.data, sample(hs * ws, n, ctx.seed));
  const Xt = pick(tgt.data, sample(ht * wt, n, ctx.seed + 1));
  const t0 = performance.now();
  // The fit: entropic plan between the two colour clouds and the barycentric images of the samples.
  const map = otMapping({ data: Xs, rows: n, cols: 3 }, { data: Xt, rows: n, cols: 3 }, { reg, method: 'sinkhorn', tol: 1e-9, maxIter: 5000 });
  const tSolve = performance.now() - t0;
  const t1 = performance.now();
  // Every pixel moves by the displacement of its nearest sample (transform), clipped to the RGB cube.
  const out = map.transform({ data: src.data, rows: hs * ws, cols: 3 }).map((v) => Math.min(1, Math.max(0, v)));
  const tMap = performance.now() - t1;
  const meanColour = (v: Float64Array): string => {
    const m = [0, 0, 0];
    for (let p = 0; p < v.length / 3; p++) for (let k = 0; k < 3; k++) m[k]! += v[p * 3 + k]!;
    return m.map((x) => (x / (v.length / 3)).toFixed(3)).join(', ');
  };
  ctx.log(`(a) Colour transfer: ${SOURCE.name} (${ws}×${hs}) → palette of ${TARGET.name} (${wt}×${ht})`);
  ctx.log(`  ${n} pixels sampled from each (seed ${ctx.seed}), RGB in [0, 1], squared Euclidean cost, otMapping (entropic plan, reg ${reg}, Sinkhorn scaling iteration):`);
  ctx.log(`  transport cost ⟨P, M⟩ = ${map.cost.toFixed(5)}, ${map.iterations} iterations, marginal error ${map.marginalError.toExponential(1)}, ${tSolve.toFixed(0)} ms (fit: cost matrix, plan, barycentric images)`);
  ctx.log(`  map.transform: every pixel moved by its nearest sample's displacement, ${tMap.toFixed(0)} ms for ${hs * ws} pixels`);
  ctx.log(`  mean colour: source (${meanColour(src.data)}), target (${meanColour(tgt.data)}), result (${meanColour(out)})`);
  const Ts = pick(out, sample(hs * ws, n, ctx.seed));
  const panel = (img: Float64Array, rows: number, cols: number, colours: Float64Array, label: string, note: string) => {
    // Every picture at the same display height (the photographs have different aspect ratios).
    const p = withPalette(img, rows, cols, colours);
    const H = 220;
    return { href: pngDataUri(rgbPng(p.rgb, p.rows, cols)), width: Math.round((H * cols) / p.rows), height: H, label, note };
  };
  writeOutput(ctx, 'proxkit-ot-colour.svg', imageFigure({
    title: `Colour transfer by entropic optimal transport: ${SOURCE.short} recoloured with the palette of ${TARGET.short}${ctx.quick ? ' (quick tour: 400 sampled colours)' : ''}`,
    panels: [
      panel(src.data, hs, ws, Xs, `source: ${SOURCE.short}`, `${SOURCE.credit}; mean RGB ${meanColour(src.data)}`),
      panel(tgt.data, ht, wt, Xt, `target palette: ${TARGET.short}`, `${TARGET.credit}; mean RGB ${meanColour(tgt.data)}`),
      panel(out, hs, ws, Ts, 'result: source, recoloured', `every pixel moved by the OT map of its nearest sample; mean RGB ${meanColour(out)}`),
    ],
    caption:
      `Under each picture: ${n} of its pixel colours sorted by brightness (its palette). The plan P couples ${n} colours of each photograph ` +
      `(squared RGB distance, entropic regularisation ${reg}, ${map.iterations} Sinkhorn iterations, marginal error ${map.marginalError.toExponential(1)}); ` +
      `each source colour moves to the P-weighted mean of the target colours it is sent to. The result keeps the source's picture and takes the target's palette.`,
  }), 'figure: source | target | result, with palettes');
  writeOutput(ctx, 'proxkit-ot-colour-result.png', rgbPng(out, hs, ws), 'the recoloured photograph, PNG');
}

/** The digit grid (8 × 8) and the entropic regularisation on [0, 1]² (neighbouring pixels are 1/7 apart, squared distance ≈ 0.0204). */
const G = 8;
const BARY_REG = 0.004;

/** An image normalised to mass 1. */
function normalised(img: ArrayLike<number>): Float64Array {
  const s = Array.from(img).reduce((x, y) => x + y, 0);
  return Float64Array.from(img, (x) => x / s);
}

/**
 * A signed map as RGB: positive values orange, negative blue, zero white, scaled by max |v| — to
 * show where two distributions differ.
 */
function divergingImage(v: ArrayLike<number>, n: number): Float64Array {
  let m = 0;
  for (let t = 0; t < n; t++) m = Math.max(m, Math.abs(v[t]!));
  const pos = [0.835, 0.369, 0];
  const neg = [0, 0.447, 0.698];
  const rgb = new Float64Array(n * 3);
  for (let t = 0; t < n; t++) {
    const a = m > 0 ? Math.abs(v[t]!) / m : 0;
    const c = v[t]! >= 0 ? pos : neg;
    for (let k = 0; k < 3; k++) rgb[t * 3 + k] = 1 - a * (1 - c[k]!);
  }
  return rgb;
}

/** (b) The Wasserstein barycenter of every 3 in the digits data, beside the Euclidean mean. */
function digitBarycenter(ctx: DemoContext): void {
  const { images, labels } = digits();
  // The quick tour averages the first 40 threes (the cost of an iteration grows with their number).
  const all3 = images.filter((_, i) => labels[i] === 3);
  const threes = (ctx.quick ? all3.slice(0, 40) : all3).map(normalised);
  const mean = new Float64Array(G * G);
  threes.forEach((h) => h.forEach((v, t) => (mean[t] = mean[t]! + v / threes.length)));
  const t0 = performance.now();
  let bar: Float64Array;
  let how: string;
  try {
    // Grid of [0, 1]²: neighbouring pixels are 1/(G − 1) apart.
    const r = convolutionalBarycenter(threes, G, G, { reg: BARY_REG, tol: 1e-7, maxIter: 5000 });
    bar = r.barycenter;
    how = `convolutionalBarycenter (separable Gibbs kernel, reg ${BARY_REG} on [0, 1]²), ${r.iterations} iterations${r.warning ? `; ${r.warning}` : ''}`;
  } catch (e) {
    const pts = Float64Array.from({ length: 2 * G * G }, (_, k) => (k % 2 === 0 ? Math.floor(k / 2 / G) : (k >> 1) % G) / (G - 1));
    const grid = { data: pts, rows: G * G, cols: 2 };
    const M = costMatrix(grid, grid);
    const r = barycenter(threes, M, { reg: BARY_REG, tol: 1e-7, maxIter: 5000 });
    bar = r.barycenter;
    how = `barycenter (dense ${G * G} × ${G * G} cost, reg ${BARY_REG}; convolutionalBarycenter unavailable: ${(e as Error).message}), ${r.iterations} iterations`;
  }
  const ms = performance.now() - t0;
  const peak = (v: Float64Array): number => Math.max(...v);
  const spread = (v: Float64Array): number => {
    // mass-weighted mean squared distance to the centroid, in pixels²: how concentrated the strokes are
    let cx = 0;
    let cy = 0;
    v.forEach((m, t) => {
      cx += m * Math.floor(t / G);
      cy += m * (t % G);
    });
    let s = 0;
    v.forEach((m, t) => (s += m * ((Math.floor(t / G) - cx) ** 2 + ((t % G) - cy) ** 2)));
    return s;
  };
  ctx.log(`(b) Wasserstein barycenter of ${threes.length === all3.length ? 'the' : `the first ${threes.length} of the`} ${all3.length} handwritten 3s (UCI digits, 8×8, each normalised to mass 1):`);
  ctx.log(`  ${how}, ${ms.toFixed(0)} ms`);
  ctx.log(`  largest pixel mass: Wasserstein ${peak(bar).toFixed(4)} vs Euclidean mean ${peak(mean).toFixed(4)}; spread about the centroid ${spread(bar).toFixed(2)} vs ${spread(mean).toFixed(2)} px²`);
  // Barycenter and mean share one grey scale (both have mass 1), so the mean's smearing shows as faint ink.
  const shared = Math.max(peak(bar), peak(mean));
  const diff = bar.map((v, t) => v - mean[t]!);
  const maxAbs = Math.max(...Array.from(diff, Math.abs));
  const S = 120;
  const examples = threes.slice(0, 3).map((h, k) => ({
    href: pngDataUri(rgbPng(inkImage(h, G, G, maxOf(h)), G, G)), width: S, height: S, pixelated: true,
    label: `a 3 (no. ${k + 1})`, note: 'one of the inputs',
  }));
  writeOutput(ctx, 'proxkit-ot-barycenter.svg', imageFigure({
    title: `Averaging ${threes.length} handwritten 3s (UCI digits): Wasserstein barycenter vs Euclidean mean${ctx.quick ? ' (quick tour)' : ''}`,
    panels: [
      ...examples,
      { href: pngDataUri(rgbPng(inkImage(bar, G, G, shared), G, G)), width: S, height: S, pixelated: true, label: 'Wasserstein barycenter', note: `peak ${peak(bar).toFixed(4)}, spread ${spread(bar).toFixed(2)} px²` },
      { href: pngDataUri(rgbPng(inkImage(mean, G, G, shared), G, G)), width: S, height: S, pixelated: true, label: 'Euclidean mean', note: `peak ${peak(mean).toFixed(4)}, spread ${spread(mean).toFixed(2)} px²` },
      { href: pngDataUri(rgbPng(divergingImage(diff, G * G), G, G)), width: S, height: S, pixelated: true, label: 'barycenter − mean', note: `orange: more mass in the barycenter, blue: less (max ${maxAbs.toFixed(4)})` },
    ],
    caption:
      `Each image is a distribution of ink (mass 1) over the 8 × 8 grid. The mean adds the images pixel by pixel, so strokes at different ` +
      `places blur together; the Wasserstein barycenter (entropic, regularisation ${BARY_REG} on [0, 1]², ${threes.length} images) moves mass ` +
      `along the grid and concentrates it on the strokes they share. The 3s of this data set are centred and scaled alike, so the two look ` +
      `similar: the last panel shows where they differ. Barycenter and mean share one grey scale (black = ${shared.toFixed(4)}). Peak: largest ` +
      `pixel mass; spread: mass-weighted mean squared distance to the centroid, in pixels.`,
  }), 'figure: examples | barycenter | mean | difference');
}

/** (c) The W-CP dictionary of 200 digits (rank 10, atoms = products of a row and a column marginal). */
function digitDictionary(ctx: DemoContext): void {
  const { images } = digits();
  // The quick tour: 50 digits and 3 sweeps instead of 200 and 15.
  const N = ctx.quick ? 50 : 200;
  const X = images.slice(0, N).map((img) => Float64Array.from(img));
  const opts = { rank: 10, reg: 0.02, rho: 1, shape: [8, 8], maxIter: ctx.quick ? 3 : 15, innerIter: 50, seed: ctx.seed };
  ctx.log(`(c) Wasserstein CP-dictionary learning (Kwon & Lyu 2023) by BCD-PR in the dual on the first ${N} digits:`);
  ctx.log(`  rank ${opts.rank}, shape 8×8 (each atom = row marginal ⊗ column marginal), reg ε = ${opts.reg} (grid cost scaled to max 1), rho λ = ${opts.rho}, ${opts.innerIter} dual steps per block`);
  ctx.log(`  objective Σᵢ W_ε(xᵢ, D hᵢ) with W_ε = min ⟨P, M⟩ + ε Σ P(log P − 1) (negative: the entropy term); stationarity = λ‖θᵏ − θᵏ⁻¹‖`);
  const t0 = performance.now();
  const r = wassersteinCpDictionary(X, {
    ...opts,
    onProgress: (e) => {
      ctx.log(`  sweep ${String(e.iteration).padStart(2)}: objective ${e.objective.toFixed(6)}  step ‖Δθ‖ ${e.step.toExponential(2)}  stationarity λ‖Δθ‖ ${e.stationarity.toExponential(2)}${e.rejected ? `  (${e.rejected} block(s) kept)` : ''}`);
    },
  });
  const ms = performance.now() - t0;
  const hist = [r.initialObjective, ...r.history.map((e) => e.objective)];
  const monotone = hist.every((v, k) => k === 0 || v <= hist[k - 1]!);
  ctx.log(`  initial objective ${r.initialObjective.toFixed(6)} → ${r.objective.toFixed(6)} in ${r.iterations} sweeps, ${ms.toFixed(0)} ms; monotone: ${monotone ? 'yes' : 'NO'}; rejected block updates: ${r.rejected}`);
  let err = 0;
  let nx = 0;
  X.forEach((x, i) => {
    const s = x.reduce((p, q) => p + q, 0);
    x.forEach((v, t) => {
      err += (r.reconstruction[t * N + i]! - v / s) ** 2;
      nx += (v / s) ** 2;
    });
  });
  ctx.log(`  relative reconstruction error ‖Y − X‖_F/‖X‖_F = ${Math.sqrt(err / nx).toFixed(3)} (entropic blur included)`);
  const atoms = Array.from({ length: opts.rank }, (_, q) => {
    const atom = Float64Array.from({ length: 64 }, (_, t) => r.dictionary[t * opts.rank + q]!);
    const usage = X.reduce((sum, _, i) => sum + r.codes[q * N + i]!, 0) / N;
    return { href: pngDataUri(rgbPng(inkImage(atom, 8, 8, maxOf(atom)), 8, 8)), width: 88, height: 88, pixelated: true, label: `atom ${q + 1}`, note: `mean weight ${usage.toFixed(3)}` };
  });
  writeOutput(ctx, 'proxkit-ot-wcp.svg', imageFigure({
    title: `Wasserstein CP dictionary of ${N} handwritten digits (UCI, 8 × 8): the ${opts.rank} atoms learned by BCD-PR${ctx.quick ? ` (quick tour: ${opts.maxIter} sweeps)` : ''}`,
    columns: 5,
    panels: atoms,
    caption:
      `Each atom is a distribution over the 8 × 8 grid that is the product of a row and a column distribution (drawn scaled to its own maximum); ` +
      `each digit is approximated by a mixture of atoms, fitted in entropic Wasserstein distance (regularisation ${opts.reg}). ` +
      `Mean weight: the atom's average share in the mixtures. Objective ${r.initialObjective.toFixed(3)} → ${r.objective.toFixed(3)} in ${r.iterations} sweeps.`,
  }), 'figure: the dictionary atoms');
}

export const otDemo: DemoSection = {
  name: 'ot',
  title: 'colour transfer, Wasserstein barycenter of digits, Wasserstein CP-dictionary learning, a Sinkhorn-divergence gradient flow, Gromov–Wasserstein matching',
  run(ctx) {
    colourTransfer(ctx);
    digitBarycenter(ctx);
    digitDictionary(ctx);
    gradientFlow(ctx);
    gwMatching(ctx);
  },
};
