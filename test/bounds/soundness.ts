/** Test helpers of the bounds family: regions of every kind and a soundness check of every method by sampling. */
import { expect } from 'vitest';
import { computeBounds, parseNetwork, type BoundsRegion, type BoundsResult, type NetworkSpec } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { compileRef, sampler } from './reference.js';

export const METHODS = ['ibp', 'crown', 'crown-ibp', 'alpha-crown'] as const;
const TOL = 1e-9;

/** A box and L∞ / L2 / L1 balls around a seeded centre. */
export function regions(seed: number, n: number, r: number): BoundsRegion[] {
  const u = uniforms(seed);
  const c = Array.from({ length: n }, () => 2 * u() - 1);
  const w = c.map(() => r * (0.2 + u()));
  return [
    { lower: c.map((x, i) => x - w[i]!), upper: c.map((x, i) => x + w[i]!) },
    { center: c, radius: r, norm: 'inf' },
    { center: c, radius: 2 * r, norm: 2 },
    { center: c, radius: 3 * r, norm: 1 },
  ];
}

/**
 * `samples` points of the region (plus, for a box, up to 512 of its corners — all of them when there
 * are fewer), each pushed through the plain-TS forward pass once and checked against every method's
 * bounds. Returns the number of points checked.
 */
export function checkAll(spec: NetworkSpec, region: BoundsRegion, bounds: Record<string, BoundsResult>, seed: number, samples: number): number {
  const f = compileRef(spec);
  const n = typeof spec.input === 'number' ? spec.input : spec.input.reduce((a, b) => a * b, 1);
  const next = sampler(seed, region, n);
  const points: (() => ArrayLike<number>)[] = [next];
  let corners = 0;
  if ('lower' in region) {
    const u = uniforms(seed + 1);
    const all = n <= 9;
    corners = all ? 1 << n : 512;
    let c = 0;
    points.push(() => {
      const mask = c++;
      return Array.from({ length: n }, (_, i) => ((all ? (mask >> i) & 1 : u() < 0.5) ? region.upper[i]! : region.lower[i]!));
    });
  }
  let checked = 0;
  const entries = Object.entries(bounds);
  for (let s = 0; s < samples + corners; s++) {
    const x = (s < samples ? points[0] : points[1])!();
    const y = f(x);
    for (const [m, b] of entries) {
      for (let j = 0; j < y.length; j++) {
        const v = y[j]!;
        const slack = TOL * (1 + Math.abs(v));
        if (!(v >= b.lower[j]! - slack && v <= b.upper[j]! + slack)) throw new Error(`${m}: output ${j} = ${v} outside [${b.lower[j]}, ${b.upper[j]}]`);
      }
    }
    checked++;
  }
  return checked;
}

export function boundsOf(spec: NetworkSpec, region: BoundsRegion): Record<string, BoundsResult> {
  const net = parseNetwork(spec);
  const out: Record<string, BoundsResult> = {};
  for (const method of METHODS) out[method] = computeBounds(net, region, { method, alpha: { iterations: 8 } });
  // α-CROWN starts from CROWN's slopes and keeps its best iterate: never looser.
  for (let j = 0; j < net.output; j++) {
    expect(out['alpha-crown']!.lower[j]).toBeGreaterThanOrEqual(out.crown!.lower[j]! - 1e-12);
    expect(out['alpha-crown']!.upper[j]).toBeLessThanOrEqual(out.crown!.upper[j]! + 1e-12);
  }
  return out;
}

