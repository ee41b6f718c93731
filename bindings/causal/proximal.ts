/**
 * Proximal causal learning with a continuous treatment: the outcome-bridge (POR), treatment-bridge
 * (PIPW) and kernel-smoothed doubly robust (DR) estimators of the dose–response curve
 * β(a) = E[Y(a)], with both bridges fitted in reproducing-kernel Hilbert spaces by closed-form
 * kernel min–max estimation.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { finiteArray, type VectorInput } from '../runtime/memory.js';
import { isMatrixObject } from '../runtime/matrix.js';
import { readRows, type Rows } from '../runtime/rows.js';
import { optionKeys, positiveFinite, readOptions } from '../runtime/validate.js';
import { gaussGram, luSolve, matmul, wasmErf, wasmPow } from './kernels.js';

/** The observations of a proximal causal study, one entry (or row) per unit. */
export interface ProximalData {
  /** Treatment A (continuous), length n. */
  a: VectorInput;
  /** Outcome Y, length n. */
  y: VectorInput;
  /** Treatment-inducing proxies Z (related to the hidden confounder, no direct effect on Y): a vector (one proxy) or n rows. */
  z: VectorInput | Rows;
  /** Outcome-inducing proxies W (related to the hidden confounder, not affected by A or Z): a vector or n rows. */
  w: VectorInput | Rows;
  /** Measured covariates X: a vector or n rows; omit when there are none. */
  x?: VectorInput | Rows;
}

/** Options of {@link proximalDoseResponse}. */
export interface ProximalDoseResponseOptions {
  /** Treatment values at which β(a) is estimated. Default: 21 equally spaced points from the 10 % to the 90 % quantile of A. */
  grid?: VectorInput;
  /**
   * Bandwidth of the Gaussian smoothing kernel K_b(A − a) of PIPW and DR, in units of A. Default:
   * 1.06 · sd(A) · n^(−1/5) (Silverman's rule; the n^(−1/5) rate balances the smoothing bias against
   * the variance of the kernel-weighted average).
   */
  bandwidth?: number;
  /**
   * Multiplier of the RKHS length-scale. Every variable is standardised, and the Gaussian kernels on
   * (W, A, X), (Z, A, X) use the median distance between standardised rows times this factor.
   * Default 0.5 (the treatment bridge, an inverse density, needs a more flexible kernel than the
   * median distance gives).
   */
  lengthScale?: number;
  /**
   * Ridge weight λ of both bridges (dimensionless; the penalty is n·λ·‖f‖²_H on the n-scaled system).
   * Default 0.0003 (on simulated studies at n = 1000, 0.0001–0.0003 gave the smallest outcome-bridge
   * error, 0.001 a little more and 0.01 about 1.7× as much; below 0.0001 the systems get close to singular).
   */
  lambda?: number;
  /** Ridge weight of the test functions of the min–max problems (the conditional-mean smoother). Default 0.01. */
  lambdaTest?: number;
  /** Covariates seen by the outcome bridge h and its test functions, instead of `data.x` (to give h its own features, or to study misspecification). */
  outcomeCovariates?: VectorInput | Rows;
  /** Covariates seen by the treatment bridge q and its test functions, instead of `data.x`. */
  treatmentCovariates?: VectorInput | Rows;
  /**
   * The support [lo, hi] of the treatment, in units of A, when it is bounded (a dose between 0 and a
   * maximum, say). The treatment bridge's moment E[q·g] = E[∫ g(W, a, X) da] then integrates over
   * [lo, hi] instead of the real line, and the smoothing kernel is renormalised to integrate to 1 over
   * [lo, hi] at every grid point (no loss of mass near the ends). Every A must lie in it. Default: the
   * real line (the treatment density is assumed positive everywhere given W and X).
   */
  treatmentRange?: VectorInput;
}

const OPTION_KEYS = optionKeys<ProximalDoseResponseOptions>({
  grid: true, bandwidth: true, lengthScale: true, lambda: true, lambdaTest: true, outcomeCovariates: true, treatmentCovariates: true, treatmentRange: true,
});

