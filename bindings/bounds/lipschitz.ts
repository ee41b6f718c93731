/**
 * Local Lipschitz constants of ReLU networks over an input region, w.r.t. the L∞ input norm: a sound
 * upper bound by interval bound propagation over the Clarke Jacobian and by the linear relaxation of its
 * backward graph (lipschitz-linear.ts), whichever is smaller, and a lower bound from the exact
 * Jacobian at sampled points (Shi et al., "Efficiently Computing Local Lipschitz Constants of Neural
 * Networks via Bound Propagation", NeurIPS 2022, §3: the Jacobian as a product of layer Jacobians
 * whose ReLU factors are bounded by the pre-activation bounds).
 *
 * Supports chain networks of linear, relu, leaky-relu and affine layers; any other layer type gives a
 * ParameterError naming it. Plain TS (the matrices are small; the pre-activation bounds come from
 * `computeBounds`, which runs in WASM).
 */
import type { Matrix } from '../runtime/matrix.js';
import { ParameterError, describe, parameterError } from '../runtime/errors.js';
import { seededRng } from '../rng.js';
import { nonNegativeInteger, optionKeys, readOptions } from '../runtime/validate.js';
import { computeBounds, parseRegion, parseSpec, type BoundsRegion } from './bounds.js';
import { linearRowBound } from './lipschitz-linear.js';
import { toNetwork, type BoundsNetwork, type LayerSpec, type NetworkSpec } from './model.js';

/** A model as accepted by the bounds family: a parsed network, its JSON spec, or the JSON text. */
export type ModelInput = BoundsNetwork | NetworkSpec | string;

type ChainLayer =
  | { kind: 'linear'; W: Float64Array; b: Float64Array; m: number; n: number }
  | { kind: 'relu'; slope: number; n: number } // slope for z < 0: 0 (relu) or α (leaky-relu)
  | { kind: 'affine'; scale: Float64Array; shift: Float64Array; n: number };

/** A validated chain network with its parameters in plain arrays (internal to the bounds family). */
export interface Chain {
  net: BoundsNetwork;
  input: number;
  output: number;
  layers: ChainLayer[];
  /** The layers back in JSON form, to build prefix networks for `computeBounds`. */
  specs: LayerSpec[];
}

const SUPPORTED = 'linear, relu, leaky-relu, affine and identity';

/** Parses `model` (if needed) and checks that it is a chain of supported layers. */
export function chainOf(fn: string, model: ModelInput): Chain {
  let net: BoundsNetwork;
  if (model === null) throw parameterError(fn, 'model', 'a network or its JSON spec', model);
  net = toNetwork(fn, model);
  if (!Array.isArray(net.layers)) throw new ParameterError(`${fn}: model must be a chain of ${SUPPORTED} layers (got a graph without a layer list)`);
  const layers: ChainLayer[] = [];
  const specs: LayerSpec[] = [];
  net.layers.forEach((L, i) => {
    const inputs = (L as unknown as { inputs?: readonly number[] }).inputs;
    if (Array.isArray(inputs) && (inputs.length !== 1 || inputs[0] !== i - 1)) {
      throw new ParameterError(`${fn}: layers[${i}] (${L.type}) must consume the previous layer only: only chains of ${SUPPORTED} layers are supported (got inputs [${inputs.join(', ')}])`);
    }
    if (L.type === 'linear') {
      layers.push({ kind: 'linear', W: L.weight!, b: L.bias ?? new Float64Array(L.outSize), m: L.outSize, n: L.inSize });
      specs.push({ type: 'linear', weight: Array.from(L.weight!, Number), shape: [L.outSize, L.inSize], bias: Array.from(L.bias ?? new Float64Array(L.outSize)) });
    } else if (L.type === 'relu' || L.type === 'leaky-relu') {
      layers.push({ kind: 'relu', slope: L.type === 'relu' ? 0 : L.alpha ?? 0, n: L.inSize });
      specs.push(L.type === 'relu' ? { type: 'relu' } : { type: 'leaky-relu', alpha: L.alpha ?? 0 });
    } else if (L.type === 'affine' || L.type === 'identity') {
      const scale = L.scale ?? new Float64Array(L.inSize).fill(1);
      const shift = L.shift ?? new Float64Array(L.inSize);
      layers.push({ kind: 'affine', scale, shift, n: L.inSize });
      specs.push({ type: 'affine', scale: Array.from(scale), shift: Array.from(shift) });
    } else {
      throw new ParameterError(`${fn}: layers[${i}] (${L.type}) is not supported: only chains of ${SUPPORTED} layers (got ${describe(L.type)})`);
    }
  });
  return { net, input: net.input, output: net.output, layers, specs };
}

