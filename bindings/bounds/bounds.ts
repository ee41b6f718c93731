/**
 * Bound propagation over a feed-forward network: IBP (interval bound propagation, Gowal et al. 2018)
 * and CROWN (Zhang et al. 2018; the backward linear relaxation of auto_LiRPA, Xu et al. 2020, §3).
 */
import { NonFiniteError, ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { f64View, withScope, type Scope } from '../runtime/memory.js';
import { alphaCrownFinal } from './alpha.js';
import { opOf, parseNetwork, shareWeights, type BoundsNetwork, type LinearBound, type NetworkSpec, type PlacedBox } from './model.js';

/** An input region: a box, or a ball ‖x − center‖_norm ≤ radius. */
export type BoundsRegion =
  | { lower: ArrayLike<number>; upper: ArrayLike<number> }
  | { center: ArrayLike<number>; radius: number; norm?: 'inf' | 2 | 1 };

export interface ComputeBoundsOptions {
  /**
   * 'ibp' (intervals layer by layer), 'crown' (backward linear bounds; default) or 'alpha-crown'
   * (CROWN with the ReLU lower slopes of the final bound optimised, see `alpha`), or 'crown-ibp'
   * (IBP boxes for every intermediate layer, one CROWN backward pass for the output only).
   */
  method?: 'ibp' | 'crown' | 'alpha-crown' | 'crown-ibp';
  /** α-CROWN: projected-gradient iterations per output and side (default 20) and step size (default 0.5, decayed by 0.9 per step). */
  alpha?: { iterations?: number; lr?: number };
  /**
   * Specification matrix C (k × output, rows as number[][] or a flat row-major array): bounds are
   * then on C·y (k of them). Default: the identity (bounds on every output).
   */
  C?: ArrayLike<number> | ArrayLike<ArrayLike<number>>;
}

export interface BoundsResult {
  lower: Float64Array;
  upper: Float64Array;
}

interface Region {
  /** Bounding box of the region. */
  l: Float64Array;
  u: Float64Array;
  /** Ball data (absent for a box). */
  ball?: { center: Float64Array; radius: number; dual: number };
}

function finiteVector(fn: string, name: string, v: unknown, n: number): Float64Array {
  if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) throw parameterError(fn, name, 'an array of numbers', v);
  const a = Float64Array.from(v as ArrayLike<number>, Number);
  if (a.length !== n) throw new ShapeError(`${fn}: ${name} must have length ${n}, the network's input size (got ${a.length})`);
  const bad = a.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new NonFiniteError(fn, name, bad, a[bad]!);
  return a;
}

