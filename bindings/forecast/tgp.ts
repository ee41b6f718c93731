/**
 * Tensor Gaussian process with contraction (scalar-on-tensor regression for multi-channel images):
 * each image Xᵢ (H × W × C) is contracted to a small latent tensor Zᵢ = Xᵢ ×₁ Aᵀ ×₂ Bᵀ (h × w × C) by
 * two learned factor matrices, and y is a Gaussian process of Zᵢ with a multilinear kernel. The
 * factors carry an anisotropic total-variation + ℓ1 penalty (smooth, sparse bands of rows and
 * columns); everything is fitted by alternating proximal gradient descent on the penalised negative
 * log marginal likelihood.
 */
import { ProxkitError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { finiteArray, type VectorInput } from '../runtime/memory.js';
import type { AbortSignalLike } from '../runtime/types.js';
import type { StopState } from '../runtime/stop.js';
import { nonNegative, nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { modeProduct, type Tensor } from '../tucker/index.js';
import { softThreshold, totalVariation1D } from '../prox/index.js';
import { mathWasm } from '../runtime/math.js';
import { backwardSolve, choleskyFactor, forwardSolve } from './solve.js';

/** exp/log in WASM (AssemblyScript's Math, the runtime's scalar kernels), so fits are bit-identical across engines. */
const wasmExp = (x: number): number => mathWasm('fitTensorGp').mathExp(x);
const wasmLogSum = (v: Float64Array): number => {
  const M = mathWasm('fitTensorGp');
  let s = 0;
  for (let i = 0; i < v.length; i++) s += M.mathLog(v[i]!);
  return s;
};

/** A dense tensor `{ data, shape }`, row-major (as in the tucker family). */
export interface TensorData {
  /** The entries, row-major (last index fastest), Πshape of them. */
  data: ArrayLike<number>;
  /** The sizes of the modes, here [n, H, W, C]. */
  shape: readonly number[];
}

/** What `onProgress` receives after each alternating round of {@link fitTensorGp}. */
export interface TensorGpProgress {
  /** Rounds done (1, 2, …). */
  iteration: number;
  /** Penalised objective after the round. */
  objective: number;
  /** Milliseconds since the start. */
  elapsed: number;
}

/** Options of {@link fitTensorGp}. */
export interface TensorGpOptions {
  /** Latent size [h, w] of the contraction (default [2, 2]); the channel mode is kept. */
  latent?: readonly [number, number];
  /** λ of the anisotropic total variation Σ|A_{a+1,k} − A_{a,k}| + Σ|B_{b+1,k} − B_{b,k}| (default 1). */
  tv?: number;
  /** μ of the ℓ1 penalty ‖A‖₁ + ‖B‖₁ (default 0.5). */
  l1?: number;
  /** Alternating rounds at most (default 200). */
  maxIter?: number;
  /** Stop when a round lowers the objective by less than tol·|objective| (default 1e-7). */
  tol?: number;
  /** Called after every round; return false to stop. */
  onProgress?: (info: TensorGpProgress) => boolean | void;
  /** Cancels the fit between rounds (the partial fit is returned with `stopped: 'aborted'`). */
  signal?: AbortSignalLike;
}

/** GP prediction at new tensors. */
export interface TensorGpPrediction {
  /** Predictive mean of y. */
  mean: Float64Array;
  /** Predictive variance of y (latent variance plus the noise σ²). */
  variance: Float64Array;
}

/** A fitted tensor GP with contraction. */
export interface TensorGpModel {
  /** Row factor A (H × h, row-major). */
  A: Float64Array;
  /** Column factor B (W × w, row-major). */
  B: Float64Array;
  /** Channel kernel K₃ (C × C, trace 1). */
  channelKernel: Float64Array;
  /** Noise variance σ². */
  noise: number;
  /** Mean of the training y (the GP models y − mean). */
  offset: number;
  /** Latent tensors Zᵢ of the training images, shape [n, h, w, C]. */
  latent: Tensor;
  /**
   * The fitted regression map pulled back to image space: f(X) = ⟨β, X⟩ with β_c = A·Ω_c·Bᵀ and
   * Ω = Σⱼ αⱼ Zⱼ ×₃ K₃ the posterior-mean coefficient of the latent GP; shape [H, W, C]. Its support
   * is where the model reads the images.
   */
  coefficient: Tensor;
  /** Penalised objective at the start (entry 0) and after each round. */
  history: Float64Array;
  /**
   * Penalised objective at the start (entry 0) and after every block step: entries 3r − 2, 3r − 1 and
   * 3r are the objective after the A-, B- and hyper-parameter steps of round r (a step that found no
   * decrease leaves its block unchanged and repeats the value).
   */
  stepHistory: Float64Array;
  /** Rounds run. */
  iterations: number;
  /** The tol test passed. */
  converged: boolean;
  /** Why the fit ended. */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** Latent tensors of new images [m, H, W, C] → [m, h, w, C]. */
  contract(X: TensorData): Tensor;
  /** Predictive mean and variance of y at new images [m, H, W, C]. */
  predict(X: TensorData): TensorGpPrediction;
}

const KEYS = optionKeys<TensorGpOptions>({ latent: true, tv: true, l1: true, maxIter: true, tol: true, onProgress: true, signal: true });

/** Reads a 4-mode tensor [n, H, W, C]. */
function readImages(fn: string, name: string, X: unknown): { data: Float64Array; n: number; H: number; W: number; C: number } {
  if (X === null || typeof X !== 'object' || !('data' in X) || !('shape' in X)) throw parameterError(fn, name, 'a tensor { data, shape: [n, H, W, C] }', X);
  const shape = (X as TensorData).shape;
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new ShapeError(`${fn}: ${name}.shape must be [n, H, W, C] with positive integers (got ${Array.isArray(shape) ? `[${shape.map((d) => describe(d)).join(', ')}]` : describe(shape)})`);
  }
  const data = finiteArray(fn, `${name}.data`, (X as TensorData).data);
  const [n, H, W, C] = shape as [number, number, number, number];
  if (data.length !== n * H * W * C) throw new ShapeError(`${fn}: ${name}.data must have n·H·W·C = ${n * H * W * C} entries (got ${data.length})`);
  return { data, n, H, W, C };
}

/** Mᵀ of a row-major r × c matrix. */
function transpose(M: Float64Array, r: number, c: number): Float64Array {
  const T = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) T[j * r + i] = M[i * c + j]!;
  return T;
}

