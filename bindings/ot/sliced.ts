import { ShapeError, parameterError } from '../runtime/errors.js';
import { mathWasm } from '../runtime/math.js';
import { checkCapacity, F64Buffer, f64View, place, throwNonFinite, withScope, type VectorInput } from '../runtime/memory.js';
import { optionKeys, positiveFinite, positiveInteger, readOptions } from '../runtime/validate.js';
import { checkSeed, rng } from '../rng.js';
import { points } from './cost.js';
import { convexExponent, measureWeights, wassersteinSorted } from './emd.js';
import { type MatrixInput } from './sinkhorn.js';

/** Options of {@link slicedWasserstein} and {@link slicedWassersteinDetails}. */
export interface SlicedWassersteinOptions {
  /** Number L of random directions θ_1..θ_L. Default 50 (POT's n_projections). */
  projections?: number;
  /** The exponent p ≥ 1 (finite; each slice is a 1-D transport solved by sorting, optimal only for convex costs). Default 2. */
  p?: number;
  /** Seed of the directions (rng(seed): xoshiro256** in WASM, normals normalised to the unit sphere). Default 0. */
  seed?: number | bigint;
  /** Weights of X's points (≥ 0, positive sum, normalised). Default uniform. */
  weightsX?: VectorInput;
  /** Weights of Y's points. Default uniform. */
  weightsY?: VectorInput;
  /** Point dimension d when X and Y are flat arrays (as costMatrix). Default 1; a `{ data, rows, cols }` matrix gives d = cols. */
  dim?: number;
}

/** Result of {@link slicedWassersteinDetails}: the estimate and its per-direction terms. */
export interface SlicedWassersteinDetails {
  /** SW_p = (1/L Σ_l W_p^p(θ_l#μ, θ_l#ν))^{1/p}. */
  value: number;
  /** W_p^p of each projected pair (length L), in direction order. */
  projected: Float64Array;
  /** The unit directions, row-major L × d. */
  directions: Float64Array;
}

/**
 * Monte-Carlo sliced Wasserstein distance (Rabin, Peyré, Delon & Bernot 2011; Bonneel, Rabin, Peyré &
 * Pfister 2015, "Sliced and Radon Wasserstein barycenters of measures"; POT `ot.sliced_wasserstein_distance`):
 *
 *   SW_p(μ, ν) = ( 1/L Σ_{l=1..L} W_p^p(⟨θ_l, ·⟩#μ, ⟨θ_l, ·⟩#ν) )^{1/p},  θ_l uniform on S^{d−1},
 *
 * an unbiased estimate of ∫ W_p^p(θ#μ, θ#ν) dσ(θ), to the power 1/p. The projections ⟨X_i, θ_l⟩ run in
 * WASM (f64x2 dots), sorted there (radix sort) for uniform weights; each 1-D problem is solved exactly
 * by merging the sorted quantile functions (the {@link wasserstein1d} merge).
 * Since |⟨θ, x − y⟩| ≤ ‖x − y‖, SW_p ≤ W_p. For d = 1 every θ is ±1 and SW_p = W_p exactly.
 *
 * @param X  n × d source points (flat with `dim`, or `{ data, rows, cols }`).
 * @param Y  m × d target points, in the same form.
 * @param options  projections (50), p (2), seed (0), weightsX / weightsY (uniform), dim (1).
 * @returns the value SW_p (same units as the points).
 * @throws ShapeError for different dimensions or weight lengths; ParameterError for bad options or
 *   negative / zero-sum weights; NonFiniteError for NaN/±Inf in X, Y or the weights; MemoryError when
 *   the projections (projections × points) cannot fit in WASM memory.
 */
export function slicedWasserstein(X: MatrixInput, Y: MatrixInput, options?: SlicedWassersteinOptions): number {
  return sliced('slicedWasserstein', X, Y, options).value;
}

/** {@link slicedWasserstein} with the per-direction values W_p^p and the directions themselves. */
export function slicedWassersteinDetails(X: MatrixInput, Y: MatrixInput, options?: SlicedWassersteinOptions): SlicedWassersteinDetails {
  return sliced('slicedWassersteinDetails', X, Y, options);
}

/** L unit directions in R^d from rng(seed): standard normals (WASM) divided by their norm. */
export function sphereDirections(seed: number | bigint, L: number, d: number): Float64Array {
  const th = rng(seed).normal(L * d);
  for (let l = 0; l < L; l++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += th[l * d + k]! ** 2;
    const r = Math.sqrt(s);
    for (let k = 0; k < d; k++) th[l * d + k] = r > 0 ? th[l * d + k]! / r : k === 0 ? 1 : 0; // r = 0 has probability 0
  }
  return th;
}

