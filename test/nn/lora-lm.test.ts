/**
 * LoRA on the transformer LM: the adapted model starts equal to the base, training the adapters leaves
 * every base tensor bit-identical, adapter gradients against central differences, merging against a
 * plain-TS W + (α/r)·A·B, the trainable fraction at the experiment's size, and trainLm's `starts`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, nn } from '../../bindings/index.js';
import { numericGrad, relErr } from './helpers.js';

beforeAll(() => init());

/** Every base tensor of a model as bytes, by path (the adapters left out). */
function baseBytes(P: nn.TransformerParams): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (v: unknown, path: string): void => {
    if (v instanceof nn.Tensor) out.set(path, new Uint8Array(Float64Array.from(v.toArray() as ArrayLike<number>).buffer));
    else if (v !== null && typeof v === 'object') for (const [k, w] of Object.entries(v)) if (k !== 'lora') walk(w, `${path}.${k}`);
  };
  walk(P, 'params');
  return out;
}

const text = 'the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. ';
const tok = nn.charTokenizer(text);
const ids = tok.encode(text.repeat(4));

describe('addLora', () => {
  it('starts with exactly the base model outputs (B = 0) and counts its adapters', () => {
    const P = nn.initTransformer(tok.size, { dModel: 16, heads: 2, layers: 2, dFF: 48, ffn: 'swiglu', contextLength: 16, seed: 1 });
    const A = nn.addLora(P, { rank: 2, seed: 3 });
    const seq = Array.from(ids.subarray(0, 16));
    const z0 = nn.scope(() => nn.transformerForward(P, seq).logits.toArray());
    const z1 = nn.scope(() => nn.transformerForward(A, seq).logits.toArray());
    expect(Array.from(z1)).toEqual(Array.from(z0));
    // per block: Wq, Wk, Wv, Wo (16 → 16) and W, V (16 → 32), W2 (32 → 16), each (in + out)·r
    const perBlock = 4 * (16 + 16) * 2 + 2 * (16 + 32) * 2 + (32 + 16) * 2;
    // plus the token embedding [vocab, 16] and the output projection [16, vocab]
    expect(nn.loraParamCount(A)).toBe(2 * perBlock + 2 * (tok.size + 16) * 2);
    expect(nn.loraParamCount(nn.addLora(P, { rank: 2, targets: ['Wq', 'Wk', 'Wv', 'Wo', 'W', 'V', 'W2'] }))).toBe(2 * perBlock);
    expect(nn.loraParamCount(P)).toBe(0);
    expect(A.tokenEmbedding).toBe(P.tokenEmbedding); // shared, not copied
  });

  it('at the two-stage experiment size, rank-2 adapters on every matrix (embedding and output too) are under 5 % of the parameters', () => {
    const P = nn.initTransformer(70, { dModel: 64, heads: 4, layers: 2, dFF: 192, ffn: 'swiglu', contextLength: 64 });
    const A = nn.addLora(P, { rank: 2 });
    const frac = nn.loraParamCount(A) / (nn.transformerParamCount(P) + nn.loraParamCount(A));
    expect(frac).toBeLessThan(0.05);
    expect(frac).toBeGreaterThan(0.03);
    nn.freeTransformer(A);
  });

  it('refuses adapters on adapters, unknown targets and targets the variant lacks', () => {
    const P = nn.initTransformer(5, { dModel: 8, heads: 2, layers: 1, ffn: 'gelu' });
    const A = nn.addLora(P, { rank: 1 });
    expect(() => nn.addLora(A)).toThrow(/already carries adapters/);
    expect(() => nn.addLora(P, { targets: ['Wz' as nn.LoraTarget] })).toThrow(/options\.targets\[0\]/);
    expect(() => nn.addLora(P, { targets: ['V'] })).toThrow(/name no matrix of this 'gelu' model/);
    expect(() => nn.addLora(P, { rank: 0 })).toThrow(/options\.rank/);
  });
});

