/**
 * What each playground panel computes, with proxkit's public API only, from JSON parameters and the
 * shipped data. The page runs these functions in a Web Worker; the Node test runs the same functions on
 * the same parameters and compares the SHA-256 digests of the numbers: the "same seed, same bits"
 * promise, checked. No DOM and no Node API here; the figures are SVG strings (bindings/plot/svg.ts),
 * and pictures inside them are passed in as data URIs by the caller (the worker encodes PNGs with an
 * OffscreenCanvas; the test does not need them).
 *
 * Only IEEE-exact arithmetic (+ − × ÷ √) runs in JavaScript here; everything transcendental happens in
 * the WASM module, so V8 in Node and V8 in Chromium cannot differ on these numbers.
 */
import {
  minimizeCvar, fractionalCD, fractionalDinkelbach, sparseFisherProblem, barsTest, binarySparseCoding, matchFields, exactAugmentedLagrangian, ogd, implicitFtrl, bestInHindsight, simulateProximal, proximalDoseResponse, checkAllocation, doubleRoundRobin, greedyEfxPo, federated, nn, normL1, computeBounds, fitRLinear, periodogram, seasonalNaive, convolutionalBarycenter, cvarSweep, evaluateNetwork, hooi, nashMirrorProx, otMapping, projectSimplex, rng,
  rockPaperScissors, selectCoreShape, softThreshold, sweepSvg, totalVariation1D, tuckerReconstruct, uniformCoreShape,
  type CvarProblem,
} from '../bindings/index.js';
import { esc, imageFigure, lineFigure } from '../bindings/plot/svg.js';
import { PHOTOS, type DataPart, type Photo, type PhotoName, type PlaygroundData } from './data.js';

/** A picture the figure embeds: rows × cols RGB values in [0, 1]. */
export interface Picture {
  rgb: Float64Array;
  rows: number;
  cols: number;
}

/** One panel's output. */
export interface PanelResult {
  /** The numbers the panel's digest covers, in a fixed order. */
  values: Float64Array[];
  /** One or two lines for the panel's status (what was computed). */
  summary: string;
  /** Pictures for the figure, to be encoded as data URIs by the caller. */
  pictures: Picture[];
  /**
   * The SVG figure, given the data URIs of `pictures` in the same order; `narrow` lays it out for a
   * phone-size screen (one column, about 360 px wide). The layout never changes the numbers.
   */
  figure(uris: string[], narrow?: boolean): string;
}

/** Reports progress of a long panel: a fraction in [0, 1] and what is being done. */
export type Progress = (fraction: number, what: string) => void;

/** A panel: the data it reads, default parameters (JSON) for a seed, and the computation. */
export interface PanelSpec<P> {
  needs: readonly DataPart[];
  defaults(data: PlaygroundData, seed: number): P;
  run(params: P, data: PlaygroundData, progress: Progress): PanelResult;
}

// ---------------------------------------------------------------------------------------------- prox

/** Parameters of the prox panel. */
export interface ProxParams {
  /** The 1-D signal (the visitor draws it). */
  signal: number[];
  /** λ of the soft-threshold and of the TV penalty. */
  lambda: number;
  /** Radius r of the simplex {x ≥ 0, Σx = r}. */
  radius: number;
}

/** A piecewise-constant signal with Gaussian noise (seeded), the prox panel's starting signal. */
export function defaultSignal(seed: number, n = 96): number[] {
  const noise = rng(seed).normal(n);
  const level = (i: number) => (i < n / 4 ? 0.2 : i < n / 2 ? 1.6 : i < (3 * n) / 4 ? -0.8 : 0.6);
  return Array.from({ length: n }, (_, i) => level(i) + 0.35 * noise[i]!);
}

const proxPanel: PanelSpec<ProxParams> = {
  needs: [],
  defaults: (_data, seed) => ({ signal: defaultSignal(seed), lambda: 0.5, radius: 8 }),
  run(p) {
    const x = Float64Array.from(p.signal);
    const soft = softThreshold(x, p.lambda);
    const tv = totalVariation1D(p.lambda).prox(x);
    const simplex = projectSimplex(x, p.radius);
    const idx = Array.from(x, (_, i) => i);
    const input = { name: 'signal', x: idx, y: x, markersOnly: true };
    const nonzero = soft.reduce((c, v) => c + (v !== 0 ? 1 : 0), 0);
    const support = simplex.reduce((c, v) => c + (v > 0 ? 1 : 0), 0);
    let jumps = 0;
    for (let i = 1; i < tv.length; i++) if (Math.abs(tv[i]! - tv[i - 1]!) > 1e-9) jumps++;
    return {
      values: [soft, tv, simplex],
      summary: `soft-threshold keeps ${nonzero} of ${x.length} entries; TV leaves ${jumps} jumps; the simplex projection has ${support} positive entries (sum ${p.radius})`,
      pictures: [],
      figure: (_uris, narrow) => lineFigure({
        title: `Three proximal maps of the same ${x.length}-point signal (λ = ${p.lambda}, simplex radius ${p.radius})`,
        columns: narrow ? 1 : 3,
        width: narrow ? 360 : 960,
        plotHeight: narrow ? 150 : 200,
        panels: [
          { title: 'soft-threshold S_λ(x)', x: { label: 'index' }, y: { label: 'value' }, series: [input, { name: 'result', x: idx, y: soft }] },
          { title: 'TV denoising prox_λTV(x)', x: { label: 'index' }, y: { label: 'value' }, series: [input, { name: 'result', x: idx, y: tv }] },
          { title: `projection onto the simplex (Σ = ${p.radius})`, x: { label: 'index' }, y: { label: 'value' }, series: [input, { name: 'result', x: idx, y: simplex }] },
        ],
        caption: 'Dots: the signal you drew. Soft-thresholding shrinks every entry towards 0 by λ; the 1-D total-variation prox (exact, O(n)) flattens the signal into steps; the simplex projection keeps the largest entries, shifted so that they sum to the radius.',
      }),
    };
  },
};

// ---------------------------------------------------------------------------------------- ot: colour

/** Parameters of the colour-transfer panel. */
export interface ColourParams {
  source: PhotoName;
  target: PhotoName;
  /** Entropic regularisation of Sinkhorn (colours in [0, 1]³, squared distance). */
  reg: number;
  /** Pixels sampled from each photograph. */
  samples: number;
  seed: number;
}

/** `count` distinct indices of 0..n−1 drawn by a partial Fisher–Yates shuffle with proxkit's seeded generator. */
function sampleIndices(n: number, count: number, seed: number): Int32Array {
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

const pickColours = (img: Float64Array, idx: Int32Array): Float64Array => {
  const out = new Float64Array(idx.length * 3);
  idx.forEach((p, k) => out.set(img.subarray(p * 3, p * 3 + 3), k * 3));
  return out;
};

/**
 * Colour transfer by entropic OT: the Sinkhorn plan P between the two clouds of sampled colours, each
 * source colour sent to the P-weighted mean of the target colours (barycentric map), and every pixel
 * moved by the displacement of its nearest sampled colour.
 */
function colourTransfer(p: ColourParams, data: PlaygroundData, progress: Progress): { out: Float64Array; src: Photo; tgt: Photo; iterations: number; cost: number } {
  const src = data.photos[p.source];
  const tgt = data.photos[p.target];
  if (!src || !tgt) throw new Error(`colour transfer: unknown photograph ${!src ? p.source : p.target}`);
  const n = p.samples;
  const Xs = pickColours(src.data, sampleIndices(src.rows * src.cols, n, p.seed));
  const Xt = pickColours(tgt.data, sampleIndices(tgt.rows * tgt.cols, n, p.seed + 1));
  progress(0.1, 'Sinkhorn');
  // Scaling form where the Gibbs kernel exp(−M/reg) stays far from underflow (M ≤ 3), log domain below.
  const map = otMapping({ data: Xs, rows: n, cols: 3 }, { data: Xt, rows: n, cols: 3 }, { reg: p.reg, tol: 1e-9, maxIter: 5000, method: p.reg >= 0.01 ? 'sinkhorn' : 'log' });
  progress(0.6, 'mapping every pixel');
  const out = map.transform({ data: src.data, rows: src.rows * src.cols, cols: 3 }).map((v) => Math.min(1, Math.max(0, v)));
  return { out, src, tgt, iterations: map.iterations, cost: map.cost };
}

const colourPanel: PanelSpec<ColourParams> = {
  needs: ['photos'],
  defaults: (_data, seed) => ({ source: 'canyon', target: 'alpine', reg: 0.01, samples: 300, seed }),
  run(p, data, progress) {
    const r = colourTransfer(p, data, progress);
    // Every picture at one display height; on a phone, one per row at the screen's width.
    const pic = (ph: Photo, narrow?: boolean) => (narrow ? { width: 330, height: Math.round((330 * ph.rows) / ph.cols) } : { width: Math.round((200 * ph.cols) / ph.rows), height: 200 });
    return {
      values: [r.out, Float64Array.of(r.cost)],
      summary: `Sinkhorn on ${p.samples} + ${p.samples} colours, reg ${p.reg}: ${r.iterations} iterations, transport cost ${r.cost.toFixed(5)}`,
      pictures: [r.src.data, r.tgt.data, r.out].map((rgb, k) => ({ rgb, rows: k === 1 ? r.tgt.rows : r.src.rows, cols: k === 1 ? r.tgt.cols : r.src.cols })),
      figure: (uris, narrow) => imageFigure({
        title: `Colour transfer by entropic optimal transport (Sinkhorn, reg ${p.reg})`,
        ...(narrow ? { columns: 1 } : {}),
        panels: [
          { href: uris[0]!, ...pic(r.src, narrow), label: 'source', note: PHOTOS[p.source].label },
          { href: uris[1]!, ...pic(r.tgt, narrow), label: 'target palette', note: PHOTOS[p.target].label },
          { href: uris[2]!, ...pic(r.src, narrow), label: 'result', note: `cost ⟨P, M⟩ = ${r.cost.toFixed(5)}` },
        ],
        caption: `${p.samples} colours of each photograph (seed ${p.seed}) are coupled by the entropic plan; each pixel of the source moves by the displacement of its nearest sampled colour. A larger reg blurs the plan and mixes the palette.`,
      }),
    };
  },
};

// ------------------------------------------------------------------------------------ ot: barycenter

/** Parameters of the digit-barycenter panel: 8 × 8 drawings (values in [0, 1]) and the regularisation. */
export interface BarycenterParams {
  images: number[][];
  reg: number;
}

/** 8 × 8 greyscale in [0, 1] (1 = ink) as RGB, dark ink on white, scaled to `max`. */
export function inkPicture(v: ArrayLike<number>, max: number): Picture {
  const rgb = new Float64Array(64 * 3);
  for (let t = 0; t < 64; t++) rgb.fill(1 - Math.min(1, max > 0 ? v[t]! / max : 0), t * 3, t * 3 + 3);
  return { rgb, rows: 8, cols: 8 };
}

const maxOf = (v: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, v[i]!);
  return m;
};