function parseRegion(fn: string, region: unknown, n: number): Region {
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
function parseSpec(fn: string, C: unknown, m: number): { data: Float64Array; k: number } | null {
  if (C === undefined) return null;
  let data: Float64Array;
  if (Array.isArray(C) && C.length > 0 && typeof C[0] === 'object' && C[0] !== null) {
    data = new Float64Array(C.length * m);
    C.forEach((row: unknown, i: number) => {
      const len = (row as ArrayLike<number>)?.length;
      if (len !== m) throw new ShapeError(`${fn}: C row ${i} must have length ${m}, the network's output size (got ${describe(row)})`);
      data.set(Float64Array.from(row as ArrayLike<number>, Number), i * m);
    });
  } else if (Array.isArray(C) || (ArrayBuffer.isView(C) && !(C instanceof DataView))) {
    data = Float64Array.from(C as ArrayLike<number>, Number);
    if (data.length === 0 || data.length % m !== 0) {
      throw new ShapeError(`${fn}: C must have a positive multiple of ${m} entries, the network's output size (got ${data.length})`);
    }
  } else throw parameterError(fn, 'C', 'a matrix (number[][] or flat row-major array)', C);
  const bad = data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new NonFiniteError(fn, 'C', bad, data[bad]!);
  return { data, k: data.length / m };
}

function network(fn: string, model: BoundsNetwork | NetworkSpec | string): BoundsNetwork {
  if (typeof model === 'object' && model !== null && 'output' in model && Array.isArray(model.layers) && model.layers.every((l) => 'inSize' in l)) {
    return model as BoundsNetwork;
  }
  if (typeof model !== 'object' && typeof model !== 'string') throw parameterError(fn, 'model', 'a network or its JSON spec', model);
  return parseNetwork(model as NetworkSpec | string);
}

function placeArray(s: Scope, a: Float64Array): number {
  const p = s.f64(a.length);
  f64View(s.x, p, a.length).set(a);
  return p;
}

/** IBP boxes of every intermediate vector z_0 (input) … z_L (output). */
function ibpBoxes(s: Scope, net: BoundsNetwork, region: Region): PlacedBox[] {
  const boxes: PlacedBox[] = [{ l: placeArray(s, region.l), u: placeArray(s, region.u), n: net.input }];
  for (const layer of net.layers) boxes.push(opOf(layer).interval(s, layer, boxes[boxes.length - 1]!));
  return boxes;
}

/**
 * One CROWN pass: a linear bound (upper or lower) on Λ0·z_t (Λ0 k × dim z_t at `lam0`) propagated back
 * to the input and concretised over the region, written to `out` (k doubles).
 */
function crownPass(s0: Scope, net: BoundsNetwork, t: number, lam0: number, k: number, boxes: PlacedBox[], region: Region, upper: boolean, out: number): void {
  withScope(s0.fn, (s) => {
    shareWeights(s0, s, net);
    const n0 = t === 0 ? net.input : net.layers[t - 1]!.outSize;
    let B: LinearBound = { lam: s.f64(k * n0), c: s.f64(k), k, n: n0 };
    f64View(s.x, B.lam, k * n0).set(f64View(s.x, lam0, k * n0));
    f64View(s.x, B.c, k).fill(0);
    for (let i = t - 1; i >= 0; i--) {
      const layer = net.layers[i]!;
      B = opOf(layer).backward(s, layer, B, boxes[i]!, upper);
    }
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

function identity(s: Scope, n: number): number {
  const p = s.f64(n * n);
  const v = f64View(s.x, p, n * n);
  v.fill(0);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  return p;
}

/**
 * Sound lower and upper bounds on every output of `model` (or on C·y) for all inputs in `region`.
 *
 * - `method: 'ibp'`: interval arithmetic layer by layer (Linear: W⁺l + W⁻u + b, W⁺u + W⁻l + b;
 *   monotone activations: [f(l), f(u)]).
 * - `method: 'crown'` (default): for each target, linear bounds Λx + c are propagated backward
 *   (Λ ← Λ·W, c ← c + Λb through Linear; through an activation the upper line multiplies Λ⁺ and the
 *   lower line Λ⁻ for an upper bound, and conversely), then concretised over the region: over a box as
 *   Λ⁺u + Λ⁻l + c, over a ball ‖x − x0‖_p ≤ ε as Λx0 + c ± ε‖Λᵣ‖_q with 1/p + 1/q = 1 (auto_LiRPA,
 *   Xu et al. 2020, eq. 3–5). Pre-activation bounds of every nonlinear layer are computed the same
 *   way (and intersected with IBP's). ReLU: triangle upper line, CROWN's adaptive lower slope
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
export function computeBounds(model: BoundsNetwork | NetworkSpec | string, region: BoundsRegion, options: ComputeBoundsOptions = {}): BoundsResult {
  const fn = 'computeBounds';
  const net = network(fn, model);
  const reg = parseRegion(fn, region, net.input);
  const method = options.method ?? 'crown';
  if (method !== 'ibp' && method !== 'crown' && method !== 'alpha-crown' && method !== 'crown-ibp') {
    throw parameterError(fn, 'options.method', "'ibp', 'crown', 'alpha-crown' or 'crown-ibp'", method);
  }
  const iterations = options.alpha?.iterations ?? 20;
  if (!Number.isSafeInteger(iterations) || iterations < 0) throw parameterError(fn, 'options.alpha.iterations', 'a non-negative integer', iterations);
  const lr = options.alpha?.lr ?? 0.5;
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) throw parameterError(fn, 'options.alpha.lr', 'a finite number > 0', lr);
  const spec = parseSpec(fn, options.C, net.output);
  const L = net.layers.length;
  return withScope(fn, (s) => {
    const boxes = method === 'ibp' || method === 'crown-ibp' ? ibpBoxes(s, net, reg) : [{ l: placeArray(s, reg.l), u: placeArray(s, reg.u), n: net.input }];
    const k = spec ? spec.k : net.output;
    const outL = s.f64(k);
    const outU = s.f64(k);
    if (method === 'ibp') {
      const last = boxes[L]!;
      if (spec) s.x.boundIntervalMatVec(placeArray(s, spec.data), k, net.output, 0, last.l, last.u, outL, outU);
      else {
        f64View(s.x, outL, k).set(f64View(s.x, last.l, k));
        f64View(s.x, outU, k).set(f64View(s.x, last.u, k));
      }
    } else if (method === 'crown-ibp') {
      // CROWN-IBP: the relaxations use IBP's pre-activation boxes; only the output is bounded by CROWN.
      const lam0 = spec ? placeArray(s, spec.data) : identity(s, net.output);
      crownPass(s, net, L, lam0, k, boxes, reg, false, outL);
      crownPass(s, net, L, lam0, k, boxes, reg, true, outU);
    } else {
      // Layer by layer: the input box of each nonlinear layer is tightened by CROWN (intersected with
      // IBP's), then IBP carries the tightened box forward.
      for (let t = 0; t < L; t++) {
        const layer = net.layers[t]!;
        if (t > 0 && opOf(layer).nonlinear) {
          const n = layer.inSize;
          const I = identity(s, n);
          const lo = s.f64(n);
          const hi = s.f64(n);
          crownPass(s, net, t, I, n, boxes, reg, false, lo);
          crownPass(s, net, t, I, n, boxes, reg, true, hi);
          const box = boxes[t]!;
          const [bl, bu, cl, cu] = [box.l, box.u, lo, hi].map((p) => f64View(s.x, p, n)) as Float64Array[];
          for (let j = 0; j < n; j++) {
            bl![j] = Math.max(bl![j]!, cl![j]!);
            bu![j] = Math.min(bu![j]!, cu![j]!);
          }
        }
        boxes.push(opOf(layer).interval(s, layer, boxes[t]!));
      }
      const lam0 = spec ? placeArray(s, spec.data) : identity(s, net.output);
      if (method === 'alpha-crown') {
        const C = f64View(s.x, lam0, k * net.output).slice();
        const r = alphaCrownFinal(s, net, boxes, reg, C, k, { iterations, lr });
        f64View(s.x, outL, k).set(r.lower);
        f64View(s.x, outU, k).set(r.upper);
      } else {
        crownPass(s, net, L, lam0, k, boxes, reg, false, outL);
        crownPass(s, net, L, lam0, k, boxes, reg, true, outU);
      }
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
    let p = placeArray(s, v);
    for (const layer of net.layers) {
      const out = s.f64(layer.outSize);
      opOf(layer).forward(s, layer, p, out);
      p = out;
    }
    return f64View(s.x, p, net.output).slice();
  });
}
