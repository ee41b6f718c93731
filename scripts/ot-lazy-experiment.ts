// Lazy-cost Sinkhorn (sinkhornLazy) at n = m = 10⁵ points, and lazy vs dense log-domain Sinkhorn at sizes
// where the dense cost fits; also GW conditional-gradient time per iteration.
//   node scripts/run-experiment.mjs ot-lazy [--quick]
// Writes docs/experiments/ot-lazy.json. Timings are wall-clock on whatever machine runs it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { costMatrix, gromovWasserstein, init, memoryStats, rng, sinkhorn, sinkhornLazy } from '../bindings/index.js';

const quick = process.argv.includes('--quick');
await init();

function cloud(seed: number, n: number, d: number): Float64Array {
  return rng(seed).uniform(n * d);
}

const out: Record<string, unknown> = { quick, node: process.version };

// 1) large: n = m = 10⁵ in 2-D (or 10⁴ with --quick), a fixed number of iterations
{
  const n = quick ? 10_000 : 100_000;
  const d = 2;
  const iters = quick ? 4 : 1;
  const X = { data: cloud(1, n, d), rows: n, cols: d };
  const Y = { data: cloud(2, n, d), rows: n, cols: d };
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = sinkhornLazy(X, Y, { reg: 0.01, maxIter: iters, checkEvery: iters });
  const ms = performance.now() - t0;
  const wasmBytes = memoryStats().memoryBytes;
  const row = {
    n, m: n, d, reg: 0.01, iterations: r.iterations, msPerIteration: ms / (r.iterations + 1 / 2), // + the marginal check (one half-step)
    marginalError: r.marginalError, wasmMemoryBytes: wasmBytes, rssGrowthBytes: process.memoryUsage().rss - rss0,
    denseCostBytes: 8 * n * n,
  };
  console.log('lazy large', row);
  out.large = row;
}

// 2) lazy vs dense (cost matrix + log-domain sinkhorn), same iterations, n = m
{
  const rows: unknown[] = [];
  for (const n of quick ? [500, 1000] : [500, 1000, 2000]) {
    const d = 2;
    const X = { data: cloud(3, n, d), rows: n, cols: d };
    const Y = { data: cloud(4, n, d), rows: n, cols: d };
    const a = new Float64Array(n).fill(1 / n);
    const iters = 20;
    let t0 = performance.now();
    sinkhornLazy(X, Y, { reg: 0.01, maxIter: iters, checkEvery: iters * 10, tol: 0 });
    const lazyMs = (performance.now() - t0) / iters;
    t0 = performance.now();
    const C = costMatrix(X, Y);
    sinkhorn(a, a, C, { reg: 0.01, method: 'log', maxIter: iters, checkEvery: iters * 10, tol: 0 });
    const denseMs = (performance.now() - t0) / iters;
    const row = { n, iterations: iters, lazyMsPerIteration: lazyMs, denseLogMsPerIteration: denseMs, denseCostBytes: 8 * n * n };
    console.log('lazy vs dense', row);
    rows.push(row);
  }
  out.lazyVsDense = rows;
}

// 3) GW: time per conditional-gradient iteration (Euclidean distance matrices of random 2-D clouds)
{
  const rows: unknown[] = [];
  for (const n of quick ? [50, 100] : [50, 100, 200]) {
    const P = cloud(5, n, 2), Q = cloud(6, n, 2);
    const dist = (Z: Float64Array): Float64Array => {
      const D = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = Math.hypot(Z[2 * i]! - Z[2 * j]!, Z[2 * i + 1]! - Z[2 * j + 1]!);
      return D;
    };
    const C1 = dist(P), C2 = dist(Q);
    const w = new Float64Array(n).fill(1 / n);
    const t0 = performance.now();
    const r = gromovWasserstein(C1, C2, w, w);
    const ms = performance.now() - t0;
    const row = { n, iterations: r.iterations, msPerIteration: ms / r.iterations, value: r.value };
    console.log('gw', row);
    rows.push(row);
  }
  out.gw = rows;
}

mkdirSync('docs/experiments', { recursive: true });
writeFileSync(join('docs/experiments', quick ? 'ot-lazy-quick.json' : 'ot-lazy.json'), JSON.stringify(out, null, 2) + '\n');
