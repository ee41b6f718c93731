/**
 * Block coordinate descent with proximal regularization (BCD-PR), Gauss–Seidel over user blocks.
 */
import { ParameterError, parameterError } from '../../runtime/errors.js';
import { optionKeys } from '../../runtime/validate.js';
import { ITERATIVE_KEYS, checkOptions, iterate, positiveOption, runResult, type IterativeOptions, type IterativeResult } from './common.js';
import { numbersOf } from '../../runtime/memory.js';

/** One block θ_i of the variables. */
export interface BcdBlock {
  /** The block's starting value θ_i⁽⁰⁾ (its length is the block size; copied). */
  x0: ArrayLike<number>;
  /**
   * The exact (or accurate) block step: write into `out`
   *   argmin_{u ∈ Θ_i} f(θ_1, …, θ_{i−1}, u, θ_{i+1}, …, θ_m) + (c/2)‖u − θ_i‖²,
   * where `blocks` holds the current values of all blocks (blocks before i already updated in this
   * sweep, block i and later from the previous sweep). `blocks[i]` must not be modified.
   */
  update(blocks: readonly Float64Array[], c: number, out: Float64Array): void;
}

export interface BcdOptions extends IterativeOptions {
  /** Proximal weight c > 0 (the paper's λ; default 1). Larger c: shorter, safer steps. */
  c?: number;
}

export interface BcdResult extends IterativeResult {
  /** The blocks at the end (x is their concatenation). */
  blocks: Float64Array[];
  /** The objective at the end. */
  objective: number;
}

// The option keys it accepts (readOptions refuses any other key).
const BCD_KEYS = [...ITERATIVE_KEYS, ...optionKeys<Omit<BcdOptions, keyof IterativeOptions>>({ c: true })];

/**
 * Block coordinate descent of Gauss–Seidel type with proximal regularization (BCD-PR; Kwon & Lyu,
 * "Complexity of Block Coordinate Descent with Proximal Regularization and Applications to
 * Wasserstein CP-dictionary Learning", ICML 2023, Algorithm 1): for min f(θ_1, …, θ_m) over
 * Θ_1 × … × Θ_m (f possibly nonconvex), sweep k updates the blocks in order,
 *
 *   θ_i⁽ᵏ⁾ ∈ argmin_{u ∈ Θ_i} f(θ_1⁽ᵏ⁾, …, θ_{i−1}⁽ᵏ⁾, u, θ_{i+1}⁽ᵏ⁻¹⁾, …) + (c/2)‖u − θ_i⁽ᵏ⁻¹⁾‖²,
 *
 * each through the caller's `update`. The objective decreases monotonically by at least
 * (c/2)‖θ⁽ᵏ⁾ − θ⁽ᵏ⁻¹⁾‖² per sweep, and an ε-stationary point is reached within O(1/ε) sweeps (the
 * paper's Theorem 1, for smooth f with block-wise convex constraints).
 *
 * Certificate ('proximal step c‖θ⁽ᵏ⁾ − θ⁽ᵏ⁻¹⁾‖'): zero exactly at a fixed point of the sweep, i.e. a
 * blockwise stationary point. The blocks live in plain Float64Arrays (the updates are the caller's).
 * Defaults: maxIter 1000, tol 1e-8, c = 1.
 *
 * @param objective  f(blocks) (for the history and onProgress; not used by the steps).
 * @param blocks  the blocks with their starting values and updates.
 */
export function bcdProx(objective: (blocks: readonly Float64Array[]) => number, blocks: readonly BcdBlock[], options: BcdOptions = {}): BcdResult {
  const fn = 'bcdProx';
  if (typeof objective !== 'function') throw parameterError(fn, 'objective', 'a function', objective);
  if (!Array.isArray(blocks) || blocks.length === 0) throw parameterError(fn, 'blocks', 'a non-empty array of blocks', blocks);
  blocks.forEach((b, i) => {
    if (b === null || typeof b !== 'object' || typeof b.update !== 'function') {
      throw parameterError(fn, `blocks[${i}]`, 'a block { x0, update(blocks, c, out) }', b);
    }
    if (b.x0 === null || typeof b.x0 !== 'object' || typeof b.x0.length !== 'number') throw parameterError(fn, `blocks[${i}].x0`, 'an array of numbers', b.x0);
  });
  const opts = checkOptions(fn, options, { maxIter: 1000, tol: 1e-8 }, BCD_KEYS);
  const c = positiveOption(fn, 'options.c', options.c, 1);
  const theta = blocks.map((b, i) => {
    const v = numbersOf(fn, `blocks[${i}].x0`, b.x0);
    const bad = v.findIndex((q) => !Number.isFinite(q));
    if (bad >= 0) throw parameterError(fn, `blocks[${i}].x0`, 'finite', v[bad]);
    return v;
  });
  const next = theta.map((v) => new Float64Array(v.length));
  let cert = NaN;
  let value = objective(theta);
  const outcome = iterate(opts, () => {
    // One Gauss–Seidel sweep: θ_i ← argmin_u f(…, u, …) + (c/2)‖u − θ_i‖² for i = 1..m.
    let step = 0;
    for (let i = 0; i < theta.length; i++) {
      const out = next[i]!;
      blocks[i]!.update(theta, c, out);
      const cur = theta[i]!;
      for (let j = 0; j < cur.length; j++) {
        if (!Number.isFinite(out[j]!)) throw new ParameterError(`${fn}: blocks[${i}].update must write finite values (got ${out[j]} at index ${j})`);
        const d = out[j]! - cur[j]!;
        step += d * d;
      }
      theta[i] = out;
      next[i] = cur;
    }
    cert = c * Math.sqrt(step);
    value = objective(theta);
    return { objective: value, residual: cert };
  });
  const x = new Float64Array(theta.reduce((s, v) => s + v.length, 0));
  let off = 0;
  for (const v of theta) {
    x.set(v, off);
    off += v.length;
  }
  return {
    x,
    blocks: theta.map((v) => v.slice()),
    ...runResult(outcome, 'proximal step c‖θ⁽ᵏ⁾ − θ⁽ᵏ⁻¹⁾‖', cert),
    objective: value,
  };
}
