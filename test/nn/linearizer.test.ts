/**
 * The Linearizer (bindings/nn/linearizer.ts): f = g_y⁻¹ ∘ A ∘ g_x is linear between the induced
 * spaces to machine precision (and far from linear in the ordinary sense); the SVD of A gives induced
 * singular pairs; f⁺ satisfies the Moore–Penrose identities and A⁺ matches the normal-equation formula;
 * with one shared flow and A a projection, f is idempotent. Also on a Linearizer trained on digits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, ParameterError, ShapeError } from '../../bindings/index.js';
import * as nn from '../../bindings/nn/index.js';
import { fitDigitsLinearizer } from '../../bindings/demo/linearizer.js';
import { randomVector } from '../helpers.js';

beforeAll(() => init());

/** max |a − b| / max(1, |b|). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return e;
}

const rows = (seed: number, n: number, d: number, s = 1): nn.Tensor => nn.tensor(randomVector(seed, n * d, s), { shape: [n, d] });

/** The induced-linearity identities on 40 random pairs; returns the largest errors. */
function linearity(p: nn.LinearizerParams, d: number): { add: number; scale: number; ordinary: number } {
  return nn.scope(() => {
    const a = rows(1, 40, d), b = rows(2, 40, d);
    const f = (x: nn.Tensor) => nn.linearizer(p, x);
    const add = relErr(f(nn.inducedAdd(p.gx, a, b)).data(), nn.inducedAdd(p.gy, f(a), f(b)).data());
    let scale = 0;
    for (const c of [-2.5, -1, 0, 0.3, 4]) scale = Math.max(scale, relErr(f(nn.inducedScale(p.gx, c, a)).data(), nn.inducedScale(p.gy, c, f(a)).data()));
    const ordinary = relErr(f(nn.add(a, b)).data(), nn.add(f(a), f(b)).data());
    return { add, scale, ordinary };
  });
}

