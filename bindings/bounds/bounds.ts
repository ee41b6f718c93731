/**
 * Bound propagation over a feed-forward network: IBP (interval bound propagation, Gowal et al. 2018)
 * and CROWN (Zhang et al. 2018; the backward linear relaxation of auto_LiRPA, Xu et al. 2020, §3).
 */
import { isMatrixObject, isRowArray, readMatrix, type Matrix } from '../runtime/matrix.js';
import { NonFiniteError, ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { Scope, f64View, numbersOf, withScope } from '../runtime/memory.js';
import { nonNegativeInteger, optionKeys, readOptions } from '../runtime/validate.js';
import { alphaCrownFinal } from './alpha.js';
import { nodeSize, opOf, shareWeights, toNetwork, type BoundsNetwork, type LinearBound, type NetworkSpec, type PlacedBox } from './model.js';

/** An input region: a box, or a ball ‖x − center‖_norm ≤ radius. */
export type BoundsRegion =
  | {
      /** Lower corner of the box, one entry per network input. */
      lower: ArrayLike<number>;
      /** Upper corner of the box (upper ≥ lower entry-wise). */
      upper: ArrayLike<number>;
    }
  | {
      /** Centre of the ball, one entry per network input. */
      center: ArrayLike<number>;
      /** Radius ≥ 0, in the units of the inputs. */
      radius: number;
      /** The ball's norm: 'inf' (default), 2 or 1. */
      norm?: 'inf' | 2 | 1;
    };

/** Options of {@link computeBounds}. */
export interface ComputeBoundsOptions {
  /**
   * 'ibp' (intervals layer by layer), 'crown' (backward linear bounds; default) or 'alpha-crown'
   * (CROWN with the ReLU lower slopes of the final bound optimised, see `alpha`), or 'crown-ibp'
   * (IBP boxes for every intermediate layer, one CROWN backward pass for the output only).
   */
  method?: 'ibp' | 'crown' | 'alpha-crown' | 'crown-ibp';
  /** α-CROWN settings (used only with `method: 'alpha-crown'`). */
  alpha?: {
    /** Projected-gradient iterations per output and side (default 20). */
    iterations?: number;
    /** Initial step size of the slopes (default 0.5, multiplied by 0.9 after every step). */
    lr?: number;
  };
  /**
   * Specification matrix C (k × output: `{ data, rows, cols }`, rows as number[][], or a flat
   * row-major array): bounds are then on C·y (k of them). Default: the identity (bounds on every output).
   */
  C?: ArrayLike<number> | ArrayLike<ArrayLike<number>> | Matrix;
  /**
   * ReLU splits (the subdomain of branch and bound, Bunel et al. 2020; α,β-CROWN): neuron `neuron`
   * of the ReLU / LeakyReLU layer `layer` is fixed active (pre-activation ≥ 0) or inactive (≤ 0) by
   * clamping its pre-activation bounds to [max(l, 0), u] or [l, min(u, 0)]. The bounds then hold for
   * the inputs of the region that satisfy every split (not for the whole region). When the clamped
   * bounds are empty (l > u) that subdomain is empty: the result has `infeasible: true`, lower +∞ and
   * upper −∞. Default: none.
   */
  splits?: readonly ReluSplit[];
  /**
   * Memory budget of one backward pass, in MiB (default 512): CROWN bounds the rows of a layer (its
   * neurons, or the rows of C) in chunks whose Λ matrices fit in the budget, so large convolutional
   * networks run in bounded memory at the cost of more passes. The result reports `peakBytes`.
   */
  memoryBudget?: number;
}

/** One ReLU split: layer index (a 'relu' or 'leaky-relu' layer), neuron index, and its fixed phase. */
export interface ReluSplit {
  /** Index of the 'relu' or 'leaky-relu' layer in `layers`. */
  layer: number;
  /** Index of the neuron within that layer, 0-based. */
  neuron: number;
  /** true: the pre-activation is fixed ≥ 0 (the ReLU passes it); false: fixed ≤ 0 (the ReLU outputs 0). */
  active: boolean;
}

/** Bounds from {@link computeBounds}: lower[i] ≤ (C·y)[i] ≤ upper[i] for every input of the region (y the network output; C the identity by default). */
export interface BoundsResult {
  /** Lower bounds, one per output (or per row of C). */
  lower: Float64Array;
  /** Upper bounds, one per output (or per row of C). */
  upper: Float64Array;
  /** True when `splits` leave no input (the bounds are then the empty interval [+∞, −∞]). */
  infeasible?: boolean;
  /**
   * The most WebAssembly memory the computation held at once, in bytes (`computeBounds` only):
   * the node boxes and the rows of the backward pass in flight, which `memoryBudget` caps.
   */
  peakBytes?: number;
}

/** A validated input region: its bounding box, and the ball's data when it is a ball. */
export interface Region {
  /** Bounding box of the region. */
  l: Float64Array;
  u: Float64Array;
  /** Ball data (absent for a box). */
  ball?: { center: Float64Array; radius: number; dual: number };
}

function finiteVector(fn: string, name: string, v: unknown, n: number): Float64Array {
  if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) throw parameterError(fn, name, 'an array of numbers', v);
  const a = numbersOf(fn, name, v);
  if (a.length !== n) throw new ShapeError(`${fn}: ${name} must have length ${n}, the network's input size (got ${a.length})`);
  const bad = a.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new NonFiniteError(fn, name, bad, a[bad]!);
  return a;
}

