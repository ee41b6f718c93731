/**
 * The causal family's Gram-matrix work, per size (n = 200 / 400 / 800 units for the bench sizes
 * 1e3 / 1e5 / 1e6), as one bridge fit uses it:
 * - Gaussian Gram matrix exp(−½‖x_i − x_j‖²) of n points in 3 dimensions (the (A, W, X) space):
 *   the WASM kernel through its copying wrapper vs plain TS with Math.exp;
 * - the n × n product K_g·K_f of the bridge system: WASM vs a plain-TS i-k-j loop;
 * - the n × n LU solve with partial pivoting of that system: WASM vs plain TS.
 * Outputs are compared with the plain-TS results before and after timing (1e-12 for the Gram matrix,
 * 1e-9 relative for the product and the solve).
 */
import { rng } from '../../bindings/index.js';
import { gaussGram, luSolve, matmul } from '../../bindings/causal/kernels.js';
import { assertClose, measure, type BenchContext, type CandidateResult, type CaseResult } from '../harness.js';

const SEED = 5;
const D = 3;

function plainGram(X: Float64Array, n: number, d: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = X[i * d + k]! - X[j * d + k]!;
        s += t * t;
      }
      out[i * n + j] = Math.exp(-0.5 * s);
    }
  }
}

function plainMatmul(A: Float64Array, B: Float64Array, n: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const a = A[i * n + k]!;
      const row = k * n;
      const o = i * n;
      for (let j = 0; j < n; j++) out[o + j] = out[o + j]! + a * B[row + j]!;
    }
  }
}

function plainLuSolve(A0: Float64Array, n: number, b: Float64Array): Float64Array {
  const A = A0.slice();
  const x = b.slice();
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i * n + k]!) > Math.abs(A[p * n + k]!)) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = A[k * n + j]!;
        A[k * n + j] = A[p * n + j]!;
        A[p * n + j] = t;
      }
      const t = x[k]!;
      x[k] = x[p]!;
      x[p] = t;
    }
    const piv = A[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const f = A[i * n + k]! / piv;
      if (f === 0) continue;
      for (let j = k; j < n; j++) A[i * n + j] = A[i * n + j]! - f * A[k * n + j]!;
      x[i] = x[i]! - f * x[k]!;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let v = x[k]!;
    for (let j = k + 1; j < n; j++) v -= A[k * n + j]! * x[j]!;
    x[k] = v / A[k * n + k]!;
  }
  return x;
}

const relClose = (what: string, got: Float64Array, want: Float64Array, rel: number): void => {
  let scale = 1e-300;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  assertClose(what, got, want, rel * scale);
};

type Kind = 'gram' | 'matmul' | 'lu';

function benchOne(kind: Kind, n: number, ctx: BenchContext): CaseResult {
  const R = rng(SEED);
  const X = R.normal(n * D).map((v) => v / 1.5);
  const K = new Float64Array(n * n);
  plainGram(X, n, D, K);
  const K2 = new Float64Array(n * n);
  plainGram(X.map((v) => v * 0.8), n, D, K2);
  const plainOut = new Float64Array(n * n);
  let names: Record<'wasm' | 'plain', string>;
  let calls: Record<'wasm' | 'plain', () => void>;
  let check: (when: string) => void;
  let elements: number;
  if (kind === 'gram') {
    names = { wasm: 'Gaussian Gram (WASM, copying wrapper)', plain: 'Gaussian Gram (plain TS)' };
    calls = { wasm: () => void gaussGram('bench', X, n, X, n, D), plain: () => plainGram(X, n, D, plainOut) };
    check = (when) => {
      plainGram(X, n, D, plainOut);
      assertClose(`causalGram n=${n}${when}`, gaussGram('bench', X, n, X, n, D), plainOut, 1e-12);
    };
    elements = n * n;
  } else if (kind === 'matmul') {
    names = { wasm: 'K_g·K_f product (WASM, copying wrapper)', plain: 'K_g·K_f product (plain TS)' };
    calls = { wasm: () => void matmul('bench', K, K2, n, n, n), plain: () => plainMatmul(K, K2, n, plainOut) };
    check = (when) => {
      plainMatmul(K, K2, n, plainOut);
      relClose(`causalMatmul n=${n}${when}`, matmul('bench', K, K2, n, n, n), plainOut, 1e-12);
    };
    elements = n * n * n;
  } else {
    // the bridge system's shape: K_g K_f + nλ K_g + n²λλ_g I
    const A = new Float64Array(n * n);
    plainMatmul(K, K2, n, A);
    for (let i = 0; i < n * n; i++) A[i] = A[i]! + n * 0.003 * K[i]!;
    for (let i = 0; i < n; i++) A[i * n + i] = A[i * n + i]! + n * n * 0.003 * 0.01;
    const b = R.normal(n);
    names = { wasm: 'LU solve (WASM, copying wrapper)', plain: 'LU solve (plain TS)' };
    calls = { wasm: () => void luSolve('bench', A, n, b, 1), plain: () => void plainLuSolve(A, n, b) };
    check = (when) => relClose(`causalLuSolve n=${n}${when}`, luSolve('bench', A, n, b, 1), plainLuSolve(A, n, b), 1e-9);
    elements = (2 / 3) * n ** 3;
  }
  check('');
  const keys = ['wasm', 'plain'] as const;
  const { rounds, timings } = measure(keys.map((k) => ({ name: names[k], fn: calls[k] })), ctx.timer);
  check(' (after timing)');
  const results: CandidateResult[] = timings.map((t, i) => ({ key: keys[i]!, ...t, elementsPerSec: elements / t.median }));
  const med = (k: string): number => results.find((r) => r.key === k)!.median;
  const kernel = { gram: 'causalGram', matmul: 'causalMatmul', lu: 'causalLuSolve' }[kind];
  return { kernel, n, seed: SEED, inputs: 1, params: kind === 'gram' ? { d: D } : kind === 'matmul' ? { inner: n } : { rhs: 1 }, rounds, candidates: results, ratios: { 'plain/wasm': med('plain') / med('wasm') } };
}

/** Sizes 1e3 / 1e5 / 1e6 run n = 200 / 400 / 800 units. */
const units: Record<number, number> = { 1e3: 200, 1e5: 400, 1e6: 800 };
export const benchCausalGram = (ctx: BenchContext): CaseResult[] => ctx.sizes.map((s) => benchOne('gram', units[s] ?? s, ctx));
export const benchCausalMatmul = (ctx: BenchContext): CaseResult[] => ctx.sizes.map((s) => benchOne('matmul', units[s] ?? s, ctx));
export const benchCausalLuSolve = (ctx: BenchContext): CaseResult[] => ctx.sizes.map((s) => benchOne('lu', units[s] ?? s, ctx));
