/**
 * The transformer LM: gradients of attention and of every feed-forward variant against central
 * differences (f64), causal masking, overfitting a short string, seeded determinism, sampling and
 * perplexity against their definitions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, nn } from '../../bindings/index.js';
import { numericGrad, relErr, uniformArray, type T } from './helpers.js';

beforeAll(() => init());

const VARIANTS: nn.FfnVariant[] = ['relu', 'gelu', 'glu', 'bilinear', 'reglu', 'geglu', 'swiglu'];

/** Gradient of L(θ) = Σ w ⊙ f(θ) through the tape vs fourth-order central differences, for tensor θ. */
function checkGrad(shape: readonly number[], seed: number, f: (x: T) => T): number {
  const sh = [...shape];
  const x0 = uniformArray(seed, sh.reduce((a, b) => a * b, 1), -0.8, 0.8);
  const outSize = nn.scope(() => f(nn.tensor(x0, { shape: sh })).size);
  const w = uniformArray(seed + 1, outSize);
  const L = (x: T): T => nn.sum(nn.mul(f(x), nn.tensor(w, { shape: f(x).shape })));
  const g = nn.scope(() => (nn.grad(L, { argnums: 0 })(nn.tensor(x0, { shape: sh })) as T).toArray());
  const num = numericGrad((x) => nn.scope(() => L(nn.tensor(x, { shape: sh })).item()), x0, 1e-3);
  return relErr(g, num);
}

describe('gradients (f64, central differences)', () => {
  it('causal multi-head attention: w.r.t. the input and each projection', () => {
    const d = 8, T = 5, batch = 2, heads = 2;
    const P = nn.initTransformer(11, { dModel: d, heads, layers: 1, seed: 3 });
    const attn = P.blocks[0]!.attn;
    const x = uniformArray(9, batch * T * d);
    // w.r.t. x
    expect(checkGrad([batch * T, d], 5, (xt) => nn.causalSelfAttention(attn, xt, batch, heads))).toBeLessThan(1e-7);
    // w.r.t. Wq, Wk, Wv, Wo in turn
    for (const key of ['Wq', 'Wk', 'Wv', 'Wo'] as const) {
      const err = checkGrad([d, d], 20, (Wt) => nn.causalSelfAttention({ ...attn, [key]: Wt }, nn.tensor(x, { shape: [batch * T, d] }), batch, heads));
      expect(err, key).toBeLessThan(1e-7);
    }
  });

  it.each(VARIANTS)('feed-forward %s: w.r.t. the input and every weight', (variant) => {
    const d = 6, dFF = 12;
    const P = nn.initTransformer(7, { dModel: d, heads: 1, layers: 1, dFF, ffn: variant, seed: 1 });
    const f = P.blocks[0]!.ffn;
    const x = uniformArray(4, 5 * d);
    expect(checkGrad([5, d], 2, (xt) => nn.feedForward(variant, f, xt))).toBeLessThan(1e-7);
    for (const key of Object.keys(f) as (keyof nn.FfnParams)[]) {
      const W = f[key]!;
      const err = checkGrad(W.shape, 30, (Wt) => nn.feedForward(variant, { ...f, [key]: Wt }, nn.tensor(x, { shape: [5, d] })));
      expect(err, `${variant}.${key}`).toBeLessThan(1e-7);
    }
  });

  it('the whole model: lmLoss w.r.t. the token embedding and a block norm gain (layer norm)', () => {
    const P = nn.initTransformer(9, { dModel: 8, heads: 2, layers: 2, dFF: 12, ffn: 'swiglu', norm: 'layer', contextLength: 6, seed: 4 });
    const seqs = [[1, 2, 3, 4, 5, 6, 7], [8, 7, 6, 5, 4, 3, 2]];
    expect(checkGrad([9, 8], 6, (E) => nn.lmLoss({ ...P, tokenEmbedding: E }, seqs))).toBeLessThan(1e-7);
    const b0 = P.blocks[0]!;
    expect(checkGrad([8], 7, (g) => nn.lmLoss({ ...P, blocks: [{ ...b0, norm2: { ...b0.norm2, gamma: g } }, P.blocks[1]!] }, seqs))).toBeLessThan(1e-7);
  });
});

