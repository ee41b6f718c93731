import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError,
  ShapeError,
  admm,
  bcdProx,
  chambollePock,
  davisYin,
  douglasRachford,
  indBallL2,
  indBox,
  indHalfspace,
  indHyperplane,
  init,
  leastSquares,
  matrixOperator,
  memoryStats,
  normL1,
  operatorNorm,
  pdhg,
  totalVariation1D,
  vuCondat,
  type BcdBlock,
  type LinearOperator,
  type ProxOperator,
} from '../../../bindings/index.js';
import { randomVector } from '../../helpers.js';
import { diabetesProblem, differences, lassoCoordinateDescentRef, simplexLeastSquaresBrute, simplexOp } from './reference.js';

beforeAll(() => init());

/** ½‖x − a‖², optionally plus the indicator of the box [lo, hi]: a test operator written from its definition. */
function halfSquaredDistance(a: Float64Array, lo = -Infinity, hi = Infinity): ProxOperator {
  return {
    name: 'halfSquaredDistance',
    properties: { convex: true, separable: true, prox: 'closed-form', indicator: false },
    value(x) {
      const v = 'view' in x ? x.view() : Array.from(x);
      let s = 0;
      for (let i = 0; i < a.length; i++) {
        if (v[i]! < lo - 1e-9 || v[i]! > hi + 1e-9) return Infinity;
        s += (v[i]! - a[i]!) ** 2;
      }
      return s / 2;
    },
    prox: ((v: Float64Array | { view(): Float64Array }, t = 1, out?: Float64Array | { view(): Float64Array }) => {
      const src = 'view' in v ? v.view().slice() : Float64Array.from(v);
      // argmin ½‖x − a‖² + ‖x − v‖²/(2t) = (v + t·a)/(1 + t), then clamped (separable).
      const res = src.map((vi, i) => Math.min(hi, Math.max(lo, (vi + t * a[i]!) / (1 + t))));
      if (out && 'view' in out) {
        out.view().set(res);
        return out;
      }
      if (out) {
        out.set(res);
        return out;
      }
      return res;
    }) as ProxOperator['prox'],
  };
}

/** Projection of a onto {lo ≤ x ≤ hi} ∩ {wᵀx = b}: clamp(a − μw) with μ found by bisection (monotone in μ). */
function projectBoxHyperplaneBrute(a: Float64Array, lo: number, hi: number, w: Float64Array, b: number): Float64Array {
  const at = (mu: number) => a.map((ai, i) => Math.min(hi, Math.max(lo, ai - mu * w[i]!)));
  const h = (mu: number) => at(mu).reduce((s, xi, i) => s + xi * w[i]!, 0) - b;
  let [l, r] = [-1e6, 1e6];
  for (let it = 0; it < 200; it++) {
    const mid = (l + r) / 2;
    if (h(mid) > 0) l = mid;
    else r = mid;
  }
  return at((l + r) / 2);
}

describe('admm', () => {
  const P = diabetesProblem();

  it('LASSO on diabetes with the built-in least-squares x-update (cached Cholesky) matches coordinate descent', () => {
    const lambda = P.lambdaMax / 10;
    const f = leastSquares(P.X, P.y);
    const r = admm(f, normL1(lambda), { rho: 1, tol: 1e-12, maxIter: 100000 });
    expect(r.converged).toBe(true);
    expect(r.certificate.name).toBe('relative primal/dual residual');
    const cd = lassoCoordinateDescentRef(P.X, P.y, P.n, lambda);
    for (let j = 0; j < P.n; j++) expect(Math.abs(r.x[j]! - cd[j]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(cd[j]!)));
    // Dual optimality: y = ρu satisfies −y = ∇f(x) and y ∈ λ∂‖z‖₁.
    const g = new Float64Array(P.n);
    f.gradient(r.xf, g);
    for (let j = 0; j < P.n; j++) {
      expect(Math.abs(g[j]! + r.dual[j]!)).toBeLessThan(1e-6 * lambda);
      expect(Math.abs(r.dual[j]!)).toBeLessThanOrEqual(lambda * (1 + 1e-9));
      if (r.x[j] !== 0) expect(r.dual[j]! * Math.sign(r.x[j]!)).toBeCloseTo(lambda, 6);
    }
    expect(r.primalResidual).toBeLessThan(1e-9);
  });

  it('least squares over the simplex equals the brute-force KKT enumeration; over-relaxation gives the same point', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const A = randomVector(seed, 30 * 6);
      const b = randomVector(seed + 50, 30);
      const want = simplexLeastSquaresBrute(A, b, 30, 6);
      for (const relaxation of [1, 1.7]) {
        const r = admm(leastSquares(A, b), simplexOp, { tol: 1e-12, relaxation, maxIter: 100000 });
        expect(r.converged).toBe(true);
        for (let j = 0; j < 6; j++) expect(Math.abs(r.x[j]! - want[j]!)).toBeLessThan(1e-8);
      }
    }
  });

  it('a user-supplied x-update: ½‖x − a‖² + box indicator gives clamp(a) (closed form)', () => {
    const a = randomVector(5, 50, 2);
    const r = admm(halfSquaredDistance(a), indBox(-1, 1), { tol: 1e-12, dimension: 50 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < 50; i++) expect(r.x[i]).toBeCloseTo(Math.min(1, Math.max(-1, a[i]!)), 10);
  });
});

