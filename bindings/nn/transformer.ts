/**
 * A decoder-only transformer language model on the nn ops: token + learned position embeddings,
 * pre-norm blocks (x + attn(norm(x)), then x + ffn(norm(x))) with causal multi-head self-attention,
 * a final norm and an untied output projection. The feed-forward block is an option: the ungated
 * ReLU / GELU forms (max(0, xW₁)W₂) and the gated forms of Shazeer (2020) through {@link glu}.
 *
 * Everything is composed of differentiable nn ops (matmul on the SIMD kernel, softmax, rmsNorm /
 * layerNorm, gather, slice, concat), so `grad` differentiates the model and every gradient is as
 * exact as the ops'. The causal mask is a constant matrix with −1e9 above the diagonal added to the
 * attention scores before the softmax: exp(−1e9 − max) is exactly 0 in f64 and f32, so position t
 * receives nothing from positions after t.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { positiveInteger, optionKeys, readOptions } from '../runtime/validate.js';
import { Tensor, tensor, type DType } from './tensor.js';
import { add, concat, gather, gelu, layerNorm, matmul, relu, rmsNorm, scale, slice, softmax, softmaxCrossEntropy } from './ops.js';
import { glu, initLinear, rngOf, type GluVariant, type InitOptions, type LoraParams } from './layers.js';
import type { BlockLora, TransformerLora } from './lora-lm.js';

/** Feed-forward variants: ungated 'relu' / 'gelu', and the gated variants of {@link glu}. */
export type FfnVariant = 'relu' | 'gelu' | GluVariant;

const FFN_VARIANTS: readonly FfnVariant[] = ['relu', 'gelu', 'glu', 'bilinear', 'reglu', 'geglu', 'swiglu'];
const GATED = new Set<string>(['glu', 'bilinear', 'reglu', 'geglu', 'swiglu']);

/** The shape of a {@link initTransformer} model. */
export interface TransformerConfig {
  /** Number of token ids (e.g. a tokenizer's `size`). */
  vocabSize: number;
  /** Longest sequence the position table covers (default 64). */
  contextLength: number;
  /** Width of the residual stream d (default 64). */
  dModel: number;
  /** Attention heads; must divide dModel (default 4). */
  heads: number;
  /** Number of blocks (default 2). */
  layers: number;
  /**
   * Hidden width of an ungated feed-forward block (default 4·dModel). The gated variants use
   * round(2/3 · dFF) so that their three matrices hold as many weights as the ungated two.
   */
  dFF: number;
  /** Feed-forward variant (default 'gelu'). */
  ffn: FfnVariant;
  /** 'rms' (default; RMSNorm with a gain) or 'layer' (LayerNorm with gain and bias). */
  norm: 'rms' | 'layer';
}

/** Options of {@link initTransformer}: the config (all but vocabSize optional) and the seed / dtype. */
export type TransformerOptions = Partial<Omit<TransformerConfig, 'vocabSize'>> & InitOptions;

/** A norm's gain (and, for LayerNorm, bias), shape [dModel]. */
export interface NormParams {
  /** Gain, shape [dModel]. */
  gamma: Tensor;
  /** Bias, shape [dModel] (LayerNorm only). */
  beta?: Tensor;
}

/** Attention projections, each [dModel, dModel], no biases. */
export interface AttentionParams {
  /** Query projection [dModel, dModel] (the heads are its column blocks). */
  Wq: Tensor;
  /** Key projection [dModel, dModel]. */
  Wk: Tensor;
  /** Value projection [dModel, dModel]. */
  Wv: Tensor;
  /** Output projection [dModel, dModel], applied to the concatenated heads. */
  Wo: Tensor;
}

/** Feed-forward weights: ungated { W1 [d, dFF], W2 [dFF, d] }, gated { W, V [d, d'], W2 [d', d] }. */
export interface FfnParams {
  /** Ungated variants ('relu', 'gelu'): the first layer [dModel, width]. */
  W1?: Tensor;
  /** Gated variants: the gate projection [dModel, width]. */
  W?: Tensor;
  /** Gated variants: the value projection [dModel, width]. */
  V?: Tensor;
  /** The output layer [width, dModel]. */
  W2: Tensor;
}

