// AssemblyScript spec for the scalar transcendentals (assembly/math.ts): exact values, and the
// logistic loss and slope against their defining identities inside WebAssembly itself.
import { mathExp, mathLog, mathLog1p, mathExpm1, mathPow, mathSigmoid, mathSoftplus, mathSin, mathCos, logisticLoss, logisticSlope } from "../assembly/math";

describe("math", () => {
  test("exact values", () => {
    expect(mathExp(0)).toBe(1.0);
    expect(mathLog(1)).toBe(0.0);
    expect(mathLog1p(0)).toBe(0.0);
    expect(logisticLoss(0)).toBe(Math.LN2);
    expect(logisticSlope(0)).toBe(-0.5);
  });

  test("log undoes exp, and log1p(x) = log(1 + x) where 1 + x is exact", () => {
    for (let i = -40; i <= 40; i++) {
      const x = <f64>i * 0.37;
      expect(Math.abs(mathLog(mathExp(x)) - x)).toBeLessThanOrEqual(4e-16 * Math.max(1.0, Math.abs(x)));
    }
    expect(mathLog1p(1.0)).toBe(mathLog(2.0));
    expect(mathLog1p(-0.5)).toBe(mathLog(0.5));
  });

  test("φ(m) − φ(−m) = −m and φ'(m) + φ'(−m) = −1 for the logistic loss", () => {
    for (let i = -30; i <= 30; i++) {
      const m = <f64>i * 1.3;
      expect(Math.abs(logisticLoss(m) - logisticLoss(-m) + m)).toBeLessThanOrEqual(1e-14 * Math.max(1.0, Math.abs(m)));
      expect(Math.abs(logisticSlope(m) + logisticSlope(-m) + 1)).toBeLessThanOrEqual(1e-15);
    }
  });

  test("expm1(x) = exp(x) − 1 where that is exact enough, pow on exact cases", () => {
    expect(mathExpm1(0)).toBe(0.0);
    for (let i = -20; i <= 20; i++) {
      const x = <f64>i * 0.45; // |x| ≥ 0.45: exp(x) − 1 loses at most a few bits
      expect(Math.abs(mathExpm1(x) - (mathExp(x) - 1))).toBeLessThanOrEqual(8e-16 * Math.max(1.0, mathExp(x)));
    }
    expect(mathPow(2.0, 10.0)).toBe(1024.0);
    expect(mathPow(10.0, -1.0)).toBe(0.1);
    expect(mathPow(9.0, 0.5)).toBe(3.0);
  });

  test("σ(x) + σ(−x) = 1, softplus(x) − softplus(−x) = x, softplus(−m) is the logistic loss", () => {
    expect(mathSigmoid(0)).toBe(0.5);
    expect(mathSoftplus(0)).toBe(Math.LN2);
    for (let i = -30; i <= 30; i++) {
      const x = <f64>i * 1.3;
      expect(Math.abs(mathSigmoid(x) + mathSigmoid(-x) - 1)).toBeLessThanOrEqual(2e-16);
      expect(Math.abs(mathSoftplus(x) - mathSoftplus(-x) - x)).toBeLessThanOrEqual(1e-14 * Math.max(1.0, Math.abs(x)));
      expect(mathSoftplus(-x)).toBe(logisticLoss(x));
    }
  });

  test("sin and cos: exact values, sin² + cos² = 1, parity, and the double-angle identity", () => {
    expect(mathSin(0)).toBe(0.0);
    expect(mathCos(0)).toBe(1.0);
    expect(mathSin(Math.PI / 2)).toBe(1.0);
    expect(mathCos(Math.PI)).toBe(-1.0);
    for (let i = -50; i <= 50; i++) {
      const x = <f64>i * 0.77;
      const s = mathSin(x);
      const c = mathCos(x);
      expect(Math.abs(s * s + c * c - 1)).toBeLessThanOrEqual(4e-16);
      expect(mathSin(-x)).toBe(-s);
      expect(mathCos(-x)).toBe(c);
      expect(Math.abs(mathSin(2 * x) - 2 * s * c)).toBeLessThanOrEqual(1e-15);
    }
  });
});
