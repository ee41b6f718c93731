/**
 * The federated family.
 *
 * fedRound: one server round in which all 100 clients train, sequentially (simulateFederated) and on
 * a 2-thread worker pool (simulateFederatedAsync + scale.workerPool). The pool's workers load the
 * built package (dist/scale-worker.js, which scripts/bench.mjs builds first). Both runs must give the
 * same bits (checked before timing). Workloads by n:
 *   1e3: the digits over 100 clients with Dirichlet-0.6 label skew, 1 local epoch (~14 rows each);
 *   1e5: FedProx's synthetic(1, 1) on 100 devices, 2 local epochs;
 *   1e6: the same, 20 local epochs (the paper's E).
 * Timed as whole rounds, alternating the two paths (the harness's timer is synchronous): 3 rounds each
 * in --quick, 7 otherwise. "elements/s" is clients per second.
 *
 * gossipProx: one decentralized step's communication and prox on 16 nodes of a ring: gossip x ← Wx,
 * then the ℓ1 prox of every node (λ·η = 1e-3), as decentralizedTrain does it (the WASM gossip kernel
 * and normL1's WASM prox) and in plain TS (the same loops over Float64Arrays). n is the total number of
 * entries (16 nodes × n/16); "per node" is the median divided by 16.
 */
import { federated, normL1, scale } from '../../bindings/index.js';
import { digits } from '../../bindings/datasets.js';
import { mixPlain } from '../../bindings/federated/decentralized.js';
import { rng } from '../../bindings/rng.js';
import { assertClose, measure, type BenchContext, type CandidateResult, type CaseResult } from '../harness.js';

const SEED = 1;
const now = (): number => performance.now();

function roundData(n: number): { data: federated.FedDataset; epochs: number } {
  if (n <= 1e3) {
    const { images, labels } = digits();
    const X = new Float64Array(images.length * 64);
    images.forEach((r, i) => r.forEach((v, j) => (X[i * 64 + j] = v / 16)));
    return { data: federated.partitionClients(X, labels, 64, { clients: 100, split: 'dirichlet', alpha: 0.6, seed: SEED }), epochs: 1 };
  }
  return { data: federated.fedproxSynthetic({ clients: 100, seed: SEED }), epochs: n <= 1e5 ? 2 : 20 };
}

export async function benchFedRound(ctx: BenchContext): Promise<CaseResult[]> {
  const n = ctx.sizes[0]!;
  const { data, epochs } = roundData(n);
  const quick = ctx.timer.maxRounds <= 7;
  const options = { rounds: 1, clientsPerRound: 100, epochs, batchSize: 10, learningRate: 0.01, rule: federated.fedProx({ mu: 0.1 }), seed: SEED };
  // the bench bundle sits in build/: the worker entry is the built package's
  const pool = await scale.workerPool({ workers: 2, worker: new URL('../dist/scale-worker.js', import.meta.url) });
  try {
    const seq = () => federated.simulateFederated(data, options);
    const par = () => federated.simulateFederatedAsync(data, { ...options, executor: pool });
    const a = seq(), b = await par();
    if (!a.params.every((v, i) => Object.is(v, b.params[i]))) throw new Error('fedRound: the pool run differs from the sequential run');
    const rounds = quick ? 3 : 7;
    const samples: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const j of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const t0 = now();
        if (j === 0) seq();
        else await par();
        samples[j]!.push((now() - t0) / 1000);
      }
    }
    const rows = data.clients.reduce((s, c) => s + c.y.length, 0);
    const names = ['one round, sequential', 'one round, 2-worker pool'];
    const keys = ['sequential', 'pool'];
    const results: CandidateResult[] = samples.map((s, j) => {
      const sorted = [...s].sort((x, y) => x - y);
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1) + 0.5))]!;
      return { key: keys[j]!, name: names[j]!, batch: 1, median: q(0.5), p25: q(0.25), p75: q(0.75), min: sorted[0]!, samples: s, elementsPerSec: 100 / q(0.5) };
    });
    return [{
      kernel: 'fedRound', n, seed: SEED, inputs: 1, params: { clients: 100, epochs, rows, workers: 2, dim: data.dim },
      rounds, candidates: results, ratios: { 'sequential/pool': results[0]!.median / results[1]!.median },
    }];
  } finally {
    await pool.close();
  }
}

const NODES = 16;

/** Soft threshold in plain TS (the reference of normL1's prox). */
function softPlain(v: Float64Array, t: number): void {
  for (let k = 0; k < v.length; k++) {
    const a = v[k]!;
    v[k] = a > t ? a - t : a < -t ? a + t : 0;
  }
}

export function benchGossipProx(ctx: BenchContext): CaseResult[] {
  const n = ctx.sizes[0]!;
  const d = Math.max(1, Math.round(n / NODES));
  const W = federated.mixingMatrix(federated.ringGraph(NODES));
  const R = rng(SEED);
  const x = Array.from({ length: NODES }, () => R.normal(d).map((v) => v * 0.01));
  const t = 1e-3;
  const op = normL1(1);
  let outW: Float64Array[] = [], outP: Float64Array[] = [];
  const wasm = () => {
    outW = federated.gossip(W, x);
    for (const v of outW) op.prox(v, t, v);
  };
  const plain = () => {
    outP = mixPlain(W, x);
    for (const v of outP) softPlain(v, t);
  };
  const check = (when: string) => {
    wasm();
    plain();
    for (let i = 0; i < NODES; i++) assertClose(`gossipProx${when} node ${i}`, outW[i]!, outP[i]!, 1e-15);
  };
  check('');
  const keys = ['wasm', 'plain'] as const;
  const names = { wasm: 'gossip + ℓ1 prox (WASM kernels, public API)', plain: 'gossip + ℓ1 prox (plain TS)' };
  const calls = { wasm, plain };
  const { rounds, timings } = measure(keys.map((key) => ({ name: names[key], fn: calls[key] })), ctx.timer);
  check(' (after timing)');
  const results: CandidateResult[] = timings.map((tm, i) => ({ key: keys[i]!, ...tm, elementsPerSec: (NODES * d) / tm.median }));
  const median = (key: string): number => results.find((r) => r.key === key)!.median;
  return [{
    kernel: 'gossipProx', n: NODES * d, seed: SEED, inputs: 1, params: { nodes: NODES, perNode: d, degree: 2, perNodeMicroseconds: Math.round((median('wasm') / NODES) * 1e7) / 10 },
    rounds, candidates: results, ratios: { 'plain/wasm': median('plain') / median('wasm') },
  }];
}