/** One pre-norm block. */
export interface BlockParams {
  /** Normalisation before the attention. */
  norm1: NormParams;
  /** The causal self-attention. */
  attn: AttentionParams;
  /** Normalisation before the feed-forward block. */
  norm2: NormParams;
  /** The feed-forward block. */
  ffn: FfnParams;
}

/** The parameters of a transformer LM (a tree `train`/`trainLm` can train; `config` is carried along). */
export interface TransformerParams {
  /** The shape settings the parameters were made with (defaults filled in). */
  config: TransformerConfig;
  /** Token embedding table [vocabSize, dModel]. */
  tokenEmbedding: Tensor;
  /** Position embedding table [contextLength, dModel]. */
  positionEmbedding: Tensor;
  /** The blocks, input side first. */
  blocks: BlockParams[];
  /** Normalisation before the output projection. */
  finalNorm: NormParams;
  /** Output projection [dModel, vocabSize]. */
  output: Tensor;
  /**
   * Low-rank adapters (set by {@link addLora}) on the blocks' matrices, the token embedding and the
   * output projection: each adapted matrix W acts as
   * W + (alpha/rank)·A·B in the forward pass. Absent: the plain model.
   */
  lora?: TransformerLora;
}

/** The hidden width a variant uses for a nominal dFF: round(2/3 · dFF) for the gated variants. */
export function ffnWidth(variant: FfnVariant, dFF: number): number {
  return GATED.has(variant) ? Math.max(1, Math.round((2 * dFF) / 3)) : dFF;
}

function readVariant(fn: string, name: string, v: unknown): FfnVariant {
  if (!FFN_VARIANTS.includes(v as FfnVariant)) throw parameterError(fn, name, FFN_VARIANTS.map((s) => `'${s}'`).join(', '), v);
  return v as FfnVariant;
}

function gaussianish(R: ReturnType<typeof rngOf>, rows: number, cols: number, std: number, dtype: DType): Tensor {
  // small uniform entries with standard deviation `std` (uniform on ±std·√3): embeddings start near 0
  const u = R.uniform(rows * cols);
  const b = std * Math.sqrt(3);
  for (let i = 0; i < u.length; i++) u[i] = (2 * u[i]! - 1) * b;
  return tensor(u, { shape: [rows, cols], dtype });
}

/**
 * Parameters of a decoder-only transformer LM over `vocabSize` tokens, seeded. Defaults:
 * contextLength 64, dModel 64, heads 4, layers 2, dFF 4·dModel, ffn 'gelu', norm 'rms', seed 0,
 * dtype 'f64'. Embeddings start uniform with standard deviation 0.02; projections Glorot-uniform,
 * with the attention output and the last FFN matrix scaled by 1/√(2·layers) (so the residual stream's
 * variance does not grow with depth); norm gains 1, biases 0.
 */
export function initTransformer(vocabSize: number, options?: TransformerOptions): TransformerParams {
  const fn = 'initTransformer';
  positiveInteger(fn, 'vocabSize', vocabSize);
  const o = readOptions(fn, options, optionKeys<TransformerOptions>({
    contextLength: true, dModel: true, heads: true, layers: true, dFF: true, ffn: true, norm: true, seed: true, dtype: true,
  }));
  const contextLength = positiveInteger(fn, 'options.contextLength', o.contextLength ?? 64);
  const dModel = positiveInteger(fn, 'options.dModel', o.dModel ?? 64);
  const heads = positiveInteger(fn, 'options.heads', o.heads ?? 4);
  if (dModel % heads !== 0) throw new ParameterError(`${fn}: options.heads must divide options.dModel (got heads ${heads}, dModel ${dModel})`);
  const layers = positiveInteger(fn, 'options.layers', o.layers ?? 2);
  const dFF = positiveInteger(fn, 'options.dFF', o.dFF ?? 4 * dModel);
  const ffn = readVariant(fn, 'options.ffn', o.ffn ?? 'gelu');
  const norm = o.norm ?? 'rms';
  if (norm !== 'rms' && norm !== 'layer') throw parameterError(fn, 'options.norm', "'rms' or 'layer'", norm);
  const dtype = o.dtype ?? 'f64';
  if (dtype !== 'f64' && dtype !== 'f32') throw parameterError(fn, 'options.dtype', "'f64' or 'f32'", dtype);
  const R = rngOf(fn, o.seed);
  const config: TransformerConfig = { vocabSize, contextLength, dModel, heads, layers, dFF, ffn, norm };
  const W = (i: number, j: number, gain = 1): Tensor => initLinear(i, j, { seed: R, dtype, init: 'glorot', bias: false, gain }).W;
  const normParams = (): NormParams => {
    const gamma = tensor(new Float64Array(dModel).fill(1), { dtype });
    return norm === 'layer' ? { gamma, beta: tensor(new Float64Array(dModel), { dtype }) } : { gamma };
  };
  const depth = 1 / Math.sqrt(2 * layers);
  const tokenEmbedding = gaussianish(R, vocabSize, dModel, 0.02, dtype);
  const positionEmbedding = gaussianish(R, contextLength, dModel, 0.02, dtype);
  const width = ffnWidth(ffn, dFF);
  const blocks: BlockParams[] = [];
  for (let l = 0; l < layers; l++) {
    const norm1 = normParams();
    const attn = { Wq: W(dModel, dModel), Wk: W(dModel, dModel), Wv: W(dModel, dModel), Wo: W(dModel, dModel, depth) };
    const norm2 = normParams();
    const f: FfnParams = GATED.has(ffn)
      ? { W: W(dModel, width), V: W(dModel, width), W2: W(width, dModel, depth) }
      : { W1: W(dModel, width), W2: W(width, dModel, depth) };
    blocks.push({ norm1, attn, norm2, ffn: f });
  }
  return { config, tokenEmbedding, positionEmbedding, blocks, finalNorm: normParams(), output: W(dModel, vocabSize) };
}

