/**
 * The nn family's model side in `proxkit demo`: block coordinate descent (Zeng et al. 2019) against
 * Adam on the same ReLU network for the handwritten digits, and a Linearizer (a linear map between two
 * learned vector spaces) fitted to a 2-D map.
 */
import { nn } from '../index.js';
import type { DemoContext, DemoSection } from './context.js';
import { digitsData } from './bounds.js';
import { linearizerDemo } from './linearizer.js';

/** Fraction of rows of X whose argmax logit is the label. */
function accuracy(logits: Float64Array, y: readonly number[], K: number): number {
  let hits = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (logits[i * K + k]! > logits[i * K + best]!) best = k;
    if (best === y[i]) hits++;
  }
  return hits / y.length;
}

export interface BcdVsAdam {
  hidden: number[];
  bcd: { sweeps: number; testAccuracy: number; trainAccuracy: number; ms: number };
  adam: { epochs: number; testAccuracy: number; trainAccuracy: number; ms: number };
}

/**
 * Trains the 64-h-h-10 ReLU MLP on the 1347 training digits twice — three-splitting BCD on the squared
 * loss (full batch, closed-form block updates) and minibatch Adam on softmax cross-entropy (batch 32,
 * η = 1e-3) — and reports the test accuracy on the 450 held-out digits and the wall time of each.
 */
export function bcdVsAdam(hidden: number[], sweeps: number, epochs: number, seed: number): BcdVsAdam {
  const { train, test } = digitsData();
  const K = 10;
  let t0 = performance.now();
  const b = nn.bcdMlp(train.X, train.y, { hidden, iterations: sweeps, tol: 0, seed, testX: test.X, testY: test.y });
  const bcdMs = performance.now() - t0;
  const last = b.history[b.history.length - 1]!;
  t0 = performance.now();
  const p = nn.initMlp([64, ...hidden, K], { seed });
  try {
    nn.train(
      { params: p, loss: (q, x, y) => nn.softmaxCrossEntropy(nn.mlp(q, x), y as Int32Array) },
      train,
      { epochs, batchSize: 32, seed, optimizer: nn.adam({ learningRate: 1e-3 }) },
    );
    const adamMs = performance.now() - t0;
    const acc = (X: number[][], y: number[]): number => nn.scope(() => accuracy(nn.mlp(p, nn.tensor(X)).data(), y, K));
    return {
      hidden,
      bcd: { sweeps: b.iterations, testAccuracy: last.testAccuracy, trainAccuracy: last.trainAccuracy, ms: bcdMs },
      adam: { epochs, testAccuracy: acc(test.X, test.y), trainAccuracy: acc(train.X, train.y), ms: adamMs },
    };
  } finally {
    for (const l of p.layers) (l.W.free(), l.b?.free());
  }
}

async function run(ctx: DemoContext): Promise<void> {
  const [hidden, sweeps, epochs] = ctx.quick ? [[64, 64], 8, 5] : [[256, 256], 30, 40];
  ctx.log(`Digits (1347 train / 450 test, pixels / 16), the same 64-${hidden.join('-')}-10 ReLU MLP trained two ways (seed ${ctx.seed}):`);
  const r = bcdVsAdam(hidden, sweeps, epochs, ctx.seed);
  const pct = (v: number): string => `${(100 * v).toFixed(2)} %`;
  ctx.log(`  BCD (3-splitting, squared loss, full batch), ${r.bcd.sweeps} sweeps: test ${pct(r.bcd.testAccuracy)}, train ${pct(r.bcd.trainAccuracy)}, ${(r.bcd.ms / 1000).toFixed(1)} s`);
  ctx.log(`  Adam (cross-entropy, batch 32, η = 1e-3), ${r.adam.epochs} epochs: test ${pct(r.adam.testAccuracy)}, train ${pct(r.adam.trainAccuracy)}, ${(r.adam.ms / 1000).toFixed(1)} s`);
  ctx.log(`  gap: ${(100 * (r.adam.testAccuracy - r.bcd.testAccuracy)).toFixed(2)} points of test accuracy`);
  await linearizerDemo(ctx);
}

export const nnDemo: DemoSection = {
  name: 'nn',
  title: 'Training without gradients (BCD) vs Adam on digits; a Linearizer',
  run,
};
