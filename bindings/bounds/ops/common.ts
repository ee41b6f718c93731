/** Helpers shared by the op files of the registry: layer-qualified errors, field validation, the per-scope weight cache. */
import { NonFiniteError, ParameterError, ShapeError, describe } from '../../runtime/errors.js';
import { f64View, numbersOf, type Scope } from '../../runtime/memory.js';
import type { BoundsNetwork } from '../model.js';

export const FN = 'parseNetwork';

export function where(index: number, type: string): string {
  return `${FN}: layers[${index}] (${type})`;
}

/** A finite numeric vector of the given length (or any length when `len` < 0). */
export function vectorField(spec: Record<string, unknown>, field: string, index: number, type: string, len: number): Float64Array {
  const v = spec[field];
  if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) {
    throw new ParameterError(`${where(index, type)}: ${field} must be an array of numbers (got ${describe(v)})`);
  }
  const a = numbersOf(where(index, type), field, v);
  if (len >= 0 && a.length !== len) throw new ShapeError(`${where(index, type)}: ${field} must have length ${len} (got ${a.length})`);
  const bad = a.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new NonFiniteError(FN, `layers[${index}].${field}`, bad, a[bad]!);
  return a;
}

/** A layer's pointer cache: weights are copied into WASM memory once per scope. */
const placed = new WeakMap<Scope, Map<Float64Array, number>>();
export function put(s: Scope, a: Float64Array): number {
  let m = placed.get(s);
  if (!m) placed.set(s, (m = new Map()));
  let p = m.get(a);
  if (p === undefined) {
    p = s.f64(a.length);
    f64View(s.x, p, a.length).set(a);
    m.set(a, p);
  }
  return p;
}

/**
 * Copies every parameter array of `net` into `outer` once and lets `inner` (a shorter-lived scope
 * opened inside it) use those copies: nothing is allocated for weights in `inner`.
 */
export function shareWeights(outer: Scope, inner: Scope, net: BoundsNetwork): void {
  for (const L of net.layers) for (const a of [L.weight, L.bias, L.scale, L.shift, L.conv?.packed]) if (a) put(outer, a);
  placed.set(inner, placed.get(outer) ?? new Map());
}
