/**
 * indExpCone against (1) the conditions that characterise the projection P of v onto a closed convex
 * cone K — P ∈ K, P − v ∈ K* (the dual cone, written out here from its definition) and ⟨P, P − v⟩ = 0,
 * i.e. the Moreau decomposition v = P_K(v) − P_{K*}(−v) — and (2) a brute-force distance: a dense scan
 * over the rays s·(ρ, 1, e^ρ) of the boundary and the face {x ≤ 0, y = 0, z ≥ 0}, written
 * independently of the library's search.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError, indExpCone, init } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { expectErrors, maxDiff } from './check.js';

beforeAll(() => init());

/**
 * How far (x, y, z) is outside K_exp: the smallest of a few single moves that restore membership (each
 * an upper bound on the distance, and zero exactly on K): lower x to y·log(z/y), raise z to y·e^{x/y},
 * or drop onto the face x ≤ 0, y = 0, z ≥ 0. The x-move is the well-conditioned one near the boundary.
 */
function primalViolation(x: number, y: number, z: number): number {
  const face = Math.max(Math.abs(y), x, -z, 0);
  if (!(y > 0)) return face;
  const xMove = z > 0 ? Math.max(0, x - y * Math.log(z / y)) : Infinity;
  const zMove = Math.max(0, y * Math.exp(x / y) - z);
  return Math.min(face, xMove, zMove);
}

/**
 * The same for K* = {u < 0, −u·e^{v/u} ≤ e·w} ∪ {u = 0, v ≥ 0, w ≥ 0}: raise v to u(1 + log(w/−u)),
 * raise w to −u·e^{v/u − 1}, or move onto u = 0, v ≥ 0, w ≥ 0.
 */
function dualViolation(u: number, v: number, w: number): number {
  const face = Math.max(Math.abs(u), -v, -w, 0);
  if (!(u < 0)) return face;
  const vMove = w > 0 ? Math.max(0, u * (1 + Math.log(w / -u)) - v) : Infinity;
  const wMove = Math.max(0, -u * Math.exp(v / u - 1) - w);
  return Math.min(face, vMove, wMove);
}

/** Distance from v to K_exp by a dense scan of boundary rays plus the face (brute force, independent). */
function bruteDistance(v: readonly number[]): number {
  const [x0, y0, z0] = v as [number, number, number];
  if (primalViolation(x0, y0, z0) === 0) return 0;
  const rayDistance = (rho: number): number => {
    const d = rho > 0 ? [rho * Math.exp(-rho), Math.exp(-rho), 1] : [rho, 1, Math.exp(rho)];
    const dd = d[0]! ** 2 + d[1]! ** 2 + d[2]! ** 2;
    const s = Math.max(0, (x0 * d[0]! + y0 * d[1]! + z0 * d[2]!) / dd);
    return Math.hypot(x0 - s * d[0]!, y0 - s * d[1]!, z0 - s * d[2]!);
  };
  let best = Math.hypot(x0 - Math.min(x0, 0), y0, z0 - Math.max(z0, 0)); // nearest point of the face
  let bestK = 0;
  for (let k = -3000; k <= 3000; k++) {
    const dist = rayDistance(Math.sinh(k / 400));
    if (dist < best) [best, bestK] = [dist, k];
  }
  // A second, finer scan between the neighbours of the best ray.
  for (let j = -4000; j <= 4000; j++) best = Math.min(best, rayDistance(Math.sinh((bestK + j / 4000) / 400)));
  return best;
}

function randomPoints(seed: number, count: number): number[][] {
  const u = uniforms(seed);
  return Array.from({ length: count }, () => {
    const scale = 10 ** (4 * u() - 2);
    return [scale * (6 * u() - 3), scale * (6 * u() - 3), scale * (6 * u() - 3)];
  });
}

