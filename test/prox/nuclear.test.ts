import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, allocF64, init, memoryStats, nuclearNorm } from '../../bindings/index.js';
import { jacobiSvdRef } from '../linalg/reference.js';
import { randomVector, uniforms } from '../helpers.js';
import { dot, expectErrors, maxDiff } from './check.js';
import { patternSearch, proxObjective } from './minimize.js';

beforeAll(() => init());

/**
 * ‖X‖_* of a 2×n matrix in closed form, independent of any SVD: σ₁² + σ₂² = ‖X‖_F², and by
 * Cauchy–Binet σ₁σ₂ = √det(XXᵀ) = √(Σ_{j<l} (x₀ⱼx₁ₗ − x₀ₗx₁ⱼ)²) (sum of squared 2×2 minors: no
 * cancellation near rank 1), so σ₁ + σ₂ = √(‖X‖_F² + 2σ₁σ₂).
 */
function nuclear2xn(x: ArrayLike<number>, n: number): number {
  let fro = 0;
  let minors = 0;
  for (let j = 0; j < n; j++) {
    fro += x[j]! ** 2 + x[n + j]! ** 2;
    for (let l = j + 1; l < n; l++) minors += (x[j]! * x[n + l]! - x[l]! * x[n + j]!) ** 2;
  }
  return Math.sqrt(fro + 2 * Math.sqrt(minors));
}

/** U·diag(g(σ))·Vᵀ from the plain-TS Jacobi SVD: spectral functions for the reference side of the tests. */
function spectral(X: ArrayLike<number>, rows: number, cols: number, g: (s: number) => number): Float64Array {
  const { s, U, V } = jacobiSvdRef(X, rows, cols);
  const k = s.length;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    let x = 0;
    for (let l = 0; l < k; l++) x += U[i * k + l]! * g(s[l]!) * V[j * k + l]!;
    out[i * cols + j] = x;
  }
  return out;
}

const normInf = (x: ArrayLike<number>): number => Math.max(0, ...Array.from(x, Math.abs));

/** σ₁ of a 2×n matrix in closed form: the larger eigenvalue of the 2×2 Gram matrix XXᵀ. */
function spectral2xn(x: ArrayLike<number>, n: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  for (let j = 0; j < n; j++) {
    a += x[j]! ** 2;
    b += x[n + j]! ** 2;
    c += x[j]! * x[n + j]!;
  }
  return Math.sqrt((a + b + Math.hypot(a - b, 2 * c)) / 2);
}

/**
 * Brute force through the variational form ‖X‖_* = min_{X = ABᵀ} (‖A‖_F² + ‖B‖_F²)/2 (A rows×k,
 * B cols×k, k = min(rows, cols)): plain gradient descent on the smooth
 *   G(A, B) = λ(‖A‖² + ‖B‖²)/2 + ‖ABᵀ − V‖²/(2t),
 * whose minima all give the prox (no SVD anywhere); returns ABᵀ.
 */
function factoredProx(v: ArrayLike<number>, rows: number, cols: number, lambda: number, t: number, iterations = 60000): Float64Array {
  const k = Math.min(rows, cols);
  const A = randomVector(5, rows * k, 0.5);
  const B = randomVector(6, cols * k, 0.5);
  const X = new Float64Array(rows * cols);
  const R = new Float64Array(rows * cols);
  const vmax = Math.max(1, ...Array.from(v, Math.abs));
  const eta = 0.5 / (lambda + (4 * vmax * Math.max(rows, cols)) / t);
  const gA = new Float64Array(rows * k);
  const gB = new Float64Array(cols * k);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
      let x = 0;
      for (let l = 0; l < k; l++) x += A[i * k + l]! * B[j * k + l]!;
      X[i * cols + j] = x;
      R[i * cols + j] = (x - v[i * cols + j]!) / t;
    }
    for (let i = 0; i < rows; i++) for (let l = 0; l < k; l++) {
      let g = lambda * A[i * k + l]!;
      for (let j = 0; j < cols; j++) g += R[i * cols + j]! * B[j * k + l]!;
      gA[i * k + l] = g;
    }
    for (let j = 0; j < cols; j++) for (let l = 0; l < k; l++) {
      let g = lambda * B[j * k + l]!;
      for (let i = 0; i < rows; i++) g += R[i * cols + j]! * A[i * k + l]!;
      gB[j * k + l] = g;
    }
    for (let q = 0; q < A.length; q++) A[q]! -= eta * gA[q]!;
    for (let q = 0; q < B.length; q++) B[q]! -= eta * gB[q]!;
  }
  return X;
}

