// AssemblyScript spec for the forecast FFT kernels, run by as-pect inside WebAssembly: every length
// 0…40 plus a few larger ones (powers of two and Bluestein lengths, even and odd) against a naive
// O(n²) DFT written here, the inverse round trip, and the real-input half spectrum.
import { fft, rfft, fftWorkLength, rfftWorkLength } from "../../assembly/forecast/fft";
import { vec, at, put, sample } from "../spec-helpers";

// Naive DFT with exact angle reduction (jk mod n) so the reference itself is accurate.
function naive(xr: usize, xi: usize, n: i32, yr: usize, yi: usize): void {
  for (let k = 0; k < n; k++) {
    let sr = 0.0;
    let si = 0.0;
    for (let j = 0; j < n; j++) {
      const q = <i32>((<i64>j * <i64>k) % <i64>n);
      const a = -2.0 * Math.PI * <f64>q / <f64>n;
      const c = Math.cos(a);
      const s = Math.sin(a);
      sr += at(xr, j) * c - at(xi, j) * s;
      si += at(xr, j) * s + at(xi, j) * c;
    }
    put(yr, k, sr);
    put(yi, k, si);
  }
}

function lengths(): i32[] {
  const out: i32[] = [];
  for (let n = 0; n <= 40; n++) out.push(n);
  out.push(64); out.push(97); out.push(100); out.push(128); out.push(255); out.push(365); out.push(512);
  return out;
}

describe("fft", () => {
  test("forward equals the naive DFT (relative error < 1e-12) for n = 0…40, 64, 97, 100, 128, 255, 365, 512", () => {
    const ns = lengths();
    for (let t = 0; t < ns.length; t++) {
      const n = ns[t];
      const re = vec(n), im = vec(n), xr = vec(n), xi = vec(n), yr = vec(n), yi = vec(n);
      const work = vec(fftWorkLength(n));
      let scale = 0.0;
      for (let i = 0; i < n; i++) {
        put(xr, i, sample(i)); put(xi, i, sample(i + 5, 0.5));
        put(re, i, at(xr, i)); put(im, i, at(xi, i));
        scale += Math.abs(at(xr, i)) + Math.abs(at(xi, i));
      }
      naive(xr, xi, n, yr, yi);
      fft(re, im, n, 0, work);
      let err = 0.0;
      for (let k = 0; k < n; k++) err = max(err, max(Math.abs(at(re, k) - at(yr, k)), Math.abs(at(im, k) - at(yi, k))));
      expect(err <= 1e-12 * max(scale, 1.0)).toBe(true, "n = " + n.toString() + ", error " + err.toString());
      // The inverse brings the input back.
      fft(re, im, n, 1, work);
      let back = 0.0;
      for (let i = 0; i < n; i++) back = max(back, max(Math.abs(at(re, i) - at(xr, i)), Math.abs(at(im, i) - at(xi, i))));
      expect(back <= 1e-13 * max(scale, 1.0)).toBe(true, "inverse, n = " + n.toString());
      heap.free(re); heap.free(im); heap.free(xr); heap.free(xi); heap.free(yr); heap.free(yi); heap.free(work);
    }
  });

  test("a unit impulse at j transforms to e^{−2πijk/n} (n = 12, j = 5; n = 16, j = 3)", () => {
    const cases: i32[] = [12, 5, 16, 3];
    for (let c = 0; c < 2; c++) {
      const n = cases[2 * c], j = cases[2 * c + 1];
      const re = vec(n), im = vec(n), work = vec(fftWorkLength(n));
      for (let i = 0; i < n; i++) { put(re, i, i == j ? 1.0 : 0.0); put(im, i, 0.0); }
      fft(re, im, n, 0, work);
      for (let k = 0; k < n; k++) {
        const a = -2.0 * Math.PI * <f64>((j * k) % n) / <f64>n;
        expect(Math.abs(at(re, k) - Math.cos(a)) < 1e-14).toBe(true);
        expect(Math.abs(at(im, k) - Math.sin(a)) < 1e-14).toBe(true);
      }
      heap.free(re); heap.free(im); heap.free(work);
    }
  });
});

describe("rfft", () => {
  test("equals the first ⌊n/2⌋ + 1 bins of the naive DFT of real input, n = 0…40 and larger", () => {
    const ns = lengths();
    for (let t = 0; t < ns.length; t++) {
      const n = ns[t];
      const half = n / 2 + 1;
      const x = vec(n), zero = vec(n), yr = vec(n), yi = vec(n), outR = vec(half), outI = vec(half);
      const work = vec(rfftWorkLength(n));
      let scale = 0.0;
      for (let i = 0; i < n; i++) { put(x, i, sample(i + 3)); put(zero, i, 0.0); scale += Math.abs(sample(i + 3)); }
      naive(x, zero, n, yr, yi);
      rfft(x, n, outR, outI, work);
      let err = 0.0;
      for (let k = 0; k < (n > 0 ? half : 0); k++) err = max(err, max(Math.abs(at(outR, k) - at(yr, k)), Math.abs(at(outI, k) - at(yi, k))));
      expect(err <= 1e-12 * max(scale, 1.0)).toBe(true, "n = " + n.toString() + ", error " + err.toString());
      // The input is left unchanged.
      for (let i = 0; i < n; i++) expect(at(x, i)).toBe(sample(i + 3));
      heap.free(x); heap.free(zero); heap.free(yr); heap.free(yi); heap.free(outR); heap.free(outI); heap.free(work);
    }
  });
});