/** What {@link proximalDoseResponse} returns: the three curves on the grid and the fitted bridges. */
export interface ProximalDoseResponseResult {
  /** The treatment values. */
  grid: Float64Array;
  /** Doubly robust estimate: (1/n) Σ_i [K_b(A_i − a) q̂_i (Y_i − ĥ_i) + ĥ(W_i, a, X_i)]. */
  dr: Float64Array;
  /** Outcome-bridge (proximal outcome regression) estimate: (1/n) Σ_i ĥ(W_i, a, X_i). */
  por: Float64Array;
  /** Treatment-bridge (proximal inverse probability weighting) estimate: (1/n) Σ_i K_b(A_i − a) q̂_i Y_i. */
  pipw: Float64Array;
  /** The smoothing bandwidth used. */
  bandwidth: number;
  /** ĥ(W_i, A_i, X_i) at the n units. */
  outcomeBridge: Float64Array;
  /** q̂(Z_i, A_i, X_i) at the n units (estimates 1 / p(A_i | W_i, X_i) in conditional mean). */
  treatmentBridge: Float64Array;
}

/** A vector (one column) or rows, as n × d row-major. */
function readColumns(fn: string, name: string, v: unknown, n: number): { data: Float64Array; d: number } {
  if (isMatrixObject(v) || (Array.isArray(v) && v.length > 0 && (Array.isArray(v[0]) || ArrayBuffer.isView(v[0])))) {
    const r = readRows(fn, name, v);
    if (r.n !== n) throw new ShapeError(`${fn}: ${name} must have ${n} rows, one per unit (got ${r.n})`);
    return { data: r.data, d: r.d };
  }
  const data = finiteArray(fn, name, v);
  if (data.length !== n) throw new ShapeError(`${fn}: ${name} must have length ${n}, one entry per unit (got ${data.length})`);
  return { data, d: 1 };
}

/** Columns side by side: blocks of n × d_k → n × Σd_k. */
function hstack(n: number, blocks: { data: Float64Array; d: number }[]): { data: Float64Array; d: number } {
  const d = blocks.reduce((s, b) => s + b.d, 0);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let o = i * d;
    for (const b of blocks) {
      for (let k = 0; k < b.d; k++) out[o++] = b.data[i * b.d + k]!;
    }
  }
  return { data: out, d };
}

/** Mean and standard deviation of every column (sd 1 for a constant column, so it drops out). */
function columnStats(M: { data: Float64Array; d: number }, n: number): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(M.d);
  const sd = new Float64Array(M.d);
  for (let k = 0; k < M.d; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += M.data[i * M.d + k]!;
    const m = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (M.data[i * M.d + k]! - m) ** 2;
    mean[k] = m;
    sd[k] = v > 0 ? Math.sqrt(v / n) : 1;
  }
  return { mean, sd };
}

/** Median of the pairwise distances between the first ≤ 300 standardised rows (the median heuristic). */
function medianDistance(S: Float64Array, n: number, d: number): number {
  const m = Math.min(n, 300);
  const dist: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (S[i * d + k]! - S[j * d + k]!) ** 2;
      dist.push(Math.sqrt(s));
    }
  }
  if (dist.length === 0) return 1;
  dist.sort((p, q) => p - q);
  const med = dist[dist.length >> 1]!;
  return med > 0 ? med : 1;
}

/** One kernel's feature map: standardised columns divided by a common length-scale. */
interface FeatureSpace {
  scaled: Float64Array;
  d: number;
  /** The raw-unit length-scale of column 0 (the treatment column in every space built here). */
  scaleOfFirst: number;
}

function featureSpace(M: { data: Float64Array; d: number }, n: number, lengthScale: number): FeatureSpace {
  const { mean, sd } = columnStats(M, n);
  const std = new Float64Array(n * M.d);
  for (let i = 0; i < n; i++) for (let k = 0; k < M.d; k++) std[i * M.d + k] = (M.data[i * M.d + k]! - mean[k]!) / sd[k]!;
  const ell = lengthScale * medianDistance(std, n, M.d);
  for (let i = 0; i < std.length; i++) std[i] = std[i]! / ell;
  return { scaled: std, d: M.d, scaleOfFirst: sd[0]! * ell };
}

