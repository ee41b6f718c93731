import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { F64Buffer, f64View, vectorLength, withScope, type Scope, type VectorInput } from '../runtime/memory.js';
import { positiveInteger } from '../runtime/validate.js';
import { barycenterSettings, barycenterWeights, logBregman, scalingBregman, withLogFallback, type BarycenterOptions, type BarycenterResult, type Control } from './barycenter.js';
import { histogram } from './sinkhorn.js';
import type { AbortSignalLike } from '../runtime/types.js';

/** Options of {@link convolutionalBarycenter}. */
export interface ConvolutionalBarycenterOptions {
  /**
   * Entropic regularisation ε > 0 in the units of the unit square: pixel (i, k) of a rows × cols image
   * sits at (i/(rows−1), k/(cols−1)) ∈ [0, 1]² (POT `convolutional_barycenter2d`'s grid), the ground cost
   * is the squared Euclidean distance there, and the Gibbs kernel is K = exp(−cost/ε). Required.
   */
  reg: number;
  /** Barycentric weights w_k ≥ 0 summing to 1 (within 1e-8), one per image. Default uniform. */
  weights?: VectorInput;
  /**
   * 'sinkhorn' (default, POT's scheme): scaling-form Bregman projections with the separable kernel;
   * if a scaling under/overflows (small reg: K·v underflows to 0) the run restarts in 'log' and
   * `warning` says so. 'log': the same projections on log-scalings with max-shifted separable
   * log-sum-exp convolutions — finite at any reg, about 10× slower per iteration (one exp per term).
   */
  method?: 'sinkhorn' | 'log';
  /** Iteration cap. Default 10000 (POT's numItermax). */
  maxIter?: number;
  /**
   * Stop when Σ_p std_k(v_k ∘ K u_k)_p < tol (POT's criterion: the spread of the plans' barycenter-side
   * marginals), checked every 10 iterations and at the last. Default 1e-9 (POT's stopThr).
   */
  tol?: number;
  /** Called at each check with the criterion above in `marginalError`; return false to stop (stopped: 'callback'). */
  onProgress?: BarycenterOptions['onProgress'];
  /** Checked every iteration; an aborted signal ends the run with stopped: 'aborted'. */
  signal?: AbortSignalLike;
  /**
   * 'sinkhorn' only: arithmetic of the separable convolutions. 'f64' (default). 'f32': the two 1-D kernels are
   * stored as float32 and each convolution K·x runs as two small matrix products (X·K_c, then K_r·(X K_c)) in
   * f32 SIMD lanes — four products per instruction instead of two — with the sum over each axis cut into
   * blocks of 32 terms added in f64, so every entry of K·x is within 67·2⁻²⁴ ≈ 4e-6 relative of the product
   * with the f32-rounded kernels (all terms are ≥ 0); the scalings, logs and the geometric mean stay f64.
   * The barycenter agrees with the f64 one to about 1e-6 relative per entry (tested to 1e-5). Kernel
   * entries below ~1e-45 underflow to 0 in f32 (counted in `kernelUnderflow`), so the fallback to 'log'
   * (f64) can happen at a larger reg than in f64.
   */
  precision?: 'f64' | 'f32';
}

/** Result of {@link convolutionalBarycenter}: {@link BarycenterResult} (the barycenter is a rows × cols image, row-major) plus the kernel's underflow count. */
export interface ConvolutionalBarycenterResult extends BarycenterResult {
  /** Entries of the two 1-D kernels (rows² + cols² in all) that underflowed to exactly 0 in 'sinkhorn' (in f32 with precision 'f32'). */
  kernelUnderflow: number;
}

