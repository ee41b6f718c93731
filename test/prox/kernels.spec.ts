// AssemblyScript specs for the prox kernels, run by as-pect inside WebAssembly: the SIMD bodies and
// their scalar tails agree with the scalar definitions for every length that exercises a tail.
import { softThreshold, softThresholdScalar } from "../../assembly/prox/soft-threshold";
import { projectSimplex, projectSimplexScalar, shiftPositive, simplexSparse, simplexThreshold } from "../../assembly/prox/simplex";
import { vec, at, put, sample } from "../spec-helpers";

describe("softThreshold", () => {
  test("matches sign(v)·max(|v| − t, 0) for n = 0..17, SIMD and scalar", () => {
    const t = 1.0;
    for (let n = 0; n <= 17; n++) {
      const v = vec(n);
      const a = vec(n);
      const b = vec(n);
      for (let i = 0; i < n; i++) put(v, i, sample(i));
      expect(softThreshold(v, n, t, a)).toBe(0);
      expect(softThresholdScalar(v, n, t, b)).toBe(0);
      for (let i = 0; i < n; i++) {
        const x = at(v, i);
        const want = x > t ? x - t : x < -t ? x + t : 0.0;
        expect(at(a, i)).toBe(want);
        expect(at(b, i)).toBe(want);
      }
      heap.free(v); heap.free(a); heap.free(b);
    }
  });

  test("flags NaN and ±Inf wherever they sit, in the SIMD body or the tail", () => {
    const n = 9;
    const v = vec(n);
    const o = vec(n);
    for (let bad = 0; bad < n; bad++) {
      for (let i = 0; i < n; i++) put(v, i, sample(i));
      put(v, bad, bad % 3 == 0 ? NaN : bad % 3 == 1 ? Infinity : -Infinity);
      expect(softThreshold(v, n, 0.5, o)).toBe(1);
      expect(softThresholdScalar(v, n, 0.5, o)).toBe(1);
    }
  });
});

describe("projectSimplex", () => {
  test("SIMD and scalar final passes agree bit for bit and sum to the radius", () => {
    for (let n = 1; n <= 17; n++) {
      const y = vec(n);
      const w = vec(n);
      const a = vec(n);
      const b = vec(n);
      for (let i = 0; i < n; i++) put(y, i, sample(i));
      expect(projectSimplex(y, n, 2.0, w, a)).toBe(0);
      expect(projectSimplexScalar(y, n, 2.0, w, b)).toBe(0);
      let sum = 0.0;
      for (let i = 0; i < n; i++) {
        expect(at(a, i)).toBe(at(b, i));
        expect(at(a, i)).toBeGreaterThanOrEqual(0.0);
        sum += at(a, i);
      }
      expect(Math.abs(sum - 2.0)).toBeLessThanOrEqual(1e-14);
      heap.free(y); heap.free(w); heap.free(a); heap.free(b);
    }
  });

  test("τ for equal entries splits the radius evenly", () => {
    const n = 5;
    const y = vec(n);
    const w = vec(n);
    for (let i = 0; i < n; i++) put(y, i, 3.0);
    // Σ max(3 − τ, 0) = 1 over five equal entries ⇒ τ = 3 − 1/5: m = 3 and τ − m = −1/5.
    expect(simplexThreshold(y, n, 1.0, w)).toBe(-0.2);
    expect(at(w, 0)).toBe(3.0);
  });

  test("simplexSparse lists exactly the positive entries of the dense pass, with their bits, or defers (-2)", () => {
    let decided = 0;
    for (let n = 1; n <= 19; n++) {
      const y = vec(n);
      const w = vec(n);
      const o = vec(n);
      const ws = vec(n);
      const idx = heap.alloc(<usize>n << 2);
      for (let i = 0; i < n; i++) put(y, i, sample(i));
      const s = simplexThreshold(y, n, 1.5, w);
      const m = at(w, 0);
      expect(shiftPositive(y, n, m, s, o)).toBe(0);
      let positives = 0;
      for (let i = 0; i < n; i++) if (at(o, i) > 0) positives++;
      const k = simplexSparse(y, n, 1.5, ws, idx, n);
      if (k != -2) {
        decided++;
        expect(k).toBe(positives);
        let j = 0;
        for (let i = 0; i < n; i++) {
          if (at(o, i) > 0) {
            expect(load<i32>(idx + (<usize>j << 2))).toBe(i);
            expect(at(ws, j)).toBe(at(o, i));
            j++;
          }
        }
      }
      heap.free(y); heap.free(w); heap.free(o); heap.free(ws); heap.free(idx);
    }
    expect(decided).toBeGreaterThan(0);
  });
});