/** Validates a `BoundsRegion` for an input of size n (typed errors name `fn` and the field). */
export function parseRegion(fn: string, region: unknown, n: number): Region {
  if (typeof region !== 'object' || region === null) throw parameterError(fn, 'region', '{ lower, upper } or { center, radius, norm }', region);
  const r = region as Record<string, unknown>;
  if ('center' in r) {
    const center = finiteVector(fn, 'region.center', r.center, n);
    const radius = r.radius;
    if (typeof radius !== 'number' || !(radius >= 0) || !Number.isFinite(radius)) throw parameterError(fn, 'region.radius', 'a finite number >= 0', radius);
    const norm = r.norm ?? 'inf';
    const dual = norm === 'inf' ? 1 : norm === 2 ? 2 : norm === 1 ? 0 : -1;
    if (dual < 0) throw parameterError(fn, 'region.norm', "'inf', 2 or 1", norm);
    return { l: center.map((c) => c - radius), u: center.map((c) => c + radius), ball: { center, radius, dual } };
  }
  const l = finiteVector(fn, 'region.lower', r.lower, n);
  const u = finiteVector(fn, 'region.upper', r.upper, n);
  const bad = l.findIndex((x, i) => x > u[i]!);
  if (bad >= 0) throw new ParameterError(`${fn}: region.lower must be <= region.upper (got ${l[bad]} > ${u[bad]} at index ${bad})`);
  return { l, u };
}

/** C as a flat row-major matrix with m columns, or null (identity). */
export function parseSpec(fn: string, C: unknown, m: number, name = 'C'): { data: Float64Array; k: number } | null {
  if (C === undefined) return null;
  if (!isMatrixObject(C) && !isRowArray(C) && !(Array.isArray(C) || (ArrayBuffer.isView(C) && !(C instanceof DataView)))) {
    throw parameterError(fn, name, 'a matrix ({ data, rows, cols }, number[][] or flat row-major array)', C);
  }
  // the shared reader: k × m, k given by the rows or inferred from a flat array's length
  const data = numbersOf(fn, name, readMatrix(fn, name, C, { cols: m, label: "the network's output size" }).data);
  if (data.length === 0) throw new ShapeError(`${fn}: ${name} must have at least one row (got 0)`);
  const bad = data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new NonFiniteError(fn, name, bad, data[bad]!);
  return { data, k: data.length / m };
}

