import type { F64Buffer, VectorInput } from '../runtime/memory.js';

/** What is known about a function f before calling it: algorithms and docs rely on these. */
export interface OperatorProperties {
  /** f is convex (its prox is then single-valued and firmly nonexpansive). */
  convex: boolean;
  /** f(x) = Σᵢ fᵢ(xᵢ): the prox acts coordinate by coordinate. */
  separable: boolean;
  /** 'closed-form' when prox is exact in finitely many steps; 'iterative' when it is approximated. */
  prox: 'closed-form' | 'iterative';
  /** f is the indicator of a set (value 0 inside, +Infinity outside; prox = projection). */
  indicator: boolean;
}

/**
 * A proper closed function f with a computable proximal operator
 *   prox_{t f}(v) = argminₓ f(x) + ‖x − v‖²/(2t),
 * in the style of ProximalOperators.jl. Factories (normL1(λ), indSimplex(r), …) validate their
 * parameters once; `prox` validates v, t and out on every call.
 */
export interface ProxOperator {
  /** Short name with parameters, e.g. `normL1(0.5)`, for messages and reports. */
  readonly name: string;
  /** Convexity, separability, closed form or iterative, indicator or not. */
  readonly properties: OperatorProperties;
  /** f(x); +Infinity outside the domain (for indicators: outside the set, with a 1e-9 relative tolerance). */
  value(x: VectorInput): number;
  /** prox_{t f}(v), t > 0 (default 1), into `out` (a Float64Array or an F64Buffer, may be v) or a new array. */
  prox(v: VectorInput, t?: number, out?: Float64Array): Float64Array;
  /** The same with an F64Buffer as `out`: the result stays in WASM memory (the zero-copy path) and the buffer is returned. */
  prox(v: VectorInput, t: number | undefined, out: F64Buffer): F64Buffer;
}
