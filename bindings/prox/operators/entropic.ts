/**
 * Bregman (KL / entropic) proxes on the probability simplex: the entropic mirror step and the prox of
 * a linear term plus a KL term to a reference, exp and log in WASM (bit-identical across engines).
 */
import { ParameterError, ShapeError } from '../../runtime/errors.js';
import { mathWasm } from '../../runtime/math.js';
import { f64View, vectorLength, withScope, type VectorInput } from '../../runtime/memory.js';
import { optionKeys, positiveFinite, readOptions } from '../../runtime/validate.js';
import { isNonNegativeFinite, nonNegativeFinite, placeArray, readFinite, vectorParameter } from './define.js';

/** Options of {@link klSimplex}. */
export interface KlSimplexOptions {
  /** Reference distribution r (entries finite and ≥ 0, length ≥ 1, same length as x0) of the μ·KL(x‖r) term. Default: none. */
  reference?: ArrayLike<number>;
  /** Weight μ ≥ 0 of the KL(x‖r) term. Default 0 (or 1 when a reference is given). */
  mu?: number;
}

/** A prox in the KL geometry: argmin over the simplex of ⟨g, x⟩ + h(x) + KL(x‖x0)/t. */
export interface KlSimplexOperator {
  /** Short name with parameters, e.g. `klSimplex(mu = 0.5, reference [3])` or `klSimplex()`, for messages and reports. */
  readonly name: string;
  /** h(x) = μ·KL(x‖r) on the simplex (0 without a reference); +Infinity off the simplex (1e-9 tolerance). */
  value(x: ArrayLike<number>): number;
  /**
   * argmin_{x ∈ Δ} ⟨g, x⟩ + μ·KL(x‖r) + KL(x‖x0)/t, i.e. xᵢ ∝ exp((log x0ᵢ − t·gᵢ + tμ·log rᵢ)/(1 + tμ));
   * without a reference the entropic mirror step xᵢ ∝ x0ᵢ·exp(−t·gᵢ). x0: entries ≥ 0, not all 0
   * (it need not sum to 1); g: finite; t > 0 (default 1). The largest exponent is subtracted first.
   */
  step(x0: VectorInput, g: VectorInput, t?: number, out?: Float64Array): Float64Array;
  /**
   * The prox of h in the KL geometry: argmin_{x ∈ Δ} μ·KL(x‖r) + KL(x‖v)/t = step(v, 0, t), i.e.
   * xᵢ ∝ (vᵢ·rᵢ^{tμ})^{1/(1 + tμ)}; without a reference, v normalised to sum 1. Not a Euclidean prox:
   * use it in mirror-descent / Bregman methods, not in place of a ProxOperator.
   */
  prox(v: VectorInput, t?: number, out?: Float64Array): Float64Array;
}

/** KL(x‖r) = Σ xᵢ ln(xᵢ/rᵢ) over xᵢ > 0, the log from WASM (JavaScript's Math.log differs between engines). */
const KL = (fn: string, x: ArrayLike<number>, r: ArrayLike<number>) => {
  const log = mathWasm(fn).mathLog;
  let s = 0;
  for (let i = 0; i < x.length; i++) if (x[i]! > 0) s += x[i]! * log(x[i]! / r[i]!);
  return s;
};

/**
 * The operator of h(x) = μ·KL(x‖r) + ι_Δ(x) in the KL geometry of the probability simplex Δ: `.step` is
 * the Bregman proximal (mirror) step argmin_{x ∈ Δ} ⟨g, x⟩ + h(x) + KL(x‖x0)/t, `.prox` its g = 0 case,
 * `.value` h itself. Without a reference (μ = 0) `.step` is the entropic mirror-descent update.
 * @param options  reference r (finite, ≥ 0; default none) and μ ≥ 0 (default 1 with a reference, else 0).
 * @throws ParameterError for μ > 0 without a reference or a bad μ; ShapeError for an empty reference;
 *   NonFiniteError/ParameterError for reference entries that are not finite and ≥ 0.
 */
export function klSimplex(options: KlSimplexOptions = {}): KlSimplexOperator {
  const fn = 'klSimplex';
  const opts = readOptions(fn, options, optionKeys<KlSimplexOptions>({ reference: true, mu: true }));
  const r = opts.reference === undefined ? null : vectorParameter(fn, 'reference', opts.reference, isNonNegativeFinite, 'finite and >= 0');
  // step needs x0 of the reference's length and x0 must be non-empty: an empty reference is unusable.
  if (r && r.length === 0) throw new ShapeError(`${fn}: reference must have length >= 1 (got 0)`);
  const mu = opts.mu === undefined ? (r ? 1 : 0) : nonNegativeFinite(fn, 'mu', opts.mu);
  if (mu > 0 && !r) throw new ParameterError(`${fn}: mu > 0 needs a reference distribution (got mu = ${mu} and no reference)`);
  const name = r ? `klSimplex(mu = ${mu}, reference [${r.length}])` : 'klSimplex()';
  const stepName = `${name}.step`;
  const op: KlSimplexOperator = Object.freeze({
    name,
    value(x: ArrayLike<number>): number {
      const v = vectorParameter(`${name}.value`, 'x', x);
      if (r && v.length !== r.length) throw new ShapeError(`${name}.value: x must have length ${r.length} like reference (got ${v.length})`);
      let sum = 0;
      for (let i = 0; i < v.length; i++) {
        if (v[i]! < -1e-9) return Infinity;
        sum += v[i]!;
      }
      if (Math.abs(sum - 1) > 1e-9) return Infinity;
      return r && mu > 0 ? mu * KL(`${name}.value`, v, r) : 0;
    },
    step(x0: VectorInput, g: VectorInput, t = 1, out?: Float64Array): Float64Array {
      positiveFinite(stepName, 't', t);
      const n = vectorLength(stepName, 'x0', x0);
      if (n === 0) throw new ShapeError(`${stepName}: x0 must have length >= 1 (got 0)`);
      if (vectorLength(stepName, 'g', g) !== n) throw new ShapeError(`${stepName}: g must have length ${n} like x0 (got ${(g as ArrayLike<number>).length})`);
      if (r && r.length !== n) throw new ShapeError(`${stepName}: x0 must have length ${r.length} like reference (got ${n})`);
      if (out !== undefined && (!(out instanceof Float64Array) || out.length !== n)) throw new ShapeError(`${stepName}: out must be a Float64Array of length ${n}`);
      const xv = readFinite(stepName, 'x0', x0);
      const gv = readFinite(stepName, 'g', g);
      return withScope(stepName, (s) => {
        const px = placeArray(s, xv);
        const pg = placeArray(s, gv);
        const pr = r ? placeArray(s, r) : 0;
        const po = s.f64(n);
        const code = s.x.entropicStep(px, pg, pr, n, t, mu, po);
        if (code === 2) throw new ParameterError(`${stepName}: x0 must have entries >= 0`);
        if (code === 3) throw new ParameterError(`${stepName}: x0 must have a positive entry${r ? ' where the reference is positive' : ''}`);
        const result = out ?? new Float64Array(n);
        result.set(f64View(s.x, po, n));
        return result;
      });
    },
    prox(v: VectorInput, t = 1, out?: Float64Array): Float64Array {
      const n = vectorLength(`${name}.prox`, 'v', v);
      return op.step(v, new Float64Array(n), t, out);
    },
  });
  return op;
}
