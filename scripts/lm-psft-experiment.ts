/**
 * PSFT vs plain SFT at toy scale: a character transformer pre-trained on Genesis (general text) is
 * fine-tuned on a narrow corpus (the genealogy verses, those containing "begat") with plain
 * cross-entropy and with the PSFT loss, same steps and learning rate. Every `every` steps: the mean
 * next-token entropy and the perplexity on held-out general text, and the perplexity on held-out
 * narrow text. Writes JSON and an SVG.
 *
 * Run: node scripts/lm-psft.mjs [--base N] [--steps N] [--out DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, nn } from '../bindings/index.js';
import { lineFigure } from '../bindings/plot/svg.js';
import corpus from '../data/text/genesis-kjv.txt';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const outDir = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : 'build/lm-psft';
const baseSteps = arg('base', 300);
const steps = arg('steps', 120);
const every = arg('every', 20);
const lr = arg('lr', 3e-3);
const T = 64;

await init();
const lines = corpus.split('\n').filter((l) => l.length > 0);
const narrow = lines.filter((l) => l.includes('begat'));
const general = lines.filter((l) => !l.includes('begat'));
const cutG = Math.floor(general.length * 0.9);
const cutN = Math.floor(narrow.length * 0.8);
const tok = nn.charTokenizer(corpus.endsWith('\n') ? corpus : corpus + '\n');
const enc = (ls: string[]): Int32Array => tok.encode(ls.join('\n') + '\n');
const genTrain = enc(general.slice(0, cutG));
const genHeld = enc(general.slice(cutG)).subarray(0, 4097);
const narTrain = enc(narrow.slice(0, cutN));
const narHeld = enc(narrow.slice(cutN));

/** Mean entropy (nats) of the next-token distribution over the positions of held-out windows. */
function entropy(P: nn.TransformerParams, ids: Int32Array): number {
  const n = Math.floor(ids.length / T);
  const seqs = Array.from({ length: n }, (_, i) => Array.from(ids.subarray(i * T, (i + 1) * T)));
  return nn.scope(() => {
    const z = nn.transformerForward(P, seqs).logits;
    return nn.neg(nn.mean(nn.sum(nn.mul(nn.softmax(z), nn.logSoftmax(z)), 1))).item();
  });
}

const cfg = { contextLength: T, dModel: 64, heads: 4, layers: 2, dFF: 192, ffn: 'swiglu' as const };
const base = nn.initTransformer(tok.size, { ...cfg, seed: 1 });
nn.trainLm(base, genTrain, { steps: baseSteps, batchSize: 8, seed: 1, optimizer: nn.adam({ learningRate: 3e-3 }) });
const snapshot = (P: nn.TransformerParams) => ({
  entropyGeneral: entropy(P, genHeld), pplGeneral: nn.lmPerplexity(P, genHeld).perplexity, pplNarrow: nn.lmPerplexity(P, narHeld).perplexity,
});
const start = snapshot(base);
console.log(JSON.stringify({ narrowTrain: narTrain.length, narrowHeld: narHeld.length, generalTrain: genTrain.length, baseSteps, start }));

/** A copy of the base model's parameters (fresh tensors with the same values). */
function copyOf(P: nn.TransformerParams): nn.TransformerParams {
  const Q = nn.initTransformer(tok.size, { ...cfg, seed: 1 });
  const src = [P.tokenEmbedding, P.positionEmbedding, P.output, P.finalNorm.gamma, ...P.blocks.flatMap((b) => [b.norm1.gamma, b.norm2.gamma, b.attn.Wq, b.attn.Wk, b.attn.Wv, b.attn.Wo, b.ffn.W!, b.ffn.V!, b.ffn.W2])];
  const dst = [Q.tokenEmbedding, Q.positionEmbedding, Q.output, Q.finalNorm.gamma, ...Q.blocks.flatMap((b) => [b.norm1.gamma, b.norm2.gamma, b.attn.Wq, b.attn.Wk, b.attn.Wv, b.attn.Wo, b.ffn.W!, b.ffn.V!, b.ffn.W2])];
  src.forEach((t, i) => dst[i]!.view().set(t.view()));
  return Q;
}

const curves: Record<string, { step: number; entropyGeneral: number; pplGeneral: number; pplNarrow: number }[]> = {};
for (const method of ['SFT', 'PSFT'] as const) {
  const P = copyOf(base);
  const opt = nn.adam({ learningRate: lr });
  curves[method] = [{ step: 0, ...start }];
  for (let s = every; s <= steps; s += every) {
    nn.trainLm(P, narTrain, { steps: every, batchSize: 8, seed: 100 + s, optimizer: opt, ...(method === 'PSFT' ? { psft: { epsilon: 0.2, stepsPerBatch: 4 } } : {}) });
    const snap = { step: s, ...snapshot(P) };
    curves[method]!.push(snap);
    console.log(method, JSON.stringify(snap));
  }
}
mkdirSync(outDir, { recursive: true });
const config = { corpus: 'Genesis (KJV): general = verses without "begat", narrow = verses with it', baseSteps, steps, every, lr, model: cfg, psft: { epsilon: 0.2, stepsPerBatch: 4 } };
writeFileSync(join(outDir, 'lm-psft.json'), JSON.stringify({ config, curves }, null, 1));
const series = (key: 'entropyGeneral' | 'pplGeneral' | 'pplNarrow') => (['SFT', 'PSFT'] as const).map((m) => ({ name: m, x: curves[m]!.map((c) => c.step), y: curves[m]!.map((c) => c[key]) }));
writeFileSync(join(outDir, 'lm-psft.svg'), lineFigure({
  title: 'Fine-tuning a character transformer on a narrow corpus (the genealogy verses of Genesis): plain SFT vs PSFT',
  columns: 3,
  width: 960,
  panels: [
    { title: 'general text: entropy', x: { label: 'fine-tuning step' }, y: { label: 'next-token entropy (nats)' }, series: series('entropyGeneral') },
    { title: 'general text: perplexity', x: { label: 'fine-tuning step' }, y: { label: 'perplexity per character' }, series: series('pplGeneral') },
    { title: 'narrow text: perplexity', x: { label: 'fine-tuning step' }, y: { label: 'perplexity per character' }, series: series('pplNarrow') },
  ],
  caption: `Base: ${baseSteps} Adam steps on the other verses. Fine-tuning: Adam η = ${lr}, batch 8 × ${T}; PSFT with ε = 0.2 and each batch used for 4 steps. Held-out: 10 % of the general verses, 20 % of the narrow ones.`,
}));
console.log(`wrote ${join(outDir, 'lm-psft.json')} and ${join(outDir, 'lm-psft.svg')}`);