/** Exact forward pass in plain TS, recording the input of every layer (inputs[t] feeds layers[t]). */
function forwardInputs(chain: Chain, x: ArrayLike<number>): { inputs: Float64Array[]; y: Float64Array } {
  const inputs: Float64Array[] = [];
  let v: Float64Array = Float64Array.from(x);
  for (const L of chain.layers) {
    inputs.push(v);
    if (L.kind === 'linear') {
      const out = new Float64Array(L.m);
      for (let i = 0; i < L.m; i++) {
        let s = L.b[i]!;
        for (let j = 0; j < L.n; j++) s += L.W[i * L.n + j]! * v[j]!;
        out[i] = s;
      }
      v = out;
    } else if (L.kind === 'relu') v = v.map((z) => (z > 0 ? z : L.slope * z));
    else v = v.map((z, i) => L.scale[i]! * z + L.shift[i]!);
  }
  return { inputs, y: v };
}

/**
 * The Jacobian of C·f at x (k × input, row-major), with the ReLU derivative 1 for z > 0 and the
 * negative-side slope (0 for relu) for z ≤ 0 — one element of the Clarke Jacobian at x.
 */
export function jacobianAt(chain: Chain, x: ArrayLike<number>, C: Float64Array, k: number): Float64Array {
  return jacobianFrom(chain, forwardInputs(chain, x).inputs, C, k);
}

/** `jacobianAt` from the layer inputs of a forward pass. */
function jacobianFrom(chain: Chain, inputs: Float64Array[], C: Float64Array, k: number): Float64Array {
  let G: Float64Array = C.slice();
  let cols = chain.output;
  for (let t = chain.layers.length - 1; t >= 0; t--) {
    const L = chain.layers[t]!;
    if (L.kind === 'linear') {
      const out = new Float64Array(k * L.n);
      for (let i = 0; i < k; i++) {
        for (let r = 0; r < L.m; r++) {
          const g = G[i * L.m + r]!;
          if (g === 0) continue;
          const o = r * L.n;
          for (let j = 0; j < L.n; j++) out[i * L.n + j] = out[i * L.n + j]! + g * L.W[o + j]!;
        }
      }
      G = out;
      cols = L.n;
    } else {
      const z = inputs[t]!;
      for (let r = 0; r < cols; r++) {
        const dr = L.kind === 'relu' ? (z[r]! > 0 ? 1 : L.slope) : L.scale[r]!;
        for (let i = 0; i < k; i++) G[i * cols + r] = G[i * cols + r]! * dr;
      }
    }
  }
  return G;
}

/**
 * The gradient of the smallest margin min_{j≠t} (y_t − y_j) at x (exact, by the activation pattern);
 * null when that margin is already ≤ 0.
 */
export function marginGradient(chain: Chain, x: ArrayLike<number>, t: number): Float64Array | null {
  const { inputs, y } = forwardInputs(chain, x);
  let j = -1;
  for (let q = 0; q < y.length; q++) if (q !== t && (j < 0 || y[q]! > y[j]!)) j = q;
  if (y[t]! - y[j]! <= 0) return null;
  const c = new Float64Array(y.length);
  c[t] = 1;
  c[j] = -1;
  return jacobianFrom(chain, inputs, c, 1);
}

/** Options of {@link localLipschitz}. */
export interface LocalLipschitzOptions {
  /** Input norm of the Lipschitz constant: only 'inf' (default). */
  norm?: 'inf';
  /** Specification matrix C (k × output: `{ data, rows, cols }`, rows or flat row-major): bound the Jacobian of C·f instead of f (default: identity). */
  C?: ArrayLike<number> | ArrayLike<ArrayLike<number>> | Matrix;
  /** Method of the pre-activation bounds (default 'crown'; see computeBounds). */
  boundsMethod?: 'ibp' | 'crown' | 'crown-ibp' | 'alpha-crown';
  /** Points sampled uniformly in the region for the lower bound (default 1000; the centre is always included). */
  samples?: number;
  /** Hill-climbing steps from the best sample (default 200; 0 disables). */
  searchSteps?: number;
  /**
   * Unstable ReLUs to branch on (default 10, at most 20: 2^branch leaves), the most influential ones
   * (largest upstream × downstream interval magnitude); in each leaf their derivative is fixed at 0 or
   * 1. With at least as many as there are unstable neurons, `upper` is the exact maximum over the
   * derivative box. 0: the plain interval bound.
   */
  branch?: number;
  /**
   * Steps of the pattern search for the lower bound (default 100; 0 disables): sign-gradient descent
   * on Σ_r max(0, −s_r·z_r(x)) towards the activation pattern of the worst branch-and-bound leaf.
   */
  patternSteps?: number;
  /** Seed of the samples and of the search (default 0). */
  seed?: number;
  /**
   * Also bound each row by the linear relaxation of the Clarke-Jacobian backward graph (default true)
   * and keep the smaller of the two upper bounds; false: interval arithmetic and branching only.
   */
  linear?: boolean;
}

