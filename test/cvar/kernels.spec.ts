// AssemblyScript specs for the cvar kernels, run by as-pect inside WebAssembly: selection and sorting
// against counting definitions, CVaR/VaR against the sorted formula, and the non-finite flags in the
// SIMD body and the tail.
import { selectRank, sortRange, copyNegated } from "../../assembly/cvar/select";
import { cvarEval, cvarWeights } from "../../assembly/cvar/cvar";
import { vec, at, put, sample } from "../spec-helpers";

describe("selectRank", () => {
  test("the value of rank k has #{< v} ≤ k < #{≤ v} for every k, n = 1..70, with ties", () => {
    for (let n = 1; n <= 70; n += 3) {
      const p = vec(n);
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < n; i++) put(p, i, sample(i * 3 + n));
        const v = selectRank(p, 0, n, k);
        let less = 0;
        let lessEq = 0;
        for (let i = 0; i < n; i++) {
          const x = sample(i * 3 + n);
          if (x < v) less++;
          if (x <= v) lessEq++;
        }
        expect(less <= k && k < lessEq).toBe(true);
        for (let i = 0; i < k; i++) expect(at(p, i) <= v).toBe(true);
        for (let i = k + 1; i < n; i++) expect(at(p, i) >= v).toBe(true);
      }
      heap.free(p);
    }
  });
});

describe("sortRange", () => {
  test("sorts ascending and keeps the multiset (sum) for n = 0..200", () => {
    for (let n = 0; n <= 200; n += 7) {
      const p = vec(n);
      let s = 0.0;
      for (let i = 0; i < n; i++) {
        put(p, i, sample(i * 5 + 1));
        s += sample(i * 5 + 1);
      }
      sortRange(p, 0, n);
      let t = 0.0;
      for (let i = 0; i < n; i++) t += at(p, i);
      for (let i = 1; i < n; i++) expect(at(p, i - 1) <= at(p, i)).toBe(true);
      expect(t).toBe(s);
      heap.free(p);
    }
  });
});

describe("cvarEval and cvarWeights", () => {
  test("CVaR = (Σ top ⌊k⌋ + frac·next)/k on sorted data; weights sum to 1", () => {
    const n = 37;
    const x = vec(n);
    const s = vec(n);
    const o = vec(2);
    const w = vec(n);
    for (let i = 0; i < n; i++) put(x, i, sample(i));
    const k = 4.5;
    expect(cvarEval(x, n, k, s, o)).toBe(0);
    // the sorted copy, descending
    for (let i = 0; i < n; i++) put(s, i, -sample(i));
    sortRange(s, 0, n);
    let top = 0.0;
    for (let i = 0; i < 4; i++) top -= at(s, i);
    top += 0.5 * -at(s, 4);
    expect(at(o, 0)).toBe(-at(s, 4));
    expect(Math.abs(at(o, 1) - top / k) < 1e-14).toBe(true);
    cvarWeights(x, n, k, at(o, 0), w);
    let total = 0.0;
    for (let i = 0; i < n; i++) total += at(w, i);
    expect(Math.abs(total - 1.0) < 1e-14).toBe(true);
    heap.free(x); heap.free(s); heap.free(o); heap.free(w);
  });

  test("flags NaN and ±Inf in the SIMD body and the tail", () => {
    const n = 9;
    const x = vec(n);
    const s = vec(n);
    const o = vec(2);
    for (let bad = 0; bad < n; bad++) {
      for (let i = 0; i < n; i++) put(x, i, sample(i));
      put(x, bad, bad % 3 == 0 ? NaN : bad % 3 == 1 ? Infinity : -Infinity);
      expect(cvarEval(x, n, 2.0, s, o)).toBe(1);
      expect(copyNegated(x, n, s)).toBe(1);
    }
    heap.free(x); heap.free(s); heap.free(o);
  });
});
