/**
 * Coordinate descent for fractional programs min (f(x) + g(x)) / h(x) with f a convex quadratic, g
 * separable convex (λ‖x‖₁ or a separable ProxOperator) and h a convex, concave or affine quadratic; and
 * Dinkelbach's method as the baseline.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { finiteArray, type VectorInput } from '../runtime/memory.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { optionKeys, positiveFinite, positiveInteger, nonNegative, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { seededRng } from '../rng.js';
import { normL1, type ProxOperator } from '../prox/index.js';
import { fista } from '../prox/algorithms/index.js';
import { solveRatio1D } from './subproblem.js';

/**
 * min_x F(x) = (½xᵀAx + bᵀx + c + g(x)) / (½xᵀBx + eᵀx + f) over {x : denominator > 0}, with A
 * symmetric positive semidefinite, g = λ‖x‖₁ (`lambda`) or a separable convex ProxOperator (`g`), and B
 * symmetric: positive semidefinite (convex denominator), negative semidefinite (concave) or omitted
 * (affine). The numerator is assumed positive on the domain.
 */
export interface FractionalProblem {
  /** A (n × n, symmetric PSD): a matrix object, rows, or a flat row-major vector. */
  A: MatrixInput;
  /** b (length n). Default zeros. */
  b?: VectorInput;
  /** c. Default 0. */
  c?: number;
  /** λ ≥ 0 of g = λ‖x‖₁. Exclusive with `g`. */
  lambda?: number;
  /** A separable convex g (its prox acts coordinate by coordinate); needs an affine or concave denominator. Exclusive with `lambda`. */
  g?: ProxOperator;
  /** B (n × n, symmetric). Omit for an affine denominator. */
  B?: MatrixInput;
  /** e (length n). Default zeros. */
  e?: VectorInput;
  /** f. Default 0. */
  f?: number;
}

/** One sweep of {@link fractionalCD}. */
export interface FractionalProgress {
  /** Sweep number (1-based; one sweep = n coordinate steps). */
  iteration: number;
  /** F(x) after the sweep. */
  objective: number;
  /** Largest |step| in the sweep. */
  maxStep: number;
  /** Elapsed milliseconds. */
  elapsed: number;
}

/** Options of {@link fractionalCD}. */
export interface FractionalCdOptions {
  /** Starting point (length n) with a positive denominator. Default: required unless f > 0 (then zeros). */
  x0?: VectorInput;
  /** Coordinate order: 'cyclic' or 'random' (a fresh permutation every sweep). Default 'cyclic'. */
  order?: 'cyclic' | 'random';
  /** Proximal weight θ ≥ 0: each 1-D step also pays ½θt² in the numerator (the proximal CD variant). Default 0. */
  proximal?: number;
  /** Stop when a sweep lowers F by at most tol·|F|. Default 1e-12. */
  tol?: number;
  /** Sweep cap. Default 1000. */
  maxIter?: number;
  /** Seed of the random order. Default 0. */
  seed?: number | bigint;
  /** Called after every sweep; return false to stop. */
  onProgress?: (info: FractionalProgress) => boolean | void;
  /** Stops the run between sweeps. */
  signal?: AbortSignalLike;
}

const CD_KEYS = optionKeys<FractionalCdOptions>({ x0: true, order: true, proximal: true, tol: true, maxIter: true, seed: true, onProgress: true, signal: true });

/** What {@link fractionalCD} and {@link fractionalDinkelbach} return. */
export interface FractionalResult {
  /** The solution. */
  x: Float64Array;
  /** F(x). */
  objective: number;
  /** Sweeps (CD) or outer iterations (Dinkelbach). */
  iterations: number;
  /** True when the stopping test held. */
  converged: boolean;
  /** F after each sweep or outer iteration (entry 0: the start). */
  history: number[];
}

interface Parsed {
  n: number;
  A: Float64Array;
  b: Float64Array;
  c: number;
  lambda: number;
  g?: ProxOperator;
  B?: Float64Array;
  e: Float64Array;
  f: number;
}