describe('Linearizer', () => {
  it('f(a ⊕ b) = f(a) ⊕ f(b) and f(c ⊙ a) = c ⊙ f(a) to rounding (not so for the ordinary + and ·), d = 5 → m = 3, scrambled flows', () => {
    const before = memoryStats().allocatedBytes;
    const p = nn.initLinearizer(5, 3, { seed: 3, layers: 4, hidden: [16] });
    // push the flows far from the identity: the property must not depend on a near-linear start
    for (const g of [p.gx, p.gy]) for (const L of g.layers) for (const l of L.net.layers) l.W.view().set(randomVector(l.W.size, l.W.size, 1.5));
    const r = linearity(p, 5);
    // Rounding only: each coupling scales by up to e^±2 (scaleBound 2), so 4 layers there and back can
    // amplify a 1e-16 rounding by up to e^8 ≈ 3e3 with these scrambled weights (the trained model below: 1e-12).
    expect(r.add).toBeLessThan(1e-11);
    expect(r.scale).toBeLessThan(1e-11);
    expect(r.ordinary).toBeGreaterThan(1e-2);
    nn.freeLinearizer(p);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('the induced space is a vector space: ⊕ is associative and commutative, g⁻¹(0) is its zero, (−1) ⊙ a its inverse', () => {
    const p = nn.initLinearizer(4, 4, { seed: 5, hidden: [8] });
    nn.scope(() => {
      const g = p.gx;
      const a = rows(3, 20, 4), b = rows(4, 20, 4), c = rows(5, 20, 4);
      expect(relErr(nn.inducedAdd(g, nn.inducedAdd(g, a, b), c).data(), nn.inducedAdd(g, a, nn.inducedAdd(g, b, c)).data())).toBeLessThan(1e-12);
      expect(relErr(nn.inducedAdd(g, a, b).data(), nn.inducedAdd(g, b, a).data())).toBeLessThan(1e-12);
      const zero = nn.flowInverse(g, nn.zeros([20, 4]));
      expect(relErr(nn.inducedAdd(g, a, zero).data(), a.data())).toBeLessThan(1e-12);
      expect(relErr(nn.inducedAdd(g, a, nn.inducedScale(g, -1, a)).data(), zero.data())).toBeLessThan(1e-12);
      // and the flow really is invertible: g⁻¹(g(x)) = x
      expect(relErr(nn.flowInverse(g, nn.flow(g, a)).data(), a.data())).toBeLessThan(1e-12);
    });
    nn.freeLinearizer(p);
  });

  it('SVD through A: f(g_x⁻¹(v_i)) = σ_i ⊙ g_y⁻¹(u_i); f⁺ satisfies the Moore–Penrose identities; A⁺ = Aᵀ(AAᵀ)⁻¹', () => {
    const d = 5, m = 3;
    const p = nn.initLinearizer(d, m, { seed: 7, hidden: [16] });
    const s = nn.linearizerSvd(p);
    expect(s.rank).toBe(3);
    nn.scope(() => {
      for (let i = 0; i < s.rank; i++) {
        const v = nn.tensor(Array.from({ length: d }, (_, k) => s.V[k * s.rank + i]!), { shape: [1, d] });
        const u = nn.tensor(Array.from({ length: m }, (_, k) => s.U[k * s.rank + i]!), { shape: [1, m] });
        const lhs = nn.linearizer(p, nn.flowInverse(p.gx, v)).data();
        const rhs = nn.inducedScale(p.gy, s.singularValues[i]!, nn.flowInverse(p.gy, u)).data();
        expect(relErr(lhs, rhs)).toBeLessThan(1e-12);
      }
      const x = rows(8, 30, d), y = rows(9, 30, m);
      const f = (t: nn.Tensor) => nn.linearizer(p, t), fp = (t: nn.Tensor) => nn.linearizerPinv(p, t, s);
      expect(relErr(f(fp(f(x))).data(), f(x).data())).toBeLessThan(1e-12);
      expect(relErr(fp(f(fp(y))).data(), fp(y).data())).toBeLessThan(1e-12);
      // A has full row rank: f ∘ f⁺ is the identity of the output space
      expect(relErr(f(fp(y)).data(), y.data())).toBeLessThan(1e-12);
    });
    // A⁺ against the normal-equation formula, computed here in plain TS (Gauss–Jordan on AAᵀ)
    const A = p.A.data();
    const G = Array.from({ length: m }, (_, i) => Array.from({ length: 2 * m }, (_, j) => (j < m ? Array.from({ length: d }, (_, k) => A[i * d + k]! * A[j * d + k]!).reduce((t, v) => t + v, 0) : j - m === i ? 1 : 0)));
    for (let c = 0; c < m; c++) {
      const piv = G[c]![c]!;
      G[c] = G[c]!.map((v) => v / piv);
      for (let r = 0; r < m; r++) if (r !== c) G[r] = G[r]!.map((v, j) => v - G[r]![c]! * G[c]![j]!);
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) {
      const want = Array.from({ length: m }, (_, k) => A[k * d + i]! * G[k]![m + j]!).reduce((t, v) => t + v, 0);
      expect(s.pinv[i * m + j]).toBeCloseTo(want, 12);
    }
    nn.freeLinearizer(p);
  });

  it('with one shared flow and A a projection (P² = P), f is idempotent: f(f(x)) = f(x) to 1e-12, and not the identity', () => {
    const p = nn.initLinearizer(3, 3, { seed: 9, shared: true, hidden: [16] });
    expect(p.gy).toBe(p.gx);
    // P = QQᵀ, Q an orthonormal basis of a random plane in ℝ³ (Gram–Schmidt)
    const q1 = randomVector(10, 3), q2 = randomVector(11, 3);
    const n1 = Math.hypot(...q1);
    q1.forEach((v, i) => (q1[i] = v / n1));
    const dot = q1.reduce((t, v, i) => t + v * q2[i]!, 0);
    q2.forEach((v, i) => (q2[i] = v - dot * q1[i]!));
    const n2 = Math.hypot(...q2);
    q2.forEach((v, i) => (q2[i] = v / n2));
    p.A.view().set(Array.from({ length: 9 }, (_, k) => q1[Math.floor(k / 3)]! * q1[k % 3]! + q2[Math.floor(k / 3)]! * q2[k % 3]!));
    nn.scope(() => {
      const x = rows(12, 50, 3, 2);
      const fx = nn.linearizer(p, x);
      expect(relErr(nn.linearizer(p, fx).data(), fx.data())).toBeLessThan(1e-12);
      expect(relErr(fx.data(), x.data())).toBeGreaterThan(1e-2);
    });
    nn.freeLinearizer(p);
  });

  it('trained on digits (a 64 → 2 map to class points on a circle), it learns the task and stays exactly linear in the induced spaces', () => {
    const fit = fitDigitsLinearizer(4, 0, 400);
    try {
      expect(fit.loss).toBeLessThan(2); // the mean squared distance of a constant guess at the centre is 4
      expect(fit.testAccuracy).toBeGreaterThan(0.5);
      const r = linearity(fit.params, 64);
      expect(r.add).toBeLessThan(1e-12);
      expect(r.scale).toBeLessThan(1e-12);
    } finally {
      nn.freeLinearizer(fit.params);
    }
  });

  it('typed errors', () => {
    expect(() => nn.initLinearizer(3, 4, { shared: true })).toThrow('initLinearizer: options.shared needs d = m (got d = 3, m = 4)');
    expect(() => nn.initFlow(1)).toThrow(ParameterError);
    const p = nn.initLinearizer(3, 2, { seed: 1 });
    nn.scope(() => {
      expect(() => nn.linearizer(p, nn.zeros([4, 5]))).toThrow(ShapeError);
      const bad = { ...p, A: nn.zeros([3, 3]) };
      expect(() => nn.linearizer(bad, nn.zeros([1, 3]))).toThrow('linearizer: params.A must have shape [2, 3] (got [3,3])');
    });
    nn.freeLinearizer(p);
  });
});