/** Z = X ×₁ Aᵀ ×₂ Bᵀ by the tucker family's mode products (WASM). */
function contractImages(X: Tensor, A: Float64Array, H: number, h: number, B: Float64Array, W: number, w: number): Tensor {
  return modeProduct(modeProduct(X, transpose(A, H, h), 1), transpose(B, W, w), 2);
}

/** Cholesky factor (lower, row-major) of the GP covariance; a ProxkitError if it is not positive definite. */
function cholesky(fn: string, K: Float64Array, n: number): Float64Array {
  const L = choleskyFactor(K, n);
  if (!L) throw new ProxkitError('ERR_CONVERGENCE', `${fn}: the GP covariance is not positive definite`);
  return L;
}

const forward = (L: Float64Array, n: number, b: Float64Array): Float64Array => forwardSolve(L, n, b);
const backward = (L: Float64Array, n: number, b: Float64Array): Float64Array => backwardSolve(L, n, b);

const LOG_2PI = 1.8378770664093453;

/**
 * Everything the objective and its gradients share at one point.
 * @internal
 */
export interface GpState {
  Z: Float64Array; // n × (hw) × C
  ZK: Float64Array; // Zᵢ K₃
  L: Float64Array; // chol(K + σ²I)
  alpha: Float64Array;
  nlml: number;
}

/**
 * Penalised objective pieces (y centred).
 * @internal
 */
export interface Problem {
  fn: string;
  X: Tensor;
  y: Float64Array;
  n: number;
  H: number;
  W: number;
  C: number;
  h: number;
  w: number;
  tv: number;
  l1: number;
}

/** K₃ = SSᵀ/tr(SSᵀ) from its lower-triangular factor S (C × C). */
function channelKernel(S: Float64Array, C: number): Float64Array {
  const K = new Float64Array(C * C);
  let tr = 0;
  for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) {
    let s = 0;
    for (let k = 0; k < C; k++) s += S[a * C + k]! * S[b * C + k]!;
    K[a * C + b] = s;
    if (a === b) tr += s;
  }
  for (let i = 0; i < C * C; i++) K[i] = K[i]! / tr;
  return K;
}

