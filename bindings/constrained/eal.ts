/**
 * An adaptive inexact Newton method for equality-constrained problems min f(x) s.t. c(x) = 0: Newton
 * steps on the KKT conditions, solved exactly (LU) or by randomized iterative sketching to an accuracy
 * that tightens as the iterates converge, with a line search on the exact augmented Lagrangian.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { finiteArray, type VectorInput } from '../runtime/memory.js';
import { optionKeys, positiveFinite, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { readSketchOptions, sketchLoop, type SketchKind } from './sketch.js';

/**
 * A smooth equality-constrained problem min f(x) s.t. c(x) = 0 with x ∈ ℝⁿ, c: ℝⁿ → ℝᵐ. Every
 * callback writes into `out` (row-major for matrices) and must not keep it.
 */
export interface EqualityConstrainedProblem {
  /** n, the number of variables. */
  dimension: number;
  /** m, the number of constraints (m < n). */
  constraints: number;
  /** f(x). */
  objective(x: Float64Array): number;
  /** ∇f(x) into out (n). */
  gradient(x: Float64Array, out: Float64Array): void;
  /** ∇²f(x) into out (n × n). */
  hessian(x: Float64Array, out: Float64Array): void;
  /** c(x) into out (m). */
  constraint(x: Float64Array, out: Float64Array): void;
  /** The Jacobian of c into out (m × n: row i is ∇c_i(x)ᵀ). */
  jacobian(x: Float64Array, out: Float64Array): void;
  /** Σ_i λ_i ∇²c_i(x) into out (n × n). Omit when every constraint is linear. */
  constraintHessian?(x: Float64Array, lambda: Float64Array, out: Float64Array): void;
}

/** One Newton iteration of {@link exactAugmentedLagrangian}. */
export interface AugmentedLagrangianStep {
  /** Iteration number (1-based). */
  iteration: number;
  /** ‖(∇f + Jᵀλ, c)‖₂ after the step. */
  kktResidual: number;
  /** ‖c(x)‖₂ after the step. */
  constraintViolation: number;
  /** f(x) after the step. */
  objective: number;
  /** Accepted step size α of the line search. */
  stepSize: number;
  /** Relative accuracy θ asked of the KKT solve (0 for the exact solve). */
  accuracy: number;
  /** Iterations of the sketching solver (0 for the exact solve). */
  innerIterations: number;
  /** Flops of this iteration's KKT solve(s). */
  solveFlops: number;
  /** Penalty μ on ‖c‖²/2 of the merit function at this iteration. */
  mu: number;
  /** Penalty ν on ‖∇ₓL‖²/2 of the merit function at this iteration. */
  nu: number;
  /** Shift δ added to the Hessian of the Lagrangian in the KKT matrix (0 once it is positive definite). */
  shift: number;
  /** Elapsed milliseconds since the start. */
  elapsed: number;
}

/** Options of {@link exactAugmentedLagrangian}. */
export interface ExactAugmentedLagrangianOptions {
  /** Starting point (length n). Default zeros. */
  x0?: VectorInput;
  /** Starting multipliers (length m). Default: the least-squares multipliers at x0 (minimise ‖∇f + Jᵀλ‖). */
  lambda0?: VectorInput;
  /** 'sketch' (randomized iterative sketching) or 'exact' (LU with partial pivoting). Default 'sketch'. */
  solver?: 'sketch' | 'exact';
  /** Sketch of the randomized solver. Default 'gaussian'. */
  sketch?: SketchKind;
  /** Sketch size s. Default ⌈(n + m)/4⌉. */
  sketchSize?: number;
  /** Stop when the KKT residual ‖(∇f + Jᵀλ, c)‖₂ ≤ tol. Default 1e-8. */
  tol?: number;
  /** Newton iteration cap. Default 100. */
  maxIter?: number;
  /** Iteration cap of one sketched solve; a solve that reaches it raises the Hessian shift (×4, at most 3 times per Newton step). Default 200 000. */
  maxInnerIter?: number;
  /**
   * Accuracy rule of the sketched solve: ‖K d + r‖ ≤ θ_k ‖r‖ with θ_k = min(theta, ‖r_k‖^{1/2}), so the
   * accuracy sharpens as the KKT residual r_k shrinks (superlinear local convergence). Default 0.1.
   */
  theta?: number;
  /** Initial penalty μ on ‖c‖²/2 of the merit function. Default 10. */
  mu?: number;
  /** Initial penalty ν on ‖∇ₓL‖²/2 of the merit function. Default 0.1. */
  nu?: number;
  /** Seed of the sketches. Default 0. */
  seed?: number | bigint;
  /** Called after every iteration; return false to stop. */
  onProgress?: (step: AugmentedLagrangianStep) => boolean | void;
  /** Stops the run between iterations. */
  signal?: AbortSignalLike;
}