const barycenterPanel: PanelSpec<BarycenterParams> = {
  needs: ['digits'],
  defaults: (data) => {
    // Three handwritten 3s of the data set (the visitor can clear and redraw each pad).
    const threes = data.digits.images.filter((_, i) => data.digits.labels[i] === 3).slice(0, 3);
    return { images: threes.map((im) => Array.from(im)), reg: 0.004 };
  },
  run(p) {
    const drawn = p.images.filter((im) => im.some((v) => v > 0));
    if (drawn.length < 2) throw new Error(`draw on at least two pads (${drawn.length} has ink)`);
    const normalised = drawn.map((im) => {
      const s = im.reduce((a, b) => a + b, 0);
      return Float64Array.from(im, (v) => v / s);
    });
    const r = convolutionalBarycenter(normalised, 8, 8, { reg: p.reg, tol: 1e-7, maxIter: 5000 });
    const mean = new Float64Array(64);
    normalised.forEach((h) => h.forEach((v, t) => (mean[t] = mean[t]! + v / normalised.length)));
    const shared = Math.max(maxOf(r.barycenter), maxOf(mean));
    const S = 110;
    return {
      values: [r.barycenter, mean],
      summary: `convolutional Wasserstein barycenter of ${drawn.length} drawings, reg ${p.reg}: ${r.iterations} iterations${r.warning ? ` (${r.warning})` : ''}`,
      pictures: [...normalised.map((h) => inkPicture(h, maxOf(h))), inkPicture(r.barycenter, shared), inkPicture(mean, shared)],
      figure: (uris, narrow) => imageFigure({
        ...(narrow ? { columns: 3 } : {}),
        title: `Averaging ${drawn.length} drawn digits: Wasserstein barycenter vs pixel mean (reg ${p.reg})`,
        panels: [
          ...normalised.map((_, k) => ({ href: uris[k]!, width: S, height: S, pixelated: true, label: `drawing ${k + 1}` })),
          { href: uris[normalised.length]!, width: S, height: S, pixelated: true, label: 'Wasserstein', note: 'barycenter' },
          { href: uris[normalised.length + 1]!, width: S, height: S, pixelated: true, label: 'pixel mean', note: 'same grey scale' },
        ],
        caption: 'Each drawing is a distribution of ink over the 8 × 8 grid. The mean adds them pixel by pixel and blurs strokes drawn in different places; the barycenter moves ink along the grid to where the strokes agree.',
      }),
    };
  },
};

// ---------------------------------------------------------------------------------------------- cvar

/** Parameters of the CVaR panel: a quick step-size sweep on the diabetes data. */
export interface CvarParams {
  /** log10 of the smallest and largest step size, and how many on the grid. */
  logMin: number;
  logMax: number;
  steps: number;
  epochs: number;
  beta: number;
  seeds: number;
}

/** Diabetes regression as a CVaR problem: standardised features and target. */
export function diabetesProblem(data: PlaygroundData): CvarProblem {
  const { X, y } = data.diabetes;
  const rows = X.length;
  const cols = X[0]!.length;
  const Xs = new Float64Array(rows * cols);
  const standardise = (col: number[]) => {
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length) || 1;
    return col.map((v) => (v - mean) / sd);
  };
  for (let j = 0; j < cols; j++) standardise(X.map((r) => r[j]!)).forEach((v, i) => (Xs[i * cols + j] = v));
  return { name: 'diabetes (442 × 10)', X: { data: Xs, rows, cols }, y: Float64Array.from(standardise(y)), loss: 'squared' };
}

const cvarPanel: PanelSpec<CvarParams> = {
  needs: ['diabetes'],
  defaults: () => ({ logMin: -3, logMax: 1.5, steps: 7, epochs: 5, beta: 0.9, seeds: 1 }),
  run(p, data, progress) {
    // 10 ** x is JavaScript's pow, which engines may round differently in the last bit: rounding to 6
    // significant digits makes the grid the same everywhere.
    const stepSizes = Array.from({ length: p.steps }, (_, k) => Number((10 ** (p.logMin + ((p.logMax - p.logMin) * k) / Math.max(1, p.steps - 1))).toPrecision(6)));
    const problem = diabetesProblem(data);
    const methods = ['spl+', 'spl', 'sgm'] as const;
    const result = cvarSweep({
      problems: [problem], stepSizes, seeds: p.seeds, epochs: p.epochs, betas: [p.beta], methods: [...methods],
      onProgress: (done, total, label) => progress(0.5 * (done / total), label),
    });
    // The digest covers each run's final CVaR, not the suboptimality the figure shows: the reference
    // optimum CVaR* (cvarReference) is computed with JavaScript's Math.exp and Math.log1p, whose last
    // bit differs between engines (Node 20 and Chromium disagreed at β = 0.99), while the runs are
    // WebAssembly. The same runs as the sweep's, repeated here (milliseconds each) for their objectives.
    const total = methods.length * stepSizes.length * p.seeds;
    const objectives = methods.map((method, i) => Float64Array.from(stepSizes.flatMap((stepSize, j) => Array.from({ length: p.seeds }, (_, seed) => {
      progress(0.5 + 0.5 * ((i * stepSizes.length + j) * p.seeds + seed) / total, `${method} γ = ${stepSize}`);
      return minimizeCvar({ X: problem.X, y: problem.y, loss: problem.loss, beta: p.beta, method, stepSize, schedule: result.schedule, averaging: result.averaging, epochs: p.epochs, seed }).objective;
    }))));
    // They are the runs the figure shows: each gives the sweep's suboptimality back exactly.
    const opt = result.panels[0]!.optimum;
    result.panels[0]!.methods.forEach((m, i) => m.suboptimality.flat().forEach((sub, k) => {
      const f = objectives[i]![k]!;
      if ((Number.isFinite(f) ? Math.max(0, (f - opt) / Math.abs(opt)) : Infinity) !== sub) throw new Error(`cvar panel: run ${m.method} #${k} is not the sweep's`);
    }));
    const best = result.panels[0]!.methods.map((m) => `${m.method}: ${m.goodCount} of ${stepSizes.length} step sizes within ${result.tol * 100} %`);
    return { values: [Float64Array.from(stepSizes), ...objectives], summary: best.join('; '), pictures: [], figure: () => sweepSvg(result) };
  },
};

// -------------------------------------------------------------------------------------------- tucker

/** Parameters of the Tucker panel: the parameter budget (core + factor entries) and the photograph. */
export interface TuckerParams {
  budget: number;
  photo: PhotoName;
}

