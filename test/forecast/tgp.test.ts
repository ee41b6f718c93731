/**
 * The tensor GP with contraction: the objective never increases over the alternating rounds, the
 * analytic gradients of the negative log marginal likelihood (in A, B, S and log σ²) match central
 * differences of the NLML at a random point, predictions beat the mean and match a plain GP
 * posterior computed here from the latent tensors, the planted support is found, and typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init } from '../../bindings/index.js';
import { fitTensorGp, simulateImageRegression } from '../../bindings/forecast/index.js';
import { gpState, gradientA, gradientB, gradientTheta, type Problem } from '../../bindings/forecast/tgp.js';
import { seededRng } from '../../bindings/rng.js';

beforeAll(() => init());

function split(n: number, nTest: number, seed: number) {
  const all = simulateImageRegression({ n: n + nTest, size: 8, seed });
  const [, S, , C] = all.X.shape as [number, number, number, number];
  const D = S * S * C;
  return {
    train: { data: all.X.data.slice(0, n * D), shape: [n, S, S, C] },
    test: { data: all.X.data.slice(n * D), shape: [nTest, S, S, C] },
    y: all.y.slice(0, n),
    yTest: all.y.slice(n),
    truth: all.coefficient,
    noise: all.noise,
  };
}

/** Plain GP posterior with kernel k(Z, Z′) = Σ_{c,c′} K₃[c,c′]⟨Z_c, Z′_c′⟩, written from the definition. */
function posterior(Ztr: Float64Array, Zte: Float64Array, n: number, m: number, size: number, C: number, K3: Float64Array, noise: number, y: Float64Array) {
  const k = (A: Float64Array, i: number, B: Float64Array, j: number): number => {
    let s = 0;
    for (let t = 0; t < size / C; t++) for (let c = 0; c < C; c++) for (let d = 0; d < C; d++) s += A[i * size + t * C + c]! * K3[c * C + d]! * B[j * size + t * C + d]!;
    return s;
  };
  const K = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => k(Ztr, i, Ztr, j) + (i === j ? noise : 0)));
  // Gauss–Jordan solve K·a = y
  const M = K.map((row, i) => [...row, y[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let q = c; q <= n; q++) M[r]![q] = M[r]![q]! - f * M[c]![q]!;
    }
  }
  const a = M.map((row, i) => row[n]! / row[i]!);
  return Array.from({ length: m }, (_, r) => a.reduce((s, ai, j) => s + ai * k(Zte, r, Ztr, j), 0));
}

