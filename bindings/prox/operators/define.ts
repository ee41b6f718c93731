/**
 * The plumbing every operator of the catalogue shares: validation of t, v and out, placement of v in
 * WASM memory, the non-finite check, and the copy out (or the zero-copy F64Buffer path). A factory
 * supplies only the kernel call and the value.
 */
import { NonFiniteError, ParameterError, ShapeError, parameterError } from '../../runtime/errors.js';
import { F64Buffer, f64View, mapVector, vectorLength, type Placed, type Scope, type VectorInput } from '../../runtime/memory.js';
import { positiveFinite } from '../../runtime/validate.js';
import type { OperatorProperties, ProxOperator } from '../operator.js';

export interface OperatorSpec {
  name: string;
  properties: OperatorProperties;
  /** f(x) on a validated, finite copy of x. */
  value(x: Float64Array): number;
  /**
   * Computes prox_{t f}(v) from v at `input.ptr` into `outPtr` (which may equal input.ptr); returns
   * non-zero when v holds NaN/±Inf. `fn` names the call for errors thrown from inside.
   */
  run(s: Scope, input: Placed, outPtr: number, t: number, fn: string): number;
  /** Throws a ShapeError when the operator needs another length than n (vector parameters). */
  checkLength?(fn: string, n: number): void;
}

/** Builds a ProxOperator from a spec: prox(v, t = 1, out?) and value(x) with full validation. */
export function defineOperator(spec: OperatorSpec): ProxOperator {
  const { name, properties } = spec;
  const proxName = `${name}.prox`;
  const valueName = `${name}.value`;
  function prox(v: VectorInput, t?: number, out?: Float64Array): Float64Array;
  function prox(v: VectorInput, t: number | undefined, out: F64Buffer): F64Buffer;
  function prox(v: VectorInput, t = 1, out?: Float64Array | F64Buffer): Float64Array | F64Buffer {
    positiveFinite(proxName, 't', t);
    if (spec.checkLength) spec.checkLength(proxName, vectorLength(proxName, 'v', v));
    return mapVector(proxName, v, out, (s, input, outPtr) => spec.run(s, input, outPtr, t, proxName));
  }
  return Object.freeze({
    name,
    properties: Object.freeze({ ...properties }),
    value(x: VectorInput): number {
      const data = readFinite(valueName, 'x', x);
      spec.checkLength?.(valueName, data.length);
      return spec.value(data);
    },
    prox,
  });
}

/** A finite copy of a vector argument as a Float64Array (NonFiniteError names the first bad entry). */
export function readFinite(fn: string, name: string, x: unknown): Float64Array {
  vectorLength(fn, name, x);
  const data = x instanceof F64Buffer ? x.toArray() : Float64Array.from(x as ArrayLike<number>);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new NonFiniteError(fn, name, i, data[i]!);
  }
  return data;
}

/** A vector parameter of a factory: finite entries (or as `allow` says), copied. */
export function vectorParameter(fn: string, name: string, x: unknown, allow: (value: number) => boolean = Number.isFinite, expected = 'finite'): Float64Array {
  vectorLength(fn, name, x);
  const data = x instanceof F64Buffer ? x.toArray() : Float64Array.from(x as ArrayLike<number>);
  for (let i = 0; i < data.length; i++) {
    if (!allow(data[i]!)) throw new ParameterError(`${fn}: ${name}[${i}] must be ${expected} (got ${data[i]})`);
  }
  return data;
}

/** The `allow` test of vectorParameter for weights, radii and distributions: finite and ≥ 0. */
export const isNonNegativeFinite = (x: number): boolean => x >= 0 && Number.isFinite(x);

/** A finite scalar parameter (any sign). */
export function finite(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw parameterError(fn, name, 'a finite number', value);
  return value;
}

/** A finite scalar parameter ≥ 0. */
export function nonNegativeFinite(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0)) throw parameterError(fn, name, '>= 0', value);
  if (!Number.isFinite(value)) throw parameterError(fn, name, 'finite', value);
  return value;
}

/** A ShapeError unless n equals the length the operator was built for. */
export function lengthChecker(what: string, expected: number): (fn: string, n: number) => void {
  return (fn, n) => {
    if (n !== expected) throw new ShapeError(`${fn}: v must have length ${expected} like ${what} (got ${n})`);
  };
}

/** Copies a Float64Array into the scope and returns its pointer. */
export function placeArray(s: Scope, data: Float64Array): number {
  const ptr = s.f64(Math.max(data.length, 1));
  f64View(s.x, ptr, data.length).set(data);
  return ptr;
}

/** Copies an Int32Array into the scope (8-byte slots, so the arena stays aligned) and returns its pointer. */
export function placeInt32(s: Scope, data: Int32Array): number {
  const ptr = s.f64(Math.max(1, Math.ceil(data.length / 2)));
  new Int32Array(s.x.memory.buffer, ptr, data.length).set(data);
  return ptr;
}

/** `fn(p1, p2)` for names: numbers as JS prints them, vectors as `[n]`. */
export function describeParams(...params: unknown[]): string {
  return params
    .filter((p) => p !== undefined)
    .map((p) => (typeof p === 'number' ? String(p) : ArrayBuffer.isView(p) || Array.isArray(p) ? `[${(p as ArrayLike<number>).length}]` : String(p)))
    .join(', ');
}

/** Relative-tolerance helper for indicator values: inside when excess ≤ 1e-9·(1 + scale). */
export function within(excess: number, scale: number): boolean {
  return excess <= 1e-9 * (1 + Math.abs(scale));
}
