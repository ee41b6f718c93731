/**
 * The constrained family's kernels, per size (KKT order N = 100 / 200 / 400 for the bench sizes
 * 1e3 / 1e5 / 1e6, sketch size s = N/4):
 * - S·K for a dense Gaussian sketch (s × N times N × N): WASM vs plain TS;
 * - S·K for a count sketch (each row of K added, with a sign, into one of s rows): WASM vs plain TS;
 * - the logistic loss, gradient and Hessian Xᵀ D X on 569 / 2 276 / 9 104 rows of 30 features (breast
 *   cancer's shape, ×1, ×4, ×16): WASM vs plain TS with Math.exp / Math.log1p.
 * Outputs are compared with the plain-TS results before and after timing.
 */
import { rng } from '../../bindings/index.js';
import { logisticKernel, sketchCount, sketchDense } from '../../bindings/constrained/kernels.js';
import { assertClose, measure, type BenchContext, type CandidateResult, type CaseResult } from '../harness.js';

const SEED = 9;

function plainDense(S: Float64Array, s: number, K: Float64Array, N: number, out: Float64Array): void {
  out.fill(0);
  for (let r = 0; r < s; r++) {
    for (let k = 0; k < N; k++) {
      const a = S[r * N + k]!;
      for (let j = 0; j < N; j++) out[r * N + j] = out[r * N + j]! + a * K[k * N + j]!;
    }
  }
}

function plainCount(bucket: Int32Array, sign: Float64Array, s: number, K: Float64Array, N: number, out: Float64Array): void {
  out.fill(0);
  for (let k = 0; k < N; k++) {
    const o = bucket[k]! * N;
    const g = sign[k]!;
    for (let j = 0; j < N; j++) out[o + j] = out[o + j]! + g * K[k * N + j]!;
  }
}

function plainLogistic(X: Float64Array, n: number, d: number, y: Float64Array, wb: Float64Array, grad: Float64Array, hess: Float64Array): number {
  const p = d + 1;
  grad.fill(0);
  hess.fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let t = wb[d]!;
    for (let j = 0; j < d; j++) t += X[i * d + j]! * wb[j]!;
    const m = y[i]! * t;
    loss += m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
    const sg = 1 / (1 + Math.exp(m)); // σ(−m)
    const wgt = sg * (1 - sg);
    for (let j = 0; j < p; j++) {
      const xj = j < d ? X[i * d + j]! : 1;
      grad[j] = grad[j]! - (y[i]! * sg * xj) / n;
      for (let k = 0; k < p; k++) hess[j * p + k] = hess[j * p + k]! + (wgt * xj * (k < d ? X[i * d + k]! : 1)) / n;
    }
  }
  return loss / n;
}

function sketchCase(kind: 'dense' | 'count', N: number, ctx: BenchContext): CaseResult {
  const R = rng(SEED);
  const s = Math.ceil(N / 4);
  const K = R.normal(N * N);
  const S = R.normal(s * N);
  const bucket = Int32Array.from(R.uniform(N), (u) => Math.floor(u * s));
  const sign = Float64Array.from(R.uniform(N), (u) => (u < 0.5 ? -1 : 1));
  const plainOut = new Float64Array(s * N);
  const dense = kind === 'dense';
  const names = dense
    ? { wasm: 'Gaussian S·K (WASM, copying wrapper)', plain: 'Gaussian S·K (plain TS)' }
    : { wasm: 'count-sketch S·K (WASM, copying wrapper)', plain: 'count-sketch S·K (plain TS)' };
  const calls = dense
    ? { wasm: () => void sketchDense('bench', S, s, K, N), plain: () => plainDense(S, s, K, N, plainOut) }
    : { wasm: () => void sketchCount('bench', bucket, sign, s, K, N), plain: () => plainCount(bucket, sign, s, K, N, plainOut) };
  const check = (when: string): void => {
    calls.plain();
    const got = dense ? sketchDense('bench', S, s, K, N) : sketchCount('bench', bucket, sign, s, K, N);
    assertClose(`${dense ? 'sketchDense' : 'sketchCount'} N=${N}${when}`, got, plainOut, dense ? 1e-9 : 1e-12);
  };
  check('');
  const keys = ['wasm', 'plain'] as const;
  const { rounds, timings } = measure(keys.map((k) => ({ name: names[k], fn: calls[k] })), ctx.timer);
  check(' (after timing)');
  const results: CandidateResult[] = timings.map((t, i) => ({ key: keys[i]!, ...t, elementsPerSec: (dense ? s * N * N : N * N) / t.median }));
  const med = (k: string): number => results.find((r) => r.key === k)!.median;
  return { kernel: dense ? 'sketchDense' : 'sketchCount', n: N, seed: SEED, inputs: 1, params: { s }, rounds, candidates: results, ratios: { 'plain/wasm': med('plain') / med('wasm') } };
}