function network(fn: string, model: BoundsNetwork | NetworkSpec | string): BoundsNetwork {
  return toNetwork(fn, model);
}

function placeArray(s: Scope, a: Float64Array): number {
  const p = s.f64(a.length);
  f64View(s.x, p, a.length).set(a);
  return p;
}

/** The IBP box of node i (layer i's output) from the boxes of its inputs; `boxes[j + 1]` holds node j (slot 0: the input). */
function ibpNode(s: Scope, net: BoundsNetwork, boxes: PlacedBox[], i: number): void {
  const layer = net.layers[i]!;
  boxes[i + 1] = opOf(layer).interval(s, layer, layer.inputs.map((j) => boxes[j + 1]!));
}

/** Per node (layer index, -1 = input): the neurons whose value is clamped to ≥ 0 (+1) or ≤ 0 (−1). */
type Clamps = Map<number, [neuron: number, sign: 1 | -1][]>;

/** Applies the clamps of node i to its box; false when a clamped interval is empty. */
function clampNode(s: Scope, clamps: Clamps, boxes: PlacedBox[], i: number): boolean {
  const list = clamps.get(i);
  if (!list) return true;
  const box = boxes[i + 1]!;
  const [l, u] = [f64View(s.x, box.l, box.n), f64View(s.x, box.u, box.n)];
  for (const [j, sign] of list) {
    if (sign > 0) l[j] = Math.max(l[j]!, 0);
    else u[j] = Math.min(u[j]!, 0);
    if (l[j]! > u[j]!) return false;
  }
  return true;
}

/** IBP boxes of every live node, in topological order (slot 0: the region's bounding box); null when a clamp empties a box. */
function ibpBoxes(s: Scope, net: BoundsNetwork, region: Region, clamps: Clamps): PlacedBox[] | null {
  const boxes: PlacedBox[] = [{ l: placeArray(s, region.l), u: placeArray(s, region.u), n: net.input }];
  if (!clampNode(s, clamps, boxes, -1)) return null;
  for (let i = 0; i < net.layers.length; i++) {
    if (!net.live[i]) continue;
    ibpNode(s, net, boxes, i);
    if (!clampNode(s, clamps, boxes, i)) return null;
  }
  return boxes;
}

/** Hooks of a backward pass used by α-CROWN: replaced relaxations and a look at Λ on a layer's output. */
export interface BackwardHooks {
  /** Layer index → WASM pointers of the lines aL, bL, aU, bU used instead of the op's own relaxation. */
  relax?: Map<number, readonly [number, number, number, number]>;
  /** Called with the accumulated bound on layer i's output before it is propagated through layer i. */
  record?: (i: number, bound: LinearBound) => void;
}

/**
 * The backward linear-bound pass of CROWN over the DAG (auto_LiRPA, Xu et al. 2020, §3.1): Λ0·z_t
 * (Λ0 k × size of node t at `lam0`, copied) is pushed through the layers in reverse topological
 * order; a node's Λ is the sum of its consumers' contributions (fan-out), and the constant terms of
 * every path accumulate in one shared c. Returns the bound Λ·x + c on the network input.
 * `boxes[j + 1]` bounds node j (the relaxations' input boxes).
 */
