/**
 * The proximal dose–response estimators on the seeded simulator, checked against its closed-form
 * curve and bridge, and against the naive (confounded) regression they must beat.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, init, proximalDoseResponse, proximalTrueCurve, simulateProximal } from '../../bindings/index.js';

beforeAll(() => init());

const mae = (est: ArrayLike<number>, truth: ArrayLike<number>): number => {
  let s = 0;
  for (let g = 0; g < truth.length; g++) s += Math.abs(est[g]! - truth[g]!);
  return s / truth.length;
};

/** Least squares of y on the columns (with an intercept), by the normal equations (small p). */
function ols(cols: Float64Array[], y: Float64Array): number[] {
  const p = cols.length + 1;
  const n = y.length;
  const col = (k: number, i: number) => (k === 0 ? 1 : cols[k - 1]![i]!);
  const M = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < p; r++) {
      const row = M[r]!;
      for (let c = 0; c < p; c++) row[c] = row[c]! + col(r, i) * col(c, i);
      row[p] = row[p]! + col(r, i) * y[i]!;
    }
  }
  for (let k = 0; k < p; k++) {
    for (let r = k + 1; r < p; r++) {
      const f = M[r]![k]! / M[k]![k]!;
      const row = M[r]!;
      for (let c = k; c <= p; c++) row[c] = row[c]! - f * M[k]![c]!;
    }
  }
  const beta = new Array<number>(p).fill(0);
  for (let k = p - 1; k >= 0; k--) {
    let s = M[k]![p]!;
    for (let c = k + 1; c < p; c++) s -= M[k]![c]! * beta[c]!;
    beta[k] = s / M[k]![k]!;
  }
  return beta;
}

describe('simulateProximal', () => {
  it('the true curve is the documented cubic', () => {
    expect(Array.from(proximalTrueCurve([0, 1, -2]))).toEqual([1, 1 + 1 - 0.3 + 0.1, 1 - 2 - 1.2 - 0.8]);
  });
  it('h(w, a, x) = β(a) + w + x is an outcome bridge: Y − h is uncorrelated with (Z, A, A², X) (n = 200 000)', () => {
    const { data } = simulateProximal({ n: 200_000, seed: 5 });
    const beta = proximalTrueCurve(data.a);
    const r = data.y.map((v, i) => v - beta[i]! - data.w[i]! - data.x[i]!);
    const coef = ols([data.z, data.a, data.a.map((v) => v * v), data.x], r);
    for (const c of coef) expect(Math.abs(c)).toBeLessThan(0.02);
    // and the confounding is real: the naive regression of Y − β(A) on A is far from 0
    const naive = ols([data.a, data.x], data.y.map((v, i) => v - beta[i]!));
    expect(naive[1]!).toBeGreaterThan(0.3);
  });
  it('is reproducible by seed and validates its options', () => {
    expect(simulateProximal({ n: 20, seed: 3 }).data.y).toEqual(simulateProximal({ n: 20, seed: 3 }).data.y);
    expect(() => simulateProximal({ misspecify: 'q' as never })).toThrow(ParameterError);
    expect(() => simulateProximal({ n: 0 })).toThrow(/simulateProximal: options.n/);
  });
  it('a misspecified bridge sees |X|', () => {
    const s = simulateProximal({ n: 10, seed: 1, misspecify: 'treatment' });
    expect(Array.from(s.treatmentCovariates)).toEqual(Array.from(s.data.x, Math.abs));
    expect(Array.from(s.outcomeCovariates)).toEqual(Array.from(s.data.x));
  });
});