function parseProblem(fn: string, p: FractionalProblem): Parsed {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw parameterError(fn, 'problem', 'an object { A, b?, c?, lambda? | g?, B?, e?, f? }', p);
  const KEYS = optionKeys<FractionalProblem>({ A: true, b: true, c: true, lambda: true, g: true, B: true, e: true, f: true });
  readOptions(fn, p, KEYS, 'problem');
  const m = readMatrix(fn, 'problem.A', p.A);
  if (m.rows !== m.cols || m.rows === 0) throw new ShapeError(`${fn}: problem.A must be square and non-empty (got ${m.rows} × ${m.cols})`);
  const n = m.rows;
  const A = finiteArray(fn, 'problem.A', m.data);
  const vec = (name: string, v: VectorInput | undefined): Float64Array => {
    if (v === undefined) return new Float64Array(n);
    const a = finiteArray(fn, `problem.${name}`, v);
    if (a.length !== n) throw new ShapeError(`${fn}: problem.${name} must have length ${n} (got ${a.length})`);
    return a;
  };
  const scalar = (name: string, v: unknown): number => {
    if (v === undefined) return 0;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw parameterError(fn, `problem.${name}`, 'a finite number', v);
    return v;
  };
  let B: Float64Array | undefined;
  if (p.B !== undefined) {
    const mb = readMatrix(fn, 'problem.B', p.B, { rows: n, cols: n, label: 'n × n' });
    B = finiteArray(fn, 'problem.B', mb.data);
  }
  if (p.lambda !== undefined && p.g !== undefined) throw new ParameterError(`${fn}: give problem.lambda or problem.g, not both`);
  const lambda = p.lambda === undefined ? 0 : nonNegative(fn, 'problem.lambda', p.lambda);
  if (!Number.isFinite(lambda)) throw parameterError(fn, 'problem.lambda', 'finite', lambda);
  let g: ProxOperator | undefined;
  if (p.g !== undefined) {
    const op = p.g as Partial<ProxOperator> | null;
    if (op === null || typeof op !== 'object' || typeof op.prox !== 'function' || typeof op.value !== 'function' || typeof op.properties !== 'object') {
      throw parameterError(fn, 'problem.g', 'a ProxOperator', p.g);
    }
    if (!op.properties!.separable || !op.properties!.convex) throw new ParameterError(`${fn}: problem.g must be separable and convex (got ${op.name})`);
    if (B !== undefined) {
      for (let i = 0; i < n; i++) {
        if (B[i * n + i]! > 0) throw new ParameterError(`${fn}: problem.g needs an affine or concave denominator (B_ii ≤ 0), got B[${i}][${i}] = ${B[i * n + i]}; use problem.lambda for a convex one`);
      }
    }
    g = p.g;
  }
  for (let i = 0; i < n; i++) {
    if (!(A[i * n + i]! >= 0)) throw new ParameterError(`${fn}: problem.A must be positive semidefinite (got A[${i}][${i}] = ${A[i * n + i]})`);
  }
  return { n, A, b: vec('b', p.b), c: scalar('c', p.c), lambda, g, B, e: vec('e', p.e), f: scalar('f', p.f) };
}

function symMatVec(M: Float64Array, n: number, x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += M[i * n + j]! * x[j]!;
    out[i] = s;
  }
}

const dotv = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

function gValue(P: Parsed, x: Float64Array): number {
  if (P.g !== undefined) return P.g.value(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]!);
  return P.lambda * s;
}

/** F(x) and its parts. */
function evaluate(P: Parsed, x: Float64Array): { num: number; den: number } {
  const Ax = new Float64Array(P.n);
  symMatVec(P.A, P.n, x, Ax);
  const num = 0.5 * dotv(x, Ax) + dotv(P.b, x) + P.c + gValue(P, x);
  let den = dotv(P.e, x) + P.f;
  if (P.B !== undefined) {
    const Bx = new Float64Array(P.n);
    symMatVec(P.B, P.n, x, Bx);
    den += 0.5 * dotv(x, Bx);
  }
  return { num, den };
}

function startPoint(fn: string, P: Parsed, x0: VectorInput | undefined): Float64Array {
  const x = x0 === undefined ? new Float64Array(P.n) : finiteArray(fn, 'options.x0', x0).slice();
  if (x.length !== P.n) throw new ShapeError(`${fn}: options.x0 must have length ${P.n} (got ${x.length})`);
  const { den } = evaluate(P, x);
  if (!(den > 0)) throw new ParameterError(`${fn}: the denominator must be positive at the start${x0 === undefined ? ' (give options.x0)' : ''} (got ${den})`);
  return x;
}

/**
 * Minimises F(x) = (½xᵀAx + bᵀx + c + g(x)) / (½xᵀBx + eᵀx + f) by coordinate descent in which every
 * step minimises F along one coordinate globally (see {@link fractionalSubproblem1D}): along x + t·e_i
 * the numerator is ½A_ii t² + (Ax + b)_i t + const + g_i(x_i + t) and the denominator
 * ½B_ii t² + (Bx + e)_i t + h(x), both exact, so F never increases and the limit points are
 * coordinate-wise stationary — minimisers of F along every coordinate, a stronger condition than
 * criticality for these non-convex problems. With `proximal` θ > 0 each step also pays ½θt². Each step
 * costs O(n) (Ax and Bx are updated in place).
 *
 * @param problem - A, b, c, λ or g, B, e, f (see {@link FractionalProblem}).
 * @param options - start, order, proximal weight, tolerance, sweeps, seed, callbacks.
 * @returns x, F(x), the sweeps run and F after each.
 * @throws ShapeError for mismatched sizes; ParameterError for a non-positive start denominator or bad options.
 */