const tuckerPanel: PanelSpec<TuckerParams> = {
  needs: ['photos'],
  defaults: () => ({ budget: 2400, photo: 'boats' }),
  run(p, data, progress) {
    const ph = data.photos[p.photo];
    if (!ph) throw new Error(`tucker: unknown photograph ${p.photo}`);
    const X = { data: ph.data, shape: [ph.rows, ph.cols, 3] };
    progress(0.1, 'Tucker-packing DP');
    const chosen = selectCoreShape(X, p.budget, { method: 'dp', evaluate: false });
    progress(0.4, 'HOOI on the chosen shape');
    const fit = hooi(X, chosen.shape, { maxIter: 5, tol: 1e-6 });
    const uniform = uniformCoreShape(X.shape, p.budget);
    progress(0.7, 'HOOI on the uniform shape');
    const fitU = hooi(X, uniform, { maxIter: 5, tol: 1e-6 });
    const clip = (t: Float64Array) => t.map((v) => Math.min(1, Math.max(0, v)));
    const rec = clip(tuckerReconstruct(fit).data);
    const recU = clip(tuckerReconstruct(fitU).data);
    const W = Math.round((200 * ph.cols) / ph.rows);
    const entries = ph.rows * ph.cols * 3;
    const size = (narrow?: boolean) => (narrow ? { width: 330, height: Math.round((330 * ph.rows) / ph.cols) } : { width: W, height: 200 });
    return {
      values: [Float64Array.from(chosen.shape), rec, Float64Array.from(uniform), recU],
      summary: `budget ${p.budget}: the DP chooses core ${chosen.shape.join(' × ')} (error ${fit.relativeError.toFixed(4)}), uniform scaling ${uniform.join(' × ')} (error ${fitU.relativeError.toFixed(4)})`,
      pictures: [ph.data, rec, recU].map((rgb) => ({ rgb, rows: ph.rows, cols: ph.cols })),
      figure: (uris, narrow) => imageFigure({
        ...(narrow ? { columns: 1 } : {}),
        title: `Tucker compression of a ${ph.rows} × ${ph.cols} × 3 photograph to ${p.budget} parameters (${((100 * p.budget) / entries).toFixed(1)} % of ${entries})`,
        panels: [
          { href: uris[0]!, ...size(narrow), label: 'original', note: PHOTOS[p.photo].label },
          { href: uris[1]!, ...size(narrow), label: `DP core ${chosen.shape.join('×')}`, note: `relative error ${fit.relativeError.toFixed(4)}` },
          { href: uris[2]!, ...size(narrow), label: `uniform core ${uniform.join('×')}`, note: `relative error ${fitU.relativeError.toFixed(4)}` },
        ],
        caption: 'Both reconstructions are HOOI fits (5 sweeps) with at most the budget in core and factor entries; the Tucker-packing DP chooses how to split the budget between the modes, the uniform rule keeps the same fraction of every mode.',
      }),
    };
  },
};

// -------------------------------------------------------------------------------------------- bounds

/** Parameters of the bounds panel: the drawn digit, 64 values in [0, 1]. */
export interface BoundsParams {
  pixels: number[];
}

const METHODS = ['ibp', 'crown', 'alpha-crown'] as const;
const METHOD_LABEL = { ibp: 'IBP', crown: 'CROWN', 'alpha-crown': 'α-CROWN' } as const;
/** ε grid of the figure and the search range; pixels are in [0, 1]. */
const EPS_MAX = 0.2;
const EPS_GRID = 9;
const BISECTIONS = 10;

/** The smallest margin lower bound y_label − y_j over j ≠ label and the L∞ box of radius ε, clipped to [0, 1]. */
function worstMargin(model: PlaygroundData['model'], x: ArrayLike<number>, label: number, eps: number, method: (typeof METHODS)[number]): number {
  const C = Array.from({ length: 9 }, (_, r) => {
    const j = r < label ? r : r + 1;
    const row = new Array<number>(10).fill(0);
    row[label] = 1;
    row[j] = -1;
    return row;
  });
  const lower = Array.from(x, (v) => Math.max(0, v - eps));
  const upper = Array.from(x, (v) => Math.min(1, v + eps));
  const b = computeBounds(model, { lower, upper }, { method, C, alpha: { iterations: 20 } });
  return Math.min(...b.lower);
}

const boundsPanel: PanelSpec<BoundsParams> = {
  needs: ['model', 'digits'],
  defaults: (data) => ({ pixels: Array.from(data.digits.images[0]!) }),
  run(p, data, progress) {
    if (p.pixels.length !== 64) throw new Error(`bounds: expected 64 pixels, got ${p.pixels.length}`);
    const logits = evaluateNetwork(data.model, p.pixels);
    let label = 0;
    for (let j = 1; j < 10; j++) if (logits[j]! > logits[label]!) label = j;
    const grid = Array.from({ length: EPS_GRID }, (_, k) => (EPS_MAX * k) / (EPS_GRID - 1));
    const curves: Float64Array[] = [];
    const radii: number[] = [];
    METHODS.forEach((method, m) => {
      progress(m / 3, `${METHOD_LABEL[method]}: margins on the ε grid`);
      curves.push(Float64Array.from(grid, (eps) => worstMargin(data.model, p.pixels, label, eps, method)));
      // Largest proven ε by bisection: lo is always proven (ε = 0: the class is the argmax).
      let lo = 0;
      let hi = EPS_MAX;
      if (worstMargin(data.model, p.pixels, label, hi, method) > 0) lo = hi;
      else {
        for (let k = 0; k < BISECTIONS; k++) {
          const mid = (lo + hi) / 2;
          if (worstMargin(data.model, p.pixels, label, mid, method) > 0) lo = mid;
          else hi = mid;
        }
      }
      radii.push(lo);
    });
    const digit = inkPicture(p.pixels, 1);
    const fmt = (e: number) => e.toFixed(4);
    return {
      values: [logits, ...curves, Float64Array.from(radii)],
      summary: `classified as ${label}; largest proven L∞ radius: ${METHODS.map((m, k) => `${METHOD_LABEL[m]} ${fmt(radii[k]!)}`).join(', ')}`,
      pictures: [digit],
      figure: (_uris, narrow) => lineFigure({
        title: `The digits MLP reads a ${label}: the worst margin it can prove over the L∞ ball of radius ε`,
        width: narrow ? 360 : 640,
        panels: [{
          x: { label: 'L∞ radius ε (pixels in [0, 1])', domain: [0, EPS_MAX] },
          y: { label: `proven min_j (y_${label} − y_j)` },
          series: METHODS.map((m, k) => ({ name: `${METHOD_LABEL[m]} (ε* = ${fmt(radii[k]!)})`, x: grid, y: curves[k]! })),
          rules: [{ y: 0, label: 'margin 0: class no longer proven', color: '#666666', dash: '4 3' }],
        }],
        caption: 'A positive proven margin certifies that no perturbation of at most ε per pixel changes the class. ε*: the largest radius proven (bisection). α-CROWN optimises the ReLU relaxation (20 steps) and is never looser than CROWN; IBP propagates boxes.',
      }),
    };
  },
};

// -------------------------------------------------------------------------------------------- policy

/** Parameters of the Nash panel: rock–paper–scissors with KL regularisation β, from a starting policy. */
export interface NashParams {
  beta: number;
  init: [number, number, number];
}

const nashPanel: PanelSpec<NashParams> = {
  needs: [],
  defaults: () => ({ beta: 0.1, init: [0.7, 0.2, 0.1] }),
  run(p) {
    const r = nashMirrorProx(rockPaperScissors(), { beta: p.beta, init: p.init, maxIter: 2000 });
    const it = Array.from(r.history.residual, (_, i) => i);
    // Residual 0 (converged to the last bit) has no place on a log axis: plot from the first positive floor.
    const floor = (v: Float64Array) => Array.from(v, (x) => (x > 0 ? x : NaN));
    return {
      values: [r.pi, r.history.residual, r.history.gap],
      summary: `Nash-MP reaches π = (${Array.from(r.pi, (v) => v.toFixed(4)).join(', ')}) in ${r.iterations} iterations, residual ${r.residual.toExponential(1)}`,
      pictures: [],
      figure: (_uris, narrow) => lineFigure({
        title: `Nash learning from preferences on rock–paper–scissors by Mirror Prox (β = ${p.beta})`,
        width: narrow ? 360 : 640,
        panels: [{
          x: { label: 'iteration' },
          y: { label: 'residual / exploitability', scale: 'log' },
          series: [
            { name: 'fixed-point residual', x: it, y: floor(r.history.residual) },
            { name: 'exploitability', x: it, y: floor(r.history.gap) },
          ],
        }],
        caption: `From (${p.init.join(', ')}), the regularised game's equilibrium is the uniform policy; the residual ‖π − softmax(log μ + Pπ/β)‖₁ and the duality gap fall linearly.`,
      }),
    };
  },
};

// ------------------------------------------------------------------------------------------------ lm

/** Parameters of the language-model panel: a small character transformer trained on Genesis, then sampled. */
export interface LmParams {
  steps: number;
  prompt: string;
  temperature: number;
  length: number;
  seed: number;
}