/** The columns 1..d−1 of a feature space (every column but the treatment). */
function dropFirst(F: FeatureSpace, n: number): Float64Array {
  const out = new Float64Array(n * (F.d - 1));
  for (let i = 0; i < n; i++) for (let k = 1; k < F.d; k++) out[i * (F.d - 1) + k - 1] = F.scaled[i * F.d + k]!;
  return out;
}

/**
 * Solves (K_g K_f + n·λ·(K_g + n·λ_g·I)) α = rhs: the closed form of the kernel min–max problem
 * min_f max_g (1/n)Σ(ψ_i(f)) g_i − ‖g‖²_n − λ_g‖g‖²_H + λ‖f‖²_H whose inner maximum, for a
 * residual r, is rᵀ K_g (K_g + nλ_g I)⁻¹ r up to constants (g over the kernel K_g, f = K_f α).
 */
function bridgeSolve(fn: string, Kg: Float64Array, Kf: Float64Array, n: number, lambda: number, lambdaTest: number, rhs: Float64Array, what: string): Float64Array {
  const A = matmul(fn, Kg, Kf, n, n, n);
  const nl = n * lambda;
  for (let i = 0; i < n * n; i++) A[i] = A[i]! + nl * Kg[i]!;
  for (let i = 0; i < n; i++) A[i * n + i] = A[i * n + i]! + nl * n * lambdaTest;
  return luSolve(fn, A, n, rhs, 1, what);
}