/**
 * Convolutional Wasserstein barycenter of images on a regular 2-D grid (Solomon, de Goes, Peyré,
 * Cuturi, Butscher, Nguyen, Du & Guibas 2015, "Convolutional Wasserstein distances", the barycenter algorithm;
 * POT `ot.bregman.convolutional_barycenter2d`):
 *
 *   q = argmin_q Σ_k w_k W_ε(h_k, q)   with the squared Euclidean cost on the grid of [0, 1]² (see `reg`).
 *
 * The same iterative Bregman projections as {@link barycenter} (u_k = h_k ⊘ K v_k, q = Π_k (K u_k)^{w_k},
 * v_k = q ⊘ K u_k), but K is never formed: it is separable, K = K_r ⊗ K_c with
 * K_r[i, i'] = exp(−(i−i')²/(ε·(rows−1)²)), K_c[k, k'] = exp(−(k−k')²/(ε·(cols−1)²)), so K·x is a 1-D
 * Gaussian convolution along the rows then along the columns (WASM, f64x2): O(N·(rows + cols)) per
 * product instead of O(N²), N = rows·cols. The fixed point is the one of {@link barycenter} run with the
 * dense grid cost (equal to ≤ 1e-10 at convergence, see the tests); POT starts from v = q₀ ⊘ K·1 instead
 * of v = 1, which changes the iterates, not the limit.
 *
 * @param images  K ≥ 1 images, each a row-major rows × cols vector, ≥ 0, summing to 1 (within 1e-8).
 * @param rows  grid height (a positive integer).
 * @param cols  grid width (a positive integer).
 * @param options  reg (required), weights (uniform), method ('sinkhorn'), maxIter (10000), tol (1e-9), onProgress, signal, precision ('f64'; 'f32' with method 'sinkhorn').
 * @returns the barycenter (rows × cols, row-major, mass 1 up to the stopping tolerance), iterations,
 *   converged, stopped, criterion history, `warning` (fallback to 'log' or non-convergence), kernelUnderflow.
 * @throws ParameterError for bad options, negative pixels or masses ≠ 1; ShapeError for an image of
 *   another size; NonFiniteError for NaN/±Inf.
 */
export function convolutionalBarycenter(images: VectorInput[], rows: number, cols: number, options: ConvolutionalBarycenterOptions): ConvolutionalBarycenterResult {
  const fn = 'convolutionalBarycenter';
  if (!Array.isArray(images) || images.length === 0) throw parameterError(fn, 'images', 'a non-empty array of images', images);
  positiveInteger(fn, 'rows', rows);
  positiveInteger(fn, 'cols', cols);
  const { reg, weights, method, ctl, precision } = barycenterSettings(fn, options, { method: 'sinkhorn', maxIter: 10000, tol: 1e-9 }, true);
  const N = rows * cols;
  images.forEach((h, k) => {
    const len = vectorLength(fn, `images[${k}]`, h);
    if (len !== N) throw new ShapeError(`${fn}: images[${k}] must have rows × cols = ${rows} × ${cols} = ${N} entries (got ${len})`);
    const mass = histogram(fn, `images[${k}]`, h, N);
    if (Math.abs(mass - 1) > 1e-8) throw new ParameterError(`${fn}: images[${k}] must sum to 1 within 1e-8 (got ${mass}; divide by its sum)`);
  });
  const w = barycenterWeights(fn, weights, images.length);
  const grid: Grid = { rows, cols, reg, images, w, ctl };
  return withLogFallback(fn, method, reg, () => withScope(fn, (s) => (precision === 'f32' ? runScalingF32(s, grid) : runScaling(s, grid))), () => withScope(fn, (s) => runLog(s, grid)));
}

interface Grid {
  rows: number;
  cols: number;
  reg: number;
  images: VectorInput[];
  w: Float64Array;
  ctl: Control;
}

/** Squared grid-step scale of one axis: (n − 1)² (1 for a single pixel, where only i = j occurs). */
const axisScale = (n: number): number => (n > 1 ? (n - 1) * (n - 1) : 1);

/**
 * The two 1-D kernels of the grid (log = 1: log-kernels), in the scope; returns their offsets and the
 * count of entries that underflowed to 0.
 */
export function gridKernels(s: Scope, rows: number, cols: number, reg: number, log: 0 | 1): { Kr: number; Kc: number; zeros: number } {
  const Kr = s.f64(rows * rows);
  const Kc = s.f64(cols * cols);
  const zeros = s.x.otGaussianKernel1d(rows, reg, axisScale(rows), log, Kr) + s.x.otGaussianKernel1d(cols, reg, axisScale(cols), log, Kc);
  return { Kr, Kc, zeros };
}

