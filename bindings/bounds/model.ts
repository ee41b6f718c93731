/**
 * A small graph IR for feed-forward networks (a chain of layers) and its JSON format, with an
 * operator registry: each op type is one entry of `BOUND_OPS` with fixed hooks (parse, forward,
 * interval, backward), so adding an op is one entry.
 *
 * JSON: `{ input: n, layers: [{ type: 'linear', weight: number[][] | number[], shape?: [out, in],
 * bias?: number[] }, { type: 'relu' }, { type: 'leaky-relu', alpha }, { type: 'sigmoid' },
 * { type: 'tanh' }, { type: 'affine', scale: number[], shift: number[] }] }`.
 */
import { NonFiniteError, ParameterError, ShapeError, describe } from '../runtime/errors.js';
import { f64View, type Scope } from '../runtime/memory.js';

/** One layer as written in the JSON model. */
export type LayerSpec =
  | { type: 'linear'; weight: ArrayLike<number> | ArrayLike<ArrayLike<number>>; shape?: readonly [number, number]; bias?: ArrayLike<number> }
  | { type: 'relu' }
  | { type: 'leaky-relu'; alpha: number }
  | { type: 'sigmoid' }
  | { type: 'tanh' }
  | { type: 'affine'; scale: ArrayLike<number>; shift?: ArrayLike<number> };

/** The JSON model: input dimension and the layers applied in order. */
export interface NetworkSpec {
  input: number;
  layers: readonly LayerSpec[];
}

/** A validated layer: its op, sizes and parameters (row-major W out×in, b; scale/shift; alpha). */
export interface NetworkLayer {
  readonly type: string;
  readonly index: number;
  readonly inSize: number;
  readonly outSize: number;
  readonly weight?: Float64Array;
  readonly bias?: Float64Array;
  readonly scale?: Float64Array;
  readonly shift?: Float64Array;
  readonly alpha?: number;
}

/** A validated feed-forward network (immutable; build with `parseNetwork`). */
export interface BoundsNetwork {
  readonly input: number;
  readonly output: number;
  readonly layers: readonly NetworkLayer[];
}

/** Bounds on one vector living in WASM memory for one call: byte offsets of lower/upper, length n. */
export interface PlacedBox {
  l: number;
  u: number;
  n: number;
}

/** A linear bound Λ·z + c being propagated backward (Λ k×n in WASM memory, c length k). */
export interface LinearBound {
  lam: number;
  c: number;
  k: number;
  n: number;
}

/** One entry of the operator registry. */
export interface BoundOp {
  /** The `type` string of the JSON format. */
  readonly type: string;
  /** True when the backward rule needs bounds on the layer's input (a relaxation). */
  readonly nonlinear: boolean;
  /** Validates the JSON layer (index i, input size n); throws typed errors naming `layers[i]`. */
  parse(spec: Record<string, unknown>, index: number, n: number): NetworkLayer;
  /** Exact evaluation y = f(x) into `out` (WASM pointers, length inSize / outSize). */
  forward(s: Scope, layer: NetworkLayer, x: number, out: number): void;
  /** IBP: a box on the output from a box on the input. */
  interval(s: Scope, layer: NetworkLayer, box: PlacedBox): PlacedBox;
  /** CROWN: the linear bound on the input side from the one on the output side; `box` bounds the input. */
  backward(s: Scope, layer: NetworkLayer, bound: LinearBound, box: PlacedBox, upper: boolean): LinearBound;
}

const FN = 'parseNetwork';

function where(index: number, type: string): string {
  return `${FN}: layers[${index}] (${type})`;
}

/** A finite numeric vector of the given length (or any length when `len` < 0). */
function vectorField(spec: Record<string, unknown>, field: string, index: number, type: string, len: number): Float64Array {
  const v = spec[field];
  if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) {
    throw new ParameterError(`${where(index, type)}: ${field} must be an array of numbers (got ${describe(v)})`);
  }
  const a = Float64Array.from(v as ArrayLike<number>, Number);
  if (len >= 0 && a.length !== len) throw new ShapeError(`${where(index, type)}: ${field} must have length ${len} (got ${a.length})`);
  const bad = a.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new NonFiniteError(FN, `layers[${index}].${field}`, bad, a[bad]!);
  return a;
}

/** A layer's pointer cache: weights are copied into WASM memory once per scope. */
const placed = new WeakMap<Scope, Map<Float64Array, number>>();
function put(s: Scope, a: Float64Array): number {
  let m = placed.get(s);
  if (!m) placed.set(s, (m = new Map()));
  let p = m.get(a);
  if (p === undefined) {
    p = s.f64(a.length);
    f64View(s.x, p, a.length).set(a);
    m.set(a, p);
  }
  return p;
}