export function backwardPass(s: Scope, net: BoundsNetwork, t: number, lam0: number, k: number, boxes: readonly PlacedBox[], upper: boolean, hooks: BackwardHooks = {}): LinearBound {
  const n0 = nodeSize(net, t);
  const c = s.f64(k);
  f64View(s.x, c, k).fill(0);
  const lam = s.f64(k * n0);
  f64View(s.x, lam, k * n0).set(f64View(s.x, lam0, k * n0));
  const lams: (LinearBound | undefined)[] = new Array<LinearBound | undefined>(net.layers.length + 1);
  lams[t + 1] = { lam, c, k, n: n0 };
  for (let i = t; i >= 0; i--) {
    const B = lams[i + 1];
    if (!B) continue;
    const layer = net.layers[i]!;
    hooks.record?.(i, B);
    const r = hooks.relax?.get(i);
    let outs: LinearBound[];
    if (r) {
      s.x.boundBackActivation(B.lam, k, B.n, r[0], r[1], r[2], r[3], upper ? 1 : 0, B.lam, B.c);
      outs = [B];
    } else outs = opOf(layer).backward(s, layer, B, layer.inputs.map((j) => boxes[j + 1]!), upper);
    layer.inputs.forEach((j, q) => {
      const prev = lams[j + 1];
      if (prev) s.x.boundAxpy(k * prev.n, 1, outs[q]!.lam, prev.lam);
      else lams[j + 1] = outs[q]!;
    });
  }
  if (lams[0]) return lams[0];
  const zero = s.f64(k * net.input); // the target does not depend on the input
  f64View(s.x, zero, k * net.input).fill(0);
  return { lam: zero, c, k, n: net.input };
}

/** Thrown between chunks of a bound computation when its `stop` test says so (caught by the branch and bound). */
export class BoundsStopped extends Error {}

/**
 * Limits of one bound computation: `stop` is polled between chunks of rows (a deadline or an abort),
 * `budgetBytes` caps the memory of one backward pass (rows are streamed in chunks that fit), and
 * `meter` records the peak of the memory the computation holds.
 */
export interface BoundLimits {
  stop?: () => boolean;
  budgetBytes?: number;
  meter?: { live: number; peak: number };
}

/** A scope that adds its allocations to a meter (live bytes and their peak). */
class MeteredScope extends Scope {
  private mine = 0;
  constructor(fn: string, private readonly meter: { live: number; peak: number }) {
    super(fn);
  }
  override bytes(n: number): number {
    const p = super.bytes(n);
    this.mine += n;
    this.meter.live += n;
    this.meter.peak = Math.max(this.meter.peak, this.meter.live);
    return p;
  }
  override release(): void {
    super.release();
    this.meter.live -= this.mine;
    this.mine = 0;
  }
}

function withMetered<T>(fn: string, meter: BoundLimits['meter'], body: (s: Scope) => T): T {
  if (!meter) return withScope(fn, body);
  const s = new MeteredScope(fn, meter);
  try {
    return body(s);
  } finally {
    s.release();
  }
}

/**
 * Bytes one row of a backward pass to node t holds at its peak: a Λ row for every node it passes
 * (the pass keeps them until it ends) and the relaxation lines, with a quarter more for temporaries.
 */
function rowBytes(net: BoundsNetwork, t: number): number {
  let doubles = net.input;
  for (let i = 0; i <= t; i++) if (net.live[i]) doubles += 2 * net.layers[i]!.outSize;
  return Math.ceil(8 * doubles * 1.25) + 64;
}

/** Rows of Λ0 for one chunk: a pointer to `rows` × size(t) doubles holding rows r0 … r0 + rows − 1. */
type RowSource = (s: Scope, r0: number, rows: number) => number;

/** The rows of a matrix already in memory (k × n at `lam0`). */
const rowsAt = (lam0: number, n: number): RowSource => (_s, r0) => lam0 + r0 * n * 8;

/** Rows of the n × n identity, made per chunk (the whole identity of a large layer would not fit). */
const identityRows = (n: number): RowSource => (s, r0, rows) => {
  const p = s.f64(rows * n);
  const v = f64View(s.x, p, rows * n);
  v.fill(0);
  for (let i = 0; i < rows; i++) v[i * n + r0 + i] = 1;
  return p;
};

/**
 * One CROWN pass: a linear bound (upper or lower) on Λ0·z_t (Λ0 k × size of node t, its rows from
 * `source`) propagated back to the input and concretised over the region, written to `out` (k
 * doubles). Rows go through in chunks that keep one pass within `limits.budgetBytes`, and
 * `limits.stop` is polled before each chunk.
 */