export function fractionalCD(problem: FractionalProblem, options?: FractionalCdOptions): FractionalResult {
  const fn = 'fractionalCD';
  const P = parseProblem(fn, problem);
  const o = readOptions(fn, options, CD_KEYS);
  const order = o.order ?? 'cyclic';
  if (order !== 'cyclic' && order !== 'random') throw parameterError(fn, 'options.order', "'cyclic' or 'random'", order);
  const theta = o.proximal === undefined ? 0 : nonNegative(fn, 'options.proximal', o.proximal);
  if (!Number.isFinite(theta)) throw parameterError(fn, 'options.proximal', 'finite', theta);
  const tol = o.tol === undefined ? 1e-12 : positiveFinite(fn, 'options.tol', o.tol);
  const maxIter = o.maxIter === undefined ? 1000 : positiveInteger(fn, 'options.maxIter', o.maxIter);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);
  const R = order === 'random' ? seededRng(fn, o.seed ?? 0, 'options.seed') : undefined;
  const x = startPoint(fn, P, o.x0);
  const { n, A, B } = P;
  const Ax = new Float64Array(n);
  symMatVec(A, n, x, Ax);
  const Bx = new Float64Array(n);
  if (B !== undefined) symMatVec(B, n, x, Bx);
  let { num, den } = evaluate(P, x);
  let F = num / den;
  const history = [F];
  const started = performance.now();
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const single = new Float64Array(n);
  let converged = false;
  let it = 0;
  while (it < maxIter) {
    if (signal?.aborted) break;
    it++;
    if (R !== undefined) {
      const U = R.uniform(n);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.min(i, Math.floor(U[i]! * (i + 1)));
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
    }
    let maxStep = 0;
    for (let k = 0; k < n; k++) {
      const i = perm[k]!;
      const xi = x[i]!;
      // numerator along e_i without g_i: ½A_ii t² + (Ax + b)_i t + (num − g_i(x_i)); g_i handled by the solver
      let gi = 0;
      let gCallbacks: { value(u: number): number; prox(v: number, s: number): number } | undefined;
      if (P.g === undefined) gi = P.lambda * Math.abs(xi);
      else {
        const op = P.g;
        const base = op.value(x);
        single.set(x);
        single[i] = 0;
        const without = op.value(single);
        gi = base - without;
        gCallbacks = {
          value: (u: number) => {
            single[i] = u;
            return op.value(single) - without;
          },
          prox: (v: number, s: number) => {
            single[i] = v;
            return op.prox(single, s)[i]!;
          },
        };
      }
      const sol = solveRatio1D({
        a: A[i * n + i]! + theta, b: Ax[i]! + P.b[i]!, c: num - gi, x: xi,
        lambda: P.g === undefined ? P.lambda : 0, g: gCallbacks,
        d2: B === undefined ? 0 : B[i * n + i]!, d1: Bx[i]! + P.e[i]!, d0: den, lower: -Infinity, upper: Infinity,
      });
      const t = sol.t;
      if (t === 0) continue;
      // exact updates of the two quadratics (not the proximal term: it only shapes the step)
      const aii = A[i * n + i]!;
      const newNumNoG = num - gi + 0.5 * aii * t * t + (Ax[i]! + P.b[i]!) * t;
      for (let j = 0; j < n; j++) Ax[j] = Ax[j]! + A[j * n + i]! * t;
      if (B !== undefined) {
        const bii = B[i * n + i]!;
        den += 0.5 * bii * t * t + (Bx[i]! + P.e[i]!) * t;
        for (let j = 0; j < n; j++) Bx[j] = Bx[j]! + B[j * n + i]! * t;
      } else den += P.e[i]! * t;
      x[i] = xi + t;
      let giNew: number;
      if (P.g === undefined) giNew = P.lambda * Math.abs(x[i]!);
      else giNew = gCallbacks!.value(x[i]!);
      num = newNumNoG + giNew;
      maxStep = Math.max(maxStep, Math.abs(t));
    }
    // refresh the running sums once a sweep (rounding drift)
    ({ num, den } = evaluate(P, x));
    symMatVec(A, n, x, Ax);
    if (B !== undefined) symMatVec(B, n, x, Bx);
    const Fn = num / den;
    history.push(Fn);
    const drop = F - Fn;
    F = Fn;
    const stop = onProgress?.({ iteration: it, objective: F, maxStep, elapsed: performance.now() - started }) === false;
    if (drop <= tol * Math.abs(F) || maxStep === 0) {
      converged = true;
      break;
    }
    if (stop) break;
  }
  return { x, objective: F, iterations: it, converged, history };
}