describe('chambollePock / pdhg', () => {
  it('1-D TV denoising min ½‖x − b‖² + λ‖Dx‖₁ matches the exact totalVariation1D prox (with and without relaxation)', () => {
    const n = 60;
    const b = randomVector(21, n).map((v, i) => v * 0.3 + (i < 20 ? 0 : i < 40 ? 2 : -1));
    const lambda = 0.5;
    const want = totalVariation1D(lambda).prox(b);
    const K = matrixOperator(differences(n), n - 1, n);
    for (const relaxation of [1, 1.5]) {
      const r = chambollePock(normL1(lambda), halfSquaredDistance(b), K, { tol: 1e-10, maxIter: 100000, relaxation });
      expect(r.converged).toBe(true);
      expect(r.certificate.name).toBe('primal-dual residual');
      for (let i = 0; i < n; i++) expect(Math.abs(r.x[i]! - want[i]!)).toBeLessThan(1e-7);
      // The dual is feasible for f* = ι{‖y‖∞ ≤ λ}.
      for (const yi of r.y) expect(Math.abs(yi)).toBeLessThanOrEqual(lambda * (1 + 1e-12));
    }
  });

  it('LASSO on diabetes with K = X matches coordinate descent; a caller-supplied gap becomes the certificate', () => {
    const P = diabetesProblem();
    const lambda = P.lambdaMax / 10;
    const K = matrixOperator(P.X, P.m, P.n);
    const cd = lassoCoordinateDescentRef(P.X, P.y, P.n, lambda);
    const r = pdhg(halfSquaredDistance(P.y), normL1(lambda), K, { tol: 1e-9, maxIter: 200000 });
    expect(r.converged).toBe(true);
    for (let j = 0; j < P.n; j++) expect(Math.abs(r.x[j]! - cd[j]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(cd[j]!)));
    const calls: number[] = [];
    const g = pdhg(halfSquaredDistance(P.y), normL1(lambda), K, { tol: 0, maxIter: 5, gap: (x, y) => (calls.push(x.length + y.length), 42) });
    expect(g.certificate).toEqual({ name: 'primal-dual gap', value: 42 });
    expect(calls).toEqual(new Array(5).fill(P.n + P.m));
  });

  it('operatorNorm equals the largest singular value (2 cos(π/(2n)) for forward differences)', () => {
    const n = 30;
    const K = matrixOperator(differences(n), n - 1, n);
    expect(Math.abs(operatorNorm(K) - 2 * Math.cos(Math.PI / (2 * n)))).toBeLessThan(1e-4);
    const r = chambollePock(normL1(1), halfSquaredDistance(new Float64Array(n)), K, { maxIter: 1 });
    expect(r.tau * r.sigma * operatorNorm(K) ** 2).toBeCloseTo(0.95 ** 2, 12);
    expect(r.tau).toBe(r.sigma);
    const s = chambollePock(normL1(1), halfSquaredDistance(new Float64Array(n)), K, { maxIter: 1, sigma: 0.1, opNorm: 2 });
    expect([s.sigma, s.tau]).toEqual([0.1, 0.95 ** 2 / (0.1 * 4)]);
    const t = chambollePock(normL1(1), halfSquaredDistance(new Float64Array(n)), K, { maxIter: 1, tau: 0.2, opNorm: 2 });
    expect([t.tau, t.sigma]).toEqual([0.2, 0.95 ** 2 / (0.2 * 4)]);
  });
});

