/**
 * Layers as plain functions of parameter objects: `initX(…)` makes the parameters (tensors, seeded),
 * `x(params, input)` computes the layer with nn ops, so `grad` differentiates through it. Inputs are
 * row-major batches [n, features].
 *
 * Linear and MLP; an input-convex network (Amos, Xu & Kolter, ICML 2017); an affine coupling layer
 * (Dinh, Sohl-Dickstein & Bengio, ICLR 2017) with its exact inverse; the gated feed-forward variants
 * of Shazeer (2020) — GLU, Bilinear, ReGLU, GEGLU, SwiGLU; and a low-rank adapter (Hu et al., ICLR
 * 2022: W + (α/r)·AB with B = 0 at the start).
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { Rng, checkSeed } from '../rng.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { Tensor, checkTensor, shapeText, tensor, type DType } from './tensor.js';
import {
  add, concat, exp, gelu, leakyRelu, matmul, mul, neg, relu, scale, sigmoid, silu, slice, softplus, sub, sum, tanh,
} from './ops.js';

/** A seed (integer ≥ 0 or bigint) or a generator to draw from (advanced by every init call). */
export type SeedLike = number | bigint | Rng;

/** Activations by name, or any Tensor → Tensor function. */
export type Activation = 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid' | 'softplus' | 'gelu' | 'silu' | 'identity' | ((x: Tensor) => Tensor);

/** Options shared by the `init*` functions of the layers. */
export interface InitOptions {
  /** Seed or generator of the initial weights (default 0). */
  seed?: SeedLike;
  /** Element type (default 'f64'). */
  dtype?: DType;
}

/** Options of {@link initLinear} and {@link initMlp}. */
export interface LinearInitOptions extends InitOptions {
  /** 'he' (default): U(±√(6/in)); 'glorot': U(±√(6/(in + out))); 'zeros'. */
  init?: 'he' | 'glorot' | 'zeros';
  /** Multiplies the initial weights (default 1). */
  gain?: number;
  /** Include a bias (default true; initialised to 0). */
  bias?: boolean;
}

/** The keys of {@link InitOptions} and {@link LinearInitOptions}, for the unknown-key check. */
const INIT_KEYS = optionKeys<InitOptions>({ seed: true, dtype: true });
const LINEAR_INIT_KEYS = optionKeys<LinearInitOptions>({ seed: true, dtype: true, init: true, gain: true, bias: true });

/** y = xW + b: W is [in, out], b is [out]. */
export interface LinearParams {
  /** Weights, shape [in, out]. */
  W: Tensor;
  /** Bias, shape [out] (absent when initialised with `bias: false`). */
  b?: Tensor;
}

/** A generator from a seed or the caller's generator. */
export function rngOf(fn: string, seed: SeedLike | undefined, name = 'options.seed'): Rng {
  if (seed instanceof Rng) return seed;
  return new Rng(checkSeed(fn, seed ?? 0, name));
}

function dtypeOf(fn: string, dtype: unknown): DType {
  if (dtype === undefined) return 'f64';
  if (dtype !== 'f64' && dtype !== 'f32') throw parameterError(fn, 'options.dtype', "'f64' or 'f32'", dtype);
  return dtype;
}

/** Weights of shape [rows, cols] uniform on ±bound (drawn as rows·cols uniforms from R). */
function uniformWeights(R: Rng, rows: number, cols: number, bound: number, dtype: DType): Tensor {
  const u = R.uniform(rows * cols);
  for (let i = 0; i < u.length; i++) u[i] = (2 * u[i]! - 1) * bound;
  return tensor(u, { shape: [rows, cols], dtype });
}

/**
 * Parameters of a linear layer y = xW + b with `inputs` inputs and `outputs` outputs, seeded.
 * Defaults: He-uniform weights U(−√(6/in), √(6/in)), zero bias, f64.
 */