/** Result of {@link localLipschitz}: a certified interval [lower, upper] for the local L∞ → L∞ Lipschitz constant. */
export interface LocalLipschitzResult {
  /** Sound upper bound on max_x max_i ‖∇(Cf)_i(x)‖₁ (the ∞→∞ operator norm of the Clarke Jacobian). */
  upper: number;
  /** max over the sampled points of the same norm of an element of the Clarke Jacobian there. */
  lower: number;
  /** upper − lower (≥ 0 up to rounding). */
  gap: number;
  /** Per output row i: the upper and lower bounds on max_x ‖∇(Cf)_i(x)‖₁. */
  rows: {
    /** Sound upper bound per row. */
    upper: Float64Array;
    /** Sampled lower bound per row. */
    lower: Float64Array;
  };
  /** Entry-wise bounds on the Clarke Jacobian over the region (k × input, row-major). */
  jacobian: {
    /** Lower bound of each Jacobian entry. */
    lower: Float64Array;
    /** Upper bound of each Jacobian entry. */
    upper: Float64Array;
  };
  /** ReLU neurons whose pre-activation interval contains 0 (derivative ∈ [slope, 1]). */
  unstable: number;
  /** Unstable neurons branched on (2^branched leaves). */
  branched: number;
  /** True when every unstable neuron was branched: `upperBy.interval` is then the exact maximum over the derivative box (`upper` may be below it: the linear relaxation also sees how the derivatives co-vary with x). */
  exactOverBox: boolean;
  /** The point where `lower` was attained. */
  argmax: Float64Array;
  /** Points at which the exact Jacobian was evaluated. */
  evaluations: number;
  /**
   * The upper bound each method gives on its own: `interval` (interval arithmetic with branching) and
   * `linear` (the linear relaxation of the backward graph; null with `linear: false`). `upper` is their minimum.
   */
  upperBy: {
    /** Interval arithmetic on the Jacobian product, with branching on δ's. */
    interval: number;
    /** Linear relaxation of the Clarke-Jacobian backward graph, or null when not run. */
    linear: number | null;
  };
}

interface LipRegion {
  l: Float64Array;
  u: Float64Array;
  /** Projects a point of the bounding box into the region. */
  project(x: Float64Array): Float64Array;
  centre: Float64Array;
  bounds: BoundsRegion;
}

function lipRegion(fn: string, region: unknown, n: number): LipRegion {
  const { l, u, ball } = parseRegion(fn, region, n);
  if (!ball) return { l, u, project: (x) => x, centre: l.map((v, i) => 0.5 * (v + u[i]!)), bounds: { lower: l, upper: u } };
  const { center: c, radius: eps, dual } = ball;
  const norm = dual === 1 ? 'inf' : dual === 2 ? 2 : 1;
  const project = (x: Float64Array): Float64Array => {
    if (norm === 'inf') return x;
    let s = 0;
    for (let i = 0; i < n; i++) s += norm === 2 ? (x[i]! - c[i]!) ** 2 : Math.abs(x[i]! - c[i]!);
    const len = norm === 2 ? Math.sqrt(s) : s;
    if (len <= eps) return x;
    const f = eps / len;
    return x.map((v, i) => c[i]! + f * (v - c[i]!));
  };
  return { l, u, project, centre: c, bounds: { center: c, radius: eps, norm } };
}

/** options.C as validated by computeBounds, or the identity (m × m) when absent. */
function specMatrix(fn: string, C: unknown, m: number): { data: Float64Array; k: number } {
  const spec = parseSpec(fn, C, m, 'options.C');
  if (spec) return spec;
  const data = new Float64Array(m * m);
  for (let i = 0; i < m; i++) data[i * m + i] = 1;
  return { data, k: m };
}