/**
 * Copies every parameter array of `net` into `outer` once and lets `inner` (a shorter-lived scope
 * opened inside it) use those copies: nothing is allocated for weights in `inner`.
 */
export function shareWeights(outer: Scope, inner: Scope, net: BoundsNetwork): void {
  for (const L of net.layers) for (const a of [L.weight, L.bias, L.scale, L.shift]) if (a) put(outer, a);
  placed.set(inner, placed.get(outer) ?? new Map());
}

const linear: BoundOp = {
  type: 'linear',
  nonlinear: false,
  parse(spec, index, n) {
    const w = spec.weight;
    let data: Float64Array;
    let rows: number;
    let cols: number;
    if (Array.isArray(w) && w.length > 0 && typeof w[0] === 'object' && w[0] !== null) {
      rows = w.length;
      cols = (w[0] as ArrayLike<number>).length;
      data = new Float64Array(rows * cols);
      w.forEach((row: unknown, i: number) => {
        if (!(Array.isArray(row) || ArrayBuffer.isView(row)) || (row as ArrayLike<number>).length !== cols) {
          throw new ShapeError(`${where(index, 'linear')}: weight row ${i} must have length ${cols} (got ${describe(row)})`);
        }
        data.set(Float64Array.from(row as ArrayLike<number>, Number), i * cols);
      });
    } else {
      data = vectorField(spec, 'weight', index, 'linear', -1);
      const shape = spec.shape;
      if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
        throw new ParameterError(`${where(index, 'linear')}: shape must be [out, in] of positive integers for a flat weight (got ${describe(shape)})`);
      }
      [rows, cols] = shape as [number, number];
      if (data.length !== rows * cols) {
        throw new ShapeError(`${where(index, 'linear')}: weight must have ${rows}·${cols} = ${rows * cols} entries (got ${data.length})`);
      }
    }
    if (rows < 1) throw new ShapeError(`${where(index, 'linear')}: weight must have at least one row (got 0)`);
    if (cols !== n) throw new ShapeError(`${where(index, 'linear')}: weight must have ${n} columns, the size of its input (got ${cols})`);
    const bad = data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new NonFiniteError(FN, `layers[${index}].weight`, bad, data[bad]!);
    const bias = spec.bias === undefined ? new Float64Array(rows) : vectorField(spec, 'bias', index, 'linear', rows);
    return { type: 'linear', index, inSize: n, outSize: rows, weight: data, bias };
  },
  forward(s, L, x, out) {
    s.x.boundIntervalMatVec(put(s, L.weight!), L.outSize, L.inSize, put(s, L.bias!), x, x, out, out);
  },
  interval(s, L, box) {
    const l = s.f64(L.outSize);
    const u = s.f64(L.outSize);
    s.x.boundIntervalMatVec(put(s, L.weight!), L.outSize, L.inSize, put(s, L.bias!), box.l, box.u, l, u);
    return { l, u, n: L.outSize };
  },
  backward(s, L, B) {
    const lam = s.f64(B.k * L.inSize);
    s.x.boundBackLinear(B.lam, B.k, L.outSize, put(s, L.weight!), L.inSize, put(s, L.bias!), lam, B.c);
    return { lam, c: B.c, k: B.k, n: L.inSize };
  },
};

/** An element-wise monotone activation with a WASM relaxation (kind code of assembly/bounds/bounds.ts). */
function activation(type: string, kind: number): BoundOp {
  return {
    type,
    nonlinear: true,
    parse(spec, index, n) {
      let alpha = 0;
      if (kind === 1) {
        alpha = spec.alpha as number;
        if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) {
          throw new ParameterError(`${where(index, type)}: alpha must be in [0, 1] (got ${describe(spec.alpha)})`);
        }
      }
      return { type, index, inSize: n, outSize: n, alpha };
    },
    forward(s, L, x, out) {
      s.x.boundActForward(kind, x, L.inSize, L.alpha ?? 0, out);
    },
    interval(s, L, box) {
      const l = s.f64(box.n);
      const u = s.f64(box.n);
      s.x.boundActForward(kind, box.l, box.n, L.alpha ?? 0, l); // monotone: [f(l), f(u)]
      s.x.boundActForward(kind, box.u, box.n, L.alpha ?? 0, u);
      return { l, u, n: box.n };
    },
    backward(s, L, B, box, upper) {
      const n = box.n;
      const aL = s.f64(n), bL = s.f64(n), aU = s.f64(n), bU = s.f64(n);
      s.x.boundActRelax(kind, box.l, box.u, n, L.alpha ?? 0, aL, bL, aU, bU);
      s.x.boundBackActivation(B.lam, B.k, n, aL, bL, aU, bU, upper ? 1 : 0, B.lam, B.c);
      return B;
    },
  };
}

