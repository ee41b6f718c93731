/**
 * The scalar transcendentals in WASM (assembly/math.ts, bindings/runtime/math.ts) against independent
 * definitions: JavaScript's Math within a few ulps over wide ranges, exact special values, and the
 * logistic loss and slope against their closed forms and asymptotes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../bindings/index.js';
import { mathWasm, type MathKernels } from '../../bindings/runtime/math.js';
import { randomVector } from '../helpers.js';

let M: MathKernels;
beforeAll(async () => {
  await init();
  M = mathWasm('test');
});

/** |a − b| in units of the spacing of doubles at b. */
const ulps = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / (Number.EPSILON * Math.max(Math.abs(b), Number.MIN_VALUE / Number.EPSILON)));

describe('scalar transcendentals in WASM', () => {
  it('exp, log and log1p agree with JavaScript Math to 2 ulps on 20,000 arguments each', () => {
    const u = randomVector(31, 20000);
    let worst = 0;
    for (const v of u) {
      const x = 700 * v; // e^{±700}: close to the range of doubles
      worst = Math.max(worst, ulps(M.mathExp(x), Math.exp(x)));
      const p = Math.exp(30 * v); // 1e-13 … 1e13
      worst = Math.max(worst, ulps(M.mathLog(p), Math.log(p)));
      const q = Math.sign(v) * Math.exp(-40 * Math.abs(v)) * 0.99; // (−1, 1), down to 1e-17
      worst = Math.max(worst, ulps(M.mathLog1p(q), Math.log1p(q)));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('special values', () => {
    expect(M.mathExp(0)).toBe(1);
    expect(M.mathExp(-Infinity)).toBe(0);
    expect(M.mathExp(710)).toBe(Infinity);
    expect(M.mathLog(1)).toBe(0);
    expect(M.mathLog(0)).toBe(-Infinity);
    expect(M.mathLog(-1)).toBeNaN();
    expect(M.mathLog1p(0)).toBe(0);
    expect(M.mathLog1p(-1)).toBe(-Infinity);
    expect(M.mathLog1p(1e-20)).toBe(1e-20);
  });

  it('logistic loss ln(1 + e⁻ᵐ) and slope −1/(1 + eᵐ): closed forms, symmetry, and no overflow far out', () => {
    expect(M.logisticLoss(0)).toBe(Math.LN2);
    expect(M.logisticSlope(0)).toBe(-0.5);
    for (const m of [-30, -3.7, -0.2, 0.01, 1, 5.5, 30]) {
      // φ(m) − φ(−m) = −m and φ'(m) + φ'(−m) = −1
      expect(Math.abs(M.logisticLoss(m) - M.logisticLoss(-m) + m)).toBeLessThan(1e-14 * Math.max(1, Math.abs(m)));
      expect(Math.abs(M.logisticSlope(m) + M.logisticSlope(-m) + 1)).toBeLessThan(1e-15);
      // the slope is the derivative of the loss (central difference)
      const h = 1e-5;
      expect(Math.abs((M.logisticLoss(m + h) - M.logisticLoss(m - h)) / (2 * h) - M.logisticSlope(m))).toBeLessThan(1e-9);
    }
    // far out: φ(m) → e⁻ᵐ for m → ∞, φ(m) → −m for m → −∞, and nothing overflows
    expect(ulps(M.logisticLoss(700), Math.exp(-700))).toBeLessThanOrEqual(1);
    expect(M.logisticLoss(-1e6)).toBe(1e6);
    expect(M.logisticSlope(1e6)).toBe(-0);
    expect(M.logisticSlope(-1e6)).toBe(-1);
  });
});