export function initLinear(inputs: number, outputs: number, options?: LinearInitOptions): LinearParams {
  const fn = 'initLinear';
  positiveInteger(fn, 'inputs', inputs);
  positiveInteger(fn, 'outputs', outputs);
  const o = readOptions(fn, options, LINEAR_INIT_KEYS);
  const dtype = dtypeOf(fn, o.dtype);
  const gain = o.gain ?? 1;
  if (typeof gain !== 'number' || !Number.isFinite(gain)) throw parameterError(fn, 'options.gain', 'a finite number', gain);
  const kind = o.init ?? 'he';
  if (kind !== 'he' && kind !== 'glorot' && kind !== 'zeros') throw parameterError(fn, 'options.init', "'he', 'glorot' or 'zeros'", kind);
  const R = rngOf(fn, o.seed);
  const bound = gain * (kind === 'he' ? Math.sqrt(6 / inputs) : kind === 'glorot' ? Math.sqrt(6 / (inputs + outputs)) : 0);
  const W = kind === 'zeros' ? tensor(new Float64Array(inputs * outputs), { shape: [inputs, outputs], dtype }) : uniformWeights(R, inputs, outputs, bound, dtype);
  if (o.bias === false) return { W };
  return { W, b: tensor(new Float64Array(outputs), { shape: [outputs], dtype }) };
}

function checkInput(fn: string, x: unknown, features: number): Tensor {
  const t = checkTensor(fn, 'x', x);
  if (t.rank !== 2 || t.shape[1] !== features) throw new ShapeError(`${fn}: x must have shape [n, ${features}] (got ${shapeText(t.shape)})`);
  return t;
}

/** y = xW + b for x of shape [n, in]. */
export function linear(p: LinearParams, x: Tensor): Tensor {
  const fn = 'linear';
  if (p === null || typeof p !== 'object') throw parameterError(fn, 'params', 'an object { W, b? }', p);
  const W = checkTensor(fn, 'params.W', p.W);
  checkInput(fn, x, W.shape[0]!);
  const y = matmul(x, W);
  return p.b === undefined ? y : add(y, p.b);
}

/** The activation function for a name (or the function itself). */
export function activation(fn: string, a: Activation | undefined): (x: Tensor) => Tensor {
  switch (a ?? 'relu') {
    case 'relu': return relu;
    case 'leakyRelu': return (x) => leakyRelu(x);
    case 'tanh': return tanh;
    case 'sigmoid': return sigmoid;
    case 'softplus': return softplus;
    case 'gelu': return gelu;
    case 'silu': return silu;
    case 'identity': return (x) => x;
    default:
      if (typeof a === 'function') return a;
      throw parameterError(fn, 'options.activation', "'relu', 'leakyRelu', 'tanh', 'sigmoid', 'softplus', 'gelu', 'silu', 'identity' or a function", a);
  }
}

/** A multilayer perceptron: one linear layer per consecutive pair of `sizes`. */
export interface MlpParams {
  /** The linear layers, input side first. */
  layers: LinearParams[];
}

/**
 * Parameters of an MLP with layer widths `sizes` ([inputs, hidden…, outputs]); the layers draw their
 * weights one after the other from one generator. Defaults as initLinear (He-uniform, zero biases).
 */
export function initMlp(sizes: readonly number[], options?: LinearInitOptions): MlpParams {
  const fn = 'initMlp';
  if (!Array.isArray(sizes) || sizes.length < 2) throw parameterError(fn, 'sizes', 'an array of at least two positive integers', sizes);
  sizes.forEach((s, i) => positiveInteger(fn, `sizes[${i}]`, s));
  const o = readOptions(fn, options, LINEAR_INIT_KEYS);
  const R = rngOf(fn, o.seed);
  return { layers: sizes.slice(1).map((m, l) => initLinear(sizes[l]!, m, { ...o, seed: R })) };
}

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Activation after every layer but the last (default 'relu'). */
  activation?: Activation;
  /** Applied to the output of the last layer (default 'identity'). */
  finalActivation?: Activation;
}

