// What the sinkhornBatch tests share: seeded histograms, and the check that a batch result equals a separate sinkhorn call.
import { expect } from 'vitest';
import type { SinkhornResult } from '../../bindings/index.js';
import { firstBitDifference, uniforms } from '../helpers.js';

/** `count` seeded histograms of length n, entries 0.05 + U(0, 1) normalised to sum 1. */
export function histogramList(seed: number, count: number, n: number): Float64Array[] {
  const u = uniforms(seed);
  return Array.from({ length: count }, () => {
    const h = Float64Array.from({ length: n }, () => 0.05 + u());
    const t = h.reduce((s, x) => s + x, 0);
    return h.map((x) => x / t);
  });
}

/** Every field of a batch result against a separate call, bit for bit (the warning names the function). */
export function expectSame(r: SinkhornResult<Float64Array | Float32Array>, one: SinkhornResult<Float64Array | Float32Array>): void {
  expect(firstBitDifference(r.plan, one.plan)).toBe(-1);
  for (const key of ['u', 'v', 'logU', 'logV'] as const) {
    expect(r[key] === undefined).toBe(one[key] === undefined);
    if (r[key]) expect(firstBitDifference(r[key], one[key]!)).toBe(-1);
  }
  expect(Object.is(r.cost, one.cost)).toBe(true);
  expect(Object.is(r.marginalError, one.marginalError)).toBe(true);
  expect(r.history).toEqual(one.history);
  expect([r.iterations, r.converged, r.stopped, r.method]).toEqual([one.iterations, one.converged, one.stopped, one.method]);
  expect(r.warning).toBe(one.warning?.replace('sinkhorn:', 'sinkhornBatch:'));
}
