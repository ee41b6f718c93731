// AssemblyScript specs for the OT kernels: SIMD bodies and tails against scalar definitions.
import { otCostMatrix, otKv, otKtu, otScale, otLogRows, otLogCols, otPlan, otLogPlan, otGibbs } from "../../assembly/ot/sinkhorn";
import { vec, at, put, sample } from "../spec-helpers";

describe("otKv / otKtu", () => {
  test("match the double loop for every n, m in 1..7", () => {
    for (let n = 1; n <= 7; n++) {
      for (let m = 1; m <= 7; m++) {
        const K = vec(n * m);
        const u = vec(n);
        const v = vec(m);
        const o1 = vec(n);
        const o2 = vec(m);
        for (let k = 0; k < n * m; k++) put(K, k, sample(k));
        for (let i = 0; i < n; i++) put(u, i, sample(i + 3));
        for (let j = 0; j < m; j++) put(v, j, sample(j + 5));
        otKv(K, n, m, v, o1);
        otKtu(K, n, m, u, o2);
        for (let i = 0; i < n; i++) {
          let s = 0.0;
          for (let j = 0; j < m; j++) s += at(K, i * m + j) * at(v, j);
          expect(Math.abs(at(o1, i) - s)).toBeLessThanOrEqual(1e-12);
        }
        for (let j = 0; j < m; j++) {
          let s = 0.0;
          for (let i = 0; i < n; i++) s += at(K, i * m + j) * at(u, i);
          expect(at(o2, j)).toBe(s); // same order: rows in sequence
        }
        heap.free(K); heap.free(u); heap.free(v); heap.free(o1); heap.free(o2);
      }
    }
  });
});

describe("otScale", () => {
  test("num/den, zero where num = 0, flags a zero denominator in the body and the tail", () => {
    for (let n = 1; n <= 5; n++) {
      const a = vec(n);
      const d = vec(n);
      const o = vec(n);
      for (let i = 0; i < n; i++) { put(a, i, i % 2 == 0 ? 0.0 : <f64>i); put(d, i, <f64>(i + 2)); }
      expect(otScale(a, d, n, o)).toBe(0);
      for (let i = 0; i < n; i++) expect(at(o, i)).toBe(i % 2 == 0 ? 0.0 : <f64>i / <f64>(i + 2));
      put(d, n - 1, 0.0);
      put(a, n - 1, 1.0);
      expect(otScale(a, d, n, o)).toBe(1);
      put(a, n - 1, 0.0);
      expect(otScale(a, d, n, o)).toBe(0); // 0 mass over 0: a zero entry, not a NaN
      heap.free(a); heap.free(d); heap.free(o);
    }
  });
});

describe("log-sum-exp updates", () => {
  test("rows and columns equal log Σ exp computed directly, n, m in 1..5", () => {
    for (let n = 1; n <= 5; n++) {
      for (let m = 1; m <= 5; m++) {
        const L = vec(n * m);
        const f = vec(n);
        const g = vec(m);
        const la = vec(n);
        const lb = vec(m);
        const rowOut = vec(n);
        const colOut = vec(m);
        const mx = vec(m);
        const s = vec(m);
        for (let k = 0; k < n * m; k++) put(L, k, sample(k));
        for (let i = 0; i < n; i++) { put(f, i, sample(i + 1)); put(la, i, -1.0); }
        for (let j = 0; j < m; j++) { put(g, j, sample(j + 2)); put(lb, j, -2.0); }
        otLogRows(L, n, m, g, la, rowOut);
        otLogCols(L, n, m, f, lb, colOut, mx, s);
        for (let i = 0; i < n; i++) {
          let t = 0.0;
          for (let j = 0; j < m; j++) t += Math.exp(at(L, i * m + j) + at(g, j));
          expect(Math.abs(at(rowOut, i) - (-1.0 - Math.log(t)))).toBeLessThanOrEqual(1e-12);
        }
        for (let j = 0; j < m; j++) {
          let t = 0.0;
          for (let i = 0; i < n; i++) t += Math.exp(at(L, i * m + j) + at(f, i));
          expect(Math.abs(at(colOut, j) - (-2.0 - Math.log(t)))).toBeLessThanOrEqual(1e-12);
        }
        heap.free(L); heap.free(f); heap.free(g); heap.free(la); heap.free(lb); heap.free(rowOut); heap.free(colOut); heap.free(mx); heap.free(s);
      }
    }
  });

  test("huge magnitudes stay finite (max shift)", () => {
    const L = vec(2);
    put(L, 0, -1e6); put(L, 1, -1e6 - 1.0);
    const g = vec(2); put(g, 0, 0.0); put(g, 1, 0.0);
    const la = vec(1); put(la, 0, 0.0);
    const o = vec(1);
    otLogRows(L, 1, 2, g, la, o);
    expect(Math.abs(at(o, 0) - (1e6 - Math.log(1.0 + Math.exp(-1.0))))).toBeLessThanOrEqual(1e-9);
    heap.free(L); heap.free(g); heap.free(la); heap.free(o);
  });
});

describe("plans and costs", () => {
  test("otPlan and otLogPlan give u K v and its inner product with M", () => {
    const n = 3; const m = 5;
    const M = vec(n * m); const K = vec(n * m); const L = vec(n * m);
    const u = vec(n); const v = vec(m); const f = vec(n); const g = vec(m);
    const P = vec(n * m); const Q = vec(n * m);
    for (let k = 0; k < n * m; k++) { put(M, k, Math.abs(sample(k))); put(L, k, -Math.abs(sample(k)) / 0.5); }
    expect(otGibbs(M, n * m, 0.5, K)).toBe(0);
    for (let i = 0; i < n; i++) { put(u, i, 0.5 + <f64>i); put(f, i, Math.log(0.5 + <f64>i)); }
    for (let j = 0; j < m; j++) { put(v, j, 1.0 + <f64>j); put(g, j, Math.log(1.0 + <f64>j)); }
    const c1 = otPlan(K, M, n, m, u, v, P);
    const c2 = otLogPlan(L, M, n, m, f, g, Q);
    let want = 0.0;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      const p = at(u, i) * Math.exp(-at(M, i * m + j) / 0.5) * at(v, j);
      expect(Math.abs(at(P, i * m + j) - p)).toBeLessThanOrEqual(1e-14);
      expect(Math.abs(at(Q, i * m + j) - p)).toBeLessThanOrEqual(1e-13);
      want += p * at(M, i * m + j);
    }
    expect(Math.abs(c1 - want)).toBeLessThanOrEqual(1e-13);
    expect(Math.abs(c2 - want)).toBeLessThanOrEqual(1e-13);
    expect(otPlan(K, M, n, m, u, v, 0)).toBe(c1); // cost without a plan
    put(M, 7, NaN);
    expect(otGibbs(M, n * m, 0.5, K)).toBe(1);
    heap.free(M); heap.free(K); heap.free(L); heap.free(u); heap.free(v); heap.free(f); heap.free(g); heap.free(P); heap.free(Q);
  });

  test("otCostMatrix flags a NaN coordinate", () => {
    const X = vec(3); const Y = vec(3); const o = vec(9);
    for (let i = 0; i < 3; i++) { put(X, i, <f64>i); put(Y, i, <f64>i); }
    expect(otCostMatrix(X, 3, Y, 3, 1, 0, o)).toBe(0);
    expect(at(o, 1)).toBe(1.0);
    put(Y, 2, NaN);
    expect(otCostMatrix(X, 3, Y, 3, 1, 2, o)).toBe(1);
    heap.free(X); heap.free(Y); heap.free(o);
  });
});