function crownPass(s0: Scope, net: BoundsNetwork, t: number, source: RowSource, k: number, boxes: PlacedBox[], region: Region, upper: boolean, out: number, limits: BoundLimits = {}): void {
  const chunk = limits.budgetBytes === undefined ? k : Math.max(1, Math.floor(limits.budgetBytes / rowBytes(net, t)));
  for (let r0 = 0; r0 < k; r0 += chunk) {
    if (limits.stop?.()) throw new BoundsStopped('stopped');
    const rows = Math.min(chunk, k - r0);
    crownChunk(s0, net, t, source, r0, rows, boxes, region, upper, out + r0 * 8, limits.meter);
  }
}

function crownChunk(s0: Scope, net: BoundsNetwork, t: number, source: RowSource, r0: number, k: number, boxes: PlacedBox[], region: Region, upper: boolean, out: number, meter: BoundLimits['meter']): void {
  withMetered(s0.fn, meter, (s) => {
    shareWeights(s0, s, net);
    const B = backwardPass(s, net, t, source(s, r0, k), k, boxes, upper);
    if (region.ball) {
      const x0 = placeArray(s, region.ball.center);
      s.x.boundConcretizeBall(B.lam, k, net.input, x0, B.c, region.ball.radius, region.ball.dual, upper ? 1 : -1, out);
    } else {
      const scratch = s.f64(k);
      const box = boxes[0]!;
      if (upper) s.x.boundIntervalMatVec(B.lam, k, net.input, B.c, box.l, box.u, scratch, out);
      else s.x.boundIntervalMatVec(B.lam, k, net.input, B.c, box.l, box.u, out, scratch);
    }
  });
}


/**
 * Sound lower and upper bounds on every output of `model` (or on C·y) for all inputs in `region`.
 *
 * The network is a feed-forward DAG (see `parseNetwork`); nodes are processed in topological order.
 *
 * - `method: 'ibp'`: interval arithmetic node by node (Linear / Conv2d: W⁺l + W⁻u + b, W⁺u + W⁻l + b;
 *   monotone activations: [f(l), f(u)]; add: [la + lb, ua + ub]; sub: [la − ub, ua − lb]).
 * - `method: 'crown'` (default): for each target, linear bounds Λx + c are propagated backward
 *   (Λ ← Λ·W, c ← c + Λb through Linear; through an activation the upper line multiplies Λ⁺ and the
 *   lower line Λ⁻ for an upper bound, and conversely), then concretised over the region: over a box as
 *   Λ⁺u + Λ⁻l + c, over a ball ‖x − x0‖_p ≤ ε as Λx0 + c ± ε‖Λᵣ‖_q with 1/p + 1/q = 1 (auto_LiRPA,
 *   Xu et al. 2020, eq. 3–5). Through Conv2d Λ ← Λ·T (T the convolution's Toeplitz matrix, applied
 *   as a transposed convolution); through add / sub both inputs receive Λ (resp. Λ and −Λ), and at a
 *   node consumed by several layers the contributions are summed (auto_LiRPA's backward pass over
 *   the computational graph, Xu et al. 2020, §3.1 and Algorithm 1), the constants accumulating once.
 *   Pre-activation bounds of every node feeding a nonlinear layer are computed the same way (and
 *   intersected with IBP's). ReLU: triangle upper line, CROWN's adaptive lower slope
 *   (1 if u > −l else 0); sigmoid/tanh: chord-slope lines shifted to touch the curve.
 *
 * - `method: 'crown-ibp'`: CROWN-IBP (Zhang et al., "Towards Stable and Efficient Training of
 *   Verifiably Robust Neural Networks", ICLR 2020, §3): every intermediate pre-activation box comes
 *   from IBP, and only the final bound is a CROWN backward pass through relaxations built on those
 *   boxes — one backward pass instead of one per layer; looser than CROWN, usually tighter than IBP.
 *
 * `model` is a `BoundsNetwork` from `parseNetwork` or its JSON spec. Region: `{ lower, upper }` or
 * `{ center, radius, norm }` with norm 'inf' (default), 2 or 1. Throws ShapeError / ParameterError /
 * NonFiniteError on malformed input.
 */
