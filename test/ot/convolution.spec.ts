// AssemblyScript specs for the grid-convolution, projection and class-plan kernels: SIMD bodies and
// odd tails against plain scalar definitions.
import { otGaussianKernel1d, otConvolve2d, otLogConvolve2d, otProject, otClassPlan, otSortF64 } from "../../assembly/ot/convolution";
import { vec, at, put, sample } from "../spec-helpers";

describe("otConvolve2d / otLogConvolve2d", () => {
  test("equal the quadruple loop Σ_{r,j} Kr[i,r]·Kc[k,j]·x[r,j] (and its log form) for rows, cols in 1..5", () => {
    for (let rows = 1; rows <= 5; rows++) {
      for (let cols = 1; cols <= 5; cols++) {
        const N = rows * cols;
        const Kr = vec(rows * rows);
        const Kc = vec(cols * cols);
        const Lr = vec(rows * rows);
        const Lc = vec(cols * cols);
        otGaussianKernel1d(rows, 0.7, 2.0, 0, Kr);
        otGaussianKernel1d(cols, 0.7, 2.0, 0, Kc);
        otGaussianKernel1d(rows, 0.7, 2.0, 1, Lr);
        otGaussianKernel1d(cols, 0.7, 2.0, 1, Lc);
        const xv = vec(N);
        const lx = vec(N);
        for (let p = 0; p < N; p++) {
          const v = Math.abs(sample(p)) + (p % 4 == 1 ? 0.0 : 0.5); // some exact zeros
          put(xv, p, v);
          put(lx, p, Math.log(v));
        }
        const tmp = vec(N);
        const s = vec(cols);
        const out = vec(N);
        const lout = vec(N);
        otConvolve2d(Kr, Kc, xv, rows, cols, tmp, out);
        otLogConvolve2d(Lr, Lc, lx, rows, cols, tmp, s, lout);
        for (let i = 0; i < rows; i++) {
          for (let k = 0; k < cols; k++) {
            let want = 0.0;
            for (let r = 0; r < rows; r++) {
              for (let j = 0; j < cols; j++) {
                want += Math.exp(-<f64>((i - r) * (i - r)) / 1.4) * Math.exp(-<f64>((k - j) * (k - j)) / 1.4) * at(xv, r * cols + j);
              }
            }
            expect(Math.abs(at(out, i * cols + k) - want)).toBeLessThanOrEqual(1e-14 * want + 1e-300);
            expect(Math.abs(at(lout, i * cols + k) - Math.log(want))).toBeLessThanOrEqual(1e-13);
          }
        }
        heap.free(Kr); heap.free(Kc); heap.free(Lr); heap.free(Lc); heap.free(xv); heap.free(lx);
        heap.free(tmp); heap.free(s); heap.free(out); heap.free(lout);
      }
    }
  });

  test("an all-zero image gives 0, and −∞ in the log form", () => {
    const Kr = vec(9);
    const Kc = vec(4);
    otGaussianKernel1d(3, 1.0, 1.0, 1, Kr);
    otGaussianKernel1d(2, 1.0, 1.0, 1, Kc);
    const lx = vec(6);
    for (let p = 0; p < 6; p++) put(lx, p, -Infinity);
    const tmp = vec(6);
    const s = vec(2);
    const out = vec(6);
    otLogConvolve2d(Kr, Kc, lx, 3, 2, tmp, s, out);
    for (let p = 0; p < 6; p++) expect(at(out, p)).toBe(-Infinity);
    heap.free(Kr); heap.free(Kc); heap.free(lx); heap.free(tmp); heap.free(s); heap.free(out);
  });
});

