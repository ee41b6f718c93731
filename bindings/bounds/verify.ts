/**
 * Complete verification of small networks by branch and bound: sound bounds (`computeBounds`) prove
 * a subdomain, a forward pass at the box centre looks for a counterexample, and undecided boxes are
 * halved along their widest input coordinate (the input-split BaB of α,β-CROWN / auto_LiRPA, Xu et
 * al. 2021); once a branch has been input-split `reluSplitAfter` times it is split on its most
 * unstable ReLU instead (active / inactive, by clamping the pre-activation bounds — the ReLU split of
 * Bunel et al. 2020 without β-CROWN's Lagrangian terms), falling back to input splits when no
 * unstable ReLU is left. Works on any DAG network (residual add/sub, conv2d).
 */
import { ParameterError, parameterError } from '../runtime/errors.js';
import { finiteArray } from '../runtime/memory.js';
import type { StopState } from '../runtime/stop.js';
import type { Matrix } from '../runtime/matrix.js';
import { nonNegativeInteger, optionKeys, positiveInteger, readOptions, readSignal } from '../runtime/validate.js';
import { BoundsStopped, computeBoundsWithPre, gradientAt, evaluateNetwork, parseRegion, parseSpec, readMemoryBudget, type BoundsResult, type PreActivations, type ReluSplit } from './bounds.js';
import { toNetwork, type BoundsNetwork, type NetworkSpec } from './model.js';
import { chainOf, jacobianAt, type Chain } from './lipschitz.js';
import { checkSeed, rng } from '../rng.js';
import { withScope } from '../runtime/memory.js';
import { betaApplicable, children, chooseNeuron, optimiseDomain, rootDomain, tightenedRoot, type BetaDomain, type BetaSettings } from './beta.js';
import type { AbortSignalLike } from '../runtime/types.js';

/** The property: every row of C·y + d is ≥ 0 for every input in the box. */
export interface OutputProperty {
  /** k × output matrix (`{ data, rows, cols }`, rows as number[][], or flat row-major, as `computeBounds`' `C`). */
  C: readonly (readonly number[])[] | ArrayLike<number> | Matrix;
  /** Offsets (length k); default zeros. */
  d?: readonly number[];
  /**
   * 'all' (default): every row of C·y + d is ≥ 0 for every input. 'any': for every input SOME row is
   * strictly > 0 (the negation of "all rows ≤ 0", used by `verifyVnnlib` for a VNNLIB conjunction).
   */
  mode?: 'all' | 'any';
}

