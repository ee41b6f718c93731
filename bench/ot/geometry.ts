/**
 * gwIteration: ONE conditional-gradient iteration of gromovWasserstein from the product coupling, for
 * Euclidean distance matrices of two random 2-D clouds of n = 16, 48, 96 points (bench sizes 1e3, 1e5,
 * 1e6; the case's `n` is n²·m + n·m², the flops order of the decomposed tensor product): the public API
 * (decomposed product, O(n²m + nm²)) vs the same iteration in plain TS with the gradient summed from the
 * definition over the n²m² tensor (the linear step is the public `emd` in both). Outputs: the plan after
 * the iteration (a vertex: the line search is exact and the objective concave along the step here).
 *
 * sinkhornLazy: 10 log-domain Sinkhorn iterations between two uniform 2-D clouds of n = m = 200, 1000,
 * 2000 points (bench sizes 1e3, 1e5, 1e6; the case's `n` is n·m, cost evaluations per half-step), reg
 * 0.01: the lazy kernel (cost recomputed on the fly, memory O(n + m)) vs costMatrix + the dense log-domain
 * `sinkhorn` (n·m doubles stored). Outputs: f − f₀ (the potentials up to their free constant).
 */
import { costMatrix, emd, gromovWasserstein, rng, sinkhorn, sinkhornLazy } from '../../bindings/index.js';
import { runCase, type BenchContext, type CaseResult } from '../harness.js';

const GW_POINTS: Record<number, number> = { 1e3: 16, 1e5: 48, 1e6: 96 };
const LAZY_POINTS: Record<number, number> = { 1e3: 200, 1e5: 1000, 1e6: 2000 };

function distances(P: Float64Array, n: number): Float64Array {
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = Math.hypot(P[2 * i]! - P[2 * j]!, P[2 * i + 1]! - P[2 * j + 1]!);
  return D;
}

/** One CG iteration from p qᵀ with the gradient and the line-search quadratic from the definition. */
export function gwIterationPlain(C1: Float64Array, C2: Float64Array, n: number): Float64Array {
  const w = new Float64Array(n).fill(1 / n);
  const P = new Float64Array(n * n).fill(1 / (n * n));
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) s += (C1[i * n + k]! - C2[j * n + l]!) ** 2 * P[k * n + l]!;
    G[i * n + j] = 2 * s;
  }
  const V = emd(w, w, G).plan;
  // objective along P + tD: a t² + b t + c; a = Q(D), b = ⟨∇Q(P), D⟩ with Q the quartic form
  const D = V.map((v, k) => v - P[k]!);
  let a = 0, b = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const dij = D[i * n + j]!;
    if (dij === 0) continue;
    let s = 0;
    for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) s += (C1[i * n + k]! - C2[j * n + l]!) ** 2 * D[k * n + l]!;
    a += dij * s;
  }
  for (let k = 0; k < n * n; k++) b += G[k]! * D[k]!;
  const t = a > 0 ? Math.min(1, Math.max(0, -b / (2 * a))) : a + b < 0 ? 1 : 0;
  return t === 1 ? V : P.map((p, k) => p + t * D[k]!);
}

export function benchGwIteration(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const n = GW_POINTS[size] ?? 16;
    const seed = 2700 + n;
    const g = rng(seed);
    const C1 = distances(g.uniform(2 * n), n);
    const C2 = distances(g.uniform(2 * n), n);
    const w = new Float64Array(n).fill(1 / n);
    let pub = new Float64Array(n * n);
    let plain = new Float64Array(n * n);
    const reference = gwIterationPlain(C1, C2, n);
    return runCase(
      { kernel: 'gwIteration', n: 2 * n * n * n, seed, params: { points: n } },
      [
        { key: 'public', name: 'public API gromovWasserstein (maxIter 1, product start only)', call: () => { pub = gromovWasserstein(C1, C2, w, w, { maxIter: 1, spectral: 0 }).plan as Float64Array<ArrayBuffer>; }, poison: () => pub.fill(NaN), output: () => pub },
        { key: 'plainTS', name: 'plain TS, gradient from the n²m² definition', call: () => { plain = gwIterationPlain(C1, C2, n) as Float64Array<ArrayBuffer>; }, poison: () => plain.fill(NaN), output: () => plain },
      ],
      [reference],
      { 'decomposed vs definition': ['plainTS', 'public'] },
      ctx.timer,
    );
  });
}

export function benchSinkhornLazy(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const n = LAZY_POINTS[size] ?? 200;
    const seed = 2800 + n;
    const g = rng(seed);
    const X = { data: g.uniform(2 * n), rows: n, cols: 2 };
    const Y = { data: g.uniform(2 * n), rows: n, cols: 2 };
    const a = new Float64Array(n).fill(1 / n);
    const reg = 0.01, iters = 10;
    const lazy = new Float64Array(n), dense = new Float64Array(n);
    const runLazy = (): void => {
      const r = sinkhornLazy(X, Y, { reg, maxIter: iters, checkEvery: 10 * iters, tol: 0 });
      for (let i = 0; i < n; i++) lazy[i] = r.f[i]! - r.f[0]!;
    };
    const runDense = (): void => {
      const r = sinkhorn(a, a, costMatrix(X, Y), { reg, method: 'log', maxIter: iters, checkEvery: 10 * iters, tol: 0 });
      for (let i = 0; i < n; i++) dense[i] = reg * (r.logU![i]! - r.logU![0]!);
    };
    runDense();
    const reference = dense.slice();
    return runCase(
      { kernel: 'sinkhornLazy', n: n * n, seed, params: { points: n, iterations: iters }, tol: 1e-9 },
      [
        { key: 'lazy', name: 'sinkhornLazy (cost on the fly, O(n + m) memory)', call: runLazy, poison: () => lazy.fill(NaN), output: () => lazy },
        { key: 'dense', name: "costMatrix + sinkhorn 'log' (n·m cost stored)", call: runDense, poison: () => dense.fill(NaN), output: () => dense },
      ],
      [reference],
      { 'lazy vs dense': ['dense', 'lazy'] },
      ctx.timer,
    );
  });
}
