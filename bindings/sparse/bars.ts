/**
 * The bars test: images made of horizontal and vertical bars, the standard benchmark of binary sparse
 * coding and maximal causes analysis, and a matcher that pairs learned fields with the true bars.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { checkCapacity } from '../runtime/memory.js';
import { nonNegative, optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { seededRng } from '../rng.js';
import { finiteCopy } from './util.js';

/** A row-major matrix of doubles as the sparse family returns it: entry (i, j) at `data[i * cols + j]`. */
export interface DenseMatrix {
  /** The entries, row by row (length rows · cols). */
  data: Float64Array;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
}

/** Options of {@link barsTest}. */
export interface BarsTestOptions {
  /** Number of images N (default 1000). */
  N?: number;
  /** Side R of the square images: D = R² pixels and H = 2R bars (default 5). */
  size?: number;
  /** Probability π that a bar is on, independently per bar and image (default 1/R = 0.2). */
  pi?: number;
  /** Standard deviation σ of the Gaussian pixel noise (default 2). */
  sigma?: number;
  /** Pixel value of a bar (default 10). */
  amplitude?: number;
  /**
   * How active bars combine: `'linear'` sums them (binary sparse coding; overlaps add up to 2 × amplitude),
   * `'max'` takes the pixelwise maximum, starting from 0 (maximal causes; overlaps stay at amplitude).
   * Default `'linear'`.
   */
  superposition?: 'linear' | 'max';
  /** Seed of the proxkit generator (default 1). */
  seed?: number | bigint;
}

/** A bars-test data set and its ground truth. */
export interface BarsTestData {
  /** The images, N × D, row-major; row n is image n, pixel (r, c) at column r·R + c. */
  Y: DenseMatrix;
  /** The true fields, H × D: rows 0…R−1 are the horizontal bars (image row h), rows R…2R−1 the vertical ones (image column h − R). */
  W: DenseMatrix;
  /** The sampled causes, N × H (1 = bar on). */
  S: Uint8Array;
  /** The prior π used. */
  pi: number;
  /** The noise σ used. */
  sigma: number;
}

const BARS_KEYS = optionKeys<BarsTestOptions>({ N: true, size: true, pi: true, sigma: true, amplitude: true, superposition: true, seed: true });

/**
 * Seeded bars-test data: each of the H = 2R bars of an R × R image is on with probability π; the image
 * is the sum (`'linear'`) or pixelwise maximum (`'max'`) of the active bars plus N(0, σ²) noise per
 * pixel. Draws per image: H uniforms (s_h = u_h < π), then D normals.
 *
 * @example
 * const { Y, W } = barsTest({ N: 1000, superposition: 'linear', seed: 1 }); // Y: 1000 × 25, W: 10 × 25
 */
export function barsTest(options?: BarsTestOptions): BarsTestData {
  const fn = 'barsTest';
  const o = readOptions(fn, options, BARS_KEYS);
  const N = o.N === undefined ? 1000 : positiveInteger(fn, 'options.N', o.N);
  const R = o.size === undefined ? 5 : positiveInteger(fn, 'options.size', o.size);
  const pi = o.pi === undefined ? 1 / R : nonNegative(fn, 'options.pi', o.pi);
  if (pi > 1) throw parameterError(fn, 'options.pi', 'in [0, 1]', pi);
  const sigma = o.sigma === undefined ? 2 : nonNegative(fn, 'options.sigma', o.sigma);
  if (!Number.isFinite(sigma)) throw parameterError(fn, 'options.sigma', 'finite', sigma);
  const amp = o.amplitude === undefined ? 10 : o.amplitude;
  if (typeof amp !== 'number' || !Number.isFinite(amp)) throw parameterError(fn, 'options.amplitude', 'a finite number', amp);
  const sup = o.superposition ?? 'linear';
  if (sup !== 'linear' && sup !== 'max') throw parameterError(fn, 'options.superposition', "'linear' or 'max'", sup);
  const rng = seededRng(fn, o.seed ?? 1, 'options.seed');
  const D = R * R;
  checkCapacity(fn, N * D);
  const H = 2 * R;
  const W = new Float64Array(H * D);
  for (let h = 0; h < R; h++) {
    for (let c = 0; c < R; c++) W[h * D + h * R + c] = amp; // horizontal bar: image row h
    for (let r = 0; r < R; r++) W[(R + h) * D + r * R + h] = amp; // vertical bar: image column h
  }
  const Y = new Float64Array(N * D);
  const S = new Uint8Array(N * H);
  for (let n = 0; n < N; n++) {
    const u = rng.uniform(H);
    const noise = rng.normal(D);
    const y = Y.subarray(n * D, (n + 1) * D);
    for (let h = 0; h < H; h++) {
      if (!(u[h]! < pi)) continue;
      S[n * H + h] = 1;
      for (let d = 0; d < D; d++) {
        const w = W[h * D + d]!;
        y[d] = sup === 'linear' ? y[d]! + w : Math.max(y[d]!, w);
      }
    }
    for (let d = 0; d < D; d++) y[d] = y[d]! + sigma * noise[d]!;
  }
  return { Y: { data: Y, rows: N, cols: D }, W: { data: W, rows: H, cols: D }, S, pi, sigma };
}

