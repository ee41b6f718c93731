// AssemblyScript specs for the bounds kernels: SIMD bodies and scalar tails against scalar definitions,
// and the activation relaxations against the functions on a grid.
import { boundIntervalMatVec, boundMatVec, boundBackLinear, boundBackActivation, boundActRelax, boundActForward } from "../../assembly/bounds/bounds";
import { vec, at, put, sample } from "../spec-helpers";

describe("boundIntervalMatVec", () => {
  test("matches W⁺l + W⁻u + b and W⁺u + W⁻l + b for widths 0..7", () => {
    const m = 3;
    for (let n = 0; n <= 7; n++) {
      const W = vec(m * n); const b = vec(m); const l = vec(n); const u = vec(n); const oL = vec(m); const oU = vec(m);
      for (let i = 0; i < m * n; i++) put(W, i, sample(i));
      for (let j = 0; j < n; j++) { put(l, j, sample(j + 5, 0.5) - 1); put(u, j, sample(j + 5, 0.5) + 0.5); }
      for (let i = 0; i < m; i++) put(b, i, sample(i + 9));
      expect(boundIntervalMatVec(W, m, n, b, l, u, oL, oU)).toBe(0);
      for (let i = 0; i < m; i++) {
        let lo = at(b, i), hi = at(b, i);
        for (let j = 0; j < n; j++) {
          const w = at(W, i * n + j);
          lo += w > 0 ? w * at(l, j) : w * at(u, j);
          hi += w > 0 ? w * at(u, j) : w * at(l, j);
        }
        expect(Math.abs(at(oL, i) - lo)).toBeLessThan(1e-12);
        expect(Math.abs(at(oU, i) - hi)).toBeLessThan(1e-12);
      }
      heap.free(W); heap.free(b); heap.free(l); heap.free(u); heap.free(oL); heap.free(oU);
    }
  });
});

describe("boundMatVec", () => {
  test("matches W·x + b (and W·x without a bias) for widths 0..9", () => {
    const m = 3;
    for (let n = 0; n <= 9; n++) {
      const W = vec(m * n); const b = vec(m); const x = vec(n); const o = vec(m); const o0 = vec(m);
      for (let i = 0; i < m * n; i++) put(W, i, sample(i + 2));
      for (let j = 0; j < n; j++) put(x, j, sample(j + 7, 0.5) - 0.3);
      for (let i = 0; i < m; i++) put(b, i, sample(i + 11));
      boundMatVec(W, m, n, b, x, o);
      boundMatVec(W, m, n, 0, x, o0);
      for (let i = 0; i < m; i++) {
        let y: f64 = 0;
        for (let j = 0; j < n; j++) y += at(W, i * n + j) * at(x, j);
        expect(Math.abs(at(o, i) - (y + at(b, i)))).toBeLessThan(1e-12);
        expect(Math.abs(at(o0, i) - y)).toBeLessThan(1e-12);
      }
      heap.free(W); heap.free(b); heap.free(x); heap.free(o); heap.free(o0);
    }
  });
});

describe("boundBackLinear and boundBackActivation", () => {
  test("Λ·W, c + Λb, and Λ⁺a + Λ⁻a' agree with the loops of the definition", () => {
    const k = 2, m = 3;
    for (let n = 1; n <= 5; n++) {
      const lam = vec(k * m); const W = vec(m * n); const b = vec(m); const out = vec(k * n); const c = vec(k);
      for (let i = 0; i < k * m; i++) put(lam, i, sample(i + 3));
      for (let i = 0; i < m * n; i++) put(W, i, sample(i + 1));
      for (let i = 0; i < m; i++) put(b, i, sample(i + 2));
      put(c, 0, 1); put(c, 1, -1);
      boundBackLinear(lam, k, m, W, n, b, out, c);
      for (let r = 0; r < k; r++) {
        let cb = r == 0 ? 1.0 : -1.0;
        for (let j = 0; j < m; j++) cb += at(lam, r * m + j) * at(b, j);
        expect(Math.abs(at(c, r) - cb)).toBeLessThan(1e-12);
        for (let q = 0; q < n; q++) {
          let s = 0.0;
          for (let j = 0; j < m; j++) s += at(lam, r * m + j) * at(W, j * n + q);
          expect(Math.abs(at(out, r * n + q) - s)).toBeLessThan(1e-12);
        }
      }
      // Activation step (upper): positive coefficients take aU/bU, negative aL/bL.
      const aL = vec(n); const bL = vec(n); const aU = vec(n); const bU = vec(n); const o2 = vec(k * n); const c2 = vec(k);
      for (let j = 0; j < n; j++) { put(aL, j, 0.25 * <f64>j); put(bL, j, -1); put(aU, j, 1); put(bU, j, 0.5 * <f64>j); }
      put(c2, 0, 0); put(c2, 1, 0);
      boundBackActivation(out, k, n, aL, bL, aU, bU, 1, o2, c2);
      for (let r = 0; r < k; r++) {
        let cc = 0.0;
        for (let j = 0; j < n; j++) {
          const x = at(out, r * n + j);
          expect(at(o2, r * n + j)).toBe(x > 0 ? x * at(aU, j) : x * at(aL, j));
          cc += x > 0 ? x * at(bU, j) : x * at(bL, j);
        }
        expect(Math.abs(at(c2, r) - cc)).toBeLessThan(1e-12);
      }
      heap.free(lam); heap.free(W); heap.free(b); heap.free(out); heap.free(c);
      heap.free(aL); heap.free(bL); heap.free(aU); heap.free(bU); heap.free(o2); heap.free(c2);
    }
  });
});

describe("boundActRelax", () => {
  test("lines bound each activation on a grid and the sigmoid/tanh lines touch it", () => {
    const n = 1;
    const l = vec(n); const u = vec(n); const aL = vec(n); const bL = vec(n); const aU = vec(n); const bU = vec(n);
    const x = vec(1); const fx = vec(1);
    for (let kind = 0; kind < 4; kind++) {
      for (let t = 0; t < 23; t++) {
        const lo = sample(t, 0.4);
        const hi = lo + 0.3 * <f64>(t % 7) + 0.01;
        put(l, 0, lo); put(u, 0, hi);
        boundActRelax(kind, l, u, n, 0.1, aL, bL, aU, bU);
        let gapL = Infinity, gapU = Infinity;
        for (let i = 0; i <= 400; i++) {
          const z = lo + (hi - lo) * <f64>i / 400.0;
          put(x, 0, z);
          boundActForward(kind, x, 1, 0.1, fx);
          const f = at(fx, 0);
          const dl = f - (at(aL, 0) * z + at(bL, 0));
          const du = at(aU, 0) * z + at(bU, 0) - f;
          expect(dl).toBeGreaterThanOrEqual(-1e-12);
          expect(du).toBeGreaterThanOrEqual(-1e-12);
          if (dl < gapL) gapL = dl;
          if (du < gapU) gapU = du;
        }
        if (kind >= 2) {
          expect(gapL).toBeLessThan(1e-4);
          expect(gapU).toBeLessThan(1e-4);
        }
      }
    }
    heap.free(l); heap.free(u); heap.free(aL); heap.free(bL); heap.free(aU); heap.free(bU); heap.free(x); heap.free(fx);
  });
});
