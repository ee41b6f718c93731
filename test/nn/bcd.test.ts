/**
 * Block coordinate descent for MLPs (bindings/nn/bcd.ts): the ReLU prox against brute-force
 * minimisation, every block update against the objective computed from its definition (it never
 * increases, and the finite-difference gradient of the block subproblem vanishes at the update), the
 * weight update against FISTA on the same ridge problem, and the end-to-end trainer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fista, init, memoryStats, normL1, NonFiniteError, ParameterError, rng, ShapeError } from '../../bindings/index.js';
import { BcdState, bcdMlp, reluProx } from '../../bindings/nn/bcd.js';
import { dense, matmul, matmulRef, spdInverse, type Dense } from '../../bindings/nn/dense.js';
import { uniforms } from '../helpers.js';

beforeAll(() => init());

/** A random 5-7-6-3 problem on 20 examples with labels j mod 3. */
function smallState(seed: number, alpha = 0.5): BcdState {
  const R = rng(seed);
  const sizes = [5, 7, 6, 3];
  const n = 20;
  const X = dense(5, n, R.normal(5 * n));
  const Y = dense(3, n);
  for (let j = 0; j < n; j++) Y.data[(j % 3) * n + j] = 1;
  const W = [0, 1, 2].map((l) => dense(sizes[l + 1]!, sizes[l]!, R.normal(sizes[l + 1]! * sizes[l]!)));
  const b = [0, 1, 2].map((l) => R.normal(sizes[l + 1]!));
  return new BcdState(sizes, X, Y, W, b, 1.3, 0.7, alpha);
}

/** Every block with its update, in the sweep's order. */
function blocks(s: BcdState): { name: string; data: () => Float64Array; update: () => void }[] {
  const out = [{ name: 'V3', data: () => s.V[3]!.data, update: () => s.updateOutput() }];
  for (let i = s.L; i >= 1; i--) {
    out.push({ name: `U${i}`, data: () => s.U[i]!.data, update: () => s.updatePre(i) });
    out.push({ name: `W${i}`, data: () => s.W[i]!.data, update: () => s.updateWeights(i) });
    out.push({ name: `b${i}`, data: () => s.b[i]!, update: () => undefined });
    if (i > 1) out.push({ name: `V${i - 1}`, data: () => s.V[i - 1]!.data, update: () => s.updateHidden(i - 1) });
  }
  return out;
}

describe('reluProx', () => {
  it('is the global minimiser of (γ/2)(v − relu(u))² + (β/2)(u − c)² (grid search over [−10, 10] refined)', () => {
    const u = uniforms(11);
    for (let t = 0; t < 400; t++) {
      const v = 6 * u() - 3, c = 6 * u() - 3, g = 0.1 + 5 * u(), beta = 0.1 + 5 * u();
      const h = (x: number): number => 0.5 * g * (v - Math.max(x, 0)) ** 2 + 0.5 * beta * (x - c) ** 2;
      let best = -10;
      for (let x = -10; x <= 10; x += 1e-3) if (h(x) < h(best)) best = x;
      for (let step = 1e-4; step > 1e-12; step /= 2) {
        if (h(best + step) < h(best)) best += step;
        else if (h(best - step) < h(best)) best -= step;
      }
      const p = reluProx(v, c, g, beta);
      // by value: h may have two global minimisers (one on each side of the kink)
      expect(h(p)).toBeLessThanOrEqual(h(best) + 1e-12);
      expect(h(best)).toBeLessThanOrEqual(h(p) + 1e-6); // the grid search is only that accurate
    }
  });
});

describe('matmul (the SIMD kernel path) agrees with the plain-TS triple loop', () => {
  it('for every transpose combination and odd shapes', () => {
    const R = rng(2);
    for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [17, 9, 33], [64, 65, 130]] as const) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const A = ta ? dense(k, m, R.normal(k * m)) : dense(m, k, R.normal(m * k));
          const B = tb ? dense(n, k, R.normal(n * k)) : dense(k, n, R.normal(k * n));
          const C = matmul(A, B, ta, tb);
          const Cref = matmulRef(A, B, ta, tb);
          expect([C.rows, C.cols]).toEqual([m, n]);
          C.data.forEach((v, i) => expect(v).toBeCloseTo(Cref.data[i]!, 11));
        }
      }
    }
    expect(() => matmul(dense(2, 3), dense(4, 2))).toThrow(ShapeError);
    expect(() => matmul(dense(2, 3), dense(4, 2))).toThrow('matmul: the inner dimensions of op(A) 2×3 and op(B) 4×2 must agree');
  });
});