/** The images stacked in the scope (nh × N). */
function placeImages(s: Scope, images: VectorInput[], N: number): number {
  const H = s.f64(images.length * N);
  images.forEach((h, k) => f64View(s.x, H + k * N * 8, N).set(h instanceof F64Buffer ? h.view() : h));
  return H;
}

/** Scaling-form projections with the separable kernel (K symmetric: Kᵀu = K u); null when a scaling under/overflows. */
function runScaling(s: Scope, p: Grid): ConvolutionalBarycenterResult | null {
  const { rows, cols } = p;
  const N = rows * cols;
  const { Kr, Kc, zeros } = gridKernels(s, rows, cols, p.reg, 0);
  const H = placeImages(s, p.images, N);
  const scratch = s.f64(N);
  const conv = (src: number, dst: number): void => s.x.otConvolve2d(Kr, Kc, src, rows, cols, scratch, dst);
  const r = scalingBregman(s, N, H, p.images.length, p.w, p.ctl, { kv: conv, ktu: conv });
  return r && { ...r, kernelUnderflow: zeros };
}

/**
 * runScaling with the f32 convolutions (assembly/ot/convolutional-f32.ts): the f64 1-D kernels rounded to
 * f32 (underflows counted), K·x = K_r·fl32(fl32(X)·K_c) in blocked f32x4 products.
 */
function runScalingF32(s: Scope, p: Grid): ConvolutionalBarycenterResult | null {
  const { rows, cols } = p;
  const x = s.x;
  const N = rows * cols;
  const { Kr, Kc } = gridKernels(s, rows, cols, p.reg, 0);
  const Kr32 = s.bytes(4 * rows * rows);
  const Kc32 = s.bytes(4 * cols * cols);
  const zeros = x.otToF32(Kr, rows * rows, Kr32) + x.otToF32(Kc, cols * cols, Kc32) + countZeros(x, Kr, rows * rows) + countZeros(x, Kc, cols * cols);
  const H = placeImages(s, p.images, N);
  const xf = s.bytes(4 * N);
  const tmp = s.f64(N);
  const conv = (src: number, dst: number): void => x.otConvolve2dF32(Kr32, Kc32, src, rows, cols, xf, tmp, dst);
  const r = scalingBregman(s, N, H, p.images.length, p.w, p.ctl, { kv: conv, ktu: conv });
  return r && { ...r, kernelUnderflow: zeros };
}

/** Entries of an f64 kernel that are exactly 0 (already underflowed in f64). */
function countZeros(x: Scope['x'], K: number, len: number): number {
  const v = f64View(x, K, len);
  let z = 0;
  for (let k = 0; k < len; k++) if (v[k] === 0) z++;
  return z;
}

/** Log-domain projections with separable max-shifted log-sum-exp convolutions (finite at any reg). */
function runLog(s: Scope, p: Grid): ConvolutionalBarycenterResult {
  const { rows, cols } = p;
  const x = s.x;
  const N = rows * cols;
  const nh = p.images.length;
  const { Kr: Lr, Kc: Lc } = gridKernels(s, rows, cols, p.reg, 1);
  const H = placeImages(s, p.images, N);
  const logH = s.f64(nh * N);
  x.otLogVec(H, nh * N, logH);
  const scratch = s.f64(N);
  const sc = s.f64(cols);
  const lse = (src: number, dst: number): void => x.otLogConvolve2d(Lr, Lc, src, rows, cols, scratch, sc, dst);
  const r = logBregman(s, N, logH, nh, p.w, p.ctl, {
    rows: (g, la, out) => {
      lse(g, out);
      const o = f64View(x, out, N);
      const l = f64View(x, la, N);
      for (let j = 0; j < N; j++) o[j] = l[j]! - o[j]!;
    },
    cols: lse,
  });
  return { ...r, kernelUnderflow: 0 };
}