/** Options of {@link verifyNetwork}. */
export interface VerifyOptions {
  /** Bounding method at each node: 'crown' (default) or 'ibp' ('crown-ibp' and 'alpha-crown', which `verify` passes on, are accepted too). */
  method?: 'ibp' | 'crown';
  /** Wall-clock budget in seconds (default 10). */
  timeout?: number;
  /** Maximum number of boxes bounded (default 100 000). */
  maxNodes?: number;
  /** Stops the search (verdict 'unknown') when aborted. */
  signal?: AbortSignalLike;
  /**
   * Counterexample search by projected sign-gradient descent (PGD, Madry et al. 2018, eq. 2) on the
   * property's score, run once on the root box before any split: `restarts` random starts (default
   * 2; 0 disables), `steps` per start (default 20), `seed` of the starts (default 0). Gradients are
   * exact (one backward pass through each op's tangent line at the point); step j moves each coordinate by
   * η_j·(its box width) with η_j = 0.25·(1 − j/steps) + 0.01, then clips to the box. The search
   * stops early at the `timeout` or when `signal` is aborted. With `restarts` > 0 one more start runs
   * every 50 branch-and-bound nodes inside the box (or, in β-CROWN, from the minimiser of the
   * subdomain) the search picks next, so that counterexample search and proof interleave.
   */
  pgd?: {
    /** Random starts (default 2; 0 disables the search). */
    restarts?: number;
    /** Steps per start (default 20). */
    steps?: number;
    /** Seed of the random starts (default 0). */
    seed?: number;
  };
  /**
   * Input splits along a branch after which a node is split on a ReLU instead: the unstable neuron
   * (l < 0 < u) with the largest triangle-relaxation height −l·u/(u − l) is fixed active in one
   * child and inactive in the other. Default 4·(input size) + 8; 0 splits ReLUs first; Infinity
   * disables ReLU splitting.
   */
  reluSplitAfter?: number;
  /**
   * How an input split picks its coordinate: 'widest' (the widest side of the box), 'gradient'
   * (the largest (|∂s/∂x_j| + 0.1·maxᵢ|∂s/∂x_i|)·(u_j − l_j), where s is the property's score —
   * 'all': min row, 'any': max row — differentiated by central differences at the box centre,
   * 2·inputs forward passes; the floor keeps the search complete) or
   * 'strong' (bounds both halves along every coordinate, 2·inputs bounding calls, and keeps the
   * coordinate whose worse half has the best bound; those calls count as nodes). Default 'widest':
   * on the ACAS Xu development instances it decided the most; 'gradient' and 'strong' are much
   * faster on some instances and time out on others.
   */
  inputSplit?: 'widest' | 'gradient' | 'strong';
  /** Memory budget of one backward pass in MiB (default 512), as `computeBounds`' `memoryBudget`. */
  memoryBudget?: number;
  /**
   * β-CROWN ReLU branch and bound (Wang et al. 2021), used when ReLU splits start at the root
   * (`reluSplitAfter` 0, the default above 16 inputs) on networks of linear, conv2d, affine,
   * add/sub and ReLU / LeakyReLU layers. Each subdomain keeps its parent's pre-activation boxes with
   * the split neuron clamped, and its bound is CROWN's on f − Σ β·sign·z, maximised over the lower
   * ReLU slopes α of every layer and the split multipliers β ≥ 0 jointly by projected Adam
   * (warm-started from the parent). `false` turns it off: a ReLU split then only clamps the neuron's
   * bounds and recomputes CROWN. A subdomain left with no unstable ReLU goes back to that path
   * (input splits).
   */
  beta?:
    | false
    | {
        /** Adam steps per subdomain (default 10, α,β-CROWN's). */
        iterations?: number;
        /** Adam steps of the root bound, α only (default 50). */
        rootIterations?: number;
        /** Adam rate of α at the root (the root bound and `intermediate`; default 0.1, α,β-CROWN's α-CROWN rate). */
        lrRoot?: number;
        /**
         * Adam steps per side for each unstable intermediate neuron at the root (default 10; 0 keeps
         * CROWN's boxes): the pre-activation boxes every subdomain starts from are optimised over the
         * slopes of the layers before them, layer by layer.
         */
        intermediate?: number;
        /** Adam rate of α in the subdomains (default 0.01, α,β-CROWN's β-CROWN rate; multiplied by 0.98 per step). */
        lrAlpha?: number;
        /** Adam rate of β (default 0.05, α,β-CROWN's; multiplied by 0.98 per step). */
        lrBeta?: number;
        /** Subdomains taken from the queue (the worst bounds first) and split per round (default 8). */
        batch?: number;
        /** 'fsb' (default): filtered smart branching over the top `candidates` of the BaBSR-style ranking; 'babsr': the top of the ranking. */
        branching?: 'babsr' | 'fsb';
        /** FSB: candidate neurons whose children are bounded per decision (default 4). */
        candidates?: number;
      };
}

/** Result of {@link verifyNetwork}. */
export interface VerifyResult {
  /** The result: 'verified', the property holds on the whole box; 'falsified', `counterexample` violates it; 'unknown', the search stopped first. */
  verdict: 'verified' | 'falsified' | 'unknown';
  /**
   * Why the search ended: 'converged' (a verdict was reached), 'maxNodes', 'timeout' or 'aborted'
   * (signal) — the last three with verdict 'unknown'.
   */
  stopped: Extract<StopState, 'converged' | 'maxNodes' | 'timeout' | 'aborted'>;
  /** An input x in the box with some (C·y + d)ᵢ < 0 (mode 'any': every (C·y + d)ᵢ ≤ 0), its output y and the values C·y + d (re-checked by an exact forward pass). */
  counterexample?: {
    /** The input point, inside the box. */
    x: Float64Array;
    /** The network output at x. */
    y: Float64Array;
    /** C·y + d at x. */
    values: Float64Array;
  };
  /** Subdomains bounded. */
  nodes: number;
  /** Nodes that were split on a ReLU (the rest of the splits are input splits). */
  reluSplits: number;
  /** Milliseconds spent. */
  elapsedMs: number;
  /** The most WebAssembly memory one bounding call held at once, in bytes (see `memoryBudget`). */
  peakBytes?: number;
}