/** Options of {@link fractionalDinkelbach}. */
export interface FractionalDinkelbachOptions {
  /** Starting point with a positive denominator. Default zeros (then f must be > 0). */
  x0?: VectorInput;
  /** Stop when |G(ρ)| = |min_x N(x) − ρD(x)| ≤ tol·D(x)·|ρ| — the ratio changes by at most tol relatively. Default 1e-10. */
  tol?: number;
  /** Outer iteration cap. Default 100. */
  maxIter?: number;
  /** Iteration cap of each inner FISTA solve. Default 20 000. */
  innerMaxIter?: number;
  /** Tolerance of each inner FISTA solve (its relative step criterion). Default 1e-12. */
  innerTol?: number;
}

const DINKELBACH_KEYS = optionKeys<FractionalDinkelbachOptions>({ x0: true, tol: true, maxIter: true, innerMaxIter: true, innerTol: true });

/**
 * Dinkelbach's method for the same problem, the classical baseline: ρ_k = F(x_k), then
 * x_{k+1} = argmin_x ½xᵀAx + bᵀx + c + g(x) − ρ_k(½xᵀBx + eᵀx + f), solved by FISTA (the prox family's);
 * ρ_k decreases to the optimal ratio (superlinearly when the inner problems are solved exactly). The
 * inner problem is convex only when ρ_k B ⪯ A: so this baseline takes affine or concave denominators.
 *
 * @param problem - as for {@link fractionalCD}; B must be negative semidefinite or omitted.
 * @param options - start, tolerances, caps.
 * @returns x, F(x), outer iterations and F after each.
 */
export function fractionalDinkelbach(problem: FractionalProblem, options?: FractionalDinkelbachOptions): FractionalResult {
  const fn = 'fractionalDinkelbach';
  const P = parseProblem(fn, problem);
  const o = readOptions(fn, options, DINKELBACH_KEYS);
  if (P.B !== undefined) {
    for (let i = 0; i < P.n; i++) {
      if (P.B[i * P.n + i]! > 0) throw new ParameterError(`${fn}: problem.B must be negative semidefinite or omitted (an affine or concave denominator), got B[${i}][${i}] = ${P.B[i * P.n + i]}`);
    }
  }
  const tol = o.tol === undefined ? 1e-10 : positiveFinite(fn, 'options.tol', o.tol);
  const maxIter = o.maxIter === undefined ? 100 : positiveInteger(fn, 'options.maxIter', o.maxIter);
  const innerMaxIter = o.innerMaxIter === undefined ? 20_000 : positiveInteger(fn, 'options.innerMaxIter', o.innerMaxIter);
  const innerTol = o.innerTol === undefined ? 1e-12 : positiveFinite(fn, 'options.innerTol', o.innerTol);
  let x = startPoint(fn, P, o.x0);
  const { n, A, B } = P;
  let { num, den } = evaluate(P, x);
  let rho = num / den;
  const history = [rho];
  const g = P.g ?? normL1(P.lambda);
  let converged = false;
  let it = 0;
  // Lipschitz constant of ∇(½xᵀ(A − ρB)x): the largest absolute row sum bounds it
  const lip = (r: number): number => {
    let L = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.abs(A[i * n + j]! - (B === undefined ? 0 : r * B[i * n + j]!));
      L = Math.max(L, s);
    }
    return L > 0 ? L : 1;
  };
  const tmp = new Float64Array(n);
  while (it < maxIter) {
    it++;
    const r = rho;
    const smooth = {
      dimension: n,
      lipschitz: lip(r),
      value: (v: Float64Array) => {
        symMatVec(A, n, v, tmp);
        let s = 0.5 * dotv(v, tmp) + dotv(P.b, v) + P.c - r * (dotv(P.e, v) + P.f);
        if (B !== undefined) {
          symMatVec(B, n, v, tmp);
          s -= 0.5 * r * dotv(v, tmp);
        }
        return s;
      },
      gradient: (v: Float64Array, out: Float64Array) => {
        symMatVec(A, n, v, out);
        for (let i = 0; i < n; i++) out[i] = out[i]! + P.b[i]! - r * P.e[i]!;
        if (B !== undefined) {
          symMatVec(B, n, v, tmp);
          for (let i = 0; i < n; i++) out[i] = out[i]! - r * tmp[i]!;
        }
      },
    };
    const inner = fista(smooth, g, { x0: x, maxIter: innerMaxIter, tol: innerTol });
    const xn = inner.x as Float64Array;
    const ev = evaluate(P, xn);
    if (!(ev.den > 0)) break;
    const G = ev.num - r * ev.den;
    x = xn.slice();
    ({ num, den } = ev);
    rho = num / den;
    history.push(rho);
    if (Math.abs(G) <= tol * den * Math.abs(r)) {
      converged = true;
      break;
    }
  }
  return { x, objective: rho, iterations: it, converged, history };
}