/** The result of {@link matchFields}. */
export interface FieldMatch {
  /** For each true field j, the index of the learned field paired with it. */
  pairs: Int32Array;
  /** For each true field j, the cosine between it and its learned partner. */
  cosine: Float64Array;
  /** The smallest of those cosines. */
  minCosine: number;
}

/**
 * Pairs learned fields with true ones, one to one, greedily on cosine similarity: the pair (learned,
 * true) with the largest cosine is taken first, its two fields are removed, and so on until every true
 * field has a partner (ties: lower indices first). Both are matrices with one field per row and the same
 * number of columns; there must be at least as many learned fields as true ones. A zero field has
 * cosine 0 with everything.
 *
 * @example
 * const m = matchFields(result.W, truth.W);
 * const recovered = m.minCosine > 0.95;
 */
export function matchFields(learned: MatrixInput, truth: MatrixInput): FieldMatch {
  const fn = 'matchFields';
  const L = readMatrix(fn, 'learned', learned);
  const T = readMatrix(fn, 'truth', truth, { cols: L.cols, label: 'learned.cols' });
  const a = finiteCopy(fn, 'learned', L.data);
  const b = finiteCopy(fn, 'truth', T.data);
  if (L.rows < T.rows) throw new ShapeError(`${fn}: learned must have at least truth.rows = ${T.rows} rows (got ${L.rows})`);
  if (T.rows === 0) throw new ParameterError(`${fn}: truth must have at least one row (got 0)`);
  const D = L.cols;
  const norm = (x: Float64Array, i: number): number => {
    let s = 0;
    for (let d = 0; d < D; d++) s += x[i * D + d]! ** 2;
    return Math.sqrt(s);
  };
  const cos = new Float64Array(L.rows * T.rows);
  for (let i = 0; i < L.rows; i++) {
    const ni = norm(a, i);
    for (let j = 0; j < T.rows; j++) {
      const nj = norm(b, j);
      let s = 0;
      for (let d = 0; d < D; d++) s += a[i * D + d]! * b[j * D + d]!;
      cos[i * T.rows + j] = ni > 0 && nj > 0 ? s / (ni * nj) : 0;
    }
  }
  const usedL = new Uint8Array(L.rows);
  const pairs = new Int32Array(T.rows).fill(-1);
  const cosine = new Float64Array(T.rows);
  for (let k = 0; k < T.rows; k++) {
    let bi = -1;
    let bj = -1;
    let best = -Infinity;
    for (let i = 0; i < L.rows; i++) {
      if (usedL[i]) continue;
      for (let j = 0; j < T.rows; j++) {
        if (pairs[j] !== -1) continue;
        if (cos[i * T.rows + j]! > best) [bi, bj, best] = [i, j, cos[i * T.rows + j]!];
      }
    }
    usedL[bi] = 1;
    pairs[bj] = bi;
    cosine[bj] = best;
  }
  return { pairs, cosine, minCosine: Math.min(...cosine) };
}
