/**
 * The tucker family: the mode-n Gram kernel against the same loops in plain TS; the WASM symmetric
 * eigensolver (Householder + implicit QL) against a plain-TS cyclic Jacobi at 64, 128 and 512; and
 * core-shape selection end to end — the Tucker-packing DP (and the truncated-HOSVD search) against
 * the paper's greedy baseline that runs HOOI at every step. Fixed seeds; outputs checked before timing.
 */
import { hooi, modeGram, rng, selectCoreShape, symmetricEigen, type Tensor } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { jacobiEigenRef } from '../../test/linalg/reference.js';
import { runCase, onJs, onWasm, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';
import { allocF64 } from '../../bindings/index.js';

/** G[i, j] = Σ_{l, r} x[l, i, r]·x[l, j, r] with the kernel's loop order, in plain TS. */
export function modeGramPlain(x: Float64Array, L: number, I: number, R: number, out: Float64Array): Float64Array {
  out.fill(0);
  for (let l = 0; l < L; l++) {
    const base = l * I * R;
    for (let i = 0; i < I; i++) {
      for (let j = i; j < I; j++) {
        let s = 0;
        const a = base + i * R;
        const b = base + j * R;
        for (let r = 0; r < R; r++) s += x[a + r]! * x[b + r]!;
        out[i * I + j]! += s;
      }
    }
  }
  for (let i = 0; i < I; i++) for (let j = i + 1; j < I; j++) out[j * I + i] = out[i * I + j]!;
  return out;
}

const GRAM_SHAPES: Record<number, number[]> = { 1e3: [10, 10, 10], 1e5: [40, 50, 50], 1e6: [100, 100, 100] };

/** Mode-1 (middle) Gram of a 3-way tensor: n = 1e3 → 10³, 1e5 → 40×50×50, 1e6 → 100³. */
export function benchModeGram(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const dims = GRAM_SHAPES[size] ?? [10, 10, 10];
    const [L, I, R] = dims as [number, number, number];
    const n = L * I * R;
    const seed = 6000 + Math.round(Math.log10(size));
    const x = rng(seed).normal(n).map((v) => v / Math.sqrt(L * R)); // Gram entries O(1)
    const X = { data: x, shape: dims };
    const reference = modeGramPlain(x, L, I, R, new Float64Array(I * I)).slice();
    const k = wasm('bench');
    const xb = allocF64(x);
    const gb = allocF64(I * I);
    const col = allocF64(I);
    const publicOut = new Float64Array(I * I);
    const plainOut = new Float64Array(I * I);
    try {
      const candidates: CaseCandidate[] = [
        { key: 'public', name: 'public API modeGram (copies X in)', call: () => publicOut.set(modeGram(X, 1)), ...onJs(publicOut) },
        { key: 'raw', name: 'raw WASM kernel, X already in memory', call: () => k.modeGram(xb.ptr, L, I, R, gb.ptr, col.ptr), ...onWasm(gb) },
        { key: 'plainTS', name: 'plain TS, same loops (modeGramPlain)', call: () => modeGramPlain(x, L, I, R, plainOut), ...onJs(plainOut) },
      ];
      // Roofline: X read once, L·I(I+1)/2·R multiply-adds (the upper triangle, mirrored).
      const roof = { bytes: 8 * n, flops: L * I * (I + 1) * R, pattern: 'read' as const, keys: ['raw', 'public'] };
      return runCase({ kernel: 'modeGram', n, seed, params: { L, I, R }, roof }, candidates, [reference], { 'public API vs plain-TS': ['plainTS', 'public'], 'raw kernel vs plain-TS': ['plainTS', 'raw'] }, ctx.timer);
    } finally {
      col.free();
      gb.free();
      xb.free();
    }
  });
}

const EIGEN_ORDERS: Record<number, number> = { 1e3: 64, 1e5: 128, 1e6: 512 };
/** Largest order at which the plain-TS Jacobi baseline is run (it is O(n³) per sweep in JS). */
const JACOBI_MAX_ORDER = 128;

/** Eigenvalues/λ₀ of a random Gram matrix BBᵀ (B: n × n): WASM tred2/tql2 vs plain-TS Jacobi; n = 64, 128, 512. */
export function benchSymmetricEigen(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const n = EIGEN_ORDERS[size] ?? 64;
    const seed = 6100 + n;
    const B = rng(seed).normal(n * n);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let q = 0; q < n; q++) s += B[i * n + q]! * B[j * n + q]!;
      A[i * n + j] = A[j * n + i] = s / n;
    }
    const wasmOut = new Float64Array(n);
    const jacobiOut = new Float64Array(n);
    const scaled = (v: Float64Array, out: Float64Array): void => {
      for (let k = 0; k < n; k++) out[k] = v[k]! / v[0]!;
    };
    const wasm = { key: 'wasm', name: 'symmetricEigen (WASM Householder + implicit QL)', call: () => scaled(symmetricEigen(A, n).values, wasmOut), ...onJs(wasmOut) };
    const reference = new Float64Array(n);
    if (n > JACOBI_MAX_ORDER) {
      // The plain-TS Jacobi takes ~20 s per call at 512: timed alone here; its accuracy at 512 is
      // checked by test/linalg (residual and orthogonality), not against itself.
      scaled(symmetricEigen(A, n).values, reference);
      return runCase({ kernel: 'symmetricEigen', n, seed, params: { order: n } }, [wasm], [reference], {}, ctx.timer);
    }
    scaled(jacobiEigenRef(A, n).values, reference);
    const candidates: CaseCandidate[] = [
      wasm,
      { key: 'jacobi', name: 'plain TS cyclic Jacobi (jacobiEigenRef)', call: () => scaled(jacobiEigenRef(A, n).values, jacobiOut), ...onJs(jacobiOut) },
    ];
    return runCase({ kernel: 'symmetricEigen', n, seed, params: { order: n } }, candidates, [reference], { 'WASM vs plain-TS Jacobi': ['jacobi', 'wasm'] }, ctx.timer);
  });
}

