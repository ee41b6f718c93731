// AssemblyScript specs for the weighted CVaR kernels (assembly/cvar/weighted.ts), run inside WebAssembly:
// with equal weights they must give what the equal-weight kernels give (cvarEval, projectCvarSet), for
// many n and tail counts including fractional ones and ties.
import { weightedCvarEval, projectWeightedCvarSet } from "../../assembly/cvar/weighted";
import { cvarEval, projectCvarSet } from "../../assembly/cvar/cvar";
import { vec, at, put, sample } from "../spec-helpers";

describe("weightedCvarEval", () => {
  test("equal weights: the VaR and CVaR of cvarEval, n = 1..60, β on a grid", () => {
    for (let n = 1; n <= 60; n += 4) {
      const v = vec(n);
      const p = vec(n);
      const s = vec(2 * n);
      const out = vec(2);
      const ref = vec(2);
      for (let i = 0; i < n; i++) {
        // a coarse grid of values: ties included
        put(v, i, Math.round(4 * sample(i * 7 + n)) / 4);
        put(p, i, 1.0 / <f64>n);
      }
      for (let b = 0; b < 9; b++) {
        const beta = <f64>b / 10;
        const alpha = 1 - beta;
        expect(weightedCvarEval(v, p, n, alpha, s, out)).toBe(0);
        const k = min(alpha * <f64>n, <f64>n);
        // the bindings snap k within 1e-9 of an integer; do the same here
        const r = Math.round(k);
        const kk = r >= 1 && abs(k - r) <= 1e-9 * max(1.0, k) ? r : k;
        expect(cvarEval(v, n, kk, s, ref)).toBe(0);
        expect(abs(at(out, 1) - at(ref, 1)) < 1e-12).toBe(true);
        expect(at(out, 0)).toBe(at(ref, 0));
      }
      heap.free(v);
      heap.free(p);
      heap.free(s);
      heap.free(out);
      heap.free(ref);
    }
  });

  test("a non-finite loss is flagged", () => {
    const v = vec(3);
    const p = vec(3);
    const s = vec(6);
    const out = vec(2);
    for (let i = 0; i < 3; i++) { put(v, i, <f64>i); put(p, i, 1.0 / 3); }
    put(v, 1, NaN);
    expect(weightedCvarEval(v, p, 3, 0.5, s, out)).toBe(1);
    heap.free(v);
    heap.free(p);
    heap.free(s);
    heap.free(out);
  });
});

describe("projectWeightedCvarSet", () => {
  test("equal weights: the projection of projectCvarSet, n = 5..200", () => {
    for (let n = 5; n <= 200; n += 13) {
      const v = vec(n);
      const p = vec(n);
      const s = vec(2 * n);
      const x = vec(n);
      const y = vec(n);
      const info = vec(3);
      let mean = 0.0;
      for (let i = 0; i < n; i++) {
        put(v, i, sample(i * 11 + n));
        put(p, i, 1.0 / <f64>n);
        mean += at(v, i) / <f64>n;
      }
      const alpha = 0.2;
      // below the mean: the set's CVaR bound is active for every n
      const kappa = mean - 0.1;
      put(info, 1, 0);
      expect(projectWeightedCvarSet(v, p, n, alpha, kappa, s, x, info)).toBe(0);
      expect(projectCvarSet(v, n, alpha * <f64>n, kappa, s, y, info)).toBe(0);
      for (let i = 0; i < n; i++) expect(abs(at(x, i) - at(y, i)) < 1e-9).toBe(true);
      heap.free(v);
      heap.free(p);
      heap.free(s);
      heap.free(x);
      heap.free(y);
      heap.free(info);
    }
  });
});
