// AssemblyScript specs for the operator catalogue's kernels (assembly/prox/elementwise.ts, group.ts,
// nm.ts, tv.ts): every SIMD body and scalar tail against the scalar definition for n = 0..17, the
// non-finite flag wherever the bad value sits, and in-place use (out == v).
import { scaleVec, shrinkScale, weightedShrink, clampScalar, clampVector, huberShrink, axpyInto, dotF64, absInto } from "../../assembly/prox/elementwise";
import { groupShrink } from "../../assembly/prox/group";
import { nmProject } from "../../assembly/prox/nm";
import { tv1d } from "../../assembly/prox/tv";
import { vec, at, put, sample } from "../spec-helpers";

// Kernel k over (v, n, out) against the scalar definition want(x, i), for every length with a tail.
function checkMap(kernel: (v: usize, n: i32, out: usize) => i32, want: (x: f64, i: i32) => f64): void {
  for (let n = 0; n <= 17; n++) {
    const v = vec(n);
    const o = vec(n);
    for (let i = 0; i < n; i++) put(v, i, sample(i));
    expect(kernel(v, n, o)).toBe(0);
    for (let i = 0; i < n; i++) expect(at(o, i)).toBe(want(sample(i), i));
    // In place.
    expect(kernel(v, n, v)).toBe(0);
    for (let i = 0; i < n; i++) expect(at(v, i)).toBe(want(sample(i), i));
    // Non-finite anywhere (SIMD body or tail) is flagged.
    for (let bad = 0; bad < n; bad++) {
      for (let i = 0; i < n; i++) put(v, i, sample(i));
      put(v, bad, bad % 3 == 0 ? NaN : bad % 3 == 1 ? Infinity : -Infinity);
      expect(kernel(v, n, o)).toBe(1);
    }
    heap.free(v); heap.free(o);
  }
}

let W: usize = 0; // weights / bounds for the vector kernels: w[i] = (i % 3)·0.5
let LO: usize = 0;
let HI: usize = 0;
let A: usize = 0;

describe("elementwise kernels", () => {
  W = vec(17); LO = vec(17); HI = vec(17); A = vec(17);
  for (let i = 0; i < 17; i++) {
    put(W, i, <f64>(i % 3) * 0.5);
    put(LO, i, -<f64>(i % 4) * 0.5);
    put(HI, i, <f64>(i % 5) * 0.25);
    put(A, i, <f64>(i % 7) - 3.0);
  }

  test("scaleVec: c·v, and +0 for c = 0", () => {
    checkMap((v, n, o) => scaleVec(v, n, 0.75, o), (x, i) => x * 0.75);
    checkMap((v, n, o) => scaleVec(v, n, 0.0, o), (x, i) => 0.0);
  });
  test("shrinkScale: c·soft(v, t)", () => {
    checkMap((v, n, o) => shrinkScale(v, n, 1.0, 0.5, o), (x, i) => 0.5 * (x > 1.0 ? x - 1.0 : x < -1.0 ? x + 1.0 : 0.0));
  });
  test("weightedShrink: soft(v, t·wᵢ)", () => {
    checkMap((v, n, o) => weightedShrink(v, W, n, 2.0, o), (x, i) => {
      const a = 2.0 * <f64>(i % 3) * 0.5;
      return x > a ? x - a : x < -a ? x + a : 0.0;
    });
  });
  test("clampScalar and clampVector", () => {
    checkMap((v, n, o) => clampScalar(v, n, -1.0, 0.5, o), (x, i) => x < -1.0 ? -1.0 : x > 0.5 ? 0.5 : x);
    checkMap((v, n, o) => clampVector(v, LO, HI, n, o), (x, i) => {
      const l = -<f64>(i % 4) * 0.5;
      const h = <f64>(i % 5) * 0.25;
      return x < l ? l : x > h ? h : x;
    });
  });
  test("huberShrink: v/(1 + t) inside δ(1 + t), v − tδ·sign(v) beyond", () => {
    checkMap((v, n, o) => huberShrink(v, n, 1.0, 0.75, o), (x, i) => abs(x) <= 1.5 ? x - x * 0.5 : x > 0 ? x - 0.75 : x + 0.75);
  });
  test("axpyInto: v + c·a", () => {
    checkMap((v, n, o) => axpyInto(v, A, n, -0.5, o), (x, i) => x + -0.5 * (<f64>(i % 7) - 3.0));
  });
  test("dotF64 and absInto agree with scalar sums for every tail", () => {
    for (let n = 0; n <= 17; n++) {
      const v = vec(n);
      const o = vec(n);
      let d = 0.0;
      let s = 0.0;
      for (let i = 0; i < n; i++) {
        put(v, i, sample(i));
        d += sample(i) * (<f64>(i % 7) - 3.0);
        s += abs(sample(i));
      }
      expect(dotF64(v, A, n)).toBe(d); // small integers times quarters: every partial sum is exact
      expect(absInto(v, n, o)).toBe(s);
      for (let i = 0; i < n; i++) expect(at(o, i)).toBe(abs(sample(i)));
      heap.free(v); heap.free(o);
    }
  });
});

