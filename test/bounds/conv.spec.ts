// AssemblyScript specs for the conv kernels: the direct loop nest (SIMD along rows when the
// horizontal stride is 1, scalar otherwise) against the scalar definition of the convolution, the
// transposed step against ⟨Λ, conv(e_j)⟩ column by column, and boundAxpy's SIMD body and tail.
import { boundConvForward, boundConvInterval, boundConvBackward, boundAxpy } from "../../assembly/bounds/conv";
import { vec, at, put, sample } from "../spec-helpers";

/** geo = C, H, W, K, kh, kw, sh, sw, pt, pl, dh, dw, outH, outW (pb = pr = pt, pl). */
function geometry(C: i32, H: i32, W: i32, K: i32, kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32): usize {
  const g = vec(14);
  const outH = (H + 2 * pt - dh * (kh - 1) - 1) / sh + 1;
  const outW = (W + 2 * pl - dw * (kw - 1) - 1) / sw + 1;
  const v: i32[] = [C, H, W, K, kh, kw, sh, sw, pt, pl, dh, dw, outH, outW];
  for (let i = 0; i < 14; i++) put(g, i, <f64>v[i]);
  return g;
}

/** The convolution by its definition at one output index. */
function direct(g: usize, Wt: usize, b: usize, x: usize, o: i32): f64 {
  const C = <i32>at(g, 0), H = <i32>at(g, 1), W = <i32>at(g, 2), kh = <i32>at(g, 4), kw = <i32>at(g, 5);
  const sh = <i32>at(g, 6), sw = <i32>at(g, 7), pt = <i32>at(g, 8), pl = <i32>at(g, 9), dh = <i32>at(g, 10), dw = <i32>at(g, 11);
  const outH = <i32>at(g, 12), outW = <i32>at(g, 13);
  const k = o / (outH * outW), oy = (o / outW) % outH, ox = o % outW;
  let s = at(b, k);
  for (let c = 0; c < C; c++) for (let a = 0; a < kh; a++) for (let d = 0; d < kw; d++) {
    const iy = oy * sh - pt + a * dh, ix = ox * sw - pl + d * dw;
    if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += at(Wt, ((k * C + c) * kh + a) * kw + d) * at(x, (c * H + iy) * W + ix);
  }
  return s;
}

describe("boundConvForward / boundConvInterval / boundConvBackward", () => {
  test("match the definition for strides 1–2, paddings 0–1, dilations 1–2, odd and even widths", () => {
    for (let t = 0; t < 16; t++) {
      const sw = 1 + (t & 1), pt = (t >> 1) & 1, dw = 1 + ((t >> 2) & 1), W = 5 + ((t >> 3) & 1);
      const g = geometry(2, 4, W, 2, 2, 3, 1, sw, pt, pt, 1, dw);
      const C = 2, H = 4, K = 2, n = C * H * W;
      const m = K * <i32>at(g, 12) * <i32>at(g, 13);
      const Wt = vec(K * C * 6); const b = vec(K); const x = vec(n); const l = vec(n); const u = vec(n);
      const y = vec(m); const yl = vec(m); const yu = vec(m);
      for (let i = 0; i < K * C * 6; i++) put(Wt, i, sample(i + t));
      for (let i = 0; i < K; i++) put(b, i, sample(i + 3));
      for (let j = 0; j < n; j++) { put(x, j, sample(j + 1)); put(l, j, sample(j + 1) - 0.5); put(u, j, sample(j + 1) + 0.25); }
      expect(boundConvForward(g, Wt, b, x, y)).toBe(0);
      expect(boundConvInterval(g, Wt, b, l, u, yl, yu)).toBe(0);
      // Interval by the definition: for each output, the per-weight min / max of w·[l, u] summed.
      const wp = vec(K * C * 6); const wn = vec(K * C * 6); const zero = vec(K);
      for (let i = 0; i < K * C * 6; i++) { const w = at(Wt, i); put(wp, i, w > 0 ? w : 0); put(wn, i, w < 0 ? w : 0); }
      for (let i = 0; i < K; i++) put(zero, i, 0);
      for (let o = 0; o < m; o++) {
        expect(Math.abs(at(y, o) - direct(g, Wt, b, x, o))).toBeLessThan(1e-12);
        const lo = direct(g, wp, b, l, o) + direct(g, wn, zero, u, o);
        const hi = direct(g, wp, b, u, o) + direct(g, wn, zero, l, o);
        expect(Math.abs(at(yl, o) - lo)).toBeLessThan(1e-12);
        expect(Math.abs(at(yu, o) - hi)).toBeLessThan(1e-12);
      }
      // Backward: (Λ·T)[j] = Σ_o Λ[o]·T[o, j] with T[o, j] = conv(e_j)[o] (bias 0), c += Σ_o Λ[o]·b[k(o)].
      // Two rows: a dense one (the row-streaming path) and a one-hot one (the sparse scatter path).
      const lam = vec(2 * m); const out = vec(2 * n); const c = vec(2); const e = vec(n);
      for (let o = 0; o < m; o++) { put(lam, o, sample(o + 7)); put(lam, m + o, o == (t * 5) % m ? -2 : 0); }
      put(c, 0, 1); put(c, 1, 0);
      boundConvBackward(g, lam, 2, Wt, b, out, c);
      for (let r = 0; r < 2; r++) {
        let cb: f64 = r == 0 ? 1 : 0;
        for (let o = 0; o < m; o++) cb += at(lam, r * m + o) * at(b, o / (m / K));
        expect(Math.abs(at(c, r) - cb)).toBeLessThan(1e-12);
        for (let j = 0; j < n; j++) {
          for (let q = 0; q < n; q++) put(e, q, q == j ? 1 : 0);
          let s: f64 = 0;
          for (let o = 0; o < m; o++) s += at(lam, r * m + o) * direct(g, Wt, zero, e, o);
          expect(Math.abs(at(out, r * n + j) - s)).toBeLessThan(1e-12);
        }
      }
      heap.free(g); heap.free(Wt); heap.free(b); heap.free(x); heap.free(l); heap.free(u); heap.free(y); heap.free(yl); heap.free(yu);
      heap.free(wp); heap.free(wn); heap.free(zero); heap.free(lam); heap.free(out); heap.free(c); heap.free(e);
    }
  });

  test("flags a non-finite output", () => {
    const g = geometry(1, 2, 2, 1, 1, 1, 1, 1, 0, 0, 1, 1);
    const Wt = vec(1); const b = vec(1); const x = vec(4); const y = vec(4);
    put(Wt, 0, 1); put(b, 0, 0);
    for (let j = 0; j < 4; j++) put(x, j, j == 2 ? Infinity : 1);
    expect(boundConvForward(g, Wt, b, x, y)).toBe(1);
    heap.free(g); heap.free(Wt); heap.free(b); heap.free(x); heap.free(y);
  });
});

describe("boundAxpy", () => {
  test("y += a·x for lengths 0..7 (SIMD body and scalar tail)", () => {
    for (let n = 0; n <= 7; n++) {
      const x = vec(n); const y = vec(n);
      for (let i = 0; i < n; i++) { put(x, i, sample(i)); put(y, i, sample(i + 2)); }
      boundAxpy(n, -1.5, x, y);
      for (let i = 0; i < n; i++) expect(at(y, i)).toBe(sample(i + 2) - 1.5 * sample(i));
      heap.free(x); heap.free(y);
    }
  });
});