const lmPanel: PanelSpec<LmParams> = {
  needs: ['genesis'],
  defaults: (_data, seed) => ({ steps: 40, prompt: 'And God said', temperature: 0.8, length: 80, seed }),
  run(p, data, progress) {
    const corpus = data.genesis;
    const tok = nn.charTokenizer(corpus);
    const unknown = [...p.prompt].filter((ch) => !tok.vocab.includes(ch));
    if (unknown.length > 0) throw new Error(`the prompt uses characters Genesis (KJV) does not: ${JSON.stringify(unknown.join(''))}`);
    // The first 90 % of the verses train, the rest (its first 2048 characters) measures perplexity.
    const lines = corpus.split('\n').filter((l) => l.length > 0);
    const cut = Math.floor(lines.length * 0.9);
    const train = tok.encode(lines.slice(0, cut).join('\n') + '\n');
    const held = tok.encode(lines.slice(cut).join('\n') + '\n').subarray(0, 2049);
    const P = nn.initTransformer(tok.size, { dModel: 32, heads: 4, layers: 2, contextLength: 32, dFF: 96, ffn: 'swiglu', seed: p.seed });
    const before = nn.lmPerplexity(P, held).perplexity;
    const r = nn.trainLm(P, train, {
      steps: p.steps, batchSize: 8, seed: p.seed, optimizer: nn.adam({ learningRate: 1e-2 }),
      onProgress: (info) => progress(info.step / p.steps, `training: step ${info.step} of ${p.steps}, loss ${info.loss.toFixed(3)}`),
    });
    const after = nn.lmPerplexity(P, held).perplexity;
    const sample = nn.sampleLm(P, tok.encode(p.prompt), { length: p.length, temperature: p.temperature, topK: 10, seed: p.seed });
    const text = p.prompt + tok.decode(sample);
    const steps = Array.from(r.losses, (_, i) => i + 1);
    return {
      values: [r.losses, Float64Array.from(sample), Float64Array.of(before, after)],
      summary: `${nn.transformerParamCount(P)} parameters, ${r.steps} Adam steps: held-out perplexity ${before.toFixed(2)} → ${after.toFixed(2)} per character. Sample: “${text.replace(/\n/g, ' / ')}”`,
      pictures: [],
      figure: (_uris, narrow) => lineFigure({
        title: `A ${nn.transformerParamCount(P)}-parameter character transformer trained on Genesis (KJV) in your browser`,
        width: narrow ? 360 : 640,
        panels: [{
          x: { label: 'Adam step' },
          y: { label: 'cross-entropy (nats per character)' },
          series: [{ name: 'minibatch loss', x: steps, y: r.losses, width: 1.5, size: 2 }],
          rules: [{ y: Math.log(after), label: `held-out after training: ${Math.log(after).toFixed(2)}` }],
        }],
        caption: `Batch 8 × 32 characters, Adam η = 0.01, seed ${p.seed}; sampled at temperature ${p.temperature} (top-10) from the prompt. A few dozen steps learn the letter statistics; words need many more.`,
      }),
    };
  },
};

// ------------------------------------------------------------------------------------------- federated

/** Parameters of the federated panel: decentralized proximal SGD on a 5-node ring of digit holders. */
export interface FederatedParams {
  steps: number;
  /** Fraction of coordinates top-k compression keeps. */
  topK: number;
  /** λ of the ℓ1 prox variant. */
  l1: number;
  seed: number;
}

const federatedPanel: PanelSpec<FederatedParams> = {
  needs: ['digits'],
  defaults: (_data, seed) => ({ steps: 200, topK: 0.4, l1: 0.002, seed }),
  run(p, data, progress) {
    const X = new Float64Array(data.digits.images.length * 64);
    data.digits.images.forEach((im, i) => X.set(im, i * 64));
    // Node k holds the digits k and k + 5: every node alone sees only two classes.
    const split = federated.partitionClients(X, data.digits.labels, 64, { clients: 5, split: 'labels', trainFraction: 0.8, seed: 0 });
    const variants: [string, federated.DecentralizedOptions][] = [
      ['no tracking', { tracking: false }],
      ['gradient tracking', { tracking: true }],
      [`tracking + top-k ${Math.round(p.topK * 100)} %`, { tracking: true, compressor: federated.topK(p.topK) }],
      [`tracking + ℓ1 prox (λ = ${p.l1})`, { tracking: true, prox: normL1(p.l1) }],
    ];
    const runs = variants.map(([name, extra], k) => {
      progress(k / variants.length, name);
      const r = federated.decentralizedTrain(split, { steps: p.steps, batchSize: 16, learningRate: 0.5, seed: p.seed, evalEvery: 20, ...extra });
      return { name, r };
    });
    const last = (r: (typeof runs)[number]['r']) => r.history[r.history.length - 1]!;
    return {
      values: runs.flatMap(({ r }) => [Float64Array.from(r.history.flatMap((h) => [h.step, h.trainLoss, h.testAccuracy, h.consensusError, h.density]))]),
      summary: runs.map(({ name, r }) => `${name}: test accuracy ${(100 * last(r).testAccuracy).toFixed(1)} %, consensus error ${last(r).consensusError.toExponential(1)}, density ${last(r).density.toFixed(2)}`).join('; '),
      pictures: [],
      figure: (_uris, narrow) => lineFigure({
        title: `Decentralized proximal SGD on a 5-node ring; node k holds only the digits k and k + 5 (${p.steps} steps)`,
        columns: narrow ? 1 : 3,
        width: narrow ? 360 : 960,
        panels: [
          { title: 'training loss', x: { label: 'step' }, y: { label: 'cross-entropy', scale: 'log' }, series: runs.map(({ name, r }) => ({ name, x: r.history.map((h) => h.step), y: r.history.map((h) => h.trainLoss) })) },
          { title: 'disagreement between nodes', x: { label: 'step' }, y: { label: 'consensus error', scale: 'log' }, series: runs.map(({ name, r }) => ({ name, x: r.history.map((h) => h.step), y: r.history.map((h) => h.consensusError) })) },
          { title: 'test accuracy', x: { label: 'step' }, y: { label: 'accuracy' }, series: runs.map(({ name, r }) => ({ name, x: r.history.map((h) => h.step), y: r.history.map((h) => h.testAccuracy) })) },
        ],
        caption: `Softmax regression on every node, neighbours averaged with Metropolis weights each step, seed ${p.seed}. The averaged models reach similar accuracy; gradient tracking keeps the nodes' models closer together (consensus error), also when gossip sends only the largest ${Math.round(p.topK * 100)} % of coordinates (with error feedback), and the ℓ1 prox zeroes weights (density in the summary below).`,
      }),
    };
  },
};

// ------------------------------------------------------------------------------------------ forecast

/** Parameters of the forecast panel: RLinear's lookback and the horizon held out at the end of the births series. */
export interface ForecastParams {
  lookback: number;
  horizon: number;
}

const forecastPanel: PanelSpec<ForecastParams> = {
  needs: ['births'],
  defaults: () => ({ lookback: 364, horizon: 56 }),
  run(p, data) {
    const y = data.births.births;
    const n = y.length;
    const H = p.horizon;
    const train = y.slice(0, n - H);
    const truth = y.slice(n - H);
    const model = fitRLinear(train, { lookback: p.lookback, horizon: H, stride: 2 });
    const rl = model.forecast(train, H);
    const naive = seasonalNaive(train, 7, H);
    const mse = (f: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < H; i++) s += (f[i]! - truth[i]!) ** 2;
      return s / H;
    };
    // The spectrum of the training part (mean removed), against the period in days.
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    const power = periodogram(train.map((v) => v - mean));
    // For the figure, the strongest frequency in each of 120 bins of equal width in log(period) between 2
    // and 400 days (a marker per frequency would be ~1800 of them); the digest covers every frequency.
    const BINS = 120;
    const best = new Array<number>(BINS).fill(-1);
    const ratio = 400 / 2;
    for (let k = 1; k < power.length; k++) {
      const period = train.length / k;
      if (period < 2 || period > 400) continue;
      // Bin edges 2·ratio^(b/BINS): JavaScript's pow, which only places markers in the figure.
      let b = 0;
      while (b < BINS - 1 && period >= 2 * ratio ** ((b + 1) / BINS)) b++;
      if (best[b]! < 0 || power[k]! > power[best[b]!]!) best[b] = k;
    }
    const kept = best.filter((k) => k >= 0);
    const periods = kept.map((k) => train.length / k);
    const powers = kept.map((k) => power[k]!);
    const shown = 3 * H;
    const days = Array.from({ length: shown }, (_, i) => i - (shown - H));
    const history = y.slice(n - shown);
    const pad = (f: ArrayLike<number>) => [...new Array<number>(shown - H).fill(NaN), ...Array.from(f)];
    const k = (v: number) => Math.sqrt(v).toFixed(0);
    return {
      values: [rl, naive, power],
      summary: `last ${H} days of 2003 held out: RLinear (lookback ${p.lookback}) RMSE ${k(mse(rl))} births/day, seasonal naive (7 days) ${k(mse(naive))}`,
      pictures: [],
      figure: (_uris, narrow) => lineFigure({
        title: `US daily births: the last ${H} days of 2003 forecast by RLinear (lookback ${p.lookback}) and by the weekly seasonal-naive rule`,
        columns: narrow ? 1 : 2,
        width: narrow ? 360 : 960,
        panels: [
          {
            title: 'forecast vs what happened',
            x: { label: `day (0 = ${data.births.dates[n - H]})` },
            y: { label: 'births per day' },
            series: [
              { name: 'observed', x: days, y: history, width: 1.5, size: 1.5 },
              { name: `RLinear (RMSE ${k(mse(rl))})`, x: days, y: pad(rl), width: 1.5, size: 2 },
              { name: `seasonal naive (RMSE ${k(mse(naive))})`, x: days, y: pad(naive), width: 1.5, size: 2 },
            ],
          },
          {
            title: 'periodogram of the training days',
            x: { label: 'period (days, log scale)', scale: 'log' },
            y: { label: 'power', scale: 'log' },
            series: [{ name: 'power', x: periods, y: powers, markersOnly: true, size: 1.5 }],
          },
        ],
        caption: 'RLinear: one ridge-regularised linear map from the last lookback days to the next horizon days, on instance-normalised windows. The periodogram (FFT in WebAssembly) shows why a weekly rule does well: the power sits at 7 days and its harmonics, and at the year.',
      }),
    };
  },
};

