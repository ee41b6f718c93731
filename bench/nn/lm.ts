/**
 * The transformer language model, one bench entry per feed-forward variant, in tokens per second:
 * 2 blocks, 4 heads, d_ff = 3d (gated width 2d), context 64, 70 tokens, f64, with width d = 32, 64
 * (the size of `proxkit lm-experiments`: 94k parameters) and 96 (0.2 M) for n = 1e3, 1e5, 1e6. Candidates, timed interleaved in one process:
 * - forward, WASM: nn.transformerForward on a batch of 8 × 64 tokens (the SIMD matmul kernel and the
 *   ops; one memory scope per call);
 * - forward, plain TS: the same forward pass written as Float64Array loops (no engine), the reference;
 * - training step: one nn.trainLm step (forward, backward through the tape, clipping, Adam) on 8 × 64
 *   tokens;
 * - sampling: nn.sampleLm generating 16 tokens after a 48-token prompt (every token re-runs the model
 *   on its whole window: no key/value cache), tokens/s = generated tokens per second.
 * The plain-TS logits are checked against the engine's (relative error below 1e-9: the same
 * arithmetic up to summation order and the exp/tanh implementations) before and after timing.
 */
import { nn } from '../../bindings/index.js';
import { assertClose, measure, type BenchContext, type CandidateResult, type CaseResult } from '../harness.js';

/** The variants, one bench entry each. */
export const LM_VARIANTS: nn.FfnVariant[] = ['relu', 'gelu', 'glu', 'bilinear', 'reglu', 'geglu', 'swiglu'];
const VOCAB = 70, T = 64, HEADS = 4, LAYERS = 2, BATCH = 8, SEED = 9100;
/** Model width per bench size. */
const WIDTH: Record<number, number> = { 1e3: 32, 1e5: 64, 1e6: 96 };
const PROMPT = 48, GENERATE = 16;

/** A plain row-major copy of a model's tensors. */
interface Plain {
  E: Float64Array; P: Float64Array; out: Float64Array; gF: Float64Array;
  blocks: { g1: Float64Array; g2: Float64Array; Wq: Float64Array; Wk: Float64Array; Wv: Float64Array; Wo: Float64Array; W1?: Float64Array; W?: Float64Array; V?: Float64Array; W2: Float64Array; width: number }[];
}

const arr = (t: nn.Tensor): Float64Array => Float64Array.from(t.toArray() as ArrayLike<number>);

function plainOf(p: nn.TransformerParams): Plain {
  return {
    E: arr(p.tokenEmbedding), P: arr(p.positionEmbedding), out: arr(p.output), gF: arr(p.finalNorm.gamma),
    blocks: p.blocks.map((b) => ({
      g1: arr(b.norm1.gamma), g2: arr(b.norm2.gamma), Wq: arr(b.attn.Wq), Wk: arr(b.attn.Wk), Wv: arr(b.attn.Wv), Wo: arr(b.attn.Wo),
      ...(b.ffn.W1 ? { W1: arr(b.ffn.W1) } : {}), ...(b.ffn.W ? { W: arr(b.ffn.W), V: arr(b.ffn.V!) } : {}), W2: arr(b.ffn.W2), width: b.ffn.W2.shape[0]!,
    })),
  };
}

/** C[n, m] = A[n, k] · B[k, m] (row-major, i-k-j order). */
function mm(A: Float64Array, B: Float64Array, n: number, k: number, m: number): Float64Array {
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < k; q++) {
      const a = A[i * k + q]!;
      for (let j = 0; j < m; j++) C[i * m + j] = C[i * m + j]! + a * B[q * m + j]!;
    }
  }
  return C;
}

/** RMSNorm of each row with gain g (eps 1e-6, as nn.rmsNorm). */
function rms(x: Float64Array, g: Float64Array, n: number, d: number): Float64Array {
  const y = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j]! ** 2;
    const r = 1 / Math.sqrt(s / d + 1e-6);
    for (let j = 0; j < d; j++) y[i * d + j] = x[i * d + j]! * r * g[j]!;
  }
  return y;
}

const gelu = (x: number): number => 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
const GATES: Record<string, (x: number) => number> = {
  glu: (x) => 1 / (1 + Math.exp(-x)), bilinear: (x) => x, reglu: (x) => (x > 0 ? x : 0), geglu: gelu, swiglu: (x) => x / (1 + Math.exp(-x)),
};