describe('douglasRachford', () => {
  it('projection onto a box ∩ hyperplane equals bisection on the multiplier (brute force)', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const n = 25;
      const a = randomVector(seed, n, 2);
      const w = randomVector(seed + 10, n);
      const want = projectBoxHyperplaneBrute(a, -0.5, 0.5, w, 0.3);
      const r = douglasRachford(halfSquaredDistance(a, -0.5, 0.5), indHyperplane(w, 0.3), { tol: 1e-12, maxIter: 100000, dimension: n });
      expect(r.converged).toBe(true);
      for (let i = 0; i < n; i++) expect(Math.abs(r.x[i]! - want[i]!)).toBeLessThan(1e-9);
    }
  });

  it('finds a point in the intersection of a ball and a half-space; both iterates stay in their sets', () => {
    const n = 10;
    const a = new Float64Array(n).fill(1);
    const r = douglasRachford(indBallL2(1), indHalfspace(a, -2.5), { z0: randomVector(3, n, 5), tol: 1e-12, relaxation: 1.5 });
    expect(r.converged).toBe(true);
    expect(Math.hypot(...r.x)).toBeLessThanOrEqual(1 + 1e-12);
    expect(r.x.reduce((s, v) => s + v, 0)).toBeLessThanOrEqual(-2.5 + 1e-9);
    expect(r.objective).toBe(0);
  });

  it('LASSO on diabetes with f = leastSquares (its prox) and g = λ‖·‖₁ matches coordinate descent', () => {
    const P = diabetesProblem();
    const lambda = P.lambdaMax / 100;
    const r = douglasRachford(leastSquares(P.X, P.y), normL1(lambda), { gamma: 1, tol: 1e-10, maxIter: 100000 });
    expect(r.converged).toBe(true);
    const cd = lassoCoordinateDescentRef(P.X, P.y, P.n, lambda);
    for (let j = 0; j < P.n; j++) expect(Math.abs(r.y[j]! - cd[j]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(cd[j]!)));
  });
});

/** Solves the small dense system M x = r by Gaussian elimination with partial pivoting. */
function solve(M: number[][], r: number[]): number[] {
  const n = r.length;
  const A = M.map((row, i) => [...row, r[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(A[i]![c]!) > Math.abs(A[p]![c]!)) p = i;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let i = c + 1; i < n; i++) {
      const f = A[i]![c]! / A[c]![c]!;
      for (let j = c; j <= n; j++) A[i]![j]! -= f * A[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = A[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= A[i]![j]! * x[j]!;
    x[i] = s / A[i]![i]!;
  }
  return x;
}

describe('bcdProx (BCD-PR)', () => {
  it('two blocks of a least-squares problem: converges to the solution of the normal equations', () => {
    const m = 20;
    const n = 6;
    const A = randomVector(41, m * n);
    const b = randomVector(42, m);
    const col = (j: number) => Array.from({ length: m }, (_, i) => A[i * n + j]!);
    const cols = Array.from({ length: n }, (_, j) => col(j));
    const dotv = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i]!, 0);
    const gram = cols.map((u) => cols.map((v) => dotv(u, v)));
    const want = solve(gram, cols.map((u) => dotv(u, Array.from(b))));
    const ranges = [[0, 1, 2], [3, 4, 5]];
    const residualWithout = (blocks: readonly Float64Array[], skip: number): number[] => {
      const r = Array.from(b);
      ranges.forEach((idx, k) => {
        if (k === skip) return;
        idx.forEach((j, q) => cols[j]!.forEach((a, i) => (r[i]! -= a * blocks[k]![q]!)));
      });
      return r;
    };
    const blocks: BcdBlock[] = ranges.map((idx, k) => ({
      x0: [0, 0, 0],
      update(theta, c, out) {
        // (A_kᵀA_k + cI) u = A_kᵀ(b − A_other θ_other) + c θ_k
        const r = residualWithout(theta, k);
        const M = idx.map((i, p) => idx.map((j, q) => gram[i]![j]! + (p === q ? c : 0)));
        const rhs = idx.map((i, p) => dotv(cols[i]!, r) + c * theta[k]![p]!);
        out.set(solve(M, rhs));
      },
    }));
    const objective = (theta: readonly Float64Array[]) => residualWithout(theta, -1).reduce((s, v) => s + v * v, 0) / 2;
    const res = bcdProx(objective, blocks, { c: 0.5, tol: 1e-11, maxIter: 100000 });
    expect(res.converged).toBe(true);
    for (let j = 0; j < n; j++) expect(res.x[j]).toBeCloseTo(want[j]!, 8);
    // Monotone decrease (the sufficient-decrease property of BCD-PR).
    for (let k = 1; k < res.history.length; k++) expect(res.history[k]!).toBeLessThanOrEqual(res.history[k - 1]! * (1 + 1e-14));
  });

  it('rank-1 factorisation min ½‖M − uvᵀ‖² (nonconvex): reaches ½(‖M‖² − σ₁²), σ₁ by an independent power iteration', () => {
    const p = 8;
    const q = 5;
    const M = randomVector(51, p * q);
    const frob = M.reduce((s, v) => s + v * v, 0);
    // σ₁² = λmax(MᵀM) by power iteration written here.
    let v = new Float64Array(q).fill(1);
    let s2 = 0;
    for (let it = 0; it < 2000; it++) {
      const Mv = Array.from({ length: p }, (_, i) => v.reduce((s, vj, j) => s + M[i * q + j]! * vj, 0));
      const w = new Float64Array(q).map((_, j) => Mv.reduce((s, x, i) => s + M[i * q + j]! * x, 0));
      s2 = Math.hypot(...w) / Math.hypot(...v);
      v = w.map((x) => x / Math.hypot(...w));
    }
    const objective = ([u, w]: readonly Float64Array[]) => {
      let s = 0;
      for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) s += (M[i * q + j]! - u![i]! * w![j]!) ** 2;
      return s / 2;
    };
    const blocks: BcdBlock[] = [
      { x0: new Float64Array(p).fill(1), update: ([u, w], c, out) => {
        const ww = w!.reduce((s, x) => s + x * x, 0);
        for (let i = 0; i < p; i++) {
          let mw = 0;
          for (let j = 0; j < q; j++) mw += M[i * q + j]! * w![j]!;
          out[i] = (mw + c * u![i]!) / (ww + c);
        }
      } },
      { x0: new Float64Array(q).fill(1), update: ([u, w], c, out) => {
        const uu = u!.reduce((s, x) => s + x * x, 0);
        for (let j = 0; j < q; j++) {
          let mu = 0;
          for (let i = 0; i < p; i++) mu += M[i * q + j]! * u![i]!;
          out[j] = (mu + c * w![j]!) / (uu + c);
        }
      } },
    ];
    const r = bcdProx(objective, blocks, { c: 0.1, tol: 1e-10, maxIter: 100000 });
    expect(r.converged).toBe(true);
    expect(r.objective).toBeCloseTo((frob - s2) / 2, 8);
    expect(r.blocks.map((b) => b.length)).toEqual([p, q]);
  });
});