/** Number of values of a transformer's base tensors (LoRA adapters, if any, are not counted: see {@link loraParamCount}). */
export function transformerParamCount(p: TransformerParams): number {
  let n = p.tokenEmbedding.size + p.positionEmbedding.size + p.output.size + normSize(p.finalNorm);
  for (const b of p.blocks) {
    n += normSize(b.norm1) + normSize(b.norm2) + b.attn.Wq.size + b.attn.Wk.size + b.attn.Wv.size + b.attn.Wo.size;
    n += (b.ffn.W1?.size ?? 0) + (b.ffn.W?.size ?? 0) + (b.ffn.V?.size ?? 0) + b.ffn.W2.size;
  }
  return n;
}

function normSize(n: NormParams): number {
  return n.gamma.size + (n.beta?.size ?? 0);
}

function applyNorm(kind: 'rms' | 'layer', n: NormParams, x: Tensor): Tensor {
  return kind === 'rms' ? rmsNorm(x, n.gamma) : layerNorm(x, n.gamma, n.beta);
}

/** The feed-forward block of a variant on rows x [n, d]. */
export function feedForward(variant: FfnVariant, p: FfnParams, x: Tensor): Tensor {
  if (GATED.has(variant)) return glu({ W: p.W!, V: p.V!, W2: p.W2 }, x, variant as GluVariant);
  const h = matmul(x, p.W1!);
  return matmul(variant === 'relu' ? relu(h) : gelu(h), p.W2);
}

/** The additive causal mask [T, T]: 0 on and below the diagonal, −1e9 above. */
export function causalMask(T: number, dtype: DType): Tensor {
  const m = new Float64Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
  return tensor(m, { shape: [T, T], dtype });
}

/**
 * Causal multi-head self-attention on `batch` sequences of length T stacked as rows x [batch·T, d]:
 * per sequence and head, softmax(q kᵀ/√d_h + mask) v, heads concatenated, then ·Wo.
 */
