/**
 * The Tucker packing problem (Ghadiri, Fahrbach, Fu & Mirrokni, "Approximately Optimal Core Shapes
 * for Tensor Decompositions", ICML 2023, Sec. 3): given the mode spectra σ²ₙ,ᵢ of X, choose the core
 * shape r maximising Σₙ Σ_{i<rₙ} σ²ₙ,ᵢ subject to Πₙ rₙ + Σₙ Iₙ rₙ ≤ B, 1 ≤ rₙ ≤ Iₙ. Since
 * ‖X − HOSVD_r(X)‖² ≤ Σₙ Σ_{i≥rₙ} σ²ₙ,ᵢ (De Lathauwer et al. 2000, Property 10), the minimised
 * "predicted error" bounds the Tucker loss of the chosen shape.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { f64View, numbersOf, withScope } from '../runtime/memory.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { checkDims, coreShape } from './tensor.js';

/** No core shape fits the budget: even r = (1, …, 1) needs 1 + Σₙ Iₙ parameters. */
export class InfeasibleBudgetError extends ParameterError {
  /** The smallest budget that admits a shape: 1 + Σₙ Iₙ. */
  readonly minimumBudget: number;
  constructor(fn: string, budget: number, minimumBudget: number) {
    super(`${fn}: budget must be >= ${minimumBudget} = 1 + ΣIₙ, the size of the smallest core shape (1, …, 1) (got ${budget})`);
    this.minimumBudget = minimumBudget;
  }
}

/**
 * Number of parameters of a Tucker decomposition with core shape r: Πₙ rₙ + Σₙ Iₙ rₙ.
 * @throws ShapeError/ParameterError unless dims are positive integers and shape has one entry 1 ≤ rₙ ≤ Iₙ per mode.
 */
export function tuckerParameterCount(dims: readonly number[], shape: readonly number[]): number {
  const fn = 'tuckerParameterCount';
  const I = checkDims(fn, 'dims', dims, 1);
  return parameterCount(I, coreShape(fn, shape, I));
}

/** Πₙ rₙ + Σₙ Iₙ rₙ without checks, for the search loops (their shapes are valid by construction). */
export function parameterCount(dims: readonly number[], shape: readonly number[]): number {
  let p = 1;
  let c = 0;
  for (let n = 0; n < dims.length; n++) {
    p *= shape[n]!;
    c += dims[n]! * shape[n]!;
  }
  return p + c;
}

/** Options of {@link solveTuckerPacking}. */
export interface PackingOptions {
  /**
   * Approximation parameter ε ≥ 0. Default: undefined = exact DP, falling back to ε = 0.1 when the
   * exact state space exceeds `maxLabels`. 0 = exact only (throws if it does not fit). ε > 0 = the
   * rounded DP directly: the returned shape is feasible for B and captures at least the energy of the
   * best shape for budget B/(1+ε).
   */
  epsilon?: number;
  /** Cap on DP labels (states), 32 bytes + hash each. Default 2^20 (~40 MiB of WASM memory). */
  maxLabels?: number;
}

/** Result of {@link solveTuckerPacking}. */
export interface PackingResult {
  /** The core shape r. */
  shape: number[];
  /** Σₙ Σ_{i≥rₙ} σ²ₙ,ᵢ: the energy left out, an upper bound on ‖X − HOSVD_r(X)‖²_F. */
  predictedError: number;
  /** Σₙ Σ_{i<rₙ} σ²ₙ,ᵢ. */
  capturedEnergy: number;
  /** Πₙ rₙ + Σₙ Iₙ rₙ ≤ budget. */
  parameters: number;
  /** True when the DP ran exactly (ε = 0); false for the (1+ε) scheme. */
  exact: boolean;
  /** The ε used (0 when exact). */
  epsilon: number;
  /** DP labels (states) created. */
  labels: number;
}

/**
 * Solves the Tucker packing problem by a dynamic program over the modes in WASM (assembly/tucker/
 * packing.ts). Exact by default: a state is (Π rₘ, Σ Iₘ rₘ) over the modes processed so far, states
 * beyond the budget are dropped, and the largest mode is closed in O(1) — so the exact DP holds at
 * most Π_{n≠largest} Iₙ states and always fits for 3-way tensors of up to ~10⁶ entries in the two
 * smaller modes. Beyond `maxLabels` it rounds the costs geometrically: a (1+ε) bicriteria scheme.
 *
 * @param spectra  per mode, the Iₙ values σ²ₙ,ᵢ ≥ 0 (any order: sorted descending here).
 * @param budget  B, the parameter budget (finite, ≥ 1 + ΣIₙ).
 * @throws InfeasibleBudgetError when B < 1 + ΣIₙ; ParameterError for bad options or when the state
 *   space exceeds `maxLabels` even with rounding; ShapeError for fewer than 1 mode.
 */
export function solveTuckerPacking(spectra: ArrayLike<number>[], budget: number, options: PackingOptions = {}): PackingResult {
  return packSpectra('solveTuckerPacking', spectra, budget, options);
}