// -------------------------------------------------------------------------------------------- sparse

/** Parameters of the sparse panel: binary sparse coding on a seeded 5 × 5 bars test. */
export interface SparseParams {
  /** Images in the data set. */
  N: number;
  /** Standard deviation σ of the pixel noise (bars have value 10). */
  noise: number;
  /** EM iterations. */
  iterations: number;
  seed: number;
}

/** R × R field (any sign) as RGB: white at 0, dark at the largest entry of `max`, negative entries in red. */
function fieldPicture(v: ArrayLike<number>, R: number, max: number): Picture {
  const rgb = new Float64Array(R * R * 3);
  for (let t = 0; t < R * R; t++) {
    const a = Math.min(1, Math.abs(v[t]!) / max);
    if (v[t]! >= 0) rgb.fill(1 - a, t * 3, t * 3 + 3);
    else rgb.set([1, 1 - a, 1 - a], t * 3);
  }
  return { rgb, rows: R, cols: R };
}

const sparsePanel: PanelSpec<SparseParams> = {
  needs: [],
  defaults: (_data, seed) => ({ N: 200, noise: 2, iterations: 30, seed }),
  run(p, _data, progress) {
    const R = 5;
    const H = 2 * R;
    const bars = barsTest({ N: p.N, size: R, sigma: p.noise, seed: p.seed });
    const fit = binarySparseCoding(bars.Y, {
      H, Hprime: 8, gamma: 5, maxIter: p.iterations, seed: p.seed,
      onProgress: (info) => progress(info.iteration / p.iterations, `EM iteration ${info.iteration}`),
    });
    const match = matchFields(fit.W, bars.W);
    const D = R * R;
    const field = (M: { data: Float64Array }, h: number) => M.data.subarray(h * D, (h + 1) * D);
    // One grey scale for the data, one for the fields (the bars' value, 10).
    let dataMax = 0;
    for (let i = 0; i < H * D; i++) dataMax = Math.max(dataMax, Math.abs(bars.Y.data[i]!));
    const S = 62;
    const recovered = match.cosine.reduce((c, v) => c + (v > 0.95 ? 1 : 0), 0);
    return {
      values: [fit.W.data, Float64Array.of(fit.pi, fit.sigma), fit.logLikelihood, match.cosine],
      summary: `${p.N} images, σ = ${p.noise}, ${fit.iterations} EM iterations: ${recovered} of ${H} bars recovered (cosine > 0.95; worst ${match.minCosine.toFixed(3)}), π̂ = ${fit.pi.toFixed(3)} (true 0.2), σ̂ = ${fit.sigma.toFixed(2)}`,
      pictures: [
        ...Array.from({ length: H }, (_, n) => fieldPicture(bars.Y.data.subarray(n * D, (n + 1) * D), R, dataMax)),
        ...Array.from({ length: H }, (_, h) => fieldPicture(field(bars.W, h), R, 10)),
        ...Array.from({ length: H }, (_, h) => fieldPicture(field(fit.W, match.pairs[h]!), R, 10)),
      ],
      figure: (uris, narrow) => imageFigure({
        title: `Binary sparse coding learns the ${H} bars from ${p.N} noisy images (σ = ${p.noise})`,
        columns: narrow ? 5 : H,
        gap: 8,
        panels: [
          ...Array.from({ length: H }, (_, n) => ({ href: uris[n]!, width: S, height: S, pixelated: true, label: `image ${n + 1}` })),
          ...Array.from({ length: H }, (_, h) => ({ href: uris[H + h]!, width: S, height: S, pixelated: true, label: `true ${h + 1}` })),
          ...Array.from({ length: H }, (_, h) => ({
            href: uris[2 * H + h]!, width: S, height: S, pixelated: true, label: `learned`, note: `cos ${match.cosine[h]!.toFixed(3)}`,
          })),
        ],
        caption: 'Top: ten of the training images (sums of random bars plus Gaussian noise). Middle: the true fields. Bottom: the learned field paired with each, by cosine. Truncated variational EM with annealing; dark = 10, white = 0, red = negative.',
      }),
    };
  },
};

// ---------------------------------------------------------------------------------------------- fair

/** Parameters of the fair panel: a seeded random instance of mixed goods and chores. */
export interface FairParams {
  agents: number;
  items: number;
  /** 'mixed': each agent's own integer utilities in −5…5; 'same-size': |u_i(o)| = the item's weight (1…5) for every agent, the sign drawn per agent. */
  kind: 'mixed' | 'same-size';
  seed: number;
}

/** The seeded utilities of the fair panel: integers, drawn with floor(u·k) (IEEE-exact, so Node and the browser agree). */
export function fairUtilities(p: FairParams): number[][] {
  const { agents: n, items: m } = p;
  const v = rng(p.seed).uniform(n * m + m);
  return Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, o) => {
    const r = v[i * m + o]!;
    if (p.kind === 'mixed') return Math.floor(r * 11) - 5;
    const weight = Math.floor(v[n * m + o]! * 5) + 1;
    return r < 0.5 ? -weight : weight;
  }));
}

const PROPERTIES = ['ef', 'ef1', 'efx', 'efx0', 'ef1Three', 'efxThree', 'po'] as const;
const PROPERTY_LABELS = ['EF', 'EF1', 'EFX', 'EFX₀', 'EF1³', 'EFX³', 'PO'];

/** The allocation as a table: agents × items, each cell the agent's utility, the owner's cell filled; the bundle values and verdicts beside it. */
function allocationTable(title: string, u: number[][], owner: Int32Array, verdicts: (boolean | null)[], y0: number, narrow: boolean): { svg: string; height: number } {
  const n = u.length;
  const m = u[0]!.length;
  const cw = narrow ? 22 : 40;
  const ch = narrow ? 22 : 26;
  const left = narrow ? 56 : 74;
  const fs = narrow ? 10 : 12;
  const parts: string[] = [];
  const x0 = 12;
  parts.push(`<text x="${x0}" y="${y0 + 14}" font-size="${fs + 2}" font-weight="bold">${esc(title)}</text>`);
  const top = y0 + 24;
  for (let o = 0; o < m; o++) {
    const good = u.some((row) => row[o]! > 0);
    parts.push(`<text x="${x0 + left + o * cw + cw / 2}" y="${top + 12}" font-size="${fs - 1}" text-anchor="middle" fill="${good ? '#006d4f' : '#a14100'}">${good ? 'g' : 'c'}${o + 1}</text>`);
  }
  parts.push(`<text x="${x0 + left + m * cw + 8}" y="${top + 12}" font-size="${fs - 1}">${narrow ? 'sum' : 'own bundle'}</text>`);
  for (let i = 0; i < n; i++) {
    const y = top + 18 + i * ch;
    parts.push(`<text x="${x0}" y="${y + ch / 2 + 4}" font-size="${fs}">agent ${i + 1}</text>`);
    let value = 0;
    for (let o = 0; o < m; o++) {
      const v = u[i]![o]!;
      const mine = owner[o] === i;
      if (mine) value += v;
      const fill = mine ? (v > 0 ? '#009E73' : v < 0 ? '#D55E00' : '#888888') : '#ffffff';
      parts.push(`<rect x="${x0 + left + o * cw}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${fill}" stroke="#bbbbbb"/>`);
      parts.push(`<text x="${x0 + left + o * cw + (cw - 2) / 2}" y="${y + ch / 2 + 3}" font-size="${fs}" text-anchor="middle" fill="${mine ? '#ffffff' : '#333333'}"${mine ? ' font-weight="bold"' : ''}>${v}</text>`);
    }
    parts.push(`<text x="${x0 + left + m * cw + 8}" y="${y + ch / 2 + 4}" font-size="${fs}">${value}</text>`);
  }
  const vy = top + 18 + n * ch + 16;
  const verdict = (v: boolean | null) => (v === null ? '?' : v ? '✓' : '✗');
  parts.push(`<text x="${x0}" y="${vy}" font-size="${fs}">${PROPERTY_LABELS.map((l, k) => `${l} ${verdict(verdicts[k]!)}`).join(' · ')}</text>`);
  return { svg: parts.join(''), height: vy - y0 + 14 };
}