export function causalSelfAttention(p: AttentionParams, x: Tensor, batch: number, heads: number, mask?: Tensor): Tensor {
  const fn = 'causalSelfAttention';
  const d = x.shape[1]!;
  const T = x.shape[0]! / batch;
  if (!Number.isInteger(T) || x.rank !== 2) throw new ShapeError(`${fn}: x must have shape [batch·T, d] with batch ${batch} (got [${x.shape.join(',')}])`);
  if (d % heads !== 0) throw new ParameterError(`${fn}: heads must divide the width ${d} (got ${heads})`);
  const dh = d / heads;
  const M = mask ?? causalMask(T, x.dtype);
  const q = scale(matmul(x, p.Wq), 1 / Math.sqrt(dh));
  const k = matmul(x, p.Wk);
  const v = matmul(x, p.Wv);
  const rows: Tensor[] = [];
  for (let b = 0; b < batch; b++) {
    const qb = batch === 1 ? q : slice(q, 0, b * T, (b + 1) * T);
    const kb = batch === 1 ? k : slice(k, 0, b * T, (b + 1) * T);
    const vb = batch === 1 ? v : slice(v, 0, b * T, (b + 1) * T);
    const outs: Tensor[] = [];
    for (let h = 0; h < heads; h++) {
      const qh = heads === 1 ? qb : slice(qb, 1, h * dh, (h + 1) * dh);
      const kh = heads === 1 ? kb : slice(kb, 1, h * dh, (h + 1) * dh);
      const vh = heads === 1 ? vb : slice(vb, 1, h * dh, (h + 1) * dh);
      const att = softmax(add(matmul(qh, kh, { transposeB: true }), M), -1);
      outs.push(matmul(att, vh));
    }
    rows.push(heads === 1 ? outs[0]! : concat(outs, 1));
  }
  return matmul(batch === 1 ? rows[0]! : concat(rows, 0), p.Wo);
}

/** Token ids of a batch: equal-length sequences (number[][] / Int32Array[]) or one sequence. */
export function readTokenBatch(fn: string, name: string, tokens: unknown, vocabSize: number, contextLength: number): { ids: Int32Array; batch: number; T: number } {
  const seqs: ArrayLike<unknown>[] = Array.isArray(tokens) && tokens.length > 0 && typeof tokens[0] !== 'number'
    ? (tokens as ArrayLike<unknown>[])
    : [tokens as ArrayLike<unknown>];
  const T = seqs[0]?.length;
  if (typeof T !== 'number' || T < 1) throw parameterError(fn, name, 'a non-empty sequence of token ids or an array of equal-length sequences', tokens);
  if (T > contextLength) throw new ShapeError(`${fn}: ${name} sequences must have at most contextLength = ${contextLength} tokens (got ${T})`);
  const ids = new Int32Array(seqs.length * T);
  seqs.forEach((s, b) => {
    if (s === null || typeof s !== 'object' || s.length !== T) throw new ShapeError(`${fn}: ${name}[${b}] must have ${T} tokens like ${name}[0] (got ${describeLen(s)})`);
    for (let t = 0; t < T; t++) {
      const v = s[t];
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= vocabSize) throw parameterError(fn, `${name}[${b}][${t}]`, `a token id in [0, ${vocabSize - 1}]`, v);
      ids[b * T + t] = v as number;
    }
  });
  return { ids, batch: seqs.length, T };
}

function describeLen(s: unknown): string {
  return s !== null && typeof s === 'object' && typeof (s as { length?: unknown }).length === 'number' ? `${(s as { length: number }).length} tokens` : String(s);
}

function checkParams(fn: string, p: unknown): TransformerParams {
  const q = p as TransformerParams;
  if (q === null || typeof q !== 'object' || !q.config || !(q.tokenEmbedding instanceof Tensor) || !Array.isArray(q.blocks)) {
    throw parameterError(fn, 'params', 'transformer parameters from initTransformer', p);
  }
  return q;
}

/** What {@link transformerForward} returns. */
export interface TransformerOutput {
  /** Next-token logits, [batch·T, vocabSize] (row b·T + t predicts the token after position t of sequence b). */
  logits: Tensor;
  /**
   * With `options.hidden`: the residual stream after the embeddings and after every block
   * (layers + 1 tensors of shape [batch·T, dModel]).
   */
  hidden?: Tensor[];
  /** With `options.hidden`: each block's update alone (residual stream after minus before), one per block. */
  updates?: Tensor[];
}

/**
 * The transformer's forward pass on a batch of token sequences (equal lengths T ≤ contextLength; one
 * sequence may be passed as a plain array). h₀ = E[token] + P[position]; per block
 * h ← h + attn(norm₁(h)), h ← h + ffn(norm₂(h)); logits = norm(h)·W_out.
 */
export function transformerForward(params: TransformerParams, tokens: ArrayLike<number> | readonly ArrayLike<number>[], options?: { hidden?: boolean }): TransformerOutput {
  const fn = 'transformerForward';
  const p = checkParams(fn, params);
  const o = readOptions(fn, options, optionKeys<NonNullable<Parameters<typeof transformerForward>[2]>>({ hidden: true }));
  const c = p.config;
  const { ids, batch, T } = readTokenBatch(fn, 'tokens', tokens, c.vocabSize, c.contextLength);
  return forwardIds(p, ids, batch, T, o.hidden === true);
}

