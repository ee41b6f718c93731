/**
 * The scalar transcendentals in WASM (assembly/math.ts, bindings/runtime/math.ts) against independent
 * definitions: JavaScript's Math within a few ulps over wide ranges, exact special values, and the
 * logistic loss and slope, sigmoid and softplus against their closed forms and asymptotes.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  banditTrain, bregmanBaryconvexProx, bregmanFirmGap, computeBounds, contextualBandit, cp, cvarReference, evaluateNetwork, indExpCone, init, klSimplex, lossProx, matrixOperator,
  nashMirrorProx, nashPolicyTrain, operatorNorm, parseNetwork, preferenceTask, randomPreferenceMatrix, rng, slicedWasserstein, verifyNetwork, wasserstein1d,
} from '../../bindings/index.js';
import { mathWasm, type MathKernels } from '../../bindings/runtime/math.js';
import { randomVector } from '../helpers.js';
import { randomNet } from '../bounds/reference.js';
import { alpdTable, proxyExperiment } from '../../bindings/saddle/experiments.js';
import { svmHyperparameterExperiment } from '../../bindings/saddle/svm.js';

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

  it('expm1 and pow agree with JavaScript Math to 2 ulps on 20,000 arguments each; special values', () => {
    const u = randomVector(32, 20000);
    const w = randomVector(33, 20000);
    let worst = 0;
    for (let i = 0; i < u.length; i++) {
      const x = u[i]! >= 0 ? 700 * u[i]! : Math.sign(u[i]!) * Math.exp(-40 * Math.abs(u[i]!)) * 30; // e^{±…}, down to 1e-16
      worst = Math.max(worst, ulps(M.mathExpm1(x), Math.expm1(x)));
      const base = Math.exp(20 * u[i]!); // 2e-9 … 5e8
      const power = 15 * w[i]!;
      worst = Math.max(worst, ulps(M.mathPow(base, power), Math.pow(base, power)));
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(M.mathExpm1(0)).toBe(0);
    expect(M.mathExpm1(1e-20)).toBe(1e-20);
    expect(M.mathExpm1(-Infinity)).toBe(-1);
    expect(M.mathExpm1(710)).toBe(Infinity);
    expect(M.mathPow(10, 3)).toBe(1000);
    expect(M.mathPow(2, -1074)).toBe(Number.MIN_VALUE);
    expect(M.mathPow(0, 0)).toBe(1);
    expect(M.mathPow(-8, 1 / 3)).toBeNaN();
    // 10^{k/8} for the exponential cone's grid: within an ulp of the correctly rounded value where it is exact
    for (let k = -24; k <= 80; k += 8) expect(M.mathPow(10, k / 8)).toBe(Number(`1e${k / 8}`));
  });

  it('sin and cos agree with JavaScript Math to 2 ulps (relative to 1 where the value is near 0) on 20,000 arguments; exact values, sin² + cos² = 1', () => {
    const u = randomVector(34, 20000);
    let worst = 0;
    for (const v of u) {
      const x = v >= 0 ? 60 * v : Math.sign(v) * Math.exp(-30 * Math.abs(v)); // ±60 radians, and small |x| down to 1e-13
      // near a zero of sin or cos an absolute error of an ulp of 1 is all either side can promise after range reduction
      const err = (a: number, b: number) => Math.min(ulps(a, b), Math.abs(a - b) / Number.EPSILON);
      worst = Math.max(worst, err(M.mathSin(x), Math.sin(x)), err(M.mathCos(x), Math.cos(x)));
      const s = M.mathSin(x), c = M.mathCos(x);
      expect(Math.abs(s * s + c * c - 1)).toBeLessThan(4 * Number.EPSILON);
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(Object.is(M.mathSin(0), 0)).toBe(true);
    expect(Object.is(M.mathSin(-0), -0)).toBe(true);
    expect(M.mathCos(0)).toBe(1);
    expect(M.mathSin(1e-20)).toBe(1e-20); // sin x = x to the last bit for tiny x
    expect(M.mathSin(Math.PI / 2)).toBe(1);
    expect(M.mathCos(Math.PI)).toBe(-1);
    expect(M.mathSin(Infinity)).toBeNaN();
    expect(M.mathCos(NaN)).toBeNaN();
    // π (the double) is π − 1.2246…e-16, so sin(π) is that remainder
    expect(Math.abs(M.mathSin(Math.PI) - 1.2246467991473532e-16)).toBeLessThan(1e-31);
  });

  it('sigmoid and softplus: closed forms, σ(x) + σ(−x) = 1, softplus(x) − softplus(−x) = x, softplus′ = σ, no overflow far out', () => {
    expect(M.mathSigmoid(0)).toBe(0.5);
    expect(M.mathSoftplus(0)).toBe(Math.LN2);
    for (const x of [-40, -7.5, -1, -1e-3, 1e-9, 0.25, 2, 12, 40]) {
      // independent forms: 1/(1 + e⁻ˣ) and ln(1 + eˣ) in JavaScript where they cannot overflow
      expect(Math.abs(M.mathSigmoid(x) - 1 / (1 + Math.exp(-x)))).toBeLessThanOrEqual(2 * Number.EPSILON * M.mathSigmoid(x));
      expect(Math.abs(M.mathSoftplus(x) - Math.log1p(Math.exp(x)))).toBeLessThanOrEqual(2 * Number.EPSILON * Math.max(M.mathSoftplus(x), Number.MIN_VALUE));
      expect(Math.abs(M.mathSigmoid(x) + M.mathSigmoid(-x) - 1)).toBeLessThan(2e-16);
      expect(Math.abs(M.mathSoftplus(x) - M.mathSoftplus(-x) - x)).toBeLessThan(1e-14 * Math.max(1, Math.abs(x)));
      const h = 1e-5;
      expect(Math.abs((M.mathSoftplus(x + h) - M.mathSoftplus(x - h)) / (2 * h) - M.mathSigmoid(x))).toBeLessThan(1e-9);
      // the logistic loss is softplus of the negated margin (same formula), and its slope is −σ(−m)
      // (written as −1/(1 + eᵐ) for every m: equal up to rounding)
      expect(M.logisticLoss(x)).toBe(M.mathSoftplus(-x));
      expect(ulps(M.logisticSlope(x), -M.mathSigmoid(-x))).toBeLessThanOrEqual(2);
    }
    expect(M.mathSigmoid(1e6)).toBe(1);
    expect(M.mathSigmoid(-1e6)).toBe(0);
    expect(M.mathSigmoid(-700)).toBeGreaterThan(0); // e⁻⁷⁰⁰, not flushed to 0
    expect(M.mathSoftplus(1e6)).toBe(1e6);
    expect(M.mathSoftplus(-1e6)).toBe(0);
    expect(ulps(M.mathSoftplus(-700), Math.exp(-700))).toBeLessThanOrEqual(1);
  });
});

/**
 * Runs `body` with JavaScript's Math.exp, log, log1p, expm1, pow, sin and cos made to throw: the library code it
 * calls must take its transcendentals from WASM, since V8's differ in the last bit between Node and Chromium.
 */