const fairPanel: PanelSpec<FairParams> = {
  needs: [],
  defaults: (_data, seed) => ({ agents: 4, items: 12, kind: 'mixed', seed }),
  run(p) {
    const u = fairUtilities(p);
    const runs = ([['double round-robin', doubleRoundRobin(u)], ['greedy EFX + PO', greedyEfxPo(u)]] as const).map(([name, owner]) => {
      const report = checkAllocation(u, owner);
      return { name, owner, report, verdicts: PROPERTIES.map((k) => report[k]) };
    });
    const code = (v: boolean | null) => (v === null ? -1 : v ? 1 : 0);
    const holds = (r: (typeof runs)[number]) => PROPERTY_LABELS.filter((_, k) => r.verdicts[k] === true).join(', ') || 'none';
    return {
      values: [Float64Array.from(u.flat()), ...runs.flatMap((r) => [Float64Array.from(r.owner), Float64Array.from(r.verdicts, code)])],
      summary: runs.map((r) => `${r.name}: ${holds(r)}`).join('; '),
      pictures: [],
      figure: (_uris, narrow) => {
        const width = narrow ? 360 : 760;
        const fs = narrow ? 13 : 15;
        let y = 8;
        const body: string[] = [`<text x="12" y="${y + fs}" font-size="${fs}" font-weight="bold">${esc(`${p.agents} agents, ${p.items} items (${p.kind === 'mixed' ? 'mixed utilities' : 'same size for all agents'}), seed ${p.seed}`)}</text>`];
        y += fs + 12;
        for (const r of runs) {
          const t = allocationTable(r.name, u, r.owner, r.verdicts, y, !!narrow);
          body.push(t.svg);
          y += t.height + 10;
        }
        const note = narrow
          ? ['Filled cell: the item goes to that agent', '(green: liked, orange: disliked).', 'g = good (someone likes it), c = chore.', '✓ / ✗: each property checked exactly.']
          : ['Each cell is the agent\'s utility for the item; the filled cell is its owner (green: the owner likes it, orange: a chore it bears).', 'g = good (someone likes it), c = chore (nobody does). ✓ / ✗: each property checked exactly, PO by exhaustive search.'];
        note.forEach((line) => {
          body.push(`<text x="12" y="${y + 11}" font-size="11.5" fill="#444444">${esc(line)}</text>`);
          y += 16;
        });
        return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${y + 6}" width="${width}" height="${y + 6}" font-family="DejaVu Sans, Verdana, Arial, Helvetica, sans-serif" role="img"><rect width="${width}" height="${y + 6}" fill="#ffffff"/>${body.join('')}</svg>`;
      },
    };
  },
};

// -------------------------------------------------------------------------------------------- causal

/** Parameters of the causal panel: a simulated study with a hidden confounder. */
export interface CausalParams {
  /** Sample size. */
  n: number;
  /** Which bridge sees |X| instead of X ('none', 'outcome', 'treatment', 'both'). */
  misspecify: 'none' | 'outcome' | 'treatment' | 'both';
  seed: number;
}

const causalPanel: PanelSpec<CausalParams> = {
  needs: [],
  defaults: (_data, seed) => ({ n: 300, misspecify: 'none', seed }),
  run(p) {
    const sim = simulateProximal({ n: p.n, seed: p.seed, misspecify: p.misspecify });
    const fit = proximalDoseResponse(sim.data, { grid: sim.grid, outcomeCovariates: sim.outcomeCovariates, treatmentCovariates: sim.treatmentCovariates, treatmentRange: sim.treatmentRange });
    const mae = (c: Float64Array) => c.reduce((s, v, i) => s + Math.abs(v - sim.truth[i]!), 0) / c.length;
    const g = Array.from(fit.grid);
    const a = sim.data.a as Float64Array;
    const y = sim.data.y as Float64Array;
    const curves = [
      { name: `doubly robust (MAE ${mae(fit.dr).toFixed(2)})`, y: fit.dr },
      { name: `outcome bridge (MAE ${mae(fit.por).toFixed(2)})`, y: fit.por },
      { name: `treatment bridge (MAE ${mae(fit.pipw).toFixed(2)})`, y: fit.pipw },
    ];
    return {
      values: [fit.grid, fit.dr, fit.por, fit.pipw],
      summary: `n = ${p.n}, misspecified: ${p.misspecify}; mean absolute error over ${g.length} doses — doubly robust ${mae(fit.dr).toFixed(3)}, outcome bridge ${mae(fit.por).toFixed(3)}, treatment bridge ${mae(fit.pipw).toFixed(3)}`,
      pictures: [],
      figure: (_uris, narrow) => lineFigure({
        title: `Proximal causal inference: the dose-response curve with a hidden confounder (n = ${p.n}${p.misspecify === 'none' ? '' : `, ${p.misspecify} bridge${p.misspecify === 'both' ? 's' : ''} misspecified`})`,
        columns: narrow ? 1 : 2,
        width: narrow ? 360 : 960,
        panels: [
          {
            title: 'estimates vs the true curve β(a)',
            x: { label: 'dose a' },
            y: { label: 'E[Y | do(A = a)]' },
            series: [{ name: 'truth', x: g, y: sim.truth }, ...curves.map((c) => ({ name: c.name, x: g, y: c.y }))],
          },
          {
            title: 'the observed sample: outcome against dose',
            x: { label: 'dose A' },
            y: { label: 'outcome Y' },
            series: [
              { name: 'observations (A, Y)', x: a, y, markersOnly: true, size: 1.8, color: '#8c8c8c', marker: 'circle', filled: true },
              { name: 'truth', x: g, y: sim.truth, color: '#0072B2', dash: '', marker: 'circle', filled: true, size: 5, width: 3.4 },
            ],
          },
        ],
        caption: 'A hidden U drives both dose and outcome, so the cloud of observations is steeper than the causal curve. Two noisy proxies of U (Z on the treatment side, W on the outcome side) identify it: kernel bridge functions, fitted by min–max estimation in WebAssembly, give the outcome-bridge, treatment-bridge and doubly robust curves.',
      }),
    };
  },
};

// -------------------------------------------------------------------------------------------- saddle

/** Parameters of the saddle panel: online classification on a seeded stream, with the hinge or the logistic loss (the logistic loss is computed by proxkit's WASM scalar kernels, so its digest is the same in Node and every browser too). */
export interface SaddleParams {
  /** The loss φ(y⟨a, w⟩): 'logistic' (log(1 + e^{−u})) or 'hinge' (max(0, 1 − u)). */
  loss: 'logistic' | 'hinge';
  /** Rounds T of the stream. */
  rounds: number;
  /** Fraction of labels flipped. */
  flip: number;
  /** Radius of the comparator ball ‖u‖ ≤ radius. */
  radius: number;
  seed: number;
}

/** Learning rates η of the grid (ηₜ = η/√t), from 10⁻² to 10² in half decades. */
const ETAS = [0.01, 0.0316, 0.1, 0.316, 1, 3.16, 10, 31.6, 100];

const saddlePanel: PanelSpec<SaddleParams> = {
  needs: [],
  defaults: (_data, seed) => ({ loss: 'logistic', rounds: 400, flip: 0.1, radius: 3, seed }),
  run(p, _data, progress) {
    if (p.loss !== 'logistic' && p.loss !== 'hinge') throw new Error(`saddle panel: loss must be 'logistic' or 'hinge' (got ${String(p.loss)})`);
    const d = 10;
    const T = p.rounds;
    const r = rng(p.seed);
    const A = r.normal(T * d);
    const wStar = r.normal(d);
    const u = r.uniform(T);
    const X = Array.from({ length: T }, (_, t) => A.subarray(t * d, (t + 1) * d));
    const y = X.map((row, t) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += row[k]! * wStar[k]!;
      return (s >= 0 ? 1 : -1) * (u[t]! < p.flip ? -1 : 1);
    });
    const best = bestInHindsight(X, y, p.loss, p.radius);
    const runs = ETAS.map((eta, k) => {
      progress(k / ETAS.length, `η = ${eta}`);
      return { eta, ogd: ogd(X, y, p.loss, { eta, comparator: best.u }), implicit: implicitFtrl(X, y, p.loss, { eta, comparator: best.u }) };
    });
    const final = (r: { cumulativeLoss: number[] }) => r.cumulativeLoss[T - 1]! / T;
    const regret = (r: { regret?: number[] }) => r.regret![T - 1]!;
    const ogdLoss = runs.map((x) => final(x.ogd));
    const impLoss = runs.map((x) => final(x.implicit));
    const spread = (v: number[]) => Math.max(...v) / Math.min(...v);
    const bestOf = (v: number[]) => v.indexOf(Math.min(...v));
    return {
      values: [best.u, Float64Array.of(best.totalLoss), ...runs.flatMap((x) => [Float64Array.from(x.ogd.regret!), Float64Array.from(x.implicit.regret!)])],
      summary: `${p.loss} loss, ${T} rounds, ${Math.round(p.flip * 100)} % labels flipped: best η for OGD ${ETAS[bestOf(ogdLoss)]} (regret ${regret(runs[bestOf(ogdLoss)]!.ogd).toFixed(1)}), for implicit FTRL ${ETAS[bestOf(impLoss)]} (regret ${regret(runs[bestOf(impLoss)]!.implicit).toFixed(1)}); over the grid the average loss varies ${spread(ogdLoss).toFixed(1)}× for OGD and ${spread(impLoss).toFixed(1)}× for implicit FTRL`,
      pictures: [],
      figure: (_uris, narrow) => {
        const ref = best.totalLoss / T;
        const rounds = Array.from({ length: T }, (_, t) => t + 1);
        const big = runs[6]!;
        return lineFigure({
          title: `Online ${p.loss}-loss classification on ${T} rounds: OGD vs implicit FTRL over a grid of learning rates`,
          columns: narrow ? 1 : 2,
          width: narrow ? 360 : 960,
          panels: [
            {
              title: 'average loss per round after T rounds',
              x: { label: 'learning rate η (ηₜ = η/√t)', scale: 'log' },
              y: { label: 'average loss', scale: 'log' },
              series: [{ name: 'OGD', x: ETAS, y: ogdLoss }, { name: 'implicit FTRL', x: ETAS, y: impLoss }],
              rules: [{ y: ref, label: `best fixed u in hindsight (‖u‖ ≤ ${p.radius})`, color: '#555555', dash: '4 3' }],
            },
            {
              title: `regret over the rounds at η = ${big.eta}`,
              x: { label: 'round t' },
              y: { label: 'regret Σ ℓₛ(xₛ) − ℓₛ(u)' },
              series: [
                { name: `OGD at η = ${big.eta}`, x: rounds, y: big.ogd.regret!, color: '#0072B2', dash: '', size: 0.6, width: 2 },
                { name: `implicit FTRL at η = ${big.eta}`, x: rounds, y: big.implicit.regret!, color: '#D55E00', dash: '8 4', size: 0.6, width: 2 },
              ],
            },
          ],
          caption: 'OGD steps along the gradient of the last loss and overshoots when η is large; implicit FTRL takes the prox of the last loss instead, so a too-large η costs far less. Regret is measured against the best fixed predictor in hindsight in the ball.',
        });
      },
    };
  },
};