/** Zᵢ K₃ for every sample (Z stored n × hw × C). */
function timesChannel(Z: Float64Array, n: number, m: number, C: number, K3: Float64Array): Float64Array {
  const out = new Float64Array(Z.length);
  for (let r = 0; r < n * m; r++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let d = 0; d < C; d++) s += Z[r * C + d]! * K3[d * C + c]!;
      out[r * C + c] = s;
    }
  }
  return out;
}

/**
 * Latent tensors, Cholesky factor, α = K⁻¹y and the NLML at (A, B, S, log σ²). Exported for the
 * finite-difference test only.
 * @internal
 */
export function gpState(p: Problem, A: Float64Array, B: Float64Array, S: Float64Array, logNoise: number): GpState {
  const { n, C } = p;
  const m = p.h * p.w;
  const Z = contractImages(p.X, A, p.H, p.h, B, p.W, p.w).data;
  const ZK = timesChannel(Z, n, m, C, channelKernel(S, C));
  const K = new Float64Array(n * n);
  const size = m * C;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < size; t++) s += ZK[i * size + t]! * Z[j * size + t]!;
      K[i * n + j] = s;
      K[j * n + i] = s;
    }
  }
  const s2 = wasmExp(logNoise);
  for (let i = 0; i < n; i++) K[i * n + i] = K[i * n + i]! + s2;
  const L = cholesky(p.fn, K, n);
  const alpha = backward(L, n, forward(L, n, Float64Array.from(p.y)));
  let fit = 0;
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    fit += p.y[i]! * alpha[i]!;
    diag[i] = L[i * n + i]!;
  }
  return { Z, ZK, L, alpha, nlml: 0.5 * fit + wasmLogSum(diag) + 0.5 * n * LOG_2PI };
}

/** λ·Σ_columns TV + μ·‖·‖₁ of a row-major r × c factor (TV along the r direction). */
function penalty(M: Float64Array, r: number, c: number, tv: number, l1: number): number {
  let s = 0;
  for (let k = 0; k < c; k++) {
    for (let a = 0; a < r; a++) {
      s += l1 * Math.abs(M[a * c + k]!);
      if (a + 1 < r) s += tv * Math.abs(M[(a + 1) * c + k]! - M[a * c + k]!);
    }
  }
  return s;
}

/** Γ = K⁻¹ − ααᵀ (n × n) from the Cholesky factor. */
function gammaMatrix(st: GpState, n: number): Float64Array {
  const G = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = backward(st.L, n, forward(st.L, n, e));
    for (let i = 0; i < n; i++) G[i * n + j] = col[i]! - st.alpha[i]! * st.alpha[j]!;
  }
  return G;
}

/** Wᵢ = Σⱼ Γᵢⱼ Zⱼ (n × hw × C) and Uᵢ = Wᵢ K₃ = Σⱼ Γᵢⱼ Zⱼ K₃ = ∂NLML/∂Zᵢ. */
function adjoint(G: Float64Array, Zs: Float64Array, n: number, size: number): Float64Array {
  const out = new Float64Array(n * size);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const g = G[i * n + j]!;
      if (g === 0) continue;
      for (let t = 0; t < size; t++) out[i * size + t] = out[i * size + t]! + g * Zs[j * size + t]!;
    }
  }
  return out;
}

/**
 * ∂NLML/∂A (H × h, row-major) at the state `st` reached with column factor B:
 * Σᵢ,c Xᵢc B Uᵢcᵀ with Uᵢ = ∂NLML/∂Zᵢ. Exported for the finite-difference test only.
 * @internal
 */
export function gradientA(p: Problem, st: GpState, B: Float64Array): Float64Array {
  const { n, H, W, C, h, w } = p;
  const U = adjoint(gammaMatrix(st, n), st.ZK, n, h * w * C); // n × (h·w) × C
  const T = modeProduct(p.X, transpose(B, W, w), 2).data; // [n, H, w, C]
  const grad = new Float64Array(H * h);
  for (let i = 0; i < n; i++) for (let a = 0; a < H; a++) for (let b = 0; b < w; b++) for (let c = 0; c < C; c++) {
    const t = T[((i * H + a) * w + b) * C + c]!;
    if (t === 0) continue;
    for (let k = 0; k < h; k++) grad[a * h + k] = grad[a * h + k]! + t * U[((i * h + k) * w + b) * C + c]!;
  }
  return grad;
}

