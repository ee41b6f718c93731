/**
 * A small graph IR for feed-forward networks (a DAG of layers) and its JSON format, with an
 * operator registry: each op type is one entry of `BOUND_OPS` with fixed hooks (parse, forward,
 * interval, backward), written in its own file under ops/, so adding an op is one file and one line here.
 *
 * JSON: `{ input: n | [C, H, W], layers: [...] }`; every layer may carry `inputs: number[]`, the
 * indices of EARLIER layers it consumes (-1 = the network input; default `[i − 1]`, so a chain needs
 * no `inputs`). The network output is the last layer's. Layer types: `{ type: 'linear', weight:
 * number[][] | number[], shape?: [out, in], bias?: number[] }`, `{ type: 'relu' }`, `{ type:
 * 'leaky-relu', alpha }`, `{ type: 'sigmoid' }`, `{ type: 'tanh' }`, `{ type: 'softplus' }`, `{ type: 'elu',
 * alpha? }`, `{ type: 'softsign' }`, `{ type: 'erf' }`, `{ type: 'gelu' }`, `{ type: 'affine', scale:
 * number[], shift: number[] }`, `{ type: 'add' | 'sub' | 'mul', inputs: [a, b] }` (element-wise a ± b, a·b),
 * `{ type: 'conv2d', inShape: [C, H, W], outChannels, kernel: [kh, kw], weight (K·C·kh·kw, ONNX
 * order), bias?, stride?, padding?: [top, left, bottom, right], dilation? }` and `{ type: 'identity' }`.
 * Layers that the output does not depend on are allowed; they are evaluated by nothing (ignored).
 */
import { ParameterError, ShapeError, describe } from '../runtime/errors.js';
import type { Scope } from '../runtime/memory.js';
import { activation } from './ops/activation.js';
import { affine } from './ops/affine.js';
import { combine } from './ops/combine.js';
import { FN } from './ops/common.js';
import { conv2d } from './ops/conv2d.js';
import { identityOp } from './ops/identity.js';
import { linear } from './ops/linear.js';
import { mul } from './ops/mul.js';
import { smooth } from './ops/smooth.js';

export { shareWeights } from './ops/common.js';

/** Fields every layer may carry: the earlier layers it consumes (-1 = network input; default the previous layer). */
export interface LayerInputs {
  /** Indices of the earlier layers this layer reads (−1 = the network input); default: the previous layer. */
  inputs?: readonly number[];
}

/** The geometry of a 2-D convolution layer (group 1), as in ONNX Conv. */
export interface ConvSpec {
  /** A 2-D convolution (one group), ONNX semantics. */
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
    | {
        /** y = W·x + b. */
        type: 'linear';
        /** W, out × in: rows as number[][], or flat row-major together with `shape`. */
        weight: ArrayLike<number> | ArrayLike<ArrayLike<number>>;
        /** [out, in] of a flat `weight` (required with a flat weight; unused with rows). */
        shape?: readonly [number, number];
        /** b, one entry per output (default zeros). */
        bias?: ArrayLike<number>;
      }
    | {
        /** y = max(x, 0), entry-wise. */
        type: 'relu';
      }
    | {
        /** y = max(x, αx), entry-wise. */
        type: 'leaky-relu';
        /** The negative slope α, finite (usually in [0, 1)). */
        alpha: number;
      }
    | {
        /** y = 1/(1 + e^{−x}), entry-wise. */
        type: 'sigmoid';
      }
    | {
        /** y = tanh(x), entry-wise. */
        type: 'tanh';
      }
    | {
        /** y = log(1 + eˣ), entry-wise. */
        type: 'softplus';
      }
    | {
        /** y = x for x ≥ 0, α(eˣ − 1) below, entry-wise. */
        type: 'elu';
        /** α ≥ 0 (default 1). */
        alpha?: number;
      }
    | {
        /** y = x/(1 + |x|), entry-wise. */
        type: 'softsign';
      }
    | {
        /** y = erf(x), entry-wise. */
        type: 'erf';
      }
    | {
        /** y = x·Φ(x) = x·(1 + erf(x/√2))/2, entry-wise (GELU). */
        type: 'gelu';
      }
    | {
        /** y = scale ⊙ x + shift (a folded normalisation). */
        type: 'affine';
        /** Per-entry factors, one per input entry. */
        scale: ArrayLike<number>;
        /** Per-entry offsets (default zeros). */
        shift?: ArrayLike<number>;
      }
    | {
        /** y = x₁ + x₂ (a residual connection). */
        type: 'add';
        /** The two layers added (indices of earlier layers; −1 = the network input). */
        inputs: readonly [number, number];
      }
    | {
        /** y = x₁ − x₂. */
        type: 'sub';
        /** The two layers subtracted, x₁ first (indices of earlier layers; −1 = the network input). */
        inputs: readonly [number, number];
      }
    | {
        /** y = x₁ ⊙ x₂, entry-wise (bounded by McCormick planes). */
        type: 'mul';
        /** The two layers multiplied (indices of earlier layers; −1 = the network input). */
        inputs: readonly [number, number];
      }
    | ConvSpec
    | {
        /** y = x. */
        type: 'identity';
      }
  );