export function computeBounds(model: BoundsNetwork | NetworkSpec | string, region: BoundsRegion, options?: ComputeBoundsOptions): BoundsResult {
  return computeBoundsWithPre(model, region, options);
}

/** `computeBounds`, also filling `pre` (when given) with the final pre-activation box of every live ReLU / LeakyReLU layer (for ReLU splitting). */
export function computeBoundsWithPre(model: BoundsNetwork | NetworkSpec | string, region: BoundsRegion, options?: ComputeBoundsOptions, pre?: PreActivations, limits: BoundLimits = {}): BoundsResult {
  const fn = 'computeBounds';
  const net = network(fn, model);
  const reg = parseRegion(fn, region, net.input);
  const o = readOptions(fn, options, optionKeys<ComputeBoundsOptions>({ method: true, alpha: true, C: true, splits: true, memoryBudget: true }));
  const method = o.method ?? 'crown';
  if (method !== 'ibp' && method !== 'crown' && method !== 'alpha-crown' && method !== 'crown-ibp') {
    throw parameterError(fn, 'options.method', "'ibp', 'crown', 'alpha-crown' or 'crown-ibp'", method);
  }
  const { iterations, lr } = readAlpha(fn, o.alpha);
  const spec = parseSpec(fn, o.C, net.output);
  const clamps = parseSplits(fn, net, o.splits);
  const budget = readMemoryBudget(fn, o.memoryBudget);
  const meter = limits.meter ?? { live: 0, peak: 0 };
  const r = boundsCore(fn, net, reg, method, spec, { iterations, lr }, clamps, pre, { ...limits, budgetBytes: limits.budgetBytes ?? budget, meter });
  return { ...r, peakBytes: meter.peak };
}

/** Default of `memoryBudget`: 512 MiB for the rows of one backward pass. */
export const DEFAULT_MEMORY_BUDGET_MIB = 512;

/** `options.memoryBudget` (MiB) in bytes. */
export function readMemoryBudget(fn: string, mib: unknown): number {
  const v = mib ?? DEFAULT_MEMORY_BUDGET_MIB;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw parameterError(fn, 'options.memoryBudget', 'a number of MiB > 0', mib);
  return v * 2 ** 20;
}

/** The α-CROWN settings (`options.alpha` of computeBounds and of the functions that pass it on), defaults filled in. */
export function readAlpha(fn: string, alpha: ComputeBoundsOptions['alpha']): { iterations: number; lr: number } {
  const a = readOptions(fn, alpha, optionKeys<NonNullable<ComputeBoundsOptions['alpha']>>({ iterations: true, lr: true }), 'options.alpha');
  const iterations = a.iterations ?? 20;
  nonNegativeInteger(fn, 'options.alpha.iterations', iterations);
  const lr = a.lr ?? 0.5;
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) throw parameterError(fn, 'options.alpha.lr', 'a finite number > 0', lr);
  return { iterations, lr };
}

