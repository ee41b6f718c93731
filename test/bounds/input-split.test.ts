/**
 * verifyNetwork's choice of input-split coordinate ('widest', 'gradient', 'strong'): every choice
 * must give the verdict of a brute-force grid on small ReLU nets, with counterexamples that a
 * plain-TS forward pass confirms; the option is validated.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, init, memoryStats, verifyNetwork } from '../../bindings/index.js';
import { compileRef, randomNet } from './reference.js';

beforeAll(() => init());

describe('verifyNetwork inputSplit', () => {
  it('every split rule agrees with a grid over [−1, 1]³ on y0 − y1 ≥ t (ReLU splits off, so only input splits decide)', () => {
    const before = memoryStats().allocatedBytes;
    const G = 40;
    let verified = 0, falsified = 0;
    for (let seed = 1; seed <= 3; seed++) {
      const spec = randomNet(3100 + seed, [3, 10, 10, 2]);
      const f = compileRef(spec);
      let m = Infinity;
      for (let i = 0; i <= G; i++) for (let j = 0; j <= G; j++) for (let k = 0; k <= G; k++) {
        const y = f([-1 + (2 * i) / G, -1 + (2 * j) / G, -1 + (2 * k) / G]);
        m = Math.min(m, y[0]! - y[1]!);
      }
      for (const t of [m - 0.1, m + 0.1]) {
        for (const inputSplit of ['widest', 'gradient', 'strong'] as const) {
          const r = verifyNetwork(spec, { lower: [-1, -1, -1], upper: [1, 1, 1] }, { C: [[1, -1]], d: [-t] }, { inputSplit, reluSplitAfter: Infinity, pgd: { restarts: 0 }, timeout: 30 });
          if (t < m) {
            expect(r.verdict, `${inputSplit} seed ${seed}`).toBe('verified');
            verified++;
          } else {
            expect(r.verdict, `${inputSplit} seed ${seed}`).toBe('falsified');
            const x = Array.from(r.counterexample!.x);
            for (const v of x) expect(Math.abs(v)).toBeLessThanOrEqual(1);
            const y = f(x);
            expect(y[0]! - y[1]! - t).toBeLessThan(0);
            falsified++;
          }
        }
      }
    }
    expect([verified, falsified]).toEqual([9, 9]);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it("'gradient' still splits a coordinate whose derivative vanishes at the box centres (the search stays complete)", () => {
    // y0 = relu(x0 − x1) + relu(x0 + x1) = max(2·x0, x0 + x1) on [0, 1]²: at the centre of many boxes ∂y0/∂x1 = 0,
    // and IBP closes "y0 ≤ 2.5" only once both sides are small enough.
    const spec = { input: 2, layers: [{ type: 'linear' as const, weight: [[1, -1], [1, 1]] }, { type: 'relu' as const }, { type: 'linear' as const, weight: [[1, 1], [1, -1]] }] };
    for (const inputSplit of ['widest', 'gradient', 'strong'] as const) {
      const r = verifyNetwork(spec, { lower: [0, 0], upper: [1, 1] }, { C: [[-1, 0]], d: [2.5] }, { method: 'ibp', inputSplit, reluSplitAfter: Infinity, timeout: 10 });
      expect([inputSplit, r.verdict]).toEqual([inputSplit, 'verified']);
    }
  });

  it('refuses an unknown rule', () => {
    expect(() => verifyNetwork(randomNet(1, [2, 3, 1]), { lower: [0, 0], upper: [1, 1] }, { C: [[1]] }, { inputSplit: 'random' as never })).toThrow(
      new ParameterError(`verifyNetwork: options.inputSplit must be 'widest', 'gradient' or 'strong' (got "random")`),
    );
  });
});
