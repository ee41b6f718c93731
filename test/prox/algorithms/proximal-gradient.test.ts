import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError,
  ShapeError,
  NonFiniteError,
  allocF64,
  fista,
  indNonnegative,
  init,
  lasso,
  lassoDualityGap,
  leastSquares,
  memoryStats,
  normL1,
  proximalGradient,
  type ProxOperator,
  type SmoothFunction,
} from '../../../bindings/index.js';
import { randomVector, uniforms } from '../../helpers.js';
import { diabetesProblem, lassoCoordinateDescentRef, lassoObjectiveRef, simplexLeastSquaresBrute, simplexOp } from './reference.js';

beforeAll(() => init());

describe('fista and proximalGradient on the LASSO (diabetes, 442 × 10)', () => {
  const P = diabetesProblem();
  for (const divisor of [10, 100]) {
    it(`λ = λmax/${divisor}: FISTA reaches a duality gap < 1e-8 and matches an independent coordinate descent`, () => {
      const lambda = P.lambdaMax / divisor;
      const r = lasso(P.X, P.y, lambda);
      expect(r.converged).toBe(true);
      expect(r.stopped).toBe('converged');
      expect(r.certificate.name).toBe('duality gap');
      expect(r.certificate.value).toBeLessThan(1e-8);
      expect(r.certificate.value).toBeGreaterThanOrEqual(0);
      expect(r.lambdaMax).toBeCloseTo(P.lambdaMax, 9);
      const cd = lassoCoordinateDescentRef(P.X, P.y, P.n, lambda);
      const pFista = lassoObjectiveRef(P.X, P.y, r.x, lambda);
      const pCd = lassoObjectiveRef(P.X, P.y, cd, lambda);
      // Weak duality: the certified gap bounds the distance to the optimum that CD found (plus rounding of P ≈ 1e6).
      expect(pFista - pCd).toBeLessThanOrEqual(1e-8 + 1e-9);
      expect(Math.abs(pFista - r.objective)).toBeLessThanOrEqual(1e-9 * pCd);
      for (let j = 0; j < P.n; j++) {
        expect(Math.abs(r.x[j]! - cd[j]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(cd[j]!)));
        expect(r.x[j] === 0).toBe(cd[j] === 0); // the same support, exact zeros from the prox
      }
    });
  }

  it('the duality gap is ≥ P(w) − P(w*) at random points and 0 at the CD solution (up to rounding)', () => {
    const lambda = P.lambdaMax / 20;
    const f = leastSquares(P.X, P.y);
    const gap = lassoDualityGap(lambda);
    const cd = lassoCoordinateDescentRef(P.X, P.y, P.n, lambda);
    const pStar = lassoObjectiveRef(P.X, P.y, cd, lambda);
    const g = new Float64Array(P.n);
    for (let k = 0; k < 20; k++) {
      const w = randomVector(300 + k, P.n, 200);
      f.gradient(w, g);
      expect(gap(w, g, f.value(w))).toBeGreaterThanOrEqual(lassoObjectiveRef(P.X, P.y, w, lambda) - pStar - 1e-9 * pStar);
    }
    f.gradient(cd, g);
    expect(Math.abs(gap(cd, g, f.value(cd)))).toBeLessThan(1e-8);
  });

  it('proximalGradient, and FISTA with every restart rule, reach the same solution; FISTA needs fewer iterations', () => {
    const lambda = P.lambdaMax / 100;
    const f = leastSquares(P.X, P.y);
    const g = normL1(lambda);
    const cd = lassoCoordinateDescentRef(P.X, P.y, P.n, lambda);
    const pg = proximalGradient(f, g, { tol: 1e-5, maxIter: 200000 });
    expect(pg.converged).toBe(true);
    expect(pg.certificate.name).toMatch(/^fixed-point residual/);
    expect(pg.certificate.value).toBeLessThanOrEqual(1e-5);
    const iters: Record<string, number> = {};
    for (const restart of ['gradient', 'function', 'none'] as const) {
      const r = fista(f, g, { tol: 1e-5, restart, maxIter: 200000 });
      expect(r.converged).toBe(true);
      iters[restart] = r.iterations;
      for (let j = 0; j < P.n; j++) expect(Math.abs(r.x[j]! - cd[j]!)).toBeLessThanOrEqual(1e-3);
      if (restart === 'none') expect(r.restarts).toBe(0);
      else expect(r.restarts).toBeGreaterThan(0);
    }
    for (let j = 0; j < P.n; j++) expect(Math.abs(pg.x[j]! - cd[j]!)).toBeLessThanOrEqual(1e-3);
    expect(pg.restarts).toBe(0);
    expect(iters.gradient!).toBeLessThan(pg.iterations / 5);
  });

  it('a fixed step (options.step or options.lipschitz) gives the same iterates as a line search that never shrinks', () => {
    const lambda = P.lambdaMax / 10;
    const f = leastSquares(P.X, P.y);
    const L = 1.01 * f.lipschitz;
    const a = fista(f, normL1(lambda), { lipschitz: L, maxIter: 50, tol: 0 });
    const b = fista(f, normL1(lambda), { step: 1 / L, maxIter: 50, tol: 0 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(a.step).toBe(1 / L);
    expect(a.stopped).toBe('maxIter');
    expect(a.converged).toBe(false);
  });
});

describe('fista on other problems with known solutions', () => {
  it('least squares over the simplex equals a brute-force KKT enumeration (random 30 × 6 problems)', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const m = 30;
      const n = 6;
      const A = randomVector(seed, m * n);
      const b = randomVector(seed + 50, m);
      const want = simplexLeastSquaresBrute(A, b, m, n);
      const r = fista(leastSquares(A, b), simplexOp, { tol: 1e-10, x0: new Float64Array(n).fill(1 / n) });
      expect(r.converged).toBe(true);
      for (let j = 0; j < n; j++) expect(Math.abs(r.x[j]! - want[j]!)).toBeLessThan(1e-8);
    }
  });

  it('plain callbacks without a Lipschitz estimate (secant start): L1-regularised logistic regression satisfies its optimality conditions', () => {
    const m = 60;
    const n = 5;
    const A = randomVector(7, m * n);
    const u = uniforms(8);
    const labels = Float64Array.from({ length: m }, () => (u() < 0.5 ? -1 : 1));
    const lambda = 2;
    const f: SmoothFunction = {
      value(x) {
        let s = 0;
        for (let i = 0; i < m; i++) {
          let z = 0;
          for (let j = 0; j < n; j++) z += A[i * n + j]! * x[j]!;
          s += Math.log1p(Math.exp(-labels[i]! * z));
        }
        return s;
      },
      gradient(x, out) {
        out.fill(0);
        for (let i = 0; i < m; i++) {
          let z = 0;
          for (let j = 0; j < n; j++) z += A[i * n + j]! * x[j]!;
          const w = -labels[i]! / (1 + Math.exp(labels[i]! * z));
          for (let j = 0; j < n; j++) out[j]! += w * A[i * n + j]!;
        }
      },
    };
    const r = fista(f, normL1(lambda), { x0: new Float64Array(n), tol: 1e-9 });
    expect(r.converged).toBe(true);
    const g = new Float64Array(n);
    f.gradient(r.x, g);
    let nonzero = 0;
    for (let j = 0; j < n; j++) {
      if (r.x[j] !== 0) {
        nonzero++;
        expect(Math.abs(g[j]! + lambda * Math.sign(r.x[j]!))).toBeLessThan(1e-7);
      } else expect(Math.abs(g[j]!)).toBeLessThanOrEqual(lambda + 1e-7);
    }
    expect(nonzero).toBeGreaterThan(0);
  });

  it('a gradient callback that allocates WASM memory (detaching the views) still gives the right answer', () => {
    const A = randomVector(11, 40 * 4);
    const b = randomVector(12, 40);
    const ls = leastSquares(A, b);
    const grabbed: { free(): void }[] = [];
    const f: SmoothFunction = {
      dimension: 4,
      value: (x) => ls.value(x),
      gradient(x, out) {
        if (grabbed.length < 3) grabbed.push(allocF64(4_000_000)); // 32 MB: grows memory
        ls.gradient(x, out);
      },
    };
    try {
      const r = fista(f, indNonnegative(), { tol: 1e-10 });
      const ref = fista(ls, indNonnegative(), { tol: 1e-10 });
      expect(r.converged).toBe(true);
      for (let j = 0; j < 4; j++) expect(r.x[j]).toBeCloseTo(ref.x[j]!, 8);
    } finally {
      grabbed.forEach((g) => g.free());
    }
  });
});