describe('progress, abort and errors for every splitting algorithm', () => {
  const n = 6;
  const a = randomVector(61, n);
  const A = randomVector(62, 10 * n);
  const b = randomVector(63, 10);
  const runners: Record<string, (o: Record<string, unknown>) => { iterations: number; stopped: string; converged: boolean; history: number[] }> = {
    admm: (o) => admm(leastSquares(A, b), normL1(0.1), o),
    chambollePock: (o) => chambollePock(normL1(0.1), halfSquaredDistance(a), matrixOperator(differences(n), n - 1, n), o),
    douglasRachford: (o) => douglasRachford(leastSquares(A, b), normL1(0.1), o),
    davisYin: (o) => davisYin(normL1(0.1), indBox(-1, 1), leastSquares(A, b), o),
    vuCondat: (o) => vuCondat(normL1(0.1), indBox(-1, 1), leastSquares(A, b), matrixOperator(differences(n), n - 1, n), o),
    bcdProx: (o) =>
      bcdProx((t) => t[0]!.reduce((s, x, i) => s + (x - a[i]!) ** 2, 0), [{ x0: new Float64Array(n), update: (t, c, out) => out.set(t[0]!.map((x, i) => (a[i]! + c * x) / (1 + c))) }], o),
  };
  for (const [name, runner] of Object.entries(runners)) {
    it(`${name}: onProgress returning false stops after k iterations; an AbortSignal returns the partial result`, () => {
      const seen: number[] = [];
      const r = runner({ tol: 0, onProgress: (i: { iteration: number }) => (seen.push(i.iteration), i.iteration < 4) });
      expect(seen).toEqual([1, 2, 3, 4]);
      expect([r.iterations, r.stopped, r.converged, r.history.length]).toEqual([4, 'callback', false, 4]);
      const ctl = new AbortController();
      const s = runner({ tol: 0, signal: ctl.signal, onProgress: (i: { iteration: number }) => void (i.iteration === 3 && ctl.abort()) });
      expect([s.iterations, s.stopped, s.converged]).toEqual([3, 'aborted', false]);
      const pre = runner({ signal: AbortSignal.abort() });
      expect([pre.iterations, pre.stopped]).toEqual([0, 'aborted']);
      const cap = runner({ tol: 0, maxIter: 3 });
      expect([cap.iterations, cap.stopped, cap.converged]).toEqual([3, 'maxIter', false]);
    });
  }

  const K: LinearOperator = matrixOperator(differences(n), n - 1, n);
  const cases: [string, () => unknown, new (...a: never[]) => Error, string][] = [
    ['admm f', () => admm(null as unknown as ProxOperator, normL1(1)), ParameterError, 'admm: f must be a ProxOperator (an object with prox(v, t, out) and value(x)) (got null)'],
    ['admm rho', () => admm(leastSquares(A, b), normL1(1), { rho: -1 }), ParameterError, 'admm: options.rho must be a finite number > 0 (got -1)'],
    ['admm relaxation', () => admm(leastSquares(A, b), normL1(1), { relaxation: 2 }), ParameterError, 'admm: options.relaxation must be in (0, 2) (got 2)'],
    ['admm no dimension', () => admm(normL1(1), normL1(1)), ParameterError, 'admm: options.dimension must be given when options.z0 is absent and no operator has a dimension (got undefined)'],
    ['admm z0 length', () => admm(leastSquares(A, b), normL1(1), { z0: [1, 2] }), ShapeError, 'admm: options.z0 must have length 6 (got 2)'],
    ['admm u0 NaN', () => admm(leastSquares(A, b), normL1(1), { u0: [0, 0, 0, 0, 0, NaN] }), ParameterError, 'admm: options.u0 must be finite (got NaN at index 5)'],
    ['pdhg K', () => pdhg(normL1(1), normL1(1), {} as LinearOperator), ParameterError, 'pdhg: K must be a LinearOperator { rows, cols, apply(x, out), adjoint(y, out) } (got Object)'],
    ['pdhg tau', () => chambollePock(normL1(1), normL1(1), K, { tau: 0, sigma: 1 }), ParameterError, 'chambollePock: options.tau must be a finite number > 0 (got 0)'],
    ['pdhg y0 length', () => chambollePock(normL1(1), normL1(1), K, { y0: [1] }), ShapeError, 'chambollePock: options.y0 must have length 5 (got 1)'],
    ['matrixOperator shape', () => matrixOperator([1, 2, 3], 2, 2), ShapeError, 'matrixOperator: A must have rows × cols = 4 entries (got 3)'],
    ['matrixOperator NaN', () => matrixOperator([1, NaN], 1, 2), ParameterError, 'matrixOperator: A[1] must be finite (got NaN)'],
    ['matrixOperator rows', () => matrixOperator([1, 2], -1, 2), ParameterError, 'matrixOperator: rows must be a non-negative integer (got -1)'],
    ['dr gamma', () => douglasRachford(normL1(1), normL1(1), { gamma: NaN, dimension: 2 }), ParameterError, 'douglasRachford: options.gamma must be a finite number > 0 (got NaN)'],
    ['dr maxIter', () => douglasRachford(normL1(1), normL1(1), { maxIter: 1.5, dimension: 2 }), ParameterError, 'douglasRachford: options.maxIter must be a non-negative integer (got 1.5)'],
    ['bcd objective', () => bcdProx(3 as unknown as () => number, []), ParameterError, 'bcdProx: objective must be a function (got 3)'],
    ['bcd blocks', () => bcdProx(() => 0, []), ParameterError, 'bcdProx: blocks must be a non-empty array of blocks (got array of length 0)'],
    ['bcd block', () => bcdProx(() => 0, [{ x0: [1] } as unknown as BcdBlock]), ParameterError, 'bcdProx: blocks[0] must be a block { x0, update(blocks, c, out) } (got Object)'],
    ['bcd x0', () => bcdProx(() => 0, [{ x0: [1, Infinity], update: () => {} }]), ParameterError, 'bcdProx: blocks[0].x0 must be finite (got Infinity)'],
    ['bcd c', () => bcdProx(() => 0, [{ x0: [1], update: () => {} }], { c: 0 }), ParameterError, 'bcdProx: options.c must be a finite number > 0 (got 0)'],
    ['bcd update NaN', () => bcdProx(() => 0, [{ x0: [1], update: (_t, _c, out) => out.fill(NaN) }]), ParameterError, 'bcdProx: blocks[0].update must write finite values (got NaN at index 0)'],
  ];
  for (const [what, call, cls, message] of cases) {
    it(`${what}: ${cls.name}`, () => {
      expect(call).toThrow(cls);
      expect(call).toThrow(message);
    });
  }

  it('WASM memory returns to its previous level after runs, stops and errors', () => {
    const before = memoryStats().allocatedBytes;
    for (const runner of Object.values(runners)) {
      runner({ maxIter: 20 });
      runner({ onProgress: () => false });
    }
    for (const [, call] of cases) expect(call).toThrow();
    expect(() => admm(leastSquares(A, b), { name: 'boom', properties: normL1(1).properties, value: () => 0, prox: () => { throw new Error('boom'); } } as ProxOperator)).toThrow('boom');
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