function quantile(sorted: Float64Array, p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Estimates the dose–response curve β(a) = E[Y(a)] of a continuous treatment under unmeasured
 * confounding from a treatment proxy Z and an outcome proxy W (proximal causal learning).
 *
 * The outcome bridge h solves E[Y − h(W, A, X) | Z, A, X] = 0 and gives β(a) = E[h(W, a, X)] (POR).
 * The treatment bridge q solves E[q(Z, A, X) | W, A, X] = 1 / p(A | W, X), equivalently
 * E[q(Z, A, X) g(W, A, X)] = E[∫ g(W, a, X) da] for every g, and gives β(a) = E[δ_a(A) q Y], whose
 * delta function is replaced by a Gaussian kernel K_b(A − a) of bandwidth b (PIPW). The doubly
 * robust estimator adds the two and subtracts their overlap:
 * β̂(a) = (1/n) Σ_i [K_b(A_i − a) q̂(Z_i, A_i, X_i)(Y_i − ĥ(W_i, A_i, X_i)) + ĥ(W_i, a, X_i)];
 * it stays consistent when either bridge is correctly specified.
 *
 * Both bridges are Gaussian-kernel RKHS functions fitted by kernel min–max estimation with RKHS test
 * functions, which has a closed form: one n × n product and one n × n LU solve per bridge (in WASM).
 * The ∫ g da term uses the closed-form integral of the Gaussian kernel over the real line, which
 * assumes the treatment density is positive on the whole line given (W, X); for a treatment on a
 * bounded range pass `treatmentRange`, which integrates over the range instead and renormalises the
 * smoothing kernel there (without it, the treatment-bridge and DR estimates carry a bias near the
 * ends). The treatment bridge is an inverse density: when the treatment density given the confounder
 * gets close to zero somewhere in the range, the weights grow and PIPW becomes noisy. Cost O(n³)
 * time and O(n²) memory: a few seconds at n = 1000.
 *
 * @param data - treatment, outcome, proxies and covariates (see {@link ProximalData}).
 * @param options - grid, bandwidth, kernel length-scale and ridge weights (see {@link ProximalDoseResponseOptions}).
 * @returns the DR, POR and PIPW curves on the grid, the bandwidth and the fitted bridges.
 * @throws ShapeError when the arrays disagree in length; ParameterError for bad options, or when a
 *   ridge weight is too small for the data to give a non-singular system.
 *
 * @example
 * ```ts
 * const sim = simulateProximal({ n: 500, seed: 1 });
 * const fit = proximalDoseResponse(sim.data, { grid: sim.grid });
 * fit.dr; // ≈ sim.truth
 * ```
 */
export function proximalDoseResponse(data: ProximalData, options?: ProximalDoseResponseOptions): ProximalDoseResponseResult {
  const fn = 'proximalDoseResponse';
  if (data === null || typeof data !== 'object' || Array.isArray(data) || ArrayBuffer.isView(data)) throw parameterError(fn, 'data', 'an object { a, y, z, w, x? }', data);
  const opts = readOptions(fn, options, OPTION_KEYS);
  const a = finiteArray(fn, 'data.a', data.a);
  const n = a.length;
  if (n < 3) throw parameterError(fn, 'data.a', 'at least 3 units', a.length);
  const y = finiteArray(fn, 'data.y', data.y);
  if (y.length !== n) throw new ShapeError(`${fn}: data.y must have length ${n}, one entry per unit (got ${y.length})`);
  const z = readColumns(fn, 'data.z', data.z, n);
  const w = readColumns(fn, 'data.w', data.w, n);
  const none = { data: new Float64Array(0), d: 0 };
  const x = data.x === undefined ? none : readColumns(fn, 'data.x', data.x, n);
  const xh = opts.outcomeCovariates === undefined ? x : readColumns(fn, 'options.outcomeCovariates', opts.outcomeCovariates, n);
  const xq = opts.treatmentCovariates === undefined ? x : readColumns(fn, 'options.treatmentCovariates', opts.treatmentCovariates, n);
  const lengthScale = opts.lengthScale === undefined ? 0.5 : positiveFinite(fn, 'options.lengthScale', opts.lengthScale);
  const lambda = opts.lambda === undefined ? 0.0003 : positiveFinite(fn, 'options.lambda', opts.lambda);
  const lambdaTest = opts.lambdaTest === undefined ? 0.01 : positiveFinite(fn, 'options.lambdaTest', opts.lambdaTest);
  let range: [number, number] | undefined;
  if (opts.treatmentRange !== undefined) {
    const r = finiteArray(fn, 'options.treatmentRange', opts.treatmentRange);
    if (r.length !== 2 || !(r[0]! < r[1]!)) throw parameterError(fn, 'options.treatmentRange', '[lo, hi] with lo < hi', opts.treatmentRange);
    range = [r[0]!, r[1]!];
    for (let i = 0; i < n; i++) {
      if (a[i]! < range[0] || a[i]! > range[1]) throw parameterError(fn, 'data.a', `inside options.treatmentRange [${range[0]}, ${range[1]}] at every unit`, `${a[i]} at index ${i}`);
    }
  }
  // ∫ exp(−(t − c)²/(2s²)) dt over [lo, hi], or over the real line without a range
  const gaussMass = (c: number, s: number): number => {
    if (range === undefined) return Math.sqrt(2 * Math.PI) * s;
    const k = Math.SQRT1_2 / s;
    return Math.sqrt(Math.PI / 2) * s * (wasmErf(fn, (range[1] - c) * k) - wasmErf(fn, (range[0] - c) * k));
  };

  const sortedA = a.slice().sort();
  let grid: Float64Array;
  if (opts.grid === undefined) {
    const lo = quantile(sortedA, 0.1);
    const hi = quantile(sortedA, 0.9);
    grid = Float64Array.from({ length: 21 }, (_, k) => lo + ((hi - lo) * k) / 20);
  } else {
    grid = finiteArray(fn, 'options.grid', opts.grid);
    if (grid.length === 0) throw parameterError(fn, 'options.grid', 'at least one treatment value', opts.grid);
    // a renormalised kernel centred outside the range would divide by a vanishing mass
    if (range !== undefined && grid.some((g) => g < range![0] || g > range![1])) {
      throw parameterError(fn, 'options.grid', `values inside options.treatmentRange [${range[0]}, ${range[1]}]`, opts.grid);
    }
  }
  const aStats = columnStats({ data: a, d: 1 }, n);
  if (aStats.sd[0] === 1 && sortedA[0] === sortedA[n - 1]) throw new ParameterError(`${fn}: data.a must vary across units (got the constant ${a[0]})`);
  let bandwidth: number;
  if (opts.bandwidth === undefined) {
    bandwidth = 1.06 * aStats.sd[0]! * wasmPow(fn, n, -0.2);
  } else {
    bandwidth = positiveFinite(fn, 'options.bandwidth', opts.bandwidth);
  }
  const G = grid.length;
  const aCol = { data: a, d: 1 };

  // outcome bridge h on (A, W, X_h), test functions on (A, Z, X_h)
  const Fh = featureSpace(hstack(n, [aCol, w, xh]), n, lengthScale);
  const Fgh = featureSpace(hstack(n, [aCol, z, xh]), n, lengthScale);
  const Kh = gaussGram(fn, Fh.scaled, n, Fh.scaled, n, Fh.d);
  const Kgh = gaussGram(fn, Fgh.scaled, n, Fgh.scaled, n, Fgh.d);
  const alphaH = bridgeSolve(fn, Kgh, Kh, n, lambda, lambdaTest, matmul(fn, Kgh, y, n, n, 1), 'the outcome-bridge system');
  const hFit = matmul(fn, Kh, alphaH, n, n, 1);

  // treatment bridge q on (A, Z, X_q), test functions on (A, W, X_q); the moment's right-hand side
  // E[∫ g(W, a, X) da] is, per basis function i, ∫ k_a(a, A_i) da (√(2π)·ℓ_a over the real line)
  // times the Gram of the (W, X) columns
  const Fq = featureSpace(hstack(n, [aCol, z, xq]), n, lengthScale);
  const Fgq = featureSpace(hstack(n, [aCol, w, xq]), n, lengthScale);
  const Kq = gaussGram(fn, Fq.scaled, n, Fq.scaled, n, Fq.d);
  const Kgq = gaussGram(fn, Fgq.scaled, n, Fgq.scaled, n, Fgq.d);
  const wx = dropFirst(Fgq, n);
  const Kwx = gaussGram(fn, wx, n, wx, n, Fgq.d - 1);
  const rhsQ = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Kwx[i * n + j]!;
    rhsQ[i] = gaussMass(a[i]!, Fgq.scaleOfFirst) * s;
  }
  const alphaQ = bridgeSolve(fn, Kgq, Kq, n, lambda, lambdaTest, rhsQ, 'the treatment-bridge system');
  const qFit = matmul(fn, Kq, alphaQ, n, n, 1);

  // POR: (1/n) Σ_i ĥ(W_i, a, X_i) = (1/n) Σ_j s_j α_j k_a(a, A_j), s_j = Σ_i k_wx(i, j) (product kernel)
  const hwx = dropFirst(Fh, n);
  const KhWx = gaussGram(fn, hwx, n, hwx, n, Fh.d - 1);
  const colSum = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) colSum[j] = colSum[j]! + KhWx[i * n + j]!;
  const aScaled = new Float64Array(n);
  const gScaled = new Float64Array(G);
  const aMean = aStats.mean[0]!;
  for (let i = 0; i < n; i++) aScaled[i] = (a[i]! - aMean) / Fh.scaleOfFirst;
  for (let g = 0; g < G; g++) gScaled[g] = (grid[g]! - aMean) / Fh.scaleOfFirst;
  const Ka = gaussGram(fn, gScaled, G, aScaled, n, 1); // G × n
  // smoothing kernel K_b(A_i − a_g) = exp(−(A_i − a_g)²/(2b²)) / ∫ exp(−(t − a_g)²/(2b²)) dt (the
  // integral over the treatment range when there is one: √(2π)·b otherwise)
  const aB = a.map((v) => v / bandwidth);
  const gB = grid.map((v) => v / bandwidth);
  const Kb = gaussGram(fn, gB, G, aB, n, 1); // G × n

  const por = new Float64Array(G);
  const pipw = new Float64Array(G);
  const dr = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const norm = 1 / gaussMass(grid[g]!, bandwidth);
    let p = 0;
    let ipw = 0;
    let corr = 0;
    for (let j = 0; j < n; j++) {
      p += colSum[j]! * alphaH[j]! * Ka[g * n + j]!;
      const k = Kb[g * n + j]! * norm * qFit[j]!;
      ipw += k * y[j]!;
      corr += k * (y[j]! - hFit[j]!);
    }
    por[g] = p / n;
    pipw[g] = ipw / n;
    dr[g] = corr / n + p / n;
  }
  return { grid, dr, por, pipw, bandwidth, outcomeBridge: hFit, treatmentBridge: qFit };
}
