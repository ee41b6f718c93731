/**
 * Prox calculus: new operators from old ones, in TS on top of their (WASM) proxes. Each rule is the
 * textbook identity (Combettes & Pesquet 2011, Table 10.1; Parikh & Boyd 2014, §2.2):
 *   scaled:        g = α·f           prox_{tg}(v) = prox_{(tα) f}(v)
 *   translated:    g = f(· − z)      prox_{tg}(v) = z + prox_{tf}(v − z)
 *   separableSum:  g = Σₖ fₖ(x_{Sₖ})  prox_{tg}(v)_{Sₖ} = prox_{t fₖ}(v_{Sₖ}) on consecutive slices Sₖ
 *   conjugate:     g = f*            prox_{tg}(v) = v − t·prox_{f/t}(v/t)   (Moreau decomposition)
 *   moreauEnvelope(f, t)(x) = f(p) + ‖x − p‖²/(2t), p = prox_{tf}(x); gradient (x − p)/t.
 */
import { ParameterError, ShapeError, parameterError } from '../../runtime/errors.js';
import { F64Buffer, checkOut, type VectorInput } from '../../runtime/memory.js';
import { positiveFinite } from '../../runtime/validate.js';
import type { ProxOperator } from '../operator.js';
import { readFinite, vectorParameter } from './define.js';

/** The shape the rules rely on: a string name (it goes into the new name), prox, value and a properties object. */
function isOperator(f: unknown): f is ProxOperator {
  if (!f || typeof f !== 'object') return false;
  const g = f as ProxOperator;
  return typeof g.name === 'string' && typeof g.prox === 'function' && typeof g.value === 'function' && typeof g.properties === 'object' && g.properties !== null && !Array.isArray(g.properties);
}

const FLAGS = ['convex', 'separable', 'indicator'] as const;

/**
 * A ProxOperator argument, hand-made ones included: the rules copy and combine its properties into
 * the new operator's (and conjugate trusts `convex`), so they must be what OperatorProperties says.
 */
export function operatorArg(fn: string, name: string, f: unknown): ProxOperator {
  if (!isOperator(f)) throw parameterError(fn, name, 'a ProxOperator', f);
  const p = f.properties;
  for (const k of FLAGS) if (typeof p[k] !== 'boolean') throw parameterError(fn, `${name}.properties.${k}`, 'a boolean', p[k]);
  if (p.prox !== 'closed-form' && p.prox !== 'iterative') throw parameterError(fn, `${name}.properties.prox`, "'closed-form' or 'iterative'", p.prox);
  return f;
}

/**
 * The step a rule hands to f.prox, derived from the caller's valid t: when it overflows to Infinity
 * (or underflows to 0) the error must name the outer call and its t, not f.prox.
 */
export function stepFor(fn: string, f: ProxOperator, t: number, step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) throw new ParameterError(`${fn}: t must give ${f.name} a finite step > 0 (got t = ${t}, step ${step})`);
  return step;
}

/** Builds an operator whose prox is computed on plain Float64Arrays (the calculus rules). */
export function derived(
  name: string,
  properties: ProxOperator['properties'],
  value: (x: Float64Array) => number,
  proxArray: (v: Float64Array, t: number) => Float64Array,
  length?: number,
): ProxOperator {
  const proxName = `${name}.prox`;
  function prox(v: VectorInput, t?: number, out?: Float64Array): Float64Array;
  function prox(v: VectorInput, t: number | undefined, out: F64Buffer): F64Buffer;
  function prox(v: VectorInput, t = 1, out?: Float64Array | F64Buffer): Float64Array | F64Buffer {
    positiveFinite(proxName, 't', t);
    const data = readFinite(proxName, 'v', v);
    if (length !== undefined && data.length !== length) throw new ShapeError(`${proxName}: v must have length ${length} (got ${data.length})`);
    checkOut(proxName, out, data.length);
    const result = proxArray(data, t);
    if (out instanceof F64Buffer) return out.set(result);
    if (out) {
      out.set(result);
      return out;
    }
    return result;
  }
  return Object.freeze({
    name,
    properties: Object.freeze({ ...properties }),
    value: (x: VectorInput) => {
      const data = readFinite(`${name}.value`, 'x', x);
      if (length !== undefined && data.length !== length) throw new ShapeError(`${name}.value: x must have length ${length} (got ${data.length})`);
      return value(data);
    },
    prox,
  });
}

/** g(x) = α·f(x), α > 0 finite. */
export function scaled(f: ProxOperator, alpha: number): ProxOperator {
  const fn = 'scaled';
  operatorArg(fn, 'f', f);
  positiveFinite(fn, 'alpha', alpha);
  const name = `scaled(${f.name}, ${alpha})`;
  return derived(
    name,
    f.properties,
    (x) => alpha * f.value(x),
    (v, t) => f.prox(v, stepFor(`${name}.prox`, f, t, t * alpha)),
  );
}

/** g(x) = f(x − z) for a finite shift z (the length of x). */
export function translated(f: ProxOperator, z: ArrayLike<number>): ProxOperator {
  const fn = 'translated';
  operatorArg(fn, 'f', f);
  const zv = vectorParameter(fn, 'z', z);
  const name = `translated(${f.name}, [${zv.length}])`;
  // x − z of two finite vectors can still overflow; f would then blame its own argument.
  const shift = (method: string, arg: string, x: Float64Array): Float64Array => {
    const d = x.map((xi, i) => xi - zv[i]!);
    const i = d.findIndex((di) => !Number.isFinite(di));
    if (i >= 0) throw new ParameterError(`${name}.${method}: ${arg} − z must be finite (overflows at index ${i})`);
    return d;
  };
  return derived(
    name,
    f.properties,
    (x) => f.value(shift('value', 'x', x)),
    (v, t) => {
      const p = f.prox(shift('prox', 'v', v), t);
      for (let i = 0; i < p.length; i++) p[i] = p[i]! + zv[i]!;
      return p;
    },
    zv.length,
  );
}