/**
 * x ↦ L_K(σ(…σ(L_1(x))…)): the activation σ (default 'relu') after every layer but the last.
 * `options.finalActivation` (default 'identity') is applied to the output.
 */
export function mlp(p: MlpParams, x: Tensor, options?: MlpOptions): Tensor {
  const fn = 'mlp';
  if (p === null || typeof p !== 'object' || !Array.isArray(p.layers) || p.layers.length === 0) throw parameterError(fn, 'params', 'an object { layers: LinearParams[] } with at least one layer', p);
  const o = readOptions(fn, options, optionKeys<MlpOptions>({ activation: true, finalActivation: true }));
  const act = activation(fn, o.activation);
  const last = activation(fn, o.finalActivation ?? 'identity');
  let h = x;
  p.layers.forEach((L, l) => {
    h = linear(L, h);
    h = l < p.layers.length - 1 ? act(h) : last(h);
  });
  return h;
}

// ------------------------------------------------------------------ input-convex network

/**
 * An input-convex network f: ℝᵈ → ℝ (Amos, Xu & Kolter 2017, fully input-convex form):
 * z₁ = softplus(xA₀ + b₀), z_{k+1} = softplus(z_k·softplus(Ŵ_k) + xA_k + b_k), f(x) = z_K·softplus(Ŵ_K) + xA_K + b_K.
 * The z-path weights are softplus(Ŵ) ≥ 0 (a reparametrisation, so any Ŵ a gradient step gives keeps
 * f convex): a non-negative combination of convex functions composed with the convex, non-decreasing
 * softplus stays convex in x.
 */
export interface IcnnParams {
  /** Input (skip) layers A_k [d, width_k] with biases, k = 0…K. */
  input: LinearParams[];
  /** Raw z-path weights Ŵ_k [width_{k−1}, width_k], k = 1…K (used as softplus(Ŵ_k)). */
  hidden: Tensor[];
}

/** Options of {@link initIcnn}. */
export interface IcnnInitOptions extends InitOptions {
  /** Number of outputs, each convex in x (default 1). */
  outputs?: number;
}

/**
 * Parameters of an input-convex network with input size `inputs`, hidden widths `hidden`, and
 * `outputs` outputs (default 1; each output is convex). Input layers He-uniform; raw z-path weights
 * uniform on [−4, −2], so that softplus(Ŵ) starts small and positive.
 */
export function initIcnn(inputs: number, hidden: readonly number[], options?: IcnnInitOptions): IcnnParams {
  const fn = 'initIcnn';
  positiveInteger(fn, 'inputs', inputs);
  if (!Array.isArray(hidden) || hidden.length === 0) throw parameterError(fn, 'hidden', 'a non-empty array of positive integers', hidden);
  hidden.forEach((h, i) => positiveInteger(fn, `hidden[${i}]`, h));
  const o = readOptions(fn, options, optionKeys<IcnnInitOptions>({ seed: true, dtype: true, outputs: true }));
  const outputs = positiveInteger(fn, 'options.outputs', o.outputs ?? 1);
  const dtype = dtypeOf(fn, o.dtype);
  const R = rngOf(fn, o.seed);
  const widths = [...hidden, outputs];
  const input = widths.map((w) => initLinear(inputs, w, { seed: R, dtype }));
  const hid = widths.slice(1).map((w, k) => {
    const fin = widths[k]!;
    const u = R.uniform(fin * w);
    // softplus(Ŵ) ≈ e^Ŵ ∈ [e⁻⁴, e⁻²]: the z-path starts as a small positive combination of the previous
    // layer (no JS Math.log here: it may differ between engines in the last bit)
    for (let i = 0; i < u.length; i++) u[i] = -4 + 2 * u[i]!;
    return tensor(u, { shape: [fin, w], dtype });
  });
  return { input, hidden: hid };
}

