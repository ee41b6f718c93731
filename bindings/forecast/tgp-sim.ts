/** A simulated scalar-on-image regression with a known smooth, sparse coefficient (for the tensor GP). */
import { optionKeys, positiveInteger, readOptions, nonNegative } from '../runtime/validate.js';
import { parameterError } from '../runtime/errors.js';
import { seededRng } from '../rng.js';
import { checkCapacity } from '../runtime/memory.js';
import type { Tensor } from '../tucker/index.js';

/** Options of {@link simulateImageRegression}. */
export interface ImageRegressionOptions {
  /** Number of images (default 200). */
  n?: number;
  /** Image height = width (default 16, at least 8). */
  size?: number;
  /** Channels (default 3, at least 2). */
  channels?: number;
  /** Signal-to-noise ratio var(⟨β, X⟩)/σ² (default 9). */
  snr?: number;
  /** Seed (default 0). */
  seed?: number | bigint;
}

/** Images, responses and the planted coefficient. */
export interface ImageRegressionData {
  /** Images, shape [n, size, size, channels]. */
  X: Tensor;
  /** Responses yᵢ = ⟨β, Xᵢ⟩ + εᵢ. */
  y: Float64Array;
  /** The planted coefficient β, shape [size, size, channels]. */
  coefficient: Tensor;
  /** Noise standard deviation used. */
  noise: number;
}

const KEYS = optionKeys<ImageRegressionOptions>({ n: true, size: true, channels: true, snr: true, seed: true });

/**
 * Simulated multi-channel images with a smooth, sparse regression signal. Each channel of each image
 * is white Gaussian noise blurred by a 3 × 3 box (spatially correlated pixels). The planted β has two
 * square blocks of side size/4: one in the upper right (rows and columns from size/8 and 9·size/16)
 * with channel weights (1, ½, 0, …), one in the lower left (from 5·size/8 and size/8) with weights
 * (0, −½, −1, 0, …); zero elsewhere. yᵢ = ⟨β, Xᵢ⟩ + εᵢ with εᵢ ~ N(0, σ²), σ² = var(⟨β, X⟩)/snr
 * (the sample variance of this draw).
 */
export function simulateImageRegression(options?: ImageRegressionOptions): ImageRegressionData {
  const fn = 'simulateImageRegression';
  const o = readOptions(fn, options, KEYS);
  const n = o.n === undefined ? 200 : positiveInteger(fn, 'options.n', o.n);
  const S = o.size === undefined ? 16 : positiveInteger(fn, 'options.size', o.size);
  if (S < 8) throw parameterError(fn, 'options.size', 'an integer >= 8', S);
  const C = o.channels === undefined ? 3 : positiveInteger(fn, 'options.channels', o.channels);
  if (C < 2) throw parameterError(fn, 'options.channels', 'an integer >= 2', C);
  const snr = o.snr === undefined ? 9 : nonNegative(fn, 'options.snr', o.snr);
  if (!(snr > 0) || !Number.isFinite(snr)) throw parameterError(fn, 'options.snr', 'a finite number > 0', snr);
  checkCapacity(fn, (n + 1) * S * S * C + 3 * n);
  const R = seededRng(fn, o.seed ?? 0, 'options.seed');
  const beta = new Float64Array(S * S * C);
  const side = Math.max(2, Math.floor(S / 4));
  const put = (r0: number, c0: number, weights: number[]): void => {
    for (let r = r0; r < r0 + side; r++) for (let c = c0; c < c0 + side; c++) for (let ch = 0; ch < C; ch++) beta[(r * S + c) * C + ch] = weights[ch] ?? 0;
  };
  put(Math.floor(S / 8), Math.floor((9 * S) / 16), [1, 0.5]);
  put(Math.floor((5 * S) / 8), Math.floor(S / 8), [0, -0.5, -1]);
  const X = new Float64Array(n * S * S * C);
  for (let i = 0; i < n; i++) {
    const z = R.normal(S * S * C);
    for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) for (let ch = 0; ch < C; ch++) {
      let s = 0;
      let k = 0;
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) {
        const rr = r + dr;
        const cc = c + dc;
        if (rr < 0 || rr >= S || cc < 0 || cc >= S) continue;
        s += z[(rr * S + cc) * C + ch]!;
        k++;
      }
      X[(((i * S + r) * S + c) * C) + ch] = s / k;
    }
  }
  const f = new Float64Array(n);
  const D = S * S * C;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < D; t++) s += beta[t]! * X[i * D + t]!;
    f[i] = s;
    mean += s;
  }
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (f[i]! - mean) ** 2;
  v /= Math.max(n - 1, 1);
  const noise = Math.sqrt(v / snr);
  const eps = R.normal(n);
  const y = f.map((s, i) => s + noise * eps[i]!);
  return { X: { data: X, shape: [n, S, S, C] }, y, coefficient: { data: beta, shape: [S, S, C] }, noise };
}
