import { beforeAll, describe, expect, it } from 'vitest';
import {
  NonFiniteError,
  ParameterError,
  ShapeError,
  allocF64,
  init,
  memoryStats,
  totalVariation1D,
  totalVariation2D,
} from '../../../bindings/index.js';
import { randomVector } from '../../helpers.js';

beforeAll(() => init());

/**
 * prox of t·λ·TV₂ by an independent route: FISTA on the dual, min_{|u|,|w| ≤ tλ} ½‖v − K_rᵀu − K_cᵀw‖²,
 * written here from the definitions; X = v − K_rᵀu − K_cᵀw. Run long enough for ~1e-10 accuracy.
 */
function tv2dDualRef(v: Float64Array, rows: number, cols: number, lam: number, iterations = 20000): Float64Array {
  const N = rows * cols;
  const nu = rows * (cols - 1);
  const nw = (rows - 1) * cols;
  const KT = (u: Float64Array, w: Float64Array): Float64Array => {
    const out = new Float64Array(N);
    for (let i = 0; i < rows; i++) for (let j = 0; j + 1 < cols; j++) {
      const e = u[i * (cols - 1) + j]!;
      out[i * cols + j]! -= e;
      out[i * cols + j + 1]! += e;
    }
    for (let i = 0; i + 1 < rows; i++) for (let j = 0; j < cols; j++) {
      const e = w[i * cols + j]!;
      out[i * cols + j]! -= e;
      out[(i + 1) * cols + j]! += e;
    }
    return out;
  };
  let u = new Float64Array(nu);
  let w = new Float64Array(nw);
  let uy = u.slice();
  let wy = w.slice();
  let theta = 1;
  const step = 1 / 8; // ‖K‖² ≤ 8 for 2-D forward differences
  for (let it = 0; it < iterations; it++) {
    const X = KT(uy, wy).map((s, i) => v[i]! - s); // residual x = v − Kᵀu
    // gradient of ½‖v − Kᵀu‖² w.r.t. u is −K x
    const un = new Float64Array(nu);
    const wn = new Float64Array(nw);
    for (let i = 0; i < rows; i++) for (let j = 0; j + 1 < cols; j++) {
      const g = -(X[i * cols + j + 1]! - X[i * cols + j]!);
      un[i * (cols - 1) + j] = Math.max(-lam, Math.min(lam, uy[i * (cols - 1) + j]! - step * g));
    }
    for (let i = 0; i + 1 < rows; i++) for (let j = 0; j < cols; j++) {
      const g = -(X[(i + 1) * cols + j]! - X[i * cols + j]!);
      wn[i * cols + j] = Math.max(-lam, Math.min(lam, wy[i * cols + j]! - step * g));
    }
    const thetaN = (1 + Math.sqrt(1 + 4 * theta * theta)) / 2;
    const beta = (theta - 1) / thetaN;
    uy = un.map((a, i) => a + beta * (a - u[i]!));
    wy = wn.map((a, i) => a + beta * (a - w[i]!));
    [u, w, theta] = [un, wn, thetaN];
  }
  return KT(u, w).map((s, i) => v[i]! - s);
}

const objective = (x: Float64Array, v: Float64Array, rows: number, cols: number, lam: number) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - v[i]!) ** 2 / 2;
  return s + totalVariation2D(lam, rows, cols).value(x);
};