/** The input-convex network's value, shape [n, outputs]. */
export function icnn(p: IcnnParams, x: Tensor): Tensor {
  const fn = 'icnn';
  if (p === null || typeof p !== 'object' || !Array.isArray(p.input) || !Array.isArray(p.hidden) || p.input.length !== p.hidden.length + 1) {
    throw parameterError(fn, 'params', 'an object { input: LinearParams[K+1], hidden: Tensor[K] }', p);
  }
  let z = softplus(linear(p.input[0]!, x));
  for (let k = 0; k < p.hidden.length; k++) {
    const pre = add(matmul(z, softplus(p.hidden[k]!)), linear(p.input[k + 1]!, x));
    z = k < p.hidden.length - 1 ? softplus(pre) : pre;
  }
  return z;
}

// ------------------------------------------------------------------ affine coupling

/**
 * An affine coupling layer on ℝᵈ (RealNVP): the inputs split into a conditioning part x_a (the first
 * ⌊d/2⌋ coordinates, or the last ⌈d/2⌉ with `flip`) and a transformed part x_b;
 * y_a = x_a, y_b = x_b ⊙ exp(s(x_a)) + t(x_a), with [s̃, t] = MLP(x_a) and s = scaleBound·tanh(s̃/scaleBound).
 * Invertible in closed form: x_b = (y_b − t(y_a)) ⊙ exp(−s(y_a)); log|det J| = Σ s.
 */
export interface CouplingParams {
  /** The conditioner MLP [size(x_a), hidden…, 2·size(x_b)]. */
  net: MlpParams;
  /** Input dimension d. */
  dim: number;
  /** Condition on the last half instead of the first. */
  flip: boolean;
  /** Bound on |s| (the log-scale), default 2. */
  scaleBound: number;
}

/** Options of {@link initCoupling}. */
export interface CouplingInitOptions extends InitOptions {
  /** Hidden widths of the tanh conditioner MLP (default [32]). */
  hidden?: readonly number[];
  /** Condition on the last half of the coordinates instead of the first (default false). */
  flip?: boolean;
  /** Multiplies the conditioner's last-layer weights (default 0.1; 0 starts the layer at the identity map). */
  outputGain?: number;
  /** Bound c on the log-scale, |s| < c (default 2). */
  scaleBound?: number;
}

/**
 * Parameters of an affine coupling layer on ℝ^dim (dim ≥ 2) with a tanh conditioner MLP of widths
 * `hidden` (default [32]); its last layer is scaled by `outputGain` (default 0.1; 0 starts the layer
 * at the identity map).
 */
export function initCoupling(dim: number, options?: CouplingInitOptions): CouplingParams {
  const fn = 'initCoupling';
  positiveInteger(fn, 'dim', dim);
  if (dim < 2) throw parameterError(fn, 'dim', 'an integer >= 2', dim);
  const o = readOptions(fn, options, optionKeys<CouplingInitOptions>({ seed: true, dtype: true, hidden: true, flip: true, outputGain: true, scaleBound: true }));
  const flip = o.flip ?? false;
  if (typeof flip !== 'boolean') throw parameterError(fn, 'options.flip', 'a boolean', flip);
  const hidden = o.hidden ?? [32];
  if (!Array.isArray(hidden)) throw parameterError(fn, 'options.hidden', 'an array of positive integers', hidden);
  hidden.forEach((h, i) => positiveInteger(fn, `options.hidden[${i}]`, h));
  const gain = o.outputGain ?? 0.1;
  if (typeof gain !== 'number' || !Number.isFinite(gain) || gain < 0) throw parameterError(fn, 'options.outputGain', 'a finite number >= 0', gain);
  const scaleBound = o.scaleBound ?? 2;
  if (typeof scaleBound !== 'number' || !(scaleBound > 0) || !Number.isFinite(scaleBound)) throw parameterError(fn, 'options.scaleBound', 'a finite number > 0', scaleBound);
  const dtype = dtypeOf(fn, o.dtype);
  const R = rngOf(fn, o.seed);
  const [na, nb] = split(dim, flip);
  const sizes = [na, ...hidden, 2 * nb];
  const layers = sizes.slice(1).map((m, l) => initLinear(sizes[l]!, m, { seed: R, dtype, init: 'glorot', gain: l === sizes.length - 2 ? gain : 1 }));
  return { net: { layers }, dim, flip, scaleBound };
}

