/**
 * A small graph IR for feed-forward networks (a DAG of layers) and its JSON format, with an
 * operator registry: each op type is one entry of `BOUND_OPS` with fixed hooks (parse, forward,
 * interval, backward), so adding an op is one entry.
 *
 * JSON: `{ input: n | [C, H, W], layers: [...] }`; every layer may carry `inputs: number[]`, the
 * indices of EARLIER layers it consumes (-1 = the network input; default `[i − 1]`, so a chain needs
 * no `inputs`). The network output is the last layer's. Layer types: `{ type: 'linear', weight:
 * number[][] | number[], shape?: [out, in], bias?: number[] }`, `{ type: 'relu' }`, `{ type:
 * 'leaky-relu', alpha }`, `{ type: 'sigmoid' }`, `{ type: 'tanh' }`, `{ type: 'affine', scale:
 * number[], shift: number[] }`, `{ type: 'add' | 'sub', inputs: [a, b] }` (element-wise a ± b),
 * `{ type: 'conv2d', inShape: [C, H, W], outChannels, kernel: [kh, kw], weight (K·C·kh·kw, ONNX
 * order), bias?, stride?, padding?: [top, left, bottom, right], dilation? }` and `{ type: 'identity' }`.
 * Layers that the output does not depend on are allowed; they are evaluated by nothing (ignored).
 */
import { NonFiniteError, ParameterError, ShapeError, describe } from '../runtime/errors.js';
import { f64View, type Scope } from '../runtime/memory.js';

/** Fields every layer may carry: the earlier layers it consumes (-1 = network input; default the previous layer). */
export interface LayerInputs {
  inputs?: readonly number[];
}

/** The geometry of a 2-D convolution layer (group 1), as in ONNX Conv. */
export interface ConvSpec {
  type: 'conv2d';
  /** [C, H, W] of the input (C·H·W = the input node's size). */
  inShape: readonly [number, number, number];
  /** K, the number of output channels. */
  outChannels: number;
  /** [kh, kw]. */
  kernel: readonly [number, number];
  /** K·C·kh·kw numbers, row-major in ONNX's [K, C, kh, kw] order. */
  weight: ArrayLike<number>;
  /** K numbers (default zeros). */
  bias?: ArrayLike<number>;
  /** [sh, sw] (default [1, 1]). */
  stride?: readonly [number, number];
  /** [top, left, bottom, right] zero padding (default zeros). */
  padding?: readonly [number, number, number, number];
  /** [dh, dw] (default [1, 1]). */
  dilation?: readonly [number, number];
}

/** One layer as written in the JSON model. */
export type LayerSpec = LayerInputs &
  (
    | { type: 'linear'; weight: ArrayLike<number> | ArrayLike<ArrayLike<number>>; shape?: readonly [number, number]; bias?: ArrayLike<number> }
    | { type: 'relu' }
    | { type: 'leaky-relu'; alpha: number }
    | { type: 'sigmoid' }
    | { type: 'tanh' }
    | { type: 'affine'; scale: ArrayLike<number>; shift?: ArrayLike<number> }
    | { type: 'add'; inputs: readonly [number, number] }
    | { type: 'sub'; inputs: readonly [number, number] }
    | ConvSpec
    | { type: 'identity' }
  );

/** The JSON model: the input size (or its shape, flattened row-major) and the layers in topological order. */
export interface NetworkSpec {
  input: number | readonly number[];
  layers: readonly LayerSpec[];
}

/** Validated convolution geometry (output size K·outH·outW). */
export interface ConvGeometry {
  C: number; H: number; W: number; K: number; kh: number; kw: number;
  sh: number; sw: number; pt: number; pl: number; pb: number; pr: number; dh: number; dw: number;
  outH: number; outW: number;
  /** The fields above packed for the WASM kernels (C, H, W, K, kh, kw, sh, sw, pt, pl, dh, dw, outH, outW). */
  packed: Float64Array;
}