const OPTION_KEYS = optionKeys<ExactAugmentedLagrangianOptions>({
  x0: true, lambda0: true, solver: true, sketch: true, sketchSize: true, tol: true, maxIter: true, maxInnerIter: true,
  theta: true, mu: true, nu: true, seed: true, onProgress: true, signal: true,
});

/** What {@link exactAugmentedLagrangian} returns. */
export interface ExactAugmentedLagrangianResult {
  /** The primal solution. */
  x: Float64Array;
  /** The multipliers λ (∇f + Jᵀλ = 0 at a KKT point). */
  lambda: Float64Array;
  /** Newton iterations run. */
  iterations: number;
  /** True when the KKT residual reached `tol`. */
  converged: boolean;
  /** Why the run stopped. */
  stopped: 'converged' | 'maxIter' | 'callback' | 'aborted' | 'lineSearch';
  /** The final KKT residual. */
  kktResidual: number;
  /** One entry per iteration (the starting point is entry 0 with iteration 0). */
  history: AugmentedLagrangianStep[];
  /** Flops of all KKT solves. */
  solveFlops: number;
  /** Doubles the KKT solver held besides the KKT matrix: (n + m)² for the LU factors, s(n + m) + s² + O(n + m) for sketching. */
  solverStorage: number;
}

interface Eval {
  f: number;
  g: Float64Array; // ∇f
  c: Float64Array;
  J: Float64Array; // m × n
  gl: Float64Array; // ∇f + Jᵀλ
}

/** LU with partial pivoting on a copy (N small: the exact reference solve). */
function denseSolve(A: Float64Array, N: number, b: Float64Array): Float64Array | null {
  const M = A.slice();
  const x = b.slice();
  for (let k = 0; k < N; k++) {
    let p = k;
    for (let i = k + 1; i < N; i++) if (Math.abs(M[i * N + k]!) > Math.abs(M[p * N + k]!)) p = i;
    if (M[p * N + k] === 0) return null;
    if (p !== k) {
      for (let j = 0; j < N; j++) [M[k * N + j], M[p * N + j]] = [M[p * N + j]!, M[k * N + j]!];
      [x[k], x[p]] = [x[p]!, x[k]!];
    }
    for (let i = k + 1; i < N; i++) {
      const f = M[i * N + k]! / M[k * N + k]!;
      if (f === 0) continue;
      for (let j = k; j < N; j++) M[i * N + j] = M[i * N + j]! - f * M[k * N + j]!;
      x[i] = x[i]! - f * x[k]!;
    }
  }
  for (let k = N - 1; k >= 0; k--) {
    let v = x[k]!;
    for (let j = k + 1; j < N; j++) v -= M[k * N + j]! * x[j]!;
    x[k] = v / M[k * N + k]!;
  }
  return x;
}

/** True when the symmetric n × n matrix A + δI has a Cholesky factorisation with every pivot above minPivot (is positive definite, not just by rounding). */
function choleskyOk(A: Float64Array, n: number, delta: number, minPivot = 0): boolean {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let dj = A[j * n + j]! + delta;
    for (let k = 0; k < j; k++) dj -= L[j * n + k]! ** 2;
    if (!(dj > minPivot)) return false;
    const ljj = Math.sqrt(dj);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let v = A[i * n + j]!;
      for (let k = 0; k < j; k++) v -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = v / ljj;
    }
  }
  return true;
}