/** Sizes of the conditioning and transformed parts. */
function split(dim: number, flip: boolean): [number, number] {
  const half = Math.floor(dim / 2);
  return flip ? [dim - half, half] : [half, dim - half];
}

function couplingParts(fn: string, p: CouplingParams, x: Tensor): { a: Tensor; b: Tensor; s: Tensor; t: Tensor } {
  if (p === null || typeof p !== 'object' || !p.net) throw parameterError(fn, 'params', 'coupling parameters from initCoupling', p);
  checkInput(fn, x, p.dim);
  const [na, nb] = split(p.dim, p.flip);
  const a = p.flip ? slice(x, 1, nb, p.dim) : slice(x, 1, 0, na);
  const b = p.flip ? slice(x, 1, 0, nb) : slice(x, 1, na, p.dim);
  const h = mlp(p.net, a, { activation: 'tanh' });
  const c = p.scaleBound;
  const s = scale(tanh(scale(slice(h, 1, 0, nb), 1 / c)), c);
  const t = slice(h, 1, nb, 2 * nb);
  return { a, b, s, t };
}

function join(p: CouplingParams, a: Tensor, b: Tensor): Tensor {
  return p.flip ? concat([b, a], 1) : concat([a, b], 1);
}

/** The coupling layer's forward map y = g(x), x of shape [n, dim]. */
export function coupling(p: CouplingParams, x: Tensor): Tensor {
  const { a, b, s, t } = couplingParts('coupling', p, x);
  return join(p, a, add(mul(b, exp(s)), t));
}

/** The exact inverse x = g⁻¹(y): x_b = (y_b − t(y_a)) ⊙ exp(−s(y_a)). */
export function couplingInverse(p: CouplingParams, y: Tensor): Tensor {
  const { a, b, s, t } = couplingParts('couplingInverse', p, y);
  return join(p, a, mul(sub(b, t), exp(neg(s))));
}

/** log|det ∂g/∂x| per row, shape [n]: Σ_j s_j(x_a). */
export function couplingLogDet(p: CouplingParams, x: Tensor): Tensor {
  return sum(couplingParts('couplingLogDet', p, x).s, 1);
}

// ------------------------------------------------------------------ gated feed-forward

/** The gated feed-forward variants of Shazeer (2020), by the gate's activation. */
export type GluVariant = 'glu' | 'bilinear' | 'reglu' | 'geglu' | 'swiglu';

/** FFN(x) = (act(xW) ⊙ xV)·W₂ (no biases, as in the paper). */
export interface GluParams {
  /** Gate projection, shape [d_model, d_ff]. */
  W: Tensor;
  /** Value projection, shape [d_model, d_ff]. */
  V: Tensor;
  /** Output projection, shape [d_ff, d_model]. */
  W2: Tensor;
}

/** Parameters of a gated FFN d_model → d_ff → d_model (Glorot-uniform weights). */
export function initGlu(dModel: number, dFF: number, options?: InitOptions): GluParams {
  const fn = 'initGlu';
  positiveInteger(fn, 'dModel', dModel);
  positiveInteger(fn, 'dFF', dFF);
  const o = readOptions(fn, options, INIT_KEYS);
  const dtype = dtypeOf(fn, o.dtype);
  const R = rngOf(fn, o.seed);
  const g = (i: number, j: number): Tensor => initLinear(i, j, { seed: R, dtype, init: 'glorot', bias: false }).W;
  return { W: g(dModel, dFF), V: g(dModel, dFF), W2: g(dFF, dModel) };
}

