/**
 * The OT family's section of `proxkit demo`, on data embedded in the package (data/images/README.md,
 * data/datasets/README.md):
 *  (a) colour transfer between two photographs (Beato's boats at Nagasaki → the palette of an aerial
 *      photograph of an airplane) by entropic OT between sampled colour clouds and the barycentric map;
 *  (b) the Wasserstein barycenter of all handwritten 3s next to their Euclidean mean;
 *  (c) a Wasserstein CP-dictionary learned from handwritten digits (objective per BCD-PR sweep).
 * Figures (PNG) go to the `figures` folder: proxkit-ot-colour.png, proxkit-ot-barycenter.png,
 * proxkit-ot-wcp.png.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { barycenter, convolutionalBarycenter, costMatrix, rng, sinkhorn, wassersteinCpDictionary } from '../index.js';
import type { DemoContext, DemoSection } from './index.js';
import { digits } from '../datasets.js';
import { png } from './png.js';
import { parsePpm } from './tucker.js';
import boatsPpm from '../../data/images/nagasaki-boats-rgb-128.ppm';
import airplanePpm from '../../data/images/airplane-from-above-rgb-128.ppm';

/** An 8-bit RGB PNG of a rows × cols image; rgb holds rows·cols·3 interleaved values in [0, 1]. */
export function rgbPng(rgb: ArrayLike<number>, rows: number, cols: number): Uint8Array {
  return png(rgb, rows, cols, 3, 255);
}

/** A canvas of panels side by side (white background, `gap` pixels between), as RGB in [0, 1]. */
function montage(panels: { rgb: ArrayLike<number>; rows: number; cols: number }[], gap = 4): { rgb: Float64Array; rows: number; cols: number } {
  const rows = Math.max(...panels.map((p) => p.rows));
  const cols = panels.reduce((s, p) => s + p.cols, 0) + gap * (panels.length - 1);
  const rgb = new Float64Array(rows * cols * 3).fill(1);
  let x0 = 0;
  for (const p of panels) {
    for (let r = 0; r < p.rows; r++) for (let c = 0; c < p.cols; c++) for (let k = 0; k < 3; k++) rgb[(r * cols + x0 + c) * 3 + k] = p.rgb[(r * p.cols + c) * 3 + k]!;
    x0 += p.cols + gap;
  }
  return { rgb, rows, cols };
}

/** A nonnegative 8 × 8 (or h × w) map as an upscaled gray panel, dark ink on white, scaled to its maximum. */
function inkPanel(v: ArrayLike<number>, h: number, w: number, scale: number): { rgb: Float64Array; rows: number; cols: number } {
  let mx = 0;
  for (let i = 0; i < h * w; i++) mx = Math.max(mx, v[i]!);
  const rows = h * scale;
  const cols = w * scale;
  const rgb = new Float64Array(rows * cols * 3);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const g = 1 - (mx > 0 ? v[Math.floor(r / scale) * w + Math.floor(c / scale)]! / mx : 0);
      rgb.fill(g, (r * cols + c) * 3, (r * cols + c) * 3 + 3);
    }
  }
  return { rgb, rows, cols };
}