describe('nuclearNorm: prox against brute-force minimisation of λ‖X‖_* + ‖X − V‖²/(2t)', () => {
  for (const cols of [2, 3]) {
    it(`2×${cols} matrices: no worse than a pattern search, equal to a factored descent, subgradient condition`, () => {
      const lambda = 0.6;
      const op = nuclearNorm(lambda, 2, cols);
      let seed = 40 + cols;
      for (const t of [0.3, 1, 2.5]) {
        const v = randomVector(seed++, 2 * cols, 1.5);
        const p = op.prox(v, t);
        // 1. The objective, with ‖·‖_* in closed form for 2×n: p is at least as good as the search's best.
        const F = proxObjective((x) => lambda * nuclear2xn(x, cols), v, t);
        const brute = patternSearch(F, v, 2, 60);
        expect(F(p)).toBeLessThanOrEqual(brute.value + 1e-13 * (1 + Math.abs(brute.value)));
        // 2. The minimiser, from the factored (smooth) form of the problem.
        expect(maxDiff(p, factoredProx(v, 2, cols, lambda, t))).toBeLessThan(1e-8);
        // 3. Optimality: Y = (v − p)/(tλ) ∈ ∂‖p‖_* ⇔ σ₁(Y) ≤ 1 and ⟨Y, p⟩ = ‖p‖_*.
        const Y = v.map((x, i) => (x - p[i]!) / (t * lambda));
        expect(spectral2xn(Y, cols)).toBeLessThanOrEqual(1 + 1e-12);
        expect(Math.abs(dot(Y, p) - nuclear2xn(p, cols))).toBeLessThanOrEqual(1e-12 * (1 + nuclear2xn(p, cols)));
        // The value agrees with the closed form too.
        expect(Math.abs(op.value(v) - lambda * nuclear2xn(v, cols))).toBeLessThanOrEqual(1e-14 * (1 + op.value(v)));
      }
    });
  }

  it('3×3 and 4×2 matrices: equal to the factored descent; ranks 0 to full occur', () => {
    const ranks = new Set<number>();
    for (const [rows, cols] of [[3, 3], [4, 2]] as const) {
      for (const [seed, lambda, t] of [[1, 0.1, 1], [2, 0.8, 1], [3, 1.5, 1], [4, 0.5, 20]] as const) {
        const v = randomVector(900 + seed * 7 + rows, rows * cols, 1.2);
        const p = nuclearNorm(lambda, rows, cols).prox(v, t);
        expect(maxDiff(p, factoredProx(v, rows, cols, lambda, t, 20000))).toBeLessThan(1e-8);
        ranks.add(jacobiSvdRef(p, rows, cols).s.filter((s) => s > 1e-12).length);
      }
    }
    expect(ranks.has(0) && ranks.size >= 3).toBe(true);
  });
});