/**
 * The gated FFN (act(xW) ⊙ xV)W₂ with act = sigmoid ('glu', Dauphin et al.), identity ('bilinear'),
 * relu ('reglu'), gelu ('geglu', tanh approximation) or silu = Swish₁ ('swiglu').
 */
export function glu(p: GluParams, x: Tensor, variant: GluVariant = 'swiglu'): Tensor {
  const fn = 'glu';
  if (p === null || typeof p !== 'object') throw parameterError(fn, 'params', 'an object { W, V, W2 }', p);
  const gate: Record<GluVariant, (t: Tensor) => Tensor> = { glu: sigmoid, bilinear: (t) => t, reglu: relu, geglu: gelu, swiglu: silu };
  if (!Object.prototype.hasOwnProperty.call(gate, variant)) throw parameterError(fn, 'variant', "'glu', 'bilinear', 'reglu', 'geglu' or 'swiglu'", variant);
  checkInput(fn, x, checkTensor(fn, 'params.W', p.W).shape[0]!);
  return matmul(mul(gate[variant](matmul(x, p.W)), matmul(x, p.V)), p.W2);
}

// ------------------------------------------------------------------ LoRA

/** A low-rank adapter for a linear layer [in, out]: ΔW = (α/r)·A·B, A [in, r], B [r, out]. */
export interface LoraParams {
  /** Down projection, shape [in, r]. */
  A: Tensor;
  /** Up projection, shape [r, out] (zero at initialisation). */
  B: Tensor;
}

/**
 * Adapter parameters of rank r for a layer with `inputs` × `outputs` weights: A random (He-uniform
 * on `inputs`), B = 0, so the adapted layer starts equal to the base layer.
 */
export function initLora(inputs: number, outputs: number, rank: number, options?: InitOptions): LoraParams {
  const fn = 'initLora';
  positiveInteger(fn, 'inputs', inputs);
  positiveInteger(fn, 'outputs', outputs);
  positiveInteger(fn, 'rank', rank);
  const o = readOptions(fn, options, INIT_KEYS);
  const dtype = dtypeOf(fn, o.dtype);
  const R = rngOf(fn, o.seed);
  return { A: uniformWeights(R, inputs, rank, Math.sqrt(6 / inputs), dtype), B: tensor(new Float64Array(rank * outputs), { shape: [rank, outputs], dtype }) };
}

/** Options of {@link loraLinear}. */
export interface LoraOptions {
  /** The scale numerator α: the update is (α/r)·AB (default r, i.e. scale 1). */
  alpha?: number;
}

/**
 * The adapted layer x(W + (α/r)AB) + b: `base` is the frozen layer (pass it as a constant, train only
 * the adapter), α = `options.alpha` (default r, i.e. scale 1).
 */
export function loraLinear(base: LinearParams, adapter: LoraParams, x: Tensor, options?: LoraOptions): Tensor {
  const fn = 'loraLinear';
  if (adapter === null || typeof adapter !== 'object') throw parameterError(fn, 'adapter', 'an object { A, B }', adapter);
  const A = checkTensor(fn, 'adapter.A', adapter.A), B = checkTensor(fn, 'adapter.B', adapter.B);
  const r = A.shape[1]!;
  const W = checkTensor(fn, 'base.W', base?.W);
  if (A.shape[0] !== W.shape[0] || B.shape[0] !== r || B.shape[1] !== W.shape[1]) {
    throw new ShapeError(`${fn}: adapter shapes A ${shapeText(A.shape)}, B ${shapeText(B.shape)} must be [${W.shape[0]}, r] and [r, ${W.shape[1]}] for base.W ${shapeText(W.shape)}`);
  }
  const o = readOptions(fn, options, optionKeys<LoraOptions>({ alpha: true }));
  const alpha = o.alpha ?? r;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ParameterError(`${fn}: options.alpha must be a finite number (got ${String(alpha)})`);
  return add(linear(base, x), scale(matmul(matmul(x, A), B), alpha / r));
}