/** A validated layer: its op, sizes and parameters (row-major W out×in, b; scale/shift; alpha; conv geometry). */
export interface NetworkLayer {
  readonly type: string;
  readonly index: number;
  /** Size of the (first) input. */
  readonly inSize: number;
  readonly outSize: number;
  /** The nodes it consumes: earlier layer indices, -1 = the network input. */
  readonly inputs: readonly number[];
  readonly weight?: Float64Array;
  readonly bias?: Float64Array;
  readonly scale?: Float64Array;
  readonly shift?: Float64Array;
  readonly alpha?: number;
  readonly conv?: ConvGeometry;
}

/** A validated feed-forward network (immutable; build with `parseNetwork`). */
export interface BoundsNetwork {
  /** Input size (the product of `inputShape`). */
  readonly input: number;
  /** The input shape as given (`[input]` for a plain size). */
  readonly inputShape: readonly number[];
  readonly output: number;
  /** Layers in topological order (every `inputs` entry is smaller than the layer's index). */
  readonly layers: readonly NetworkLayer[];
  /** live[i]: the output depends on layer i (the last layer and its ancestors). */
  readonly live: readonly boolean[];
}

/** Bounds on one vector living in WASM memory for one call: byte offsets of lower/upper, length n. */
export interface PlacedBox {
  l: number;
  u: number;
  n: number;
}

/**
 * A linear bound Λ·z + c being propagated backward (Λ k×n in WASM memory, c length k). In a DAG pass
 * every node's bound shares one `c` (the constants accumulate once); the Λ of a node is the sum of
 * its consumers' contributions.
 */
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
  /** Number of inputs (1, or 2 for add/sub). */
  readonly arity: 1 | 2;
  /** True when the backward rule needs bounds on the layer's input (a relaxation). */
  readonly nonlinear: boolean;
  /** Validates the JSON layer (index i, sizes of its input nodes); throws typed errors naming `layers[i]`. */
  parse(spec: Record<string, unknown>, index: number, sizes: readonly number[]): Omit<NetworkLayer, 'inputs'>;
  /** Exact evaluation y = f(x…) into `out` (WASM pointers of the inputs, length inSize; out length outSize). */
  forward(s: Scope, layer: NetworkLayer, xs: readonly number[], out: number): void;
  /** IBP: a box on the output from boxes on the inputs. */
  interval(s: Scope, layer: NetworkLayer, boxes: readonly PlacedBox[]): PlacedBox;
  /**
   * CROWN: the linear bounds on the input side (one per input, each Λ freshly owned, sharing `c`)
   * from the one on the output side; `boxes` bound the inputs. May reuse (overwrite) `bound.lam`.
   */
  backward(s: Scope, layer: NetworkLayer, bound: LinearBound, boxes: readonly PlacedBox[], upper: boolean): LinearBound[];
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
  for (const L of net.layers) for (const a of [L.weight, L.bias, L.scale, L.shift, L.conv?.packed]) if (a) put(outer, a);
  placed.set(inner, placed.get(outer) ?? new Map());
}

const linear: BoundOp = {
  type: 'linear',
  arity: 1,
  nonlinear: false,
  parse(spec, index, [n = 0]) {
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
  forward(s, L, [x], out) {
    s.x.boundIntervalMatVec(put(s, L.weight!), L.outSize, L.inSize, put(s, L.bias!), x!, x!, out, out);
  },
  interval(s, L, [box]) {
    const l = s.f64(L.outSize);
    const u = s.f64(L.outSize);
    s.x.boundIntervalMatVec(put(s, L.weight!), L.outSize, L.inSize, put(s, L.bias!), box!.l, box!.u, l, u);
    return { l, u, n: L.outSize };
  },
  backward(s, L, B) {
    const lam = s.f64(B.k * L.inSize);
    s.x.boundBackLinear(B.lam, B.k, L.outSize, put(s, L.weight!), L.inSize, put(s, L.bias!), lam, B.c);
    return [{ lam, c: B.c, k: B.k, n: L.inSize }];
  },
};

/** An element-wise monotone activation with a WASM relaxation (kind code of assembly/bounds/bounds.ts). */
function activation(type: string, kind: number): BoundOp {
  return {
    type,
    arity: 1,
    nonlinear: true,
    parse(spec, index, [n = 0]) {
      let alpha = 0;
      if (kind === 1) {
        alpha = spec.alpha as number;
        if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) {
          throw new ParameterError(`${where(index, type)}: alpha must be in [0, 1] (got ${describe(spec.alpha)})`);
        }
      }
      return { type, index, inSize: n, outSize: n, alpha };
    },
    forward(s, L, [x], out) {
      s.x.boundActForward(kind, x!, L.inSize, L.alpha ?? 0, out);
    },
    interval(s, L, [b]) {
      const box = b!;
      const l = s.f64(box.n);
      const u = s.f64(box.n);
      s.x.boundActForward(kind, box.l, box.n, L.alpha ?? 0, l); // monotone: [f(l), f(u)]
      s.x.boundActForward(kind, box.u, box.n, L.alpha ?? 0, u);
      return { l, u, n: box.n };
    },
    backward(s, L, B, [box], upper) {
      const n = box!.n;
      const aL = s.f64(n), bL = s.f64(n), aU = s.f64(n), bU = s.f64(n);
      s.x.boundActRelax(kind, box!.l, box!.u, n, L.alpha ?? 0, aL, bL, aU, bU);
      s.x.boundBackActivation(B.lam, B.k, n, aL, bL, aU, bU, upper ? 1 : 0, B.lam, B.c);
      return [B];
    },
  };
}