/**
 * ∂NLML/∂B (W × w, row-major) at the state `st` reached with row factor A: Σᵢ,c Xᵢcᵀ A Uᵢc.
 * Exported for the finite-difference test only.
 * @internal
 */
export function gradientB(p: Problem, st: GpState, A: Float64Array): Float64Array {
  const { n, H, W, C, h, w } = p;
  const U = adjoint(gammaMatrix(st, n), st.ZK, n, h * w * C);
  const Sx = modeProduct(p.X, transpose(A, H, h), 1).data; // [n, h, W, C]
  const grad = new Float64Array(W * w);
  for (let i = 0; i < n; i++) for (let k = 0; k < h; k++) for (let q = 0; q < W; q++) for (let c = 0; c < C; c++) {
    const s = Sx[((i * h + k) * W + q) * C + c]!;
    if (s === 0) continue;
    for (let b = 0; b < w; b++) grad[q * w + b] = grad[q * w + b]! + s * U[((i * h + k) * w + b) * C + c]!;
  }
  return grad;
}

/**
 * The hyper-parameters θ = (S lower-triangular, C × C row-major with zeros above the diagonal, then
 * log σ²) and ∂NLML/∂θ at the state `st` reached with them (zero above the diagonal of S).
 * Exported for the finite-difference test only.
 * @internal
 */
export function gradientTheta(p: Problem, st: GpState, S: Float64Array, logNoise: number): { theta: Float64Array; grad: Float64Array } {
  const { n, C } = p;
  const m = p.h * p.w;
  const G = gammaMatrix(st, n);
  const Wz = adjoint(G, st.Z, n, m * C);
  // G₃[c, c′] = ½ Σᵢ ⟨Zᵢc, Wᵢc′⟩ = ∂NLML/∂K₃
  const G3 = new Float64Array(C * C);
  for (let i = 0; i < n; i++) for (let t = 0; t < m; t++) for (let c = 0; c < C; c++) for (let d = 0; d < C; d++) {
    G3[c * C + d] = G3[c * C + d]! + 0.5 * st.Z[(i * m + t) * C + c]! * Wz[(i * m + t) * C + d]!;
  }
  const K3 = channelKernel(S, C);
  let trSS = 0;
  for (let i = 0; i < C * C; i++) trSS += S[i]! ** 2;
  let inner = 0;
  for (let i = 0; i < C * C; i++) inner += G3[i]! * K3[i]!;
  // ∂/∂(SSᵀ) = (G₃ − ⟨G₃, K₃⟩ I)/tr(SSᵀ); ∂/∂S = (Gs + Gsᵀ) S, kept lower-triangular
  const Gs = new Float64Array(C * C);
  for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) Gs[a * C + b] = (G3[a * C + b]! + G3[b * C + a]! - (a === b ? 2 * inner : 0)) / trSS;
  const theta = new Float64Array(C * C + 1);
  const grad = new Float64Array(C * C + 1);
  for (let a = 0; a < C; a++) for (let b = 0; b <= a; b++) {
    theta[a * C + b] = S[a * C + b]!;
    let s = 0;
    for (let k = 0; k < C; k++) s += Gs[a * C + k]! * S[k * C + b]!;
    grad[a * C + b] = s;
  }
  let trG = 0;
  for (let i = 0; i < n; i++) trG += G[i * n + i]!;
  theta[C * C] = logNoise;
  grad[C * C] = 0.5 * trG * wasmExp(logNoise);
  return { theta, grad };
}

/** Fused-lasso prox of each column of a row-major r × c factor: soft-threshold(prox_TV(v)) (exact for TV + ℓ1). */
function proxFactor(M: Float64Array, r: number, c: number, step: number, tv: number, l1: number): Float64Array {
  const out = new Float64Array(M.length);
  const T = totalVariation1D(tv);
  const col = new Float64Array(r);
  for (let k = 0; k < c; k++) {
    for (let a = 0; a < r; a++) col[a] = M[a * c + k]!;
    const x = softThreshold(T.prox(col, step), step * l1);
    for (let a = 0; a < r; a++) out[a * c + k] = x[a]!;
  }
  return out;
}

