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
  type Scope,
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
    let copied = 0; // a copy of v made by the sparse attempt, reused below
    if (!(out instanceof F64Buffer)) {
      // A sparse result (the usual case) in one pass over v: the support's indices and entries come
      // from the kernel's candidates and are scattered into a zeroed array, instead of a second pass
      // over v or a dense final pass plus a copy of n entries out of WASM memory. A long v is streamed
      // through a small buffer (it stays in cache) rather than copied whole. -2: not decided there (a
      // dense result, or a tie with τ to the last bits): the general path below.
      const { count, w, idx, y } = sparseProjection(s, v, n, radius);
      copied = y;
      if (count === -1) throwNonFinite(fn, 'v', v);
      if (count >= 0) {
        const result = out ? out.fill(0) : new Float64Array(n);
        const at = new Int32Array(s.x.memory.buffer, idx, count);
        const value = f64View(s.x, w, count);
        for (let j = 0; j < count; j++) result[at[j]!] = value[j]!;
        return result;
      }
    }
    const y = copied !== 0 ? { ptr: copied, n } : place(s, v, n);
    // Scratch for the candidate set: it may share the output's memory unless that is y itself.
    const w = out instanceof F64Buffer && out.ptr !== y.ptr ? out.ptr : s.f64(n);
    const shift = s.x.simplexThreshold(y.ptr, n, radius, w);
    const m = f64View(s.x, w, 1)[0]!;
    const target = outputSlot(s, v, out, y);
    if (s.x.shiftPositive(y.ptr, n, m, shift, target) !== 0) throwNonFinite(fn, 'v', v);
    return copyResult(s, out, target, n);
  });
}

/** Entries of v per streamed block (256 KiB of f64; a multiple of 4, so blocks end at 1 + 4k as the kernel needs). */
const STREAM = 32768;

/**
 * The kernel simplexSparse over v: an F64Buffer is read in place, an array of up to 4·STREAM entries
 * copied; a longer one is streamed through one STREAM-entry buffer block after block (simplexSparseRows,
 * then simplexSparseFinish), so it is not copied whole into WASM memory and each block is read from
 * cache (about 15 % less time at n = 1e6). Returns the kernel's count (k ≥ 0, −1 non-finite, −2
 * undecided), the offsets of the support's entries (w) and indices (idx), and y: the whole copy of v
 * when one was made, else 0.
 */
function sparseProjection(s: Scope, v: VectorInput, n: number, radius: number): { count: number; w: number; idx: number; y: number } {
  const x = s.x;
  const cap = n >> 3;
  const room = Math.min(n, 2 * cap + 72); // the most candidates the pass keeps before it gives up
  const w = s.f64(room);
  const idx = s.bytes(4 * room);
  if (v instanceof F64Buffer) return { count: x.simplexSparse(v.ptr, n, radius, w, idx, cap), w, idx, y: 0 };
  if (n <= 4 * STREAM) {
    // up to 1 MiB (it stays in L2): one copy, one call, and the copy serves the general path if needed
    const y = s.f64(n);
    f64View(x, y, n).set(v as ArrayLike<number>);
    return { count: x.simplexSparse(y, n, radius, w, idx, cap), w, idx, y };
  }
  const buf = s.f64(STREAM);
  const st = s.bytes(64);
  let count = 0;
  for (let i0 = 0; i0 < n && count === 0;) {
    // a short first block: a dense result gives up within its first few hundred entries
    const i1 = Math.min(n, i0 === 0 ? 1025 : i0 + STREAM);
    const block = f64View(x, buf, i1 - i0);
    if (ArrayBuffer.isView(v)) block.set((v as Float64Array).subarray(i0, i1));
    else for (let k = 0; k < i1 - i0; k++) block[k] = v[i0 + k]!;
    count = x.simplexSparseRows(buf, i0, i1, radius, w, idx, cap, st);
    i0 = i1;
  }
  return { count: count === 0 ? x.simplexSparseFinish(n, radius, w, idx, cap, st) : count, w, idx, y: 0 };
}
