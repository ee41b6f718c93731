import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, allocF64, convolutionalBarycenter, init, memoryStats } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { firstBitDifference, sum, uniforms } from '../helpers.js';

beforeAll(() => init());

/** float32 unit roundoff. */
const U32 = 2 ** -24;

/** The 1-D Gaussian kernel of the grid axis (f64 from otGaussianKernel1d) and its f32 rounding (otToF32). */
function axisKernels(n: number, reg: number): { k64: Float64Array; k32: Float32Array; zeros: number } {
  const x = wasm('test');
  const Kb = allocF64(n * n);
  const K32 = allocF64(Math.ceil((n * n) / 2));
  try {
    x.otGaussianKernel1d(n, reg, n > 1 ? (n - 1) ** 2 : 1, 0, Kb.ptr);
    const zeros = x.otToF32(Kb.ptr, n * n, K32.ptr);
    return { k64: Kb.toArray(), k32: new Float32Array(x.memory.buffer, K32.ptr, n * n).slice(), zeros };
  } finally {
    Kb.free();
    K32.free();
  }
}

/** Kr · X · Kc in f64 from the given kernel entries (plain TS, the definition). */
function separable(Kr: ArrayLike<number>, Kc: ArrayLike<number>, X: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const T = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += X[r * cols + j]! * Kc[j * cols + k]!;
    T[r * cols + k] = s;
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += Kr[i * rows + r]! * T[r * cols + k]!;
    out[i * cols + k] = s;
  }
  return out;
}

function blob(seed: number, rows: number, cols: number): Float64Array {
  const u = uniforms(seed);
  const ci = u() * (rows - 1);
  const ck = u() * (cols - 1);
  const h = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) {
    const v = Math.exp(-((i - ci) ** 2 + (k - ck) ** 2) / 6) + 0.02 * u();
    h[i * cols + k] = u() < 0.1 ? 0 : v;
  }
  const t = sum(h);
  return h.map((x) => x / t);
}

/** Largest |p − q| / q over the entries (q > 0). */
function entrywise(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let e = 0;
  for (let k = 0; k < q.length; k++) e = Math.max(e, Math.abs(p[k]! - q[k]!) / q[k]!);
  return e;
}

describe('otConvolve2dF32 (the f32 separable convolution) against the f64 product of the same f32 kernels', () => {
  // Shapes with every tail: 1 pixel, one row / column, cols mod 8 in {1, 5, 7}, rows mod 4 ≠ 0, and
  // rows / cols > 32 (several blocks of the sum).
  for (const [rows, cols] of [[1, 1], [1, 5], [6, 1], [5, 7], [13, 37], [40, 9], [70, 33], [8, 16]] as const) {
    it(`${rows} × ${cols}: every entry within 67·2⁻²⁴ relative; otMatMulF32x4 entries within 33·2⁻²⁴`, () => {
      const x = wasm('test');
      const N = rows * cols;
      const g = uniforms(rows * 100 + cols);
      const reg = 0.05;
      const r = axisKernels(rows, reg);
      const c = axisKernels(cols, reg);
      const X = Float64Array.from({ length: N }, () => (g() < 0.1 ? 0 : 0.01 + g()));
      const [Kr, Kc, Xb, xf, tmp, out] = [allocF64(Math.ceil((rows * rows) / 2)), allocF64(Math.ceil((cols * cols) / 2)), allocF64(X), allocF64(Math.ceil(N / 2)), allocF64(N), allocF64(N)];
      try {
        new Float32Array(x.memory.buffer, Kr.ptr, rows * rows).set(r.k32);
        new Float32Array(x.memory.buffer, Kc.ptr, cols * cols).set(c.k32);
        x.otConvolve2dF32(Kr.ptr, Kc.ptr, Xb.ptr, rows, cols, xf.ptr, tmp.ptr, out.ptr);
        const want = separable(r.k32, c.k32, X, rows, cols);
        const got = out.toArray();
        for (let k = 0; k < N; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(67 * U32 * want[k]!);
        // the first pass alone: T = fl32(X)·Kc against f64 sums of the same f32 inputs
        x.otMatMulF32x4(xf.ptr, rows, cols, Kc.ptr, cols, tmp.ptr); // xf holds fl32(T) now: use it as the input
        const A = new Float32Array(x.memory.buffer, xf.ptr, N).slice();
        const T = tmp.toArray();
        for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) {
          let s = 0;
          for (let j = 0; j < cols; j++) s += A[i * cols + j]! * c.k32[j * cols + k]!;
          expect(Math.abs(T[i * cols + k]! - s)).toBeLessThanOrEqual(33 * U32 * s);
        }
        // the f64 kernels' product is within 4e-6 + the kernels' own rounding (half an f32 ulp)
        const exact = separable(r.k64, c.k64, X, rows, cols);
        for (let k = 0; k < N; k++) expect(Math.abs(got[k]! - exact[k]!)).toBeLessThanOrEqual(69 * U32 * exact[k]! + 1e-300);
      } finally {
        for (const b of [Kr, Kc, Xb, xf, tmp, out]) b.free();
      }
    });
  }

  it('otToF32 counts the entries that underflow in f32 only', () => {
    const x = wasm('test');
    const src = allocF64(Float64Array.from([1, 1e-40, 1e-50, 0, 3e-45, 1e-46]));
    const dst = allocF64(3);
    try {
      expect(x.otToF32(src.ptr, 6, dst.ptr)).toBe(2); // 1e-50 and 1e-46 (below half the smallest subnormal, 7e-46)
      expect(Array.from(new Float32Array(x.memory.buffer, dst.ptr, 6))).toEqual([1, Math.fround(1e-40), 0, 0, Math.fround(3e-45), 0]);
    } finally {
      src.free();
      dst.free();
    }
  });
});

