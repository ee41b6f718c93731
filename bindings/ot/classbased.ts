import type { StopState } from '../runtime/stop.js';
import { ShapeError, parameterError } from '../runtime/errors.js';
import { F64Buffer, f64View, throwNonFinite, vectorLength, withScope, type VectorInput } from '../runtime/memory.js';
import { checkKnownKeys, nonNegative, optionKeys, positiveFinite, positiveInteger, readCallback, readSignal } from '../runtime/validate.js';
import { Monitor, checkMarginals, iterate, type MatrixInput, type SinkhornProgress } from './sinkhorn.js';
import type { AbortSignalLike } from '../runtime/types.js';

/** Options of {@link classBasedOt}. */
export interface ClassBasedOtOptions {
  /**
   * Smoothing strength > 0. 'quadratic': γ in the term (γ/2)‖P‖²_F (units of M × mass⁻¹); 'entropic': ε in
   * ε Σ P_ij (log P_ij − 1) (units of M, POT's `reg`). Required.
   */
  reg: number;
  /**
   * 'quadratic' (default): closed-form prox per class block (block soft threshold), constant FISTA step.
   * 'entropic': per class block t_i = exp(s_i/ε − w_i) with w = W(e^{s/ε + μ}) and one scalar root μ
   * (see otClassPlanEntropic); FISTA with backtracking. With eta = 0 it is plain entropic OT (sinkhorn's plan).
   */
  smoothing?: 'quadratic' | 'entropic';
  /** Group weight η ≥ 0 of the sum-of-norms term η Σ_j Σ_c ‖P[I_c, j]‖₂. Default 0 (quadratically regularised OT). */
  eta?: number;
  /** Iteration cap. Default 5000. */
  maxIter?: number;
  /** Stop when the marginal error ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ < tol (checked every 10 iterations and at the last). Default 1e-9. */
  tol?: number;
  /** Called at every check with the marginal error; return false to stop. */
  onProgress?: (info: SinkhornProgress) => boolean | void;
  /** Checked every iteration; an aborted signal ends the run with stopped: 'aborted'. */
  signal?: AbortSignalLike;
}

/** Result of {@link classBasedOt}: the plan, its dual certificate and class purity. */
export interface ClassBasedOtResult {
  /** The plan, row-major a.length × b.length (source order as given). */
  plan: Float64Array;
  /** Dual potentials: plan[·, j] = ∇Ω*(f + g_j − M[·, j]) (see classBasedOt). */
  f: Float64Array;
  /** Dual potential of the targets (length b.length). */
  g: Float64Array;
  /** Primal objective ⟨M, P⟩ + η Σ_j Σ_c ‖P[I_c, j]‖₂ + (γ/2)‖P‖²_F (entropic: + ε Σ P (log P − 1)) at the returned plan. */
  objective: number;
  /** ⟨M, P⟩ alone. */
  cost: number;
  /** Dual objective at (f, g): a lower bound on the optimum; objective − dualObjective → 0 at convergence. */
  dualObjective: number;
  /** See {@link classPurity}. */
  classPurity: number;
  /** FISTA iterations run. */
  iterations: number;
  /** True when the marginal error fell below `tol`. */
  converged: boolean;
  /** ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ at the end. */
  marginalError: number;
  /** Why the run ended: 'converged', 'maxIter', 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** The marginal error at each check. */
  history: number[];
  /** Iterations at which the momentum was reset (adaptive restart). */
  restarts: number;
  /** Set on non-convergence. */
  warning?: string;
}

