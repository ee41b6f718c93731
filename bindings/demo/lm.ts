/**
 * `proxkit demo lm`: a character-level transformer language model trained on Genesis (King James
 * Version, public domain; data/text/README.md) with the nn family, then sampled. The quick tour
 * trains a small model for a few seconds; the full demo a larger one for under a minute.
 */
import { nn } from '../index.js';
import { lineFigure } from '../plot/svg.js';
import { writeOutput, type DemoContext, type DemoSection } from './context.js';
import corpus from '../../data/text/genesis-kjv.txt';

async function run(ctx: DemoContext): Promise<void> {
  const cfg = ctx.quick
    ? { dModel: 32, heads: 4, layers: 2, contextLength: 32, steps: 40, batch: 8, lr: 1e-2 }
    : { dModel: 64, heads: 4, layers: 2, contextLength: 64, steps: 300, batch: 8, lr: 3e-3 };
  const lines = corpus.split('\n').filter((l) => l.length > 0);
  const cut = Math.floor(lines.length * 0.9);
  const tok = nn.charTokenizer(corpus);
  const train = tok.encode(lines.slice(0, cut).join('\n') + '\n');
  // held-out: the last 10 % of the verses (the first 4096 characters of them, 2048 in the tour, to keep the demo short)
  const held = tok.encode(lines.slice(cut).join('\n') + '\n').subarray(0, (ctx.quick ? 2048 : 4096) + 1);
  const P = nn.initTransformer(tok.size, { dModel: cfg.dModel, heads: cfg.heads, layers: cfg.layers, contextLength: cfg.contextLength, dFF: 3 * cfg.dModel, ffn: 'swiglu', seed: ctx.seed });
  ctx.log(`Genesis (KJV), ${train.length} training / ${held.length - 1} held-out characters, ${tok.size} symbols.`);
  ctx.log(`Model: ${cfg.layers} pre-norm blocks, d = ${cfg.dModel}, ${cfg.heads} heads, SwiGLU feed-forward, context ${cfg.contextLength}: ${nn.transformerParamCount(P)} parameters (f64).`);
  const before = nn.lmPerplexity(P, held);
  const t0 = performance.now();
  const r = nn.trainLm(P, train, { steps: cfg.steps, batchSize: cfg.batch, seed: ctx.seed, optimizer: nn.adam({ learningRate: cfg.lr }) });
  const ms = performance.now() - t0;
  const after = nn.lmPerplexity(P, held);
  const tokens = cfg.steps * cfg.batch * cfg.contextLength;
  ctx.log(`  trained ${r.steps} Adam steps (batch ${cfg.batch} × ${cfg.contextLength} characters) in ${(ms / 1000).toFixed(1)} s, ${Math.round(tokens / (ms / 1000))} characters/s`);
  ctx.log(`  held-out perplexity per character: ${before.perplexity.toFixed(2)} before, ${after.perplexity.toFixed(2)} after (uniform guessing: ${tok.size})`);
  const prompt = 'And God said';
  const sample = tok.decode(nn.sampleLm(P, tok.encode(prompt), { length: ctx.quick ? 80 : 200, temperature: 0.8, topK: 10, seed: ctx.seed }));
  ctx.log(`  sample (temperature 0.8, top-10, seed ${ctx.seed}):`);
  for (const line of (prompt + sample).split('\n')) ctx.log(`    ${line}`);
  const lin = nn.lmLayerLinearity(P, Array.from({ length: 8 }, (_, i) => Array.from(held.subarray(i * cfg.contextLength, (i + 1) * cfg.contextLength))));
  ctx.log(`  Procrustes linearity per block, with residual: ${lin.withResidual.map((v) => v.toFixed(3)).join(', ')}; without: ${lin.withoutResidual.map((v) => v.toFixed(3)).join(', ')}`);
  // training curve: the loss of each step and its running mean over 20 steps
  const steps = Array.from(r.losses, (_, i) => i + 1);
  const smooth = Array.from(r.losses, (_, i) => {
    const a = Math.max(0, i - 19);
    let s = 0;
    for (let j = a; j <= i; j++) s += r.losses[j]!;
    return s / (i - a + 1);
  });
  writeOutput(ctx, 'proxkit-lm-loss.svg', lineFigure({
    title: `Training loss of a ${nn.transformerParamCount(P)}-parameter character transformer on Genesis (KJV)${ctx.quick ? ' (quick tour)' : ''}`,
    panels: [{
      x: { label: 'Adam step' },
      y: { label: 'cross-entropy (nats per character)' },
      series: [
        // one point per step: small markers, so the curve stays readable over hundreds of steps
        { name: 'minibatch loss', x: steps, y: r.losses, width: 1, size: 1.5 },
        { name: 'mean of the last 20 steps', x: steps, y: smooth, width: 2, size: 1.5 },
      ],
      rules: [{ y: Math.log(after.perplexity), label: `held-out after training: ${Math.log(after.perplexity).toFixed(2)}` }],
    }],
    caption: `Batch ${cfg.batch} × ${cfg.contextLength} characters, Adam η = ${cfg.lr}, seed ${ctx.seed}. The rule is the held-out cross-entropy (log perplexity) on the last 10 % of the verses.`,
  }), 'training loss per step and the held-out cross-entropy');
}

export const lmDemo: DemoSection = {
  name: 'lm',
  title: 'A character-level transformer language model trained on Genesis (KJV), then sampled',
  run,
};
