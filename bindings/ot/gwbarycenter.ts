import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { finiteCopy, vectorLength, type VectorInput } from '../runtime/memory.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { nonNegative, optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { seededRng } from '../rng.js';
import { gromovWasserstein, type GromovOptions } from './gromov.js';
import { histogram } from './sinkhorn.js';

/** Options of {@link gromovBarycenter}. */
export interface GromovBarycenterOptions {
  /** Weights λ_s of the structures (≥ 0, summing to 1). Default uniform 1/S. */
  lambdas?: VectorInput;
  /** Weights of the barycenter's N points (≥ 0, same sum as every ps[s]). Default uniform 1/N. */
  p?: VectorInput;
  /** Outer iterations (one GW solve per structure, then the closed-form update of C). Default 100. */
  maxIter?: number;
  /** Stop when ‖C_k − C_{k−1}‖_F ≤ tol·‖C_k‖_F. Default 1e-9. */
  tol?: number;
  /**
   * The starting structure, N × N (finite). Default: a seeded random symmetric matrix with zero diagonal
   * and entries uniform in [0, 2·mean], mean being the average entry of the input structures (POT also
   * starts from a random matrix).
   */
  init?: MatrixInput;
  /** Seed of the random start. Default 0. */
  seed?: number | bigint;
  /**
   * Options of the inner {@link gromovWasserstein} solves (`spectral`, `restarts`, `seed`, `maxIter`,
   * `tol`; not `loss` nor `init`: the loss is square and each solve is warm-started from its previous
   * coupling, in addition to the spectral starts). Default {}.
   */
  gw?: Omit<GromovOptions, 'loss' | 'init'>;
}

/** Result of {@link gromovBarycenter}. */
export interface GromovBarycenterResult {
  /** The barycenter structure, N × N row-major. */
  C: Float64Array;
  /** The GW couplings between the barycenter (rows, weights p) and each structure (columns, weights ps[s]). */
  plans: Float64Array[];
  /** Σ_s λ_s GW(C, C_s) at the returned C and plans. */
  value: number;
  /** The value after each outer iteration (before the last update of C). */
  history: number[];
  /** Outer iterations run. */
  iterations: number;
  /** True when the relative change of C fell below tol before maxIter. */
  converged: boolean;
}

const KEYS = optionKeys<GromovBarycenterOptions>({ lambdas: true, p: true, maxIter: true, tol: true, init: true, seed: true, gw: true });
const GW_KEYS = optionKeys<Omit<GromovOptions, 'loss' | 'init'>>({ maxIter: true, tol: true, restarts: true, seed: true, spectral: true });

/**
 * Gromov–Wasserstein barycenter of S structures (POT `ot.gromov.gromov_barycenters` with the square
 * loss): the N × N structure C minimising
 *
 *   Σ_s λ_s GW(C, C_s) = Σ_s λ_s min_{T_s} Σ_ijkl (C_ik − C_s,jl)² T_s,ij T_s,kl,
 *
 * with couplings T_s of p (the barycenter's weights) and ps[s]. Block-coordinate descent: with C fixed,
 * each T_s is a GW solve ({@link gromovWasserstein}, warm-started from its previous value); with the
 * T_s fixed, the minimiser in C is closed-form, C = Σ_s λ_s T_s C_s T_sᵀ ⊘ (p pᵀ). Every step can only
 * lower the objective when the GW solves are exact; they are local optima (GW is non-convex), so the
 * result is a local solution that depends on the start.
 *
 * @param Cs  the structures, C_s of size n_s × n_s (n_s = ps[s].length). @param ps  their weights (each summing like p).
 * @param N  the barycenter's number of points.
 * @throws ShapeError for empty or mismatched inputs; ParameterError for bad weights or options (unknown keys
 *   included); NonFiniteError for NaN/±Inf entries.
 */