function write(ctx: DemoContext, name: string, img: { rgb: ArrayLike<number>; rows: number; cols: number }): string {
  const file = resolve(ctx.figures ?? '.', name);
  writeFileSync(file, rgbPng(img.rgb, img.rows, img.cols));
  return file;
}

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
 * by its nearest source sample: x ↦ x + T(x_s) − x_s (POT's out-of-sample rule).
 */
function colourTransfer(ctx: DemoContext): void {
  const src = parsePpm(boatsPpm);
  const tgt = parsePpm(airplanePpm);
  const [hs, ws] = src.shape as [number, number, number];
  const [ht, wt] = tgt.shape as [number, number, number];
  const n = 1000;
  const reg = 1e-2;
  const pick = (img: Float64Array, idx: Int32Array): Float64Array => {
    const out = new Float64Array(idx.length * 3);
    idx.forEach((p, k) => out.set(img.subarray(p * 3, p * 3 + 3), k * 3));
    return out;
  };
  const Xs = pick(src.data, sample(hs * ws, n, ctx.seed));
  const Xt = pick(tgt.data, sample(ht * wt, n, ctx.seed + 1));
  const t0 = performance.now();
  const M = costMatrix({ data: Xs, rows: n, cols: 3 }, { data: Xt, rows: n, cols: 3 });
  const a = new Float64Array(n).fill(1 / n);
  const r = sinkhorn(a, a, M, { reg, tol: 1e-9, maxIter: 5000 });
  const tSolve = performance.now() - t0;
  const T = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    let mass = 0;
    for (let j = 0; j < n; j++) {
      const p = r.plan[i * n + j]!;
      mass += p;
      for (let k = 0; k < 3; k++) T[i * 3 + k] = T[i * 3 + k]! + p * Xt[j * 3 + k]!;
    }
    for (let k = 0; k < 3; k++) T[i * 3 + k] = T[i * 3 + k]! / mass;
  }
  const t1 = performance.now();
  const out = new Float64Array(src.data.length);
  for (let p = 0; p < hs * ws; p++) {
    let best = 0;
    let bd = Infinity;
    for (let s = 0; s < n; s++) {
      const d0 = src.data[p * 3]! - Xs[s * 3]!;
      const d1 = src.data[p * 3 + 1]! - Xs[s * 3 + 1]!;
      const d2 = src.data[p * 3 + 2]! - Xs[s * 3 + 2]!;
      const dd = d0 * d0 + d1 * d1 + d2 * d2;
      if (dd < bd) {
        bd = dd;
        best = s;
      }
    }
    for (let k = 0; k < 3; k++) out[p * 3 + k] = Math.min(1, Math.max(0, src.data[p * 3 + k]! + T[best * 3 + k]! - Xs[best * 3 + k]!));
  }
  const tMap = performance.now() - t1;
  const meanColour = (v: Float64Array): string => {
    const m = [0, 0, 0];
    for (let p = 0; p < v.length / 3; p++) for (let k = 0; k < 3; k++) m[k]! += v[p * 3 + k]!;
    return m.map((x) => (x / (v.length / 3)).toFixed(3)).join(', ');
  };
  ctx.log(`(a) Colour transfer: boats at Nagasaki (${ws}×${hs}) → palette of the aerial airplane photograph (${wt}×${ht})`);
  ctx.log(`  ${n} pixels sampled from each (seed ${ctx.seed}), RGB in [0, 1], squared Euclidean cost, sinkhorn(reg ${reg}, method ${r.method}):`);
  ctx.log(`  transport cost ⟨P, M⟩ = ${r.cost.toFixed(5)}, ${r.iterations} iterations, marginal error ${r.marginalError.toExponential(1)}, ${tSolve.toFixed(0)} ms (cost matrix + solve)`);
  ctx.log(`  barycentric map on the samples, every pixel moved by its nearest sample's displacement: ${tMap.toFixed(0)} ms for ${hs * ws} pixels`);
  ctx.log(`  mean colour: source (${meanColour(src.data)}), target (${meanColour(tgt.data)}), result (${meanColour(out)})`);
  const file = write(ctx, 'proxkit-ot-colour.png', montage([
    { rgb: src.data, rows: hs, cols: ws },
    { rgb: tgt.data, rows: ht, cols: wt },
    { rgb: out, rows: hs, cols: ws },
  ]));
  ctx.log(`  source | target | result written to ${file}`);
}

