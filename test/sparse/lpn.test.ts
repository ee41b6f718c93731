import { beforeAll, describe, expect, it } from 'vitest';
import { init, rng } from '../../bindings/index.js';
import { ParameterError, ShapeError } from '../../bindings/runtime/errors.js';
import { erf } from '../../bindings/bounds/ops/smooth.js';
import { freeLpn, imagePatches, initLpn, laplaceMmse, laplacePosteriorDraws, laplacePosteriorPairs, laplacePosteriorQuantile, lpnApply, lpnRegulariser, lpnRegulariserAt, patchProx, lpnDenoiseImage, softThreshold1, trainLpn } from '../../bindings/sparse/lpn.js';

beforeAll(async () => {
  await init();
});

// Φ for the closed forms below from the bounds family's erf (Maclaurin series and erfc's continued
// fraction, ~1e-15 absolute): another algorithm than the Chebyshev erfc fit that lpn.ts uses, so the
// reference does not share its error. Below −8.5 it gives Φ = 0; in every pair of terms below the other
// one is then larger by more than 1e10.
const Phi = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/**
 * E[x | y] for x ~ Laplace(1), y = x + N(0, 1) in closed form: on x > 0 the posterior is a normal with
 * mean y − 1 cut at 0 (weight e^{−y}), on x < 0 one with mean y + 1 (weight e^{y}).
 */
function mmseClosedForm(y: number): number {
  const m1 = y - 1;
  const m2 = y + 1;
  const c1 = Math.exp(-y);
  const c2 = Math.exp(y);
  const num = c1 * (m1 * Phi(m1) + phi(m1)) + c2 * (m2 * Phi(-m2) - phi(m2));
  const den = c1 * Phi(m1) + c2 * Phi(-m2);
  return num / den;
}