describe('training the adapters only', () => {
  it('lowers the loss while every base tensor stays bit-identical', () => {
    const P = nn.initTransformer(tok.size, { dModel: 16, heads: 2, layers: 2, dFF: 48, ffn: 'geglu', contextLength: 16, seed: 2 });
    const before = baseBytes(P);
    const A = nn.addLora(P, { rank: 2, seed: 5 });
    const B0 = A.lora!.blocks[0]!.Wq!.B.toArray();
    const r = nn.trainLm(A, ids, { steps: 40, batchSize: 4, seed: 7, trainable: nn.loraOnly, optimizer: nn.adam({ learningRate: 1e-2 }) });
    const first = r.losses.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
    const last = r.losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
    expect(last).toBeLessThan(first - 0.3);
    const after = baseBytes(P);
    expect(after.size).toBe(before.size);
    for (const [path, bytes] of before) expect(after.get(path), path).toEqual(bytes);
    expect(Array.from(A.lora!.blocks[0]!.Wq!.B.toArray())).not.toEqual(Array.from(B0));
    // the adapted model differs from the base now; the base alone still gives its old outputs
    const seq = Array.from(ids.subarray(0, 16));
    const zBase = nn.scope(() => nn.transformerForward(P, seq).logits.toArray());
    const zAdapted = nn.scope(() => nn.transformerForward(A, seq).logits.toArray());
    expect(relErr(zAdapted, zBase)).toBeGreaterThan(1e-3);
  });

  it('adapter gradients match central differences (f64)', () => {
    const P = nn.initTransformer(9, { dModel: 8, heads: 2, layers: 1, dFF: 12, ffn: 'swiglu', contextLength: 6, seed: 4 });
    const A = nn.addLora(P, { rank: 2, alpha: 3, seed: 1 });
    const seqs = [[1, 2, 3, 4, 5, 6, 7], [8, 7, 6, 5, 4, 3, 2]];
    // B = 0 at the start makes ∂/∂A zero: give B values first
    const ad = A.lora!.blocks[0]!;
    for (const k of ['Wq', 'V', 'W2'] as const) ad[k]!.B.view().set(Float64Array.from({ length: ad[k]!.B.size }, (_, i) => 0.3 * Math.sin(i + 1)));
    for (const [k, which] of [['Wq', 'A'], ['Wq', 'B'], ['V', 'B'], ['W2', 'A']] as const) {
      const t = ad[k]![which];
      const shape = [...t.shape];
      const with_ = (x: nn.Tensor): nn.TransformerParams => ({ ...A, lora: { ...A.lora!, blocks: [{ ...ad, [k]: { ...ad[k]!, [which]: x } }] } });
      const x0 = Float64Array.from(t.toArray() as ArrayLike<number>);
      const g = nn.scope(() => (nn.grad((x: nn.Tensor) => nn.lmLoss(with_(x), seqs), { argnums: 0 })(nn.tensor(x0, { shape })) as nn.Tensor).toArray());
      const num = numericGrad((x) => nn.scope(() => nn.lmLoss(with_(nn.tensor(x, { shape })), seqs).item()), x0);
      expect(relErr(g, num), `${k}.${which}`).toBeLessThan(1e-7);
    }
    // the token-embedding and output adapters
    const L = A.lora!;
    for (const k of ['tokenEmbedding', 'output'] as const) L[k]!.B.view().set(Float64Array.from({ length: L[k]!.B.size }, (_, i) => 0.2 * Math.cos(i)));
    for (const [k, which] of [['tokenEmbedding', 'A'], ['tokenEmbedding', 'B'], ['output', 'A'], ['output', 'B']] as const) {
      const t = L[k]![which];
      const shape = [...t.shape];
      const with_ = (x: nn.Tensor): nn.TransformerParams => ({ ...A, lora: { ...L, [k]: { ...L[k]!, [which]: x } } });
      const x0 = Float64Array.from(t.toArray() as ArrayLike<number>);
      const g = nn.scope(() => (nn.grad((x: nn.Tensor) => nn.lmLoss(with_(x), seqs), { argnums: 0 })(nn.tensor(x0, { shape })) as nn.Tensor).toArray());
      // a smaller step: these gradients are small (the embedding passes an RMSNorm), so h = 1e-3 leaves a truncation error near 1e-7
      const num = numericGrad((x) => nn.scope(() => nn.lmLoss(with_(nn.tensor(x, { shape })), seqs).item()), x0, 1e-4);
      expect(relErr(g, num), `${k}.${which}`).toBeLessThan(1e-7);
    }
  });
});