/** Interval [lo, hi] times an interval [a, b]: the hull of the four products. */
function mulInterval(lo: number, hi: number, a: number, b: number): [number, number] {
  if (a === b) return a >= 0 ? [lo * a, hi * a] : [hi * a, lo * a];
  const p = lo * a, q = lo * b, r = hi * a, t = hi * b;
  return [Math.min(p, q, r, t), Math.max(p, q, r, t)];
}

/**
 * Interval product of a k × m interval matrix [lo, hi] with an exact m × n matrix W (row-major):
 * each entry Σ_r [lo, hi]_ir · W_rj with the interval product per term.
 */
function intervalTimesMatrix(lo: Float64Array, hi: Float64Array, k: number, m: number, W: Float64Array, n: number): [Float64Array, Float64Array] {
  const oL = new Float64Array(k * n), oH = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let r = 0; r < m; r++) {
      const a = lo[i * m + r]!, b = hi[i * m + r]!;
      if (a === 0 && b === 0) continue;
      const o = i * n, wr = r * n;
      if (a === b) {
        for (let j = 0; j < n; j++) {
          const v = a * W[wr + j]!;
          oL[o + j] = oL[o + j]! + v;
          oH[o + j] = oH[o + j]! + v;
        }
        continue;
      }
      for (let j = 0; j < n; j++) {
        const w = W[wr + j]!;
        if (w >= 0) {
          oL[o + j] = oL[o + j]! + a * w;
          oH[o + j] = oH[o + j]! + b * w;
        } else {
          oL[o + j] = oL[o + j]! + b * w;
          oH[o + j] = oH[o + j]! + a * w;
        }
      }
    }
  }
  return [oL, oH];
}

/** Exact W (k × m) times an interval matrix [lo, hi] (m × n). */
function matrixTimesInterval(W: Float64Array, k: number, m: number, lo: Float64Array, hi: Float64Array, n: number): [Float64Array, Float64Array] {
  const oL = new Float64Array(k * n), oH = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let r = 0; r < m; r++) {
      const w = W[i * m + r]!;
      if (w === 0) continue;
      for (let j = 0; j < n; j++) {
        const a = lo[r * n + j]!, b = hi[r * n + j]!;
        oL[i * n + j] = oL[i * n + j]! + (w >= 0 ? w * a : w * b);
        oH[i * n + j] = oH[i * n + j]! + (w >= 0 ? w * b : w * a);
      }
    }
  }
  return [oL, oH];
}

/** Derivative interval [lo, hi] of every activation layer (by layer index), from pre-activation bounds. */
function derivativeBounds(chain: Chain, region: LipRegion, method: LocalLipschitzOptions['boundsMethod']): { d: Map<number, [Float64Array, Float64Array]>; z: Map<number, [Float64Array, Float64Array]>; unstable: number } {
  const d = new Map<number, [Float64Array, Float64Array]>();
  const zBox = new Map<number, [Float64Array, Float64Array]>();
  let unstable = 0;
  chain.layers.forEach((L, t) => {
    if (L.kind === 'linear') return;
    if (L.kind === 'affine') {
      d.set(t, [L.scale, L.scale]);
      return;
    }
    let zl: Float64Array, zu: Float64Array;
    if (t === 0) [zl, zu] = [region.l, region.u];
    else {
      const prefix = { input: chain.input, layers: chain.specs.slice(0, t) };
      const b = computeBounds(prefix, region.bounds, { method: method ?? 'crown' });
      [zl, zu] = [b.lower, b.upper];
      if (method !== 'ibp') {
        // Both boxes are sound: keep their intersection (IBP is sometimes tighter on a coordinate).
        const ibp = computeBounds(prefix, region.bounds, { method: 'ibp' });
        zl = zl.map((v, r) => Math.max(v, ibp.lower[r]!));
        zu = zu.map((v, r) => Math.min(v, ibp.upper[r]!));
      }
    }
    zBox.set(t, [zl, zu]);
    const lo = new Float64Array(L.n), hi = new Float64Array(L.n);
    for (let r = 0; r < L.n; r++) {
      // Clarke derivative of max(z, s·z): {1} for z > 0, {s} for z < 0, [s, 1] at 0.
      if (zl[r]! > 0) lo[r] = hi[r] = 1;
      else if (zu[r]! < 0) lo[r] = hi[r] = L.slope;
      else {
        lo[r] = Math.min(L.slope, 1);
        hi[r] = Math.max(L.slope, 1);
        unstable++;
      }
    }
    d.set(t, [lo, hi]);
  });
  return { d, z: zBox, unstable };
}