describe('totalVariation2D', () => {
  it('prox matches an independent dual FISTA solution on random images, with a certified gap', () => {
    for (const [seed, rows, cols, lam] of [[1, 6, 5, 0.3], [2, 8, 8, 1], [3, 3, 9, 0.05]] as const) {
      const v = randomVector(seed, rows * cols);
      const op = totalVariation2D(lam, rows, cols, { tol: 1e-12, maxIter: 20000 });
      const x = op.prox(v);
      expect([op.last!.converged, op.last!.stopped]).toEqual([true, 'converged']);
      expect(op.last!.certificate.name).toBe('duality gap');
      expect(op.last!.certificate.value).toBeGreaterThanOrEqual(0);
      const ref = tv2dDualRef(v, rows, cols, lam);
      for (let i = 0; i < v.length; i++) expect(Math.abs(x[i]! - ref[i]!)).toBeLessThan(1e-6);
      // The gap bounds the suboptimality against the reference point.
      expect(objective(x, v, rows, cols, lam) - objective(ref, v, rows, cols, lam)).toBeLessThanOrEqual(op.last!.certificate.value + 1e-12);
      expect(op.last!.objective).toBeCloseTo(objective(x, v, rows, cols, lam), 10);
    }
  });

  it('t scales λ: prox(v, t) of λ·TV equals prox(v, 1) of tλ·TV', () => {
    const v = randomVector(9, 7 * 6);
    const a = totalVariation2D(0.4, 7, 6, { tol: 1e-13, maxIter: 20000 }).prox(v, 2.5);
    const b = totalVariation2D(1, 7, 6, { tol: 1e-13, maxIter: 20000 }).prox(v, 1);
    for (let i = 0; i < v.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 8);
  });

  it('a single row (or column) is the exact 1-D TV prox, converged after one sweep', () => {
    const v = randomVector(5, 40);
    const want = totalVariation1D(0.7).prox(v);
    for (const [r, c] of [[1, 40], [40, 1]] as const) {
      const op = totalVariation2D(0.7, r, c);
      const x = op.prox(v);
      for (let i = 0; i < 40; i++) expect(x[i]).toBeCloseTo(want[i]!, 12);
      expect(op.last!.iterations).toBeLessThanOrEqual(5);
      expect(op.last!.converged).toBe(true);
    }
  });

  it('edge cases: λ = 0 is the identity; a constant image is a fixed point; empty images; F64Buffer in place', () => {
    const v = randomVector(6, 12);
    expect(Array.from(totalVariation2D(0, 3, 4).prox(v))).toEqual(Array.from(v));
    const flat = new Float64Array(12).fill(3.5);
    expect(Array.from(totalVariation2D(2, 4, 3).prox(flat))).toEqual(Array.from(flat));
    expect(totalVariation2D(1, 0, 5).prox([]).length).toBe(0);
    const buf = allocF64(v);
    try {
      const op = totalVariation2D(0.5, 3, 4, { tol: 1e-12, maxIter: 10000 });
      const want = op.prox(v);
      expect(op.prox(buf, 1, buf)).toBe(buf);
      for (let i = 0; i < 12; i++) expect(buf.view()[i]).toBeCloseTo(want[i]!, 12);
    } finally {
      buf.free();
    }
    const op = totalVariation2D(1, 2, 2);
    expect(op.properties).toEqual({ convex: true, separable: false, prox: 'iterative', indicator: false });
    expect(op.value([0, 1, 3, 3])).toBe(1 + 0 + 3 + 2);
    expect(op.last).toBe(null);
  });

  it('errors name the function and argument; memory stays flat', () => {
    const before = memoryStats().allocatedBytes;
    const cases: [() => unknown, new (...a: never[]) => Error, string][] = [
      [() => totalVariation2D(-1, 2, 2), ParameterError, 'totalVariation2D: lambda must be'],
      [() => totalVariation2D(1, 2.5, 2), ParameterError, 'totalVariation2D: rows must be a non-negative integer (got 2.5)'],
      [() => totalVariation2D(1, 2, -2), ParameterError, 'totalVariation2D: cols must be a non-negative integer (got -2)'],
      [() => totalVariation2D(1, 2, 2, { maxIter: 0 }), ParameterError, 'totalVariation2D: options.maxIter must be an integer >= 1 (got 0)'],
      [() => totalVariation2D(1, 2, 2, { tol: -1 }), ParameterError, 'totalVariation2D: options.tol must be >= 0 (got -1)'],
      [() => totalVariation2D(1, 2, 2).prox([1, 2, 3]), ShapeError, 'totalVariation2D(1, 2, 2).prox'],
      [() => totalVariation2D(1, 2, 2).prox([1, 2, NaN, 4]), NonFiniteError, 'totalVariation2D(1, 2, 2).prox: v must be finite (got NaN at index 2)'],
      [() => totalVariation2D(1, 2, 2).prox([1, 2, 3, 4], 0), ParameterError, 'totalVariation2D(1, 2, 2).prox: t must be'],
    ];
    for (const [call, cls, message] of cases) {
      expect(call).toThrow(cls);
      expect(call).toThrow(message);
    }
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});

describe('the tv demo section (photograph, PGM loader, PNG/SVG writer)', () => {
  it('parses the embedded PGM, writes a PNG that inflates back to the pixels, and the section improves PSNR', async () => {
    const { inflateSync } = await import('node:zlib');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { parsePgm, grayPng, psnr, tvDemo } = await import('../../../bindings/demo/tv.js');
    const boats = (await import('../../../data/images/nagasaki-boats-256.pgm')).default;
    const img = parsePgm(boats);
    expect([img.rows, img.cols, img.maxval]).toEqual([256, 256, 255]);
    expect(img.pixels.length).toBe(65536);
    expect(() => parsePgm(new TextEncoder().encode('P2\n2 2\n255\n'))).toThrow('parsePgm: not an 8-bit binary PGM');
    const px = [0, 17, 255, 300, -4, 128];
    const png = grayPng(px, 2, 3);
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    // IDAT starts after the 8-byte signature and the 25-byte IHDR chunk.
    const len = new DataView(png.buffer, png.byteOffset).getUint32(33);
    const raw = inflateSync(png.subarray(41, 41 + len));
    expect(Array.from(raw)).toEqual([0, 0, 17, 255, 0, 255, 0, 128]);
    expect(psnr([1, 2], [1, 2])).toBe(Infinity);
    const dir = mkdtempSync(join(tmpdir(), 'proxkit-tv-'));
    try {
      const lines: string[] = [];
      await tvDemo.run({ seed: 7, log: (l) => lines.push(l), figures: dir });
      const m = lines.join('\n').match(/noisy ([\d.]+) dB → denoised ([\d.]+) dB/)!;
      expect(Number(m[2])).toBeGreaterThan(Number(m[1]) + 3);
      expect(lines.join('\n')).toContain('converged');
      const svg = readFileSync(join(dir, 'proxkit-tv-denoise.svg'), 'utf8');
      expect(svg.match(/data:image\/png;base64,/g)!.length).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
