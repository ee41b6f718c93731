import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, allocF64, barycenter, convolutionalBarycenter, costMatrix, init, memoryStats } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { sum, uniforms } from '../helpers.js';

beforeAll(() => init());

/** Pixel centres of a rows × cols grid on [0, 1]² (POT's linspace(0, 1, n) per axis), row-major. */
function gridPoints(rows: number, cols: number): Float64Array {
  const P = new Float64Array(rows * cols * 2);
  for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) {
    P[(i * cols + k) * 2] = rows > 1 ? i / (rows - 1) : 0;
    P[(i * cols + k) * 2 + 1] = cols > 1 ? k / (cols - 1) : 0;
  }
  return P;
}

/** The dense Gibbs kernel exp(−M/reg) of the grid's squared Euclidean cost (built from costMatrix and Math.exp). */
function denseK(rows: number, cols: number, reg: number): { M: Float64Array; K: Float64Array } {
  const P = gridPoints(rows, cols);
  const M = costMatrix(P, P, { dim: 2 });
  return { M, K: M.map((c) => Math.exp(-c / reg)) };
}

function denseKv(K: Float64Array, v: ArrayLike<number>): Float64Array {
  const N = v.length;
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < N; j++) s += K[i * N + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

/** A normalised random image: a blob of mass around a random centre plus sparse zeros. */
function blob(seed: number, rows: number, cols: number, zeros = true): Float64Array {
  const u = uniforms(seed);
  const ci = u() * (rows - 1);
  const ck = u() * (cols - 1);
  const h = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) {
    const v = Math.exp(-((i - ci) ** 2 + (k - ck) ** 2) / 3) + 0.05 * u();
    h[i * cols + k] = zeros && u() < 0.2 ? 0 : v;
  }
  const t = sum(h);
  return h.map((x) => x / t);
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

describe('separable grid convolution kernels', () => {
  it('otConvolve2d equals the dense K·v with K = exp(−costMatrix(grid)/reg), odd/even/1-pixel shapes', () => {
    const x = wasm('test');
    for (const [rows, cols] of [[1, 1], [1, 5], [4, 1], [3, 4], [5, 7], [8, 8]] as const) {
      for (const reg of [0.05, 1]) {
        const N = rows * cols;
        const v = Float64Array.from({ length: N }, (_, i) => uniforms(N + i)() + (i % 3 === 0 ? 0 : 0.5));
        const Kr = allocF64(rows * rows);
        const Kc = allocF64(cols * cols);
        const scale = (n: number) => (n > 1 ? (n - 1) ** 2 : 1);
        expect(x.otGaussianKernel1d(rows, reg, scale(rows), 0, Kr.ptr)).toBe(0);
        expect(x.otGaussianKernel1d(cols, reg, scale(cols), 0, Kc.ptr)).toBe(0);
        const vb = allocF64(v);
        const tmp = allocF64(N);
        const out = allocF64(N);
        x.otConvolve2d(Kr.ptr, Kc.ptr, vb.ptr, rows, cols, tmp.ptr, out.ptr);
        const want = denseKv(denseK(rows, cols, reg).K, v);
        const got = out.toArray();
        expect(maxAbsDiff(got, want)).toBeLessThan(1e-13 * Math.max(...want));
        // log form: log Σ exp(L + log v) equals log(K v), with −∞ (zero) entries in v
        const lv = allocF64(v.map(Math.log));
        const Lr = allocF64(rows * rows);
        const Lc = allocF64(cols * cols);
        x.otGaussianKernel1d(rows, reg, scale(rows), 1, Lr.ptr);
        x.otGaussianKernel1d(cols, reg, scale(cols), 1, Lc.ptr);
        const sc = allocF64(cols);
        x.otLogConvolve2d(Lr.ptr, Lc.ptr, lv.ptr, rows, cols, tmp.ptr, sc.ptr, out.ptr);
        const lg = out.toArray();
        for (let i = 0; i < N; i++) expect(Math.abs(lg[i]! - Math.log(want[i]!))).toBeLessThan(1e-13);
        for (const b of [Kr, Kc, vb, tmp, out, lv, Lr, Lc, sc]) b.free();
      }
    }
  });

  it('otGaussianKernel1d counts entries that underflow to 0 (small reg), and its log form never does', () => {
    const x = wasm('test');
    const n = 16;
    const K = allocF64(n * n);
    // exp(−(i−j)²/(reg·225)) underflows below ~exp(−745): (i−j)²/(reg·225) > 745 ⟺ |i−j| ≥ 5 at reg = 1e-4
    const zeros = x.otGaussianKernel1d(n, 1e-4, 225, 0, K.ptr);
    let want = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (Math.exp(-((i - j) ** 2) / (1e-4 * 225)) === 0) want++;
    expect(zeros).toBe(want);
    expect(zeros).toBeGreaterThan(0);
    expect(x.otGaussianKernel1d(n, 1e-4, 225, 1, K.ptr)).toBe(0);
    K.free();
  });
});

describe('convolutionalBarycenter', () => {
  const rows = 5;
  const cols = 6;
  const imgs = [blob(1, rows, cols), blob(2, rows, cols), blob(3, rows, cols)];

  it('equals the dense barycenter(...) with the grid cost and the same reg to 1e-10 (uniform and random weights, both methods)', () => {
    const { M } = denseK(rows, cols, 0.05);
    for (const weights of [undefined, [0.2, 0.5, 0.3]]) {
      const dense = barycenter(imgs, M, { reg: 0.05, weights, method: 'log', tol: 1e-14, maxIter: 100000 });
      expect(dense.converged).toBe(true);
      for (const method of ['sinkhorn', 'log'] as const) {
        const r = convolutionalBarycenter(imgs, rows, cols, { reg: 0.05, weights, method, tol: 1e-14, maxIter: 100000 });
        expect(r.converged).toBe(true);
        expect(r.method).toBe(method);
        expect(r.warning).toBeUndefined();
        expect(maxAbsDiff(r.barycenter, dense.barycenter)).toBeLessThan(1e-10);
        expect(Math.abs(sum(r.barycenter) - 1)).toBeLessThan(1e-10); // mass 1
        expect(r.barycenter.every((q) => q >= 0)).toBe(true);
      }
    }
  });

  it('one-hot weights give the closed form q = K(h ⊘ K1): a blurred copy of the image, not the image', () => {
    const reg = 0.02;
    const { K } = denseK(rows, cols, reg);
    const h = imgs[1]!;
    const K1 = denseKv(K, new Float64Array(rows * cols).fill(1));
    const want = denseKv(K, h.map((v, i) => v / K1[i]!));
    const r = convolutionalBarycenter(imgs, rows, cols, { reg, weights: [0, 1, 0], tol: 1e-14 });
    expect(r.converged).toBe(true);
    expect(maxAbsDiff(r.barycenter, want)).toBeLessThan(1e-13);
    expect(maxAbsDiff(r.barycenter, h)).toBeGreaterThan(1e-3); // blur is visible at this reg
  });

  it('a single image of one pixel is its own barycenter; identical images give the same as one of them', () => {
    expect(convolutionalBarycenter([[1]], 1, 1, { reg: 1 }).barycenter[0]).toBeCloseTo(1, 14);
    const a = convolutionalBarycenter([imgs[0]!], rows, cols, { reg: 0.05, tol: 1e-14 }).barycenter;
    const b = convolutionalBarycenter([imgs[0]!, imgs[0]!], rows, cols, { reg: 0.05, tol: 1e-14 }).barycenter;
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-14);
  });

  it('two translated blobs on 16 × 16 (small reg): the barycenter sits halfway (the Wasserstein, not the Euclidean, mean)', () => {
    const n = 16;
    const dot = (ci: number, ck: number) => {
      const h = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) h[i * n + k] = Math.exp(-((i - ci) ** 2 + (k - ck) ** 2) / 2);
      const t = sum(h);
      return h.map((v) => v / t);
    };
    const r = convolutionalBarycenter([dot(3, 3), dot(11, 11)], n, n, { reg: 0.002, tol: 1e-9 });
    expect(r.converged).toBe(true);
    let mi = 0;
    let mk = 0;
    r.barycenter.forEach((q, p) => {
      mi += q * Math.floor(p / n);
      mk += q * (p % n);
    });
    expect(Math.abs(mi - 7)).toBeLessThan(0.05);
    expect(Math.abs(mk - 7)).toBeLessThan(0.05);
    // mass concentrates at the midpoint, not at the two ends (the Euclidean mean would be bimodal)
    expect(r.barycenter[7 * n + 7]!).toBeGreaterThan(50 * r.barycenter[3 * n + 3]!);
  });

  it('tiny reg: scalings underflow → falls back to log with a warning; finite, mass 1, equal to method log', () => {
    const n = 10;
    // disjoint supports in opposite corners: the mass must travel ~9 pixels, exp(−81/(reg·81)) underflows
    const corner = (c: number) => {
      const h = new Float64Array(n * n);
      for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) h[Math.abs(c - i) * n + Math.abs(c - k)] = 1 + i + 2 * k;
      const t = sum(h);
      return h.map((v) => v / t);
    };
    const a = corner(0);
    const b = corner(n - 1);
    const reg = 2e-4;
    const r = convolutionalBarycenter([a, b], n, n, { reg, maxIter: 1000, tol: 1e-9 });
    expect(r.method).toBe('log');
    expect(r.warning).toMatch(/^convolutionalBarycenter: method 'sinkhorn' under\/overflowed .* fell back to method 'log'/);
    expect(r.barycenter.every(Number.isFinite)).toBe(true);
    const l = convolutionalBarycenter([a, b], n, n, { reg, method: 'log', maxIter: 1000, tol: 1e-9 });
    expect(maxAbsDiff(r.barycenter, l.barycenter)).toBe(0);
    expect(Math.abs(sum(l.barycenter) - 1)).toBeLessThan(1e-3); // slow at this reg: 1 − 4e-11 after 5000 iterations
    // the 1-D kernels themselves underflow at this reg: reported in 'sinkhorn'
    const s = convolutionalBarycenter([a, b], n, n, { reg: 0.001, maxIter: 5 });
    expect(s.method).toBe('sinkhorn');
    let want = 0; // |i − j| ≥ 8: 64/(0.001·81) ≈ 790 > 745, exp underflows; two 10 × 10 kernels
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (Math.exp(-((i - j) ** 2) / (0.001 * 81)) === 0) want += 2;
    expect(want).toBe(12);
    expect(s.kernelUnderflow).toBe(want);
  });

  it('onProgress can stop, an aborted signal ends the run, maxIter is reported', () => {
    const seen: number[] = [];
    const r = convolutionalBarycenter(imgs, rows, cols, { reg: 0.05, tol: 0, onProgress: (i) => { seen.push(i.iteration); return i.iteration < 21; } });
    expect(r.stopped).toBe('callback');
    expect(seen).toEqual([1, 11, 21]);
    const ctl = new AbortController();
    ctl.abort();
    expect(convolutionalBarycenter(imgs, rows, cols, { reg: 0.05, signal: ctl.signal }).stopped).toBe('aborted');
    const m = convolutionalBarycenter(imgs, rows, cols, { reg: 0.05, tol: 0, maxIter: 7 });
    expect(m.stopped).toBe('maxIter');
    expect(m.iterations).toBe(7);
    expect(m.warning).toMatch(/^not converged \(maxIter\) after 7 iterations/);
  });

  it('typed errors with messages; memory returns to its level', () => {
    const before = memoryStats().allocatedBytes;
    const fn = 'convolutionalBarycenter';
    const img = imgs[0]!;
    const cases: [() => unknown, new (...a: never[]) => Error, string][] = [
      [() => convolutionalBarycenter([], rows, cols, { reg: 1 }), ParameterError, `${fn}: images must be a non-empty array of images (got array of length 0)`],
      [() => convolutionalBarycenter([img], 0, cols, { reg: 1 }), ParameterError, `${fn}: rows must be a positive integer (got 0)`],
      [() => convolutionalBarycenter([img], rows, 2.5, { reg: 1 }), ParameterError, `${fn}: cols must be a positive integer (got 2.5)`],
      [() => convolutionalBarycenter([img], rows, cols, { reg: 0 }), ParameterError, `${fn}: options.reg must be > 0 (got 0)`],
      [() => convolutionalBarycenter([img], rows, cols, { reg: 1, method: 'x' as 'log' }), ParameterError, `${fn}: options.method must be 'sinkhorn' or 'log' (got "x")`],
      [() => convolutionalBarycenter([img, img.slice(1)], rows, cols, { reg: 1 }), ShapeError, `${fn}: images[1] must have rows × cols = 5 × 6 = 30 entries (got 29)`],
      [() => convolutionalBarycenter([img.map((v, i) => (i === 2 ? -0.1 : v))], rows, cols, { reg: 1 }), ParameterError, `${fn}: images[0] must be >= 0 entrywise (got -0.1 at index 2)`],
      [() => convolutionalBarycenter([img.map((v) => 2 * v)], rows, cols, { reg: 1 }), ParameterError, `${fn}: images[0] must sum to 1 within 1e-8 (got 2`],
      [() => convolutionalBarycenter([img.map((v, i) => (i === 3 ? NaN : v))], rows, cols, { reg: 1 }), NonFiniteError, `${fn}: images[0] must be finite (got NaN at index 3)`],
      [() => convolutionalBarycenter([img, img], rows, cols, { reg: 1, weights: [0.5, 0.6] }), ParameterError, `${fn}: options.weights must sum to 1 within 1e-8 (got 1.1)`],
      [() => convolutionalBarycenter([img, img], rows, cols, { reg: 1, weights: [1.5, -0.5] }), ParameterError, `${fn}: options.weights must be >= 0 entrywise (got -0.5 at index 1)`],
      [() => convolutionalBarycenter([img, img], rows, cols, { reg: 1, weights: [1] }), ShapeError, `${fn}: options.weights must have one entry per histogram = 2 (got 1)`],
    ];
    for (const [f, cls, msg] of cases) {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(cls);
      expect((err as Error).message.startsWith(msg)).toBe(true);
    }
    convolutionalBarycenter(imgs, rows, cols, { reg: 0.05, maxIter: 20 });
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
