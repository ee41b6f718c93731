/**
 * Client/server rules of the federated simulator: each is a small object holding one paper's local
 * update and aggregation, plugged into {@link simulateFederated}.
 */
import { parameterError } from '../runtime/errors.js';
import { optionKeys, readOptions } from '../runtime/validate.js';

/**
 * A federated rule. Every local step is w ← w − η·d with d = `direction(...)` (applied by nn's sgd);
 * after its local steps the client sends `upload(...)`, and the server averages the uploads with
 * weights ∝ training-set size ('samples') or equal weights ('uniform').
 */
export interface FedRule {
  /** e.g. 'fedProx(mu 1)'. */
  readonly name: string;
  /** The paper whose update this is. */
  readonly reference: string;
  /** 'drop': stragglers' work is discarded (FedAvg); 'partial': they send what they did (FedProx). */
  readonly stragglers: 'drop' | 'partial';
  /** Server weights of the uploads. */
  readonly weighting: 'samples' | 'uniform';
  /** Whether each client keeps a vector of the model's size across rounds (passed as `state`). */
  readonly stateful: boolean;
  /**
   * The rule as data (set by fedAvg, fedProx and fedSpeed): how a worker thread or another process
   * rebuilds it. A rule without it runs only in process.
   */
  readonly spec?: FedRuleSpec;
  /**
   * Direction of one local step at the local iterate w, given the round's global model and the
   * minibatch gradient oracle `gradAt(point)` (the same minibatch at any point).
   */
  direction(w: Float64Array, global: Float64Array, gradAt: (point: Float64Array) => Float64Array, state: Float64Array | null): Float64Array;
  /** The vector the client sends after its local steps (may update its state). */
  upload(w: Float64Array, global: Float64Array, state: Float64Array | null): Float64Array;
}

/** fedAvg() as data. */
export interface FedAvgSpec {
  /** The constructor. */
  kind: 'fedAvg';
}
/** fedProx(options) as data. */
export interface FedProxSpec {
  /** The constructor. */
  kind: 'fedProx';
  /** Its options, every one given. */
  options: Required<FedProxOptions>;
}
/** fedSpeed(options) as data. */
export interface FedSpeedSpec {
  /** The constructor. */
  kind: 'fedSpeed';
  /** Its options, every one given. */
  options: Required<FedSpeedOptions>;
}
/** A built-in rule as JSON-safe data: its constructor's name and options. */
export type FedRuleSpec = FedAvgSpec | FedProxSpec | FedSpeedSpec;

/** The rule a spec describes (fedAvg(), fedProx(options) or fedSpeed(options)). */
export function ruleFromSpec(spec: FedRuleSpec): FedRule {
  if (spec !== null && typeof spec === 'object') {
    if (spec.kind === 'fedAvg') return fedAvg();
    if (spec.kind === 'fedProx') return fedProx(spec.options);
    if (spec.kind === 'fedSpeed') return fedSpeed(spec.options);
  }
  throw parameterError('ruleFromSpec', 'spec', "{ kind: 'fedAvg' | 'fedProx' | 'fedSpeed', options }", spec);
}

/**
 * FedAvg: local minibatch SGD on the client loss, stragglers dropped, sample-weighted average.
 * McMahan et al., "Communication-Efficient Learning of Deep Networks from Decentralized Data", AISTATS 2017.
 */
export function fedAvg(): FedRule {
  return {
    name: 'fedAvg',
    reference: 'McMahan et al., AISTATS 2017 (FedAvg)',
    stragglers: 'drop',
    weighting: 'samples',
    stateful: false,
    spec: { kind: 'fedAvg' },
    direction: (w, _g, gradAt) => gradAt(w),
    upload: (w) => w,
  };
}

/** Options of {@link fedProx}. */
export interface FedProxOptions {
  /** Proximal weight μ ≥ 0 of (μ/2)‖w − w^t‖² (default 1; 0 gives FedAvg's local steps). */
  mu?: number;
  /** Stragglers: 'partial' keeps their partial work (the paper's default), 'drop' discards it. */
  stragglers?: 'drop' | 'partial';
}

/**
 * FedProx: local minibatch SGD on F_k(w) + (μ/2)‖w − w^t‖², i.e. d = ∇F_k(w) + μ(w − w^t); stragglers
 * send their partial work; sample-weighted average.
 * Li et al., "Federated Optimization in Heterogeneous Networks", MLSys 2020 (FedProx).
 *
 * Defaults: mu 1, stragglers 'partial'.
 */
export function fedProx(options?: FedProxOptions): FedRule {
  const fn = 'fedProx';
  const o = readOptions(fn, options, optionKeys<FedProxOptions>({ mu: true, stragglers: true }));
  const mu = o.mu ?? 1;
  if (typeof mu !== 'number' || !Number.isFinite(mu) || mu < 0) throw parameterError(fn, 'options.mu', 'a finite number ≥ 0', mu);
  const stragglers = o.stragglers ?? 'partial';
  if (stragglers !== 'drop' && stragglers !== 'partial') throw parameterError(fn, 'options.stragglers', "'drop' or 'partial'", stragglers);
  return {
    name: `fedProx(mu ${mu})`,
    reference: 'Li et al., MLSys 2020 (FedProx)',
    stragglers,
    weighting: 'samples',
    stateful: false,
    spec: { kind: 'fedProx', options: { mu, stragglers } },
    direction: (w, global, gradAt) => {
      const g = gradAt(w);
      for (let i = 0; i < g.length; i++) g[i] = g[i]! + mu * (w[i]! - global[i]!);
      return g;
    },
    upload: (w) => w,
  };
}