describe('progress, stopping and abort', () => {
  const P = diabetesProblem();
  const lambda = P.lambdaMax / 100;
  const f = leastSquares(P.X, P.y);

  it('onProgress sees every iteration; returning false stops after exactly k iterations', () => {
    for (const solver of [fista, proximalGradient]) {
      const seen: number[] = [];
      const r = solver(f, normL1(lambda), {
        tol: 0,
        onProgress: (info) => {
          seen.push(info.iteration);
          expect(info.elapsedMs).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(info.objective)).toBe(true);
          return info.iteration < 7;
        },
      });
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(r.iterations).toBe(7);
      expect(r.stopped).toBe('callback');
      expect(r.converged).toBe(false);
      expect(r.history.length).toBe(7);
      expect(Number.isFinite(r.certificate.value)).toBe(true);
    }
  });

  it('an AbortSignal returns the partial result with converged false and stopped "aborted" (documented choice: no exception)', () => {
    const controller = new AbortController();
    const r = fista(f, normL1(lambda), {
      tol: 0,
      signal: controller.signal,
      onProgress: (info) => {
        if (info.iteration === 5) controller.abort();
      },
    });
    expect(r.iterations).toBe(5);
    expect(r.stopped).toBe('aborted');
    expect(r.converged).toBe(false);
    expect(r.x.length).toBe(P.n);
    const pre = fista(f, normL1(lambda), { signal: AbortSignal.abort() });
    expect(pre.iterations).toBe(0);
    expect(pre.stopped).toBe('aborted');
    expect(Array.from(pre.x)).toEqual(new Array(P.n).fill(0));
  });

  it('history stays bounded (thinned by powers of 2) and matches the objectives onProgress saw', () => {
    const objectives: number[] = [];
    const r = proximalGradient(f, normL1(lambda), { maxIter: 100, tol: 0, historyLength: 8, onProgress: (i) => void objectives.push(i.objective) });
    expect(r.history.length).toBeLessThanOrEqual(8);
    expect(r.historyEvery).toBe(16);
    r.history.forEach((v, i) => expect(v).toBe(objectives[(i + 1) * r.historyEvery - 1]));
    // proximal gradient with a valid step is monotone
    for (let k = 1; k < objectives.length; k++) expect(objectives[k]!).toBeLessThanOrEqual(objectives[k - 1]! * (1 + 1e-15));
  });

  it('maxIter 0 returns x0 with its certificate', () => {
    const x0 = new Float64Array(P.n).fill(1);
    const r = fista(f, normL1(lambda), { maxIter: 0, x0 });
    expect(r.iterations).toBe(0);
    expect(Array.from(r.x)).toEqual(Array.from(x0));
    expect(r.certificate.value).toBeGreaterThan(0);
  });
});