describe("groupShrink", () => {
  test("consecutive blocks (idx = 0) and the same groups by index list agree; uncovered entries pass", () => {
    const n = 11;
    const v = vec(n);
    const a = vec(n);
    const b = vec(n);
    const idx = heap.alloc(4 * 10);
    const start = heap.alloc(4 * 4);
    for (let i = 0; i < n; i++) put(v, i, sample(i) + 0.1);
    for (let i = 0; i < 10; i++) store<i32>(idx + (<usize>i << 2), i);
    store<i32>(start, 0); store<i32>(start + 4, 3); store<i32>(start + 8, 8); store<i32>(start + 12, 10);
    expect(groupShrink(v, n, 0, start, 3, 0, 0.9, a)).toBe(0);
    expect(groupShrink(v, n, idx, start, 3, 0, 0.9, b)).toBe(0);
    for (let i = 0; i < n; i++) expect(Math.abs(at(a, i) - at(b, i))).toBeLessThanOrEqual(1e-15);
    expect(at(a, 10)).toBe(at(v, 10));
    put(v, 10, NaN);
    expect(groupShrink(v, n, 0, start, 3, 0, 0.9, a)).toBe(1);
    heap.free(v); heap.free(a); heap.free(b); heap.free(idx); heap.free(start);
  });
});

describe("nmProject and tv1d", () => {
  test("2:4 keeps the two largest magnitudes, ties to the lowest index", () => {
    const v = vec(8);
    const o = vec(8);
    const x: f64[] = [1, -4, 3, 2, 2, -2, 2, -2];
    for (let i = 0; i < 8; i++) put(v, i, x[i]);
    expect(nmProject(v, 8, 2, 4, o)).toBe(0);
    const want: f64[] = [0, -4, 3, 0, 2, -2, 0, 0];
    for (let i = 0; i < 8; i++) expect(at(o, i)).toBe(want[i]);
    heap.free(v); heap.free(o);
  });

  test("tv1d: a step of height 4 under λ = 1 shrinks by λ/len on each side; strided in place", () => {
    const n = 4;
    const y = vec(2 * n);
    const s = vec(8 * n + 3);
    const lam = vec(1);
    put(lam, 0, 1.0);
    // Samples at stride 2: [0, 0, 4, 4] → [0.5, 0.5, 3.5, 3.5].
    for (let i = 0; i < n; i++) put(y, 2 * i, i < 2 ? 0.0 : 4.0);
    expect(tv1d(y, n, 2, lam, 0, y, 2, s)).toBe(0);
    expect(at(y, 0)).toBe(0.5);
    expect(at(y, 2)).toBe(0.5);
    expect(at(y, 4)).toBe(3.5);
    expect(at(y, 6)).toBe(3.5);
    put(y, 4, Infinity);
    expect(tv1d(y, n, 2, lam, 0, y, 2, s)).toBe(1);
    heap.free(y); heap.free(s); heap.free(lam);
  });
});
