// AssemblyScript specs for the tucker kernels, run by as-pect inside WebAssembly: the SIMD paths and
// their tails against scalar definitions, the non-finite flag, and the packing DP on a tiny instance.
import { sumSquares, modeGram, modeGramDual, modeProduct } from "../../assembly/tucker/tensor";
import { tuckerPack, tuckerPackWorkBytes } from "../../assembly/tucker/packing";
import { vec, at, put, sample } from "../spec-helpers";

describe("sumSquares", () => {
  test("equals the scalar sum for n = 0..19 and flags NaN/Inf anywhere", () => {
    for (let n = 0; n <= 19; n++) {
      const x = vec(n);
      let want = 0.0;
      for (let i = 0; i < n; i++) { put(x, i, sample(i)); want += sample(i) * sample(i); }
      expect(sumSquares(x, n)).toBe(want);
      for (let k = 0; k < n; k++) {
        put(x, k, NaN);
        expect(sumSquares(x, n)).toBe(-1.0);
        put(x, k, -Infinity);
        expect(sumSquares(x, n)).toBe(-1.0);
        put(x, k, sample(k));
      }
      heap.free(x);
    }
  });
});

describe("modeGram / modeGramDual / modeProduct", () => {
  test("match the definitions on (L, I, R) views with R = 1, 3 (rank-1 path) and 9 (dot path)", () => {
    const Rs: i32[] = [1, 3, 9];
    for (let t = 0; t < 3; t++) {
      const L = 2;
      const I = 5;
      const R = Rs[t];
      const n = L * I * R;
      const x = vec(n);
      for (let i = 0; i < n; i++) put(x, i, sample(i + t));
      const g = vec(I * I);
      const col = vec(max(I, L * R));
      modeGram(x, L, I, R, g, col);
      for (let i = 0; i < I; i++) for (let j = 0; j < I; j++) {
        let s = 0.0;
        for (let l = 0; l < L; l++) for (let r = 0; r < R; r++) s += at(x, (l * I + i) * R + r) * at(x, (l * I + j) * R + r);
        expect(abs(at(g, i * I + j) - s)).toBeLessThanOrEqual(1e-12);
      }
      const J = L * R;
      const gd = vec(J * J);
      modeGramDual(x, L, I, R, gd, col);
      for (let a = 0; a < J; a++) for (let b = 0; b < J; b++) {
        let s = 0.0;
        for (let i = 0; i < I; i++) s += at(x, ((a / R) * I + i) * R + (a % R)) * at(x, ((b / R) * I + i) * R + (b % R));
        expect(abs(at(gd, a * J + b) - s)).toBeLessThanOrEqual(1e-12);
      }
      const K = 3;
      const m = vec(K * I);
      for (let i = 0; i < K * I; i++) put(m, i, sample(3 * i + 1));
      const y = vec(L * K * R);
      modeProduct(x, L, I, R, m, K, y);
      for (let l = 0; l < L; l++) for (let k = 0; k < K; k++) for (let r = 0; r < R; r++) {
        let s = 0.0;
        for (let i = 0; i < I; i++) s += at(m, k * I + i) * at(x, (l * I + i) * R + r);
        expect(abs(at(y, (l * K + k) * R + r) - s)).toBeLessThanOrEqual(1e-12);
      }
      heap.free(x); heap.free(g); heap.free(col); heap.free(gd); heap.free(m); heap.free(y);
    }
  });
});

describe("tuckerPack", () => {
  test("2 modes of sizes 2 and 3: the best shape by hand, and −2 / −1 codes", () => {
    // spectra [4, 1] and [3, 2, 1]: cum = [0, 4, 5] and [0, 3, 5, 6]
    const cum = vec(7);
    put(cum, 0, 0); put(cum, 1, 4); put(cum, 2, 5);
    put(cum, 3, 0); put(cum, 4, 3); put(cum, 5, 5); put(cum, 6, 6);
    const dims = heap.alloc(8);
    store<i32>(dims, 2); store<i32>(dims, 3, 4);
    const cap = 64;
    const work = heap.alloc(tuckerPackWorkBytes(cap));
    const out = heap.alloc(8);
    const val = vec(1);
    // Budget 13: (1,2) costs 2 + 2 + 6 = 10, (2,2) costs 4 + 4 + 6 = 14, (1,3) costs 3 + 2 + 9 = 14.
    expect(tuckerPack(cum, dims, 2, 13.0, 0.0, work, cap, out, val)).toBeGreaterThan(0);
    expect(load<i32>(out)).toBe(1);
    expect(load<i32>(out, 4)).toBe(2);
    expect(at(val, 0)).toBe(9.0);
    // Budget 14: (2,2) with 10 and (1,3) with 10 tie; either is optimal.
    expect(tuckerPack(cum, dims, 2, 14.0, 0.0, work, cap, out, val)).toBeGreaterThan(0);
    expect(at(val, 0)).toBe(10.0);
    // Budget 5 < 1 + 2 + 3: no shape.
    expect(tuckerPack(cum, dims, 2, 5.0, 0.0, work, cap, out, val)).toBe(-2);
    // One label of room: the root alone, no room for mode 0's labels.
    expect(tuckerPack(cum, dims, 2, 13.0, 0.0, work, 1, out, val)).toBe(-1);
    heap.free(cum); heap.free(dims); heap.free(work); heap.free(out); heap.free(val);
  });
});
