/**
 * The nn family's training loop: one epoch of minibatch Adam (batch 32, η = 2e-3) on the 1347
 * training digits for the 64-64-32-10 ReLU MLP of the digits demo, every call from the same initial
 * weights and the same row order. Candidates, timed interleaved in one process:
 * - nn.train (tensors, valueAndGrad of softmax cross-entropy through nn.matmul, nn.adam; one memory
 *   scope per step);
 * - plain TS: the per-example forward / backward loops and Adam update that trainMlp used before it
 *   moved to the engine (Float64Arrays, no allocation per step).
 * "elements/s" is examples/s. The weights after one epoch are compared between the two before and
 * after timing (the same arithmetic up to summation order and the exp implementation: within 1e-9).
 */
import { nn } from '../../bindings/index.js';
import { digitsData } from '../../bindings/demo/bounds.js';
import { assertClose, measure, type BenchContext, type CandidateResult, type CaseResult } from '../harness.js';

const SIZES = [64, 64, 32, 10];
const BATCH = 32;
const LR = 2e-3;
const SEED = 7300;

interface PlainMlp {
  W: Float64Array[]; // W[l]: sizes[l+1] × sizes[l] row-major
  b: Float64Array[];
}

/** One epoch of minibatch Adam on mean softmax cross-entropy, per example, in plain TS (rows in order). */
export function plainEpoch(net: PlainMlp, X: Float64Array, y: Int32Array, lr: number): void {
  const L = SIZES.length - 1, d = SIZES[0]!, K = SIZES[L]!, n = y.length;
  const params = [...net.W, ...net.b];
  const grads = params.map((q) => new Float64Array(q.length));
  const m1 = params.map((q) => new Float64Array(q.length));
  const m2 = params.map((q) => new Float64Array(q.length));
  const acts = SIZES.slice(0, -1).map((s) => new Float64Array(s));
  const pre = SIZES.slice(1).map((s) => new Float64Array(s));
  const deltas = SIZES.slice(1).map((s) => new Float64Array(s));
  const probs = new Float64Array(K);
  let step = 0;
  for (let start = 0; start < n; start += BATCH) {
    const end = Math.min(n, start + BATCH);
    for (const g of grads) g.fill(0);
    for (let row = start; row < end; row++) {
      acts[0]!.set(X.subarray(row * d, (row + 1) * d));
      for (let l = 0; l < L; l++) {
        const fin = SIZES[l]!, m = SIZES[l + 1]!, W = net.W[l]!, a = acts[l]!, z = pre[l]!;
        for (let i = 0; i < m; i++) {
          let s = net.b[l]![i]!;
          for (let j = 0; j < fin; j++) s += W[i * fin + j]! * a[j]!;
          z[i] = s;
        }
        if (l < L - 1) for (let i = 0; i < m; i++) acts[l + 1]![i] = z[i]! > 0 ? z[i]! : 0;
      }
      const z = pre[L - 1]!;
      let zmax = -Infinity;
      for (let i = 0; i < K; i++) zmax = Math.max(zmax, z[i]!);
      let sum = 0;
      for (let i = 0; i < K; i++) sum += probs[i] = Math.exp(z[i]! - zmax);
      for (let i = 0; i < K; i++) deltas[L - 1]![i] = probs[i]! / sum - (i === y[row] ? 1 : 0);
      for (let l = L - 1; l >= 0; l--) {
        const fin = SIZES[l]!, m = SIZES[l + 1]!, dl = deltas[l]!, a = acts[l]!, gW = grads[l]!, gb = grads[L + l]!, W = net.W[l]!;
        for (let i = 0; i < m; i++) {
          const di = dl[i]!;
          gb[i] = gb[i]! + di;
          for (let j = 0; j < fin; j++) gW[i * fin + j] = gW[i * fin + j]! + di * a[j]!;
        }
        if (l > 0) {
          const prev = deltas[l - 1]!, zp = pre[l - 1]!;
          for (let j = 0; j < fin; j++) {
            let s = 0;
            if (zp[j]! > 0) for (let i = 0; i < m; i++) s += W[i * fin + j]! * dl[i]!;
            prev[j] = s;
          }
        }
      }
    }
    step++;
    const scale = 1 / (end - start), c1 = 1 - 0.9 ** step, c2 = 1 - 0.999 ** step;
    params.forEach((q, k) => {
      const g = grads[k]!, v1 = m1[k]!, v2 = m2[k]!;
      for (let i = 0; i < q.length; i++) {
        const gi = g[i]! * scale;
        v1[i] = 0.9 * v1[i]! + 0.1 * gi;
        v2[i] = 0.999 * v2[i]! + 0.001 * gi * gi;
        q[i] = q[i]! - (lr * (v1[i]! / c1)) / (Math.sqrt(v2[i]! / c2) + 1e-8);
      }
    });
  }
}