/** Options of {@link fedSpeed}. */
export interface FedSpeedOptions {
  /** λ > 0: the prox term is (1/(2λ))‖w − w^t‖² (default 10). */
  lambda?: number;
  /** ρ ≥ 0: radius of the extra gradient-ascent step w + ρ·g (default 0.01). */
  rho?: number;
  /** α ∈ [0, 1]: weight of the perturbed gradient in the merged gradient (default 0.5). */
  alpha?: number;
}

/**
 * FedSpeed: each local step merges the minibatch gradient g₁ = ∇f(w) with the gradient g₂ = ∇f(w + ρg₁)
 * at an extra gradient-ascent point, g = (1 − α)g₁ + αg₂, and moves along d = g − ĝ_k + (w − w^t)/λ,
 * where ĝ_k is the client's prox-correction term; after its steps the client updates
 * ĝ_k ← ĝ_k − (w − w^t)/λ and sends w − λĝ_k; the server takes the plain mean.
 * Sun et al., "FedSpeed: Larger Local Interval, Less Communication Round, and Higher Generalization Accuracy", ICLR 2023,
 * Algorithm 1: x_{k+1} = x_k − η(g_k − ĝ_i^{t−1} + (x_k − xᵗ)/λ); ĝ_i^t = ĝ_i^{t−1} − (x_K − xᵗ)/λ; x^{t+1} = mean_i (x_K − λĝ_i^t).
 * With every client in every round this equals the server rule of the authors' code (FL-Simulator):
 * x^{t+1} = mean_i x_K + mean_i h_i with h_i the sum of client i's past updates (a test checks it). That
 * code perturbs by ρ·g/‖g‖ (a normalised SAM step), steps along the perturbed gradient alone (α = 1) and
 * clips gradients; this rule keeps the paper's ρ·g and α-merge.
 *
 * Defaults: lambda 10, rho 0.01, alpha 0.5.
 */
export function fedSpeed(options?: FedSpeedOptions): FedRule {
  const fn = 'fedSpeed';
  const o = readOptions(fn, options, optionKeys<FedSpeedOptions>({ lambda: true, rho: true, alpha: true }));
  const lambda = o.lambda ?? 10;
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || !(lambda > 0)) throw parameterError(fn, 'options.lambda', 'a finite number > 0', lambda);
  const rho = o.rho ?? 0.01;
  if (typeof rho !== 'number' || !Number.isFinite(rho) || rho < 0) throw parameterError(fn, 'options.rho', 'a finite number ≥ 0', rho);
  const alpha = o.alpha ?? 0.5;
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) throw parameterError(fn, 'options.alpha', 'a number in [0, 1]', alpha);
  return {
    name: `fedSpeed(lambda ${lambda}, rho ${rho}, alpha ${alpha})`,
    reference: 'Sun et al., ICLR 2023 (FedSpeed)',
    stragglers: 'partial',
    weighting: 'uniform',
    stateful: true,
    spec: { kind: 'fedSpeed', options: { lambda, rho, alpha } },
    direction: (w, global, gradAt, state) => {
      const g1 = gradAt(w);
      const probe = new Float64Array(w.length);
      for (let i = 0; i < w.length; i++) probe[i] = w[i]! + rho * g1[i]!;
      const g2 = gradAt(probe);
      const h = state!;
      for (let i = 0; i < w.length; i++) g1[i] = (1 - alpha) * g1[i]! + alpha * g2[i]! - h[i]! + (w[i]! - global[i]!) / lambda;
      return g1;
    },
    upload: (w, global, state) => {
      const h = state!;
      const out = new Float64Array(w.length);
      for (let i = 0; i < w.length; i++) {
        h[i] = h[i]! - (w[i]! - global[i]!) / lambda;
        out[i] = w[i]! - lambda * h[i]!;
      }
      return out;
    },
  };
}

/** Whether a rule's spec, when present, rebuilds a rule of the same name (a spec that says something else is refused). */
function specMatches(r: FedRule): boolean {
  if (r.spec === undefined) return true;
  try {
    return ruleFromSpec(r.spec).name === r.name;
  } catch {
    return false;
  }
}

/** Whether `r` looks like a FedRule (the simulator's check). */
export function isRule(r: unknown): r is FedRule {
  return r !== null && typeof r === 'object' && typeof (r as FedRule).direction === 'function' && typeof (r as FedRule).upload === 'function'
    && specMatches(r as FedRule)
    && typeof (r as FedRule).name === 'string' && typeof (r as FedRule).reference === 'string' && typeof (r as FedRule).stateful === 'boolean'
    && ((r as FedRule).stragglers === 'drop' || (r as FedRule).stragglers === 'partial')
    && ((r as FedRule).weighting === 'samples' || (r as FedRule).weighting === 'uniform');
}