describe('fitTensorGp', () => {
  it('never increases the penalised objective, block step after block step (3 seeds)', () => {
    for (const seed of [1, 2, 3]) {
      const d = split(40, 1, seed);
      const fit = fitTensorGp(d.train, d.y, { maxIter: 25, tol: 0 });
      expect(fit.history.length).toBe(fit.iterations + 1);
      for (let k = 1; k < fit.history.length; k++) expect(fit.history[k]!).toBeLessThanOrEqual(fit.history[k - 1]!);
      // every block step (A, B, hyper-parameters) of every round: never an increase, and most steps decrease strictly
      expect(fit.stepHistory.length).toBe(3 * fit.iterations + 1);
      let strict = 0;
      for (let k = 1; k < fit.stepHistory.length; k++) {
        expect(fit.stepHistory[k]!).toBeLessThanOrEqual(fit.stepHistory[k - 1]!);
        if (fit.stepHistory[k]! < fit.stepHistory[k - 1]!) strict++;
      }
      expect(strict).toBeGreaterThan(0.8 * (fit.stepHistory.length - 1));
      for (let r = 1; r <= fit.iterations; r++) expect(fit.stepHistory[3 * r]).toBe(fit.history[r]);
      // and it does make progress
      expect(fit.history[fit.history.length - 1]!).toBeLessThan(fit.history[0]! - 1);
    }
  });

  it('analytic gradients of the NLML in A, B, S and log σ² match central differences of the NLML', () => {
    // a generic point: h ≠ w so a swapped index shows, a full lower-triangular S so channels couple
    const n = 12;
    const h = 2;
    const w = 3;
    const all = simulateImageRegression({ n, size: 8, seed: 11 });
    const [, H, W, C] = all.X.shape as [number, number, number, number];
    const p: Problem = { fn: 'test', X: { data: all.X.data, shape: [n, H, W, C] }, y: all.y.map((v) => v - 0.3), n, H, W, C, h, w, tv: 0, l1: 0 };
    const R = seededRng('test', 5);
    const A = R.normal(H * h).map((v) => 0.5 * v);
    const B = R.normal(W * w).map((v) => 0.5 * v);
    const S = new Float64Array(C * C);
    const z = R.normal(C * C);
    for (let a = 0; a < C; a++) for (let b = 0; b <= a; b++) S[a * C + b] = (a === b ? 1 : 0) + 0.4 * z[a * C + b]!;
    const logNoise = Math.log(0.7);
    const nlml = (a: Float64Array, b: Float64Array, s: Float64Array, ln: number) => gpState(p, a, b, s, ln).nlml;
    const st = gpState(p, A, B, S, logNoise);
    const eps = 1e-5;
    const check = (analytic: Float64Array, at: Float64Array, f: (x: Float64Array) => number, skip: (i: number) => boolean = () => false) => {
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < at.length; i++) {
        if (skip(i)) continue;
        const up = Float64Array.from(at);
        const dn = Float64Array.from(at);
        up[i] = up[i]! + eps;
        dn[i] = dn[i]! - eps;
        const fd = (f(up) - f(dn)) / (2 * eps);
        worst = Math.max(worst, Math.abs(fd - analytic[i]!));
        scale = Math.max(scale, Math.abs(fd));
      }
      expect(scale).toBeGreaterThan(1e-2); // the check is not on a flat spot
      expect(worst).toBeLessThan(1e-6 * Math.max(1, scale));
    };
    check(gradientA(p, st, B), A, (a) => nlml(a, B, S, logNoise));
    check(gradientB(p, st, A), B, (b) => nlml(A, b, S, logNoise));
    const { theta, grad } = gradientTheta(p, st, S, logNoise);
    expect(Array.from(theta.subarray(0, C * C))).toEqual(Array.from(S));
    expect(theta[C * C]).toBe(logNoise);
    // entries above the diagonal of S are not parameters: their gradient entries stay 0
    for (let a = 0; a < C; a++) for (let b = a + 1; b < C; b++) expect(grad[a * C + b]).toBe(0);
    check(grad, theta, (t) => nlml(A, B, t.slice(0, C * C), t[C * C]!), (i) => i < C * C && i % C > Math.floor(i / C));
  });

  it('predictive mean equals a GP posterior mean computed from its latent tensors, channel kernel and noise', () => {
    const d = split(30, 5, 4);
    const fit = fitTensorGp(d.train, d.y, { maxIter: 10 });
    const Zte = fit.contract(d.test);
    const C = 3;
    const size = 4 * C;
    const want = posterior(fit.latent.data, Zte.data, 30, 5, size, C, fit.channelKernel, fit.noise, d.y.map((v) => v - fit.offset));
    const got = fit.predict(d.test);
    for (let r = 0; r < 5; r++) expect(got.mean[r]! - fit.offset).toBeCloseTo(want[r]!, 8);
    for (const v of got.variance) expect(v).toBeGreaterThanOrEqual(fit.noise);
    // trace 1 channel kernel, symmetric
    let tr = 0;
    for (let c = 0; c < C; c++) tr += fit.channelKernel[c * C + c]!;
    expect(tr).toBeCloseTo(1, 12);
  });

  it('the coefficient map reproduces the predictions: ⟨β, X⟩ + offset = mean', () => {
    const d = split(30, 4, 5);
    const fit = fitTensorGp(d.train, d.y, { maxIter: 5 });
    const D = 8 * 8 * 3;
    const mean = fit.predict(d.test).mean;
    for (let r = 0; r < 4; r++) {
      let s = fit.offset;
      for (let t = 0; t < D; t++) s += fit.coefficient.data[t]! * d.test.data[r * D + t]!;
      expect(s).toBeCloseTo(mean[r]!, 8);
    }
  });

  it('beats predicting the mean on held-out images and puts its largest coefficients on the planted blocks', () => {
    const d = split(120, 100, 6);
    const fit = fitTensorGp(d.train, d.y, { maxIter: 60 });
    const pred = fit.predict(d.test).mean;
    let se = 0;
    let sm = 0;
    let ybar = 0;
    for (const v of d.y) ybar += v / d.y.length;
    for (let i = 0; i < 100; i++) {
      se += (pred[i]! - d.yTest[i]!) ** 2;
      sm += (ybar - d.yTest[i]!) ** 2;
    }
    expect(se).toBeLessThan(0.5 * sm);
    // the 20 largest |β̂| entries: most of them inside the planted support
    const idx = Array.from(fit.coefficient.data.keys()).sort((a, b) => Math.abs(fit.coefficient.data[b]!) - Math.abs(fit.coefficient.data[a]!)).slice(0, 20);
    const inside = idx.filter((t) => d.truth.data[t] !== 0).length;
    expect(inside).toBeGreaterThanOrEqual(14);
  });

  it('reports progress, stops on request and when aborted', () => {
    const d = split(20, 1, 7);
    const seen: number[] = [];
    const a = fitTensorGp(d.train, d.y, { maxIter: 10, tol: 0, onProgress: (i) => (seen.push(i.iteration), i.iteration < 3) });
    expect(seen).toEqual([1, 2, 3]);
    expect(a.stopped).toBe('callback');
    const ac = new AbortController();
    ac.abort();
    const b = fitTensorGp(d.train, d.y, { maxIter: 10, signal: ac.signal });
    expect(b.stopped).toBe('aborted');
    expect(b.iterations).toBe(0);
  });

  it('refuses bad shapes, values and options with typed errors', () => {
    const d = split(10, 1, 8);
    expect(() => fitTensorGp({ data: d.train.data, shape: [10, 8, 8] }, d.y)).toThrow(ShapeError);
    expect(() => fitTensorGp(d.train, d.y.slice(0, 9))).toThrow(/fitTensorGp: y must have one value per image \(10\) \(got length 9\)/);
    const bad = Float64Array.from(d.train.data);
    bad[5] = NaN;
    expect(() => fitTensorGp({ data: bad, shape: d.train.shape }, d.y)).toThrow(NonFiniteError);
    expect(() => fitTensorGp(d.train, d.y, { latent: [9, 2] })).toThrow(/options.latent\[0\] must be at most H = 8/);
    expect(() => fitTensorGp(d.train, d.y, { tv: -1 })).toThrow(ParameterError);
    expect(() => fitTensorGp(d.train, d.y, { ltaent: [2, 2] } as never)).toThrow(/ltaent.*latent/);
    const fit = fitTensorGp(d.train, d.y, { maxIter: 1 });
    expect(() => fit.predict({ data: new Float64Array(2 * 4 * 4 * 3), shape: [2, 4, 4, 3] })).toThrow(/TensorGpModel.contract: X must have images of shape \[8, 8, 3\]/);
  });
});

describe('simulateImageRegression', () => {
  it('plants two blocks and draws y with the requested signal-to-noise ratio', () => {
    const d = simulateImageRegression({ n: 400, size: 16, seed: 2 });
    const nz = d.coefficient.data.filter((v) => v !== 0).length;
    expect(nz).toBe(16 * 2 + 16 * 2); // two 4×4 blocks, two non-zero channels each
    const D = 16 * 16 * 3;
    const f = Array.from({ length: 400 }, (_, i) => d.coefficient.data.reduce((s, b, t) => s + b * d.X.data[i * D + t]!, 0));
    const resid = f.map((v, i) => d.y[i]! - v);
    const sd = Math.sqrt(resid.reduce((s, v) => s + v * v, 0) / 400);
    expect(sd / d.noise).toBeGreaterThan(0.85);
    expect(sd / d.noise).toBeLessThan(1.15);
    expect(() => simulateImageRegression({ size: 4 })).toThrow(/options.size must be an integer >= 8/);
  });
});