export function gromovBarycenter(Cs: readonly MatrixInput[], ps: readonly VectorInput[], N: number, options?: GromovBarycenterOptions): GromovBarycenterResult {
  const fn = 'gromovBarycenter';
  const o = readOptions(fn, options, KEYS);
  if (!Array.isArray(Cs)) throw parameterError(fn, 'Cs', 'an array of structures', Cs);
  if (!Array.isArray(ps)) throw parameterError(fn, 'ps', 'an array of weight vectors', ps);
  const S = Cs.length;
  if (S === 0) throw new ShapeError(`${fn}: Cs must hold at least one structure (got 0)`);
  if (ps.length !== S) throw new ShapeError(`${fn}: ps must have one weight vector per structure (${S}) (got ${ps.length})`);
  positiveInteger(fn, 'N', N);
  const { maxIter = 100, tol = 1e-9 } = o;
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  const gwOpts = readOptions(`${fn}`, o.gw, GW_KEYS, 'options.gw');
  const p = o.p === undefined ? new Float64Array(N).fill(1 / N) : (() => {
    const len = vectorLength(fn, 'options.p', o.p);
    if (len !== N) throw new ShapeError(`${fn}: options.p must have length N = ${N} (got ${len})`);
    histogram(fn, 'options.p', o.p, N);
    return finiteCopy(fn, 'options.p', o.p, N);
  })();
  const sp = p.reduce((s, x) => s + x, 0);
  const lambdas = o.lambdas === undefined ? new Float64Array(S).fill(1 / S) : (() => {
    const len = vectorLength(fn, 'options.lambdas', o.lambdas);
    if (len !== S) throw new ShapeError(`${fn}: options.lambdas must have one weight per structure (${S}) (got ${len})`);
    const s = histogram(fn, 'options.lambdas', o.lambdas, S);
    if (Math.abs(s - 1) > 1e-8) throw new ParameterError(`${fn}: options.lambdas must sum to 1 within 1e-8 (got ${s})`);
    return finiteCopy(fn, 'options.lambdas', o.lambdas, S);
  })();
  const sizes: number[] = [];
  const weights: Float64Array[] = [];
  const mats: Float64Array[] = [];
  let meanEntry = 0;
  for (let s = 0; s < S; s++) {
    const n = vectorLength(fn, `ps[${s}]`, ps[s]);
    if (n === 0) throw new ShapeError(`${fn}: ps[${s}] must have length >= 1 (got 0)`);
    const sq = histogram(fn, `ps[${s}]`, ps[s]!, n);
    if (Math.abs(sq - sp) > 1e-8 * Math.max(sq, sp)) throw new ParameterError(`${fn}: ps[${s}] must have the sum of p (${sp}) within 1e-8 relative (got ${sq})`);
    const m = readMatrix(fn, `Cs[${s}]`, Cs[s], { rows: n, cols: n, label: `ps[${s}].length × ps[${s}].length` });
    const C = finiteCopy(fn, `Cs[${s}]`, m.data, n * n);
    sizes.push(n);
    weights.push(finiteCopy(fn, `ps[${s}]`, ps[s]!, n));
    mats.push(C);
    meanEntry += (lambdas[s]! * C.reduce((a, x) => a + Math.abs(x), 0)) / (n * n);
  }
  let C: Float64Array;
  if (o.init !== undefined) {
    const m = readMatrix(fn, 'options.init', o.init, { rows: N, cols: N, label: 'N × N' });
    C = finiteCopy(fn, 'options.init', m.data, N * N);
  } else {
    const u = seededRng(fn, o.seed ?? 0, 'options.seed').uniform(N * N);
    C = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let k = i + 1; k < N; k++) C[i * N + k] = C[k * N + i] = 2 * meanEntry * u[i * N + k]!;
  }
  const plans: (Float64Array | null)[] = new Array(S).fill(null);
  const history: number[] = [];
  let converged = false;
  let iterations = 0;
  let value = 0;
  const solveAll = (): number => {
    let v = 0;
    for (let s = 0; s < S; s++) {
      const init = plans[s] === null ? undefined : { data: plans[s]!, rows: N, cols: sizes[s]! };
      let r;
      try {
        r = gromovWasserstein(C, mats[s]!, p, weights[s]!, { ...gwOpts, ...(init ? { init } : {}) });
      } catch (e) {
        // the inner solve's option errors belong to options.gw of this call
        if (e instanceof ParameterError) e.message = e.message.replace(/^gromovWasserstein: options\./, `${fn}: options.gw.`);
        throw e;
      }
      plans[s] = r.plan;
      v += lambdas[s]! * r.value;
    }
    return v;
  };
  while (iterations < maxIter) {
    iterations++;
    history.push(solveAll());
    // C = Σ_s λ_s T_s C_s T_sᵀ ⊘ (p pᵀ): (T_s C_s) first (N n_s²), then times T_sᵀ (N² n_s).
    const next = new Float64Array(N * N);
    for (let s = 0; s < S; s++) {
      const n = sizes[s]!, T = plans[s]!, Cm = mats[s]!, lam = lambdas[s]!;
      const TC = new Float64Array(N * n);
      for (let i = 0; i < N; i++) for (let j = 0; j < n; j++) {
        const t = T[i * n + j]!;
        if (t === 0) continue;
        for (let l = 0; l < n; l++) TC[i * n + l] = TC[i * n + l]! + t * Cm[j * n + l]!;
      }
      for (let i = 0; i < N; i++) for (let k = 0; k < N; k++) {
        let acc = 0;
        for (let l = 0; l < n; l++) acc += TC[i * n + l]! * T[k * n + l]!;
        next[i * N + k] = next[i * N + k]! + lam * acc;
      }
    }
    let diff = 0, norm = 0;
    for (let i = 0; i < N; i++) for (let k = 0; k < N; k++) {
      const w = p[i]! * p[k]!;
      // a point of zero weight carries no mass: keep its row and column as they were
      const c = w > 0 ? next[i * N + k]! / w : C[i * N + k]!;
      diff += (c - C[i * N + k]!) ** 2;
      norm += c * c;
      next[i * N + k] = c;
    }
    C = next;
    if (Math.sqrt(diff) <= tol * Math.sqrt(norm)) { converged = true; break; }
  }
  value = solveAll();
  return { C, plans: plans as Float64Array[], value, history, iterations, converged };
}