function logisticCase(n: number, ctx: BenchContext): CaseResult {
  const d = 30;
  const R = rng(SEED + 1);
  const X = R.normal(n * d);
  const y = Float64Array.from(R.uniform(n), (u) => (u < 0.5 ? -1 : 1));
  const wb = R.normal(d + 1).map((v) => v * 0.2);
  const p = d + 1;
  const g1 = new Float64Array(p);
  const h1 = new Float64Array(p * p);
  const g2 = new Float64Array(p);
  const h2 = new Float64Array(p * p);
  const check = (when: string): void => {
    const a = logisticKernel('bench', X, n, d, y, wb, g1, h1);
    const b = plainLogistic(X, n, d, y, wb, g2, h2);
    assertClose(`alLogistic loss${when}`, [a], [b], 1e-12);
    assertClose(`alLogistic gradient${when}`, g1, g2, 1e-12);
    assertClose(`alLogistic Hessian${when}`, h1, h2, 1e-12);
  };
  check('');
  const keys = ['wasm', 'plain'] as const;
  const calls = { wasm: () => void logisticKernel('bench', X, n, d, y, wb, g1, h1), plain: () => void plainLogistic(X, n, d, y, wb, g2, h2) };
  const names = { wasm: 'logistic loss + gradient + Hessian (WASM)', plain: 'logistic loss + gradient + Hessian (plain TS)' };
  const { rounds, timings } = measure(keys.map((k) => ({ name: names[k], fn: calls[k] })), ctx.timer);
  check(' (after timing)');
  const results: CandidateResult[] = timings.map((t, i) => ({ key: keys[i]!, ...t, elementsPerSec: (n * p * p) / t.median }));
  const med = (k: string): number => results.find((r) => r.key === k)!.median;
  return { kernel: 'alLogistic', n, seed: SEED + 1, inputs: 1, params: { d }, rounds, candidates: results, ratios: { 'plain/wasm': med('plain') / med('wasm') } };
}

/** Sizes 1e3 / 1e5 / 1e6 run KKT order N = 100 / 200 / 400 (s = N/4). */
const order: Record<number, number> = { 1e3: 100, 1e5: 200, 1e6: 400 };
export const benchSketchDense = (ctx: BenchContext): CaseResult[] => ctx.sizes.map((sz) => sketchCase('dense', order[sz] ?? sz, ctx));
export const benchSketchCount = (ctx: BenchContext): CaseResult[] => ctx.sizes.map((sz) => sketchCase('count', order[sz] ?? sz, ctx));
/** Sizes 1e3 / 1e5 / 1e6 run 569 / 2 276 / 9 104 rows of 30 features (breast cancer's shape, ×1, ×4, ×16). */
const rowsFor: Record<number, number> = { 1e3: 569, 1e5: 2276, 1e6: 9104 };
export const benchAlLogistic = (ctx: BenchContext): CaseResult[] => ctx.sizes.map((sz) => logisticCase(rowsFor[sz] ?? sz, ctx));
