/**
 * Sliced Wasserstein SW_2 with 50 directions between two clouds of n = 100, 1000, 10000 points in R³
 * (bench sizes 1e3, 1e5, 1e6): the public slicedWasserstein (directions from rng in WASM, projections
 * in WASM, each 1-D problem sorted and merged) vs the same computation in plain TS (projections by
 * hand, Float64Array sort, quantile merge) on the same directions. Gaussian clouds, fixed seeds.
 */
import { rng, slicedWasserstein } from '../../bindings/index.js';
import { sphereDirections } from '../../bindings/ot/sliced.js';
import { runCase, type BenchContext, type CaseResult } from '../harness.js';

const POINTS: Record<number, number> = { 1e3: 100, 1e5: 1000, 1e6: 10000 };
const L = 50;
const D = 3;

/** SW_2 in plain TS: uniform weights, n = m (the merge is then the pairing of order statistics). */
export function slicedPlain(X: Float64Array, Y: Float64Array, n: number, theta: Float64Array): number {
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  let total = 0;
  for (let l = 0; l < L; l++) {
    const t0 = theta[l * D]!, t1 = theta[l * D + 1]!, t2 = theta[l * D + 2]!;
    for (let i = 0; i < n; i++) {
      px[i] = X[i * D]! * t0 + X[i * D + 1]! * t1 + X[i * D + 2]! * t2;
      py[i] = Y[i * D]! * t0 + Y[i * D + 1]! * t1 + Y[i * D + 2]! * t2;
    }
    px.sort();
    py.sort();
    let s = 0;
    for (let i = 0; i < n; i++) s += (px[i]! - py[i]!) ** 2;
    total += s / n;
  }
  return Math.sqrt(total / L);
}

export function benchSliced(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const n = POINTS[size] ?? 100;
    const seed = 7400 + n;
    const g = rng(seed);
    const X = g.normal(n * D);
    const Y = g.normal(n * D).map((v, k) => (k % D === 0 ? 2 * v + 1 : v));
    const theta = sphereDirections(seed, L, D);
    const out = new Float64Array(1);
    const plain = new Float64Array(1);
    const reference = [slicedPlain(X, Y, n, theta)];
    return runCase(
      { kernel: 'slicedWasserstein', n: n * L, seed, params: { points: n, dim: D, projections: L, p: 2 } },
      [
        { key: 'public', name: 'public API slicedWasserstein', call: () => { out[0] = slicedWasserstein(X, Y, { dim: D, projections: L, seed }); }, poison: () => out.fill(NaN), output: () => out },
        { key: 'plainTS', name: 'plain TS (same directions, typed-array sort)', call: () => { plain[0] = slicedPlain(X, Y, n, theta); }, poison: () => plain.fill(NaN), output: () => plain },
      ],
      [reference],
      { 'public API vs plain-TS': ['plainTS', 'public'] },
      ctx.timer,
    );
  });
}