describe('parameter counts', () => {
  it('gated variants use round(2/3·dFF), so with dFF divisible by 3 every variant has the same count', () => {
    const counts = VARIANTS.map((v) => nn.transformerParamCount(nn.initTransformer(20, { dModel: 16, dFF: 48, ffn: v })));
    expect(new Set(counts).size).toBe(1);
    // by hand: embeddings 20·16 + 64·16, output 16·20, final norm 16; per block 2 norms, 4·16², 2·16·48
    expect(counts[0]).toBe(20 * 16 + 64 * 16 + 16 * 20 + 16 + 2 * (2 * 16 + 4 * 256 + 2 * 16 * 48));
    expect(nn.ffnWidth('swiglu', 48)).toBe(32);
    expect(nn.ffnWidth('gelu', 48)).toBe(48);
  });
});

describe('causal masking', () => {
  it.each(['gelu', 'swiglu'] as const)('logits at position t do not change when tokens after t change (%s)', (ffn) => {
    const P = nn.initTransformer(13, { dModel: 16, heads: 4, layers: 2, ffn, contextLength: 10, seed: 8 });
    const a = [1, 5, 2, 9, 12, 0, 3, 3, 7, 4];
    const logits = (s: number[]): Float64Array => nn.scope(() => nn.transformerForward(P, s).logits.toArray() as Float64Array);
    const base = logits(a);
    for (const t of [0, 3, 8]) {
      const b = a.slice();
      for (let j = t + 1; j < b.length; j++) b[j] = (b[j]! + 5) % 13;
      const other = logits(b);
      // rows 0…t identical to the bit; row t + 1 (which sees the changed token) differs
      expect(Array.from(other.subarray(0, (t + 1) * 13))).toEqual(Array.from(base.subarray(0, (t + 1) * 13)));
      expect(Array.from(other.subarray((t + 1) * 13, (t + 2) * 13))).not.toEqual(Array.from(base.subarray((t + 1) * 13, (t + 2) * 13)));
    }
  });

  it('a batch of sequences gives each sequence the logits it gets alone', () => {
    const P = nn.initTransformer(13, { dModel: 8, heads: 2, layers: 1, contextLength: 6, seed: 2 });
    const s1 = [1, 2, 3, 4, 5, 6], s2 = [6, 5, 4, 3, 2, 1];
    const both = nn.scope(() => nn.transformerForward(P, [s1, s2]).logits.toArray());
    const one = nn.scope(() => nn.transformerForward(P, s2).logits.toArray());
    expect(relErr(both.subarray(6 * 13), one)).toBeLessThan(1e-14);
  });
});