/**
 * Tensor GP with contraction for scalar-on-tensor regression (after Sun et al., 2023, as we derive
 * it). Model: for images Xᵢ ∈ ℝ^{H×W×C},
 *
 *   Zᵢ = Xᵢ ×₁ Aᵀ ×₂ Bᵀ ∈ ℝ^{h×w×C},   yᵢ − ȳ = f(Zᵢ) + εᵢ,   f ~ GP(0, k),   εᵢ ~ N(0, σ²),
 *   k(Z, Z′) = ⟨Z ×₃ K₃, Z′⟩ = vec(Z)ᵀ (K₃ ⊗ I_w ⊗ I_h) vec(Z′)   (a multilinear kernel),
 *
 * with K₃ = SSᵀ/tr(SSᵀ) the channel kernel (its scale is carried by A and B). The objective is the
 * negative log marginal likelihood plus an anisotropic total variation and an ℓ1 penalty on the
 * factors (smooth, sparse bands: the latent entries read contiguous regions of rows and columns):
 *
 *   F(A, B, S, σ²) = ½ yᵀK⁻¹y + ½ log|K| + (n/2) log 2π + λ(TV(A) + TV(B)) + μ(‖A‖₁ + ‖B‖₁),
 *   K = [k(Zᵢ, Zⱼ)] + σ²I, TV summed over each factor column.
 *
 * Each round takes one proximal gradient step in A (the prox of TV + ℓ1 is the exact 1-D TV prox of
 * the prox family followed by soft-thresholding), one in B, and one gradient step in the
 * hyper-parameters (S, log σ²), each with backtracking until the quadratic upper bound holds, so F never
 * increases. Gradients: with Γ = K⁻¹ − ααᵀ, α = K⁻¹y and Uᵢ = Σⱼ Γᵢⱼ Zⱼ ×₃ K₃ = ∂NLML/∂Zᵢ,
 * ∂/∂A = Σᵢ,c Xᵢc B Uᵢcᵀ, ∂/∂B = Σᵢ,c Xᵢcᵀ A Uᵢc. Start: block-averaging factors (h row bands, w column
 * bands), K₃ = I/C, σ² = var(y)/2. Mode products run in the tucker family's WASM kernel.
 *
 * @param X  training images, a tensor [n, H, W, C] (n ≥ 2).
 * @param y  n finite responses.
 */