describe('learned proximal networks', () => {
  it('the numerical MMSE reference equals the closed form', () => {
    for (const y of [-4, -2.5, -1, -0.3, 0, 0.3, 1, 2.5, 4]) expect(laplaceMmse(y)).toBeCloseTo(mmseClosedForm(y), 5);
    expect(Math.abs(laplaceMmse(0))).toBeLessThan(1e-12);
    expect(softThreshold1(2.5)).toBe(1.5);
    expect(softThreshold1(-0.4) === 0).toBe(true);
    expect(softThreshold1(-3)).toBe(-2);
  });

  it('posterior pairs: y uniform on [−R, R], and x given y has the posterior mean and mass at x > 0 of the closed form', () => {
    const R = 5;
    const g = rng(11);
    const { X, Y } = laplacePosteriorPairs(400000, R, (k) => g.uniform(k), (k) => g.normal(k));
    // y: uniform (each of 10 bins holds a tenth, within 5 standard errors)
    const bins = new Float64Array(10);
    for (const y of Y) bins[Math.min(9, Math.floor(((y + R) / (2 * R)) * 10))]! += 1;
    for (const b of bins) expect(Math.abs(b / 400000 - 0.1)).toBeLessThan(5 * Math.sqrt(0.09 / 400000));
    // x | y in narrow windows of y: the mean against E[x | y] (closed form), P(x > 0 | y) against the
    // normal masses of the two pieces (weights e^{∓y}·Φ(±y − 1) of the closed form above)
    for (const y0 of [-4, -1.5, 0.3, 1, 2.5, 4]) {
      let m = 0;
      let pos = 0;
      let c = 0;
      let v = 0;
      for (let i = 0; i < Y.length; i++) {
        if (Math.abs(Y[i]! - y0) > 0.02) continue;
        m += X[i]!;
        v += X[i]! * X[i]!;
        pos += X[i]! > 0 ? 1 : 0;
        c++;
      }
      m /= c;
      const sd = Math.sqrt(v / c - m * m);
      // the window's spread of y moves the mean by at most 0.02·max|dE/dy| ≤ 0.02
      expect(Math.abs(m - mmseClosedForm(y0))).toBeLessThan(5 * sd / Math.sqrt(c) + 0.02);
      const wPos = Math.exp(-y0) * Phi(y0 - 1);
      const wNeg = Math.exp(y0) * Phi(-y0 - 1);
      expect(Math.abs(pos / c - wPos / (wPos + wNeg))).toBeLessThan(5 * Math.sqrt(0.25 / c) + 0.02);
    }
  });

  it('posterior quantiles: the trapezoid-rule CDF of e^{−|x|−(x−y)²/2} at Q(u) is u; quantile means and masses match the closed form', () => {
    for (const y of [-4.5, -1.2, 0, 0.4, 1, 2.5, 4.8]) {
      // the unnormalised posterior integrated numerically from far below (an independent route to the CDF)
      const dens = (x: number): number => Math.exp(-Math.abs(x) - 0.5 * (x - y) * (x - y));
      const lo = Math.min(y, 0) - 12;
      const cdfTo = (b: number, steps = 20000): number => {
        const h = (b - lo) / steps;
        let s = 0.5 * (dens(lo) + dens(b));
        for (let i = 1; i < steps; i++) s += dens(lo + i * h);
        return s * h;
      };
      const Z = cdfTo(Math.max(y, 0) + 12, 40000);
      let prev = -Infinity;
      for (const u of [1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.9999]) {
        const q = laplacePosteriorQuantile(y, u);
        expect(q).toBeGreaterThan(prev);
        prev = q;
        expect(Math.abs(cdfTo(q) / Z - u)).toBeLessThan(2e-6 + 1e-6 * u);
      }
      // midpoint rule over the quantiles: the posterior mean and the mass on x > 0
      const K = 4000;
      let m = 0;
      let pos = 0;
      for (let k = 0; k < K; k++) {
        const x = laplacePosteriorQuantile(y, (k + 0.5) / K);
        m += x / K;
        pos += x > 0 ? 1 / K : 0;
      }
      expect(Math.abs(m - mmseClosedForm(y))).toBeLessThan(2e-3);
      const wPos = Math.exp(-y) * Phi(y - 1);
      const wNeg = Math.exp(y) * Phi(-y - 1);
      expect(Math.abs(pos - wPos / (wPos + wNeg))).toBeLessThan(1.5 / K);
    }
  });

  it('posterior draws: stratified draw k lies between the quantiles k/K and (k+1)/K; independent ones have the posterior mean; y follows its law', () => {
    const g = rng(21);
    const K = 8;
    const s = laplacePosteriorDraws(50, K, 'uniform', 3, (k) => g.uniform(k), (k) => g.normal(k), true);
    for (let i = 0; i < 50; i++) {
      expect(Math.abs(s.Y[i]!)).toBeLessThanOrEqual(3);
      for (let k = 0; k < K; k++) {
        const x = s.X[i * K + k]!;
        expect(x).toBeGreaterThanOrEqual(k === 0 ? -Infinity : laplacePosteriorQuantile(s.Y[i]!, k / K) - 1e-9);
        expect(x).toBeLessThanOrEqual(k === K - 1 ? Infinity : laplacePosteriorQuantile(s.Y[i]!, (k + 1) / K) + 1e-9);
      }
    }
    // independent draws at y from the model's law (Laplace(1) + N(0, 1): mean 0, variance 3): the mean of
    // x − E[x | y] over all draws is 0 within 5 standard errors (each has variance ≤ 1.5), var(y) ≈ 3
    const n = 20000;
    const d = laplacePosteriorDraws(n, 4, 'model', 0, (k) => g.uniform(k), (k) => g.normal(k));
    let r = 0;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const e = mmseClosedForm(d.Y[i]!);
      for (let k = 0; k < 4; k++) r += (d.X[i * 4 + k]! - e) / (4 * n);
      v += (d.Y[i]! * d.Y[i]!) / n;
    }
    expect(Math.abs(r)).toBeLessThan(5 * Math.sqrt(1.5 / n));
    expect(Math.abs(v - 3)).toBeLessThan(0.15);
  });

  it('training with K identical draws per y gives the losses and the network of one draw; draws are checked', () => {
    const g = rng(4);
    const { X, Y } = laplacePosteriorPairs(600, 4, (k) => g.uniform(k), (k) => g.normal(k));
    const K = 3;
    const XK = new Float64Array(600 * K).map((_, j) => X[Math.floor(j / K)]!);
    const grid = Float64Array.from({ length: 9 }, (_, i) => -4 + i);
    const run = (x: Float64Array, draws: number): [number[], Float64Array] => {
      const net = initLpn(1, [8, 8], 2, 1e-3, true, 5, Y.subarray(0, 100));
      const l = trainLpn(net, x, Y, { loss: 'pm', gammas: [0.5, 0.2], epochs: 1, learningRate: 1e-2, batchSize: 64, seed: 9, draws });
      const f = lpnApply(net, grid);
      freeLpn(net);
      return [l, f];
    };
    const [l1, f1] = run(X, 1);
    const [lK, fK] = run(XK, K);
    lK.forEach((v, i) => expect(v).toBeCloseTo(l1[i]!, 10));
    fK.forEach((v, i) => expect(v).toBeCloseTo(f1[i]!, 8));
    const net = initLpn(2, [4], 1);
    expect(() => trainLpn(net, new Float64Array(12), new Float64Array(4), { loss: 'l2', epochs: 1, learningRate: 1e-2, seed: 1, draws: 3 })).toThrow(ParameterError);
    freeLpn(net);
    const one = initLpn(1, [4], 1);
    expect(() => trainLpn(one, new Float64Array(10), new Float64Array(4), { loss: 'l2', epochs: 1, learningRate: 1e-2, seed: 1, draws: 3 })).toThrow(ShapeError);
    expect(() => trainLpn(one, new Float64Array(4), new Float64Array(4), { loss: 'l2', epochs: 1, learningRate: 1e-2, seed: 1, draws: 0 })).toThrow(ParameterError);
    freeLpn(one);
  });

  it('the implied regulariser: f(y0) minimises ½(x − y0)² + R(x) over the points x = f(y) of a fine grid', () => {
    const g = rng(8);
    for (const symmetric of [false, true]) {
      const net = initLpn(1, [8, 8], 6, 1e-3, symmetric, 2, g.normal(300).map((v) => 2 * v));
      const Y = Float64Array.from({ length: 6001 }, (_, i) => -6 + i * 0.002);
      const { x, R } = lpnRegulariser(net, Y);
      expect(Array.from(x)).toEqual(Array.from(lpnApply(net, Y)));
      for (const y0 of [-2.5, -1, -0.2, 0.4, 1.3, 3]) {
        let best = Infinity;
        let xb = NaN;
        for (let j = 0; j < x.length; j++) {
          const v = 0.5 * (x[j]! - y0) ** 2 + R[j]!;
          if (v < best) [best, xb] = [v, x[j]!];
        }
        const f0 = lpnApply(net, Float64Array.of(y0))[0]!;
        // the grid's spacing in x is at most 0.002·max f′; a wrong R (sign, missing term) misses by far more
        expect(Math.abs(xb - f0)).toBeLessThan(0.01);
      }
      freeLpn(net);
    }
  });

  it('the implied regulariser at given points (bisection for y with f(y) = x) equals it at the points f reaches', () => {
    const g = rng(9);
    const net = initLpn(1, [8, 8], 7, 1e-3, false, 2, g.normal(300).map((v) => 2 * v));
    const Y = Float64Array.of(0, -7, -2.2, -0.3, 0.8, 3.1, 9);
    const { x, R } = lpnRegulariser(net, Y);
    const at = lpnRegulariserAt(net, x);
    for (let i = 0; i < Y.length; i++) expect(at[i]!).toBeCloseTo(R[i]! - R[0]!, 8);
    // R(x₀) + ½x₀² is the conjugate of ψ at x₀, a maximum over y of y·x₀ − ψ(y): no y of a grid beats it
    // (ψ(y) recovered from the same identity at y's own point f(y))
    const grid = Float64Array.from({ length: 401 }, (_, i) => -10 + i * 0.05);
    const G = lpnRegulariser(net, grid);
    // points inside the range f covers on the grid (an untrained f can be flat: its range is narrow)
    const fr = lpnApply(net, Float64Array.of(-6, -5.9, 0.5, 0.6, 7, 7.1));
    for (const x0 of [0.5 * (fr[0]! + fr[1]!), 0.5 * (fr[2]! + fr[3]!), 0.5 * (fr[4]! + fr[5]!)]) {
      const r0 = lpnRegulariserAt(net, Float64Array.of(x0))[0]!;
      let best = -Infinity;
      grid.forEach((y, j) => {
        const psi = y * G.x[j]! - 0.5 * G.x[j]! ** 2 - G.R[j]!;
        best = Math.max(best, y * x0 - 0.5 * x0 * x0 - psi - R[0]!);
      });
      expect(best).toBeLessThanOrEqual(r0 + 1e-9);
      expect(best).toBeGreaterThan(r0 - 1e-3);
    }
    freeLpn(net);
    const two = initLpn(2, [4], 1);
    expect(() => lpnRegulariserAt(two, new Float64Array(2))).toThrow(ParameterError);
    freeLpn(two);
  });

  it('f is the gradient of ψ: central differences of ψ recovered from the path integral of f', () => {
    // ψ(b) − ψ(a) = ∫₀¹ f(a + s(b − a))·(b − a) ds for a gradient field; a non-gradient map fails this on
    // some pair. Checked with Gauss–Legendre on random pairs, against a second path through a third point.
    const d = 3;
    const net = initLpn(d, [8, 8], 3, 1e-3, false, 1);
    const R = rng(5);
    const nodes = [-0.9061798459, -0.5384693101, 0, 0.5384693101, 0.9061798459];
    const weights = [0.2369268851, 0.4786286705, 0.5688888889, 0.4786286705, 0.2369268851];
    const line = (a: Float64Array, b: Float64Array): number => {
      const pts = new Float64Array(nodes.length * d);
      nodes.forEach((u, k) => {
        for (let i = 0; i < d; i++) pts[k * d + i] = a[i]! + ((u + 1) / 2) * (b[i]! - a[i]!);
      });
      const f = lpnApply(net, pts);
      let s = 0;
      nodes.forEach((_, k) => {
        for (let i = 0; i < d; i++) s += (weights[k]! / 2) * f[k * d + i]! * (b[i]! - a[i]!);
      });
      return s;
    };
    for (let trial = 0; trial < 5; trial++) {
      const [a, b, c] = [R.normal(d), R.normal(d), R.normal(d)].map((v) => v.map((x) => 0.3 * x));
      // the integral along a → b equals a → c → b (path independence), to the quadrature's accuracy
      expect(Math.abs(line(a!, b!) - (line(a!, c!) + line(c!, b!)))).toBeLessThan(1e-4 * (1 + Math.abs(line(a!, b!))));
    }
    freeLpn(net);
  });

  it('f is monotone ((f(a) − f(b))·(a − b) ≥ 0), odd when symmetric, and passes the mean through when centred', () => {
    const d = 4;
    const R = rng(7);
    for (const [symmetric, centre] of [[false, false], [true, false], [false, true]] as const) {
      const net = initLpn(d, [16, 16], 11, 1e-3, symmetric, 2, R.normal(200 * d), centre);
      const A = R.normal(100 * d).map((v) => 2 * v);
      const B = R.normal(100 * d).map((v) => 2 * v);
      const fa = lpnApply(net, A);
      const fb = lpnApply(net, B);
      for (let r = 0; r < 100; r++) {
        let ip = 0;
        for (let i = 0; i < d; i++) ip += (fa[r * d + i]! - fb[r * d + i]!) * (A[r * d + i]! - B[r * d + i]!);
        expect(ip).toBeGreaterThanOrEqual(-1e-12);
      }
      if (symmetric) {
        const fneg = lpnApply(net, A.map((v) => -v));
        for (let i = 0; i < A.length; i++) expect(fneg[i]!).toBeCloseTo(-fa[i]!, 12);
      }
      if (centre) {
        for (let r = 0; r < 100; r++) {
          let mf = 0;
          let my = 0;
          for (let i = 0; i < d; i++) [mf, my] = [mf + fa[r * d + i]! / d, my + A[r * d + i]! / d];
          expect(mf).toBeCloseTo(my, 10);
        }
      }
      freeLpn(net);
    }
  });

  it('training on the squared error lowers the error towards E[x | y] on the Laplacian toy', () => {
    const n = 4000;
    const R = rng(3);
    const u = R.uniform(2 * n);
    const z = R.normal(n);
    const X = new Float64Array(n);
    const Y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[i] = -Math.log(1 - u[2 * i]!) + Math.log(1 - u[2 * i + 1]!);
      Y[i] = X[i]! + z[i]!;
    }
    const net = initLpn(1, [16, 16], 1, 1e-3, true, 5, Y.subarray(0, 500));
    const grid = Float64Array.from({ length: 41 }, (_, i) => -3 + i * 0.15);
    const err = (): number => Math.max(...Array.from(lpnApply(net, grid), (v, i) => Math.abs(v - laplaceMmse(grid[i]!))));
    const before = err();
    trainLpn(net, X, Y, { loss: 'l2', epochs: 4, learningRate: 1e-2, batchSize: 256, seed: 1 });
    const after = err();
    expect(after).toBeLessThan(0.5 * before);
    expect(after).toBeLessThan(0.5);
    freeLpn(net);
  });

  it('patch denoising averages the per-patch outputs; patchProx is a ProxOperator on the image', () => {
    const rows = 7;
    const cols = 9;
    const p = 3;
    const img = rng(2).uniform(rows * cols);
    const net = initLpn(p * p, [8], 4, 1e-3, false, 1, undefined, true);
    const out = lpnDenoiseImage(net, img, rows, cols, p, 2);
    // reference: every patch position (corners 0, 2, 4 and the flush one), f per patch, averaged per pixel
    const rs = [0, 2, 4];
    const cs = [0, 2, 4, 6];
    const acc = new Float64Array(rows * cols);
    const cnt = new Float64Array(rows * cols);
    for (const r of rs) {
      for (const c of cs) {
        const patch = new Float64Array(p * p);
        for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) patch[i * p + j] = img[(r + i) * cols + c + j]!;
        const f = lpnApply(net, patch);
        for (let i = 0; i < p; i++) {
          for (let j = 0; j < p; j++) {
            acc[(r + i) * cols + c + j]! += f[i * p + j]!;
            cnt[(r + i) * cols + c + j]! += 1;
          }
        }
      }
    }
    for (let i = 0; i < acc.length; i++) expect(out[i]!).toBeCloseTo(acc[i]! / cnt[i]!, 12);
    expect(imagePatches(img, rows, cols, p, 2).length).toBe(rs.length * cs.length * p * p);
    const D = patchProx(net, rows, cols, p, 2);
    expect(Array.from(D.prox(img))).toEqual(Array.from(out));
    const into = new Float64Array(rows * cols);
    expect(D.prox(img, 1, into)).toBe(into);
    expect(() => D.prox(new Float64Array(5))).toThrow(ShapeError);
    expect(Number.isNaN(D.value(img))).toBe(true);
    freeLpn(net);
  });
});
