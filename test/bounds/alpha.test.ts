import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, computeBounds, init, memoryStats, type BoundsRegion } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { forwardRef, randomNet } from './reference.js';

beforeAll(() => init());

function sampleBox(seed: number, lower: number[], upper: number[]): () => number[] {
  const u = uniforms(seed);
  return () => lower.map((l, i) => (u() < 0.2 ? (u() < 0.5 ? l : upper[i]!) : l + (upper[i]! - l) * u()));
}

describe("computeBounds method 'alpha-crown'", () => {
  it('is sound by sampling (10⁴ inputs) and never looser than CROWN; strictly tighter on some outputs', () => {
    let tighter = 0;
    const before = memoryStats().allocatedBytes;
    for (let seed = 1; seed <= 6; seed++) {
      const spec = randomNet(600 + seed, [4, 12, 12, 3], seed % 3 === 0 ? ['leaky-relu', 'relu'] : ['relu']);
      const u = uniforms(700 + seed);
      const c = Array.from({ length: 4 }, () => 2 * u() - 1);
      const lower = c.map((x) => x - 0.5), upper = c.map((x) => x + 0.5);
      const crown = computeBounds(spec, { lower, upper }, { method: 'crown' });
      const alpha = computeBounds(spec, { lower, upper }, { method: 'alpha-crown' });
      for (let j = 0; j < 3; j++) {
        expect(alpha.lower[j]).toBeGreaterThanOrEqual(crown.lower[j]! - 1e-12);
        expect(alpha.upper[j]).toBeLessThanOrEqual(crown.upper[j]! + 1e-12);
        if (alpha.upper[j]! - alpha.lower[j]! < crown.upper[j]! - crown.lower[j]! - 1e-6) tighter++;
      }
      const next = sampleBox(seed, lower, upper);
      for (let t = 0; t < 10_000; t++) {
        const x = next();
        forwardRef(spec, x).forEach((y, j) => {
          if (!(y >= alpha.lower[j]! - 1e-9 && y <= alpha.upper[j]! + 1e-9)) throw new Error(`output ${j} = ${y} outside [${alpha.lower[j]}, ${alpha.upper[j]}]`);
        });
      }
    }
    expect(tighter).toBeGreaterThan(3);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('with 0 iterations equals CROWN (the adaptive slopes are its starting point), also over balls and with C', () => {
    const spec = randomNet(61, [3, 8, 8, 2], ['relu', 'tanh']);
    const C = [[1, -1], [0.5, 2]];
    for (const region of [{ lower: [-1, 0, 0.2], upper: [0, 0.5, 0.9] }, { center: [0, 0.1, -0.2], radius: 0.4, norm: 2 }, { center: [0, 0.1, -0.2], radius: 0.4, norm: 1 }] as BoundsRegion[]) {
      const a = computeBounds(spec, region, { method: 'alpha-crown', alpha: { iterations: 0 }, C });
      const c = computeBounds(spec, region, { method: 'crown', C });
      for (let j = 0; j < 2; j++) {
        expect(a.lower[j]).toBeCloseTo(c.lower[j]!, 12);
        expect(a.upper[j]).toBeCloseTo(c.upper[j]!, 12);
      }
      const opt = computeBounds(spec, region, { method: 'alpha-crown', C });
      for (let j = 0; j < 2; j++) {
        expect(opt.lower[j]).toBeGreaterThanOrEqual(c.lower[j]! - 1e-12);
        expect(opt.upper[j]).toBeLessThanOrEqual(c.upper[j]! + 1e-12);
      }
    }
  });

  it('hand-computed 2-2-1 net: the optimal lower slopes are 0, so α-CROWN gives [0, 3]; options are validated', () => {
    // Lower lines α₁h₁ + α₂h₂ = α₁(x1 + x2) + α₂(x1 − x2) ≥ −2·max(α₁, α₂) over [−1, 1]²: best at α = 0.
    const spec = { input: 2, layers: [{ type: 'linear', weight: [[1, 1], [1, -1]] }, { type: 'relu' }, { type: 'linear', weight: [[1, 1]] }] } as const;
    const region = { lower: [-1, -1], upper: [1, 1] };
    const r = computeBounds(spec as never, region, { method: 'alpha-crown' });
    expect(r.lower[0]).toBeCloseTo(0, 12);
    expect(r.upper[0]).toBeCloseTo(3, 12);
    expect(() => computeBounds(spec as never, region, { method: 'alpha-crown', alpha: { lr: -1 } })).toThrow(
      new ParameterError('computeBounds: options.alpha.lr must be a finite number > 0 (got -1)'),
    );
    expect(() => computeBounds(spec as never, region, { method: 'alpha-crown', alpha: { iterations: 1.5 } })).toThrow(
      'computeBounds: options.alpha.iterations must be a non-negative integer (got 1.5)',
    );
  });
});