describe('errors and memory', () => {
  const f = leastSquares([1, 0, 0, 1], [1, 2]);
  const g = normL1(0.1);
  const cases: [string, () => unknown, new (...a: never[]) => Error, string][] = [
    ['f not a smooth function', () => fista({} as SmoothFunction, g), ParameterError, 'fista: f must be a smooth function { value(x), gradient(x, out) } (got Object)'],
    ['g not an operator', () => fista(f, null as unknown as ProxOperator), ParameterError, 'fista: g must be a ProxOperator (an object with prox(v, t, out) and value(x)) (got null)'],
    ['negative maxIter', () => proximalGradient(f, g, { maxIter: -1 }), ParameterError, 'proximalGradient: options.maxIter must be a non-negative integer (got -1)'],
    ['NaN tol', () => fista(f, g, { tol: NaN }), ParameterError, 'fista: options.tol must be >= 0 (got NaN)'],
    ['zero step', () => fista(f, g, { step: 0 }), ParameterError, 'fista: options.step must be a finite number > 0 (got 0)'],
    ['infinite lipschitz', () => fista(f, g, { lipschitz: Infinity }), ParameterError, 'fista: options.lipschitz must be a finite number > 0 (got Infinity)'],
    ['backtrack 1', () => fista(f, g, { backtrack: 1 }), ParameterError, 'fista: options.backtrack must be in (0, 1) (got 1)'],
    ['bad restart', () => fista(f, g, { restart: 'always' as 'none' }), ParameterError, `fista: options.restart must be 'gradient', 'function' or 'none' (got "always")`],
    ['bad onProgress', () => fista(f, g, { onProgress: 3 as unknown as () => boolean }), ParameterError, 'fista: options.onProgress must be a function (got 3)'],
    ['bad signal', () => fista(f, g, { signal: {} as AbortSignal }), ParameterError, 'fista: options.signal must be an AbortSignal (got Object)'],
    ['bad historyLength', () => fista(f, g, { historyLength: 1 }), ParameterError, 'fista: options.historyLength must be an integer >= 2 (got 1)'],
    ['x0 of a wrong length', () => fista(f, g, { x0: [1, 2, 3] }), ShapeError, 'fista: options.x0 must have length 2 (got 3)'],
    ['x0 with NaN', () => fista(f, g, { x0: [1, NaN] }), ParameterError, 'fista: options.x0 must be finite (got NaN at index 1)'],
    ['no x0 and no dimension', () => fista({ value: () => 0, gradient: () => {} }, g), ParameterError, 'fista: options.x0 must be given when f has no dimension (got undefined)'],
    ['bad certificateEvery', () => fista(f, g, { certificateEvery: 0 }), ParameterError, 'fista: options.certificateEvery must be an integer >= 1 (got 0)'],
    ['lasso λ < 0', () => lasso([1, 2], [1, 2], -1), ParameterError, 'lasso: lambda must be a finite number >= 0 (got -1)'],
    ['leastSquares shape', () => leastSquares([1, 2, 3], [1, 2]), ShapeError, 'leastSquares: A must have b.length × n = 2 × n entries (got 3)'],
    ['leastSquares NaN', () => leastSquares([1, NaN], [1, 2]), NonFiniteError, 'leastSquares: A must be finite (got NaN at index 1)'],
  ];
  for (const [what, call, cls, message] of cases) {
    it(`${what}: ${cls.name}`, () => {
      expect(call).toThrow(cls);
      expect(call).toThrow(message);
    });
  }

  it('a line search on an inconsistent f fails with a ParameterError', () => {
    const bad: SmoothFunction = { dimension: 2, value: (x) => (x[0]! > 0 ? Infinity : 0), gradient: (_x, out) => void out.fill(-1) };
    expect(() => fista(bad, g, { x0: [0, 0] })).toThrow(ParameterError);
    expect(() => fista(bad, g, { x0: [0, 0] })).toThrow(/^fista: the line search failed \(step below 1e-300\)/);
    const nan: SmoothFunction = { dimension: 2, value: () => NaN, gradient: (_x, out) => void out.fill(0) };
    expect(() => proximalGradient(nan, g)).toThrow(ParameterError);
    expect(() => proximalGradient(nan, g)).toThrow('proximalGradient: f.value must return a finite number (got NaN at iteration 1)');
  });

  it("a NaN the operator meets mid-run stays a NonFiniteError (with index), prefixed with the solver's name", () => {
    const f: SmoothFunction = { dimension: 2, lipschitz: 1, value: () => 0, gradient: (_x, out) => void out.fill(NaN) };
    let caught: unknown;
    try {
      proximalGradient(f, g);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NonFiniteError);
    expect((caught as NonFiniteError).index).toBe(0);
    expect((caught as Error).message).toMatch(/^proximalGradient: normL1\(.*\)\.prox: v must be finite \(got NaN at index 0\)$/);
  });

  it('memory returns to its previous level after runs, stops, aborts and errors', () => {
    const before = memoryStats().allocatedBytes;
    const P = diabetesProblem();
    lasso(P.X, P.y, P.lambdaMax / 10);
    fista(f, g, { onProgress: () => false });
    fista(f, g, { signal: AbortSignal.abort() });
    expect(() => fista(f, g, { x0: [1, 2, 3] })).toThrow();
    expect(() => fista({ dimension: 2, value: () => 0, gradient: () => { throw new Error('boom'); } }, g)).toThrow('boom');
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});

describe('least-squares kernels (lsResidual, lsMatTVec)', () => {
  it('equal the TS path bit for bit for every tail length, and the naive definition to rounding', async () => {
    const { wasm } = await import('../../../bindings/runtime/instance.js');
    const { firstBitDifference } = await import('../../helpers.js');
    const k = wasm();
    for (let n = 0; n <= 11; n++) {
      const m = 7;
      const A = randomVector(700 + n, m * n);
      const b = randomVector(800 + n, m);
      const x = randomVector(900 + n, n);
      const ls = leastSquares(A.length ? A : new Float64Array(0), b);
      const gTs = new Float64Array(n);
      const fTs = n > 0 ? ls.gradient(x, gTs) : 0;
      const bufs = [allocF64(A), allocF64(b), allocF64(x), allocF64(m), allocF64(n)];
      try {
        const [Ab, bb, xb, rb, gb] = bufs as [ReturnType<typeof allocF64>, ReturnType<typeof allocF64>, ReturnType<typeof allocF64>, ReturnType<typeof allocF64>, ReturnType<typeof allocF64>];
        const fW = k.lsResidual(Ab.ptr, m, n, xb.ptr, bb.ptr, rb.ptr);
        k.lsMatTVec(Ab.ptr, m, n, rb.ptr, gb.ptr);
        if (n > 0) {
          expect(fW).toBe(fTs);
          expect(firstBitDifference(gb.toArray(), gTs)).toBe(-1);
        }
        // naive definition
        const r = Array.from({ length: m }, (_, i) => x.reduce((s, xj, j) => s + A[i * n + j]! * xj, 0) - b[i]!);
        expect(fW).toBeCloseTo(r.reduce((s, v) => s + v * v, 0) / 2, 12);
        const g = gb.toArray();
        for (let j = 0; j < n; j++) expect(g[j]).toBeCloseTo(r.reduce((s, ri, i) => s + A[i * n + j]! * ri, 0), 12);
      } finally {
        bufs.forEach((q) => q.free());
      }
    }
  });

  it('fista gives the same iterates through the WASM least-squares path and through the same f as plain callbacks', () => {
    const A = randomVector(71, 50 * 13);
    const b = randomVector(72, 50);
    const ls = leastSquares(A, b);
    const plain: SmoothFunction = { dimension: 13, value: (x) => ls.value(x), gradient: (x, out) => ls.gradient(x, out), lipschitz: ls.lipschitz };
    const a = fista(ls, normL1(0.5), { maxIter: 60, tol: 0 });
    const c = fista(plain, normL1(0.5), { maxIter: 60, tol: 0 });
    expect(Array.from(a.x)).toEqual(Array.from(c.x));
    expect(a.history).toEqual(c.history);
  });
});