/**
 * g(x) = Σₖ fₖ(x[oₖ, oₖ + nₖ)) over consecutive slices: `parts` = [[f₁, n₁], [f₂, n₂], …], x of length
 * Σnₖ. The prox acts slice by slice.
 */
export function separableSum(parts: readonly (readonly [ProxOperator, number])[]): ProxOperator {
  const fn = 'separableSum';
  if (!Array.isArray(parts) || parts.length === 0) throw parameterError(fn, 'parts', 'a non-empty array of [operator, length] pairs', parts);
  const offsets: number[] = [0];
  parts.forEach((part, k) => {
    if (!Array.isArray(part) || part.length !== 2) throw parameterError(fn, `parts[${k}]`, 'an [operator, length] pair', part);
    const [f, n] = part;
    operatorArg(fn, `parts[${k}][0]`, f);
    if (!Number.isSafeInteger(n) || n < 0) throw parameterError(fn, `parts[${k}][1]`, 'a slice length, an integer >= 0', n);
    offsets.push(offsets[k]! + n);
  });
  const total = offsets[parts.length]!;
  const every = (p: keyof ProxOperator['properties']) => parts.every(([f]) => f.properties[p] === true);
  return derived(
    `separableSum(${parts.map(([f, n]) => `${f.name}×${n}`).join(', ')})`,
    { convex: every('convex'), separable: every('separable'), prox: parts.every(([f]) => f.properties.prox === 'closed-form') ? 'closed-form' : 'iterative', indicator: every('indicator') },
    (x) => parts.reduce((s, [f], k) => s + f.value(x.subarray(offsets[k]!, offsets[k + 1]!)), 0),
    (v, t) => {
      const out = new Float64Array(total);
      parts.forEach(([f], k) => out.set(f.prox(v.subarray(offsets[k]!, offsets[k + 1]!), t), offsets[k]!));
      return out;
    },
    total,
  );
}

/**
 * The convex conjugate f*(y) = supₓ ⟨x, y⟩ − f(x) of a convex f, through its prox only:
 * prox_{t f*}(v) = v − t·prox_{f/t}(v/t). value(y) is not available from the prox alone and throws
 * a ParameterError (use the explicit dual operator where one exists: normL1 ↔ indBallLinf, …).
 */
export function conjugate(f: ProxOperator): ProxOperator {
  const fn = 'conjugate';
  operatorArg(fn, 'f', f);
  if (!f.properties.convex) throw new ParameterError(`${fn}: f must be convex (got ${f.name}, declared nonconvex)`);
  const name = `conjugate(${f.name})`;
  return derived(
    name,
    { convex: true, separable: f.properties.separable, prox: f.properties.prox, indicator: false },
    () => {
      throw new ParameterError(`${name}.value: the conjugate's value is not computable from the prox alone; use prox, or an explicit dual operator`);
    },
    (v, t) => {
      const step = stepFor(`${name}.prox`, f, t, 1 / t);
      const w = v.map((vi) => vi / t);
      if (!w.every(Number.isFinite)) throw new ParameterError(`${name}.prox: t must keep v/t finite (got t = ${t})`);
      const p = f.prox(w, step);
      for (let i = 0; i < p.length; i++) p[i] = v[i]! - t * p[i]!;
      return p;
    },
  );
}

/** The Moreau envelope e_t f returned by {@link moreauEnvelope}: value and gradient. */
export interface MoreauEnvelope {
  /** e_t f(x) = minᵤ f(u) + ‖u − x‖²/(2t) = f(p) + ‖x − p‖²/(2t), p = prox_{tf}(x). */
  value(x: VectorInput): number;
  /** ∇e_t f(x) = (x − prox_{tf}(x))/t (1/t-Lipschitz for convex f). */
  gradient(x: VectorInput): Float64Array;
}

/** The Moreau envelope of f with parameter t > 0: a smooth (for convex f) lower approximation of f. */
export function moreauEnvelope(f: ProxOperator, t = 1): MoreauEnvelope {
  const fn = 'moreauEnvelope';
  operatorArg(fn, 'f', f);
  positiveFinite(fn, 't', t);
  const name = `moreauEnvelope(${f.name}, ${t})`;
  return Object.freeze({
    value(x: VectorInput): number {
      const xv = readFinite(`${name}.value`, 'x', x);
      const p = f.prox(xv, t);
      let q = 0;
      for (let i = 0; i < xv.length; i++) q += (xv[i]! - p[i]!) ** 2;
      // An indicator's value at its own projection is 0 (the tolerance absorbs the rounding).
      return (f.properties.indicator ? 0 : f.value(p)) + q / (2 * t);
    },
    gradient(x: VectorInput): Float64Array {
      const xv = readFinite(`${name}.gradient`, 'x', x);
      const p = f.prox(xv, t);
      for (let i = 0; i < xv.length; i++) p[i] = (xv[i]! - p[i]!) / t;
      return p;
    },
  });
}