/**
 * Entry-wise interval enclosure of { C·W_L·D_{L−1}·…·D_1·W_1 : D_t diagonal, D_t ∈ [d_lo, d_hi] }, the
 * set containing the Clarke Jacobian of C·f at every point of the region. Computed twice — from the
 * output side (C·W_L first, the backward order of bound propagation) and from the input side (W_1
 * first) — and intersected; both are enclosures of the same set, so the intersection is one too.
 */
function jacobianEnclosure(
  chain: Chain,
  C: Float64Array,
  k: number,
  d: Map<number, [Float64Array, Float64Array]>,
): { lo: Float64Array; hi: Float64Array; influence: Map<number, Float64Array> } {
  const n0 = chain.input;
  // Backward: [A] starts at C (k × output). down[t][r] = max_i |A_ir| just before D_t.
  const down = new Map<number, Float64Array>();
  const [lo, hi] = backwardInterval(chain, C, k, d, (t, a, b, cols) => {
    const mag = new Float64Array(cols);
    for (let i = 0; i < k; i++) for (let r = 0; r < cols; r++) mag[r] = Math.max(mag[r]!, Math.abs(a[i * cols + r]!), Math.abs(b[i * cols + r]!));
    down.set(t, mag);
  });
  // Forward: [B] starts at the identity (input × input). influence[t][r] = down · Σ_j max|B_rj| just before D_t.
  let fl: Float64Array = new Float64Array(n0 * n0);
  for (let i = 0; i < n0; i++) fl[i * n0 + i] = 1;
  let fh: Float64Array = fl.slice();
  let rows = n0;
  const influence = new Map<number, Float64Array>();
  chain.layers.forEach((L, t) => {
    if (L.kind === 'linear') {
      [fl, fh] = matrixTimesInterval(L.W, L.m, L.n, fl, fh, n0);
      rows = L.m;
    } else {
      const [dl, dh] = d.get(t)!;
      const score = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let up = 0;
        for (let j = 0; j < n0; j++) {
          const q = r * n0 + j;
          up += Math.max(Math.abs(fl[q]!), Math.abs(fh[q]!));
          [fl[q], fh[q]] = mulInterval(fl[q]!, fh[q]!, dl[r]!, dh[r]!);
        }
        score[r] = up * down.get(t)![r]!;
      }
      influence.set(t, score);
    }
  });
  const [cl, ch] = matrixTimesInterval(C, k, chain.output, fl, fh, n0);
  for (let q = 0; q < k * n0; q++) {
    const a = Math.max(lo[q]!, cl[q]!), b = Math.min(hi[q]!, ch[q]!);
    // Both orders are exact up to rounding when nothing is unstable; keep a valid interval then.
    if (a <= b) [lo[q], hi[q]] = [a, b];
    else [lo[q], hi[q]] = [Math.min(a, b), Math.max(a, b)];
  }
  return { lo, hi, influence };
}

/**
 * Backward interval propagation of [C, C] through the layers with the derivative box `d`; `visit(t, lo,
 * hi, cols)` sees the interval matrix just before each activation's D_t is applied.
 */
function backwardInterval(
  chain: Chain,
  C: Float64Array,
  k: number,
  d: Map<number, [Float64Array, Float64Array]>,
  visit?: (t: number, lo: Float64Array, hi: Float64Array, cols: number) => void,
): [Float64Array, Float64Array] {
  let lo: Float64Array = C.slice(), hi: Float64Array = C.slice();
  let cols = chain.output;
  for (let t = chain.layers.length - 1; t >= 0; t--) {
    const L = chain.layers[t]!;
    if (L.kind === 'linear') {
      [lo, hi] = intervalTimesMatrix(lo, hi, k, L.m, L.W, L.n);
      cols = L.n;
    } else {
      visit?.(t, lo, hi, cols);
      const [dl, dh] = d.get(t)!;
      for (let i = 0; i < k; i++) {
        for (let r = 0; r < cols; r++) {
          const q = i * cols + r;
          [lo[q], hi[q]] = mulInterval(lo[q]!, hi[q]!, dl[r]!, dh[r]!);
        }
      }
    }
  }
  return [lo, hi];
}

/** Per-row Σ_j max(|lo_ij|, |hi_ij|) of a k × n interval matrix: bounds on the rows' ‖·‖₁. */
function rowBounds(lo: Float64Array, hi: Float64Array, k: number, n: number): Float64Array {
  const rows = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.max(Math.abs(lo[i * n + j]!), Math.abs(hi[i * n + j]!));
    rows[i] = s;
  }
  return rows;
}