/** G ×ₙ Aₙ (Gaussian) plus 10 % Gaussian noise: the planted-rank tensors of the done-when test. */
export function plantedTensor(seed: number, dims: number[], ranks: number[], noise: number): Tensor {
  const g = rng(seed);
  const core = g.normal(ranks.reduce((a, b) => a * b, 1));
  const factors = dims.map((I, n) => g.normal(I * ranks[n]!));
  // X = core ×₀ A₀ ×₁ A₁ ×₂ A₂ written out (3-way), then noise.
  const [I0, I1, I2] = dims as [number, number, number];
  const [r0, r1, r2] = ranks as [number, number, number];
  const data = new Float64Array(I0 * I1 * I2);
  for (let a = 0; a < I0; a++) for (let b = 0; b < I1; b++) for (let c = 0; c < I2; c++) {
    let s = 0;
    for (let p = 0; p < r0; p++) for (let q = 0; q < r1; q++) for (let t = 0; t < r2; t++) {
      s += core[(p * r1 + q) * r2 + t]! * factors[0]![a * r0 + p]! * factors[1]![b * r1 + q]! * factors[2]![c * r2 + t]!;
    }
    data[(a * I1 + b) * I2 + c] = s;
  }
  let s2 = 0;
  for (const v of data) s2 += v * v;
  const E = g.normal(data.length);
  let e2 = 0;
  for (const v of E) e2 += v * v;
  const scale = (noise * Math.sqrt(s2)) / Math.sqrt(e2);
  return { data: data.map((v, i) => v + scale * E[i]!), shape: dims };
}

const SELECT_CASES: Record<number, { dims: number[]; ranks: number[]; budget: number }> = {
  1e3: { dims: [8, 10, 12], ranks: [2, 3, 4], budget: 192 },
  1e5: { dims: [20, 30, 40], ranks: [4, 5, 6], budget: 2400 },
  1e6: { dims: [40, 50, 60], ranks: [5, 6, 7], budget: 6000 },
};

/**
 * Core-shape selection end to end on a planted-rank tensor (HOOI: 5 sweeps per evaluation): 'dp'
 * (mode spectra + packing DP), 'hosvd' (full HOSVD + summed-area search) and the paper's greedy
 * baseline. The checked output is 1 when the shape fits the budget; the true errors are printed.
 */
export function benchSelectCoreShape(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const { dims, ranks, budget } = SELECT_CASES[size] ?? SELECT_CASES[1e3]!;
    const seed = 6200 + Math.round(Math.log10(size));
    const X = plantedTensor(seed, dims, ranks, 0.1);
    const opts = { hooi: { maxIter: 5, tol: 1e-6 }, evaluate: false };
    const outs = { dp: new Float64Array(1), hosvd: new Float64Array(1), greedy: new Float64Array(1) };
    const shapes: Record<string, number[]> = {};
    const call = (method: 'dp' | 'hosvd' | 'greedy') => () => {
      const r = selectCoreShape(X, budget, { method, ...opts });
      shapes[method] = r.shape;
      outs[method][0] = r.parameters <= budget ? 1 : 0;
    };
    const candidates: CaseCandidate[] = [
      { key: 'dp', name: "selectCoreShape 'dp' (spectra + packing DP)", call: call('dp'), ...onJs(outs.dp) },
      { key: 'hosvd', name: "selectCoreShape 'hosvd' (full HOSVD + table)", call: call('hosvd'), ...onJs(outs.hosvd) },
      { key: 'greedy', name: "selectCoreShape 'greedy' (HOOI per step)", call: call('greedy'), ...onJs(outs.greedy) },
    ];
    const result = runCase(
      { kernel: 'selectCoreShape', n: X.data.length, seed, params: { budget } },
      candidates,
      [[1]],
      { 'dp vs greedy': ['greedy', 'dp'], 'hosvd vs greedy': ['greedy', 'hosvd'] },
      ctx.timer,
    );
    const err = (s: number[]): string => hooi(X, s, { maxIter: 20, tol: 1e-8 }).relativeError.toFixed(4);
    console.log(`  ${dims.join('×')}, budget ${budget}: shapes (HOOI rel. error) dp ${shapes.dp!.join('×')} (${err(shapes.dp!)}), hosvd ${shapes.hosvd!.join('×')} (${err(shapes.hosvd!)}), greedy ${shapes.greedy!.join('×')} (${err(shapes.greedy!)})`);
    return result;
  });
}