describe('spdInverse', () => {
  it('M⁻¹M = I to 1e-12 for random symmetric positive definite M (Gram matrices plus a ridge)', () => {
    const R = rng(6);
    for (const n of [1, 2, 7, 40]) {
      const B = dense(n, n + 3, R.normal(n * (n + 3)));
      const M = matmulRef(B, B, false, true);
      for (let i = 0; i < n; i++) M.data[i * n + i] = M.data[i * n + i]! + 0.1;
      const P = matmulRef(spdInverse('test', M), M);
      P.data.forEach((v, k) => expect(Math.abs(v - (k % (n + 1) === 0 ? 1 : 0))).toBeLessThan(1e-12 * n));
    }
    expect(() => spdInverse('test', dense(2, 2, Float64Array.of(1, 2, 2, 1)))).toThrow('test: a 2×2 normal-equation matrix is not positive definite');
  });
});

describe('BcdState block updates', () => {
  it('never increase the objective: F_new + (α/2)‖Δ‖² ≤ F_old for every block of three sweeps', () => {
    for (const seed of [1, 2, 3]) {
      const s = smallState(seed);
      let F = s.objective();
      for (let sweep = 0; sweep < 3; sweep++) {
        for (const blk of blocks(s)) {
          if (blk.name.startsWith('b')) continue; // b moves with W (one joint block)
          const before = blk.data().slice();
          const bBefore = blk.name.startsWith('W') ? s.b[Number(blk.name.slice(1))]!.slice() : new Float64Array(0);
          blk.update();
          let moved = 0;
          blk.data().forEach((v, i) => (moved += (v - before[i]!) ** 2));
          if (blk.name.startsWith('W')) s.b[Number(blk.name.slice(1))]!.forEach((v, i) => (moved += (v - bBefore[i]!) ** 2));
          const G = s.objective();
          expect(G + 0.5 * s.alpha * moved).toBeLessThanOrEqual(F + 1e-10 * Math.abs(F));
          F = G;
        }
      }
    }
  });

  it('each smooth block update zeroes the gradient of F + (α/2)‖block − old‖² (central differences of F)', () => {
    const s = smallState(4);
    s.sweep(); // move away from the consistent start
    for (const blk of blocks(s)) {
      if (blk.name.startsWith('U') && blk.name !== `U${s.L}`) continue; // the hidden U-update is the nonsmooth ReLU prox (tested above)
      const isW = blk.name.startsWith('W') || blk.name.startsWith('b');
      const layer = Number(blk.name.slice(1));
      const old = blk.data().slice();
      const oldB = isW ? s.b[layer]!.slice() : null;
      if (!blk.name.startsWith('b')) blk.update();
      else continue;
      const check = (arr: Float64Array, prev: Float64Array): void => {
        const h = 1e-5;
        for (let i = 0; i < arr.length; i += Math.max(1, Math.floor(arr.length / 12))) {
          const v = arr[i]!;
          const f = (x: number): number => {
            arr[i] = x;
            const F = s.objective() + 0.5 * s.alpha * (x - prev[i]!) ** 2;
            arr[i] = v;
            return F;
          };
          const g = (f(v + h) - f(v - h)) / (2 * h);
          expect(Math.abs(g)).toBeLessThan(1e-5 * Math.max(1, s.objective()));
        }
      };
      check(blk.data(), old);
      if (isW) check(s.b[layer]!, oldB!);
    }
  });

  it('the W, b update equals FISTA on the same ridge problem (the prox family\'s solver, zero penalty)', () => {
    const s = smallState(5);
    s.sweep();
    const i = 2;
    const Vp = s.V[i - 1]!, U = s.U[i]!;
    const m = U.rows, p = Vp.rows, n = s.n;
    const W0 = s.W[i]!.data.slice(), b0 = s.b[i]!.slice();
    // θ = [W (m·p, row-major), b (m)]; f(θ) = (ρ/2)‖U − WV − b1ᵀ‖² + (α/2)‖θ − θ₀‖²
    const split = (t: Float64Array): [Dense, Float64Array] => [dense(m, p, t.slice(0, m * p)), t.slice(m * p)];
    const residual = (t: Float64Array): Float64Array => {
      const [W, b] = split(t);
      const r = U.data.slice();
      for (let q = 0; q < m; q++) for (let j = 0; j < n; j++) {
        let z = b[q]!;
        for (let c = 0; c < p; c++) z += W.data[q * p + c]! * Vp.data[c * n + j]!;
        r[q * n + j] = r[q * n + j]! - z;
      }
      return r;
    };
    const theta0 = new Float64Array([...W0, ...b0]);
    const f = {
      dimension: m * p + m,
      value: (t: Float64Array) => {
        let s2 = 0;
        for (const v of residual(t)) s2 += v * v;
        let d2 = 0;
        t.forEach((v, k) => (d2 += (v - theta0[k]!) ** 2));
        return 0.5 * s.rho * s2 + 0.5 * s.alpha * d2;
      },
      gradient: (t: Float64Array, out: Float64Array) => {
        const r = residual(t);
        out.fill(0);
        for (let q = 0; q < m; q++) for (let j = 0; j < n; j++) {
          const e = -s.rho * r[q * n + j]!;
          for (let c = 0; c < p; c++) out[q * p + c] = out[q * p + c]! + e * Vp.data[c * n + j]!;
          out[m * p + q] = out[m * p + q]! + e;
        }
        t.forEach((v, k) => (out[k] = out[k]! + s.alpha * (v - theta0[k]!)));
      },
    };
    const ref = fista(f, normL1(0), { x0: theta0, maxIter: 20000, tol: 1e-13 });
    s.updateWeights(i);
    const got = [...s.W[i]!.data, ...s.b[i]!];
    got.forEach((v, k) => expect(v).toBeCloseTo(ref.x[k]!, 7));
  });
});