describe('training', () => {
  const text = 'the quick brown fox jumps over the lazy dog while the cat sleeps by the warm fire and the rain falls softly on the old roof of the house near the river where children play in the long summer evenings.';
  it('a 2-layer model overfits a 200-character string to near-zero loss', () => {
    const s = text.slice(0, 200);
    const tok = nn.charTokenizer(s);
    const ids = tok.encode(s);
    // the whole string is one window (T = 199 inputs, 199 targets), so every position is learnable
    const P = nn.initTransformer(tok.size, { dModel: 32, heads: 4, layers: 2, contextLength: 199, seed: 1 });
    const before = nn.lmPerplexity(P, ids);
    const r = nn.trainLm(P, ids, { steps: 150, batchSize: 1, optimizer: nn.adam({ learningRate: 1e-2 }), seed: 2 });
    const after = nn.lmPerplexity(P, ids);
    expect(before.perplexity).toBeGreaterThan(10);
    expect(after.tokens).toBe(199);
    expect(after.nll).toBeLessThan(0.02);
    expect(r.losses[r.losses.length - 1]).toBeLessThan(0.02);
    expect([r.iterations, r.steps, r.converged, r.stopped]).toEqual([150, 150, false, 'maxIter']);
    // greedy continuation of the first 20 characters reproduces the string
    const cont = nn.sampleLm(P, ids.subarray(0, 20), { length: 30, temperature: 0 });
    expect(tok.decode(cont)).toBe(s.slice(20, 50));
  }, 120_000);

  it('same seed, same weights (to the bit); another seed, other weights', () => {
    const tok = nn.charTokenizer(text);
    const ids = tok.encode(text);
    const run = (seed: number): ArrayLike<number> => {
      const P = nn.initTransformer(tok.size, { dModel: 16, heads: 2, layers: 2, contextLength: 16, ffn: 'swiglu', seed });
      nn.trainLm(P, ids, { steps: 5, batchSize: 4, seed });
      return P.output.toArray();
    };
    const a = run(1), b = run(1), c = run(2);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('trainable leaves the other parameters bit-identical', () => {
    const tok = nn.charTokenizer(text);
    const P = nn.initTransformer(tok.size, { dModel: 8, heads: 2, layers: 1, contextLength: 8, seed: 3 });
    const E0 = P.tokenEmbedding.toArray(), Wq0 = P.blocks[0]!.attn.Wq.toArray(), out0 = P.output.toArray();
    nn.trainLm(P, tok.encode(text), { steps: 3, trainable: (path) => path.startsWith('blocks.0.attn') });
    expect(Array.from(P.tokenEmbedding.toArray())).toEqual(Array.from(E0));
    expect(Array.from(P.output.toArray())).toEqual(Array.from(out0));
    expect(Array.from(P.blocks[0]!.attn.Wq.toArray())).not.toEqual(Array.from(Wq0));
  });
});

describe('trainLm with the PSFT loss', () => {
  const ids = Array.from({ length: 300 }, (_, i) => (i * 5 + (i >> 3)) % 9);
  const make = () => nn.initTransformer(9, { dModel: 8, heads: 2, layers: 1, contextLength: 8, seed: 5 });
  it('with one step per batch (ratio 1 at every step) it follows plain SFT (gradients equal to rounding)', () => {
    const A = make(), B = make();
    nn.trainLm(A, ids, { steps: 5, batchSize: 4, seed: 2 });
    const r = nn.trainLm(B, ids, { steps: 5, batchSize: 4, seed: 2, psft: { stepsPerBatch: 1 } });
    for (const v of r.losses) expect(v).toBeCloseTo(-1, 12); // −mean ratio, every ratio 1
    expect(relErr(B.output.toArray(), A.output.toArray())).toBeLessThan(1e-9);
  });
  it('with 4 steps per batch the loss stays at or above −(1 + ε\') and the model improves', () => {
    const P = make();
    const before = nn.lmPerplexity(P, ids).perplexity;
    const r = nn.trainLm(P, ids, { steps: 40, batchSize: 4, seed: 2, optimizer: nn.adam({ learningRate: 1e-2 }), psft: { stepsPerBatch: 4, epsilon: 0.2 } });
    for (const v of r.losses) expect(v).toBeGreaterThanOrEqual(-1.2 - 1e-12);
    expect(Math.min(...r.losses)).toBeLessThan(-1); // ratios above 1 once the policy moved
    expect(nn.lmPerplexity(P, ids).perplexity).toBeLessThan(before);
  });
});

describe('f32', () => {
  it('an f32 model (the same seeded weights, rounded) gives the f64 loss to f32 precision and trains', () => {
    const opts = { dModel: 16, heads: 4, layers: 2, contextLength: 12, ffn: 'geglu' as const, seed: 7 };
    const P64 = nn.initTransformer(11, opts);
    const P32 = nn.initTransformer(11, { ...opts, dtype: 'f32' });
    expect(P32.output.dtype).toBe('f32');
    // the f32 weights are the f64 ones rounded to f32
    expect(Array.from(P32.output.toArray())).toEqual(Array.from(P64.output.toArray(), (v) => Math.fround(v)));
    const seqs = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 10, 9]];
    const l64 = nn.scope(() => nn.lmLoss(P64, seqs).item());
    const l32 = nn.scope(() => nn.lmLoss(P32, seqs).item());
    expect(Math.abs(l32 - l64) / l64).toBeLessThan(1e-5);
    const ids = Array.from({ length: 200 }, (_, i) => (i * 7) % 11);
    const r = nn.trainLm(P32, ids, { steps: 30, batchSize: 4, optimizer: nn.adam({ learningRate: 1e-2 }) });
    expect(r.losses[29]).toBeLessThan(r.losses[0]! / 2);
  });
});