describe("convolutionalBarycenter(…, { precision: 'f32' })", () => {
  for (const [rows, cols, nh, reg, seed] of [[20, 24, 3, 0.01, 1], [33, 17, 2, 0.004, 2], [9, 41, 4, 0.02, 3]] as const) {
    it(`${rows} × ${cols}, ${nh} images, reg ${reg}: converged barycenter within 1e-5 relative per entry of the f64 one, not the same bits`, () => {
      const imgs = Array.from({ length: nh }, (_, k) => blob(seed * 10 + k, rows, cols));
      const o = { reg, tol: 1e-9, maxIter: 20000 };
      const before = memoryStats().allocatedBytes;
      const r64 = convolutionalBarycenter(imgs, rows, cols, o);
      const r32 = convolutionalBarycenter(imgs, rows, cols, { ...o, precision: 'f32' });
      expect(memoryStats().allocatedBytes).toBe(before);
      expect([r32.method, r64.converged]).toEqual(['sinkhorn', true]);
      const e = entrywise(r32.barycenter, r64.barycenter);
      expect(e).toBeLessThan(1e-5);
      expect(firstBitDifference(r32.barycenter, r64.barycenter)).not.toBe(-1);
      expect(Math.abs(sum(r32.barycenter) - 1)).toBeLessThan(1e-6);
    });
  }

  it('kernelUnderflow counts the entries of the two 1-D kernels that are 0 in f32 (the run still converges to the f64 barycenter)', () => {
    // 33 × 17 at reg 0.004: exp(−d²/(0.004·32²)) is below the f32 range (~7e-46) from d = 21 on the long axis, never in f64.
    const imgs = [blob(5, 33, 17), blob(6, 33, 17)];
    const o = { reg: 0.004, tol: 1e-9, maxIter: 20000 };
    const r64 = convolutionalBarycenter(imgs, 33, 17, o);
    const r32 = convolutionalBarycenter(imgs, 33, 17, { ...o, precision: 'f32' });
    expect([r64.method, r32.method, r64.kernelUnderflow]).toEqual(['sinkhorn', 'sinkhorn', 0]);
    const zeros = axisKernels(33, 0.004).zeros + axisKernels(17, 0.004).zeros;
    expect(zeros).toBeGreaterThan(0);
    expect(r32.kernelUnderflow).toBe(zeros);
    expect(entrywise(r32.barycenter, r64.barycenter)).toBeLessThan(1e-5);
  });

  it('typed errors: f32 with method log, an unknown precision', () => {
    const img = [new Float64Array([0.5, 0.5])];
    expect(() => convolutionalBarycenter(img, 1, 2, { reg: 1, method: 'log', precision: 'f32' })).toThrow(ParameterError);
    expect(() => convolutionalBarycenter(img, 1, 2, { reg: 1, method: 'log', precision: 'f32' })).toThrow("convolutionalBarycenter: options.method must be 'sinkhorn' when options.precision is 'f32' (got \"log\")");
    expect(() => convolutionalBarycenter(img, 1, 2, { reg: 1, precision: 'f16' as 'f32' })).toThrow("convolutionalBarycenter: options.precision must be 'f64' or 'f32' (got \"f16\")");
  });
});
