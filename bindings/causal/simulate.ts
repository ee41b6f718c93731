/** A seeded linear-Gaussian proximal causal simulator with a closed-form dose–response curve. */
import { parameterError } from '../runtime/errors.js';
import { checkCapacity, finiteArray, type VectorInput } from '../runtime/memory.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { seededRng } from '../rng.js';

/** Which bridge the returned covariates misspecify. */
export type ProximalMisspecification = 'none' | 'outcome' | 'treatment' | 'both';

/** Options of {@link simulateProximal}. */
export interface SimulateProximalOptions {
  /** Number of units. Default 1000. */
  n?: number;
  /** Seed of the generator. Default 0. */
  seed?: number | bigint;
  /**
   * Which bridge sees |X| instead of X (`outcomeCovariates` / `treatmentCovariates` of the result):
   * |X| loses the sign that both the confounding of A and the true bridges depend on, so no function of
   * it is a valid bridge. Default 'none'.
   */
  misspecify?: ProximalMisspecification;
}

const OPTION_KEYS = optionKeys<SimulateProximalOptions>({ n: true, seed: true, misspecify: true });

/** What {@link simulateProximal} returns. */
export interface SimulatedProximalStudy {
  /** The observations (A, Y, Z, W, X; U stays hidden). */
  data: {
    /** Treatment A. */
    a: Float64Array;
    /** Outcome Y. */
    y: Float64Array;
    /** Treatment-side proxy Z. */
    z: Float64Array;
    /** Outcome-side proxy W. */
    w: Float64Array;
    /** Measured covariate X. */
    x: Float64Array;
  };
  /** Covariates to give the outcome bridge (X, or |X| when it is misspecified). */
  outcomeCovariates: Float64Array;
  /** Covariates to give the treatment bridge (X, or |X| when it is misspecified). */
  treatmentCovariates: Float64Array;
  /** 21 treatment values, equally spaced on [−1.5, 1.5] (about the 10 % to 90 % range of A). */
  grid: Float64Array;
  /** The true β(a) on `grid`. */
  truth: Float64Array;
  /** The hidden confounder U (for checks; an estimator must not use it). */
  u: Float64Array;
}

/**
 * The true dose–response curve of {@link simulateProximal}: β(a) = 1 + a − 0.3·a² + 0.1·a³.
 *
 * @param a - treatment values.
 * @returns β at each value.
 */
export function proximalTrueCurve(a: VectorInput): Float64Array {
  const v = finiteArray('proximalTrueCurve', 'a', a);
  return v.map((t) => 1 + t - 0.3 * t * t + 0.1 * t * t * t);
}

/**
 * Simulates a proximal causal study with a hidden confounder U and a known dose–response curve:
 *
 * U, X ~ N(0, 1); A = 0.5U + 0.8X + 0.7ε_A; Z = U + 0.5X + 0.5ε_Z; W = U + 0.5X + 0.5ε_W;
 * Y = β(A) + U + 1.5X + 0.5ε_Y, all ε independent N(0, 1), with β from {@link proximalTrueCurve}.
 *
 * U confounds A and Y (a regression of Y on A and X is biased); Z and W are its proxies. The outcome
 * bridge is h(w, a, x) = β(a) + w + x (E[h | Z, A, X] = E[Y | Z, A, X] since E[W | ·] and E[U | ·]
 * differ only by 0.5X), so E[h(W, a, X)] = β(a). The treatment bridge q(z, a, x) exists in closed form
 * (an exponential of a quadratic: A, U, W, Z are jointly Gaussian given X) but is not needed here.
 *
 * @param options - n, seed and which bridge to misspecify (see {@link SimulateProximalOptions}).
 * @returns the data, per-bridge covariates, a treatment grid and the true curve on it.
 */
export function simulateProximal(options?: SimulateProximalOptions): SimulatedProximalStudy {
  const fn = 'simulateProximal';
  const opts = readOptions(fn, options, OPTION_KEYS);
  const n = opts.n === undefined ? 1000 : positiveInteger(fn, 'options.n', opts.n);
  const misspecify = opts.misspecify ?? 'none';
  if (!['none', 'outcome', 'treatment', 'both'].includes(misspecify as string)) {
    throw parameterError(fn, 'options.misspecify', "'none', 'outcome', 'treatment' or 'both'", misspecify);
  }
  checkCapacity(fn, 6 * n);
  const R = seededRng(fn, opts.seed ?? 0, 'options.seed');
  const e = R.normal(6 * n);
  const u = new Float64Array(n);
  const x = new Float64Array(n);
  const a = new Float64Array(n);
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = 6 * i;
    u[i] = e[k]!;
    x[i] = e[k + 1]!;
    a[i] = 0.5 * u[i]! + 0.8 * x[i]! + 0.7 * e[k + 2]!;
    z[i] = u[i]! + 0.5 * x[i]! + 0.5 * e[k + 3]!;
    w[i] = u[i]! + 0.5 * x[i]! + 0.5 * e[k + 4]!;
  }
  const beta = proximalTrueCurve(a);
  for (let i = 0; i < n; i++) y[i] = beta[i]! + u[i]! + 1.5 * x[i]! + 0.5 * e[6 * i + 5]!;
  const abs = x.map(Math.abs);
  const grid = Float64Array.from({ length: 21 }, (_, k) => -1.5 + (3 * k) / 20);
  return {
    data: { a, y, z, w, x },
    outcomeCovariates: misspecify === 'outcome' || misspecify === 'both' ? abs : x.slice(),
    treatmentCovariates: misspecify === 'treatment' || misspecify === 'both' ? abs : x.slice(),
    grid,
    truth: proximalTrueCurve(grid),
    u,
  };
}