/** The JSON model: the input size (or its shape, flattened row-major) and the layers in topological order. */
export interface NetworkSpec {
  /** Input size, or its shape (e.g. [C, H, W]; flattened row-major). */
  input: number | readonly number[];
  /** The layers in topological order. */
  layers: readonly LayerSpec[];
}

/** Validated convolution geometry (output size K·outH·outW). */
export interface ConvGeometry {
  /** Input channels. */
  C: number;
  /** Input height. */
  H: number;
  /** Input width. */
  W: number;
  /** Output channels. */
  K: number;
  /** Kernel height. */
  kh: number;
  /** Kernel width. */
  kw: number;
  /** Vertical stride. */
  sh: number;
  /** Horizontal stride. */
  sw: number;
  /** Zero padding at the top. */
  pt: number;
  /** Zero padding at the left. */
  pl: number;
  /** Zero padding at the bottom. */
  pb: number;
  /** Zero padding at the right. */
  pr: number;
  /** Vertical dilation. */
  dh: number;
  /** Horizontal dilation. */
  dw: number;
  /** Output height. */
  outH: number;
  /** Output width. */
  outW: number;
  /** The fields above packed for the WASM kernels (C, H, W, K, kh, kw, sh, sw, pt, pl, dh, dw, outH, outW). */
  packed: Float64Array;
}

/** A validated layer: its op, sizes and parameters (row-major W out×in, b; scale/shift; alpha; conv geometry). */
export interface NetworkLayer {
  /** The layer type, as in the JSON format. */
  readonly type: string;
  /** Position in `layers`. */
  readonly index: number;
  /** Size of the (first) input. */
  readonly inSize: number;
  /** Size of the output. */
  readonly outSize: number;
  /** The nodes it consumes: earlier layer indices, -1 = the network input. */
  readonly inputs: readonly number[];
  /** Linear: W (outSize × inSize, row-major); conv2d: the kernel in ONNX order. */
  readonly weight?: Float64Array;
  /** Linear and conv2d: b (per output, or per output channel). */
  readonly bias?: Float64Array;
  /** Affine: the per-entry factors. */
  readonly scale?: Float64Array;
  /** Affine: the per-entry offsets. */
  readonly shift?: Float64Array;
  /** Leaky ReLU: the negative slope. */
  readonly alpha?: number;
  /** Conv2d: the geometry. */
  readonly conv?: ConvGeometry;
}

/** A validated feed-forward network (immutable; build with `parseNetwork`). */
export interface BoundsNetwork {
  /** Input size (the product of `inputShape`). */
  readonly input: number;
  /** The input shape as given (`[input]` for a plain size). */
  readonly inputShape: readonly number[];
  /** Output size. */
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
  softplus: smooth('softplus'),
  elu: smooth('elu'),
  softsign: smooth('softsign'),
  erf: smooth('erf'),
  gelu: smooth('gelu'),
  mul,
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
  const net: BoundsNetwork = { input, inputShape, output: layers.length ? layers[layers.length - 1]!.outSize : input, layers, live };
  PARSED.add(net);
  return net;
}

/** The networks parseNetwork returned (loadOnnx goes through it too): the only ones taken as they are. */
const PARSED = new WeakSet<object>();

/**
 * The network a function works on: one that parseNetwork (or loadOnnx, …) returned is used as it is;
 * anything else — a JSON spec, its text, or a copy of a network with edited fields — is validated by
 * parseNetwork (errors under its name). Trusting any object shaped like a network let a malformed one
 * reach the bound computations (a TypeError, or an answer for a network that is not valid).
 */
export function toNetwork(fn: string, model: unknown): BoundsNetwork {
  if (typeof model === 'object' && model !== null && PARSED.has(model)) return model as BoundsNetwork;
  if (typeof model !== 'object' && typeof model !== 'string') throw new ParameterError(`${fn}: model must be a network or its JSON spec (got ${describe(model)})`);
  return parseNetwork(model as NetworkSpec | string);
}
