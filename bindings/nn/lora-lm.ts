/**
 * Low-rank adaptation (LoRA) of a transformer language model: adapters A [in, r], B [r, out] beside
 * chosen matrices of every block (and the token embedding and output projection), so that each acts
 * as W + (α/r)·A·B. Training only the adapters
 * (`trainLm(…, { trainable: loraOnly })`) leaves the base tensors untouched, bit for bit; `mergeLora`
 * folds the adapters into fresh weights (the base of a next stage, as in ProLLaMA's two stages).
 */
import { ParameterError, parameterError } from '../runtime/errors.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { Tensor } from './tensor.js';
import { add, copy, matmul, scale } from './ops.js';
import { initLora, rngOf, type LoraParams, type SeedLike } from './layers.js';
import type { BlockParams, NormParams, TransformerParams } from './transformer.js';

/** The names of the matrices an adapter can sit beside: those of every block, the token embedding and the output projection. */
export type LoraTarget = 'Wq' | 'Wk' | 'Wv' | 'Wo' | 'W1' | 'W' | 'V' | 'W2' | 'tokenEmbedding' | 'output';

/** The names of the block matrices. */
type BlockTarget = Exclude<LoraTarget, 'tokenEmbedding' | 'output'>;

const BLOCK_TARGETS: readonly BlockTarget[] = ['Wq', 'Wk', 'Wv', 'Wo', 'W1', 'W', 'V', 'W2'];
const TARGETS: readonly LoraTarget[] = [...BLOCK_TARGETS, 'tokenEmbedding', 'output'];

/** The adapters of one block, by the name of the matrix each adapts. */
export type BlockLora = Partial<Record<Exclude<LoraTarget, 'tokenEmbedding' | 'output'>, LoraParams>>;

/** The adapters of a transformer (`params.lora`). */
export interface TransformerLora {
  /** Rank r of every adapter. */
  rank: number;
  /** Scale numerator α: an adapted matrix acts as W + (α/r)·A·B. */
  alpha: number;
  /** One entry per block, input side first. */
  blocks: BlockLora[];
  /** Adapter of the token embedding table [vocabSize, dModel]. */
  tokenEmbedding?: LoraParams;
  /** Adapter of the output projection [dModel, vocabSize]. */
  output?: LoraParams;
}

/** Options of {@link addLora}. */
export interface AddLoraOptions {
  /** Rank r of the adapters (default 4). */
  rank?: number;
  /** Scale numerator α (default: rank, i.e. the update is A·B). */
  alpha?: number;
  /**
   * Which matrices get an adapter (default: all of them: in every block 'Wq', 'Wk', 'Wv', 'Wo' and the
   * feed-forward matrices the model has, 'W1' and 'W2' ungated, 'W', 'V' and 'W2' gated; and the
   * 'tokenEmbedding' table and the 'output' projection). Names the model's feed-forward variant does
   * not have are skipped.
   */
  targets?: readonly LoraTarget[];
  /** Seed (or generator) of the A matrices (default 0). */
  seed?: SeedLike;
}

function checkModel(fn: string, p: unknown): TransformerParams {
  const q = p as TransformerParams;
  if (q === null || typeof q !== 'object' || !q.config || !(q.tokenEmbedding instanceof Tensor) || !Array.isArray(q.blocks)) {
    throw parameterError(fn, 'params', 'transformer parameters from initTransformer', p);
  }
  return q;
}

function matrixOf(b: BlockParams, t: BlockTarget): Tensor | undefined {
  return t === 'Wq' || t === 'Wk' || t === 'Wv' || t === 'Wo' ? b.attn[t] : b.ffn[t];
}

/**
 * The model with LoRA adapters: a new params object that shares every base tensor with `params` and
 * carries `lora` (A He-uniform, B = 0, so the adapted model starts with exactly the base model's
 * outputs). Train the adapters alone with `trainLm(adapted, tokens, { trainable: loraOnly })`; the
 * base tensors are then constants of the gradient and stay bit-identical.
 *
 * Defaults: rank 4, alpha = rank, every matrix (blocks, token embedding, output), seed 0; the dtype
 * is the model's.
 */
