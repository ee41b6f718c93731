import { ShapeError } from '../runtime/errors.js';
import { mapVector, vectorLength, type F64Buffer, type VectorInput } from '../runtime/memory.js';
import { positiveFinite } from '../runtime/validate.js';

/**
 * Euclidean projection onto the simplex {x ≥ 0, Σxᵢ = radius}:
 *
 *   projectSimplex(v, r) = argmin_{x ≥ 0, Σx = r} ‖x − v‖₂ = max(v − τ, 0),  τ solving Σ max(vᵢ − τ, 0) = r.
 *
 * τ comes from Condat's algorithm (Math. Program. 2016, Algorithm 1): expected O(n), no sort, exact
 * on ties. Σx equals `radius` up to rounding (a few ulps times the support size).
 *
 * @param v  the point, length ≥ 1 (copied in; an `F64Buffer` is read in place).
 * @param radius  the simplex's sum, finite and > 0. Default 1 (the probability simplex).
 * @param out  a Float64Array of v's length or an `F64Buffer` (zero-copy; may be `v`). Default: new.
 * @throws ParameterError for a radius that is not finite and > 0; ShapeError for an empty v or an
 *   out of another length; NonFiniteError if v holds NaN or ±Infinity.
 */
export function projectSimplex(v: VectorInput, radius?: number, out?: Float64Array): Float64Array;
export function projectSimplex(v: VectorInput, radius: number | undefined, out: F64Buffer): F64Buffer;
export function projectSimplex(v: VectorInput, radius = 1, out?: Float64Array | F64Buffer): Float64Array | F64Buffer {
  const fn = 'projectSimplex';
  positiveFinite(fn, 'radius', radius);
  if (vectorLength(fn, 'v', v) === 0) throw new ShapeError(`${fn}: v must have length >= 1 (got 0)`);
  return mapVector(fn, v, out, (s, input, outPtr) =>
    s.x.projectSimplex(input.ptr, input.n, radius, s.f64(input.n + 2), outPtr),
  );
}