/** Validated `VerifyOptions` (defaults filled in), with errors reported under `fn`. */
export interface ReadVerifyOptions {
  timeout: number;
  maxNodes: number;
  method: 'ibp' | 'crown' | 'crown-ibp' | 'alpha-crown';
  restarts: number;
  steps: number;
  seed: number | bigint;
  reluAfter: number;
  inputSplit: 'widest' | 'gradient' | 'strong';
  signal: AbortSignalLike | undefined;
  /** `memoryBudget` in bytes. */
  budgetBytes: number;
  /** β-CROWN settings, or null when turned off. */
  beta: (BetaSettings & { batch: number }) | null;
}

/**
 * The one check of `VerifyOptions`, shared by `verifyNetwork`, `verifyVnnlib` and `verify` (each
 * reports under its own name). `method` also admits 'crown-ibp' and 'alpha-crown', which `verify` passes on.
 */
/** The keys of VerifyOptions (also those of `verify`'s options, which pass them through). */
export const VERIFY_KEYS = optionKeys<VerifyOptions>({ method: true, timeout: true, maxNodes: true, signal: true, pgd: true, reluSplitAfter: true, inputSplit: true, beta: true, memoryBudget: true });

export function readVerifyOptions(fn: string, options: VerifyOptions | undefined, net: BoundsNetwork): ReadVerifyOptions {
  const o = readOptions(fn, options, VERIFY_KEYS);
  const timeout = o.timeout ?? 10;
  if (typeof timeout !== 'number' || !(timeout > 0)) throw parameterError(fn, 'options.timeout', 'a number of seconds > 0', timeout);
  const maxNodes = o.maxNodes ?? 100_000;
  positiveInteger(fn, 'options.maxNodes', maxNodes);
  const method = (o.method ?? 'crown') as ReadVerifyOptions['method'];
  if (!['ibp', 'crown', 'crown-ibp', 'alpha-crown'].includes(method)) throw parameterError(fn, 'options.method', "'ibp', 'crown', 'crown-ibp' or 'alpha-crown'", method);
  const pgd = readOptions(fn, o.pgd, optionKeys<NonNullable<VerifyOptions['pgd']>>({ restarts: true, steps: true, seed: true }), 'options.pgd');
  const restarts = pgd.restarts ?? 2;
  nonNegativeInteger(fn, 'options.pgd.restarts', restarts);
  const steps = pgd.steps ?? 20;
  positiveInteger(fn, 'options.pgd.steps', steps);
  const seed = pgd.seed ?? 0;
  checkSeed(fn, seed, 'options.pgd.seed');
  // Few inputs: split the input box first (ACAS Xu); many: split ReLUs from the root (β-CROWN).
  const reluAfter = o.reluSplitAfter ?? (net.input <= 16 ? 4 * net.input + 8 : 0);
  if (typeof reluAfter !== 'number' || !(reluAfter >= 0) || (Number.isFinite(reluAfter) && !Number.isSafeInteger(reluAfter))) {
    throw parameterError(fn, 'options.reluSplitAfter', 'a non-negative integer or Infinity', reluAfter);
  }
  const inputSplit = o.inputSplit ?? 'widest';
  if (!['widest', 'gradient', 'strong'].includes(inputSplit)) throw parameterError(fn, 'options.inputSplit', "'widest', 'gradient' or 'strong'", inputSplit);
  const signal = readSignal(fn, o.signal);
  let beta: ReadVerifyOptions['beta'] = null;
  if (o.beta !== false) {
    type B = Exclude<NonNullable<VerifyOptions['beta']>, false>;
    const b = readOptions(fn, o.beta, optionKeys<B>({ iterations: true, rootIterations: true, lrRoot: true, intermediate: true, lrAlpha: true, lrBeta: true, batch: true, branching: true, candidates: true }), 'options.beta');
    const iterations = b.iterations ?? 10;
    nonNegativeInteger(fn, 'options.beta.iterations', iterations);
    const rootIterations = b.rootIterations ?? 50;
    nonNegativeInteger(fn, 'options.beta.rootIterations', rootIterations);
    const intermediate = b.intermediate ?? 10;
    nonNegativeInteger(fn, 'options.beta.intermediate', intermediate);
    const lrRoot = b.lrRoot ?? 0.1;
    if (typeof lrRoot !== 'number' || !(lrRoot > 0) || !Number.isFinite(lrRoot)) throw parameterError(fn, 'options.beta.lrRoot', 'a finite number > 0', lrRoot);
    const lrAlpha = b.lrAlpha ?? 0.01;
    if (typeof lrAlpha !== 'number' || !(lrAlpha > 0) || !Number.isFinite(lrAlpha)) throw parameterError(fn, 'options.beta.lrAlpha', 'a finite number > 0', lrAlpha);
    const lrBeta = b.lrBeta ?? 0.05;
    if (typeof lrBeta !== 'number' || !(lrBeta > 0) || !Number.isFinite(lrBeta)) throw parameterError(fn, 'options.beta.lrBeta', 'a finite number > 0', lrBeta);
    const batch = b.batch ?? 8;
    positiveInteger(fn, 'options.beta.batch', batch);
    const branching = b.branching ?? 'fsb';
    if (branching !== 'fsb' && branching !== 'babsr') throw parameterError(fn, 'options.beta.branching', "'fsb' or 'babsr'", branching);
    const candidates = b.candidates ?? 4;
    positiveInteger(fn, 'options.beta.candidates', candidates);
    beta = { iterations, rootIterations, lrRoot, intermediate, lrAlpha, lrBeta, batch, branching, candidates };
  }
  const budgetBytes = readMemoryBudget(fn, o.memoryBudget);
  return { timeout, maxNodes, method, restarts, steps, seed, reluAfter, inputSplit, signal, beta, budgetBytes };
}