/**
 * The shift δ ≥ 0 of the Newton matrix B = H + δI. The KKT matrix [[B, Jᵀ], [J, 0]] has the inertia of
 * a minimisation step (n positive, m negative eigenvalues) exactly when B is positive definite on the
 * null space of J, which, for J of full row rank, holds when B + ρJᵀJ is positive definite for a large ρ
 * (Debreu's lemma); ρ = 10³·s/max_j(JᵀJ)_jj here, s = max(1, max|H_ii|). δ = 0 when H already passes,
 * else the first of 10⁻²·s, 10⁻¹·s, … that does: a smaller shift would leave a nearly singular B whose
 * step along weakly curved directions is out of all proportion (1/δ) and must be backtracked away
 * (and would make the sketched solves crawl).
 */
function regularization(H: Float64Array, J: Float64Array, n: number, m: number): number {
  let scale = 1;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(H[i * n + i]!));
  let jj = 0;
  for (let j = 0; j < n; j++) {
    let t = 0;
    for (let p = 0; p < m; p++) t += J[p * n + j]! ** 2;
    jj = Math.max(jj, t);
  }
  const rho = jj > 0 ? (1e3 * scale) / jj : 0;
  const A = H.slice();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let t = 0;
      for (let p = 0; p < m; p++) t += J[p * n + i]! * J[p * n + j]!;
      A[i * n + j] = A[i * n + j]! + rho * t;
    }
  }
  // pivots of ρJᵀJ along the null space of J are rounding (≈ 10⁻¹³·s): demand more than that
  const minPivot = 1e-8 * scale;
  if (choleskyOk(A, n, 0, minPivot)) return 0;
  // the first passing δ of a doubling ladder lies in (δ*, 2δ*] for the least passing shift δ*; doubling it
  // leaves B a curvature between δ* and 3δ* on the null space of J. A coarser ladder (×10) can overshoot
  // tenfold, and an overshoot is costly for the sketched solves: with B ≈ bI the KKT matrix has
  // singular values from about ‖J‖²/b to b, and sketch-and-project contracts by about
  // s·σ_min²/‖K‖²_F per iteration (on the circle in ℝ³⁰, b = 61 instead of 6–18 stalled a Gaussian
  // sketch at residual 0.08 for 10⁵ iterations)
  for (let delta = 1e-2 * scale; ; delta *= 2) if (choleskyOk(A, n, delta, minPivot)) return 2 * delta;
}

const norm2 = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! ** 2;
  return Math.sqrt(s);
};

/**
 * Solves min f(x) s.t. c(x) = 0 by Newton steps on the KKT conditions with a line search on the exact
 * augmented Lagrangian
 *
 *   M_{μ,ν}(x, λ) = f(x) + λᵀc(x) + (μ/2)‖c(x)‖² + (ν/2)‖∇ₓL(x, λ)‖²,  L = f + λᵀc,
 *
 * which is differentiable and whose stationary points are the KKT points for μ large enough, so one
 * function measures progress in x and λ together. Each iteration forms the KKT matrix
 * K = [[H, Jᵀ], [J, 0]] (H = ∇²ₓL) and solves K d = −r, r = (∇ₓL, c), either exactly (LU, (2/3)(n + m)³
 * flops) or by randomized sketch-and-project (see {@link sketchSolve}) on the row-equilibrated system
 * (DKD) y = Dr, d = Dy, D = diag(‖K_i‖^{−1/2}), until ‖K d + r‖ ≤ θ_k‖r‖ with θ_k = min(θ, ‖r‖^{1/2}).
 * The sketched solves slow down as K's smallest singular value falls (near points where the reduced
 * Hessian is singular): a solve that exhausts `maxInnerIter` raises the Hessian shift instead. If d is not a sufficient descent direction of M, the solve is tightened and
 * then μ is raised (×10) until it is; the step α is then the largest of 1, ½, ¼, … with
 * M(z + αd) ≤ M(z) + 10⁻⁴ α ∇Mᵀd. Near a solution α = 1 is accepted and, with θ_k → 0, the KKT
 * residual falls superlinearly. The multipliers start at the least-squares estimate.
 *
 * @param problem - f, c and their derivatives (see {@link EqualityConstrainedProblem}).
 * @param options - solver, sketch, tolerances, penalties, start, seed, callbacks.
 * @returns the solution, multipliers, per-iteration history (KKT residual, step, inner iterations, flops).
 * @throws ParameterError for bad options or a problem object without its callbacks; ShapeError for a
 *   start of the wrong length.
 */
