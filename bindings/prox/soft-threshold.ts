import { mapVector, type F64Buffer, type VectorInput } from '../runtime/memory.js';
import { nonNegative } from '../runtime/validate.js';

/**
 * Soft-thresholding, the proximal operator of t·‖x‖₁:
 *
 *   softThreshold(v, t)ᵢ = argminₓ t|x| + (x − vᵢ)²/2 = sign(vᵢ)·max(|vᵢ| − t, 0).
 *
 * Exact: every entry is vᵢ − t, vᵢ + t or +0. SIMD (f64x2) in WebAssembly.
 *
 * @param v  the point, any length (copied in; an `F64Buffer` is read in place).
 * @param t  the threshold, ≥ 0 (same units as v); `Infinity` maps everything to 0.
 * @param out  where to write the result: a Float64Array of v's length, or an `F64Buffer` for the
 *   zero-copy path (`out` may be `v` itself). Default: a new Float64Array.
 * @returns `out` (or a new Float64Array).
 * @throws ParameterError if t is negative, NaN or not a number, or v is not a vector;
 *   ShapeError if out has another length; NonFiniteError if v holds NaN or ±Infinity.
 */
export function softThreshold(v: VectorInput, t: number, out?: Float64Array): Float64Array;
export function softThreshold(v: VectorInput, t: number, out: F64Buffer): F64Buffer;
export function softThreshold(v: VectorInput, t: number, out?: Float64Array | F64Buffer): Float64Array | F64Buffer {
  const fn = 'softThreshold';
  nonNegative(fn, 't', t);
  return mapVector(fn, v, out, (s, input, outPtr) => s.x.softThreshold(input.ptr, input.n, t, outPtr));
}
