/**
 * Loss proxes along a data row (the implicit / aProx updates of generalized implicit FTRL):
 * prox of t·φ(⟨a, x⟩) for one row a. With u = ⟨a, x⟩ and q = ‖a‖², the minimiser is
 * x = v − ((u₀ − u)/q)·a where u₀ = ⟨a, v⟩ and u = prox_{tq·φ}(u₀) is a 1-D prox.
 */
import { ParameterError, parameterError } from '../../runtime/errors.js';
import { mathWasm } from '../../runtime/math.js';
import type { ProxOperator } from '../operator.js';
import { defineOperator, describeParams, finite, lengthChecker, placeArray } from './define.js';
import { rowParameter } from './sets.js';

/** The loss of {@link lossProx}: 'squared' ½(⟨a, x⟩ − b)², 'absolute' |⟨a, x⟩ − b|, 'hinge' max(0, 1 − b⟨a, x⟩) and 'logistic' log(1 + exp(−b⟨a, x⟩)), the last two with a label b ∈ {−1, +1}. */
export type LossKind = 'squared' | 'absolute' | 'hinge' | 'logistic';
const KINDS: readonly LossKind[] = ['squared', 'absolute', 'hinge', 'logistic'];

/**
 * f(x) = φ(⟨a, x⟩) for one data row a (non-zero) and target b:
 * - 'squared':  ½(⟨a, x⟩ − b)²        → u = (u₀ + s·b)/(1 + s)
 * - 'absolute': |⟨a, x⟩ − b|           → u = b + soft(u₀ − b, s)
 * - 'hinge':    max(0, 1 − b⟨a, x⟩), b ∈ {−1, +1} the label → on m = b·u: m₀ ≥ 1 stays, m₀ ≤ 1 − s
 *               moves by s, else m = 1
 * - 'logistic': log(1 + exp(−b⟨a, x⟩)), b ∈ {−1, +1} the label → m − s·σ(−m) = m₀, solved by
 *               safeguarded Newton (bisection fallback) in WASM
 * with s = t‖a‖². prox is exact (closed form) except logistic (iterative, to a few ulps).
 */
export function lossProx(kind: LossKind, a: ArrayLike<number>, b = 0): ProxOperator {
  const fn = 'lossProx';
  if (!KINDS.includes(kind)) throw parameterError(fn, 'kind', `one of ${KINDS.map((k) => `'${k}'`).join(', ')}`, kind);
  const { av, aa: q } = rowParameter(fn, a);
  finite(fn, 'b', b);
  const label = kind === 'hinge' || kind === 'logistic';
  if (label && b !== 1 && b !== -1) throw new ParameterError(`${fn}: b must be the label -1 or +1 for the ${kind} loss (got ${b})`);
  const name = `lossProx(${describeParams(`'${kind}'`, av, b)})`;
  const phi = (u: number): number => {
    switch (kind) {
      case 'squared':
        return (u - b) ** 2 / 2;
      case 'absolute':
        return Math.abs(u - b);
      case 'hinge':
        return Math.max(0, 1 - b * u);
      case 'logistic':
        // ln(1 + e⁻ᵐ) in WASM: JavaScript's Math.exp/log1p differ in the last bit between engines
        return mathWasm(`${name}.value`).logisticLoss(b * u);
    }
  };
  return defineOperator({
    name,
    properties: { convex: true, separable: false, prox: kind === 'logistic' ? 'iterative' : 'closed-form', indicator: false },
    value: (x) => {
      let u = 0;
      for (let i = 0; i < x.length; i++) u += av[i]! * x[i]!;
      return phi(u);
    },
    checkLength: lengthChecker('a', av.length),
    run: (s, input, out, t) => {
      const ap = placeArray(s, av);
      const u0 = s.x.dotF64(ap, input.ptr, input.n);
      if (!Number.isFinite(u0)) return 1;
      const st = t * q;
      let u: number;
      if (kind === 'squared') u = (u0 + st * b) / (1 + st);
      else if (kind === 'absolute') {
        const d = u0 - b;
        u = b + (d > st ? d - st : d < -st ? d + st : 0);
      } else if (kind === 'hinge') {
        const m0 = b * u0;
        u = b * (m0 >= 1 ? m0 : m0 <= 1 - st ? m0 + st : 1);
      } else u = b * s.x.logisticProx1d(b * u0, st);
      return s.x.axpyInto(input.ptr, ap, input.n, -(u0 - u) / q, out);
    },
  });
}
