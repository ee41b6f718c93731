/**
 * The FFT bindings against a naive O(n²) DFT written here (plain TS), Parseval for the periodogram,
 * conjugate symmetry, the inverse round trip, and the typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init } from '../../bindings/index.js';
import { fft, periodogram, rfft } from '../../bindings/forecast/index.js';
import { randomVector } from '../helpers.js';

beforeAll(() => init());

function naiveDft(re: ArrayLike<number>, im: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outR = new Float64Array(n);
  const outI = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
      si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
    }
    outR[k] = sr;
    outI[k] = si;
  }
  return { re: outR, im: outI };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

const LENGTHS = [0, 1, 2, 3, 5, 7, 8, 12, 16, 31, 64, 97, 100, 365, 512, 730];

describe('fft', () => {
  it.each(LENGTHS)('n = %i: equals the naive DFT (error < 1e-11·Σ|x|) and inverts back', (n) => {
    const re = randomVector(n + 1, n);
    const im = randomVector(n + 1000, n);
    const want = naiveDft(re, im);
    const got = fft(re, im);
    const scale = Math.max(1, re.reduce((s, v) => s + Math.abs(v), 0) + im.reduce((s, v) => s + Math.abs(v), 0));
    expect(got.re.length).toBe(n);
    expect(maxDiff(got.re, want.re)).toBeLessThan(1e-11 * scale);
    expect(maxDiff(got.im, want.im)).toBeLessThan(1e-11 * scale);
    const back = fft(got.re, got.im, { inverse: true });
    expect(maxDiff(back.re, re)).toBeLessThan(1e-12 * scale);
    expect(maxDiff(back.im, im)).toBeLessThan(1e-12 * scale);
  });

  it('accepts plain arrays and leaves its inputs unchanged', () => {
    const re = [1, 2, 3];
    const im = [0, 0, 0];
    const { re: R, im: I } = fft(re, im);
    expect(R[0]).toBeCloseTo(6, 14);
    expect(I[0]).toBeCloseTo(0, 14);
    expect(re).toEqual([1, 2, 3]);
  });

  it('refuses mismatched lengths, non-finite values and unknown options', () => {
    expect(() => fft([1, 2], [0])).toThrow(ShapeError);
    expect(() => fft([1, 2], [0])).toThrow(/fft: im must have the length of re \(2\)/);
    expect(() => fft([1, NaN], [0, 0])).toThrow(NonFiniteError);
    expect(() => fft([1], [0], { inverse: 1 as unknown as boolean })).toThrow(ParameterError);
    expect(() => fft([1], [0], { invrese: true } as never)).toThrow(/invrese/);
  });
});

describe('rfft and periodogram', () => {
  it.each(LENGTHS)('n = %i: rfft is the first ⌊n/2⌋+1 bins of the naive DFT of real input', (n) => {
    const x = randomVector(n + 7, n);
    const want = naiveDft(x, new Float64Array(n));
    const got = rfft(x);
    const h = n === 0 ? 0 : Math.floor(n / 2) + 1;
    expect(got.re.length).toBe(h);
    const scale = Math.max(1, x.reduce((s, v) => s + Math.abs(v), 0));
    expect(maxDiff(got.re, want.re.subarray(0, h))).toBeLessThan(1e-11 * scale);
    expect(maxDiff(got.im, want.im.subarray(0, h))).toBeLessThan(1e-11 * scale);
  });

  it.each([1, 2, 9, 10, 365, 512])('n = %i: Parseval, counting the mirrored bins twice', (n) => {
    const x = randomVector(n, n);
    const P = periodogram(x);
    let total = P[0]!;
    for (let k = 1; k < P.length; k++) total += n % 2 === 0 && k === n / 2 ? P[k]! : 2 * P[k]!;
    const energy = x.reduce((s, v) => s + v * v, 0);
    expect(Math.abs(total - energy)).toBeLessThan(1e-10 * Math.max(1, energy));
  });

  it('a pure weekly cosine puts its power in the bin n/7', () => {
    const n = 700;
    const x = Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * t) / 7));
    const P = periodogram(x);
    const peak = P.indexOf(Math.max(...P));
    expect(peak).toBe(100);
    expect(P[100]!).toBeCloseTo(n / 4, 8);
  });

  it('refuses an empty periodogram and non-finite input', () => {
    expect(() => periodogram([])).toThrow(/periodogram: x must hold at least one value/);
    expect(() => rfft([0, Infinity])).toThrow(NonFiniteError);
  });
});