const affine: BoundOp = {
  type: 'affine',
  nonlinear: false,
  parse(spec, index, n) {
    const scale = vectorField(spec, 'scale', index, 'affine', n);
    const shift = spec.shift === undefined ? new Float64Array(n) : vectorField(spec, 'shift', index, 'affine', n);
    return { type: 'affine', index, inSize: n, outSize: n, scale, shift };
  },
  forward(s, L, x, out) {
    const xv = f64View(s.x, x, L.inSize);
    const ov = f64View(s.x, out, L.inSize);
    for (let i = 0; i < L.inSize; i++) ov[i] = L.scale![i]! * xv[i]! + L.shift![i]!;
  },
  interval(s, L, box) {
    const l = s.f64(box.n);
    const u = s.f64(box.n);
    const [bl, bu, ol, ou] = [box.l, box.u, l, u].map((p) => f64View(s.x, p, box.n)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < box.n; i++) {
      const a = L.scale![i]!, t = L.shift![i]!;
      ol[i] = a >= 0 ? a * bl[i]! + t : a * bu[i]! + t;
      ou[i] = a >= 0 ? a * bu[i]! + t : a * bl[i]! + t;
    }
    return { l, u, n: box.n };
  },
  backward(s, L, B, box, upper) {
    // An exact "relaxation": both lines are a·x + t.
    const a = put(s, L.scale!), t = put(s, L.shift!);
    s.x.boundBackActivation(B.lam, B.k, box.n, a, t, a, t, upper ? 1 : 0, B.lam, B.c);
    return B;
  },
};

/** The operator registry: one entry per JSON `type`. */
export const BOUND_OPS: Readonly<Record<string, BoundOp>> = {
  linear,
  relu: activation('relu', 0),
  'leaky-relu': activation('leaky-relu', 1),
  sigmoid: activation('sigmoid', 2),
  tanh: activation('tanh', 3),
  affine,
};

/** The registry entry of a validated layer. */
export function opOf(layer: NetworkLayer): BoundOp {
  return BOUND_OPS[layer.type]!;
}

/**
 * Validates a JSON model (an object or its JSON text) and returns the network. Errors name the
 * layer: `parseNetwork: layers[2] (linear): weight must have 3 columns, the size of its input (got 4)`
 * (ShapeError), unknown `type` (ParameterError), NaN/±Inf parameters (NonFiniteError, argument
 * `layers[i].weight`).
 */
export function parseNetwork(spec: NetworkSpec | string): BoundsNetwork {
  let obj: unknown = spec;
  if (typeof spec === 'string') {
    try {
      obj = JSON.parse(spec);
    } catch (e) {
      throw new ParameterError(`${FN}: spec must be valid JSON (got ${(e as Error).message})`);
    }
  }
  if (typeof obj !== 'object' || obj === null) throw new ParameterError(`${FN}: spec must be an object { input, layers } (got ${describe(obj)})`);
  const o = obj as Record<string, unknown>;
  if (!Number.isSafeInteger(o.input) || (o.input as number) < 1) throw new ParameterError(`${FN}: input must be a positive integer (got ${describe(o.input)})`);
  if (!Array.isArray(o.layers)) throw new ParameterError(`${FN}: layers must be an array (got ${describe(o.layers)})`);
  let n = o.input as number;
  const layers: NetworkLayer[] = [];
  o.layers.forEach((ls: unknown, i: number) => {
    if (typeof ls !== 'object' || ls === null) throw new ParameterError(`${FN}: layers[${i}] must be an object with a type (got ${describe(ls)})`);
    const type = (ls as Record<string, unknown>).type;
    const op = typeof type === 'string' && Object.hasOwn(BOUND_OPS, type) ? BOUND_OPS[type]! : undefined;
    if (!op) {
      throw new ParameterError(`${FN}: layers[${i}].type must be one of ${Object.keys(BOUND_OPS).join(', ')} (got ${describe(type)})`);
    }
    const layer = op.parse(ls as Record<string, unknown>, i, n);
    layers.push(layer);
    n = layer.outSize;
  });
  return { input: o.input as number, output: n, layers };
}
