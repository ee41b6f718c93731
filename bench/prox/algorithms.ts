/**
 * FISTA-LASSO end to end: the library's fista (iterates in WASM memory, the normL1 prox and the
 * least-squares gradient in the SIMD kernels lsResidual/lsMatTVec) against the same FISTA written in
 * plain TypeScript (lassoFistaRef: identical iteration and floating-point order, so the outputs agree
 * to the bit and the harness's 1e-12 check holds; no WebAssembly). Fixed step 1/L,
 * gradient restart, λ = λmax/10, fixed iteration counts (500, 100, 20 — or fewer when fista reaches an
 * exact fixed point first; both run the same count), objective recorded every iteration by both.
 *
 * The bench's size n names the problem: n = 1e3 → the diabetes data (442 × 10, standardised);
 * n = 1e5 → a synthetic 1000 × 100 design; n = 1e6 → 10000 × 100 (rng(seed) normal entries,
 * y = X·w♮ + noise with 10 nonzero w♮). "elements/s" counts matrix entries × iterations.
 */
import { fista, leastSquares, normL1, rng } from '../../bindings/index.js';
import { diabetesProblem, lassoFistaRef } from '../../test/prox/algorithms/reference.js';
import { forEachSize, onJs, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

export const FISTA_LASSO_SEEDS: Record<number, number> = { 1e3: 3003, 1e5: 3005, 1e6: 3006 };
const ITERATIONS: Record<number, number> = { 1e3: 500, 1e5: 100, 1e6: 20 };

function problem(n: number, seed: number): { X: Float64Array; y: Float64Array; m: number; p: number; lambdaMax: number } {
  if (n === 1e3) {
    const d = diabetesProblem();
    return { X: d.X, y: d.y, m: d.m, p: d.n, lambdaMax: d.lambdaMax };
  }
  const p = 100;
  const m = n / p;
  const g = rng(seed);
  const X = g.normal(m * p);
  const noise = g.normal(m);
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < 10; j++) s += X[i * p + j * 7]! * (j % 2 ? -1 : 1) * (1 + j);
    y[i] = s + 0.5 * noise[i]!;
  }
  let lambdaMax = 0;
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += X[i * p + j]! * y[i]!;
    lambdaMax = Math.max(lambdaMax, Math.abs(s));
  }
  return { X, y, m, p, lambdaMax };
}

export function benchFistaLasso(ctx: BenchContext): CaseResult[] {
  return forEachSize(ctx, FISTA_LASSO_SEEDS, ({ n, seed }) => {
    const { X, y, m, p, lambdaMax } = problem(n, seed);
    const lambda = lambdaMax / 10;
    const f = leastSquares(X, y);
    const L = f.lipschitz;
    const g = normL1(lambda);
    // fista stops early when it hits an exact fixed point (certificate 0 ≤ tol = 0): both candidates
    // then run the iteration count that fista actually performs.
    const iterations = fista(f, g, { lipschitz: L, maxIter: ITERATIONS[n] ?? 20, tol: 0 }).iterations;
    const reference = lassoFistaRef(X, y, p, lambda, L, iterations);
    const libOut = new Float64Array(p);
    const refOut = new Float64Array(p);
    const candidates: CaseCandidate[] = [
      {
        key: 'library',
        name: 'fista (WASM gradient + prox, iterates in WASM)',
        call: () => libOut.set(fista(f, g, { lipschitz: L, maxIter: iterations, tol: 0 }).x),
        ...onJs(libOut),
      },
      { key: 'plainTS', name: 'plain-TS FISTA (lassoFistaRef)', call: () => refOut.set(lassoFistaRef(X, y, p, lambda, L, iterations)), ...onJs(refOut) },
    ];
    const result = runCase(
      {
        kernel: 'fistaLasso', n: m * p * iterations, seed, params: { m, p, iterations, lambda: Number(lambda.toPrecision(6)) },
        // Roofline: per iteration X·w and Xᵀr, 4·m·p flops, X read at least once.
        roof: { bytes: 8 * m * p * iterations, flops: 4 * m * p * iterations, workingSet: 8 * m * p, pattern: 'read', keys: ['library'] },
      },
      candidates,
      [reference],
      { 'library vs plain-TS': ['plainTS', 'library'] },
      ctx.timer,
    );
    return { ...result, n };
  });
}
