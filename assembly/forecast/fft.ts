// The forecast family's FFT: a complex DFT of any length (radix-2 for powers of two, Bluestein's chirp-z
// convolution for every other length) and a real-input transform on top of it.
//
// Layout: complex vectors are split into a real part and an imaginary part (two f64 buffers), so that
// a radix-2 butterfly can take two neighbouring butterflies of a stage as one f64x2 lane pair.
// Convention: forward X_k = Σ_j x_j e^{−2πi jk/n}; the inverse uses e^{+2πi jk/n} and divides by n.
// The kernels never allocate: the caller passes a scratch buffer of fftWorkLength(n) (complex) or
// rfftWorkLength(n) (real input) doubles.

@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/** True when n is a power of two (n ≥ 1). */
@inline function isPow2(n: i32): bool { return n > 0 && (n & (n - 1)) == 0; }

/** The smallest power of two ≥ n (n ≥ 1). */
function nextPow2(n: i32): i32 {
  let m = 1;
  while (m < n) m <<= 1;
  return m;
}

/**
 * Doubles of scratch that fft needs for length n: n twiddles (n − 1 used) for a power of two; for any
 * other length the chirp (2n), the two padded sequences (4m) and the twiddles of length m (m), with
 * m the power of two ≥ 2n − 1.
 */
export function fftWorkLength(n: i32): i32 {
  if (n <= 1) return 0;
  if (isPow2(n)) return 2 * n;
  const m = nextPow2(2 * n - 1);
  return 2 * n + 6 * m;
}

/**
 * Doubles of scratch that rfft needs for n real inputs: an even n packs the input into n/2 complex
 * values (n doubles) and transforms those; an odd n runs the complex transform of length n (2n).
 */
export function rfftWorkLength(n: i32): i32 {
  if (n <= 1) return 0;
  if ((n & 1) == 0) return n + fftWorkLength(n >> 1);
  return 2 * n + fftWorkLength(n);
}

// Twiddles stage by stage: the stage with half-size h (1, 2, 4, …, n/2) reads e^{−iπk/h}, k < h, at
// offset h − 1 of tr (cosines) and ti (sines), so each stage reads its twiddles contiguously (the SIMD
// path loads two at once). Each entry is computed directly (no recurrence: no accumulated rounding).
function twiddles(n: i32, tr: usize, ti: usize): void {
  for (let h = 1; h < n; h <<= 1) {
    const base = h - 1;
    for (let k = 0; k < h; k++) {
      const a = -Math.PI * <f64>k / <f64>h;
      st(tr, base + k, Math.cos(a));
      st(ti, base + k, Math.sin(a));
    }
  }
}

// In-place forward radix-2 DIT transform of length n (a power of two) with precomputed twiddles.
function radix2(re: usize, im: usize, n: i32, tr: usize, ti: usize): void {
  // Bit-reversal permutation.
  let j = 0;
  for (let i = 0; i < n - 1; i++) {
    if (i < j) {
      const a = ld(re, i); st(re, i, ld(re, j)); st(re, j, a);
      const b = ld(im, i); st(im, i, ld(im, j)); st(im, j, b);
    }
    let bit = n >> 1;
    while (j & bit) { j ^= bit; bit >>= 1; }
    j |= bit;
  }
  // h = 1: butterflies without multiplications.
  for (let i = 0; i + 1 < n; i += 2) {
    const ar = ld(re, i), ai = ld(im, i), br = ld(re, i + 1), bi = ld(im, i + 1);
    st(re, i, ar + br); st(im, i, ai + bi);
    st(re, i + 1, ar - br); st(im, i + 1, ai - bi);
  }
  // h ≥ 2: two butterflies per f64x2 operation.
  for (let h = 2; h < n; h <<= 1) {
    const w = tr + (<usize>(h - 1) << 3);
    const wi = ti + (<usize>(h - 1) << 3);
    for (let s = 0; s < n; s += h << 1) {
      for (let k = 0; k < h; k += 2) {
        const o = <usize>(s + k) << 3;
        const oh = <usize>(s + k + h) << 3;
        const ok = <usize>k << 3;
        const cr = v128.load(w + ok);
        const ci = v128.load(wi + ok);
        const xr = v128.load(re + oh);
        const xi = v128.load(im + oh);
        // t = w · x[k + h]
        const tre = f64x2.sub(f64x2.mul(cr, xr), f64x2.mul(ci, xi));
        const tim = f64x2.add(f64x2.mul(cr, xi), f64x2.mul(ci, xr));
        const ur = v128.load(re + o);
        const ui = v128.load(im + o);
        v128.store(re + o, f64x2.add(ur, tre));
        v128.store(im + o, f64x2.add(ui, tim));
        v128.store(re + oh, f64x2.sub(ur, tre));
        v128.store(im + oh, f64x2.sub(ui, tim));
      }
    }
  }
}

