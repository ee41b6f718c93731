import { ShapeError } from '../runtime/errors.js';
import {
  F64Buffer,
  checkOut,
  copyResult,
  f64View,
  outputSlot,
  place,
  throwNonFinite,
  vectorLength,
  withScope,
  type VectorInput,
} from '../runtime/memory.js';
import { nonNegativeFinite } from './operators/define.js';

/**
 * Euclidean projection onto the simplex {x ≥ 0, Σxᵢ = radius}:
 *
 *   projectSimplex(v, r) = argmin_{x ≥ 0, Σx = r} ‖x − v‖₂ = max(v − τ, 0),  τ solving Σ max(vᵢ − τ, 0) = r.
 *
 * τ comes from Condat's pass (Math. Program. 2016, Algorithm 1, step 2) finished by Newton's method on
 * τ ↦ Σ max(vᵢ − τ, 0) − radius (Michelot's iteration): expected O(n) whether the result is sparse or
 * dense, no sort, exact on ties. Σx equals `radius` up to rounding (a few ulps times the support size). Entries are
 * computed as (vᵢ − m) − (τ − m) with m = max(v), so even a radius far below |v| keeps its mass.
 *
 * @param v  the point, length ≥ 1 (copied in; an `F64Buffer` is read in place).
 * @param radius  the simplex's sum, finite and ≥ 0 (0: the set {0}, so the result is 0). Default 1 (the
 *   probability simplex).
 * @param out  a Float64Array of v's length or an `F64Buffer` (zero-copy; may be `v`). Default: new.
 * @throws ParameterError for a radius that is not finite and ≥ 0; ShapeError for an empty v or an
 *   out of another length; NonFiniteError if v holds NaN or ±Infinity.
 */
export function projectSimplex(v: VectorInput, radius?: number, out?: Float64Array): Float64Array;
export function projectSimplex(v: VectorInput, radius: number | undefined, out: F64Buffer): F64Buffer;
export function projectSimplex(v: VectorInput, radius = 1, out?: Float64Array | F64Buffer): Float64Array | F64Buffer {
  const fn = 'projectSimplex';
  nonNegativeFinite(fn, 'radius', radius);
  const n = vectorLength(fn, 'v', v);
  if (n === 0) throw new ShapeError(`${fn}: v must have length >= 1 (got 0)`);
  checkOut(fn, out, n);
  return withScope(fn, (s) => {
    const y = place(s, v, n);
    // Scratch for the candidate set: it may share the output's memory unless that is y itself.
    const w = out instanceof F64Buffer && out.ptr !== y.ptr ? out.ptr : s.f64(n);
    if (!(out instanceof F64Buffer)) {
      // A sparse result (the usual case) in one pass over y: the support's indices and entries come
      // from the kernel's candidates and are scattered into a zeroed array, instead of a second pass
      // over y or a dense final pass plus a copy of n entries out of WASM memory. -2: not decided
      // there (a dense result, or a tie with τ to the last bits), so the general path below runs.
      const idx = s.bytes(4 * n);
      const count = s.x.simplexSparse(y.ptr, n, radius, w, idx, n >> 3);
      if (count === -1) throwNonFinite(fn, 'v', v);
      if (count >= 0) {
        const result = out ? out.fill(0) : new Float64Array(n);
        const at = new Int32Array(s.x.memory.buffer, idx, count);
        const value = f64View(s.x, w, count);
        for (let j = 0; j < count; j++) result[at[j]!] = value[j]!;
        return result;
      }
    }
    const shift = s.x.simplexThreshold(y.ptr, n, radius, w);
    const m = f64View(s.x, w, 1)[0]!;
    const target = outputSlot(s, v, out, y);
    if (s.x.shiftPositive(y.ptr, n, m, shift, target) !== 0) throwNonFinite(fn, 'v', v);
    return copyResult(s, out, target, n);
  });
}