/** (b) The Wasserstein barycenter of every 3 in the digits data, beside the Euclidean mean. */
function digitBarycenter(ctx: DemoContext): void {
  const { images, labels } = digits();
  const threes = images.filter((_, i) => labels[i] === 3).map((img) => {
    const s = img.reduce((x, y) => x + y, 0);
    return Float64Array.from(img, (v) => v / s);
  });
  const mean = new Float64Array(64);
  threes.forEach((h) => h.forEach((v, t) => (mean[t] = mean[t]! + v / threes.length)));
  const t0 = performance.now();
  let bar: Float64Array;
  let how: string;
  try {
    // Grid of [0, 1]²: neighbouring pixels are 1/7 apart (squared distance ≈ 0.0204).
    const r = convolutionalBarycenter(threes, 8, 8, { reg: 0.004, tol: 1e-7, maxIter: 5000 });
    bar = r.barycenter;
    how = `convolutionalBarycenter (separable Gibbs kernel, reg 0.004 on [0, 1]²), ${r.iterations} iterations${r.warning ? `; ${r.warning}` : ''}`;
  } catch (e) {
    const pts = Float64Array.from({ length: 128 }, (_, k) => (k % 2 === 0 ? Math.floor(k / 2 / 8) : (k >> 1) % 8) / 7);
    const grid = { data: pts, rows: 64, cols: 2 };
    const M = costMatrix(grid, grid);
    const r = barycenter(threes, M, { reg: 0.004, tol: 1e-7, maxIter: 5000 });
    bar = r.barycenter;
    how = `barycenter (dense 64 × 64 cost, reg 0.004; convolutionalBarycenter unavailable: ${(e as Error).message}), ${r.iterations} iterations`;
  }
  const ms = performance.now() - t0;
  const peak = (v: Float64Array): number => Math.max(...v);
  const spread = (v: Float64Array): number => {
    // mass-weighted mean squared distance to the centroid, in pixels²: how concentrated the strokes are
    let cx = 0;
    let cy = 0;
    v.forEach((m, t) => {
      cx += m * Math.floor(t / 8);
      cy += m * (t % 8);
    });
    let s = 0;
    v.forEach((m, t) => (s += m * ((Math.floor(t / 8) - cx) ** 2 + (t % 8 - cy) ** 2)));
    return s;
  };
  ctx.log(`(b) Wasserstein barycenter of the ${threes.length} handwritten 3s (UCI digits, 8×8, each normalised to mass 1):`);
  ctx.log(`  ${how}, ${ms.toFixed(0)} ms`);
  ctx.log(`  largest pixel mass: Wasserstein ${peak(bar).toFixed(4)} vs Euclidean mean ${peak(mean).toFixed(4)}; spread about the centroid ${spread(bar).toFixed(2)} vs ${spread(mean).toFixed(2)} px²`);
  const file = write(ctx, 'proxkit-ot-barycenter.png', montage([inkPanel(bar, 8, 8, 16), inkPanel(mean, 8, 8, 16)], 8));
  ctx.log(`  Wasserstein barycenter | Euclidean mean written to ${file}`);
}

/** (c) The W-CP dictionary of 200 digits (rank 10, atoms = products of a row and a column marginal). */
function digitDictionary(ctx: DemoContext): void {
  const { images } = digits();
  const N = 200;
  const X = images.slice(0, N).map((img) => Float64Array.from(img));
  const opts = { rank: 10, reg: 0.02, rho: 1, shape: [8, 8], maxIter: 15, innerIter: 50, seed: ctx.seed };
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
  const atoms = Array.from({ length: opts.rank }, (_, q) => inkPanel(Float64Array.from({ length: 64 }, (_, t) => r.dictionary[t * opts.rank + q]!), 8, 8, 8));
  const file = write(ctx, 'proxkit-ot-wcp.png', montage(atoms, 4));
  ctx.log(`  the ${opts.rank} atoms written to ${file}`);
}

export const otDemo: DemoSection = {
  name: 'ot',
  title: 'ot: colour transfer, Wasserstein barycenter of digits, Wasserstein CP-dictionary learning',
  run(ctx) {
    colourTransfer(ctx);
    digitBarycenter(ctx);
    digitDictionary(ctx);
  },
};