/** One epoch of the 64-64-32-10 digits MLP: nn.train vs the plain-TS loops (one case, n = 1347 examples). */
export function benchTrainEpoch(ctx: BenchContext): CaseResult[] {
  const { train } = digitsData();
  const n = train.X.length, d = SIZES[0]!;
  const X = new Float64Array(n * d);
  train.X.forEach((r, i) => X.set(r, i * d));
  const y = Int32Array.from(train.y);
  const init = nn.initMlp(SIZES, { seed: SEED }); // W as [in, out] for x·W
  const W0 = init.layers.map((l) => l.W.toArray() as Float64Array);
  for (const l of init.layers) (l.W.free(), l.b!.free());
  // the same weights in the plain layout (out × in)
  const transpose = (w: Float64Array, rows: number, cols: number): Float64Array => Float64Array.from({ length: rows * cols }, (_, k) => w[(k % rows) * cols + Math.floor(k / rows)]!);
  const plain: PlainMlp = { W: [], b: [] };
  const engine = init.layers.map((_, l) => ({ W: nn.zeros([SIZES[l]!, SIZES[l + 1]!]), b: nn.zeros([SIZES[l + 1]!]) }));
  const resetPlain = (): void => {
    plain.W = W0.map((w, l) => transpose(w, SIZES[l]!, SIZES[l + 1]!));
    plain.b = SIZES.slice(1).map((m) => new Float64Array(m));
  };
  const resetEngine = (): void => engine.forEach((l, i) => (l.W.view().set(W0[i]!), l.b.view().fill(0)));
  const loss = (p: nn.MlpParams, x: nn.Tensor, t: nn.Targets): nn.Tensor => nn.softmaxCrossEntropy(nn.mlp(p, x), t as Int32Array);
  const data = { X: train.X, y: train.y };
  const calls = {
    engine: () => {
      resetEngine();
      nn.train({ params: { layers: engine }, loss }, data, { epochs: 1, batchSize: BATCH, shuffle: false, optimizer: nn.adam({ learningRate: LR }) });
    },
    plainTS: () => {
      resetPlain();
      plainEpoch(plain, X, y, LR);
    },
  };
  try {
    const check = (when: string): void => {
      calls.engine();
      calls.plainTS();
      engine.forEach((l, i) => {
        assertClose(`train epoch W${i}${when}`, transpose(l.W.toArray() as Float64Array, SIZES[i]!, SIZES[i + 1]!), plain.W[i]!, 1e-9);
        assertClose(`train epoch b${i}${when}`, l.b.toArray(), plain.b[i]!, 1e-9);
      });
    };
    check('');
    const names = { engine: 'nn.train + nn.adam (tensors, tape, SIMD matmul)', plainTS: 'plain TS per-example backprop + Adam' };
    const keys = Object.keys(calls) as (keyof typeof calls)[];
    const { rounds, timings } = measure(keys.map((key) => ({ name: names[key], fn: calls[key] })), ctx.timer);
    check(' (after timing)');
    const results: CandidateResult[] = timings.map((t, i) => ({ key: keys[i]!, ...t, elementsPerSec: n / t.median }));
    const median = (key: string): number => results.find((r) => r.key === key)!.median;
    return [{
      kernel: 'nnTrainEpoch',
      n,
      seed: SEED,
      inputs: 1,
      params: { batch: BATCH, hidden1: SIZES[1]!, hidden2: SIZES[2]! },
      rounds,
      candidates: results,
      ratios: { 'nn.train vs plain-TS': median('plainTS') / median('engine') },
    }];
  } finally {
    for (const l of engine) (l.W.free(), l.b.free());
  }
}