/** Two interleaved half-moons-like classes and a third blob, in 4 dimensions (not linearly separable for class 0 vs 1). */
function toyData(seed: number, n: number): { X: number[][]; y: number[] } {
  const u = uniforms(seed);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const t = Math.PI * u();
    const p = c === 0 ? [Math.cos(t), Math.sin(t)] : c === 1 ? [1 - Math.cos(t), 0.5 - Math.sin(t)] : [2.5, 2.5];
    X.push([p[0]! + 0.1 * (u() - 0.5), p[1]! + 0.1 * (u() - 0.5), u() - 0.5, p[0]! * p[1]!]);
    y.push(c);
  }
  return { X, y };
}

describe('bcdMlp', () => {
  it('learns a nonlinear 3-class problem, its history objective never increases, and it is deterministic for a seed', () => {
    const { X, y } = toyData(1, 240);
    const test = toyData(2, 120);
    const opts = { hidden: [32, 32], iterations: 40, seed: 3, testX: test.X, testY: test.y, tol: 0 };
    const a = bcdMlp(X, y, opts);
    const b = bcdMlp(X, y, opts);
    expect(a.iterations).toBe(40);
    expect(a.stopped).toBe('maxIter');
    expect(a.history).toHaveLength(40);
    for (let k = 1; k < a.history.length; k++) expect(a.history[k]!.objective).toBeLessThanOrEqual(a.history[k - 1]!.objective);
    expect(a.history[39]!.testAccuracy).toBeGreaterThan(0.95);
    a.params.W.forEach((w, l) => expect(Array.from(w)).toEqual(Array.from(b.params.W[l]!)));
    expect(a.params.sizes).toEqual([4, 32, 32, 3]);
    // the reported training accuracy is that of an independent forward pass of the returned weights
    const { sizes, W, b: bias } = a.params;
    let hits = 0;
    X.forEach((x, i) => {
      let v = x.slice();
      for (let l = 0; l < W.length; l++) {
        const z = Array.from({ length: sizes[l + 1]! }, (_, r) => v.reduce((acc, xv, c) => acc + W[l]![r * sizes[l]! + c]! * xv, bias[l]![r]!));
        v = l < W.length - 1 ? z.map((t) => Math.max(t, 0)) : z;
      }
      if (v.indexOf(Math.max(...v)) === y[i]) hits++;
    });
    expect(a.history[39]!.trainAccuracy).toBe(hits / X.length);
  });

  it('stops on onProgress false and on an aborted signal, converges by tol, leaves no WASM memory', () => {
    const { X, y } = toyData(3, 60);
    const before = memoryStats().allocatedBytes;
    let calls = 0;
    const r = bcdMlp(X, y, { hidden: [8], iterations: 20, onProgress: () => ++calls < 3 });
    expect([r.iterations, r.stopped, r.history.length]).toEqual([3, 'callback', 3]);
    const ctl = new AbortController();
    ctl.abort();
    expect(bcdMlp(X, y, { hidden: [8], iterations: 20, signal: ctl.signal }).stopped).toBe('aborted');
    const c = bcdMlp(X, y, { hidden: [8], iterations: 5000, tol: 1e-4 });
    expect(c.converged).toBe(true);
    expect(c.stopped).toBe('converged');
    expect(c.iterations).toBeLessThan(5000);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('takes X and options.testX as { data, rows, cols } with the same run as arrays of rows', () => {
    const { X, y } = toyData(5, 30);
    const test = toyData(6, 12);
    const matrix = (R: number[][]) => ({ data: Float64Array.from(R.flat()), rows: R.length, cols: R[0]!.length });
    const opts = { hidden: [6], iterations: 3, seed: 2 };
    const a = bcdMlp(X, y, { ...opts, testX: test.X, testY: test.y });
    const b = bcdMlp(matrix(X), y, { ...opts, testX: matrix(test.X), testY: test.y });
    a.params.W.forEach((w, l) => expect(Array.from(b.params.W[l]!)).toEqual(Array.from(w)));
    expect(b.history.map((h) => h.testAccuracy)).toEqual(a.history.map((h) => h.testAccuracy));
    expect(() => bcdMlp({ data: [1, 2, 3], rows: 2, cols: 2 }, [0, 1])).toThrow(ShapeError);
  });

  it('typed errors name the function, the argument and what was received', () => {
    const { X, y } = toyData(4, 12);
    expect(() => bcdMlp([], [])).toThrow('bcdMlp: X must be a non-empty array of rows (got array of length 0)');
    expect(() => bcdMlp([[1, 2], [3]], [0, 1])).toThrow(ShapeError);
    expect(() => bcdMlp([[1, NaN], [0, 0]], [0, 1])).toThrow(NonFiniteError);
    expect(() => bcdMlp(X, y.slice(1))).toThrow('bcdMlp: y must have length 12, one label per row (got 11)');
    expect(() => bcdMlp(X, y, { gamma: 0 })).toThrow(ParameterError);
    expect(() => bcdMlp(X, y, { gamma: 0 })).toThrow('bcdMlp: options.gamma must be > 0 (got 0)');
    expect(() => bcdMlp(X, y, { hidden: [0] })).toThrow('bcdMlp: options.hidden[0] must be a positive integer (got 0)');
    expect(() => bcdMlp(X, y, { iterations: 1.5 })).toThrow('bcdMlp: options.iterations must be a non-negative integer (got 1.5)');
    expect(() => bcdMlp(X, y, { tol: -1 })).toThrow('bcdMlp: options.tol must be a finite number >= 0 (got -1)');
    expect(() => bcdMlp(X, y, { signal: {} as AbortSignal })).toThrow(ParameterError);
    expect(() => bcdMlp(X, y, { testX: [[1]], testY: [0] })).toThrow('bcdMlp: options.testX[0] must be a row of length 4 (got array of length 1)');
  });
});
