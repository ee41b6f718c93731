/**
 * One CP-ALS sweep (every factor updated once: N MTTKRPs, N R×R solves, the residual) through the
 * public `cp` (MTTKRP, Khatri–Rao rows and residual in WASM) against the same sweep written in plain
 * TS (cpAlsSweepPlain: the MTTKRP summed entry by entry over the tensor). Both start from the same
 * factors, so both produce the same next factors: the output check compares the first of them.
 */
import { cp, rng, type Tensor } from '../../bindings/index.js';
import { solveGram } from '../../bindings/tucker/cp.js';
import { runCase, onJs, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

/**
 * One ALS sweep in plain TS on a 3-way tensor (the bench's reference): for n = 0, 1, 2,
 * Aₙ ← X₍ₙ₎(⊙ Aₘ)(⊛ AₘᵀAₘ)⁻¹ with the MTTKRP as one pass over the entries; then the residual.
 * Returns the relative error after the sweep; updates `factors` in place.
 */
export function cpAlsSweepPlain(X: Tensor, factors: Float64Array[], R: number): number {
  const [I0, I1, I2] = X.shape as [number, number, number];
  const dims = [I0, I1, I2];
  const x = X.data;
  const grams = factors.map((A, n) => gramPlain(A, dims[n]!, R));
  for (let n = 0; n < 3; n++) {
    const M = new Float64Array(dims[n]! * R);
    const [A0, A1, A2] = factors as [Float64Array, Float64Array, Float64Array];
    // One loop nest per mode, row offsets hoisted (no per-entry branch on n).
    for (let a = 0; a < I0; a++) for (let b = 0; b < I1; b++) {
      const base = (a * I1 + b) * I2;
      const oa = a * R;
      const ob = b * R;
      for (let c = 0; c < I2; c++) {
        const v = x[base + c]!;
        const oc = c * R;
        if (n === 0) for (let r = 0; r < R; r++) M[oa + r]! += v * A1[ob + r]! * A2[oc + r]!;
        else if (n === 1) for (let r = 0; r < R; r++) M[ob + r]! += v * A0[oa + r]! * A2[oc + r]!;
        else for (let r = 0; r < R; r++) M[oc + r]! += v * A0[oa + r]! * A1[ob + r]!;
      }
    }
    const V = new Float64Array(R * R).fill(1);
    grams.forEach((G, m) => { if (m !== n) for (let k = 0; k < R * R; k++) V[k]! *= G[k]!; });
    factors[n] = solveGram(M, V, dims[n]!, R);
    grams[n] = gramPlain(factors[n]!, dims[n]!, R);
  }
  let res = 0;
  let nrm = 0;
  const [A0, A1, A2] = factors as [Float64Array, Float64Array, Float64Array];
  for (let a = 0; a < I0; a++) for (let b = 0; b < I1; b++) for (let c = 0; c < I2; c++) {
    let v = 0;
    for (let r = 0; r < R; r++) v += A0[a * R + r]! * A1[b * R + r]! * A2[c * R + r]!;
    const d = x[(a * I1 + b) * I2 + c]! - v;
    res += d * d;
    nrm += x[(a * I1 + b) * I2 + c]! ** 2;
  }
  return Math.sqrt(res / nrm);
}

function gramPlain(A: Float64Array, I: number, R: number): Float64Array {
  const G = new Float64Array(R * R);
  for (let i = 0; i < I; i++) for (let a = 0; a < R; a++) for (let b = 0; b < R; b++) G[a * R + b]! += A[i * R + a]! * A[i * R + b]!;
  return G;
}

const CP_SHAPES: Record<number, [number[], number]> = { 1e3: [[10, 10, 10], 5], 1e5: [[40, 50, 50], 10], 1e6: [[100, 100, 100], 10] };

/** One CP-ALS sweep: n = 1e3 → 10³ rank 5, 1e5 → 40×50×50 rank 10, 1e6 → 100³ rank 10 (a planted rank-R tensor plus noise). */
export function benchCpAls(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const [dims, R] = CP_SHAPES[size] ?? [[10, 10, 10], 5];
    const n = dims.reduce((a, b) => a * b, 1);
    const seed = 6200 + Math.round(Math.log10(size));
    const g = rng(seed);
    const planted = dims.map((I) => g.normal(I * R));
    const noise = g.normal(n);
    const data = new Float64Array(n);
    const [I0, I1, I2] = dims as [number, number, number];
    for (let a = 0; a < I0; a++) for (let b = 0; b < I1; b++) for (let c = 0; c < I2; c++) {
      let v = 0;
      for (let r = 0; r < R; r++) v += planted[0]![a * R + r]! * planted[1]![b * R + r]! * planted[2]![c * R + r]!;
      data[(a * I1 + b) * I2 + c] = v + 0.1 * noise[(a * I1 + b) * I2 + c]!;
    }
    const X = { data, shape: dims };
    const start = dims.map((I) => g.uniform(I * R));
    // The check compares the last factor after one sweep; cp returns it normalised, so both outputs
    // are brought to unit columns with the first entry's sign positive.
    const canonical = (A: Float64Array, I: number, out: Float64Array): void => {
      for (let r = 0; r < R; r++) {
        let t = 0;
        for (let i = 0; i < I; i++) t += A[i * R + r]! ** 2;
        const s = Math.sign(A[r]!) / Math.sqrt(t);
        for (let i = 0; i < I; i++) out[i * R + r] = A[i * R + r]! * s;
      }
    };
    const sortCols = (A: Float64Array, I: number): Float64Array => {
      // cp sorts components by weight; order columns by their first entry to compare either way
      const cols = Array.from({ length: R }, (_, r) => Array.from({ length: I }, (_, i) => A[i * R + r]!));
      cols.sort((u, v) => u[0]! - v[0]!);
      const out = new Float64Array(I * R);
      cols.forEach((col, r) => col.forEach((v, i) => (out[i * R + r] = v)));
      return out;
    };
    const last = dims[2]!;
    const plainOut = new Float64Array(last * R);
    const wasmOut = new Float64Array(last * R);
    const tmp = new Float64Array(last * R);
    const runPlain = (out: Float64Array): void => {
      const fs = start.map((A) => A.slice());
      cpAlsSweepPlain(X, fs, R);
      canonical(fs[2]!, last, tmp);
      out.set(sortCols(tmp, last));
    };
    const runWasm = (out: Float64Array): void => {
      const res = cp(X, R, { init: start, maxIter: 1, tol: 0, lineSearch: false });
      canonical(res.factors[2]!, last, tmp);
      out.set(sortCols(tmp, last));
    };
    const reference = new Float64Array(last * R);
    runPlain(reference);
    const candidates: CaseCandidate[] = [
      { key: 'public', name: 'cp, one sweep (MTTKRP, Khatri–Rao, residual in WASM)', call: () => runWasm(wasmOut), ...onJs(wasmOut) },
      { key: 'plainTS', name: 'plain TS ALS sweep (cpAlsSweepPlain)', call: () => runPlain(plainOut), ...onJs(plainOut) },
    ];
    return runCase({ kernel: 'cpAlsSweep', n, seed, params: { I0, I1, I2, R }, tol: 1e-9 }, candidates, [reference], { 'cp sweep vs plain-TS ALS': ['plainTS', 'public'] }, ctx.timer);
  });
}
