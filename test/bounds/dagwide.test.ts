import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../bindings/index.js';
import { randomDag } from './reference.js';
import { boundsOf, checkAll, regions } from './soundness.js';

beforeAll(() => init());

// Kept apart from dag.test.ts: 10⁴ plain-TS forward passes through two 256-wide layers take seconds.
describe('computeBounds on a wide residual DAG: soundness by sampling', () => {
  it('one wide case: 5 → 256 → 256 (residual) → 3, box (10⁴ samples + 32 corners)', () => {
    const spec = randomDag(77, { input: 5, depth: 3, width: 256, out: 3 });
    expect(spec.layers.map((L) => L.type).filter((t) => t === 'linear').length).toBeGreaterThanOrEqual(3);
    let checked = 0;
    const rs = regions(78, 5, 0.3);
    for (const region of [rs[0]!]) checked += checkAll(spec, region, boundsOf(spec, region), 79, 10_000);
    expect(checked).toBe(10_000 + 32);
  });
});