describe('nuclearNorm: Moreau identity, firm nonexpansiveness, closed forms', () => {
  it('prox_{tf}(V) + t·P_{σ₁ ≤ λ}(V/t) = V (the conjugate: the spectral-norm ball, σ clipped at λ)', () => {
    for (const [rows, cols] of [[3, 5], [6, 4], [5, 5], [1, 4]] as const) {
      const lambda = 0.8;
      const op = nuclearNorm(lambda, rows, cols);
      for (let k = 0; k < 9; k++) {
        const t = [0.1, 1, 7][k % 3]!;
        const v = randomVector(700 + 10 * rows + k, rows * cols, 1 + (k % 4));
        const p = op.prox(v, t);
        const q = spectral(v.map((x) => x / t), rows, cols, (s) => Math.min(s, lambda));
        expect(maxDiff(p.map((x, i) => x + t * q[i]!), v)).toBeLessThan(1e-13 * (1 + normInf(v)));
      }
    }
  });

  it('firm nonexpansiveness ‖P − Q‖² ≤ ⟨P − Q, A − B⟩ on random pairs (and close pairs)', () => {
    const op = nuclearNorm(0.9, 4, 3);
    const u = uniforms(7);
    for (let k = 0; k < 40; k++) {
      const a = randomVector(1100 + k, 12, 2);
      const b = k % 2 ? randomVector(2100 + k, 12, 2) : a.map((x) => x + (u() - 0.5) * 1e-3);
      const t = 0.2 + 3 * u();
      const q = op.prox(b, t);
      const pq = op.prox(a, t).map((x, i) => x - q[i]!);
      expect(dot(pq, pq)).toBeLessThanOrEqual(dot(pq, a.map((x, i) => x - b[i]!)) + 1e-14 * (1 + dot(a, a) + dot(b, b)));
    }
  });

  it('agrees with U·max(Σ − tλ, 0)·Vᵀ from the plain-TS Jacobi SVD (tall, wide, square)', () => {
    for (const [rows, cols] of [[7, 3], [3, 7], [6, 6], [9, 1]] as const) {
      const v = randomVector(rows * 13 + cols, rows * cols, 2);
      for (const tl of [0.05, 0.7, 2]) {
        const p = nuclearNorm(tl, rows, cols).prox(v);
        expect(maxDiff(p, spectral(v, rows, cols, (s) => Math.max(s - tl, 0)))).toBeLessThan(1e-13 * (1 + normInf(v)));
      }
    }
  });

  it('t·λ ≥ σ₁ gives the zero matrix exactly; just below σ₁ gives the rank-1 (σ₁ − tλ)u₁v₁ᵀ', () => {
    const x = Float64Array.of(1, -2, 2); // ‖x‖ = 3
    const y = Float64Array.of(0.6, 0.8); // ‖y‖ = 1
    const V = new Float64Array(6);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) V[i * 2 + j] = x[i]! * y[j]! + (i === 2 && j === 0 ? 0.01 : 0);
    const s1 = jacobiSvdRef(V, 3, 2).s[0]!;
    expect(Array.from(nuclearNorm(1, 3, 2).prox(V, s1 * 1.0000001))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(nuclearNorm(2, 3, 2).prox(V, 1e6))).toEqual([0, 0, 0, 0, 0, 0]);
    const s2 = jacobiSvdRef(V, 3, 2).s[1]!;
    const tl = (s1 + s2) / 2; // between σ₂ and σ₁: rank 1
    const p = nuclearNorm(tl, 3, 2).prox(V);
    expect(maxDiff(p, spectral(V, 3, 2, (s) => Math.max(s - tl, 0)))).toBeLessThan(1e-14);
    expect(jacobiSvdRef(p, 3, 2).s[1]!).toBeLessThan(1e-15);
    expect(Math.abs(jacobiSvdRef(p, 3, 2).s[0]! - (s1 - tl))).toBeLessThan(1e-14);
  });

  it('diagonal matrices: soft-threshold of the diagonal; λ = 0 is the identity; value = λ·Σ|dᵢ|', () => {
    const d = [3, -0.5, 1.2, -2];
    const D = new Float64Array(16);
    d.forEach((x, i) => (D[i * 4 + i] = x));
    const p = nuclearNorm(1, 4, 4).prox(D, 0.8);
    const want = new Float64Array(16);
    d.forEach((x, i) => (want[i * 4 + i] = Math.sign(x) * Math.max(Math.abs(x) - 0.8, 0)));
    expect(maxDiff(p, want)).toBeLessThan(1e-15);
    expect(nuclearNorm(1.5, 4, 4).value(D)).toBeCloseTo(1.5 * 6.7, 13);
    const v = randomVector(3, 20);
    expect(maxDiff(nuclearNorm(0, 4, 5).prox(v, 3), v)).toBeLessThan(1e-14);
    expect(nuclearNorm(0, 4, 5).value(v)).toBe(0);
  });

  it('in place (out = v), into a given array, and the zero-copy F64Buffer path give the same result', () => {
    const op = nuclearNorm(0.4, 3, 4);
    const v = randomVector(11, 12);
    const want = op.prox(v, 1.5);
    const out = new Float64Array(12);
    expect(op.prox(v, 1.5, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(want));
    const inPlace = v.slice();
    op.prox(inPlace, 1.5, inPlace);
    expect(Array.from(inPlace)).toEqual(Array.from(want));
    const before = memoryStats().allocatedBytes;
    const vb = allocF64(v);
    const ob = allocF64(12);
    op.prox(vb, 1.5, ob);
    expect(Array.from(ob.toArray())).toEqual(Array.from(want));
    expect(Array.from(vb.toArray())).toEqual(Array.from(v)); // the caller's buffer is not written
    vb.free();
    ob.free();
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(op.properties).toEqual({ convex: true, separable: false, prox: 'closed-form', indicator: false });
    expect(op.name).toBe('nuclearNorm(0.4, 3, 4)');
  });
});