describe('proximalDoseResponse', () => {
  const n = 400;
  const fits = (mis: 'none' | 'outcome' | 'treatment', seed: number) => {
    const sim = simulateProximal({ n, seed, misspecify: mis });
    const fit = proximalDoseResponse(sim.data, { grid: sim.grid, outcomeCovariates: sim.outcomeCovariates, treatmentCovariates: sim.treatmentCovariates });
    return { sim, fit };
  };

  it('with both bridges correct all three estimators track the truth, and beat the confounded regression', () => {
    const { sim, fit } = fits('none', 11);
    // the naive estimate: regression of Y on a cubic in A and X, evaluated at x = 0
    const { a, x, y } = sim.data;
    const c = ols([a, a.map((v) => v * v), a.map((v) => v ** 3), x], y);
    const naive = sim.grid.map((t) => c[0]! + c[1]! * t + c[2]! * t * t + c[3]! * t ** 3);
    const naiveMae = mae(naive, sim.truth);
    expect(naiveMae).toBeGreaterThan(0.4);
    expect(mae(fit.dr, sim.truth)).toBeLessThan(0.25);
    expect(mae(fit.por, sim.truth)).toBeLessThan(0.25);
    expect(mae(fit.pipw, sim.truth)).toBeLessThan(0.6);
    expect(mae(fit.dr, sim.truth)).toBeLessThan(naiveMae / 2);
  });

  it('the treatment bridge integrates the smoothing kernel to ≈ 1: (1/n) Σ K_b(A_i − a) q̂_i ≈ 1 on the central grid', () => {
    // E[K_b(A − a) q] = E[K_b(A − a) / p(A | W, X)] = ∫ K_b(t − a) dt = 1 for the true q. The kernel fit of
    // an inverse density is rough at n = 400 (measured 0.5–1.3 pointwise), so: the mean over five points
    // within 0.2 of 1, each within 0.6.
    const { sim, fit } = fits('none', 12);
    const b = fit.bandwidth;
    let mean = 0;
    for (const t of [-1, -0.5, 0, 0.5, 1]) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(-0.5 * ((sim.data.a[i]! - t) / b) ** 2) / (Math.sqrt(2 * Math.PI) * b) * fit.treatmentBridge[i]!;
      expect(Math.abs(s / n - 1)).toBeLessThan(0.6);
      mean += s / n / 5;
    }
    expect(Math.abs(mean - 1)).toBeLessThan(0.2);
  });

  it('DR = POR + the kernel-weighted residual term, term by term', () => {
    const { sim, fit } = fits('none', 13);
    const b = fit.bandwidth;
    for (let g = 0; g < sim.grid.length; g += 5) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const k = Math.exp(-0.5 * ((sim.data.a[i]! - sim.grid[g]!) / b) ** 2) / (Math.sqrt(2 * Math.PI) * b);
        s += k * fit.treatmentBridge[i]! * (sim.data.y[i]! - fit.outcomeBridge[i]!);
      }
      expect(fit.dr[g]).toBeCloseTo(fit.por[g]! + s / n, 8);
    }
  });

  it('an outcome bridge on |X| biases POR; DR keeps close to the truth through the treatment bridge (3 seeds)', () => {
    let dr = 0;
    let por = 0;
    for (const seed of [21, 22, 23]) {
      const { sim, fit } = fits('outcome', seed);
      dr += mae(fit.dr, sim.truth) / 3;
      por += mae(fit.por, sim.truth) / 3;
    }
    expect(por).toBeGreaterThan(0.3);
    expect(dr).toBeLessThan(0.8 * por);
  });

  it('a treatment bridge on |X| biases PIPW; DR keeps close to the truth through the outcome bridge (3 seeds)', () => {
    let dr = 0;
    let pipw = 0;
    for (const seed of [31, 32, 33]) {
      const { sim, fit } = fits('treatment', seed);
      dr += mae(fit.dr, sim.truth) / 3;
      pipw += mae(fit.pipw, sim.truth) / 3;
    }
    expect(pipw).toBeGreaterThan(0.5);
    expect(dr).toBeLessThan(0.5 * pipw);
  });

  it('names the argument in its errors', () => {
    const sim = simulateProximal({ n: 10, seed: 1 });
    expect(() => proximalDoseResponse({ ...sim.data, y: sim.data.y.subarray(0, 9) })).toThrow(ShapeError);
    expect(() => proximalDoseResponse({ ...sim.data, z: [[1, 2]] })).toThrow(/data.z must have 10 rows/);
    expect(() => proximalDoseResponse(sim.data, { lambda: -1 })).toThrow(/options.lambda/);
    expect(() => proximalDoseResponse(sim.data, { lamda: 1 } as never)).toThrow(/did you mean options.lambda/);
    expect(() => proximalDoseResponse({ ...sim.data, a: new Float64Array(10).fill(2) })).toThrow(/data.a must vary/);
  });

  it('takes proxies and covariates as rows too (two proxy columns give a valid fit)', () => {
    const sim = simulateProximal({ n: 60, seed: 2 });
    const z2 = Array.from(sim.data.z, (v, i) => [v, sim.data.x[i]!]);
    const fit = proximalDoseResponse({ ...sim.data, z: z2 }, { grid: [0] });
    expect(Number.isFinite(fit.dr[0]!)).toBe(true);
    const asRows = proximalDoseResponse({ ...sim.data, w: Array.from(sim.data.w, (v) => [v]) }, { grid: [0] });
    expect(asRows.dr[0]).toBeCloseTo(proximalDoseResponse(sim.data, { grid: [0] }).dr[0]!, 12);
  });
});