describe('mergeLora', () => {
  it('folds W + (alpha/r)·A·B (checked against plain TS) and gives the adapted model outputs', () => {
    const P = nn.initTransformer(tok.size, { dModel: 8, heads: 2, layers: 1, dFF: 12, ffn: 'relu', contextLength: 8, seed: 6 });
    const A = nn.addLora(P, { rank: 3, alpha: 6, seed: 2, targets: ['Wv', 'W1', 'output'] });
    const ad = A.lora!.blocks[0]!;
    ad.Wv!.B.view().set(Float64Array.from({ length: ad.Wv!.B.size }, (_, i) => Math.cos(i)));
    ad.W1!.B.view().set(Float64Array.from({ length: ad.W1!.B.size }, (_, i) => Math.sin(2 * i)));
    A.lora!.output!.B.view().set(Float64Array.from({ length: A.lora!.output!.B.size }, (_, i) => Math.sin(3 * i)));
    const M = nn.mergeLora(A);
    expect(M.lora).toBeUndefined();
    expect(M.tokenEmbedding).not.toBe(P.tokenEmbedding);
    // plain TS: W + 2·A·B for Wv
    const W = P.blocks[0]!.attn.Wv.toArray(), a = ad.Wv!.A.toArray(), b = ad.Wv!.B.toArray();
    const want = new Float64Array(64);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * b[k * 8 + j]!;
      want[i * 8 + j] = W[i * 8 + j]! + 2 * s;
    }
    expect(relErr(M.blocks[0]!.attn.Wv.toArray(), want)).toBeLessThan(1e-14);
    // unadapted matrices are copied as they are
    expect(Array.from(M.blocks[0]!.attn.Wq.toArray())).toEqual(Array.from(P.blocks[0]!.attn.Wq.toArray()));
    const seq = Array.from(ids.subarray(3, 11));
    const z = nn.scope(() => nn.transformerForward(A, seq).logits.toArray());
    const zm = nn.scope(() => nn.transformerForward(M, seq).logits.toArray());
    expect(relErr(zm, z)).toBeLessThan(1e-13);
    nn.freeTransformer(M);
    expect(M.output.freed).toBe(true);
    expect(P.output.freed).toBe(false);
  });
});

describe('trainLm options.starts', () => {
  it('draws windows only at the given positions', () => {
    const P = nn.initTransformer(tok.size, { dModel: 8, heads: 2, layers: 1, contextLength: 8, seed: 1 });
    // an optimizer that changes nothing: every step sees the same model, so each loss is that one window's
    const still = { step: () => {} } as unknown as nn.Optimizer;
    const r = nn.trainLm(P, ids, { steps: 3, batchSize: 2, starts: [5], optimizer: still });
    const want = nn.scope(() => nn.lmLoss(P, Array.from(ids.subarray(5, 14))).item());
    for (const l of r.losses) expect(l).toBeCloseTo(want, 12);
  });

  it('refuses positions where a window does not fit', () => {
    const P = nn.initTransformer(tok.size, { dModel: 8, heads: 2, layers: 1, contextLength: 8, seed: 1 });
    const last = ids.length - 9;
    expect(() => nn.trainLm(P, ids, { steps: 1, starts: [last + 1] })).toThrow(new RegExp(`options\\.starts\\[0\\] must be an integer in \\[0, ${last}\\]`));
    expect(() => nn.trainLm(P, ids, { steps: 1, starts: [] })).toThrow(/options\.starts/);
  });
});