/** Class labels → groups: distinct labels in increasing order, sources stably sorted by class. */
function classes(fn: string, labels: ArrayLike<number>, n: number): { perm: Int32Array; start: Int32Array; label: Int32Array } {
  const len = vectorLength(fn, 'sourceLabels', labels as VectorInput);
  if (len !== n) throw new ShapeError(`${fn}: sourceLabels must have one label per source point = ${n} (got ${len})`);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 0) {
      throw parameterError(fn, `sourceLabels[${i}]`, 'a non-negative integer', c);
    }
  }
  const distinct = [...new Set(Array.from(labels))].sort((p, q) => p - q);
  const index = new Map(distinct.map((c, k) => [c, k]));
  const label = Int32Array.from({ length: n }, (_, i) => index.get(labels[i]!)!);
  const perm = Int32Array.from({ length: n }, (_, i) => i).sort((i, j) => label[i]! - label[j]! || i - j);
  const start = new Int32Array(distinct.length + 1);
  for (let i = 0; i < n; i++) start[label[i]! + 1]!++;
  for (let c = 0; c < distinct.length; c++) start[c + 1] = start[c + 1]! + start[c]!;
  return { perm, start, label };
}

/**
 * Class purity of a plan: for each target j that receives mass r_j = Σ_i P_ij > 0, the share of it
 * coming from its dominant source class, max_c Σ_{i ∈ I_c} P_ij / r_j; `classPurity` is the
 * mass-weighted mean Σ_j r_j·purity_j / Σ_j r_j ∈ [1/#classes, 1] (1: every target is fed by one class).
 *
 * @param plan  row-major n × m, ≥ 0. @param sourceLabels  n non-negative integer labels.
 * @returns the scalar and the per-target purities (NaN for a target receiving no mass).
 */
export function classPurity(
  plan: VectorInput,
  n: number,
  m: number,
  sourceLabels: ArrayLike<number>,
): {
  /** The mass-weighted mean of `perTarget`, in [1/#classes, 1]. */
  purity: number;
  /** Per target j: the share of its received mass that comes from its dominant source class (NaN when it receives none). */
  perTarget: Float64Array;
} {
  const fn = 'classPurity';
  positiveInteger(fn, 'n', n);
  positiveInteger(fn, 'm', m);
  const len = vectorLength(fn, 'plan', plan);
  if (len !== n * m) throw new ShapeError(`${fn}: plan must have n × m = ${n * m} entries (got ${len})`);
  const P: ArrayLike<number> = plan instanceof F64Buffer ? plan.view() : plan;
  for (let k = 0; k < n * m; k++) {
    if (!Number.isFinite(Number(P[k]))) throwNonFinite(fn, 'plan', plan);
    if (Number(P[k]) < 0) throw parameterError(fn, `plan[${k}]`, '>= 0', P[k]);
  }
  const { label, start } = classes(fn, sourceLabels, n);
  const nc = start.length - 1;
  const perTarget = new Float64Array(m);
  const byClass = new Float64Array(nc);
  let num = 0;
  let den = 0;
  for (let j = 0; j < m; j++) {
    byClass.fill(0);
    let r = 0;
    for (let i = 0; i < n; i++) {
      const p = Number(P[i * m + j]);
      byClass[label[i]!] = byClass[label[i]!]! + p;
      r += p;
    }
    const top = Math.max(...byClass);
    perTarget[j] = r > 0 ? top / r : NaN;
    num += top;
    den += r;
  }
  return { purity: den > 0 ? num / den : NaN, perTarget };
}