/** The validated `splits` as clamps on the input node of each split layer. */
function parseSplits(fn: string, net: BoundsNetwork, splits: unknown): Clamps {
  const clamps: Clamps = new Map();
  if (splits === undefined) return clamps;
  if (!Array.isArray(splits)) throw parameterError(fn, 'options.splits', 'an array of { layer, neuron, active }', splits);
  splits.forEach((sp: unknown, q: number) => {
    const { layer, neuron, active } = (sp ?? {}) as Record<string, unknown>;
    const L = Number.isSafeInteger(layer) ? net.layers[layer as number] : undefined;
    if (!L || (L.type !== 'relu' && L.type !== 'leaky-relu')) {
      throw parameterError(fn, `options.splits[${q}].layer`, 'the index of a relu or leaky-relu layer', layer);
    }
    if (!Number.isSafeInteger(neuron) || (neuron as number) < 0 || (neuron as number) >= L.inSize) {
      throw parameterError(fn, `options.splits[${q}].neuron`, `an integer in 0 … ${L.inSize - 1}`, neuron);
    }
    if (typeof active !== 'boolean') throw parameterError(fn, `options.splits[${q}].active`, 'a boolean', active);
    const p = L.inputs[0]!;
    if (!clamps.has(p)) clamps.set(p, []);
    clamps.get(p)!.push([neuron as number, active ? 1 : -1]);
  });
  return clamps;
}

/** What `boundsCore` may also report: the pre-activation box of every live ReLU / LeakyReLU layer. */
export type PreActivations = Map<number, { l: Float64Array; u: Float64Array }>;

/** computeBounds after validation. `pre`, when given, receives the final pre-activation boxes of the ReLU layers. */
function boundsCore(
  fn: string, net: BoundsNetwork, reg: Region, method: 'ibp' | 'crown' | 'alpha-crown' | 'crown-ibp',
  spec: { data: Float64Array; k: number } | null, alpha: { iterations: number; lr: number }, clamps: Clamps, pre: PreActivations | undefined, limits: BoundLimits,
): BoundsResult {
  const last = net.layers.length - 1; // the output node (-1: no layers, the output is the input)
  const { iterations, lr } = alpha;
  const k = spec ? spec.k : net.output;
  const empty = (): BoundsResult => ({ lower: new Float64Array(k).fill(Infinity), upper: new Float64Array(k).fill(-Infinity), infeasible: true });
  return withMetered(fn, limits.meter, (s) => {
    const viaIbp = method === 'ibp' || method === 'crown-ibp';
    const boxes = viaIbp ? ibpBoxes(s, net, reg, clamps) : [{ l: placeArray(s, reg.l), u: placeArray(s, reg.u), n: net.input }];
    if (!boxes || (!viaIbp && !clampNode(s, clamps, boxes, -1))) return empty();
    const outL = s.f64(k);
    const outU = s.f64(k);
    if (method === 'ibp') {
      const out = boxes[last + 1]!;
      if (spec) s.x.boundIntervalMatVec(placeArray(s, spec.data), k, net.output, 0, out.l, out.u, outL, outU);
      else {
        f64View(s.x, outL, k).set(f64View(s.x, out.l, k));
        f64View(s.x, outU, k).set(f64View(s.x, out.u, k));
      }
    } else if (method === 'crown-ibp') {
      // CROWN-IBP: the relaxations use IBP's pre-activation boxes; only the output is bounded by CROWN.
      const src = spec ? rowsAt(placeArray(s, spec.data), net.output) : identityRows(net.output);
      crownPass(s, net, last, src, k, boxes, reg, false, outL, limits);
      crownPass(s, net, last, src, k, boxes, reg, true, outU, limits);
    } else {
      // Node by node in topological order: IBP gives the node's box from its inputs' boxes; when a
      // live nonlinear layer consumes the node, the box is tightened by CROWN (intersected with IBP's).
      const feedsRelaxation = net.layers.map(() => false);
      net.layers.forEach((layer, i) => {
        if (net.live[i] && opOf(layer).nonlinear) for (const j of layer.inputs) if (j >= 0) feedsRelaxation[j] = true;
      });
      for (let t = 0; t <= last; t++) {
        if (!net.live[t]) continue;
        ibpNode(s, net, boxes, t);
        if (!feedsRelaxation[t]) continue;
        if (!clampNode(s, clamps, boxes, t)) return empty(); // IBP alone may already show the subdomain empty
        const n = net.layers[t]!.outSize;
        const lo = s.f64(n);
        const hi = s.f64(n);
        crownPass(s, net, t, identityRows(n), n, boxes, reg, false, lo, limits);
        crownPass(s, net, t, identityRows(n), n, boxes, reg, true, hi, limits);
        const box = boxes[t + 1]!;
        const [bl, bu, cl, cu] = [box.l, box.u, lo, hi].map((p) => f64View(s.x, p, n)) as Float64Array[];
        for (let j = 0; j < n; j++) {
          bl![j] = Math.max(bl![j]!, cl![j]!);
          bu![j] = Math.min(bu![j]!, cu![j]!);
        }
        if (!clampNode(s, clamps, boxes, t)) return empty();
      }
      if (method === 'alpha-crown') {
        const C = spec ? spec.data : Float64Array.from({ length: k * net.output }, (_, q) => (q % (net.output + 1) === 0 ? 1 : 0));
        const r = alphaCrownFinal(s, net, boxes, reg, C, k, { iterations, lr, stop: limits.stop });
        f64View(s.x, outL, k).set(r.lower);
        f64View(s.x, outU, k).set(r.upper);
      } else {
        const src = spec ? rowsAt(placeArray(s, spec.data), net.output) : identityRows(net.output);
        crownPass(s, net, last, src, k, boxes, reg, false, outL, limits);
        crownPass(s, net, last, src, k, boxes, reg, true, outU, limits);
      }
    }
    if (pre) {
      net.layers.forEach((L, i) => {
        if (!net.live[i] || (L.type !== 'relu' && L.type !== 'leaky-relu')) return;
        const box = boxes[L.inputs[0]! + 1]!;
        pre.set(i, { l: f64View(s.x, box.l, box.n).slice(), u: f64View(s.x, box.u, box.n).slice() });
      });
    }
    const lower = f64View(s.x, outL, k).slice();
    const upper = f64View(s.x, outU, k).slice();
    const bad = [...lower, ...upper].findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new NonFiniteError(fn, 'bounds (overflow in propagation)', bad % k, bad < k ? lower[bad % k]! : upper[bad % k]!);
    return { lower, upper };
  });
}