export function fitTensorGp(X: TensorData, y: VectorInput, options?: TensorGpOptions): TensorGpModel {
  const fn = 'fitTensorGp';
  const o = readOptions(fn, options, KEYS);
  const imgs = readImages(fn, 'X', X);
  const { n, H, W, C } = imgs;
  const yv = finiteArray(fn, 'y', y);
  if (yv.length !== n) throw new ShapeError(`${fn}: y must have one value per image (${n}) (got length ${yv.length})`);
  if (n < 2) throw new ShapeError(`${fn}: X must hold at least 2 images (got ${n})`);
  const lat = o.latent ?? [2, 2];
  if (!Array.isArray(lat) || lat.length !== 2) throw parameterError(fn, 'options.latent', 'a pair [h, w]', lat);
  const h = positiveInteger(fn, 'options.latent[0]', lat[0]);
  const w = positiveInteger(fn, 'options.latent[1]', lat[1]);
  if (h > H) throw parameterError(fn, 'options.latent[0]', `at most H = ${H}`, h);
  if (w > W) throw parameterError(fn, 'options.latent[1]', `at most W = ${W}`, w);
  const tv = o.tv === undefined ? 1 : nonNegative(fn, 'options.tv', o.tv);
  const l1 = o.l1 === undefined ? 0.5 : nonNegative(fn, 'options.l1', o.l1);
  if (!Number.isFinite(tv)) throw parameterError(fn, 'options.tv', 'finite', tv);
  if (!Number.isFinite(l1)) throw parameterError(fn, 'options.l1', 'finite', l1);
  const maxIter = o.maxIter === undefined ? 200 : nonNegativeInteger(fn, 'options.maxIter', o.maxIter);
  const tol = o.tol === undefined ? 1e-7 : nonNegative(fn, 'options.tol', o.tol);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);

  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += yv[i]!;
  ybar /= n;
  const yc = yv.map((v) => v - ybar);
  let vy = 0;
  for (let i = 0; i < n; i++) vy += yc[i]! ** 2;
  vy = Math.max(vy / n, 1e-12);
  const Xt: Tensor = { data: imgs.data, shape: [n, H, W, C] };
  const p: Problem = { fn, X: Xt, y: yc, n, H, W, C, h, w, tv, l1 };
  const m = h * w;
  const size = m * C;

  // Start: block averages, scaled so that the mean prior variance of f is var(y)/2.
  const band = (R: number, k: number): Float64Array => {
    const M = new Float64Array(R * k);
    for (let a = 0; a < R; a++) M[a * k + Math.min(k - 1, Math.floor((a * k) / R))] = 1;
    return M;
  };
  let A: Float64Array = band(H, h);
  let B: Float64Array = band(W, w);
  let S: Float64Array = new Float64Array(C * C);
  for (let c = 0; c < C; c++) S[c * C + c] = 1;
  {
    const Z = contractImages(Xt, A, H, h, B, W, w).data;
    let pv = 0;
    for (let t = 0; t < Z.length; t++) pv += Z[t]! ** 2;
    pv /= n * C;
    const scale = pv > 0 ? Math.sqrt(Math.sqrt(vy / 2 / pv)) : 1;
    A = A.map((v) => v * scale);
    B = B.map((v) => v * scale);
  }
  let logNoise = wasmLogSum(Float64Array.of(vy / 2));
  const objective = (st: GpState, a: Float64Array, b: Float64Array): number => st.nlml + penalty(a, H, h, tv, l1) + penalty(b, W, w, tv, l1);
  let st = gpState(p, A, B, S, logNoise);
  let F = objective(st, A, B);
  const history: number[] = [F];
  const stepHistory: number[] = [F];
  const steps = { A: 1e-2, B: 1e-2, theta: 1e-2 };
  const t0 = Date.now();
  let stopped: TensorGpModel['stopped'] = 'maxIter';
  let iterations = 0;

  // One backtracking step of a block: x⁺ = prox(x − η∇), accepted when the smooth part obeys the quadratic
  // upper bound NLML(x⁺) ≤ NLML(x) + ⟨∇, d⟩ + ‖d‖²/(2η) and the block's objective did not increase.
  const tryStep = (
    key: 'A' | 'B' | 'theta', x: Float64Array, grad: Float64Array, smooth: number, reg: (z: Float64Array) => number,
    prox: (z: Float64Array, eta: number) => Float64Array, evaluate: (z: Float64Array) => { st: GpState } | null,
  ): { x: Float64Array; st: GpState } | null => {
    let eta = steps[key] * 2;
    for (let tries = 0; tries < 40; tries++) {
      const z = prox(x.map((v, i) => v - eta * grad[i]!), eta);
      let lin = 0;
      let dist = 0;
      for (let i = 0; i < z.length; i++) {
        const d = z[i]! - x[i]!;
        lin += grad[i]! * d;
        dist += d * d;
      }
      if (dist === 0) return null;
      let ev: { st: GpState } | null = null;
      try {
        ev = evaluate(z);
      } catch (e) {
        if (!(e instanceof ProxkitError)) throw e; // a step that breaks positive definiteness: shrink it
      }
      if (ev && ev.st.nlml <= smooth + lin + dist / (2 * eta) && ev.st.nlml + reg(z) <= smooth + reg(x)) {
        steps[key] = eta;
        return { x: z, st: ev.st };
      }
      eta /= 2;
    }
    return null;
  };

  for (let it = 0; it < maxIter; it++) {
    if (signal?.aborted) {
      stopped = 'aborted';
      break;
    }
    const before = F;
    // A-step
    {
      const grad = gradientA(p, st, B);
      const res = tryStep('A', A, grad, st.nlml, (z) => penalty(z, H, h, tv, l1),
        (z, eta) => proxFactor(z, H, h, eta, tv, l1), (z) => ({ st: gpState(p, z, B, S, logNoise) }));
      if (res) {
        A = res.x;
        st = res.st;
      }
      stepHistory.push(objective(st, A, B));
    }
    // B-step
    {
      const grad = gradientB(p, st, A);
      const res = tryStep('B', B, grad, st.nlml, (z) => penalty(z, W, w, tv, l1),
        (z, eta) => proxFactor(z, W, w, eta, tv, l1), (z) => ({ st: gpState(p, A, z, S, logNoise) }));
      if (res) {
        B = res.x;
        st = res.st;
      }
      stepHistory.push(objective(st, A, B));
    }
    // hyper-parameter step: θ = (S lower-triangular, log σ²)
    {
      const { theta, grad } = gradientTheta(p, st, S, logNoise);
      const unpack = (z: Float64Array): { S: Float64Array; logNoise: number } => ({ S: z.slice(0, C * C), logNoise: z[C * C]! });
      const res = tryStep('theta', theta, grad, st.nlml, () => 0, (z) => z,
        (z) => {
          const u = unpack(z);
          return { st: gpState(p, A, B, u.S, u.logNoise) };
        });
      if (res) {
        const u = unpack(res.x);
        S = u.S;
        logNoise = u.logNoise;
        st = res.st;
      }
      stepHistory.push(objective(st, A, B));
    }
    F = objective(st, A, B);
    history.push(F);
    iterations = it + 1;
    if (onProgress && onProgress({ iteration: iterations, objective: F, elapsed: Date.now() - t0 }) === false) {
      stopped = 'callback';
      break;
    }
    if (before - F <= tol * Math.abs(F)) {
      stopped = 'converged';
      break;
    }
  }

  const K3 = channelKernel(S, C);
  const noise = wasmExp(logNoise);
  const alpha = st.alpha;
  // Ω = Σⱼ αⱼ Zⱼ K₃ (h × w × C), β_c = A Ω_c Bᵀ
  const omega = new Float64Array(size);
  for (let j = 0; j < n; j++) for (let t = 0; t < size; t++) omega[t] = omega[t]! + alpha[j]! * st.ZK[j * size + t]!;
  const coefficient = modeProduct(modeProduct({ data: omega, shape: [h, w, C] }, A, 0), B, 1);
  const Ltrain = st.L;
  const Ztrain = st.Z;
  const contract = (Xn: TensorData): Tensor => {
    const f = 'TensorGpModel.contract';
    const q = readImages(f, 'X', Xn);
    if (q.H !== H || q.W !== W || q.C !== C) throw new ShapeError(`${f}: X must have images of shape [${H}, ${W}, ${C}] (got [${q.H}, ${q.W}, ${q.C}])`);
    return contractImages({ data: q.data, shape: [q.n, H, W, C] }, A, H, h, B, W, w);
  };
  return {
    A, B, channelKernel: K3, noise, offset: ybar,
    latent: { data: Ztrain, shape: [n, h, w, C] },
    coefficient,
    history: Float64Array.from(history),
    stepHistory: Float64Array.from(stepHistory),
    iterations,
    converged: stopped === 'converged',
    stopped,
    contract,
    predict(Xn: TensorData): TensorGpPrediction {
      const Zs = contract(Xn);
      const mCount = Zs.shape[0]!;
      const ZKs = timesChannel(Zs.data, mCount, m, C, K3);
      const mean = new Float64Array(mCount);
      const variance = new Float64Array(mCount);
      const k = new Float64Array(n);
      for (let r = 0; r < mCount; r++) {
        let kss = 0;
        for (let t = 0; t < size; t++) kss += ZKs[r * size + t]! * Zs.data[r * size + t]!;
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let t = 0; t < size; t++) s += ZKs[r * size + t]! * Ztrain[j * size + t]!;
          k[j] = s;
        }
        let mu = ybar;
        for (let j = 0; j < n; j++) mu += k[j]! * alpha[j]!;
        const v = forward(Ltrain, n, Float64Array.from(k));
        let vv = 0;
        for (let j = 0; j < n; j++) vv += v[j]! ** 2;
        mean[r] = mu;
        variance[r] = Math.max(kss - vv, 0) + noise;
      }
      return { mean, variance };
    },
  };
}