/** The transformer's forward pass in plain TS: logits [batch·T, vocab] of `ids` (batch rows of T tokens). */
export function plainForward(m: Plain, variant: nn.FfnVariant, ids: Int32Array, batch: number): Float64Array {
  const D = m.gF.length;
  const n = batch * T, dh = D / HEADS;
  const h = new Float64Array(n * D);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) h[i * D + j] = m.E[ids[i]! * D + j]! + m.P[(i % T) * D + j]!;
  const scores = new Float64Array(T);
  for (const b of m.blocks) {
    const x = rms(h, b.g1, n, D);
    const q = mm(x, b.Wq, n, D, D), k = mm(x, b.Wk, n, D, D), v = mm(x, b.Wv, n, D, D);
    const heads = new Float64Array(n * D);
    const c = 1 / Math.sqrt(dh);
    for (let s = 0; s < batch; s++) {
      for (let hd = 0; hd < HEADS; hd++) {
        for (let t = 0; t < T; t++) {
          const qi = (s * T + t) * D + hd * dh;
          let mx = -Infinity;
          for (let u = 0; u <= t; u++) {
            let z = 0;
            const ki = (s * T + u) * D + hd * dh;
            for (let e = 0; e < dh; e++) z += q[qi + e]! * c * k[ki + e]!;
            scores[u] = z;
            if (z > mx) mx = z;
          }
          let sum = 0;
          for (let u = 0; u <= t; u++) sum += scores[u] = Math.exp(scores[u]! - mx);
          for (let u = 0; u <= t; u++) {
            const w = scores[u]! / sum, vi = (s * T + u) * D + hd * dh;
            for (let e = 0; e < dh; e++) heads[qi + e] = heads[qi + e]! + w * v[vi + e]!;
          }
        }
      }
    }
    const a = mm(heads, b.Wo, n, D, D);
    for (let i = 0; i < h.length; i++) h[i] = h[i]! + a[i]!;
    const x2 = rms(h, b.g2, n, D);
    let hid: Float64Array;
    if (b.W1) {
      hid = mm(x2, b.W1, n, D, b.width);
      const act = variant === 'relu' ? (z: number) => (z > 0 ? z : 0) : gelu;
      for (let i = 0; i < hid.length; i++) hid[i] = act(hid[i]!);
    } else {
      const gate = GATES[variant]!;
      hid = mm(x2, b.W!, n, D, b.width);
      const val = mm(x2, b.V!, n, D, b.width);
      for (let i = 0; i < hid.length; i++) hid[i] = gate(hid[i]!) * val[i]!;
    }
    const f = mm(hid, b.W2, n, b.width, D);
    for (let i = 0; i < h.length; i++) h[i] = h[i]! + f[i]!;
  }
  return mm(rms(h, m.gF, n, D), m.out, n, D, VOCAB);
}

/** Token ids of a fixed pseudo-random text (a linear congruential sequence, no engine involved). */
function tokenStream(n: number): Int32Array {
  const out = new Int32Array(n);
  let s = SEED;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s >>> 16) % VOCAB;
  }
  return out;
}

/** The bench of one feed-forward variant: forward (WASM, plain TS), training step and sampling, in tokens/s. */
export const benchLm = (variant: nn.FfnVariant) => (ctx: BenchContext): CaseResult[] => ctx.sizes.map((size) => lmCase(variant, size, ctx));

function lmCase(variant: nn.FfnVariant, size: number, ctx: BenchContext): CaseResult {
  const D = WIDTH[size] ?? 64, DFF = 3 * D;
  const stream = tokenStream(4096);
  const ids = stream.subarray(0, BATCH * T);
  const seqs = Array.from({ length: BATCH }, (_, b) => Array.from(ids.subarray(b * T, (b + 1) * T)));
  const prompt = stream.subarray(1000, 1000 + PROMPT);
  {
    const opts = { contextLength: T, dModel: D, heads: HEADS, layers: LAYERS, dFF: DFF, ffn: variant, seed: SEED };
    const model = nn.initTransformer(VOCAB, opts);
    const trained = nn.initTransformer(VOCAB, opts); // the training candidate moves its own copy
    const opt = nn.adam({ learningRate: 1e-3 });
    try {
      const plain = plainOf(model);
      const check = (when: string): void => {
        const z = nn.scope(() => nn.transformerForward(model, seqs).logits.toArray());
        assertClose(`lm ${variant} forward logits${when}`, plainForward(plain, variant, ids, BATCH), z, 1e-9);
      };
      check('');
      let step = 0;
      const calls = {
        forward: () => nn.scope(() => void nn.transformerForward(model, seqs)),
        plainTS: () => plainForward(plain, variant, ids, BATCH),
        train: () => nn.trainLm(trained, stream, { steps: 1, batchSize: BATCH, seed: step++, optimizer: opt }),
        sample: () => nn.sampleLm(model, prompt, { length: GENERATE, temperature: 1, seed: 1 }),
      };
      const names = {
        forward: 'forward, nn (WASM SIMD matmul)', plainTS: 'forward, plain TS', train: 'trainLm step (forward + backward + Adam)', sample: `sampleLm, ${GENERATE} tokens after ${PROMPT}`,
      };
      const tokens = { forward: BATCH * T, plainTS: BATCH * T, train: BATCH * T, sample: GENERATE };
      const keys = Object.keys(calls) as (keyof typeof calls)[];
      const { rounds, timings } = measure(keys.map((key) => ({ name: names[key], fn: calls[key] })), ctx.timer);
      check(' (after timing)');
      const res: CandidateResult[] = timings.map((t, i) => ({ key: keys[i]!, ...t, elementsPerSec: tokens[keys[i]!] / t.median }));
      const median = (key: string): number => res.find((r) => r.key === key)!.median;
      return {
        kernel: `nnLm-${variant}`,
        n: size,
        seed: SEED,
        inputs: 1,
        params: { dModel: D, heads: HEADS, layers: LAYERS, dFF: DFF, width: nn.ffnWidth(variant, DFF), vocab: VOCAB, batch: BATCH, contextLength: T, parameters: nn.transformerParamCount(model) },
        rounds,
        candidates: res,
        // the elements/s column is tokens/s: forwarded, trained on, or generated
        ratios: { 'forward nn vs plain-TS': median('plainTS') / median('forward') },
      };
    } finally {
      nn.freeTransformer(model);
      nn.freeTransformer(trained);
    }
  }
}