/** The network's output y = f(x) at one input (exact forward pass; activations evaluated in WASM). */
export function evaluateNetwork(model: BoundsNetwork | NetworkSpec | string, x: ArrayLike<number>): Float64Array {
  const fn = 'evaluateNetwork';
  const net = network(fn, model);
  const v = finiteVector(fn, 'x', x, net.input);
  return withScope(fn, (s) => {
    const vals: number[] = [placeArray(s, v)];
    net.layers.forEach((layer, i) => {
      if (!net.live[i]) return;
      vals[i + 1] = s.f64(layer.outSize);
      opOf(layer).forward(s, layer, layer.inputs.map((j) => vals[j + 1]!), vals[i + 1]!);
    });
    return f64View(s.x, vals[net.layers.length]!, net.output).slice();
  });
}

/**
 * ∇ₓ(c·f(x)) at one input: a backward pass through the tangent line of every op at x (each
 * activation relaxed on the point box [z, z], where its lines are the tangent), one pass for any
 * DAG. At a ReLU kink it takes the slope of the active side.
 */
export function gradientAt(net: BoundsNetwork, x: Float64Array, c: Float64Array): Float64Array {
  return withScope('gradientAt', (s) => {
    const vals: number[] = [placeArray(s, x)];
    net.layers.forEach((layer, i) => {
      if (!net.live[i]) return;
      vals[i + 1] = s.f64(layer.outSize);
      opOf(layer).forward(s, layer, layer.inputs.map((j) => vals[j + 1]!), vals[i + 1]!);
    });
    const boxes: PlacedBox[] = vals.map((p, j) => ({ l: p, u: p, n: nodeSize(net, j - 1) }));
    const B = backwardPass(s, net, net.layers.length - 1, placeArray(s, c), 1, boxes, false);
    return f64View(s.x, B.lam, net.input).slice();
  });
}
