/**
 * The PSD-cone projection indPsd(n).prox at orders 64, 128, 256 (for the bench sizes 1e3, 1e5, 1e6)
 * on the symmetric part of a standard-normal matrix (about half its eigenvalues negative): the public
 * call (symmetrise, WASM Householder + implicit QL, WASM recomposition from the positive eigenpairs)
 * against the same projection in plain TypeScript (cyclic Jacobi eigensolver jacobiEigenRef, then
 * Q·max(Λ, 0)·Qᵀ). At 256 the plain-TS Jacobi takes seconds per call: the library is timed alone
 * there, checked against its own first output (its accuracy is the business of test/prox/cones.test.ts).
 */
import { indPsd, rng } from '../../bindings/index.js';
import { jacobiEigenRef } from '../../test/linalg/reference.js';
import { onJs, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

const ORDERS: Record<number, number> = { 1e3: 64, 1e5: 128, 1e6: 256 };
const PLAIN_TS_MAX_ORDER = 128;

/** P = Q·max(Λ, 0)·Qᵀ of the symmetric part of v, in plain TS. */
function projectPsdRef(v: Float64Array, n: number, out: Float64Array): Float64Array {
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = (v[i * n + j]! + v[j * n + i]!) / 2;
  const { values, vectors } = jacobiEigenRef(S, n);
  out.fill(0);
  for (let k = 0; k < n; k++) {
    const lk = values[k]!;
    if (!(lk > 0)) continue;
    for (let i = 0; i < n; i++) {
      const a = lk * vectors[i * n + k]!;
      for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + a * vectors[j * n + k]!;
    }
  }
  return out;
}

export function benchIndPsd(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const n = ORDERS[size] ?? 64;
    const seed = 7200 + n;
    const v = rng(seed).normal(n * n);
    const op = indPsd(n);
    const libOut = new Float64Array(n * n);
    const lib: CaseCandidate = { key: 'wasm', name: 'indPsd(n).prox (WASM eigensolver + recomposition)', call: () => op.prox(v, 1, libOut), ...onJs(libOut) };
    const reference = new Float64Array(n * n);
    const params = { order: n };
    if (n > PLAIN_TS_MAX_ORDER) {
      op.prox(v, 1, reference);
      return runCase({ kernel: 'indPsd', n, seed, params, tol: 1e-9 }, [lib], [reference], {}, ctx.timer);
    }
    projectPsdRef(v, n, reference);
    const refOut = new Float64Array(n * n);
    const candidates: CaseCandidate[] = [
      lib,
      { key: 'plainTS', name: 'plain TS: Jacobi eigensolver + Q·max(Λ, 0)·Qᵀ', call: () => projectPsdRef(v, n, refOut), ...onJs(refOut) },
    ];
    return runCase({ kernel: 'indPsd', n, seed, params, tol: 1e-9 }, candidates, [reference], { 'WASM vs plain-TS Jacobi': ['plainTS', 'wasm'] }, ctx.timer);
  });
}