/**
 * Per-row bounds on max ‖(C·J)_{i,:}‖₁ over the derivative box, branching on the `chosen` unstable
 * neurons (by layer): every branched δ is fixed at an endpoint of its interval (2^|chosen| leaves,
 * walked depth first from the output side so shared prefixes are computed once), the others stay
 * intervals, and each leaf is bounded by backward interval propagation. Sound for the maximum because
 * each row norm is a convex function of every single δ (the Jacobian is affine in it), so over the box
 * it is maximised with every δ at an endpoint; exact over the box when every unstable δ is branched.
 */
function branchedRowBounds(
  chain: Chain,
  C: Float64Array,
  k: number,
  d: Map<number, [Float64Array, Float64Array]>,
  chosen: Map<number, number[]>,
): { rows: Float64Array; pattern: [number, number, boolean][] } {
  const best = new Float64Array(k).fill(-Infinity);
  let bestScore = -Infinity;
  let pattern: [number, number, boolean][] = [];
  const path: [number, number, boolean][] = []; // (layer, neuron, δ at its upper end) along the walk
  const walk = (t: number, lo: Float64Array, hi: Float64Array, cols: number): void => {
    if (t < 0) {
      const rows = rowBounds(lo, hi, k, chain.input);
      for (let i = 0; i < k; i++) best[i] = Math.max(best[i]!, rows[i]!);
      const top = maxOf(rows);
      if (top > bestScore) [bestScore, pattern] = [top, path.slice()];
      return;
    }
    const L = chain.layers[t]!;
    if (L.kind === 'linear') {
      const [a, b] = intervalTimesMatrix(lo, hi, k, L.m, L.W, L.n);
      walk(t - 1, a, b, L.n);
      return;
    }
    const [dl, dh] = d.get(t)!;
    const split = chosen.get(t) ?? [];
    const dlo = dl.slice(), dhi = dh.slice();
    for (let mask = 0; mask < 1 << split.length; mask++) {
      split.forEach((r, q) => {
        const up = ((mask >> q) & 1) === 1;
        dlo[r] = dhi[r] = up ? dh[r]! : dl[r]!;
        path.push([t, r, up]);
      });
      const a = lo.slice(), b = hi.slice();
      for (let i = 0; i < k; i++) {
        for (let r = 0; r < cols; r++) {
          const q = i * cols + r;
          [a[q], b[q]] = mulInterval(a[q]!, b[q]!, dlo[r]!, dhi[r]!);
        }
      }
      walk(t - 1, a, b, cols);
      path.length -= split.length;
    }
  };
  walk(chain.layers.length - 1, C.slice(), C.slice(), chain.output);
  return { rows: best, pattern };
}

const maxOf = (v: Float64Array): number => v.reduce((a, b) => Math.max(a, b), 0);

/** Row-wise ‖·‖₁ of a k × n matrix and its maximum. */
function rowNorms(J: Float64Array, k: number, n: number): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(J[i * n + j]!);
    out[i] = s;
  }
  return out;
}