describe('perplexity and sampling', () => {
  it('lmPerplexity is exp of the mean NLL computed from the logits by hand', () => {
    const P = nn.initTransformer(5, { dModel: 8, heads: 2, layers: 1, contextLength: 4, seed: 6 });
    const ids = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 2]; // 10 predictions: windows of 5 overlapping by 1, then a rest of 2
    let nll = 0;
    for (const [s, e] of [[0, 5], [4, 9], [8, 11]] as const) {
      const w = ids.slice(s, e);
      const z = nn.scope(() => nn.transformerForward(P, w.slice(0, -1)).logits.toArray()) as Float64Array;
      for (let t = 0; t < w.length - 1; t++) {
        const row = z.subarray(t * 5, t * 5 + 5);
        const m = Math.max(...row);
        nll += m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) - row[w[t + 1]!]!;
      }
    }
    const r = nn.lmPerplexity(P, ids);
    expect(r.tokens).toBe(10);
    expect(r.nll).toBeCloseTo(nll / 10, 12);
    expect(r.perplexity).toBeCloseTo(Math.exp(nll / 10), 10);
  });

  it('sampleLm: seeded, topK = 1 is greedy, the draws follow softmax(z/τ)', () => {
    const P = nn.initTransformer(6, { dModel: 8, heads: 2, layers: 1, contextLength: 8, seed: 5 });
    const a = nn.sampleLm(P, [1, 2], { length: 12, seed: 4 });
    expect(Array.from(nn.sampleLm(P, [1, 2], { length: 12, seed: 4 }))).toEqual(Array.from(a));
    expect(Array.from(nn.sampleLm(P, [1, 2], { length: 12, topK: 1, seed: 9 }))).toEqual(Array.from(nn.sampleLm(P, [1, 2], { length: 12, temperature: 0 })));
    // frequencies of the first draw over many seeds vs the softmax at τ = 0.7 (sampled with 2000 seeds)
    const z = nn.scope(() => nn.transformerForward(P, [1, 2]).logits.toArray()).subarray(6, 12);
    const m = Math.max(...z);
    const e = Array.from(z, (v) => Math.exp((v - m) / 0.7));
    const p = e.map((v) => v / e.reduce((s, x) => s + x, 0));
    const counts = new Array(6).fill(0);
    for (let s = 0; s < 2000; s++) counts[nn.sampleLm(P, [1, 2], { length: 1, temperature: 0.7, seed: s })[0]!]++;
    for (let i = 0; i < 6; i++) expect(Math.abs(counts[i] / 2000 - p[i]!)).toBeLessThan(4 * Math.sqrt(p[i]! * (1 - p[i]!) / 2000) + 1e-3);
  });

  it('charTokenizer round-trips and names an unknown character', () => {
    const tok = nn.charTokenizer('hello world');
    expect(tok.vocab.join('')).toBe(' dehlorw');
    expect(tok.decode(tok.encode('low droll'))).toBe('low droll');
    expect(() => tok.encode('help')).toThrow(/CharTokenizer\.encode: text holds "p" at character 3/);
    const t2 = nn.charTokenizer('ab', { unknown: '?' });
    expect(t2.decode(t2.encode('abc'))).toBe('ab?');
  });

  it('errors name the function and argument', () => {
    const P = nn.initTransformer(5, { dModel: 8, heads: 2, layers: 1, contextLength: 4 });
    expect(() => nn.initTransformer(5, { dModel: 8, heads: 3 })).toThrow(/initTransformer: options.heads must divide options.dModel/);
    expect(() => nn.initTransformer(5, { ffn: 'tanh' as never })).toThrow(/initTransformer: options.ffn/);
    expect(() => nn.transformerForward(P, [1, 2, 3, 4, 0, 1])).toThrow(/contextLength = 4/);
    expect(() => nn.trainLm(P, [1, 2, 7, 1, 2, 3], { contextLength: 2 })).toThrow(/trainLm: tokens\[2\] must be a token id in \[0, 4\]/);
    expect(() => nn.sampleLm(P, [], {})).toThrow(/sampleLm: prompt must hold at least 1 tokens/);
  });
});