const affine: BoundOp = {
  type: 'affine',
  arity: 1,
  nonlinear: false,
  parse(spec, index, [n = 0]) {
    const scale = vectorField(spec, 'scale', index, 'affine', n);
    const shift = spec.shift === undefined ? new Float64Array(n) : vectorField(spec, 'shift', index, 'affine', n);
    return { type: 'affine', index, inSize: n, outSize: n, scale, shift };
  },
  forward(s, L, [x], out) {
    const xv = f64View(s.x, x!, L.inSize);
    const ov = f64View(s.x, out, L.inSize);
    for (let i = 0; i < L.inSize; i++) ov[i] = L.scale![i]! * xv[i]! + L.shift![i]!;
  },
  interval(s, L, [b]) {
    const box = b!;
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
  backward(s, L, B, [box], upper) {
    // An exact "relaxation": both lines are a·x + t.
    const a = put(s, L.scale!), t = put(s, L.shift!);
    s.x.boundBackActivation(B.lam, B.k, box!.n, a, t, a, t, upper ? 1 : 0, B.lam, B.c);
    return [B];
  },
};

/** Element-wise a + b (sign +1) or a − b (sign −1) of two nodes of equal size. */
function combine(type: 'add' | 'sub', sign: 1 | -1): BoundOp {
  return {
    type,
    arity: 2,
    nonlinear: false,
    parse(_spec, index, [n = 0, m = 0]) {
      if (n !== m) throw new ShapeError(`${where(index, type)}: inputs must have equal sizes (got ${n} and ${m})`);
      return { type, index, inSize: n, outSize: n };
    },
    forward(s, L, [a, b], out) {
      const n = L.outSize;
      f64View(s.x, out, n).set(f64View(s.x, a!, n));
      s.x.boundAxpy(n, sign, b!, out);
    },
    interval(s, L, [A, B]) {
      const n = L.outSize;
      const l = s.f64(n);
      const u = s.f64(n);
      f64View(s.x, l, n).set(f64View(s.x, A!.l, n));
      f64View(s.x, u, n).set(f64View(s.x, A!.u, n));
      // a + b ∈ [la + lb, ua + ub]; a − b ∈ [la − ub, ua − lb].
      s.x.boundAxpy(n, sign, sign > 0 ? B!.l : B!.u, l);
      s.x.boundAxpy(n, sign, sign > 0 ? B!.u : B!.l, u);
      return { l, u, n };
    },
    backward(s, _L, B) {
      // Λ·(a ± b) = Λ·a ± Λ·b: the first input keeps Λ, the second gets its own copy of ±Λ.
      const size = B.k * B.n;
      const lam = s.f64(size);
      f64View(s.x, lam, size).fill(0);
      s.x.boundAxpy(size, sign, B.lam, lam);
      return [B, { lam, c: B.c, k: B.k, n: B.n }];
    },
  };
}

const identityOp: BoundOp = {
  type: 'identity',
  arity: 1,
  nonlinear: false,
  parse(_spec, index, [n = 0]) {
    return { type: 'identity', index, inSize: n, outSize: n };
  },
  forward(s, L, [x], out) {
    f64View(s.x, out, L.outSize).set(f64View(s.x, x!, L.outSize));
  },
  interval(_s, _L, [box]) {
    return box!;
  },
  backward(_s, _L, B) {
    return [B];
  },
};

/** A tuple of `len` integers ≥ `min` from the spec, or `dflt` when absent. */
function intTuple(spec: Record<string, unknown>, field: string, index: number, len: number, min: number, dflt?: number[]): number[] {
  const v = spec[field];
  if (v === undefined && dflt) return dflt;
  if (!Array.isArray(v) || v.length !== len || !v.every((d) => Number.isSafeInteger(d) && d >= min)) {
    throw new ParameterError(`${where(index, 'conv2d')}: ${field} must be ${len} integers >= ${min} (got ${describe(v)})`);
  }
  return v as number[];
}

const conv2d: BoundOp = {
  type: 'conv2d',
  arity: 1,
  nonlinear: false,
  parse(spec, index, [n = 0]) {
    const [C, H, W] = intTuple(spec, 'inShape', index, 3, 1) as [number, number, number];
    if (C * H * W !== n) throw new ShapeError(`${where(index, 'conv2d')}: inShape must have C·H·W = ${n}, the size of its input (got ${C}·${H}·${W} = ${C * H * W})`);
    const K = spec.outChannels;
    if (!Number.isSafeInteger(K) || (K as number) < 1) throw new ParameterError(`${where(index, 'conv2d')}: outChannels must be a positive integer (got ${describe(K)})`);
    const [kh, kw] = intTuple(spec, 'kernel', index, 2, 1) as [number, number];
    const [sh, sw] = intTuple(spec, 'stride', index, 2, 1, [1, 1]) as [number, number];
    const [pt, pl, pb, pr] = intTuple(spec, 'padding', index, 4, 0, [0, 0, 0, 0]) as [number, number, number, number];
    const [dh, dw] = intTuple(spec, 'dilation', index, 2, 1, [1, 1]) as [number, number];
    const k = K as number;
    const weight = vectorField(spec, 'weight', index, 'conv2d', k * C * kh * kw);
    const bias = spec.bias === undefined ? new Float64Array(k) : vectorField(spec, 'bias', index, 'conv2d', k);
    const spanH = H + pt + pb - dh * (kh - 1) - 1;
    const spanW = W + pl + pr - dw * (kw - 1) - 1;
    if (spanH < 0 || spanW < 0) {
      throw new ShapeError(`${where(index, 'conv2d')}: the dilated kernel (${dh * (kh - 1) + 1}×${dw * (kw - 1) + 1}) must fit the padded input (${H + pt + pb}×${W + pl + pr})`);
    }
    const outH = Math.floor(spanH / sh) + 1;
    const outW = Math.floor(spanW / sw) + 1;
    const packed = Float64Array.from([C, H, W, k, kh, kw, sh, sw, pt, pl, dh, dw, outH, outW]);
    const conv: ConvGeometry = { C, H, W, K: k, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, outH, outW, packed };
    return { type: 'conv2d', index, inSize: n, outSize: k * outH * outW, weight, bias, conv };
  },
  forward(s, L, [x], out) {
    s.x.boundConvForward(put(s, L.conv!.packed), put(s, L.weight!), put(s, L.bias!), x!, out);
  },
  interval(s, L, [box]) {
    const l = s.f64(L.outSize);
    const u = s.f64(L.outSize);
    s.x.boundConvInterval(put(s, L.conv!.packed), put(s, L.weight!), put(s, L.bias!), box!.l, box!.u, l, u);
    return { l, u, n: L.outSize };
  },
  backward(s, L, B) {
    const lam = s.f64(B.k * L.inSize);
    s.x.boundConvBackward(put(s, L.conv!.packed), B.lam, B.k, put(s, L.weight!), put(s, L.bias!), lam, B.c);
    return [{ lam, c: B.c, k: B.k, n: L.inSize }];
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
  add: combine('add', 1),
  sub: combine('sub', -1),
  conv2d,
  identity: identityOp,
};

/** The registry entry of a validated layer. */
export function opOf(layer: NetworkLayer): BoundOp {
  return BOUND_OPS[layer.type]!;
}

/** The size of node `i` (-1 = the network input). */
export function nodeSize(net: BoundsNetwork, i: number): number {
  return i < 0 ? net.input : net.layers[i]!.outSize;
}

/** The `inputs` of layer i: validated indices of earlier layers (-1 = network input), default [i − 1]. */
function parseInputs(ls: Record<string, unknown>, i: number, type: string, arity: number): number[] {
  const v = ls.inputs;
  if (v === undefined) {
    if (arity === 1) return [i - 1];
    throw new ParameterError(`${FN}: layers[${i}] (${type}): inputs must list ${arity} earlier layers (got undefined)`);
  }
  if (!Array.isArray(v) || v.length !== arity) {
    throw new ParameterError(`${FN}: layers[${i}] (${type}): inputs must list ${arity} earlier layer${arity > 1 ? 's' : ''} (got ${describe(v)})`);
  }
  v.forEach((j: unknown, q: number) => {
    if (!Number.isSafeInteger(j) || (j as number) < -1 || (j as number) >= i) {
      throw new ParameterError(`${FN}: layers[${i}].inputs[${q}] must be an earlier layer index in -1 … ${i - 1} (-1 = the network input) (got ${describe(j)})`);
    }
  });
  return v as number[];
}

/**
 * Validates a JSON model (an object or its JSON text) and returns the network. Layers are a DAG in
 * topological order: `inputs` (default the previous layer) may only name earlier layers or -1, the
 * network input. Errors name the layer: `parseNetwork: layers[2] (linear): weight must have 3
 * columns, the size of its input (got 4)` (ShapeError), unknown `type` or a bad `inputs` entry
 * (forward reference, out of range; ParameterError), unequal sizes at add/sub and conv shapes that do
 * not fit (ShapeError), NaN/±Inf parameters (NonFiniteError, argument `layers[i].weight`).
 * Layers the output (the last layer) does not depend on are validated but then ignored by
 * evaluation and bounds (`live[i]` is false for them).
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
  let inputShape: number[];
  if (Array.isArray(o.input)) {
    if (o.input.length === 0 || !o.input.every((d) => Number.isSafeInteger(d) && d >= 1)) {
      throw new ParameterError(`${FN}: input must be a positive integer or a shape of positive integers (got ${describe(o.input)})`);
    }
    inputShape = [...(o.input as number[])];
  } else {
    if (!Number.isSafeInteger(o.input) || (o.input as number) < 1) throw new ParameterError(`${FN}: input must be a positive integer (got ${describe(o.input)})`);
    inputShape = [o.input as number];
  }
  const input = inputShape.reduce((a, b) => a * b, 1);
  if (!Array.isArray(o.layers)) throw new ParameterError(`${FN}: layers must be an array (got ${describe(o.layers)})`);
  const layers: NetworkLayer[] = [];
  const size = (j: number): number => (j < 0 ? input : layers[j]!.outSize);
  o.layers.forEach((ls: unknown, i: number) => {
    if (typeof ls !== 'object' || ls === null) throw new ParameterError(`${FN}: layers[${i}] must be an object with a type (got ${describe(ls)})`);
    const type = (ls as Record<string, unknown>).type;
    const op = typeof type === 'string' && Object.hasOwn(BOUND_OPS, type) ? BOUND_OPS[type]! : undefined;
    if (!op) {
      throw new ParameterError(`${FN}: layers[${i}].type must be one of ${Object.keys(BOUND_OPS).join(', ')} (got ${describe(type)})`);
    }
    const inputs = parseInputs(ls as Record<string, unknown>, i, op.type, op.arity);
    const layer = op.parse(ls as Record<string, unknown>, i, inputs.map(size));
    layers.push({ ...layer, inputs });
  });
  const live = layers.map(() => false);
  if (layers.length > 0) live[layers.length - 1] = true;
  for (let i = layers.length - 1; i >= 0; i--) if (live[i]) for (const j of layers[i]!.inputs) if (j >= 0) live[j] = true;
  return { input, inputShape, output: layers.length ? layers[layers.length - 1]!.outSize : input, layers, live };
}
