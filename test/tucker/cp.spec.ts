// AssemblyScript specs for the CP kernels, run by as-pect inside WebAssembly: every path (short and
// long rows, ranks below and from 8, odd R for the two-lane loops, masks and fills) against scalar
// definitions written here.
import { khatriRaoKernel, mttkrp, cpResidual, sumSquaredDiff } from "../../assembly/tucker/cp";
import { vec, at, put, sample } from "../spec-helpers";

describe("khatriRaoKernel", () => {
  test("out[(i·J + j)·R + r] = a[i·R + r]·b[j·R + r] for R = 1, 2, 5", () => {
    const Rs: i32[] = [1, 2, 5];
    for (let t = 0; t < 3; t++) {
      const R = Rs[t];
      const I = 3;
      const J = 4;
      const a = vec(I * R);
      const b = vec(J * R);
      for (let k = 0; k < I * R; k++) put(a, k, sample(k + 1));
      for (let k = 0; k < J * R; k++) put(b, k, sample(2 * k + 5));
      const o = vec(I * J * R);
      khatriRaoKernel(a, I, b, J, R, o);
      for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) for (let r = 0; r < R; r++) {
        expect(at(o, (i * J + j) * R + r)).toBe(at(a, i * R + r) * at(b, j * R + r));
      }
      heap.free(a); heap.free(b); heap.free(o);
    }
  });
});

describe("mttkrp", () => {
  test("out[i, r] = Σ_{l,q} x[l, i, q]·kl[l, r]·krt[r, q] on every path", () => {
    // (R′, R): dot path (R′ ≥ 4), short rows with R < 8 (R′ = 1 and 3), short rows with R ≥ 8
    const Rps: i32[] = [5, 1, 3, 1, 2];
    const Rrs: i32[] = [3, 3, 3, 9, 8];
    for (let t = 0; t < 5; t++) {
      const L = 3;
      const I = 4;
      const Rp = Rps[t];
      const R = Rrs[t];
      const x = vec(L * I * Rp);
      for (let k = 0; k < L * I * Rp; k++) put(x, k, sample(k + t));
      const kl = vec(L * R);
      for (let k = 0; k < L * R; k++) put(kl, k, sample(3 * k + 2));
      const krt = vec(R * Rp);
      for (let k = 0; k < R * Rp; k++) put(krt, k, sample(5 * k + 1));
      const out = vec(I * R);
      const tmp = vec(I * R);
      mttkrp(x, L, I, Rp, kl, krt, R, out, tmp);
      for (let i = 0; i < I; i++) for (let r = 0; r < R; r++) {
        let s = 0.0;
        for (let l = 0; l < L; l++) for (let q = 0; q < Rp; q++) s += at(x, (l * I + i) * Rp + q) * at(kl, l * R + r) * at(krt, r * Rp + q);
        expect(abs(at(out, i * R + r) - s)).toBeLessThanOrEqual(1e-12);
      }
      heap.free(x); heap.free(kl); heap.free(krt); heap.free(out); heap.free(tmp);
    }
  });
});

describe("cpResidual / sumSquaredDiff", () => {
  test("Σ m·(x − k·aᵀ)² with and without a mask, and the EM fill", () => {
    const L = 3;
    const I = 5;
    const R = 3;
    const x = vec(L * I);
    for (let k = 0; k < L * I; k++) put(x, k, sample(k));
    const k = vec(L * R);
    for (let q = 0; q < L * R; q++) put(k, q, sample(q + 7));
    const a = vec(I * R);
    for (let q = 0; q < I * R; q++) put(a, q, sample(2 * q + 3));
    const mask = vec(L * I);
    for (let q = 0; q < L * I; q++) put(mask, q, q % 3 == 0 ? 0.0 : 1.0);
    const fill = vec(L * I);
    let all = 0.0;
    let observed = 0.0;
    for (let l = 0; l < L; l++) for (let i = 0; i < I; i++) {
      let h = 0.0;
      for (let r = 0; r < R; r++) h += at(k, l * R + r) * at(a, i * R + r);
      const d = at(x, l * I + i) - h;
      all += d * d;
      if (at(mask, l * I + i) != 0) observed += d * d;
    }
    expect(abs(cpResidual(x, 0, k, L, a, I, R, 0) - all)).toBeLessThanOrEqual(1e-12);
    expect(abs(cpResidual(x, mask, k, L, a, I, R, fill) - observed)).toBeLessThanOrEqual(1e-12);
    for (let l = 0; l < L; l++) for (let i = 0; i < I; i++) {
      let h = 0.0;
      for (let r = 0; r < R; r++) h += at(k, l * R + r) * at(a, i * R + r);
      const want = at(mask, l * I + i) != 0 ? at(x, l * I + i) : h;
      expect(abs(at(fill, l * I + i) - want)).toBeLessThanOrEqual(1e-12);
    }
    // sumSquaredDiff for n = 0..9 (the four-wide loop and its tail)
    for (let n = 0; n <= 9; n++) {
      let s = 0.0;
      for (let q = 0; q < n; q++) s += (at(x, q) - at(fill, q)) * (at(x, q) - at(fill, q));
      expect(abs(sumSquaredDiff(x, fill, n) - s)).toBeLessThanOrEqual(1e-12);
    }
    heap.free(x); heap.free(k); heap.free(a); heap.free(mask); heap.free(fill);
  });
});