describe("otProject", () => {
  test("equals the scalar dot for d in 1..6 and flags a NaN coordinate", () => {
    for (let d = 1; d <= 6; d++) {
      const n = 3;
      const P = 2;
      const X = vec(n * d);
      const th = vec(P * d);
      const out = vec(P * n);
      for (let k = 0; k < n * d; k++) put(X, k, sample(k));
      for (let k = 0; k < P * d; k++) put(th, k, sample(k + 5, 0.125));
      expect(otProject(X, n, d, th, P, out)).toBe(0);
      for (let l = 0; l < P; l++) {
        for (let i = 0; i < n; i++) {
          let want = 0.0;
          for (let k = 0; k < d; k++) want += at(X, i * d + k) * at(th, l * d + k);
          expect(at(out, l * n + i)).toBe(want); // small multiples of 1/32: every sum is exact
        }
      }
      put(X, n * d - 1, NaN);
      expect(otProject(X, n, d, th, P, out)).toBe(1);
      heap.free(X); heap.free(th); heap.free(out);
    }
  });
});

describe("otClassPlan", () => {
  test("η = 0: T[j, i] = max(f_i + g_j − C[j, i], 0)/γ with the marginals, odd and even n", () => {
    for (let n = 1; n <= 5; n++) {
      const m = 3;
      const C = vec(n * m);
      const f = vec(n);
      const g = vec(m);
      const T = vec(n * m);
      const rs = vec(n);
      const cs = vec(m);
      const st = heap.alloc(8);
      store<i32>(st, 0);
      store<i32>(st + 4, n);
      for (let k = 0; k < n * m; k++) put(C, k, sample(k));
      for (let i = 0; i < n; i++) put(f, i, sample(i + 2));
      for (let j = 0; j < m; j++) put(g, j, sample(j + 7));
      otClassPlan(C, n, m, f, g, 0.5, 0.0, st, 1, T, rs, cs);
      for (let j = 0; j < m; j++) {
        let col = 0.0;
        for (let i = 0; i < n; i++) {
          const want = max(at(f, i) + at(g, j) - at(C, j * n + i), 0.0) / 0.5;
          expect(at(T, j * n + i)).toBe(want);
          col += want;
        }
        expect(at(cs, j)).toBe(col);
      }
      heap.free(C); heap.free(f); heap.free(g); heap.free(T); heap.free(rs); heap.free(cs); heap.free(st);
    }
  });
});

/** Input i of the sort test of size n: ties, negatives, ±1e300, −0 and a subnormal. */
function sortInput(i: i32, n: i32): f64 {
  if (i % 7 == 3) return -1e300;
  if (i % 11 == 5) return 1e300;
  if (i % 13 == 6) return -0.0;
  if (i % 17 == 8) return 5e-324;
  return sample(i * 3 + n) * <f64>(1 + (i % 5));
}

describe("otSortF64", () => {
  test("sorts ascending (negatives, ties, ±0, ±1e300, subnormals) and keeps the multiset, n in 0..40", () => {
    for (let n = 0; n <= 40; n++) {
      const x = vec(n);
      const tmp = vec(n);
      const counts = heap.alloc(1024);
      for (let i = 0; i < n; i++) put(x, i, sortInput(i, n));
      let sumSq = 0.0;
      for (let i = 0; i < n; i++) sumSq += Math.abs(at(x, i));
      otSortF64(x, n, tmp, counts);
      for (let i = 1; i < n; i++) expect(at(x, i - 1) <= at(x, i)).toBe(true);
      let sumSq2 = 0.0;
      for (let i = 0; i < n; i++) sumSq2 += Math.abs(at(x, i));
      // same multiset: every value of the input is still there (counted by value)
      for (let i = 0; i < n; i++) {
        const v = at(x, i);
        let a = 0;
        let b = 0;
        for (let k = 0; k < n; k++) if (at(x, k) == v) a++;
        for (let k = 0; k < n; k++) if (sortInput(k, n) == v) b++;
        expect(a).toBe(b);
      }
      expect(Math.abs(sumSq2 - sumSq)).toBeLessThanOrEqual(1e-12 * sumSq + 1e-300);
      heap.free(x); heap.free(tmp); heap.free(counts);
    }
  });
});