/** The forward pass on validated ids. */
export function forwardIds(p: TransformerParams, ids: Int32Array, batch: number, T: number, collect = false): TransformerOutput {
  const c = p.config;
  const positions = new Int32Array(batch * T);
  for (let i = 0; i < positions.length; i++) positions[i] = i % T;
  const lora = p.lora;
  const ls = lora ? lora.alpha / lora.rank : 0;
  let h = add(gather(adapted(p.tokenEmbedding, lora?.tokenEmbedding, ls), ids), gather(p.positionEmbedding, positions));
  const hidden: Tensor[] = collect ? [h] : [];
  const updates: Tensor[] = [];
  const mask = causalMask(T, p.tokenEmbedding.dtype);
  for (let l = 0; l < p.blocks.length; l++) {
    const blk = lora ? adaptedBlock(p.blocks[l]!, lora.blocks[l]!, ls) : p.blocks[l]!;
    const a = causalSelfAttention(blk.attn, applyNorm(c.norm, blk.norm1, h), batch, c.heads, mask);
    const h1 = add(h, a);
    const f = feedForward(c.ffn, blk.ffn, applyNorm(c.norm, blk.norm2, h1));
    const h2 = add(h1, f);
    if (collect) {
      hidden.push(h2);
      updates.push(add(a, f));
    }
    h = h2;
  }
  const logits = matmul(applyNorm(c.norm, p.finalNorm, h), adapted(p.output, lora?.output, ls));
  return collect ? { logits, hidden, updates } : { logits };
}

/** W + s·A·B (a differentiable sum: gradients reach A and B, and W when it is trained). */
function adapted(W: Tensor, a: LoraParams | undefined, s: number): Tensor {
  return a ? add(W, scale(matmul(a.A, a.B), s)) : W;
}

/**
 * A block whose adapted matrices are replaced by W + s·A·B. Forming the d × d' sum costs less than
 * the two extra products x·A·B per matrix at the sizes this model is meant for (batch·T ≥ d).
 */
function adaptedBlock(b: BlockParams, a: BlockLora, s: number): BlockParams {
  const f = b.ffn;
  return {
    norm1: b.norm1,
    norm2: b.norm2,
    attn: { Wq: adapted(b.attn.Wq, a.Wq, s), Wk: adapted(b.attn.Wk, a.Wk, s), Wv: adapted(b.attn.Wv, a.Wv, s), Wo: adapted(b.attn.Wo, a.Wo, s) },
    ffn: {
      ...(f.W1 ? { W1: adapted(f.W1, a.W1, s) } : {}),
      ...(f.W ? { W: adapted(f.W, a.W, s) } : {}),
      ...(f.V ? { V: adapted(f.V, a.V, s) } : {}),
      W2: adapted(f.W2, a.W2, s),
    },
  };
}

/**
 * Mean next-token cross-entropy (nats per token) of sequences of T + 1 tokens: the model reads the
 * first T tokens of each and predicts tokens 1…T.
 */
export function lmLoss(params: TransformerParams, sequences: ArrayLike<number> | readonly ArrayLike<number>[]): Tensor {
  const fn = 'lmLoss';
  const p = checkParams(fn, params);
  const c = p.config;
  const { ids, batch, T } = readTokenBatch(fn, 'sequences', sequences, c.vocabSize, c.contextLength + 1);
  if (T < 2) throw new ShapeError(`${fn}: sequences must have at least 2 tokens (got ${T})`);
  return lossOfIds(p, ids, batch, T - 1);
}

/** Loss on validated ids laid out as batch rows of T + 1 tokens. */
export function lossOfIds(p: TransformerParams, ids: Int32Array, batch: number, T: number): Tensor {
  const inputs = new Int32Array(batch * T);
  const targets = new Int32Array(batch * T);
  for (let b = 0; b < batch; b++) {
    inputs.set(ids.subarray(b * (T + 1), b * (T + 1) + T), b * T);
    targets.set(ids.subarray(b * (T + 1) + 1, (b + 1) * (T + 1)), b * T);
  }
  return softmaxCrossEntropy(forwardIds(p, inputs, batch, T).logits, targets);
}
