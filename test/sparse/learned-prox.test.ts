/** The public learned-proximal-network API: trainLearnedProx, learnedProx, LearnedProxNetwork. */
import { beforeAll, describe, expect, it } from 'vitest';
import { LearnedProxNetwork, ParameterError, ShapeError, admm, init, learnedProx, memoryStats, rng, sqrNormL2, trainLearnedProx, translated } from '../../bindings/index.js';
import { laplaceMmse, laplacePosteriorDraws, lpnDenoiseImage } from '../../bindings/sparse/lpn.js';

beforeAll(() => init());

/** n noisy y uniform on [−4, 4], each with K stratified draws from the Laplacian toy's posterior. */
function toy(n: number, K: number, seed: number): { X: Float64Array; Y: Float64Array } {
  const g = rng(seed);
  return laplacePosteriorDraws(n, K, 'uniform', 4, (k) => g.uniform(k), (k) => g.normal(k), true);
}

describe('trainLearnedProx and learnedProx', () => {
  it('the squared-error network approaches E[x | y] of the Laplacian toy; f is odd and monotone; prox is entrywise', () => {
    const { X, Y } = toy(4000, 16, 1);
    const grid = Float64Array.from({ length: 17 }, (_, i) => -4 + i * 0.5);
    const { network, losses } = trainLearnedProx({ data: Y, rows: Y.length, cols: 1 }, { data: X, rows: Y.length, cols: 16 }, {
      loss: 'l2', draws: 16, hidden: [16, 16], symmetric: true, inputScale: 5, epochs: 10, batchSize: 128, seed: 2,
    });
    expect(losses).toHaveLength(1);
    expect(network.dim).toBe(1);
    const P = learnedProx(network);
    const f = P.prox(grid) as Float64Array;
    // the MMSE by numerical integration (checked against the closed form in lpn.test.ts)
    const err = Math.max(...Array.from(f, (v, i) => Math.abs(v - laplaceMmse(grid[i]!))));
    expect(err).toBeLessThan(0.15);
    for (let i = 0; i < grid.length; i++) {
      expect(f[grid.length - 1 - i]!).toBeCloseTo(-f[i]!, 10);
      if (i > 0) expect(f[i]!).toBeGreaterThanOrEqual(f[i - 1]!);
      // entrywise: one entry at a time gives the same value
      expect((P.prox([grid[i]!]) as Float64Array)[0]).toBeCloseTo(f[i]!, 12);
    }
    const out = new Float64Array(grid.length);
    expect(P.prox(grid, 1, out)).toBe(out);
    // value is Σ R(xᵢ) with R the regulariser f is the prox of: f(y₀) beats nearby points on ½(x − y₀)² + R(x)
    expect(P.value(grid)).toBeCloseTo(Array.from(grid).reduce((a, x) => a + P.value([x]), 0), 8);
    expect(Math.abs(P.value(P.prox([0]) as Float64Array))).toBeLessThan(1e-9);
    for (const y0 of [-2, 0.7, 2.5]) {
      const xs = (P.prox([y0]) as Float64Array)[0]!;
      const obj = (x: number): number => 0.5 * (x - y0) ** 2 + P.value([x]);
      for (const h of [-0.5, -0.2, -0.05, 0.05, 0.2, 0.5]) expect(obj(xs)).toBeLessThan(obj(xs + h));
    }
    expect(() => P.prox(grid, 1, new Float64Array(3))).toThrow(ShapeError);
    network.free();
  });

  it('proximal matching from the absolute-error warm-up moves f towards the soft-threshold (MAP) and away from the MMSE near |y| = 1.5', () => {
    const { X, Y } = toy(1500, 32, 3);
    const opts = { draws: 32, hidden: [16, 16], symmetric: true, inputScale: 5, epochs: 3, batchSize: 128, seed: 4 } as const;
    const { network, losses } = trainLearnedProx([...Y].map((y) => [y]), { data: X, rows: Y.length, cols: 32 }, { ...opts, gammas: [0.5, 0.25] });
    expect(losses).toHaveLength(3);
    // at y = 1.5 the soft-threshold is 0.5 and E[x | y] ≈ 0.86: the MAP-type network lands nearer 0.5
    const f = (learnedProx(network).prox([1.5]) as Float64Array)[0]!;
    expect(Math.abs(f - 0.5)).toBeLessThan(Math.abs(f - laplaceMmse(1.5)));
    network.free();
  });

  it('with image, learnedProx is the patch denoiser; it works inside admm; freed networks and bad patches are refused', () => {
    const rows = 6;
    const cols = 7;
    const g = rng(5);
    const clean = g.uniform(400 * 4);
    const z = g.normal(clean.length);
    const noisy = clean.map((v, i) => v + 0.1 * z[i]!);
    const { network } = trainLearnedProx({ data: noisy, rows: 400, cols: 4 }, { data: clean, rows: 400, cols: 4 }, { loss: 'l2', hidden: [8], centre: true, epochs: 1, batchSize: 64 });
    const img = g.uniform(rows * cols);
    const D = learnedProx(network, { image: { rows, cols, patch: 2, stride: 2 } });
    expect(Array.from(D.prox(img) as Float64Array)).toEqual(Array.from(lpnDenoiseImage(network.lpn, img, rows, cols, 2, 2)));
    const r = admm(translated(sqrNormL2(1), img), D, { maxIter: 3, tol: 0 });
    expect(r.x.every(Number.isFinite)).toBe(true);
    expect(() => learnedProx(network, { image: { rows, cols, patch: 3 } })).toThrow(ParameterError);
    expect(() => learnedProx(network).prox([1, 2, 3])).toThrow(ShapeError);
    expect(Number.isNaN(D.value(img))).toBe(true);
    expect(Number.isNaN(learnedProx(network).value([1, 2, 3, 4]))).toBe(true);
    const before = memoryStats().allocatedBytes;
    network.free();
    network.free();
    expect(memoryStats().allocatedBytes).toBeLessThan(before);
    expect(() => learnedProx(network)).toThrow(ParameterError);
    expect(() => D.prox(img)).toThrow(ParameterError);
    expect(() => learnedProx({ dim: 1 } as unknown as LearnedProxNetwork)).toThrow(ParameterError);
  });

  it('refuses bad shapes and options with typed errors', () => {
    const Y = { data: new Float64Array(8), rows: 8, cols: 1 };
    expect(() => trainLearnedProx(Y, { data: new Float64Array(7), rows: 7, cols: 1 })).toThrow(ShapeError);
    expect(() => trainLearnedProx(Y, { data: new Float64Array(8), rows: 8, cols: 1 }, { draws: 2 })).toThrow(ShapeError);
    expect(() => trainLearnedProx({ data: new Float64Array(8), rows: 4, cols: 2 }, { data: new Float64Array(16), rows: 4, cols: 4 }, { draws: 2 })).toThrow(ParameterError);
    expect(() => trainLearnedProx(Y, Y, { loss: 'l3' as never })).toThrow(ParameterError);
    expect(() => trainLearnedProx(Y, Y, { gammas: [0.5, -1] })).toThrow(ParameterError);
    expect(() => trainLearnedProx(Y, Y, { gamma: [0.5] } as never)).toThrow(/did you mean options\.gammas/);
  });
});