// --------------------------------------------------------------------------------------- constrained

/** Parameters of the constrained panel: the nearest point of a circle in ℝⁿ to a seeded target. */
export interface ConstrainedParams {
  /** Dimension n. */
  n: number;
  seed: number;
}

const constrainedPanel: PanelSpec<ConstrainedParams> = {
  needs: [],
  defaults: (_data, seed) => ({ n: 30, seed }),
  run(p, _data, progress) {
    const n = p.n;
    const target = rng(p.seed).normal(n);
    // min ‖x − p‖² subject to Σx = 1 and ‖x‖² = 1 (a circle: the sphere cut by a hyperplane).
    const problem = {
      dimension: n, constraints: 2,
      objective: (x: Float64Array) => { let s = 0; for (let i = 0; i < n; i++) s += (x[i]! - target[i]!) ** 2; return s; },
      gradient: (x: Float64Array, g: Float64Array) => { for (let i = 0; i < n; i++) g[i] = 2 * (x[i]! - target[i]!); },
      hessian: (_x: Float64Array, H: Float64Array) => { H.fill(0); for (let i = 0; i < n; i++) H[i * n + i] = 2; },
      constraint: (x: Float64Array, c: Float64Array) => {
        let s = 0;
        let q = 0;
        for (let i = 0; i < n; i++) { s += x[i]!; q += x[i]! * x[i]!; }
        c[0] = s - 1;
        c[1] = q - 1;
      },
      jacobian: (x: Float64Array, J: Float64Array) => { for (let i = 0; i < n; i++) { J[i] = 1; J[n + i] = 2 * x[i]!; } },
      constraintHessian: (_x: Float64Array, l: Float64Array, H: Float64Array) => { H.fill(0); for (let i = 0; i < n; i++) H[i * n + i] = 2 * l[1]!; },
    };
    // The closed form it is checked against: the circle's centre 1/n plus its radius √(1 − 1/n) times the
    // unit direction of the target's component in the hyperplane Σx = 0.
    const mean = target.reduce((a, b) => a + b, 0) / n;
    const dir = target.map((v) => v - mean);
    const norm = Math.sqrt(dir.reduce((a, b) => a + b * b, 0));
    const truth = dir.map((v) => 1 / n + (Math.sqrt(1 - 1 / n) * v) / norm);
    const x0 = new Array<number>(n).fill(1 / n);
    x0[0] = x0[0]! + 0.5;
    const variants = [['exact LU', { solver: 'exact' }], ['row sketch (block Kaczmarz)', { solver: 'sketch', sketch: 'rows' }], ['count sketch', { solver: 'sketch', sketch: 'count' }]] as const;
    const runs = variants.map(([name, o], k) => {
      progress(k / variants.length, name);
      return { name, r: exactAugmentedLagrangian(problem, { x0, ...o, tol: 1e-10, seed: p.seed }) };
    });
    const err = (x: Float64Array) => Math.sqrt(x.reduce((a, v, i) => a + (v - truth[i]!) ** 2, 0));
    const idx = Array.from({ length: n }, (_, i) => i + 1);
    return {
      values: runs.flatMap(({ r }) => [r.x, Float64Array.from(r.history, (h) => h.kktResidual)]),
      summary: runs.map(({ name, r }) => `${name}: ${r.iterations} iterations, KKT residual ${r.kktResidual.toExponential(1)}, distance to the closed form ${err(r.x).toExponential(1)}`).join('; '),
      pictures: [],
      figure: (_uris, narrow) => lineFigure({
        title: `The point of the circle {Σx = 1, ‖x‖ = 1} in ℝ${String(n).replace(/\d/g, (c) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(c)]!)} nearest to a random point (exact augmented Lagrangian)`,
        columns: narrow ? 1 : 2,
        width: narrow ? 360 : 960,
        panels: [
          {
            title: 'KKT residual per Newton step',
            x: { label: 'iteration' },
            y: { label: '‖(∇ₓL, c)‖', scale: 'log' },
            series: runs.map(({ name, r }) => ({ name, x: r.history.map((h) => h.iteration), y: r.history.map((h) => h.kktResidual) })),
          },
          {
            title: 'the solution against the closed form',
            x: { label: 'coordinate i' },
            y: { label: 'value' },
            series: [
              { name: 'target point', x: idx, y: target, markersOnly: true, color: '#8c8c8c', marker: 'circle', filled: true, size: 2.5 },
              { name: 'closed form', x: idx, y: truth, markersOnly: true, color: '#000000', marker: 'square', filled: false, size: 6 },
              { name: 'solution (exact LU)', x: idx, y: runs[0]!.r.x, markersOnly: true, color: '#0072B2', marker: 'circle', filled: true, size: 3 },
            ],
          },
        ],
        caption: 'Each Newton–KKT system is solved by LU or inexactly by sketch-and-project, to an accuracy that tightens as the residual falls; a line search on the exact augmented Lagrangian picks the step. Near the solution unit steps are taken and the residual falls superlinearly.',
      }),
    };
  },
};

// ---------------------------------------------------------------------------------------- fractional

/** Parameters of the fractional panel: a sparse Fisher discriminant between two digits. */
export interface FractionalParams {
  /** The two digit classes (0–9, distinct); the second is the positive class. */
  a: number;
  b: number;
  /** λ of the ℓ1 term. */
  lambda: number;
  /** Seed of the 70/30 train/test split. */
  seed: number;
}

/** The λ path the panel runs coordinate descent over (the sparsity–accuracy trade-off). */
export const FRACTIONAL_LAMBDAS = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3];

/** A signed 8 × 8 weight picture: blue for weight towards the second digit, orange for the first, white for 0. */
function signedPicture(w: ArrayLike<number>, max: number): Picture {
  const rgb = new Float64Array(64 * 3);
  for (let t = 0; t < 64; t++) {
    const s = max > 0 ? Math.min(1, Math.abs(w[t]!) / max) : 0;
    // Okabe–Ito blue (0, 114, 178) and vermilion (213, 94, 0), faded towards white as |w| falls.
    const [r, g, b] = w[t]! >= 0 ? [0, 114 / 255, 178 / 255] : [213 / 255, 94 / 255, 0];
    rgb.set([1 - s * (1 - r), 1 - s * (1 - g), 1 - s * (1 - b)], t * 3);
  }
  return { rgb, rows: 8, cols: 8 };
}

/** Two SVG figures (from lineFigure / imageFigure) one above the other, as one SVG. */
function stackFigures(svgs: string[]): string {
  let y = 0;
  let width = 0;
  const parts = svgs.map((svg) => {
    const open = /^<svg[^>]*>/.exec(svg)![0];
    const w = Number(/width="([\d.]+)"/.exec(open)![1]);
    const h = Number(/height="([\d.]+)"/.exec(open)![1]);
    const font = /font-family="([^"]*)"/.exec(open)?.[1] ?? '';
    const inner = svg.slice(open.length, svg.lastIndexOf('</svg>'));
    const g = `<g transform="translate(0,${y})" font-family="${font}">${inner}</g>`;
    y += h;
    width = Math.max(width, w);
    return g;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}"><rect width="${width}" height="${y}" fill="#fff"/>${parts.join('')}</svg>`;
}