/**
 * Class-based optimal transport with a sum-of-norms (group-lasso) regulariser over the source classes
 * (Rahbar, Panahi, Chehreghani, Dubhashi & Krim 2023, "Recovery bounds on class-based optimal transport:
 * a sum-of-norms regularization framework", ICML — the group term as issue 5 specifies it: one ℓ2 norm per
 * target column and source class), smoothed quadratically (the smoothed dual of Blondel, Seguy & Rolet
 * 2018, "Smooth and sparse optimal transport", which also treats this group-lasso term) or entropically:
 *
 *   min_{P ≥ 0, P1 = a, Pᵀ1 = b}  ⟨M, P⟩ + η Σ_j Σ_c ‖P[I_c, j]‖₂ + (γ/2)‖P‖²_F     ('quadratic', reg = γ)
 *                                  ⟨M, P⟩ + η Σ_j Σ_c ‖P[I_c, j]‖₂ + ε Σ P (log P − 1) ('entropic', reg = ε),
 *
 * I_c the sources labelled c. Solved in the dual, max_{f,g} ⟨f, a⟩ + ⟨g, b⟩ − Σ_j Ω*(f + g_j 1 − M[·, j]),
 * Ω(t) = η Σ_c ‖t_c‖ + smoothing(t) + ι(t ≥ 0): the dual is smooth and its gradient is the marginal
 * residual (a − P1, b − Pᵀ1) of the plan whose columns are the prox-type maps P[·, j] = ∇Ω*(s_j),
 * s_j = f + g_j − M[·, j], computed per class block in WASM:
 *   quadratic: P[·, j] = BST_{η/γ}(max(s_j, 0)/γ), the closed-form block soft threshold
 *     x_c ↦ max(1 − τ/‖x_c‖, 0)·x_c (prox/group.ts's groupShrink);
 *   entropic: P_ij = exp(s_i/ε − w_i), w = W(exp(s/ε + μ)) (Lambert W) with one scalar μ per block, the
 *     root of ‖w‖₂ = η/ε (from the stationarity s_i − ε log t_i − η t_i/‖t_c‖ = 0); η = 0: exp(s/ε).
 * The dual is maximised by FISTA (Beck & Teboulle 2009) with gradient-based adaptive restart
 * (O'Donoghue & Candès 2015): constant step 1/L, L = (n + m)/γ, for 'quadratic'; backtracking on a local
 * Lipschitz estimate for 'entropic' (its gradient is only locally Lipschitz). The plan is unique (strongly
 * / strictly convex objective). η = 0 gives quadratically regularised OT, resp. plain entropic OT (the
 * plan of `sinkhorn` with the same reg); larger η pushes each target to receive from a single class.
 *
 * @param a  source weights (n, ≥ 0, positive sum); @param b  target weights (m, same sum).
 * @param M  cost, row-major n × m, finite. @param sourceLabels  n non-negative integer class labels.
 * @param options  reg (required, > 0), eta (0), smoothing ('quadratic'), maxIter (5000), tol (1e-9), onProgress, signal.
 * @returns plan, duals f, g, objective, cost, dualObjective (gap → 0), classPurity, iterations, converged,
 *   marginalError, stopped, history, restarts, warning (non-convergence, or a dual that overflowed).
 * @throws ShapeError / ParameterError / NonFiniteError as `sinkhorn` for a, b, M; for labels and options.
 */