describe('indExpCone', () => {
  it('meets P ∈ K, P − v ∈ K*, ⟨P, P − v⟩ = 0 to 1e-12 on 20 000 random points over four decades', () => {
    const K = indExpCone();
    let worst = 0;
    const points = randomPoints(1, 20000);
    const flat = Float64Array.from(points.flat());
    const P = K.prox(flat); // all 20 000 triples in one call: the product cone
    for (let i = 0; i < points.length; i++) {
      const v = points[i]!;
      const p = [P[3 * i]!, P[3 * i + 1]!, P[3 * i + 2]!];
      const q = [p[0]! - v[0]!, p[1]! - v[1]!, p[2]! - v[2]!];
      const scale = Math.hypot(v[0]!, v[1]!, v[2]!);
      const inner = Math.abs(p[0]! * q[0]! + p[1]! * q[1]! + p[2]! * q[2]!) / (scale * scale);
      worst = Math.max(worst, primalViolation(p[0]!, p[1]!, p[2]!) / scale, dualViolation(q[0]!, q[1]!, q[2]!) / scale, inner);
    }
    expect(worst).toBeLessThan(1e-12);
    // The conditions can fail: the naive guess (x, max(y, 0), max(z, 0)) violates them somewhere.
    let naive = 0;
    for (const v of points.slice(0, 200)) {
      const p = [v[0]!, Math.max(v[1]!, 0), Math.max(v[2]!, 0)];
      naive = Math.max(naive, primalViolation(p[0]!, p[1]!, p[2]!) / Math.hypot(v[0]!, v[1]!, v[2]!));
    }
    expect(naive).toBeGreaterThan(1e-3);
  });

  it('is no farther from v than a dense brute-force scan of the cone, and within 1e-9 of it (the resolution of the scan)', () => {
    const K = indExpCone();
    for (const v of randomPoints(2, 150)) {
      const p = K.prox(v);
      const ours = Math.hypot(p[0]! - v[0]!, p[1]! - v[1]!, p[2]! - v[2]!);
      const brute = bruteDistance(v);
      const scale = Math.hypot(v[0]!, v[1]!, v[2]!);
      expect(ours, `v = ${v}`).toBeLessThanOrEqual(brute + 1e-12 * scale);
      expect(brute - ours, `v = ${v}`).toBeLessThan(1e-9 * scale); // the scan's resolution
    }
  });

  it('each case of the case split: inside, polar, the face x ≤ 0 and y ≤ 0, the curved boundary; scale invariance', () => {
    const K = indExpCone();
    const inside = [1, 2, 2 * Math.exp(0.5) + 1];
    expect(Array.from(K.prox(inside))).toEqual(inside);
    expect(Array.from(K.prox([-3, 0, 2]))).toEqual([-3, 0, 2]); // on the face, in K
    expect(Array.from(K.prox([1, -1, -5]))).toEqual([0, 0, 0]); // −v ∈ K*: r·e^{s/r − 1} = e^{−2} ≤ 5
    expect(Array.from(K.prox([-2, -1, 3]))).toEqual([-2, 0, 3]);
    expect(Array.from(K.prox([-2, -1, -3]))).toEqual([-2, 0, 0]);
    expect(Array.from(K.prox([0, 0, 0]))).toEqual([0, 0, 0]);
    const v = [1.5, 0.2, 0.4];
    const p = K.prox(v);
    for (const a of [1e-150, 1e-8, 1e8, 1e150]) {
      const pa = K.prox(v.map((x) => a * x));
      expect(maxDiff(pa.map((x) => x / a), p)).toBeLessThan(1e-12);
    }
    // t does not matter (an indicator), and in place works
    const inPlace = Float64Array.from(v);
    K.prox(inPlace, 3.5, inPlace);
    expect(Array.from(inPlace)).toEqual(Array.from(p));
    expect(K.value(p)).toBe(0);
    expect(K.value(v)).toBe(Infinity);
    expect(K.value([])).toBe(0);
    expect(K.prox([]).length).toBe(0);
  });

  it('rejects bad inputs with typed errors', () => {
    expectErrors([
      [() => indExpCone().prox([1, 2]), ShapeError, 'indExpCone().prox: v must have a length that is a multiple of 3 (triples (x, y, z); got 2)'],
      [() => indExpCone().value([1, 2, 3, 4]), ShapeError, 'indExpCone().value: x must have a length that is a multiple of 3 (triples (x, y, z); got 4)'],
    ]);
    expect(() => indExpCone().prox([1, NaN, 0])).toThrow(NonFiniteError);
    expect(() => indExpCone().prox([1, Infinity, 0])).toThrow(NonFiniteError);
  });
});