const fractionalPanel: PanelSpec<FractionalParams> = {
  needs: ['digits'],
  defaults: (_data, seed) => ({ a: 3, b: 8, lambda: 0.01, seed }),
  run(p, data, progress) {
    if (!(Number.isInteger(p.a) && Number.isInteger(p.b) && p.a >= 0 && p.b <= 9 && p.b >= 0 && p.a <= 9 && p.a !== p.b)) {
      throw new Error(`fractional panel: choose two different digits 0–9 (got ${p.a} and ${p.b})`);
    }
    const rows: number[] = [];
    data.digits.labels.forEach((l, i) => (l === p.a || l === p.b) && rows.push(i));
    // A seeded 70/30 split: rows ordered by seeded uniforms (comparisons only, so exact everywhere).
    const u = rng(p.seed).uniform(rows.length);
    const order = rows.map((r, k) => [r, u[k]!] as const).sort((x, y) => x[1] - y[1]).map((x) => x[0]);
    const nTest = Math.round(0.3 * rows.length);
    const test = order.slice(0, nTest);
    const train = order.slice(nTest);
    const X = (idx: number[]) => idx.map((i) => data.digits.images[i]!);
    const y = (idx: number[]) => idx.map((i) => (data.digits.labels[i] === p.b ? 1 : 0));
    const Xtr = X(train);
    const ytr = y(train);
    const dot = (w: ArrayLike<number>, x: ArrayLike<number>) => { let s = 0; for (let j = 0; j < 64; j++) s += w[j]! * x[j]!; return s; };
    // Classify by wᵀx against the midpoint of the two projected training class means.
    const accuracy = (w: Float64Array) => {
      let m0 = 0, m1 = 0, n1 = 0;
      Xtr.forEach((x, i) => {
        if (ytr[i] === 1) { m1 += dot(w, x); n1++; } else m0 += dot(w, x);
      });
      const cut = (m0 / (Xtr.length - n1) + m1 / n1) / 2;
      let right = 0;
      for (const i of test) right += ((dot(w, data.digits.images[i]!) > cut ? p.b : p.a) === data.digits.labels[i] ? 1 : 0);
      return right / test.length;
    };
    const solve = (lambda: number) => {
      const problem = sparseFisherProblem(Xtr, ytr, lambda);
      return { problem, cd: fractionalCD(problem, { x0: problem.e as Float64Array }) };
    };
    const path = FRACTIONAL_LAMBDAS.map((lambda, k) => {
      progress(k / (FRACTIONAL_LAMBDAS.length + 2), `coordinate descent at λ = ${lambda}`);
      const { cd } = solve(lambda);
      return { lambda, nonzeros: cd.x.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0), accuracy: accuracy(cd.x) };
    });
    progress(FRACTIONAL_LAMBDAS.length / (FRACTIONAL_LAMBDAS.length + 2), `coordinate descent and Dinkelbach at λ = ${p.lambda}`);
    const t0 = performance.now();
    const { problem, cd } = solve(p.lambda);
    const t1 = performance.now();
    const dk = fractionalDinkelbach(problem, { x0: problem.e as Float64Array });
    const t2 = performance.now();
    const best = Math.min(cd.objective, dk.objective);
    const nnz = (w: Float64Array) => w.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0);
    const classMean = (label: number) => {
      const m = new Float64Array(64);
      let c = 0;
      for (const i of train) if (data.digits.labels[i] === label) { c++; for (let j = 0; j < 64; j++) m[j] = m[j]! + data.digits.images[i]![j]!; }
      return m.map((v) => v / c);
    };
    let wMax = 0;
    for (const w of [cd.x, dk.x]) for (let j = 0; j < 64; j++) wMax = Math.max(wMax, Math.abs(w[j]!));
    const gap = (h: number[]) => {
      const xs: number[] = [];
      const ys: number[] = [];
      // F − F*: the points at F* itself have no place on a log axis and are left out.
      h.forEach((f, k) => { if (f - best > 0) { xs.push(k); ys.push(f - best); } });
      return { x: xs, y: ys };
    };
    const cdGap = gap(cd.history);
    const dkGap = gap(dk.history);
    const rel = Math.abs(cd.objective - dk.objective) / Math.abs(best);
    return {
      values: [
        cd.x, Float64Array.from(cd.history), dk.x, Float64Array.from(dk.history),
        Float64Array.from(path, (q) => q.nonzeros), Float64Array.from(path, (q) => q.accuracy),
      ],
      summary: `${p.a} vs ${p.b} (${train.length} training, ${test.length} test images), λ = ${p.lambda}: coordinate descent F = ${cd.objective.toPrecision(8)} in ${cd.iterations} sweeps (${(t1 - t0).toFixed(0)} ms), Dinkelbach F = ${dk.objective.toPrecision(8)} in ${dk.iterations} outer iterations (${(t2 - t1).toFixed(0)} ms), relative difference ${rel.toExponential(1)}; ${nnz(cd.x)} of 64 pixels used, test accuracy ${(100 * accuracy(cd.x)).toFixed(1)} %`,
      pictures: [inkPicture(classMean(p.a), 1), inkPicture(classMean(p.b), 1), signedPicture(cd.x, wMax), signedPicture(dk.x, wMax)],
      figure: (uris, narrow) => {
        const S = narrow ? 74 : 120;
        const images = imageFigure({
          title: `Sparse Fisher discriminant: ${p.a} vs ${p.b}, λ = ${p.lambda}`,
          columns: 4,
          gap: narrow ? 8 : 14,
          panels: [
            { href: uris[0]!, width: S, height: S, pixelated: true, label: `mean ${p.a}` },
            { href: uris[1]!, width: S, height: S, pixelated: true, label: `mean ${p.b}` },
            { href: uris[2]!, width: S, height: S, pixelated: true, label: 'w, CD', note: `${nnz(cd.x)} of 64 pixels` },
            { href: uris[3]!, width: S, height: S, pixelated: true, label: 'w, Dinkelbach', note: `${nnz(dk.x)} of 64 pixels` },
          ],
        });
        const lines = lineFigure({
          title: 'min (½wᵀS_w w + λ‖w‖₁ + ½) / (mᵀw): coordinate descent against Dinkelbach, and the λ path',
          columns: narrow ? 1 : 2,
          width: narrow ? 360 : 960,
          panels: [
            {
              title: `objective above the best found, λ = ${p.lambda}`,
              x: { label: 'sweep (CD) or outer iteration (Dinkelbach)' },
              y: { label: 'F(w) − F*', scale: 'log' },
              series: [{ name: `coordinate descent (${cd.iterations} sweeps)`, ...cdGap }, { name: `Dinkelbach + FISTA (${dk.iterations} iterations)`, ...dkGap }],
            },
            {
              title: `accuracy vs sparsity, λ = ${FRACTIONAL_LAMBDAS[0]}…${FRACTIONAL_LAMBDAS[FRACTIONAL_LAMBDAS.length - 1]}`,
              x: { label: 'pixels used (nonzero weights)' },
              y: { label: 'test accuracy (%)' },
              series: [{ name: 'coordinate descent over λ', x: path.map((q) => q.nonzeros), y: path.map((q) => 100 * q.accuracy) }],
            },
          ],
          caption: `The ratio is not convex, but along one coordinate it is a ratio of two quadratics plus |·|, which coordinate descent minimises exactly; Dinkelbach's method solves a convex problem by FISTA at every outer step. Both reach the same minimum. In the pictures blue pixels push towards ${p.b}, orange towards ${p.a}; larger λ uses fewer pixels.`,
        });
        return stackFigures([images, lines]);
      },
    };
  },
};

/** Every panel, in the order of the page. */
export const PANELS = {
  prox: proxPanel,
  'ot-colour': colourPanel,
  'ot-barycenter': barycenterPanel,
  cvar: cvarPanel,
  tucker: tuckerPanel,
  bounds: boundsPanel,
  policy: nashPanel,
  lm: lmPanel,
  federated: federatedPanel,
  forecast: forecastPanel,
  sparse: sparsePanel,
  fair: fairPanel,
  causal: causalPanel,
  saddle: saddlePanel,
  constrained: constrainedPanel,
  fractional: fractionalPanel,
} as const;

export type PanelName = keyof typeof PANELS;

/** Runs panel `name` on JSON parameters (as the page sends them). */
export function runPanel(name: PanelName, params: unknown, data: PlaygroundData, progress: Progress = () => {}): PanelResult {
  const spec = PANELS[name] as PanelSpec<unknown> | undefined;
  if (!spec) throw new Error(`unknown panel ${String(name)}`);
  return spec.run(params, data, progress);
}

/** SHA-256 (hex) of the panel's numbers: every array's little-endian float64 bytes, one after another. */
export async function digest(values: Float64Array[]): Promise<string> {
  const total = values.reduce((s, v) => s + v.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const v of values) {
    all.set(v, at);
    at += v.length;
  }
  const view = new DataView(all.buffer);
  // Fixed byte order whatever the platform's (every platform proxkit runs on is little-endian, but say so).
  const bytes = new Uint8Array(total * 8);
  for (let i = 0; i < total; i++) for (let b = 0; b < 8; b++) bytes[i * 8 + b] = view.getUint8(i * 8 + (isLittleEndian ? b : 7 - b));
  const hash = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
}

const isLittleEndian = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f;
