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

// Thresholds set from the values measured at each test's seed(s), with a margin: the naive slope 0.356;
// the treatment bridge's kernel mass within 0.050 of 1 and its correlation with the true q 0.82
const NAIVE_SLOPE_MIN = 0.2;
const KERNEL_MASS_TOL = 0.1;
const Q_CORR_MIN = 0.7;

/** Pearson correlation. */
const corr = (p: ArrayLike<number>, q: ArrayLike<number>): number => {
  const n = p.length;
  let mp = 0, mq = 0;
  for (let i = 0; i < n; i++) { mp += p[i]! / n; mq += q[i]! / n; }
  let spq = 0, spp = 0, sqq = 0;
  for (let i = 0; i < n; i++) { spq += (p[i]! - mp) * (q[i]! - mq); spp += (p[i]! - mp) ** 2; sqq += (q[i]! - mq) ** 2; }
  return spq / Math.sqrt(spp * sqq);
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

/** p(a | u, x) of the simulator, written out from its documentation (¼(1 + θa/2), θ = 0.35u + 0.45x/√(1 + x²)). */
const density = (a: number, u: number, x: number): number => 0.25 * (1 + ((0.35 * u + (0.45 * x) / Math.sqrt(1 + x * x)) * a) / 2);

/** ∫ exp(−(t − c)²/(2b²)) dt over [−2, 2] by the midpoint rule (the smoothing kernel's mass on the treatment range). */
const massOnRange = (c: number, b: number): number => {
  let m = 0;
  for (let k = 0; k < 4000; k++) m += Math.exp(-0.5 * ((-2 + (k + 0.5) / 1000 - c) / b) ** 2) / 1000;
  return m;
};

describe('simulateProximal', () => {
  it('the true curve is the documented cubic', () => {
    expect(Array.from(proximalTrueCurve([0, 1, -2]))).toEqual([1, 1 + 1 - 0.3 + 0.1, 1 - 2 - 1.2 - 0.8]);
  });
  it('draws A on [−2, 2] with the documented density given U and X (histogram of each U half against ∫ p over the bin)', () => {
    const { data, u } = simulateProximal({ n: 60_000, seed: 4 });
    for (const uv of [-1, 1]) {
      const idx = Array.from(u.keys()).filter((i) => u[i] === uv);
      const bins = new Float64Array(8);
      const expected = new Float64Array(8);
      for (const i of idx) {
        const a = data.a[i]!;
        expect(Math.abs(a)).toBeLessThanOrEqual(2);
        bins[Math.min(7, Math.floor((a + 2) * 2))]! += 1 / idx.length;
        // the bin's expected share given X_i: ∫ over each bin of the linear density (midpoint rule is exact for it)
        for (let k = 0; k < 8; k++) expected[k]! += (0.5 * density(-2 + 0.25 + 0.5 * k, uv, data.x[i]!)) / idx.length;
      }
      // a bin share's standard error is about 0.002 with 30 000 draws
      for (let k = 0; k < 8; k++) expect(Math.abs(bins[k]! - expected[k]!)).toBeLessThan(0.01);
    }
    // about half the units have each U
    expect(Math.abs(u.reduce((s, v) => s + v, 0)) / 60_000).toBeLessThan(0.02);
  });
  it('h(w, a, x) = β(a) + 2w + 2x is an outcome bridge: Y − h is uncorrelated with (Z, A, A², X) (n = 200 000)', () => {
    const { data, bridges } = simulateProximal({ n: 200_000, seed: 5 });
    const beta = proximalTrueCurve(data.a);
    const r = data.y.map((v, i) => v - beta[i]! - 2 * data.w[i]! - 2 * data.x[i]!);
    for (let i = 0; i < 5; i++) expect(bridges.outcome[i]).toBeCloseTo(data.y[i]! - r[i]!, 12);
    const coef = ols([data.z, data.a, data.a.map((v) => v * v), data.x], r);
    for (const c of coef) expect(Math.abs(c)).toBeLessThan(0.02);
    // and the confounding is real: the naive regression of Y − β(A) on A (adjusting for X) is far from 0
    const naive = ols([data.a, data.x], data.y.map((v, i) => v - beta[i]!));
    expect(naive[1]!).toBeGreaterThan(NAIVE_SLOPE_MIN);
  });
  it('its treatment bridge q meets the moment E[q·g(W, A, X)] = E[∫₋₂² g(W, a, X) da]; dropping its z term does not (n = 200 000)', () => {
    const { data, bridges } = simulateProximal({ n: 200_000, seed: 6 });
    const { a, w, x } = data;
    const n = a.length;
    const noZ = a.map((t, i) => (1 / density(t, 1, x[i]!) + 1 / density(t, -1, x[i]!)) / 2);
    // g and its integral over a ∈ [−2, 2]
    const tests: [string, (i: number) => number, (i: number) => number][] = [
      ['1', () => 1, () => 4],
      ['(1 + W)(1 + A)²', (i) => (1 + w[i]!) * (1 + a[i]!) ** 2, (i) => ((1 + w[i]!) * 28) / 3],
      ['W·A', (i) => w[i]! * a[i]!, () => 0],
      ['W²·A²·X', (i) => w[i]! ** 2 * a[i]! ** 2 * x[i]!, (i) => (w[i]! ** 2 * x[i]! * 16) / 3],
    ];
    for (const [name, g, G] of tests) {
      let lhs = 0;
      let rhs = 0;
      let wrong = 0;
      for (let i = 0; i < n; i++) {
        lhs += (bridges.treatment[i]! * g(i)) / n;
        rhs += G(i) / n;
        wrong += (noZ[i]! * g(i)) / n;
      }
      expect(Math.abs(lhs - rhs), name).toBeLessThan(0.05);
      if (name === 'W·A') expect(Math.abs(wrong - rhs), `${name} without the z term`).toBeGreaterThan(0.3);
    }
  });
  it('PIPW with the true q recovers β (n = 200 000, bandwidth 0.15, kernel renormalised on [−2, 2])', () => {
    const { data, bridges, truth, grid } = simulateProximal({ n: 200_000, seed: 7 });
    const b = 0.15;
    for (const g of [0, 5, 10, 15, 20]) {
      let s = 0;
      for (let i = 0; i < data.a.length; i++) s += Math.exp(-0.5 * ((data.a[i]! - grid[g]!) / b) ** 2) * bridges.treatment[i]! * data.y[i]!;
      expect(Math.abs(s / data.a.length / massOnRange(grid[g]!, b) - truth[g]!), `a = ${grid[g]}`).toBeLessThan(0.06);
    }
  });
  it('is reproducible by seed and validates its options', () => {
    expect(simulateProximal({ n: 20, seed: 3 }).data.y).toEqual(simulateProximal({ n: 20, seed: 3 }).data.y);
    expect(simulateProximal({ n: 20, seed: 3 }).treatmentRange).toEqual([-2, 2]);
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
    const fit = proximalDoseResponse(sim.data, { grid: sim.grid, outcomeCovariates: sim.outcomeCovariates, treatmentCovariates: sim.treatmentCovariates, treatmentRange: sim.treatmentRange });
    return { sim, fit };
  };

  it('with both bridges correct all three estimators track the truth, and beat the confounded regression (3 seeds)', () => {
    const acc = { dr: 0, por: 0, pipw: 0, naive: 0 };
    for (const seed of [21, 22, 23]) {
      const { sim, fit } = fits('none', seed);
      // the naive estimate: regression of Y on a cubic in A and on X, evaluated at x = 0 (adjusts for X, not for U)
      const { a, x, y } = sim.data;
      const c = ols([a, a.map((v) => v * v), a.map((v) => v ** 3), x], y);
      const naive = sim.grid.map((t) => c[0]! + c[1]! * t + c[2]! * t * t + c[3]! * t ** 3);
      acc.naive += mae(naive, sim.truth) / 3;
      acc.dr += mae(fit.dr, sim.truth) / 3;
      acc.por += mae(fit.por, sim.truth) / 3;
      acc.pipw += mae(fit.pipw, sim.truth) / 3;
    }
    // measured: DR 0.092, POR 0.100, PIPW 0.118; the naive regression 0.231
    expect(acc.dr).toBeLessThan(0.12);
    expect(acc.por).toBeLessThan(0.13);
    expect(acc.pipw).toBeLessThan(0.15);
    expect(acc.dr).toBeLessThan(0.5 * acc.naive);
  });

  it('the treatment bridge integrates the smoothing kernel to ≈ 1: (1/n) Σ K_b(A_i − a) q̂_i ≈ 1 on the grid, and q̂ tracks the true q', () => {
    // E[K_b(A − a) q] = E[K_b(A − a) / p(A | U, X)] = ∫ K_b(t − a) dt = 1 for the true q (the kernel
    // renormalised on the treatment range).
    const { sim, fit } = fits('none', 12);
    const b = fit.bandwidth;
    let worst = 0;
    for (const t of [-1.5, -1, -0.5, 0, 0.5, 1, 1.5]) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(-0.5 * ((sim.data.a[i]! - t) / b) ** 2) * fit.treatmentBridge[i]!;
      worst = Math.max(worst, Math.abs(s / n / massOnRange(t, b) - 1));
    }
    expect(worst).toBeLessThan(KERNEL_MASS_TOL);
    expect(corr(fit.treatmentBridge, sim.bridges.treatment)).toBeGreaterThan(Q_CORR_MIN);
  });

  it('DR = POR + the kernel-weighted residual term, term by term', () => {
    const { sim, fit } = fits('none', 13);
    const b = fit.bandwidth;
    for (let g = 0; g < sim.grid.length; g += 5) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const k = Math.exp(-0.5 * ((sim.data.a[i]! - sim.grid[g]!) / b) ** 2) / massOnRange(sim.grid[g]!, b);
        s += k * fit.treatmentBridge[i]! * (sim.data.y[i]! - fit.outcomeBridge[i]!);
      }
      expect(fit.dr[g]).toBeCloseTo(fit.por[g]! + s / n, 6);
    }
  });

  // the simulator draws the same data whatever it misspecifies, so each pair below differs only in the covariates a bridge sees
  it('an outcome bridge on |X| biases POR; DR keeps close to the truth through the treatment bridge (3 seeds)', () => {
    let dr = 0;
    let por = 0;
    let porRight = 0;
    for (const seed of [31, 32, 33]) {
      const { sim, fit } = fits('outcome', seed);
      dr += mae(fit.dr, sim.truth) / 3;
      por += mae(fit.por, sim.truth) / 3;
      porRight += mae(fits('none', seed).fit.por, sim.truth) / 3;
    }
    // measured: POR 0.343 misspecified vs 0.136 correct; DR 0.185
    expect(por).toBeGreaterThan(2 * porRight);
    expect(dr).toBeLessThan(0.6 * por);
  });

  it('a treatment bridge on |X| biases PIPW; DR keeps close to the truth through the outcome bridge (3 seeds)', () => {
    let dr = 0;
    let pipw = 0;
    let pipwRight = 0;
    for (const seed of [31, 32, 33]) {
      const { sim, fit } = fits('treatment', seed);
      dr += mae(fit.dr, sim.truth) / 3;
      pipw += mae(fit.pipw, sim.truth) / 3;
      pipwRight += mae(fits('none', seed).fit.pipw, sim.truth) / 3;
    }
    // measured: PIPW 0.353 misspecified vs 0.168 correct; DR 0.167
    expect(pipw).toBeGreaterThan(2 * pipwRight);
    expect(dr).toBeLessThan(0.6 * pipw);
  });

  it('names the argument in its errors', () => {
    const sim = simulateProximal({ n: 10, seed: 1 });
    expect(() => proximalDoseResponse({ ...sim.data, y: sim.data.y.subarray(0, 9) })).toThrow(ShapeError);
    expect(() => proximalDoseResponse({ ...sim.data, z: [[1, 2]] })).toThrow(/data.z must have 10 rows/);
    expect(() => proximalDoseResponse(sim.data, { lambda: -1 })).toThrow(/options.lambda/);
    expect(() => proximalDoseResponse(sim.data, { lamda: 1 } as never)).toThrow(/did you mean options.lambda/);
    expect(() => proximalDoseResponse({ ...sim.data, a: new Float64Array(10).fill(2) })).toThrow(/data.a must vary/);
    expect(() => proximalDoseResponse(sim.data, { treatmentRange: [1, 0] })).toThrow(/options.treatmentRange/);
    expect(() => proximalDoseResponse(sim.data, { treatmentRange: [0, 1, 2] })).toThrow(/options.treatmentRange/);
    expect(() => proximalDoseResponse(sim.data, { treatmentRange: [-2, 2], grid: [0, 2.5] })).toThrow(/options.grid must be values inside options.treatmentRange/);
    expect(() => proximalDoseResponse(sim.data, { treatmentRange: [-0.01, 0.01] })).toThrow(/data.a must be inside options.treatmentRange \[-0.01, 0.01\] at every unit/);
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