/** A projected measure sorted ascending (uniform weights: already sorted in WASM). */
function sorted(v: Float64Array, w: Float64Array, uniform: boolean): { x: Float64Array; w: Float64Array } {
  if (uniform) return { x: v, w };
  const order = Uint32Array.from({ length: v.length }, (_, i) => i).sort((i, j) => v[i]! - v[j]!);
  return { x: Float64Array.from(order, (i) => v[i]!), w: Float64Array.from(order, (i) => w[i]!) };
}

function sliced(fn: string, X: MatrixInput, Y: MatrixInput, options: SlicedWassersteinOptions | undefined): SlicedWassersteinDetails {
  const { projections = 50, p = 2, seed = 0, weightsX, weightsY, dim } = readOptions(fn, options, optionKeys<SlicedWassersteinOptions>({ projections: true, p: true, seed: true, weightsX: true, weightsY: true, dim: true }));
  positiveInteger(fn, 'options.projections', projections);
  convexExponent(fn, 'options.p', p);
  checkSeed(fn, seed, 'options.seed');
  if (dim !== undefined && (!Number.isSafeInteger(dim) || dim < 1)) throw parameterError(fn, 'options.dim', 'a positive integer', dim);
  const x = points(fn, 'X', X, dim);
  const y = points(fn, 'Y', Y, dim);
  if (x.d !== y.d) throw new ShapeError(`${fn}: X and Y must have the same point dimension (got ${x.d} and ${y.d})`);
  if (x.rows === 0) throw new ShapeError(`${fn}: X must have at least one point (got 0)`);
  if (y.rows === 0) throw new ShapeError(`${fn}: Y must have at least one point (got 0)`);
  for (const [name, v] of [['X', x.data], ['Y', y.data]] as const) {
    const a: ArrayLike<number> = v instanceof F64Buffer ? v.view() : v;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(Number(a[i]))) throwNonFinite(fn, name, v);
  }
  const wx = measureWeights(fn, 'X', 'options.weightsX', x.rows, weightsX);
  const wy = measureWeights(fn, 'Y', 'options.weightsY', y.rows, weightsY);
  const d = x.d;
  const L = projections;
  // WASM: X, Y, the directions, both projections and the sort scratch.
  checkCapacity(fn, (x.rows + y.rows) * d + L * (d + x.rows + y.rows) + Math.max(x.rows, y.rows));
  const directions = sphereDirections(seed, L, d);
  const [px, py] = withScope(fn, (s) => {
    const pX = place(s, x.data, x.rows * d).ptr;
    const pY = place(s, y.data, y.rows * d).ptr;
    const th = place(s, directions, L * d).ptr;
    const ox = s.f64(L * x.rows);
    const oy = s.f64(L * y.rows);
    const bad = s.x.otProject(pX, x.rows, d, th, L, ox) | s.x.otProject(pY, y.rows, d, th, L, oy);
    if (bad !== 0) throw parameterError(fn, 'X and Y', 'of magnitudes whose projections stay finite', 'an overflow');
    // Uniform weights: sort each projection in WASM (radix sort); weighted samples are sorted with their weights below.
    const tmp = s.f64(Math.max(x.rows, y.rows));
    const counts = s.bytes(256 * 4);
    for (let l = 0; l < L; l++) {
      if (weightsX === undefined) s.x.otSortF64(ox + l * x.rows * 8, x.rows, tmp, counts);
      if (weightsY === undefined) s.x.otSortF64(oy + l * y.rows * 8, y.rows, tmp, counts);
    }
    return [f64View(s.x, ox, L * x.rows).slice(), f64View(s.x, oy, L * y.rows).slice()];
  });
  const projected = new Float64Array(L);
  let total = 0;
  for (let l = 0; l < L; l++) {
    const A = sorted(px.subarray(l * x.rows, (l + 1) * x.rows), wx, weightsX === undefined);
    const B = sorted(py.subarray(l * y.rows, (l + 1) * y.rows), wy, weightsY === undefined);
    projected[l] = wassersteinSorted(fn, A, B, p);
    total += projected[l]!;
  }
  const mean = total / L;
  // p = 1, 2 without pow (sqrt is correctly rounded everywhere); other p with WASM's pow, as wasserstein1d.
  return { value: p === 1 ? mean : p === 2 ? Math.sqrt(mean) : mathWasm(fn).mathPow(mean, 1 / p), projected, directions };
}
