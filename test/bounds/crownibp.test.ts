import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, computeBounds, init, memoryStats } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { crownRef, flatten, forwardRef, randomNet } from './reference.js';

beforeAll(() => init());

function randomBox(seed: number, n: number, width: number): { lower: number[]; upper: number[] } {
  const u = uniforms(seed);
  const c = Array.from({ length: n }, () => 2 * u() - 1);
  const r = Array.from({ length: n }, () => width * (0.2 + u()));
  return { lower: c.map((x, i) => x - r[i]!), upper: c.map((x, i) => x + r[i]!) };
}

const width = (b: { lower: Float64Array; upper: Float64Array }): number => b.upper.reduce((s, v, j) => s + v - b.lower[j]!, 0);

describe("computeBounds: method 'crown-ibp'", () => {
  it('contains every sampled output (5000 inputs per box, box corners included) on seeded nets', () => {
    const before = memoryStats().allocatedBytes;
    for (let seed = 1; seed <= 8; seed++) {
      const acts = (['relu', 'tanh', 'sigmoid', 'leaky-relu'] as const)[seed % 4]!;
      const spec = randomNet(700 + seed, [3, 10, 8, 6, 2], [acts], 1.5);
      const box = randomBox(800 + seed, 3, 0.5);
      const b = computeBounds(spec, box, { method: 'crown-ibp' });
      const u = uniforms(seed);
      for (let s = 0; s < 5000; s++) {
        const x = box.lower.map((l, i) => (s < 8 ? ((s >> i) & 1 ? box.upper[i]! : l) : l + u() * (box.upper[i]! - l)));
        const y = forwardRef(spec, x);
        y.forEach((v, j) => {
          expect(v).toBeGreaterThanOrEqual(b.lower[j]! - 1e-9 * (1 + Math.abs(v)));
          expect(v).toBeLessThanOrEqual(b.upper[j]! + 1e-9 * (1 + Math.abs(v)));
        });
      }
    }
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('on ReLU nets: inside IBP per output, and between IBP and CROWN in total width', () => {
    let [wIbp, wMix, wCrown] = [0, 0, 0];
    let strictlyInsideIbp = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const spec = randomNet(100 + seed, [5, 16, 16, 16, 4]);
      const region = randomBox(200 + seed, 5, 0.3);
      const ibp = computeBounds(spec, region, { method: 'ibp' });
      const mix = computeBounds(spec, region, { method: 'crown-ibp' });
      const crown = computeBounds(spec, region, { method: 'crown' });
      for (let j = 0; j < 4; j++) {
        expect(mix.lower[j]).toBeGreaterThanOrEqual(ibp.lower[j]! - 1e-12);
        expect(mix.upper[j]).toBeLessThanOrEqual(ibp.upper[j]! + 1e-12);
        if (mix.upper[j]! - mix.lower[j]! < ibp.upper[j]! - ibp.lower[j]! - 1e-9) strictlyInsideIbp++;
      }
      wIbp += width(ibp);
      wMix += width(mix);
      wCrown += width(crown);
    }
    expect(strictlyInsideIbp).toBeGreaterThan(24);
    expect(wMix).toBeLessThan(wIbp);
    expect(wCrown).toBeLessThanOrEqual(wMix);
  });

  it('equals CROWN (the plain-TS reference) on one-hidden-layer ReLU nets, where IBP pre-activation boxes are exact', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const spec = randomNet(600 + seed, [4, 12, 3]);
      const { lower, upper } = randomBox(650 + seed, 4, 0.5);
      const mix = computeBounds(spec, { lower, upper }, { method: 'crown-ibp' });
      const ref = crownRef(flatten(spec), lower, upper);
      for (let j = 0; j < 3; j++) {
        expect(mix.lower[j]).toBeCloseTo(ref.lower[j]!, 10);
        expect(mix.upper[j]).toBeCloseTo(ref.upper[j]!, 10);
      }
    }
  });

  it('supports a specification matrix C and ball regions (sound by sampling)', () => {
    const spec = randomNet(41, [2, 8, 8, 3], ['relu']);
    const C = [[1, -1, 0], [0, 1, -1]];
    const b = computeBounds(spec, { center: [0.2, -0.1], radius: 0.4, norm: 2 }, { method: 'crown-ibp', C });
    const u = uniforms(5);
    for (let s = 0; s < 3000; s++) {
      const t = 2 * Math.PI * u(), r = 0.4 * Math.sqrt(u());
      const y = forwardRef(spec, [0.2 + r * Math.cos(t), -0.1 + r * Math.sin(t)]);
      const v = C.map((row) => row.reduce((acc, c, j) => acc + c * y[j]!, 0));
      v.forEach((z, i) => {
        expect(z).toBeGreaterThanOrEqual(b.lower[i]! - 1e-9);
        expect(z).toBeLessThanOrEqual(b.upper[i]! + 1e-9);
      });
    }
  });

  it('names crown-ibp among the methods in the error message', () => {
    expect(() => computeBounds(randomNet(1, [1, 2, 1]), { lower: [0], upper: [1] }, { method: 'cibp' as 'ibp' })).toThrow(
      new ParameterError(`computeBounds: options.method must be 'ibp', 'crown', 'alpha-crown' or 'crown-ibp' (got "cibp")`),
    );
  });
});
