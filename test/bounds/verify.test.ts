import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, init, memoryStats, verifyNetwork } from '../../bindings/index.js';
import { forwardRef, randomNet } from './reference.js';

beforeAll(() => init());

/** Minimum of y0 − y1 over a (G+1)² grid of [−1, 1]² (brute force, plain-TS forward pass). */
function gridMin(spec: Parameters<typeof forwardRef>[0], G: number): number {
  let m = Infinity;
  for (let i = 0; i <= G; i++) {
    for (let j = 0; j <= G; j++) {
      const y = forwardRef(spec, [-1 + (2 * i) / G, -1 + (2 * j) / G]);
      m = Math.min(m, y[0]! - y[1]!);
    }
  }
  return m;
}

describe('verifyNetwork (input-split branch and bound)', () => {
  it('agrees with a brute-force grid search on tiny nets: verified above the minimum, falsified below', () => {
    const box = { lower: [-1, -1], upper: [1, 1] };
    const C = [[1, -1]];
    for (let seed = 1; seed <= 6; seed++) {
      const spec = randomNet(500 + seed, [2, 8, 8, 2], seed % 2 ? ['relu'] : ['tanh', 'relu']);
      const m = gridMin(spec, 400);
      // y0 − y1 + d ≥ 0 with d = −m + 0.1: the true minimum is within Lipschitz·h ≪ 0.1 of the grid's.
      const ok = verifyNetwork(spec, box, { C, d: [-m + 0.1] }, { timeout: 20 });
      expect([ok.verdict, ok.stopped]).toEqual(['verified', 'converged']);
      expect(ok.nodes).toBeGreaterThan(0);
      // d = −m − 0.05: a grid point violates it, so a counterexample must exist; re-check it.
      const bad = verifyNetwork(spec, box, { C, d: [-m - 0.05] }, { timeout: 20 });
      expect(bad.verdict).toBe('falsified');
      const { x, values } = bad.counterexample!;
      expect(x[0]).toBeGreaterThanOrEqual(-1);
      expect(x[1]).toBeLessThanOrEqual(1);
      const y = forwardRef(spec, x);
      expect(y[0]! - y[1]! - m - 0.05).toBeLessThan(0);
      expect(values[0]).toBeCloseTo(y[0]! - y[1]! - m - 0.05, 12);
    }
  });

  it('returns unknown when the node budget runs out, and validates its options', () => {
    const spec = randomNet(42, [2, 8, 8, 2]);
    const m = gridMin(spec, 100);
    const before = memoryStats().allocatedBytes;
    // The centre (0, 0) is a grid point, so it satisfies the property by 1e-3; the root's bounds cannot
    // prove a 1e-3 margin on [−1, 1]², so one node leaves the question open.
    const prop = { C: [[1, -1]], d: [-m + 1e-3] };
    const r = verifyNetwork(spec, { lower: [-1, -1], upper: [1, 1] }, prop, { maxNodes: 1 });
    expect([r.verdict, r.stopped]).toEqual(['unknown', 'maxNodes']);
    expect(r.nodes).toBe(1);
    const ctl = new AbortController();
    ctl.abort();
    const aborted = verifyNetwork(spec, { lower: [-1, -1], upper: [1, 1] }, prop, { signal: ctl.signal });
    expect([aborted.verdict, aborted.stopped]).toEqual(['unknown', 'aborted']);
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(() => verifyNetwork(spec, { lower: [-1, -1], upper: [1, 1] }, { C: [[1, -1]] }, { timeout: 0 })).toThrow(
      new ParameterError('verifyNetwork: options.timeout must be a number of seconds > 0 (got 0)'),
    );
    expect(() => verifyNetwork(spec, { lower: [-1, -1], upper: [1, 1] }, { C: [[1, -1]], d: [1, 2] })).toThrow(
      'verifyNetwork: property.d must have length 1, the rows of C (got 2)',
    );
    expect(() => verifyNetwork(spec, { lower: [-1, -1], upper: [1, 1] }, { C: [] })).toThrow(ParameterError);
    expect(() => verifyNetwork(spec, { lower: [-1, -1], upper: [1, 1] }, { C: [[1, -1]], mode: 'some' as 'any' })).toThrow(
      new ParameterError(`verifyNetwork: property.mode must be 'all' or 'any' (got "some")`),
    );
  });

  it("mode 'any' proves that some row is positive everywhere, and its counterexample has every row ≤ 0", () => {
    // y = x on [−1, 1]: rows (x − 0.5, −x − 0.5) are both ≤ 0 on [−0.5, 0.5] → falsified;
    // rows (x + 0.1, −x + 0.1) have one positive row everywhere → verified; all-mode falsifies that pair.
    const id = { input: 1, layers: [{ type: 'linear' as const, weight: [[1]] }] };
    const box = { lower: [-1], upper: [1] };
    const bad = verifyNetwork(id, box, { C: [[1], [-1]], d: [-0.5, -0.5], mode: 'any' });
    expect(bad.verdict).toBe('falsified');
    const x = bad.counterexample!.x[0]!;
    expect(Math.abs(x)).toBeLessThanOrEqual(0.5);
    expect(Array.from(bad.counterexample!.values)).toEqual([x - 0.5, -x - 0.5]);
    expect(verifyNetwork(id, box, { C: [[1], [-1]], d: [0.1, 0.1], mode: 'any' }).verdict).toBe('verified');
    expect(verifyNetwork(id, box, { C: [[1], [-1]], d: [0.1, 0.1] }).verdict).toBe('falsified');
  });

  it('PGD finds a counterexample in a small corner before any split (falsifiable tiny net), seeded', () => {
    // y = relu(x0 + x1) on [−1, 1]²; property y ≤ 1.8 fails only where x0 + x1 > 1.8 (a corner of area 0.02).
    const net = { input: 2, layers: [{ type: 'linear' as const, weight: [[1, 1]] }, { type: 'relu' as const }] };
    const box = { lower: [-1, -1], upper: [1, 1] };
    const prop = { C: [[-1]], d: [1.8] };
    // With one node and no PGD the centre (0, 0) is safe and the root bound is not: unknown.
    expect(verifyNetwork(net, box, prop, { maxNodes: 1, pgd: { restarts: 0 } }).verdict).toBe('unknown');
    let found = 0;
    for (let seed = 0; seed < 6; seed++) {
      const r = verifyNetwork(net, box, prop, { maxNodes: 1, pgd: { seed, restarts: 3 } });
      if (r.verdict !== 'falsified') continue;
      found++;
      const x = r.counterexample!.x;
      expect(Math.max(Math.abs(x[0]!), Math.abs(x[1]!))).toBeLessThanOrEqual(1);
      expect(x[0]! + x[1]!).toBeGreaterThan(1.8); // re-checked from the definition, not the network code
      expect(r.counterexample!.values[0]).toBeCloseTo(1.8 - (x[0]! + x[1]!), 12);
      const again = verifyNetwork(net, box, prop, { maxNodes: 1, pgd: { seed, restarts: 3 } });
      expect(Array.from(again.counterexample!.x)).toEqual(Array.from(x));
    }
    expect(found).toBeGreaterThanOrEqual(5);
    expect(() => verifyNetwork(net, box, prop, { pgd: { restarts: -1 } })).toThrow(
      new ParameterError('verifyNetwork: options.pgd.restarts must be a non-negative integer (got -1)'),
    );
    expect(() => verifyNetwork(net, box, prop, { pgd: { steps: 0 } })).toThrow(
      new ParameterError('verifyNetwork: options.pgd.steps must be a positive integer (got 0)'),
    );
  });
});