export function addLora(params: TransformerParams, options?: AddLoraOptions): TransformerParams {
  const fn = 'addLora';
  const p = checkModel(fn, params);
  if (p.lora) throw new ParameterError(`${fn}: params already carries adapters (fold them in with mergeLora first)`);
  const o = readOptions(fn, options, optionKeys<AddLoraOptions>({ rank: true, alpha: true, targets: true, seed: true }));
  const rank = positiveInteger(fn, 'options.rank', o.rank ?? 4);
  const alpha = o.alpha ?? rank;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw parameterError(fn, 'options.alpha', 'a finite number', alpha);
  const targets = o.targets ?? TARGETS;
  if (!Array.isArray(targets) || targets.length === 0) throw parameterError(fn, 'options.targets', `a non-empty array of ${TARGETS.map((t) => `'${t}'`).join(', ')}`, targets);
  targets.forEach((t, i) => {
    if (!TARGETS.includes(t)) throw parameterError(fn, `options.targets[${i}]`, TARGETS.map((s) => `'${s}'`).join(', '), t);
  });
  const R = rngOf(fn, o.seed);
  const dtype = p.tokenEmbedding.dtype;
  const blocks = p.blocks.map((b) => {
    const a: BlockLora = {};
    for (const t of BLOCK_TARGETS) {
      const W = matrixOf(b, t);
      if (W && targets.includes(t)) a[t] = initLora(W.shape[0]!, W.shape[1]!, rank, { seed: R, dtype });
    }
    return a;
  });
  const lora: TransformerLora = { rank, alpha, blocks };
  const c = p.config;
  if (targets.includes('tokenEmbedding')) lora.tokenEmbedding = initLora(c.vocabSize, c.dModel, rank, { seed: R, dtype });
  if (targets.includes('output')) lora.output = initLora(c.dModel, c.vocabSize, rank, { seed: R, dtype });
  if (blocks.every((a) => Object.keys(a).length === 0) && !lora.tokenEmbedding && !lora.output) {
    throw new ParameterError(`${fn}: options.targets (${targets.join(', ')}) name no matrix of this '${p.config.ffn}' model`);
  }
  return { ...p, lora };
}

/** The trainable-path predicate that selects the adapters only: `trainLm(p, ids, { trainable: loraOnly })`. */
export function loraOnly(path: string): boolean {
  return path.startsWith('lora.');
}

/** Number of adapter values of a model (0 without adapters). */
export function loraParamCount(params: TransformerParams): number {
  const p = checkModel('loraParamCount', params);
  let n = 0;
  const all = [...(p.lora?.blocks ?? []).flatMap((a) => BLOCK_TARGETS.map((t) => a[t])), p.lora?.tokenEmbedding, p.lora?.output];
  for (const a of all) n += (a?.A.size ?? 0) + (a?.B.size ?? 0);
  return n;
}

/**
 * A fresh, independent copy of the model with its adapters folded in: every adapted W becomes
 * W + (α/r)·A·B, every other tensor is copied; the result carries no adapters (a model without
 * adapters is simply copied). The tensors are yours to free (none is shared with `params`).
 */
export function mergeLora(params: TransformerParams): TransformerParams {
  const p = checkModel('mergeLora', params);
  const lora = p.lora;
  const s = lora ? lora.alpha / lora.rank : 0;
  const fold = (W: Tensor, a: LoraParams | undefined): Tensor => {
    if (!a) return copy(W);
    // computed in WASM (matmul kernel and elementwise ops), so the merged bits are the same in every engine
    const AB = matmul(a.A, a.B);
    const sAB = scale(AB, s);
    const out = add(W, sAB);
    AB.free();
    sAB.free();
    return out;
  };
  const norm = (n: NormParams): NormParams => (n.beta ? { gamma: copy(n.gamma), beta: copy(n.beta) } : { gamma: copy(n.gamma) });
  const blocks = p.blocks.map((b, l): BlockParams => {
    const a = lora?.blocks[l] ?? {};
    const f = b.ffn;
    return {
      norm1: norm(b.norm1),
      attn: { Wq: fold(b.attn.Wq, a.Wq), Wk: fold(b.attn.Wk, a.Wk), Wv: fold(b.attn.Wv, a.Wv), Wo: fold(b.attn.Wo, a.Wo) },
      norm2: norm(b.norm2),
      ffn: {
        ...(f.W1 ? { W1: fold(f.W1, a.W1) } : {}),
        ...(f.W ? { W: fold(f.W, a.W) } : {}),
        ...(f.V ? { V: fold(f.V, a.V) } : {}),
        W2: fold(f.W2, a.W2),
      },
    };
  });
  return {
    config: { ...p.config },
    tokenEmbedding: fold(p.tokenEmbedding, lora?.tokenEmbedding),
    positionEmbedding: copy(p.positionEmbedding),
    blocks,
    finalNorm: norm(p.finalNorm),
    output: fold(p.output, lora?.output),
  };
}

/** Frees every tensor of a model (base and adapters); use it for models you made and no longer need. */
export function freeTransformer(params: TransformerParams): void {
  const p = checkModel('freeTransformer', params);
  const all: Tensor[] = [p.tokenEmbedding, p.positionEmbedding, p.output, p.finalNorm.gamma];
  if (p.finalNorm.beta) all.push(p.finalNorm.beta);
  for (const b of p.blocks) {
    for (const n of [b.norm1, b.norm2]) all.push(n.gamma, ...(n.beta ? [n.beta] : []));
    all.push(b.attn.Wq, b.attn.Wk, b.attn.Wv, b.attn.Wo, b.ffn.W2, ...[b.ffn.W1, b.ffn.W, b.ffn.V].filter((t): t is Tensor => t !== undefined));
  }
  for (const a of [...(p.lora?.blocks ?? []).flatMap((b) => BLOCK_TARGETS.map((t) => b[t])), p.lora?.tokenEmbedding, p.lora?.output]) if (a) all.push(a.A, a.B);
  for (const t of new Set(all)) if (!t.freed) t.free();
}