/**
 * Decides "C·y(x) + d ≥ 0 componentwise for all x in the box `region`" by branch and bound over
 * input splits. A box is closed when the lower bounds of C·y + d are all ≥ 0; the centre of every
 * open box is evaluated exactly and a negative component is returned as the counterexample; before
 * the first split a PGD search (`options.pgd`) looks for one over the whole box, and with at most
 * 16 inputs one more PGD start runs every 50 nodes inside the box picked next. The search is
 * best-first on the most negative lower bound; input splits pick their coordinate by `inputSplit`. Complete (up to the budget) whenever a
 * violation has an open neighbourhood or the property holds with a positive margin.
 */
export function verifyNetwork(
  model: BoundsNetwork | NetworkSpec | string,
  region: { lower: ArrayLike<number>; upper: ArrayLike<number> },
  property: OutputProperty,
  options?: VerifyOptions,
): VerifyResult {
  const meter = { live: 0, peak: 0 };
  const r = searchNetwork(model, region, property, options, meter);
  return { ...r, peakBytes: meter.peak };
}

function searchNetwork(
  model: BoundsNetwork | NetworkSpec | string,
  region: { lower: ArrayLike<number>; upper: ArrayLike<number> },
  property: OutputProperty,
  options: VerifyOptions | undefined,
  meter: { live: number; peak: number },
): VerifyResult {
  const fn = 'verifyNetwork';
  const net = toNetwork(fn, model);
  const { timeout, maxNodes, method, restarts, steps, seed, reluAfter, inputSplit, signal, beta, budgetBytes } = readVerifyOptions(fn, options, net);

  const prop = readOptions(fn, property, optionKeys<OutputProperty>({ C: true, d: true, mode: true }), 'property');
  const spec = parseSpec(fn, Array.isArray(prop.C) && prop.C.length === 0 ? undefined : prop.C, net.output, 'property.C');
  if (!spec) throw parameterError(fn, 'property.C', 'a non-empty matrix (number[][])', prop.C);
  const { data: Cflat, k } = spec;
  const any = prop.mode === 'any';
  if (prop.mode !== undefined && prop.mode !== 'all' && !any) throw parameterError(fn, 'property.mode', "'all' or 'any'", prop.mode);
  const d = prop.d === undefined ? new Float64Array(k) : finiteArray(fn, 'property.d', prop.d);
  if (d.length !== k) throw new ParameterError(`${fn}: property.d must have length ${k}, the rows of C (got ${d.length})`);
  if (typeof region !== 'object' || region === null) throw parameterError(fn, 'region', 'a box { lower, upper }', region);
  const box = parseRegion(fn, { lower: region.lower, upper: region.upper }, net.input);
  let reluSplits = 0;
  const root = { lower: box.l, upper: box.u };
  const start = performance.now();
  const elapsed = (): number => performance.now() - start;
  // The budget, checked between steps of every long loop (bounding chunks, optimisation steps, PGD steps).
  const stop = (): boolean => elapsed() > timeout * 1000 || signal?.aborted === true;
  const m = net.output;
  const values = (y: Float64Array): Float64Array => Float64Array.from(d, (di, i) => {
    let s = di;
    for (let j = 0; j < m; j++) s += Cflat[i * m + j]! * y[j]!;
    return s;
  });
  let nodes = 0;
  /** A subdomain: an input box, the ReLU phases fixed on it, its input-split depth, its pre-activation boxes. */
  type Node = { lower: Float64Array; upper: Float64Array; score: number; splits: ReluSplit[]; depth: number; pre: PreActivations };
  const open: Node[] = [];
  const bound = (lower: Float64Array, upper: Float64Array, splits: ReluSplit[] = [], depth = 0): Node | null | VerifyResult => {
    nodes++;
    const pre: PreActivations = new Map();
    let b: BoundsResult;
    try {
      b = computeBoundsWithPre(net, { lower, upper }, { method, C: Cflat, splits }, pre, { stop, budgetBytes, meter });
    } catch (e) {
      // cut short between two chunks of rows by the deadline or the signal
      if (!(e instanceof BoundsStopped)) throw e;
      return { verdict: 'unknown', stopped: signal?.aborted ? 'aborted' : 'timeout', nodes, reluSplits, elapsedMs: elapsed(), peakBytes: meter.peak };
    }
    if (b.infeasible) return null; // no input of the box has these ReLU phases
    // 'all': closed when min_i lower_i ≥ 0; 'any': closed when max_i lower_i > 0.
    let score = any ? -Infinity : Infinity;
    for (let i = 0; i < k; i++) score = any ? Math.max(score, b.lower[i]! + d[i]!) : Math.min(score, b.lower[i]! + d[i]!);
    if (any ? score > 0 : score >= 0) return null;
    const x = lower.map((l, j) => 0.5 * (l + upper[j]!));
    const y = evaluateNetwork(net, x);
    const v = values(y);
    if (any ? v.every((z) => z <= 0) : v.some((z) => z < 0)) return { verdict: 'falsified', stopped: 'converged', counterexample: { x, y, values: v }, nodes, reluSplits, elapsedMs: elapsed() };
    return { lower, upper, score, splits, depth, pre };
  };
  /** The unstable ReLU neuron with the largest triangle height −l·u/(u − l), or null. */
  const pickNeuron = (pre: PreActivations): { layer: number; neuron: number } | null => {
    let best: { layer: number; neuron: number } | null = null;
    let height = 0;
    for (const [layer, { l, u }] of pre) {
      for (let j = 0; j < l.length; j++) {
        const h = l[j]! < 0 && u[j]! > 0 ? (-l[j]! * u[j]!) / (u[j]! - l[j]!) : 0;
        if (h > height) [height, best] = [h, { layer, neuron: j }];
      }
    }
    return best;
  };
  const widestDim = (node: Node): number => {
    let j = 0;
    for (let q = 1; q < net.input; q++) if (node.upper[q]! - node.lower[q]! > node.upper[j]! - node.lower[j]!) j = q;
    return j;
  };
  /**
   * The coordinate with the largest (|g_j| + 0.1·max|g|)·width_j, g the score's gradient at the centre
   * (central differences); the widest when g = 0. The 0.1·max|g| floor keeps every side within a
   * factor 11 of the split one, so that boxes still shrink to points (a coordinate whose derivative
   * vanishes at the centres would otherwise never be split, and the search would not be complete).
   */
  const gradientDim = (node: Node): number => {
    const x = node.lower.map((l, j) => 0.5 * (l + node.upper[j]!));
    const g = new Float64Array(net.input);
    for (let j = 0; j < net.input; j++) {
      const w = node.upper[j]! - node.lower[j]!;
      if (!(w > 0)) continue;
      const h = 1e-4 * w;
      const xj = x[j]!;
      x[j] = xj + h;
      const fp = score(values(evaluateNetwork(net, x)));
      x[j] = xj - h;
      const fm = score(values(evaluateNetwork(net, x)));
      x[j] = xj;
      g[j] = Math.abs(fp - fm) / (2 * h);
    }
    const floor = 0.1 * Math.max(...g);
    if (!(floor > 0)) return widestDim(node);
    let best = 0;
    let top = -1;
    for (let j = 0; j < net.input; j++) {
      const s = (g[j]! + floor) * (node.upper[j]! - node.lower[j]!);
      if (s > top) [top, best] = [s, j];
    }
    return best;
  };
  /** The two halves of a node's box along coordinate j, as [lower, upper] pairs. */
  const halves = (node: Node, j: number): [[Float64Array, Float64Array], [Float64Array, Float64Array]] => {
    const mid = 0.5 * (node.lower[j]! + node.upper[j]!);
    const leftU = node.upper.slice();
    leftU[j] = mid;
    const rightL = node.lower.slice();
    rightL[j] = mid;
    return [[node.lower, leftU], [rightL, node.upper]];
  };
  const first = bound(root.lower, root.upper);
  if (first === null) return { verdict: 'verified', stopped: 'converged', nodes, reluSplits, elapsedMs: elapsed() };
  if ('verdict' in first) return first;
  // The score to drive below zero ('all': min row; 'any': max row, where ≤ 0 already violates).
  const score = (v: Float64Array): number => (any ? Math.max(...v) : Math.min(...v));
  const violated = (v: Float64Array): boolean => (any ? v.every((z) => z <= 0) : v.some((z) => z < 0));
  const n = net.input;
  const R = rng(seed);
  // The starts are drawn one at a time and the budget is checked between steps: many restarts end at the timeout.
  // The score's gradient is exact: one backward pass through the active pattern (chains of
  // linear/ReLU/affine layers) or through every op's tangent lines at x (any other network).
  let chain: Chain | null = null;
  try {
    chain = chainOf(fn, net);
  } catch {
    chain = null;
  }
  /** The gradient of the score's deciding row at x (its signs are PGD's step). */
  const gradient = (x: Float64Array): Float64Array => {
    if (chain !== null) {
      const v = values(evaluateNetwork(net, x));
      let i = 0;
      for (let q = 1; q < k; q++) if (any ? v[q]! > v[i]! : v[q]! < v[i]!) i = q;
      return jacobianAt(chain, x, Cflat.slice(i * m, (i + 1) * m), 1);
    }
    // any other DAG: one backward pass through the tangent lines at x (exact wherever f is differentiable)
    const v = values(evaluateNetwork(net, x));
    let i = 0;
    for (let q = 1; q < k; q++) if (any ? v[q]! > v[i]! : v[q]! < v[i]!) i = q;
    return gradientAt(net, x, Cflat.slice(i * m, (i + 1) * m));
  };
  /** `starts` PGD runs from uniform random points of the box [lo, hi]; a violation found is the result. */
  const pgd = (lo: Float64Array, hi: Float64Array, starts: number, from?: Float64Array): VerifyResult | null => {
    for (let r = 0; r < starts && !stop(); r++) {
      const start = R.uniform(n);
      const x = r === 0 && from ? from.slice() : lo.map((l, j) => l + start[j]! * (hi[j]! - l));
      for (let t = 0; t <= steps; t++) {
        const y = evaluateNetwork(net, x);
        const v = values(y);
        if (violated(v)) return { verdict: 'falsified', stopped: 'converged', counterexample: { x, y, values: v }, nodes, reluSplits, elapsedMs: elapsed() };
        if (t === steps || stop()) break;
        const eta = 0.25 * (1 - t / steps) + 0.01;
        const g = gradient(x);
        for (let j = 0; j < n; j++) x[j] = Math.min(hi[j]!, Math.max(lo[j]!, x[j]! - eta * (hi[j]! - lo[j]!) * Math.sign(g[j]!)));
      }
    }
    return null;
  };
  if (restarts > 0) {
    const r = pgd(first.lower, first.upper, restarts);
    if (r) return r;
  }
  // One more PGD start every PGD_EVERY nodes, inside the box the search picks next (the one with the
  // most negative bound, where a violation is likeliest), when a start is cheap next to 50 bounding
  // calls: few inputs (2·inputs·steps forward passes) or an exact gradient (2·steps passes).
  const PGD_EVERY = 50;
  /**
   * β-CROWN branch and bound from the root node. Every row of C·y + d gets its own subdomain state
   * (α and β are per row); a node holds the rows still open on it. Returns a verdict, or null when
   * the search ended with nodes left to the input-split loop below (subdomains without an unstable
   * ReLU, handed over with their splits).
   */
  const betaBab = (rootNode: Node): VerifyResult | null => withScope(fn, (s) => {
    const o = beta!;
    const region = { lower: rootNode.lower, upper: rootNode.upper };
    type BNode = { rows: number[]; doms: BetaDomain[]; score: number };
    const crows = Array.from({ length: k }, (_, i) => Cflat.slice(i * m, (i + 1) * m));
    const scoreOf = (doms: BetaDomain[], rows: number[]): number => {
      let sc = any ? -Infinity : Infinity;
      doms.forEach((dm, q) => (sc = any ? Math.max(sc, dm.lower + d[rows[q]!]!) : Math.min(sc, dm.lower + d[rows[q]!]!)));
      return sc;
    };
    const closed = (sc: number): boolean => (any ? sc > 0 : sc >= 0);
    /** Optimises every row of a node; a row's x* that violates the property is a counterexample. */
    const finish = (doms: BetaDomain[], rows: number[], iterations: number, settings = o): BNode | VerifyResult | null => {
      nodes++;
      const keep: number[] = [];
      const kept: BetaDomain[] = [];
      for (const [q, dm] of doms.entries()) {
        optimiseDomain(s, net, region, dm, crows[rows[q]!]!, iterations, settings, stop);
        const y = evaluateNetwork(net, dm.x);
        const v = values(y);
        if (violated(v)) return { verdict: 'falsified', stopped: 'converged', counterexample: { x: dm.x, y, values: v }, nodes, reluSplits, elapsedMs: elapsed() };
        // 'all': a row proved on this subdomain stays proved on its children
        if (any || !(dm.lower + d[rows[q]!]! >= 0)) [keep.push(rows[q]!), kept.push(dm)];
      }
      if (kept.length === 0) return null;
      const sc = scoreOf(kept, keep);
      return closed(sc) ? null : { rows: keep, doms: kept, score: sc };
    };
    const rows0 = Array.from({ length: k }, (_, i) => i);
    const atRoot = { ...o, lrAlpha: o.lrRoot };
    const start = rootDomain(tightenedRoot(s, net, region, rootNode.pre, method, atRoot, stop), n);
    const root = finish(rows0.map(() => ({ ...start })), rows0, o.rootIterations, atRoot);
    if (root === null) return { verdict: 'verified', stopped: 'converged', nodes, reluSplits, elapsedMs: elapsed() };
    if ('verdict' in root) return root;
    const queue: BNode[] = [root];
    while (queue.length > 0) {
      if (nodes >= maxNodes || stop()) {
        const stopped = signal?.aborted ? 'aborted' : nodes >= maxNodes ? 'maxNodes' : 'timeout';
        return { verdict: 'unknown', stopped, nodes, reluSplits, elapsedMs: elapsed() };
      }
      // a batch of the worst subdomains, each split once
      queue.sort((a, b) => b.score - a.score);
      const batch = queue.splice(Math.max(0, queue.length - o.batch));
      for (const node of batch) {
        if (nodes >= nextPgd) {
          nextPgd = nodes + PGD_EVERY;
          const r = pgd(region.lower, region.upper, 1, node.doms[0]!.x);
          if (r) return r;
        }
        // branch on the row that decides the node's score
        let w = 0;
        node.doms.forEach((dm, q) => {
          const better = any ? dm.lower + d[node.rows[q]!]! > node.doms[w]!.lower + d[node.rows[w]!]! : dm.lower + d[node.rows[q]!]! < node.doms[w]!.lower + d[node.rows[w]!]!;
          if (better) w = q;
        });
        const pick = chooseNeuron(s, net, region, node.doms[w]!, crows[node.rows[w]!]!, o, stop);
        if (pick === null) {
          // no unstable ReLU left: the clamping path (CROWN recomputed with the splits, then input splits) takes over
          const r = bound(region.lower, region.upper, node.doms[0]!.splits.map(({ layer, neuron, active }) => ({ layer, neuron, active })), 0);
          if (r !== null && 'verdict' in r) return r;
          if (r !== null) open.push(r);
          continue;
        }
        reluSplits++;
        const pairs = node.doms.map((dm) => children(net, dm, pick.layer, pick.neuron));
        for (const side of [0, 1]) {
          const kids = pairs.map((pair) => pair[side]!);
          const r = finish(kids, node.rows, o.iterations);
          if (r === null) continue;
          if ('verdict' in r) return r;
          queue.push(r);
        }
      }
    }
    return open.length === 0 ? { verdict: 'verified', stopped: 'converged', nodes, reluSplits, elapsedMs: elapsed() } : null;
  });
  let nextPgd = restarts > 0 ? nodes + PGD_EVERY : Infinity;
  if (reluAfter === 0 && beta !== null && betaApplicable(net)) {
    // the root's bound and PGD were this call's first node: with a budget of one node, stop here
    if (nodes >= maxNodes) return { verdict: 'unknown', stopped: 'maxNodes', nodes, reluSplits, elapsedMs: elapsed() };
    const r = betaBab(first);
    if (r) return r;
  } else open.push(first);
  while (open.length > 0) {
    if (nodes >= maxNodes || elapsed() > timeout * 1000 || signal?.aborted) {
      const stopped = signal?.aborted ? 'aborted' : nodes >= maxNodes ? 'maxNodes' : 'timeout';
      return { verdict: 'unknown', stopped, nodes, reluSplits, elapsedMs: elapsed() };
    }
    // Best first: the box with the most negative lower bound.
    let best = 0;
    for (let i = 1; i < open.length; i++) if (open[i]!.score < open[best]!.score) best = i;
    const node = open[best]!;
    open[best] = open[open.length - 1]!;
    open.pop();
    if (nodes >= nextPgd) {
      nextPgd = nodes + PGD_EVERY;
      const r = pgd(node.lower, node.upper, 1);
      if (r) return r;
    }
    const relu = node.depth >= reluAfter ? pickNeuron(node.pre) : null;
    const children: [Float64Array, Float64Array, ReluSplit[], number][] = [];
    if (relu) {
      reluSplits++;
      for (const active of [true, false]) children.push([node.lower, node.upper, [...node.splits, { ...relu, active }], node.depth]);
    } else if (inputSplit === 'strong') {
      // Bound both halves along every coordinate; keep the pair whose worse half is best (a closed half counts +∞).
      let bestPair: (Node | null)[] | null = null;
      let bestKey = -Infinity;
      let bestSum = -Infinity;
      for (let j = 0; j < net.input; j++) {
        if (!(node.upper[j]! > node.lower[j]!)) continue;
        const [lo, hi] = halves(node, j);
        const pair: (Node | null)[] = [];
        for (const [l, u] of [lo, hi]) {
          const r = bound(l, u, node.splits, node.depth + 1);
          if (r !== null && 'verdict' in r) return r;
          pair.push(r);
        }
        const v = pair.map((c) => (c === null ? Infinity : c.score));
        const key = Math.min(v[0]!, v[1]!);
        const sum = v[0]! + v[1]!;
        if (bestPair === null || key > bestKey || (key === bestKey && sum > bestSum)) [bestPair, bestKey, bestSum] = [pair, key, sum];
        if (elapsed() > timeout * 1000 || signal?.aborted) break;
      }
      if (bestPair === null) continue; // a point box that is still open: its centre was checked, nothing to split
      for (const c of bestPair) if (c !== null) open.push(c);
      continue;
    } else {
      const j = inputSplit === 'gradient' ? gradientDim(node) : widestDim(node);
      const [lo, hi] = halves(node, j);
      children.push([lo[0], lo[1], node.splits, node.depth + 1], [hi[0], hi[1], node.splits, node.depth + 1]);
    }
    for (const [lo, hi, splits, depth] of children) {
      const r = bound(lo, hi, splits, depth);
      if (r === null) continue;
      if ('verdict' in r) return r;
      open.push(r);
    }
  }
  return { verdict: 'verified', stopped: 'converged', nodes, reluSplits, elapsedMs: elapsed() };
}
