/**
 * Discrete Fourier transforms in WASM: a complex FFT of any length (radix-2 with SIMD butterflies for
 * powers of two, Bluestein's chirp-z convolution otherwise), the real-input transform and the
 * periodogram the Super-Linear gate reads.
 */
import { ShapeError } from '../runtime/errors.js';
import { checkCapacity, f64View, finiteArray, withScope } from '../runtime/memory.js';
import { checkBoolean } from '../runtime/checks.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import type { VectorInput } from '../runtime/memory.js';
import { forecastWasm } from './kernels.js';

/** A complex vector as two arrays of the same length. */
export interface ComplexVector {
  /** Real parts. */
  re: Float64Array;
  /** Imaginary parts. */
  im: Float64Array;
}

/** Options of {@link fft}. */
export interface FftOptions {
  /** Compute the inverse transform x_j = (1/n) Σ_k X_k e^{+2πi jk/n} instead of the forward one (default false). */
  inverse?: boolean;
}

const FFT_KEYS = optionKeys<FftOptions>({ inverse: true });

/**
 * Complex discrete Fourier transform of any length n ≥ 0:
 *
 *   X_k = Σ_{j<n} x_j e^{−2πi jk/n}   (forward),   x_j = (1/n) Σ_{k<n} X_k e^{+2πi jk/n}   (inverse).
 *
 * O(n log n) for every n: radix-2 for powers of two, Bluestein's algorithm (a circular convolution of
 * power-of-two length ≥ 2n − 1) otherwise. Errors against a naive DFT are ~1e-15 relative to Σ|x|.
 *
 * @param re  real parts (length n, finite).
 * @param im  imaginary parts (length n, finite; pass zeros for real input, or use {@link rfft}).
 * @returns new arrays; the inputs are not modified.
 */
export function fft(re: VectorInput, im: VectorInput, options?: FftOptions): ComplexVector {
  const fn = 'fft';
  const o = readOptions(fn, options, FFT_KEYS);
  const inverse = o.inverse === undefined ? false : checkBoolean(fn, 'options.inverse', o.inverse);
  const xr = finiteArray(fn, 're', re);
  const xi = finiteArray(fn, 'im', im);
  const n = xr.length;
  if (xi.length !== n) throw new ShapeError(`${fn}: im must have the length of re (${n}) (got length ${xi.length})`);
  return withScope(fn, (s) => {
    const k = forecastWasm(fn);
    const work = k.fftWorkLength(n);
    checkCapacity(fn, 2 * n + work);
    const pr = s.f64(n);
    const pi = s.f64(n);
    const pw = s.f64(work);
    f64View(s.x, pr, n).set(xr);
    f64View(s.x, pi, n).set(xi);
    k.fft(pr, pi, n, inverse ? 1 : 0, pw);
    return { re: f64View(s.x, pr, n).slice(), im: f64View(s.x, pi, n).slice() };
  });
}

/**
 * DFT of n real values, X_k = Σ_j x_j e^{−2πi jk/n}, returning only the non-redundant half
 * k = 0 … ⌊n/2⌋ (the other bins are the complex conjugates X_{n−k} = conj X_k). An even n costs one
 * complex FFT of length n/2.
 *
 * @param x  n ≥ 0 finite real values.
 * @returns `{ re, im }` of length ⌊n/2⌋ + 1 (empty for n = 0).
 */
export function rfft(x: VectorInput): ComplexVector {
  const fn = 'rfft';
  const v = finiteArray(fn, 'x', x);
  return realTransform(fn, v);
}

/** rfft of a finite Float64Array (no checks). */
export function realTransform(fn: string, v: Float64Array): ComplexVector {
  const n = v.length;
  const h = n === 0 ? 0 : Math.floor(n / 2) + 1;
  return withScope(fn, (s) => {
    const k = forecastWasm(fn);
    const work = k.rfftWorkLength(n);
    checkCapacity(fn, n + 2 * h + work);
    const px = s.f64(n);
    const pr = s.f64(h);
    const pi = s.f64(h);
    const pw = s.f64(work);
    f64View(s.x, px, n).set(v);
    k.rfft(px, n, pr, pi, pw);
    return { re: f64View(s.x, pr, h).slice(), im: f64View(s.x, pi, h).slice() };
  });
}

/**
 * Periodogram of n real values: P_k = |X_k|² / n for k = 0 … ⌊n/2⌋, X = {@link rfft}(x). P_k is the
 * power at frequency k/n cycles per sample (period n/k samples); Σ_k P_k (counting the mirrored bins
 * twice) equals Σ_j x_j² (Parseval). Subtract the mean first if the zero-frequency bin is not wanted.
 *
 * @param x  n ≥ 1 finite real values.
 * @returns ⌊n/2⌋ + 1 powers.
 */
export function periodogram(x: VectorInput): Float64Array {
  const fn = 'periodogram';
  const v = finiteArray(fn, 'x', x);
  if (v.length === 0) throw new ShapeError(`${fn}: x must hold at least one value (got length 0)`);
  return powerOf(fn, v);
}

/** |rfft(v)|²/n (no checks). */
export function powerOf(fn: string, v: Float64Array): Float64Array {
  const { re, im } = realTransform(fn, v);
  const out = new Float64Array(re.length);
  const inv = 1 / v.length;
  for (let k = 0; k < re.length; k++) out[k] = (re[k]! * re[k]! + im[k]! * im[k]!) * inv;
  return out;
}