describe('nuclearNorm: errors', () => {
  it('rejects bad λ, rows, cols, t, lengths and non-finite entries (class and message); memory stays flat', () => {
    const before = memoryStats().allocatedBytes;
    const op = nuclearNorm(1, 2, 3);
    expectErrors([
      [() => nuclearNorm(-1, 2, 2), ParameterError, 'nuclearNorm: lambda must be >= 0 (got -1)'],
      [() => nuclearNorm(NaN, 2, 2), ParameterError, 'nuclearNorm: lambda must be >= 0 (got NaN)'],
      [() => nuclearNorm(Infinity, 2, 2), ParameterError, 'nuclearNorm: lambda must be finite (got Infinity)'],
      [() => nuclearNorm(1, 0, 2), ParameterError, 'nuclearNorm: rows must be a positive integer (got 0)'],
      [() => nuclearNorm(1, 2.5, 2), ParameterError, 'nuclearNorm: rows must be a positive integer (got 2.5)'],
      [() => nuclearNorm(1, 2, -3), ParameterError, 'nuclearNorm: cols must be a positive integer (got -3)'],
      [() => nuclearNorm(1, 2, '3' as never), ParameterError, 'nuclearNorm: cols must be a positive integer (got "3")'],
      [() => op.prox([1, 2, 3, 4, 5]), ShapeError, 'nuclearNorm(1, 2, 3).prox: v must have length rows·cols = 6 (got 5)'],
      [() => op.value([1, 2, 3, 4, 5, 6, 7]), ShapeError, 'nuclearNorm(1, 2, 3).value: x must have length rows·cols = 6 (got 7)'],
      [() => op.prox([1, 2, 3, 4, 5, 6], 0), ParameterError, 'nuclearNorm(1, 2, 3).prox: t must be > 0 (got 0)'],
      [() => op.prox([1, NaN, 3, 4, 5, 6]), NonFiniteError, 'nuclearNorm(1, 2, 3).prox: v must be finite (got NaN at index 1)'],
      [() => op.prox([1, 2, 3, 4, 5, Infinity], 2), NonFiniteError, 'nuclearNorm(1, 2, 3).prox: v must be finite (got Infinity at index 5)'],
      [() => op.value([1, 2, 3, -Infinity, 5, 6]), NonFiniteError, 'nuclearNorm(1, 2, 3).value: x must be finite (got -Infinity at index 3)'],
      [() => op.prox([1, 2, 3, 4, 5, 6], 1, new Float64Array(5)), ShapeError, 'nuclearNorm(1, 2, 3).prox: out must have length 6 (got 5)'],
    ]);
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(op.prox([3, 0, 0, 0, 1, 0], 1)[0]).toBe(2);
  });
});