export function classBasedOt(a: VectorInput, b: VectorInput, M: MatrixInput, sourceLabels: ArrayLike<number>, options: ClassBasedOtOptions): ClassBasedOtResult {
  const fn = 'classBasedOt';
  if (options === null || typeof options !== 'object') throw parameterError(fn, 'options', 'an object with reg', options);
  checkKnownKeys(fn, options, optionKeys<ClassBasedOtOptions>({ reg: true, smoothing: true, eta: true, maxIter: true, tol: true, onProgress: true, signal: true }));
  const { reg, eta = 0, smoothing = 'quadratic', maxIter = 5000, tol = 1e-9, onProgress, signal } = options;
  positiveFinite(fn, 'options.reg', reg);
  if (smoothing !== 'quadratic' && smoothing !== 'entropic') throw parameterError(fn, 'options.smoothing', "'quadratic' or 'entropic'", smoothing);
  const entropic = smoothing === 'entropic';
  nonNegative(fn, 'options.eta', eta);
  if (!Number.isFinite(eta)) throw parameterError(fn, 'options.eta', 'finite', eta);
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  readCallback(fn, 'options.onProgress', onProgress);
  readSignal(fn, signal);
  const { n, m, M: Mdata } = checkMarginals(fn, a, b, M);
  const Mv = Float64Array.from(Mdata instanceof F64Buffer ? Mdata.view() : Mdata); // a copy: WASM views detach on memory.grow
  for (let k = 0; k < n * m; k++) if (!Number.isFinite(Mv[k]!)) throwNonFinite(fn, 'M', Mdata);
  const { perm, start } = classes(fn, sourceLabels, n);
  const ng = start.length - 1;
  const av: ArrayLike<number> = a instanceof F64Buffer ? a.view() : a;
  const bv: ArrayLike<number> = b instanceof F64Buffer ? b.view() : b;
  // Class-grouped, transposed cost: Ct[j·n + r] = M[perm[r], j].
  const Ct = new Float64Array(n * m);
  for (let r = 0; r < n; r++) for (let j = 0; j < m; j++) Ct[j * n + r] = Mv[perm[r]! * m + j]!;
  const ap = Float64Array.from(perm, (i) => Number(av[i]));
  const bp = Float64Array.from(bv, Number);
  // Step 1/L: the quadratic dual's gradient is ((n + m)/γ)-Lipschitz; the entropic one is only locally
  // Lipschitz (≈ (max a + max b)/ε near the optimum): L starts there, halves each iteration and doubles
  // until the local estimate ‖∇D(x⁺) − ∇D(y)‖/‖x⁺ − y‖ is ≤ L (FISTA with backtracking).
  let L = entropic ? (Math.max(...ap) + Math.max(...bp)) / reg : (n + m) / reg;
  const ctl = { maxIter, tol, checkEvery: 10, onProgress, signal };
  return withScope(fn, (s) => {
    const x = s.x;
    const N = n + m;
    const pC = s.f64(n * m);
    const T = s.f64(n * m);
    const rs = s.f64(n);
    const cs = s.f64(m);
    const pst = s.bytes(4 * (ng + 1));
    const X = s.f64(N); // current iterate (f, g)
    const Xp = s.f64(N); // previous iterate
    const Y = s.f64(N); // extrapolated point
    const Z = s.f64(N); // trial point (backtracking)
    const Wk = s.f64(n); // kernel scratch (entropic)
    const TL = entropic ? s.f64(n * m) : 0; // log of the plan, for the entropy term
    const MU = s.f64(m * ng); // per-block roots μ (entropic), warm starts
    new Int32Array(x.memory.buffer, pst, ng + 1).set(start);
    f64View(x, pC, n * m).set(Ct);
    f64View(x, X, N).fill(0);
    f64View(x, Xp, N).fill(0);
    f64View(x, Y, N).fill(0);
    f64View(x, MU, m * ng).fill(NaN);
    /** Plan at the point P (offset of (f, g)); returns Σ_j Ω*(s_j). */
    const plan = (P: number): number => entropic
      ? x.otClassPlanEntropic(pC, n, m, P, P + n * 8, reg, eta, pst, ng, T, rs, cs, Wk, MU)
      : x.otClassPlan(pC, n, m, P, P + n * 8, reg, eta, pst, ng, T, rs, cs);
    const grad = new Float64Array(N);
    const marginalError = (): number => {
      const r = f64View(x, rs, n);
      const c = f64View(x, cs, m);
      let e = 0;
      for (let i = 0; i < n; i++) e += Math.abs(r[i]! - ap[i]!);
      for (let j = 0; j < m; j++) e += Math.abs(c[j]! - bp[j]!);
      return e;
    };
    let tk = 1;
    let restarts = 0;
    const mon = new Monitor(ctl);
    let steps = 0;
    const gz = new Float64Array(N);
    /** ∇D at the point whose plan is in T: (a − P1, b − Pᵀ1) into out. */
    const gradient = (out: Float64Array): void => {
      const r = f64View(x, rs, n);
      const c = f64View(x, cs, m);
      for (let k = 0; k < N; k++) out[k] = k < n ? ap[k]! - r[k]! : bp[k - n]! - c[k - n]!;
    };
    const it = iterate(ctl, mon, () => {
      if (!Number.isFinite(plan(Y))) {
        // The extrapolated point overflowed (entropic): restart the momentum from x.
        f64View(x, Y, N).set(f64View(x, X, N));
        tk = 1;
        restarts++;
        if (!Number.isFinite(plan(Y))) return 1;
      }
      gradient(grad);
      let gn2 = 0;
      for (let k = 0; k < N; k++) gn2 += grad[k]! ** 2;
      if (entropic) L /= 2;
      for (;;) {
        const y = f64View(x, Y, N);
        const z = f64View(x, Z, N);
        for (let k = 0; k < N; k++) z[k] = y[k]! + grad[k]! / L;
        if (!entropic) break;
        // Backtracking on the local Lipschitz estimate ‖∇D(z) − ∇D(y)‖ ≤ L‖z − y‖ = ‖∇D(y)‖ (free of the
        // cancellation a test on D values suffers near the optimum); an overflowed trial is rejected.
        if (Number.isFinite(plan(Z))) {
          gradient(gz);
          let d2 = 0;
          for (let k = 0; k < N; k++) d2 += (gz[k]! - grad[k]!) ** 2;
          if (d2 <= gn2 + N * 1e-30) break; // + the rounding floor of marginal sums (~1e-15 each)
        }
        L *= 2;
        if (!(L < 1e300)) return 1; // no acceptable step: the dual overflowed everywhere along ∇D
      }
      steps++;
      // x⁺ = z; restart the momentum when ⟨∇D(y), x⁺ − x⟩ < 0.
      const y = f64View(x, Y, N);
      const z = f64View(x, Z, N);
      const xc = f64View(x, X, N);
      const xp = f64View(x, Xp, N);
      let dirDot = 0;
      for (let k = 0; k < N; k++) {
        dirDot += grad[k]! * (z[k]! - xc[k]!);
        xp[k] = xc[k]!;
        xc[k] = z[k]!;
      }
      let tn = (1 + Math.sqrt(1 + 4 * tk * tk)) / 2;
      if (dirDot < 0) {
        tk = 1;
        tn = 1;
        restarts++;
      }
      const beta = (tk - 1) / tn;
      for (let k = 0; k < N; k++) y[k] = xc[k]! + beta * (xc[k]! - xp[k]!);
      tk = tn;
      return 0;
    }, () => {
      plan(X);
      return marginalError();
    });
    const overflow = it === null;
    const conj = plan(X);
    const err = marginalError();
    const xc = f64View(x, X, N);
    let dual = -conj;
    for (let i = 0; i < n; i++) dual += xc[i]! * ap[i]!;
    for (let j = 0; j < m; j++) dual += xc[n + j]! * bp[j]!;
    const Tt = f64View(x, T, n * m);
    const P = new Float64Array(n * m);
    const f = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const i = perm[r]!;
      f[i] = xc[r]!;
      for (let j = 0; j < m; j++) P[i * m + j] = Tt[j * n + r]!;
    }
    const g = xc.slice(n, N);
    let cost = 0;
    let smooth = 0; // (γ/2)‖P‖² or ε Σ P (log P − 1), logs in WASM
    if (entropic) x.otLogVec(T, n * m, TL);
    const lt = entropic ? f64View(x, TL, n * m) : null;
    for (let k = 0; k < n * m; k++) {
      cost += P[k]! * Mv[k]!;
      if (!lt) smooth += 0.5 * reg * P[k]! * P[k]!;
      else if (Tt[k]! > 0) smooth += reg * Tt[k]! * (lt[k]! - 1);
    }
    let groups = 0;
    const st = new Int32Array(x.memory.buffer, pst, ng + 1);
    for (let j = 0; j < m; j++) for (let c = 0; c < ng; c++) {
      let ss = 0;
      for (let r = st[c]!; r < st[c + 1]!; r++) ss += Tt[j * n + r]! ** 2;
      groups += Math.sqrt(ss);
    }
    const converged = mon.stopped === 'converged';
    const res: ClassBasedOtResult = {
      plan: P, f, g, objective: cost + eta * groups + smooth, cost, dualObjective: dual,
      classPurity: classPurity(P, n, m, sourceLabels).purity, iterations: overflow ? steps : it!, converged, marginalError: err,
      stopped: mon.stopped, history: mon.history, restarts,
    };
    if (overflow) res.warning = `${fn}: the dual overflowed after ${steps} iterations (reg = ${reg} too small for the cost scale?); the plan is the last finite iterate's`;
    else if (!converged) res.warning = `not converged (${mon.stopped}) after ${it} iterations: marginal error ${err} >= tol ${tol}`;
    return res;
  });
}