/**
 * Bounds on the local Lipschitz constant of x ↦ C·f(x) over `region` w.r.t. the L∞ input norm:
 *
 *   L = max_{x ∈ region} max_{J ∈ ∂f(x)} ‖C·J‖_{∞→∞} = max_i max_x ‖(C·J)_{i,:}‖₁,
 *
 * so |(Cf)_i(x) − (Cf)_i(x′)| ≤ L_i·‖x − x′‖_∞ for x, x′ in the (convex) region, and ‖C·f(x) −
 * C·f(x′)‖_∞ ≤ L·‖x − x′‖_∞. ∂f is the Clarke generalized Jacobian, which the chain rule encloses in
 * { W_L D_{L−1} … D_1 W_1 } with D_t diagonal holding the ReLU derivative: {1} for a neuron whose
 * pre-activation lower bound is > 0, {0} (α for leaky-relu) when its upper bound is < 0, [0, 1]
 * otherwise (Shi et al. 2022, §3.1). Pre-activation bounds: `computeBounds(prefix, region,
 * { method: boundsMethod })` on each network prefix ending before an activation (intersected with
 * IBP's box when boundsMethod is not 'ibp').
 *
 * Upper: interval arithmetic on that product, from both ends, intersected (the interval baseline of
 * Shi et al. §3), then Σ_j max(|lo_ij|, |hi_ij|) per row; tightened by branching on the `branch` most
 * influential unstable ReLUs (their δ fixed at 0 or 1 in each of the 2^branch leaves, the rest left as
 * intervals), in the spirit of the paper's BaB (§3.4) but on the δ's: each row norm is convex in every
 * single δ, so its maximum over the derivative box is attained with the δ's at endpoints, and the
 * leaves cover a maximiser. With every unstable ReLU branched the result is the exact maximum over the
 * derivative box (`exactOverBox`). (A best-first search with the same number of bound evaluations was
 * looser on the digits MLP.)
 *
 * With `linear` (default true) each row is also bounded by the linear relaxation of the backward graph
 * (Shi et al. §3.2–3.3; lipschitz-linear.ts): McCormick planes for the products g·δ, lines in the
 * pre-activation z for each δ, and one CROWN call for what then depends on x. That bound sees how the
 * δ's co-vary with x, so it can fall below the maximum over the derivative box; each row keeps the
 * smaller of the two bounds, and `upperBy` reports both. The relaxation's two free parameters are
 * tried on a 3 × 3 grid (not optimised by gradient as in the paper).
 *
 * Lower: the exact norm (of the Clarke element with relu'(0) = 0) at the region's centre, at `samples`
 * seeded uniform points (projected into an L2/L1 ball), along `searchSteps` steps of seeded hill
 * climbing from the best point with shrinking perturbations (the norm is piecewise constant in x, so
 * gradient ascent on it has nothing to follow; the climb accepts ties to cross plateaus), and along
 * `patternSteps` sign-gradient steps that push the pre-activations towards the activation pattern of
 * the worst branch leaf. When that pattern is reached and the leaf was exact, lower == upper.
 *
 * Defaults: norm 'inf' (the only one), C identity, boundsMethod 'crown', branch 10, samples 1000,
 * searchSteps 200, patternSteps 100, seed 0, linear true. Sound up to floating-point rounding (no outward rounding), like `computeBounds`.
 */
