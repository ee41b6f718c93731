/**
 * What the saddle family's solvers share beyond the prox algorithms' conventions: argument checks for
 * smooth functions and operators, and small vector helpers on plain Float64Arrays (these outer loops
 * run over callbacks; their vectors are short next to the callbacks' own cost).
 */
import { parameterError, ShapeError, ParameterError } from '../runtime/errors.js';
import { vectorLength, F64Buffer, type VectorInput } from '../runtime/memory.js';
import { dimension } from '../prox/algorithms/common.js';
import type { SmoothFunction } from '../prox/algorithms/index.js';
import type { ProxOperator } from '../prox/index.js';

/** Validates a SmoothFunction argument (value and gradient callbacks; an optional valid dimension). */
export function checkSmoothArg(fn: string, name: string, f: unknown): SmoothFunction {
  const s = f as SmoothFunction | null;
  if (s === null || typeof s !== 'object' || typeof s.value !== 'function' || typeof s.gradient !== 'function') {
    throw parameterError(fn, name, 'a SmoothFunction { value(x), gradient(x, out) }', f);
  }
  if (s.dimension !== undefined) dimension(fn, `${name}.dimension`, s.dimension);
  // An estimate given is validated even when an option overrides it: a NaN there is a caller's bug.
  if (s.lipschitz !== undefined) nonNegativeOption(fn, `${name}.lipschitz`, s.lipschitz, 0);
  return s;
}

/** Validates a ProxOperator argument (prox and value callbacks). */
export function checkProxArg(fn: string, name: string, op: unknown): ProxOperator {
  const o = op as ProxOperator | null;
  if (o === null || typeof o !== 'object' || typeof o.prox !== 'function' || typeof o.value !== 'function') {
    throw parameterError(fn, name, 'a ProxOperator (an object with prox(v, t, out) and value(x))', op);
  }
  return o;
}

/** A finite number ≥ 0, or the fallback when absent. */
export function nonNegativeOption(fn: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) throw parameterError(fn, name, 'a finite number >= 0', value);
  return value;
}

/** A finite number > 0 (required). */
export function positiveArg(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw parameterError(fn, name, 'a finite number > 0', value);
  return value;
}

/** A copy of a vector argument of length n (when n is given) with finite entries; zeros of length n when absent and n is known. */
export function vectorArg(fn: string, name: string, v: VectorInput | undefined, n?: number): Float64Array {
  if (v === undefined) {
    if (n === undefined) throw parameterError(fn, name, 'a vector (its length is not known otherwise)', v);
    return new Float64Array(n);
  }
  const len = vectorLength(fn, name, v);
  if (n !== undefined && len !== n) throw new ShapeError(`${fn}: ${name} must have length ${n} (got ${len})`);
  const data = v instanceof F64Buffer ? v.view() : (v as ArrayLike<number>);
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const x = Number(data[i]);
    if (!Number.isFinite(x)) throw new ParameterError(`${fn}: ${name} must be finite (got ${x} at index ${i})`);
    out[i] = x;
  }
  return out;
}

/** Throws a ParameterError naming the callback unless `out` holds only finite values. */
export function finiteOut(fn: string, what: string, out: ArrayLike<number>): void {
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw new ParameterError(`${fn}: ${what} must write finite values (got ${out[i]} at index ${i})`);
  }
}

/** ‖a − b‖₂. */
export function dist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

/** ‖a‖₂. */
export function nrm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** ⟨a, b⟩. */
export function inner(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