export function exactAugmentedLagrangian(problem: EqualityConstrainedProblem, options?: ExactAugmentedLagrangianOptions): ExactAugmentedLagrangianResult {
  const fn = 'exactAugmentedLagrangian';
  if (problem === null || typeof problem !== 'object') throw parameterError(fn, 'problem', 'an object with dimension, constraints and the callbacks', problem);
  const n = positiveInteger(fn, 'problem.dimension', problem.dimension);
  const m = positiveInteger(fn, 'problem.constraints', problem.constraints);
  if (m >= n) throw new ParameterError(`${fn}: problem.constraints must be less than problem.dimension ${n} (got ${m})`);
  for (const k of ['objective', 'gradient', 'hessian', 'constraint', 'jacobian'] as const) {
    if (typeof problem[k] !== 'function') throw parameterError(fn, `problem.${k}`, 'a function', problem[k]);
  }
  if (problem.constraintHessian !== undefined && typeof problem.constraintHessian !== 'function') {
    throw parameterError(fn, 'problem.constraintHessian', 'a function or undefined', problem.constraintHessian);
  }
  const opts = readOptions(fn, options, OPTION_KEYS);
  const N = n + m;
  const solver = opts.solver ?? 'sketch';
  if (solver !== 'sketch' && solver !== 'exact') throw parameterError(fn, 'options.solver', "'sketch' or 'exact'", solver);
  const sk = readSketchOptions(fn, { sketch: opts.sketch, sketchSize: opts.sketchSize, seed: opts.seed }, N);
  const tol = opts.tol === undefined ? 1e-8 : positiveFinite(fn, 'options.tol', opts.tol);
  const maxIter = opts.maxIter === undefined ? 100 : positiveInteger(fn, 'options.maxIter', opts.maxIter);
  const maxInner = opts.maxInnerIter === undefined ? 200_000 : positiveInteger(fn, 'options.maxInnerIter', opts.maxInnerIter);
  const theta = opts.theta === undefined ? 0.1 : positiveFinite(fn, 'options.theta', opts.theta);
  if (theta >= 1) throw parameterError(fn, 'options.theta', '< 1', theta);
  let mu = opts.mu === undefined ? 10 : positiveFinite(fn, 'options.mu', opts.mu);
  let nu = opts.nu === undefined ? 0.1 : positiveFinite(fn, 'options.nu', opts.nu);
  const onProgress = readCallback(fn, 'options.onProgress', opts.onProgress);
  const signal = readSignal(fn, opts.signal);
  const x = opts.x0 === undefined ? new Float64Array(n) : finiteArray(fn, 'options.x0', opts.x0).slice();
  if (x.length !== n) throw new ShapeError(`${fn}: options.x0 must have length ${n} (got ${x.length})`);

  const checkOut = (what: string, v: Float64Array | number): void => {
    if (typeof v === 'number' ? !Number.isFinite(v) : v.some((t) => !Number.isFinite(t))) {
      throw new ParameterError(`${fn}: problem.${what} returned a non-finite value`);
    }
  };
  const evaluate = (xx: Float64Array, lam: Float64Array): Eval => {
    const f = problem.objective(xx);
    checkOut('objective', f);
    const g = new Float64Array(n);
    problem.gradient(xx, g);
    checkOut('gradient', g);
    const c = new Float64Array(m);
    problem.constraint(xx, c);
    checkOut('constraint', c);
    const J = new Float64Array(m * n);
    problem.jacobian(xx, J);
    checkOut('jacobian', J);
    const gl = g.slice();
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) gl[j] = gl[j]! + lam[i]! * J[i * n + j]!;
    return { f, g, c, J, gl };
  };
  const hessianOfL = (xx: Float64Array, lam: Float64Array): Float64Array => {
    const H = new Float64Array(n * n);
    problem.hessian(xx, H);
    checkOut('hessian', H);
    if (problem.constraintHessian !== undefined) {
      const C = new Float64Array(n * n);
      problem.constraintHessian(xx, lam, C);
      checkOut('constraintHessian', C);
      for (let i = 0; i < n * n; i++) H[i] = H[i]! + C[i]!;
    }
    return H;
  };
  const merit = (e: Eval, lam: Float64Array): number => {
    let v = e.f;
    for (let i = 0; i < m; i++) v += lam[i]! * e.c[i]! + 0.5 * mu * e.c[i]! ** 2;
    return v + 0.5 * nu * norm2(e.gl) ** 2;
  };
  const kktNorm = (e: Eval): number => Math.hypot(norm2(e.gl), norm2(e.c));

  // least-squares multipliers: (J Jᵀ) λ = −J ∇f
  let lambda: Float64Array;
  if (opts.lambda0 !== undefined) {
    lambda = finiteArray(fn, 'options.lambda0', opts.lambda0).slice();
    if (lambda.length !== m) throw new ShapeError(`${fn}: options.lambda0 must have length ${m} (got ${lambda.length})`);
  } else {
    const e0 = evaluate(x, new Float64Array(m));
    const JJ = new Float64Array(m * m);
    const rhs = new Float64Array(m);
    for (let p = 0; p < m; p++) {
      for (let q = 0; q < m; q++) {
        let t = 0;
        for (let j = 0; j < n; j++) t += e0.J[p * n + j]! * e0.J[q * n + j]!;
        JJ[p * m + q] = t;
      }
      let t = 0;
      for (let j = 0; j < n; j++) t -= e0.J[p * n + j]! * e0.g[j]!;
      rhs[p] = t;
    }
    lambda = denseSolve(JJ, m, rhs) ?? new Float64Array(m);
    if (lambda.some((v) => !Number.isFinite(v))) lambda = new Float64Array(m);
  }

  const started = performance.now();
  let e = evaluate(x, lambda);
  let kkt = kktNorm(e);
  const history: AugmentedLagrangianStep[] = [{
    iteration: 0, kktResidual: kkt, constraintViolation: norm2(e.c), objective: e.f, stepSize: 0, accuracy: 0, innerIterations: 0, solveFlops: 0, mu, nu, shift: 0, elapsed: 0,
  }];
  let totalFlops = 0;
  let stopped: ExactAugmentedLagrangianResult['stopped'] = 'maxIter';
  let iterations = 0;
  const storage = solver === 'exact' ? N * N : sk.s * N + sk.s * sk.s + 6 * N;
  if (kkt <= tol) stopped = 'converged';
  while (stopped === 'maxIter' && iterations < maxIter) {
    if (signal?.aborted) {
      stopped = 'aborted';
      break;
    }
    iterations++;
    const H = hessianOfL(x, lambda);
    // The KKT matrix takes B = H + δI with δ = 0 when H is positive definite on the null space of J and
    // a shift otherwise (see regularization): away from a solution the step would otherwise head for a
    // saddle or a maximum; near a solution satisfying the second-order conditions δ = 0 and the step is
    // Newton's. (∇M below always uses the true H.)
    let delta = regularization(H, e.J, n, m);
    const K = new Float64Array(N * N);
    const buildK = (): void => {
      K.fill(0);
      for (let i = 0; i < n; i++) {
        K.set(H.subarray(i * n, i * n + n), i * N);
        K[i * N + i] = K[i * N + i]! + delta;
        for (let p = 0; p < m; p++) K[i * N + n + p] = e.J[p * n + i]!;
      }
      for (let p = 0; p < m; p++) K.set(e.J.subarray(p * n, p * n + n), (n + p) * N);
    };
    buildK();
    const r = new Float64Array(N);
    for (let i = 0; i < n; i++) r[i] = -e.gl[i]!;
    for (let p = 0; p < m; p++) r[n + p] = -e.c[p]!;
    // ∇M: x-part ∇ₓL + μJᵀc + νH∇ₓL; λ-part c + νJ∇ₓL
    const gradM = (): Float64Array => {
      const gm = new Float64Array(N);
      for (let i = 0; i < n; i++) {
        let v = e.gl[i]!;
        for (let p = 0; p < m; p++) v += mu * e.J[p * n + i]! * e.c[p]!;
        let hv = 0;
        for (let j = 0; j < n; j++) hv += H[i * n + j]! * e.gl[j]!;
        gm[i] = v + nu * hv;
      }
      for (let p = 0; p < m; p++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += e.J[p * n + j]! * e.gl[j]!;
        gm[n + p] = e.c[p]! + nu * v;
      }
      return gm;
    };
    let accuracy = solver === 'exact' ? 0 : Math.min(theta, Math.sqrt(kkt));
    let Ks: Float64Array | null = null;
    let capped = false; // the last sketched solve ran out of iterations before reaching its accuracy
    let raises = 0;
    const D = new Float64Array(N);
    const rs = new Float64Array(N);
    let inner = 0;
    let flops = 0;
    let d: Float64Array | null = null;
    let slope = 0;
    for (let attempt = 0; attempt < 40; attempt++) {
      if (d === null) {
        if (solver === 'exact') {
          d = denseSolve(K, N, r);
          flops += (2 / 3) * N ** 3 + 2 * N * N;
          if (d === null) throw new ParameterError(`${fn}: the KKT matrix is singular at iteration ${iterations} (J must have full row rank and H be nonsingular on its null space)`);
        } else {
          // Sketch-and-project on the symmetrically equilibrated system (DKD) y = Dr, d = Dy, with
          // D = diag(‖K_i‖^(−1/2)) (K_i the rows of K): its rate, about s·σ_min²/‖·‖²_F per iteration,
          // suffers when the rows of K differ in scale (the Hessian block against the Jacobian rows);
          // on the circle in ℝ³⁰ a Gaussian sketch needed 13 000–30 000 iterations per late Newton step
          // unscaled and 1 000–1 600 scaled. The accuracy test stays on the original system,
          // ‖K d − r‖ ≤ θ‖r‖: the scaled solve is tightened (warm-started) until it holds.
          if (Ks === null) {
            // scaled in place: the sketched solves need only DKD (storage: D and Dr besides K)
            for (let i = 0; i < N; i++) {
              let t = 0;
              for (let j = 0; j < N; j++) t += K[i * N + j]! ** 2;
              D[i] = t > 0 ? 1 / Math.sqrt(Math.sqrt(t)) : 1;
            }
            for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) K[i * N + j] = D[i]! * K[i * N + j]! * D[j]!;
            for (let i = 0; i < N; i++) rs[i] = D[i]! * r[i]!;
            Ks = K;
          }
          const y = new Float64Array(N);
          const rn = norm2(r);
          let tolScaled = accuracy;
          let left = maxInner;
          let dd = new Float64Array(N);
          for (let pass = 0; pass < 10 && left > 0; pass++) {
            const out = sketchLoop(fn, Ks, N, rs, y, sk.sketch, sk.s, tolScaled, left, sk.R);
            inner += out.iterations;
            flops += out.flops + 2 * N * N;
            left -= out.iterations;
            dd = y.map((v, i) => v * D[i]!);
            // ‖K d − r‖ from the scaled residual: K d − r = D⁻¹(Ks y − rs)
            let t = 0;
            for (let i = 0; i < N; i++) {
              let v = -rs[i]!;
              for (let j = 0; j < N; j++) v += Ks[i * N + j]! * y[j]!;
              t += (v / D[i]!) ** 2;
            }
            const rel = Math.sqrt(t) / (rn || 1);
            capped = rel > accuracy && (!out.converged || left <= 0);
            if (rel <= accuracy || !out.converged) break;
            tolScaled *= Math.max(0.01, (0.5 * accuracy) / rel);
          }
          d = dd;
        }
      }
      if (solver === 'sketch' && capped && raises < 3) {
        // The solve could not reach its accuracy within maxInnerIter: K is too ill-conditioned for
        // sketch-and-project (near a point where the reduced Hessian is singular, its small singular
        // values go to 0), and its rough direction would be a poor step. More accuracy would only repeat
        // that; a larger shift makes K better conditioned (and the step shorter, which the line search
        // would have asked for anyway).
        let scaleH = 1;
        for (let i = 0; i < n; i++) scaleH = Math.max(scaleH, Math.abs(H[i * n + i]!));
        // (at most three times per iteration: when J is rank deficient no shift helps)
        delta = Math.max(4 * delta, 1e-2 * scaleH);
        raises++;
        buildK();
        Ks = null;
        d = null;
        continue;
      }
      const gm = gradM();
      slope = 0;
      for (let i = 0; i < N; i++) slope += gm[i]! * d[i]!;
      // sufficient descent: ∇Mᵀd ≤ −½(ν‖∇ₓL‖² + μ‖c‖²)·10⁻², the share of the exact direction's slope
      // −ν‖∇ₓL‖² − μ‖c‖² + (cross terms) that survives once μ, ν dominate
      const want = -0.5e-2 * (nu * norm2(e.gl) ** 2 + mu * norm2(e.c) ** 2);
      if (slope <= want) break;
      if (attempt === 39) break; // keep the last direction (the test after the loop decides)
      if (solver === 'sketch' && accuracy > 1e-12) {
        accuracy = Math.max(accuracy * 0.1, 1e-12);
        d = null; // re-solve more accurately
      } else {
        // μ alone: with a shifted (indefinite-H) step the ν-term's share of the slope, ν·∇ₓLᵀH·dₓ + …,
        // has no fixed sign, and raising ν with μ kept it growing as fast as the μ-term that makes the
        // direction descend (the circle in ℝ⁵, seed 1, stopped after one iteration, exact LU included)
        mu *= 10;
      }
    }
    totalFlops += flops;
    if (d === null || !(slope < 0)) {
      // no penalty made d a descent direction (a failed solve or a degenerate point): stop, do not
      // let the Armijo test accept a step by rounding
      stopped = 'lineSearch';
      iterations--;
      break;
    }
    // Armijo backtracking on M
    const m0 = merit(e, lambda);
    let alpha = 1;
    let accepted = false;
    let xn = x;
    let ln = lambda;
    let en = e;
    // Near a solution the decrease the merit function can show, about ν‖∇ₓL‖² + μ‖c‖², falls below its
    // rounding (a few ulps of |M|) once the KKT residual is near √(ε|M|) ≈ 1e-8: Armijo is then decided by
    // rounding and can reject good steps forever (a count-sketch run on the circle in ℝ³⁰ stalled at
    // 1.2e-8 for 20 iterations). While the predicted decrease is below that level, a step is accepted
    // when it lowers the KKT residual instead.
    const noise = 1e2 * Number.EPSILON * Math.max(1, Math.abs(m0));
    for (let ls = 0; ls < 60; ls++) {
      xn = x.map((v, i) => v + alpha * d![i]!);
      ln = lambda.map((v, p) => v + alpha * d![n + p]!);
      en = evaluate(xn, ln);
      if (merit(en, ln) <= m0 + 1e-4 * alpha * slope || (-alpha * slope <= noise && kktNorm(en) < kkt)) {
        accepted = true;
        break;
      }
      alpha *= 0.5;
    }
    if (!accepted) {
      stopped = 'lineSearch';
      iterations--;
      break;
    }
    x.set(xn);
    lambda = ln;
    e = en;
    kkt = kktNorm(e);
    const step: AugmentedLagrangianStep = {
      iteration: iterations, kktResidual: kkt, constraintViolation: norm2(e.c), objective: e.f, stepSize: alpha, accuracy,
      innerIterations: inner, solveFlops: flops, mu, nu, shift: delta, elapsed: performance.now() - started,
    };
    history.push(step);
    if (kkt <= tol) stopped = 'converged';
    if (onProgress !== undefined && onProgress(step) === false && stopped !== 'converged') stopped = 'callback';
  }
  return { x, lambda, iterations, converged: stopped === 'converged', stopped, kktResidual: kkt, history, solveFlops: totalFlops, solverStorage: storage };
}