// Forward transform of any length n ≥ 2 that is not a power of two, by Bluestein's identity
// 2jk = j² + k² − (k − j)²: X_k = c̄_k Σ_j (x_j c̄_j) c_{k−j} with c_j = e^{iπj²/n}, a circular
// convolution of length m ≥ 2n − 1 done with radix-2 transforms.
function bluestein(re: usize, im: usize, n: i32, work: usize): void {
  const m = nextPow2(2 * n - 1);
  const cr = work;
  const ci = cr + (<usize>n << 3);
  const ar = ci + (<usize>n << 3);
  const ai = ar + (<usize>m << 3);
  const br = ai + (<usize>m << 3);
  const bi = br + (<usize>m << 3);
  const tr = bi + (<usize>m << 3);
  const ti = tr + (<usize>m << 3);
  const twoN = <i64>(2 * n);
  for (let j = 0; j < n; j++) {
    // j² mod 2n keeps the angle in [0, 2π): exact integer reduction before the trigonometry.
    const q = (<i64>j * <i64>j) % twoN;
    const a = Math.PI * <f64>q / <f64>n;
    st(cr, j, Math.cos(a));
    st(ci, j, Math.sin(a));
  }
  for (let j = 0; j < m; j++) { st(ar, j, 0); st(ai, j, 0); st(br, j, 0); st(bi, j, 0); }
  for (let j = 0; j < n; j++) {
    const xr = ld(re, j), xi = ld(im, j), c = ld(cr, j), s = ld(ci, j);
    // x_j · conj(c_j)
    st(ar, j, xr * c + xi * s);
    st(ai, j, xi * c - xr * s);
  }
  st(br, 0, ld(cr, 0)); st(bi, 0, ld(ci, 0));
  for (let j = 1; j < n; j++) {
    st(br, j, ld(cr, j)); st(bi, j, ld(ci, j));
    st(br, m - j, ld(cr, j)); st(bi, m - j, ld(ci, j));
  }
  twiddles(m, tr, ti);
  radix2(ar, ai, m, tr, ti);
  radix2(br, bi, m, tr, ti);
  // Pointwise product, conjugated: the inverse transform is conj(FFT(conj(·)))/m.
  for (let j = 0; j < m; j++) {
    const pr = ld(ar, j), pi = ld(ai, j), qr = ld(br, j), qi = ld(bi, j);
    st(ar, j, pr * qr - pi * qi);
    st(ai, j, -(pr * qi + pi * qr));
  }
  radix2(ar, ai, m, tr, ti);
  const inv = 1.0 / <f64>m;
  for (let k = 0; k < n; k++) {
    // conv_k = conj(result)/m; X_k = conj(c_k) · conv_k
    const vr = ld(ar, k) * inv, vi = -ld(ai, k) * inv, c = ld(cr, k), s = ld(ci, k);
    st(re, k, vr * c + vi * s);
    st(im, k, vi * c - vr * s);
  }
}

// Forward transform in place, any n ≥ 0.
function forward(re: usize, im: usize, n: i32, work: usize): void {
  if (n <= 1) return;
  if (isPow2(n)) {
    const tr = work;
    const ti = work + (<usize>n << 3);
    twiddles(n, tr, ti);
    radix2(re, im, n, tr, ti);
  } else {
    bluestein(re, im, n, work);
  }
}

/**
 * In-place complex DFT of length n ≥ 0 on split real/imaginary buffers: forward when inverse = 0,
 * otherwise the inverse (sign +, divided by n). work holds fftWorkLength(n) doubles.
 */
export function fft(re: usize, im: usize, n: i32, inverse: i32, work: usize): void {
  if (inverse == 0) {
    forward(re, im, n, work);
    return;
  }
  // inverse(x) = conj(forward(conj(x))) / n
  for (let i = 0; i < n; i++) st(im, i, -ld(im, i));
  forward(re, im, n, work);
  const s = n > 0 ? 1.0 / <f64>n : 1.0;
  for (let i = 0; i < n; i++) { st(re, i, ld(re, i) * s); st(im, i, -ld(im, i) * s); }
}

/**
 * DFT of n ≥ 0 real values x: writes the non-redundant half X_0 … X_{⌊n/2⌋} (the rest is the
 * conjugate mirror) to outRe/outIm (⌊n/2⌋ + 1 doubles each). work holds rfftWorkLength(n) doubles.
 * An even n transforms the n/2 complex values z_j = x_{2j} + i·x_{2j+1} and splits the result:
 * X_k = E_k + e^{−2πik/n}·O_k with E_k = (Z_k + conj Z_{h−k})/2, O_k = (Z_k − conj Z_{h−k})/(2i).
 */
export function rfft(x: usize, n: i32, outRe: usize, outIm: usize, work: usize): void {
  if (n <= 0) return;
  if (n == 1) { st(outRe, 0, ld(x, 0)); st(outIm, 0, 0); return; }
  if ((n & 1) != 0) {
    const zr = work;
    const zi = work + (<usize>n << 3);
    for (let j = 0; j < n; j++) { st(zr, j, ld(x, j)); st(zi, j, 0); }
    forward(zr, zi, n, zi + (<usize>n << 3));
    const half = n >> 1;
    for (let k = 0; k <= half; k++) { st(outRe, k, ld(zr, k)); st(outIm, k, ld(zi, k)); }
    return;
  }
  const h = n >> 1;
  const zr = work;
  const zi = work + (<usize>h << 3);
  for (let j = 0; j < h; j++) { st(zr, j, ld(x, 2 * j)); st(zi, j, ld(x, 2 * j + 1)); }
  forward(zr, zi, h, zi + (<usize>h << 3));
  for (let k = 0; k <= h; k++) {
    const k1 = k == h ? 0 : k;
    const k2 = k == 0 ? 0 : h - k;
    const a = ld(zr, k1), b = ld(zi, k1), c = ld(zr, k2), d = -ld(zi, k2); // Z_k and conj(Z_{h−k})
    const er = 0.5 * (a + c), ei = 0.5 * (b + d);
    // (Z_k − conj Z_{h−k}) / (2i) = ((b − d) − i(a − c)) / 2
    const or = 0.5 * (b - d), oi = -0.5 * (a - c);
    const ang = -2.0 * Math.PI * <f64>k / <f64>n;
    const wr = Math.cos(ang), wi = Math.sin(ang);
    st(outRe, k, er + wr * or - wi * oi);
    st(outIm, k, ei + wr * oi + wi * or);
  }
}
