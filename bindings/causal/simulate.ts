/** A seeded proximal causal simulator with a closed-form dose–response curve and closed-form, bounded bridges. */
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
    /** Treatment A, in [−2, 2]. */
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
  /** The support of the treatment, [−2, 2] (pass it as `treatmentRange` to {@link proximalDoseResponse}). */
  treatmentRange: [number, number];
  /** 21 treatment values, equally spaced on [−1.5, 1.5]. */
  grid: Float64Array;
  /** The true β(a) on `grid`. */
  truth: Float64Array;
  /** The true bridges at the n units (for checks; an estimator must not use them). */
  bridges: {
    /** h(W_i, A_i, X_i) = β(A_i) + 2W_i + 2X_i. */
    outcome: Float64Array;
    /** q(Z_i, A_i, X_i), the closed form given at {@link simulateProximal}. */
    treatment: Float64Array;
  };
  /** The hidden confounder U ∈ {−1, 1} (for checks; an estimator must not use it). */
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

/** The tilt θ(u, x) = 0.35u + 0.45·x/√(1 + x²) of the treatment density; |θ| < 0.8 (sqrt only, so every engine gives the same bits). */
function tilt(u: number, x: number): number {
  return 0.35 * u + (0.45 * x) / Math.sqrt(1 + x * x);
}

/** p(a | u, x) = ¼(1 + θ(u, x)·a/2) on [−2, 2]. */
function treatmentDensity(a: number, u: number, x: number): number {
  return 0.25 * (1 + (tilt(u, x) * a) / 2);
}

/**
 * Simulates a proximal causal study with a hidden confounder U and a known dose–response curve:
 *
 * U = ±1 with probability ½ each, X ~ N(0, 1) independent of U; the treatment A has the density
 * p(a | U, X) = ¼(1 + θ·a/2) on [−2, 2] with θ = 0.35U + 0.45·X/√(1 + X²) (|θ| < 0.8, so the density
 * stays between 0.05 and 0.45); Z = U + 0.5ε_Z; W = U + 0.5ε_W;
 * Y = β(A) + 2U + 2X + 0.5ε_Y, all ε independent N(0, 1), with β from {@link proximalTrueCurve}.
 *
 * U confounds A and Y (a regression of Y on A and X is biased); Z and W are its proxies. Both bridges
 * have closed forms:
 * - outcome bridge h(w, a, x) = β(a) + 2w + 2x: E[W | U] = U, so E[h(W, a, X) | U, X] = E[Y | U, A = a, X];
 * - treatment bridge q(z, a, x) = m(a, x) + d(a, x)·z with m = (1/p₊ + 1/p₋)/2, d = (1/p₊ − 1/p₋)/2
 *   and p± = p(a | U = ±1, x): E[q(Z, a, X) | U, X] = 1/p(a | U, X). It is bounded on bounded z (1/p ≤ 20),
 *   which a treatment with a Gaussian law given U would not give (its inverse density grows like the
 *   exponential of a quadratic, and so do the weights).
 *
 * E[U] = E[X] = 0, so E[Y(a)] = β(a).
 *
 * @param options - n, seed and which bridge to misspecify (see {@link SimulateProximalOptions}).
 * @returns the data, per-bridge covariates, the treatment range, a treatment grid, the true curve on
 *   it and the true bridges at the units.
 */
export function simulateProximal(options?: SimulateProximalOptions): SimulatedProximalStudy {
  const fn = 'simulateProximal';
  const opts = readOptions(fn, options, OPTION_KEYS);
  const n = opts.n === undefined ? 1000 : positiveInteger(fn, 'options.n', opts.n);
  const misspecify = opts.misspecify ?? 'none';
  if (!['none', 'outcome', 'treatment', 'both'].includes(misspecify as string)) {
    throw parameterError(fn, 'options.misspecify', "'none', 'outcome', 'treatment' or 'both'", misspecify);
  }
  checkCapacity(fn, 7 * n);
  const R = seededRng(fn, opts.seed ?? 0, 'options.seed');
  const e = R.normal(4 * n);
  const v = R.uniform(2 * n);
  const u = new Float64Array(n);
  const x = new Float64Array(n);
  const a = new Float64Array(n);
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = 4 * i;
    u[i] = v[2 * i]! < 0.5 ? -1 : 1;
    x[i] = e[k]!;
    // inverse CDF of ½(1 + θt) on t ∈ [−1, 1]: θt²/2 + t − r = 0 with r = 2V − 1 + θ/2, in the
    // cancellation-free form t = 2r / (1 + √(1 + 2θr))
    const th = tilt(u[i]!, x[i]!);
    const r = 2 * v[2 * i + 1]! - 1 + th / 2;
    a[i] = (2 * (2 * r)) / (1 + Math.sqrt(1 + 2 * th * r));
    z[i] = u[i]! + 0.5 * e[k + 1]!;
    w[i] = u[i]! + 0.5 * e[k + 2]!;
  }
  const beta = proximalTrueCurve(a);
  const hTrue = new Float64Array(n);
  const qTrue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = beta[i]! + 2 * u[i]! + 2 * x[i]! + 0.5 * e[4 * i + 3]!;
    hTrue[i] = beta[i]! + 2 * w[i]! + 2 * x[i]!;
    const ip = 1 / treatmentDensity(a[i]!, 1, x[i]!);
    const im = 1 / treatmentDensity(a[i]!, -1, x[i]!);
    qTrue[i] = (ip + im) / 2 + ((ip - im) / 2) * z[i]!;
  }
  const abs = x.map(Math.abs);
  const grid = Float64Array.from({ length: 21 }, (_, k) => -1.5 + (3 * k) / 20);
  return {
    data: { a, y, z, w, x },
    outcomeCovariates: misspecify === 'outcome' || misspecify === 'both' ? abs : x.slice(),
    treatmentCovariates: misspecify === 'treatment' || misspecify === 'both' ? abs : x.slice(),
    treatmentRange: [-2, 2],
    grid,
    truth: proximalTrueCurve(grid),
    bridges: { outcome: hTrue, treatment: qTrue },
    u,
  };
}