/** The shared body of solveTuckerPacking and selectCoreShape({ method: 'dp' }). */
export function packSpectra(fn: string, spectra: ArrayLike<number>[], budget: number, options: PackingOptions): PackingResult {
  const { epsilon, maxLabels } = readOptions(fn, options, optionKeys<PackingOptions>({ epsilon: true, maxLabels: true }));
  if (!Array.isArray(spectra) || spectra.length === 0) throw new ShapeError(`${fn}: spectra must be a non-empty array of per-mode spectra (got ${Array.isArray(spectra) ? 0 : typeof spectra})`);
  const sorted = spectra.map((sp, n) => {
    if (!sp || typeof sp.length !== 'number' || sp.length === 0) throw new ShapeError(`${fn}: spectra[${n}] must be a non-empty array (got ${sp?.length ?? typeof sp})`);
    const a = numbersOf(fn, `spectra[${n}]`, sp);
    a.forEach((v, i) => {
      if (!Number.isFinite(v) || v < 0) throw parameterError(fn, `spectra[${n}][${i}]`, 'finite and >= 0', v);
    });
    return a.sort().reverse();
  });
  const dims = sorted.map((a) => a.length);
  if (epsilon !== undefined && (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon))) throw parameterError(fn, 'options.epsilon', 'a finite number >= 0', epsilon);
  const cap = maxLabels ?? 2 ** 20;
  if (!Number.isSafeInteger(cap) || cap < 1 || cap > 2 ** 26) throw parameterError(fn, 'options.maxLabels', 'an integer in [1, 2^26]', cap);
  if (typeof budget !== 'number' || Number.isNaN(budget)) throw parameterError(fn, 'budget', 'a number', budget);
  if (!Number.isFinite(budget) || budget > 2 ** 52) throw parameterError(fn, 'budget', 'finite and <= 2^52', budget);
  const minimum = 1 + dims.reduce((a, b) => a + b, 0);
  if (budget < minimum) throw new InfeasibleBudgetError(fn, budget, minimum);
  // The largest mode goes last: the kernel closes the last mode in O(1).
  const order = dims.map((_, n) => n).sort((a, b) => dims[a]! - dims[b]! || a - b);
  const N = dims.length;
  // No DP holds more labels than the root plus every partial shape of the modes before the last:
  // size the work area by that bound when it is below the cap (small problems allocate little).
  let bound = 1;
  for (let k = 0, layer = 1; k < N - 1 && bound <= cap; k++) bound += layer *= dims[order[k]!]!;
  const room = Math.min(cap, bound);
  const tryRun = (eps: number): { code: number; shape: number[]; captured: number } =>
    withScope(fn, (s) => {
      let total = 0;
      for (const n of order) total += dims[n]! + 1;
      const cum = s.f64(total);
      const cv = f64View(s.x, cum, total);
      let off = 0;
      for (const n of order) {
        let acc = 0;
        cv[off++] = 0;
        for (const v of sorted[n]!) cv[off++] = acc += v;
      }
      const dimsPtr = s.f64(Math.ceil(N / 2));
      new Int32Array(s.x.memory.buffer, dimsPtr, N).set(order.map((n) => dims[n]!));
      const work = s.f64(Math.ceil(s.x.tuckerPackWorkBytes(room) / 8));
      const out = s.f64(Math.ceil(N / 2));
      const value = s.f64(1);
      const code = s.x.tuckerPack(cum, dimsPtr, N, Math.floor(budget), eps, work, room, out, value);
      const ranks = new Int32Array(s.x.memory.buffer, out, N);
      const shape = new Array<number>(N);
      order.forEach((n, k) => (shape[n] = ranks[k]!));
      return { code, shape, captured: f64View(s.x, value, 1)[0]! };
    });
  let eps = epsilon ?? 0;
  let r = tryRun(eps);
  if (r.code === -1 && epsilon === undefined) r = tryRun((eps = 0.1));
  if (r.code === -1) {
    throw new ParameterError(
      `${fn}: the ${eps === 0 ? 'exact' : `ε = ${eps}`} DP needs more than maxLabels = ${cap} states for dims ${dims.join(' × ')} and budget ${budget}` +
        (eps === 0 ? ' (pass options.epsilon > 0 for the (1+ε) scheme)' : ' (raise options.epsilon or options.maxLabels)'),
    );
  }
  if (r.code === -2 && eps > 0) {
    // Rounded costs over-estimate: near the minimum budget even (1, …, 1) may not fit after rounding
    // (the guarantee is then vacuous, B/(1+ε) < 1 + ΣIₙ). The exact DP has few states there.
    const exact = tryRun(0);
    r = exact.code >= 0 ? exact : { code: 1, shape: dims.map(() => 1), captured: 0 };
    eps = exact.code >= 0 ? 0 : eps;
  }
  if (r.code === -2) throw new InfeasibleBudgetError(fn, budget, minimum); // unreachable after the check above
  let captured = 0;
  let tail = 0;
  sorted.forEach((a, n) => {
    for (let i = 0; i < a.length; i++) {
      if (i < r.shape[n]!) captured += a[i]!;
      else tail += a[i]!;
    }
  });
  return {
    shape: r.shape,
    predictedError: tail,
    capturedEnergy: captured,
    parameters: parameterCount(dims, r.shape),
    exact: eps === 0,
    epsilon: eps,
    labels: r.code,
  };
}