function withoutJsTranscendentals(body: () => void): void {
  const spies = (['exp', 'log', 'log1p', 'expm1', 'pow', 'sin', 'cos'] as const).map((k) => vi.spyOn(Math, k).mockImplementation(() => {
    throw new Error(`Math.${k} called on a path that must be deterministic across engines`);
  }));
  try {
    body();
    for (const s of spies) expect(s).not.toHaveBeenCalled();
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

describe('library paths whose transcendentals run in WASM (no JavaScript Math.exp/log/log1p/expm1/pow/sin/cos)', () => {
  it('cvarReference with the logistic loss', () => {
    const n = 60;
    const d = 3;
    const u = randomVector(41, n * d);
    const X = { data: u, rows: n, cols: d };
    // labels from a linear rule with every tenth one flipped: not separable, so the optimum is finite,
    // and at β = 0.3 it is away from θ = 0 (where every loss is ln 2)
    const y = Array.from({ length: n }, (_, i) => (u[i * d]! + 0.5 * u[i * d + 1]! > 0 ? 1 : -1) * (i % 10 === 0 ? -1 : 1));
    let r: ReturnType<typeof cvarReference> | undefined;
    withoutJsTranscendentals(() => {
      r = cvarReference({ X, y, loss: 'logistic', beta: 0.3 });
    });
    expect(r!.gap).toBeGreaterThanOrEqual(0);
    expect(r!.objective).toBeGreaterThan(0.1);
    expect(r!.objective).toBeLessThan(Math.LN2 - 0.01);
    expect(Math.abs(r!.weights[0]!)).toBeGreaterThan(0.1);
    expect(r!.gap).toBeLessThan(1e-6 * r!.objective);
  });

  it("lossProx('logistic'): value (against ln(1 + e⁻ᵐ) computed here in JavaScript) and prox", () => {
    const a = randomVector(42, 5);
    const x = randomVector(43, 5, 3);
    let m = 0;
    for (let j = 0; j < 5; j++) m += a[j]! * x[j]!;
    for (const b of [1, -1]) {
      const f = lossProx('logistic', a, b);
      let value = NaN;
      let p: Float64Array | undefined;
      withoutJsTranscendentals(() => {
        value = f.value(x);
        p = f.prox(x, 0.7);
      });
      const direct = b * m > 0 ? Math.log1p(Math.exp(-b * m)) : -b * m + Math.log1p(Math.exp(b * m));
      expect(Math.abs(value - direct)).toBeLessThanOrEqual(4 * Number.EPSILON * direct);
      expect(p!.every(Number.isFinite)).toBe(true);
    }
  });

  it('indExpCone: prox on seeded points of every case (inside, polar, x ≤ 0 and y ≤ 0, curved boundary) and value', () => {
    const K = indExpCone();
    const v = Float64Array.from(randomVector(44, 3 * 200, 4));
    v.set([-1, 2, 3, 1, -1, -2, -1, -0.5, 2, 1, 1, 1]); // inside K; −v in K*; x ≤ 0, y ≤ 0; on the boundary search
    let P: Float64Array | undefined;
    let inside = NaN;
    withoutJsTranscendentals(() => {
      P = K.prox(v);
      inside = K.value(P);
    });
    expect(inside).toBe(0);
    // Moreau: P − v ⟂ P per triple (checked in plain arithmetic), and the listed cases land where they must
    for (let i = 0; i < v.length; i += 3) {
      const dot = P![i]! * (P![i]! - v[i]!) + P![i + 1]! * (P![i + 1]! - v[i + 1]!) + P![i + 2]! * (P![i + 2]! - v[i + 2]!);
      expect(Math.abs(dot)).toBeLessThan(1e-12 * (1 + Math.hypot(v[i]!, v[i + 1]!, v[i + 2]!)) ** 2);
    }
    expect(Array.from(P!.subarray(0, 9))).toEqual([-1, 2, 3, 0, 0, 0, -1, 0, 2]);
  });

  it('bregmanBaryconvexProx (both geometries) and bregmanFirmGap', () => {
    const n = 4;
    // fᵢ(x) = ½‖x − cᵢ‖²: smooth, and written without any transcendental
    const centres = [randomVector(45, n), randomVector(46, n), randomVector(47, n)];
    const losses = centres.map((c) => ({
      value: (x: Float64Array) => c.reduce((t, cj, j) => t + 0.5 * (x[j]! - cj) ** 2, 0),
      gradient: (x: Float64Array, g: Float64Array): void => {
        for (let j = 0; j < n; j++) g[j] = x[j]! - c[j]!;
      },
      lipschitz: 1,
    }));
    const w = [0.2, 0.3, 0.5];
    const x = [0.1, 0.2, 0.3, 0.4];
    let eu: ReturnType<typeof bregmanBaryconvexProx> | undefined;
    let kl: ReturnType<typeof bregmanBaryconvexProx> | undefined;
    let gap = NaN;
    withoutJsTranscendentals(() => {
      eu = bregmanBaryconvexProx(losses, x, w, 0.8);
      kl = bregmanBaryconvexProx(losses, x, w, 0.8, { geometry: 'kl' });
      const other = bregmanBaryconvexProx(losses, [0.4, 0.3, 0.2, 0.1], [0.5, 0.25, 0.25], 0.8, { geometry: 'kl' });
      gap = bregmanFirmGap({ x, w }, { x: [0.4, 0.3, 0.2, 0.1], w: [0.5, 0.25, 0.25] }, kl, other, 'kl');
    });
    expect(eu!.converged && kl!.converged).toBe(true);
    expect(gap).toBeGreaterThanOrEqual(-1e-12);
    // w⁺ ∝ w·e^{t f(x⁺)}, checked here with JavaScript's Math
    for (const r of [eu!, kl!]) {
      const q = w.map((wi, i) => wi * Math.exp(0.8 * losses[i]!.value(r.x)));
      const total = q.reduce((a, b) => a + b, 0);
      q.forEach((qi, i) => expect(Math.abs(qi / total - r.w[i]!)).toBeLessThan(1e-12));
    }
  });

  it('bounds through softplus, elu, erf and gelu layers (ibp, crown, alpha-crown) and their forward pass', () => {
    const layers: unknown[] = [];
    let width = 3;
    let seed = 50;
    for (const [out, act] of [[6, { type: 'softplus' }], [6, { type: 'elu', alpha: 0.7 }], [5, { type: 'erf' }], [4, { type: 'gelu' }], [2, null]] as const) {
      layers.push({ type: 'linear', weight: Array.from(randomVector(seed++, out * width)), shape: [out, width], bias: Array.from(randomVector(seed++, out)) });
      if (act) layers.push(act);
      width = out;
    }
    const net = { input: 3, layers } as never;
    const centre = [0.2, -0.1, 0.4];
    const points = Array.from({ length: 20 }, (_, k) => centre.map((c, j) => c + 0.3 * ((((k * 7 + j * 3) % 11) / 10) * 2 - 1)));
    const results: { lower: Float64Array; upper: Float64Array }[] = [];
    const values: Float64Array[] = [];
    withoutJsTranscendentals(() => {
      for (const method of ['ibp', 'crown', 'alpha-crown'] as const) results.push(computeBounds(net, { center: centre, radius: 0.3, norm: 'inf' }, { method }));
      for (const p of points) values.push(evaluateNetwork(net, p));
    });
    for (const r of results) {
      for (const v of values) {
        for (let i = 0; i < 2; i++) {
          expect(v[i]!).toBeGreaterThanOrEqual(r.lower[i]! - 1e-12);
          expect(v[i]!).toBeLessThanOrEqual(r.upper[i]! + 1e-12);
        }
      }
    }
  });

  it('alpha-crown (the 0.9ᵗ step decay) and β-CROWN branch and bound (the Adam bias corrections and 0.98ᵗ decay) on a ReLU net', () => {
    const spec = randomNet(73, [2, 12, 12, 1]);
    const net = parseNetwork(spec);
    const box = { lower: [-1, -1], upper: [1, 1] };
    let crown: ReturnType<typeof computeBounds> | undefined;
    let alpha: ReturnType<typeof computeBounds> | undefined;
    let verdicts: string[] = [];
    let splits = 0;
    let minimum = Infinity;
    // the output's minimum over a grid (plain arithmetic, no transcendentals): ≥ the true minimum's bound
    for (let a = 0; a <= 200; a++) for (let b = 0; b <= 200; b++) minimum = Math.min(minimum, evaluateNetwork(net, [-1 + a / 100, -1 + b / 100])[0]!);
    withoutJsTranscendentals(() => {
      crown = computeBounds(net, box, { method: 'crown' });
      alpha = computeBounds(net, box, { method: 'alpha-crown' });
      const budget = { timeout: Infinity, maxNodes: 20_000, reluSplitAfter: 0, pgd: { restarts: 0 } };
      const holds = verifyNetwork(net, box, { C: [[1]], d: [-minimum + 0.05] }, budget);
      splits = holds.reluSplits;
      verdicts = [holds.verdict, verifyNetwork(net, box, { C: [[1]], d: [-minimum - 0.05] }, budget).verdict];
    });
    // α-CROWN is at least as tight as CROWN and still below every sampled value; β-CROWN decides both sides
    expect(alpha!.lower[0]!).toBeGreaterThanOrEqual(crown!.lower[0]! - 1e-12);
    expect(alpha!.lower[0]!).toBeLessThanOrEqual(minimum);
    expect(verdicts).toEqual(['verified', 'falsified']);
    expect(splits).toBeGreaterThan(0); // the β-CROWN optimisation ran on split subdomains
  });

  it('cp: the column balancing (geometric mean of the norms) and the line search step itᵖ recover a planted rank-3 tensor', () => {
    const dims = [5, 6, 7];
    const R = 3;
    const g = rng(81);
    const A = dims.map((I) => g.normal(I * R));
    // the planted tensor Σ_r ∏ₙ Aₙ[iₙ, r], written out here
    const entry = (F: Float64Array[], w: ArrayLike<number>, i: number, j: number, k: number) => {
      let v = 0;
      for (let r = 0; r < R; r++) v += w[r]! * F[0]![i * R + r]! * F[1]![j * R + r]! * F[2]![k * R + r]!;
      return v;
    };
    const data = new Float64Array(5 * 6 * 7);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) for (let k = 0; k < 7; k++) data[(i * 6 + j) * 7 + k] = entry(A, [1, 1, 1], i, j, k);
    let res: ReturnType<typeof cp> | undefined;
    withoutJsTranscendentals(() => {
      res = cp({ data, shape: dims }, R, { maxIter: 500, tol: 1e-14 });
    });
    expect(res!.lineSearch.tried).toBeGreaterThan(0);
    let num = 0;
    let den = 0;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) for (let k = 0; k < 7; k++) {
      const x = data[(i * 6 + j) * 7 + k]!;
      num += (entry(res!.factors, res!.weights, i, j, k) - x) ** 2;
      den += x * x;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-8);
  });

  it('saddle experiments: the random instances (log and cos of R.normal), the SVM grid 10^{−3 + i/3} and LV-HBA\'s penalty weight c₀kᵖ', () => {
    let rows: ReturnType<typeof alpdTable> = [];
    let proxy: ReturnType<typeof proxyExperiment> | undefined;
    let svm: ReturnType<typeof svmHyperparameterExperiment> | undefined;
    withoutJsTranscendentals(() => {
      rows = alpdTable({ lipschitz: [100], tol: 1e-4 });
      proxy = proxyExperiment({ tol: 1e-3 });
      svm = svmHyperparameterExperiment({ svmIterations: 20, lvhbaIterations: 20, penaltyIterations: 5 });
    });
    expect(rows[0]!.alpdCalls).toBeLessThan(rows[0]!.lpdCalls);
    expect(proxy!.proxies).toHaveLength(2);
    // the default grid: 16 values from 10⁻³ to 10², a third of a decade apart (to 2 ulps)
    expect(svm!.grid).toHaveLength(16);
    svm!.grid.forEach((c, i) => expect(Math.abs(c / 10 ** (-3 + i / 3) - 1)).toBeLessThanOrEqual(4 * Number.EPSILON));
    expect(svm!.grid[0]).toBe(1e-3);
    expect(svm!.grid[15]).toBe(100);
    expect(svm!.methods.map((m) => m.method)).toContain('LV-HBA (hinge, per-point C)');
  });

  it('klSimplex value μ·KL(x‖r) (against a JavaScript sum to 1e-14) and operatorNorm (power iteration from a sin start)', () => {
    const r = [0.1, 0.2, 0.3, 0.4];
    const x = [0.25, 0.25, 0.4, 0.1];
    const K = [[2, 0, 0], [0, 1, 0], [0, 0, 0.5], [1, 0, 0]]; // KᵀK = diag(5, 1, 0.25): ‖K‖₂ = √5
    let value = NaN;
    let norm = NaN;
    withoutJsTranscendentals(() => {
      value = klSimplex({ reference: r, mu: 0.7 }).value(x);
      norm = operatorNorm(matrixOperator(K));
    });
    const direct = 0.7 * x.reduce((t, xi, i) => t + xi * Math.log(xi / r[i]!), 0);
    expect(Math.abs(value - direct)).toBeLessThan(1e-14);
    expect(Math.abs(norm - Math.sqrt(5))).toBeLessThan(1e-9);
  });

  it('policy: nashPolicyTrain (the KL to the uniform μ = 1/K), nashMirrorProx and LOOP on the bandit', () => {
    const t = preferenceTask({ seed: 1, evalPrompts: 20 });
    let sampled: ReturnType<typeof nashPolicyTrain> | undefined;
    let pi: Float64Array | undefined;
    let bandit: ReturnType<typeof banditTrain> | undefined;
    withoutJsTranscendentals(() => {
      sampled = nashPolicyTrain(t, { iterations: 4, seed: 2 });
      pi = nashMirrorProx(randomPreferenceMatrix(20, { seed: 5 }), { beta: 0.05 }).pi;
      bandit = banditTrain(contextualBandit({ dim: 3, arms: 4, evalContexts: 20, seed: 2 }), { method: 'loop', samples: 256, batchSize: 32, seed: 3 });
    });
    // the sampled Nash-MP starts at the uniform policy (win rate ½) and then beats it
    expect(Math.abs(sampled!.history.winRate[0]! - 0.5)).toBeLessThan(1e-12);
    expect(sampled!.history.winRate.at(-1)!).toBeGreaterThan(0.5);
    expect(Math.abs(pi!.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(bandit!.theta.every(Number.isFinite)).toBe(true);
  });

  it('wasserstein1d and slicedWasserstein for p ∉ {1, 2} (|x − y|ᵖ and the 1/p-th root)', () => {
    let w = NaN;
    let sw = NaN;
    let sw1 = NaN;
    const X = { data: [0, 0, 1, 0, 0, 1], rows: 3, cols: 2 };
    const Y = { data: [2, 0, 3, 0, 2, 1], rows: 3, cols: 2 }; // X shifted by (2, 0)
    withoutJsTranscendentals(() => {
      w = wasserstein1d([0, 1, 3], [0.5, 2, 2.5], [0.2, 0.3, 0.5], undefined, 1.5);
      sw = slicedWasserstein(X, Y, { p: 3, projections: 30, seed: 4 });
      sw1 = slicedWasserstein(X, Y, { p: 1, projections: 30, seed: 4 });
    });
    // by hand (quantile levels 0.2, 1/3, 0.5, 2/3, 1): 0 → 0.5 (mass 0.2), 1 → 0.5 (2/15), 1 → 2 (1/6), 3 → 2 (1/6), 3 → 2.5 (1/3)
    const direct = (0.2 + 2 / 15 + 1 / 3) * Math.sqrt(0.125) + 1 / 6 + 1 / 6;
    expect(Math.abs(w - direct)).toBeLessThan(1e-14);
    // a translation by s: every projection moves every point by ⟨s, θ⟩, so SW_p = (mean |⟨s, θ⟩|ᵖ)^{1/p} ≥ SW₁
    expect(sw).toBeGreaterThanOrEqual(sw1 - 1e-15);
    expect(sw).toBeLessThanOrEqual(2 + 1e-12);
  });
});
