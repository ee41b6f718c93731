/**
 * The online methods: identities between them (FTRL = OGD at a constant rate; the Fenchel–Young
 * generalized implicit FTRL, computed from the dual 1-D problem, = implicit FTRL, computed from the
 * primal prox; aProx = implicit for the hinge at a constant rate), a hand-computed first round, the
 * regret bookkeeping, and bestInHindsight against a brute-force grid.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, ParameterError, ShapeError } from '../../bindings/index.js';
import { aProxFtrl, bestInHindsight, ftrl, generalizedImplicitFtrl, implicitFtrl, ogd } from '../../bindings/saddle/online.js';
import { randomVector } from '../helpers.js';
import { mathWasm } from '../../bindings/runtime/math.js';
import { vi } from 'vitest';

beforeAll(() => init());

const T = 120;
const d = 5;
const A = randomVector(11, T * d);
const wTrue = randomVector(12, d);
const noise = randomVector(13, T, 0.5);
const y = Array.from({ length: T }, (_, t) => (A.subarray(t * d, t * d + d).reduce((s, v, j) => s + v * wTrue[j]!, 0) + noise[t]! >= 0 ? 1 : -1));
const X = { data: A, rows: T, cols: d };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

describe('identities', () => {
  for (const loss of ['hinge', 'logistic'] as const) {
    it(`${loss}: generalized implicit FTRL (Fenchel–Young, dual) = implicit FTRL (primal prox), both schedules`, () => {
      for (const schedule of ['sqrt', 'constant'] as const) {
        const a = generalizedImplicitFtrl(X, y, loss, { eta: 0.7, schedule });
        const b = implicitFtrl(X, y, loss, { eta: 0.7, schedule });
        expect(maxDiff(a.x, b.x)).toBeLessThan(1e-10);
        expect(Math.abs(a.cumulativeLoss.at(-1)! - b.cumulativeLoss.at(-1)!)).toBeLessThan(1e-9);
      }
    });
    it(`${loss}: FTRL on linearized losses = OGD at a constant rate (and differs at η/√t)`, () => {
      const a = ftrl(X, y, loss, { eta: 0.3, schedule: 'constant' });
      const b = ogd(X, y, loss, { eta: 0.3, schedule: 'constant' });
      expect(maxDiff(a.x, b.x)).toBeLessThan(1e-12);
      expect(maxDiff(ftrl(X, y, loss, { eta: 0.3 }).x, ogd(X, y, loss, { eta: 0.3 }).x)).toBeGreaterThan(1e-3);
      expect(maxDiff(a.x, generalizedImplicitFtrl(X, y, loss, { eta: 0.3, schedule: 'constant', update: 'linear' }).x)).toBe(0);
    });
  }
  it('hinge at a constant rate: the truncated linear model is the hinge itself, so aProx = implicit', () => {
    expect(maxDiff(aProxFtrl(X, y, 'hinge', { eta: 0.5, schedule: 'constant' }).x, implicitFtrl(X, y, 'hinge', { eta: 0.5, schedule: 'constant' }).x)).toBeLessThan(1e-12);
  });
  it('logistic: aProx differs from implicit (the truncated model is not the loss)', () => {
    expect(maxDiff(aProxFtrl(X, y, 'logistic', { eta: 0.5 }).x, implicitFtrl(X, y, 'logistic', { eta: 0.5 }).x)).toBeGreaterThan(1e-4);
  });
});

describe('one round by hand', () => {
  it('hinge, x₁ = 0: OGD takes x₂ = η y a; implicit FTRL takes x₂ = min(η, 1/‖a‖²)·y·a (at η₂ = η/√2)', () => {
    const a = [0.5, -1, 2];
    const X1 = [a];
    const eta = 0.2;
    const o = ogd(X1, [1], 'hinge', { eta });
    expect(maxDiff(o.x, a.map((v) => eta * v))).toBeLessThan(1e-15);
    const im = implicitFtrl(X1, [-1], 'hinge', { eta });
    const e2 = eta / Math.SQRT2;
    const aa = 0.25 + 1 + 4;
    const step = Math.min(e2, 1 / aa);
    expect(maxDiff(im.x, a.map((v) => -step * v))).toBeLessThan(1e-15);
    expect(o.cumulativeLoss).toEqual([1]);
    expect(o.mistakes).toBe(1);
  });
});

describe('regret against a comparator, and the best fixed point in hindsight', () => {
  it('regret[t] = cumulativeLoss[t] − Σ_{s≤t} ℓₛ(u)', () => {
    const u = Float64Array.from(wTrue);
    const r = implicitFtrl(X, y, 'logistic', { eta: 1, comparator: u });
    let cu = 0;
    for (let t = 0; t < T; t++) {
      const m = y[t]! * A.subarray(t * d, t * d + d).reduce((s, v, j) => s + v * u[j]!, 0);
      cu += Math.log1p(Math.exp(-m));
      expect(Math.abs(r.regret![t]! - (r.cumulativeLoss[t]! - cu))).toBeLessThan(1e-9);
    }
  });
  for (const loss of ['hinge', 'logistic'] as const) {
    it(`${loss}: bestInHindsight in d = 2 matches a brute-force grid over the disc`, () => {
      const X2 = Array.from({ length: 40 }, (_, t) => [A[t * d]!, A[t * d + 1]!]);
      const y2 = y.slice(0, 40);
      const radius = 2;
      const { u, totalLoss } = bestInHindsight(X2, y2, loss, radius);
      const L = (w: number[]) => X2.reduce((s, r, t) => {
        const m = y2[t]! * (r[0]! * w[0]! + r[1]! * w[1]!);
        return s + (loss === 'hinge' ? Math.max(0, 1 - m) : Math.log1p(Math.exp(-m)));
      }, 0);
      let best = Infinity;
      for (let i = -400; i <= 400; i++) for (let j = -400; j <= 400; j++) {
        const w = [(i / 400) * radius, (j / 400) * radius];
        if (Math.hypot(w[0]!, w[1]!) <= radius) best = Math.min(best, L(w));
      }
      expect(Math.hypot(u[0]!, u[1]!)).toBeLessThanOrEqual(radius * (1 + 1e-9));
      expect(totalLoss).toBeLessThanOrEqual(best + 1e-6);
      expect(totalLoss).toBeGreaterThan(best - 0.05); // the grid's resolution
    });
  }
});

describe('argument checks', () => {
  it('typed errors name the function and argument', () => {
    expect(() => ftrl(X, y, 'squared' as never)).toThrow(/ftrl: loss/);
    expect(() => ogd(X, y.slice(1), 'hinge')).toThrow(ShapeError);
    expect(() => implicitFtrl(X, y.map((v) => v * 2), 'hinge')).toThrow(/implicitFtrl: y must hold labels/);
    expect(() => generalizedImplicitFtrl(X, y, 'hinge', { update: 'mirror' as never })).toThrow(/options\.update/);
    expect(() => ogd(X, y, 'hinge', { eta: 0 })).toThrow(ParameterError);
    expect(() => ftrl(X, y, 'hinge', { comparator: [1, 2] })).toThrow(/ftrl: options\.comparator must have length 5/);
    expect(() => bestInHindsight(X, y, 'hinge', 0)).toThrow(/bestInHindsight: radius/);
    expect(() => ogd(X, y, 'hinge', { etaa: 1 } as never)).toThrow(/did you mean options\.eta/);
  });
});

describe('the logistic path is deterministic across engines: its transcendentals run in WASM', () => {
  it('OGD with the logistic loss gives the same bits as a loop written here over the WASM kernels φ and φ\'', () => {
    const M = mathWasm('test');
    const eta = 0.4;
    const u = randomVector(14, d);
    const x = new Float64Array(d);
    const cumulative: number[] = [];
    const regret: number[] = [];
    let total = 0;
    let totalU = 0;
    for (let t = 1; t <= T; t++) {
      const row = A.subarray((t - 1) * d, t * d);
      let s = 0;
      let su = 0;
      for (let j = 0; j < d; j++) s += row[j]! * x[j]!;
      for (let j = 0; j < d; j++) su += row[j]! * u[j]!;
      const m = y[t - 1]! * s;
      total += M.logisticLoss(m);
      totalU += M.logisticLoss(y[t - 1]! * su);
      cumulative.push(total);
      regret.push(total - totalU);
      const c = (eta / Math.sqrt(t)) * M.logisticSlope(m) * y[t - 1]!;
      for (let j = 0; j < d; j++) x[j] = x[j]! - c * row[j]!;
    }
    const r = ogd(X, y, 'logistic', { eta, comparator: u });
    expect(Array.from(r.x)).toEqual(Array.from(x));
    expect(r.cumulativeLoss).toEqual(cumulative);
    expect(r.regret).toEqual(regret);
  });

  it('no logistic method calls JavaScript\'s Math.exp, Math.log or Math.log1p (they differ between Node and Chromium)', () => {
    const u = randomVector(15, d, 0.3);
    const spies = (['exp', 'log', 'log1p'] as const).map((k) => vi.spyOn(Math, k).mockImplementation(() => {
      throw new Error(`Math.${k} called on the logistic path`);
    }));
    try {
      for (const schedule of ['sqrt', 'constant'] as const) {
        ogd(X, y, 'logistic', { eta: 0.5, schedule, comparator: u });
        ftrl(X, y, 'logistic', { eta: 0.5, schedule, comparator: u });
        implicitFtrl(X, y, 'logistic', { eta: 0.5, schedule, comparator: u });
        aProxFtrl(X, y, 'logistic', { eta: 0.5, schedule, comparator: u });
        for (const update of ['fenchel-young', 'aprox', 'linear'] as const) generalizedImplicitFtrl(X, y, 'logistic', { eta: 0.5, schedule, update, comparator: u });
      }
      bestInHindsight(X, y, 'logistic', 1);
      for (const s of spies) expect(s).not.toHaveBeenCalled();
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});