export function localLipschitz(model: ModelInput, region: BoundsRegion, options?: LocalLipschitzOptions): LocalLipschitzResult {
  const fn = 'localLipschitz';
  const chain = chainOf(fn, model);
  const reg = lipRegion(fn, region, chain.input);
  options = readOptions(fn, options, optionKeys<LocalLipschitzOptions>({
    norm: true, C: true, boundsMethod: true, samples: true, searchSteps: true, branch: true, patternSteps: true, seed: true, linear: true,
  }));
  const useLinear = options.linear ?? true;
  if (typeof useLinear !== 'boolean') throw parameterError(fn, 'options.linear', 'a boolean', useLinear);
  if ((options.norm ?? 'inf') !== 'inf') throw parameterError(fn, 'options.norm', "'inf'", options.norm);
  const method = options.boundsMethod ?? 'crown';
  if (!['ibp', 'crown', 'crown-ibp', 'alpha-crown'].includes(method)) throw parameterError(fn, 'options.boundsMethod', "'ibp', 'crown', 'crown-ibp' or 'alpha-crown'", method);
  const samples = options.samples ?? 1000;
  nonNegativeInteger(fn, 'options.samples', samples);
  const branch = options.branch ?? 10;
  if (!Number.isSafeInteger(branch) || branch < 0 || branch > 20) throw parameterError(fn, 'options.branch', 'an integer in [0, 20]', branch);
  const searchSteps = options.searchSteps ?? 200;
  const patternSteps = options.patternSteps ?? 100;
  nonNegativeInteger(fn, 'options.patternSteps', patternSteps);
  nonNegativeInteger(fn, 'options.searchSteps', searchSteps);
  const R = seededRng(fn, options.seed ?? 0, 'options.seed');
  const { data: C, k } = specMatrix(fn, options.C, chain.output);
  const n = chain.input;

  const { d, z, unstable } = derivativeBounds(chain, reg, method);
  const { lo: jl, hi: jh, influence } = jacobianEnclosure(chain, C, k, d);
  const rowsUpper = rowBounds(jl, jh, k, n);
  // Branch on the `branch` unstable neurons of largest influence (upstream × downstream magnitude).
  const candidates: [number, number, number][] = [];
  for (const [t, score] of influence) {
    const [dl, dh] = d.get(t)!;
    score.forEach((v, r) => {
      if (dl[r] !== dh[r]) candidates.push([v, t, r]);
    });
  }
  candidates.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  const chosen = new Map<number, number[]>();
  for (const [, t, r] of candidates.slice(0, branch)) chosen.set(t, [...(chosen.get(t) ?? []), r]);
  const branched = Math.min(branch, candidates.length);
  let pattern: [number, number, boolean][] = [];
  if (branched > 0) {
    const leaves = branchedRowBounds(chain, C, k, d, chosen);
    for (let i = 0; i < k; i++) rowsUpper[i] = Math.min(rowsUpper[i]!, leaves.rows[i]!);
    pattern = leaves.pattern;
  }
  const intervalUpper = maxOf(rowsUpper);
  let linearUpper: number | null = null;
  if (useLinear) {
    // The gradient intervals entering every δ_t, per row (copied: the propagation reuses its arrays).
    const pre = new Map<number, [Float64Array, Float64Array]>();
    backwardInterval(chain, C, k, d, (t, a, b) => pre.set(t, [a.slice(), b.slice()]));
    const boxes = { d, z, pre, g0: [jl, jh] as [Float64Array, Float64Array] };
    const rowsLinear = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      // A small grid over the relaxation's two free parameters (σ = 0 with mix 0.5 is the interval of δ).
      let b = Infinity;
      for (const sigma of [0, 0.5, 1]) for (const mix of [0, 0.5, 1]) b = Math.min(b, linearRowBound(chain, C, k, i, boxes, reg.bounds, sigma, mix));
      rowsLinear[i] = b;
      rowsUpper[i] = Math.min(rowsUpper[i]!, b);
    }
    linearUpper = maxOf(rowsLinear);
  }

  const rowsLower = new Float64Array(k);
  let best = -1;
  let argmax: Float64Array = reg.centre.slice();
  let evaluations = 0;
  const score = (x: Float64Array): number => {
    evaluations++;
    const r = rowNorms(jacobianAt(chain, x, C, k), k, n);
    for (let i = 0; i < k; i++) rowsLower[i] = Math.max(rowsLower[i]!, r[i]!);
    const v = maxOf(r);
    if (v > best) [best, argmax] = [v, x.slice()];
    return v;
  };
  score(reg.centre);
  const width = reg.u.map((u, i) => u - reg.l[i]!);
  for (let s = 0; s < samples; s++) score(reg.project(R.uniform(n).map((v, i) => reg.l[i]! + v * width[i]!)));
  let x: Float64Array = argmax.slice();
  let cur = best;
  for (let s = 0; s < searchSteps; s++) {
    const sigma = 0.5 * (1 - s / searchSteps) + 0.02;
    const u = R.uniform(2 * n);
    const y = x.map((v, i) => (u[n + i]! < 0.5 ? Math.min(reg.u[i]!, Math.max(reg.l[i]!, v + sigma * width[i]! * (2 * u[i]! - 1))) : v));
    const z = reg.project(y);
    const v = score(z);
    if (v >= cur) [x, cur] = [z, v];
  }
  // Pattern search: steer x towards the activation pattern of the worst leaf (z_r > 0 where its δ is at
  // the upper end, z_r < 0 otherwise) by sign-gradient descent on Σ max(0, −s_r·z_r(x)), from the best
  // point so far and from the centre, scoring every iterate.
  if (patternSteps > 0 && pattern.length > 0) {
    for (const start of [argmax.slice(), reg.centre.slice()]) {
      let y: Float64Array = start;
      for (let s = 0; s < patternSteps; s++) {
        const { inputs } = forwardInputs(chain, y);
        const g = new Float64Array(n);
        let violated = 0;
        for (const t of new Set(pattern.map(([t]) => t))) {
          const z = inputs[t]!;
          const c = new Float64Array(z.length);
          for (const [tt, r, up] of pattern) {
            if (tt !== t || (up ? z[r]! > 0 : z[r]! < 0)) continue;
            c[r] = up ? -1 : 1;
            violated++;
          }
          if (c.every((v) => v === 0)) continue;
          const gt = jacobianFrom({ ...chain, layers: chain.layers.slice(0, t), output: z.length }, inputs, c, 1);
          for (let j = 0; j < n; j++) g[j] = g[j]! + gt[j]!;
        }
        if (violated === 0) break;
        const eta = 0.1 * (1 - s / patternSteps) + 0.005;
        y = reg.project(y.map((v, j) => Math.min(reg.u[j]!, Math.max(reg.l[j]!, v - eta * width[j]! * Math.sign(g[j]!)))));
        score(y);
      }
    }
  }
  const upper = maxOf(rowsUpper);
  return {
    upper,
    lower: best,
    gap: upper - best,
    rows: { upper: rowsUpper, lower: rowsLower },
    jacobian: { lower: jl, upper: jh },
    unstable,
    branched,
    exactOverBox: branched === unstable,
    argmax,
    evaluations,
    upperBy: { interval: intervalUpper, linear: linearUpper },
  };
}
