/** Semi-structured N:M sparsity: the exact projection (nmSparsity). */
import { ShapeError, parameterError } from '../../runtime/errors.js';
import type { ProxOperator } from '../operator.js';
import { f64View } from '../../runtime/memory.js';
import { defineOperator, nonNegativeFinite } from './define.js';

/**
 * The indicator of N:M semi-structured sparsity: in every group of m consecutive entries (along a
 * row of a row-major matrix whose row length is a multiple of m) at most n are non-zero. 2:4 by
 * default. prox = the exact Euclidean projection: keep the n entries of largest |v| in each group,
 * zero the rest; ties go to the lowest index. Not convex (the prox is one of the projections).
 * v's length must be a multiple of m; 1 ≤ n ≤ m ≤ 64.
 */
export function nmSparsity(n = 2, m = 4): ProxOperator {
  const fn = 'nmSparsity';
  if (!Number.isInteger(m) || m < 1 || m > 64) throw parameterError(fn, 'm', 'an integer in [1, 64]', m);
  if (!Number.isInteger(n) || n < 1 || n > m) throw parameterError(fn, 'n', `an integer in [1, m = ${m}]`, n);
  const checkLength = (f: string, len: number) => {
    if (len % m !== 0) throw new ShapeError(`${f}: v must have a length that is a multiple of m = ${m} (got ${len})`);
  };
  return defineOperator({
    name: `nmSparsity(${n}, ${m})`,
    properties: { convex: false, separable: false, prox: 'closed-form', indicator: true },
    value: (x) => {
      for (let g = 0; g < x.length; g += m) {
        let nz = 0;
        let scale = 0;
        for (let i = g; i < g + m; i++) scale = Math.max(scale, Math.abs(x[i]!));
        for (let i = g; i < g + m; i++) if (Math.abs(x[i]!) > 1e-9 * scale) nz++;
        if (nz > n) return Infinity;
      }
      return 0;
    },
    checkLength,
    run: (s, input, out) => s.x.nmProject(input.ptr, input.n, n, m, out),
  });
}

/** λ·Σ_{i<j<k}|xᵢxⱼxₖ| on one group of four. */
function tripleProducts(x0: number, x1: number, x2: number, x3: number): number {
  const a = Math.abs(x0);
  const b = Math.abs(x1);
  const c = Math.abs(x2);
  const d = Math.abs(x3);
  return a * b * c + a * b * d + a * c * d + b * c * d;
}

/**
 * One group of the proxSparse prox, on magnitudes a (≥ 0) into x: the least of ½‖x − a‖² + λ·e₃(x)
 * over the candidates (1) keep the two largest, (2) on every support S of size 3 and 4, exact
 * coordinate minimisation (xᵢ ← clamp(aᵢ − λ·e₂(x₋ᵢ), 0, aᵢ), the objective being linear in xᵢ times λ)
 * from three starts (a, a/2, a/100) until it stops moving.
 */
function proxSparseGroup(a: Float64Array, lambda: number, x: Float64Array, trial: Float64Array): void {
  const objective = (y: Float64Array) =>
    ((y[0]! - a[0]!) ** 2 + (y[1]! - a[1]!) ** 2 + (y[2]! - a[2]!) ** 2 + (y[3]! - a[3]!) ** 2) / 2 + lambda * tripleProducts(y[0]!, y[1]!, y[2]!, y[3]!);
  // (1) the two largest magnitudes, lowest index first on ties.
  let i1 = 0;
  for (let i = 1; i < 4; i++) if (a[i]! > a[i1]!) i1 = i;
  let i2 = i1 === 0 ? 1 : 0;
  for (let i = 0; i < 4; i++) if (i !== i1 && a[i]! > a[i2]!) i2 = i;
  x.fill(0);
  x[i1] = a[i1]!;
  x[i2] = a[i2]!;
  let best = objective(x);
  // (2) supports of size 3 (masks with one bit clear) and 4.
  for (const mask of [0b1110, 0b1101, 0b1011, 0b0111, 0b1111]) {
    for (const scale of [1, 0.5, 0.01]) {
      for (let i = 0; i < 4; i++) trial[i] = (mask >> i) & 1 ? scale * a[i]! : 0;
      for (let sweep = 0; sweep < 10_000; sweep++) {
        let moved = 0;
        for (let i = 0; i < 4; i++) {
          if (!((mask >> i) & 1)) continue;
          // e₂ of the other three entries: ((Σ)² − Σ²)/2 over them.
          const xi = trial[i]!;
          const s1 = trial[0]! + trial[1]! + trial[2]! + trial[3]! - xi;
          const s2 = trial[0]! ** 2 + trial[1]! ** 2 + trial[2]! ** 2 + trial[3]! ** 2 - xi * xi;
          const e2 = (s1 * s1 - s2) / 2;
          const next = Math.min(a[i]!, Math.max(0, a[i]! - lambda * e2));
          moved = Math.max(moved, Math.abs(next - trial[i]!));
          trial[i] = next;
        }
        if (moved <= 1e-16 * (1 + a[0]! + a[1]! + a[2]! + a[3]!)) break;
      }
      const f = objective(trial);
      if (f < best) {
        best = f;
        x.set(trial);
      }
    }
  }
}

/**
 * proxSparse(λ): f(x) = λ·Σ_groups Σ_{i<j<k} |xᵢxⱼxₖ| over consecutive groups of four, a
 * 2:4-sparsity-inducing regularizer that is zero exactly on 2:4-sparse vectors and grows with the
 * third-largest magnitude of a group: the ProxSparse regularizer (Liu et al., ICML 2025,
 * arXiv:2502.00258). The paper text was not available here; the definition was checked against the
 * `reg` function of the authors' prox operator as published in a public fork of their code (the sum of
 * the four triple products of a group of four).
 *
 * f is nonconvex; its prox (possibly set-valued) is computed per group: signs are those of v (flipping
 * a sign towards v lowers the quadratic and leaves f unchanged), magnitudes by comparing the 2:4
 * projection with exact coordinate minimisation on every support of size 3 and 4 from three starts.
 * Tested against a brute-force grid search; a global optimum is not proven. v's length must be a
 * multiple of 4. properties.prox is 'iterative'.
 */
export function proxSparse(lambda = 1): ProxOperator {
  const fn = 'proxSparse';
  nonNegativeFinite(fn, 'lambda', lambda);
  return defineOperator({
    name: `proxSparse(${lambda})`,
    properties: { convex: false, separable: false, prox: 'iterative', indicator: false },
    value: (x) => {
      let s = 0;
      for (let g = 0; g < x.length; g += 4) s += tripleProducts(x[g]!, x[g + 1]!, x[g + 2]!, x[g + 3]!);
      return lambda * s;
    },
    checkLength: (f, len) => {
      if (len % 4 !== 0) throw new ShapeError(`${f}: v must have a length that is a multiple of 4 (got ${len})`);
    },
    run: (s, input, outPtr, t) => {
      const v = f64View(s.x, input.ptr, input.n);
      for (let i = 0; i < input.n; i++) if (!Number.isFinite(v[i])) return 1;
      const out = f64View(s.x, outPtr, input.n);
      const a = new Float64Array(4);
      const x = new Float64Array(4);
      const trial = new Float64Array(4);
      for (let g = 0; g < input.n; g += 4) {
        for (let i = 0; i < 4; i++) a[i] = Math.abs(v[g + i]!);
        proxSparseGroup(a, t * lambda, x, trial);
        for (let i = 0; i < 4; i++) out[g + i] = x[i]! === 0 ? 0 : Math.sign(v[g + i]!) * x[i]!;
      }
      return 0;
    },
  });
}
