// Lazy-cost Sinkhorn (sinkhornLazy) at n = m = 10⁵ points, and lazy vs dense log-domain Sinkhorn at sizes
// where the dense cost fits; also GW conditional-gradient time per iteration.
//   node scripts/run-experiment.mjs ot-lazy [--quick]
// Writes docs/experiments/ot-lazy.json. Timings are wall-clock on whatever machine runs it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { costMatrix, gromovWasserstein, init, memoryStats, rng, sinkhorn, sinkhornLazy } from '../bindings/index.js';
import { lineFigure } from '../bindings/plot/svg.js';

const quick = process.argv.includes('--quick');
await init();

function cloud(seed: number, n: number, d: number): Float64Array {
  return rng(seed).uniform(n * d);
}

const out: Record<string, unknown> = { quick, node: process.version };

// 1) large: n = m = 10⁵ in 2-D (or 10⁴ with --quick), a fixed number of iterations. Each iteration is
// timed through the public `signal` option: its `aborted` getter is read once at the top of every
// iteration, so consecutive reads bracket exactly one iteration (two half-steps); the last iteration
// also runs the marginal check and is not timed. Wall-clock and process
// CPU time are both recorded (CPU time is what the run costs; wall-clock also counts other jobs).
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2; };
const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const only = ((): string | undefined => { const k = process.argv.indexOf('--only'); return k >= 0 ? process.argv[k + 1] : undefined; })();
if (only === undefined || only === 'large') {
  const n = quick ? 10_000 : 100_000;
  const d = 2;
  const iters = 4;
  const X = { data: cloud(1, n, d), rows: n, cols: d };
  const Y = { data: cloud(2, n, d), rows: n, cols: d };
  const rss0 = process.memoryUsage().rss;
  const peak0 = process.resourceUsage().maxRSS * 1024;
  const wall: number[] = [], cpu: number[] = [];
  const stamps: [number, number][] = [];
  const signal = { get aborted(): boolean { stamps.push([performance.now(), cpuMs()]); return false; } };
  const t0 = performance.now(), c0 = cpuMs();
  // checkEvery > maxIter: the marginal check runs once, inside the last iteration (excluded from the medians)
  const r = sinkhornLazy(X, Y, { reg: 0.01, maxIter: iters, checkEvery: iters + 1, signal });
  const totalWall = performance.now() - t0, totalCpu = cpuMs() - c0;
  // stamps[0] is the option check (readSignal reads `aborted` once before the loop): intervals start at stamps[1]
  for (let k = 2; k < stamps.length; k++) { wall.push(stamps[k]![0] - stamps[k - 1]![0]); cpu.push(stamps[k]![1] - stamps[k - 1]![1]); }
  const wasmBytes = memoryStats().memoryBytes;
  const row = {
    n, m: n, d, reg: 0.01, iterations: r.iterations, timedIterations: wall.length,
    wallMsPerIteration: wall, cpuMsPerIteration: cpu, medianWallMs: median(wall), medianCpuMs: median(cpu),
    nsPerCostEvaluation: (median(cpu) * 1e6) / (2 * n * n), totalWallMs: totalWall, totalCpuMs: totalCpu,
    loadAverageAfter: (await import('node:os')).loadavg(),
    marginalError: r.marginalError, wasmMemoryBytes: wasmBytes, rssGrowthBytes: process.memoryUsage().rss - rss0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024, peakRssBeforeBytes: peak0, denseCostBytes: 8 * n * n,
  };
  console.log('lazy large', row);
  out.large = row;
}

// 2) lazy vs dense (cost matrix + log-domain sinkhorn), same iterations, n = m; the two alternate
// (interleaved) `reps` times and the medians of process CPU time are reported.
if (only === undefined || only === 'vsdense') {
  const rows: unknown[] = [];
  const reps = quick ? 3 : 7;
  for (const n of quick ? [500, 1000] : [500, 1000, 2000, 4000]) {
    const d = 2;
    const X = { data: cloud(3, n, d), rows: n, cols: d };
    const Y = { data: cloud(4, n, d), rows: n, cols: d };
    const a = new Float64Array(n).fill(1 / n);
    const iters = 10;
    const lazy: number[] = [], dense: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      let c0 = cpuMs();
      sinkhornLazy(X, Y, { reg: 0.01, maxIter: iters, checkEvery: iters * 10, tol: 0 }).f;
      lazy.push((cpuMs() - c0) / iters);
      c0 = cpuMs();
      const C = costMatrix(X, Y);
      sinkhorn(a, a, C, { reg: 0.01, method: 'log', maxIter: iters, checkEvery: iters * 10, tol: 0 });
      dense.push((cpuMs() - c0) / iters);
    }
    const row = {
      n, iterations: iters, reps, lazyCpuMsPerIteration: median(lazy), denseLogCpuMsPerIteration: median(dense),
      lazyAll: lazy, denseAll: dense, denseCostBytes: 8 * n * n, loadAverage: (await import('node:os')).loadavg(),
    };
    console.log('lazy vs dense', row);
    rows.push(row);
  }
  out.lazyVsDense = rows;
}

// 3) GW: time per conditional-gradient iteration (Euclidean distance matrices of random 2-D clouds)
if (only === undefined || only === 'gw') {
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
    // the product start only (spectral: 0): one conditional-gradient run, so time / iterations is per iteration
    const c0 = cpuMs();
    const r = gromovWasserstein(C1, C2, w, w, { spectral: 0 });
    const ms = cpuMs() - c0;
    const row = { n, iterations: r.iterations, cpuMsPerIteration: ms / r.iterations, value: r.value };
    console.log('gw', row);
    rows.push(row);
  }
  out.gw = rows;
}

mkdirSync('docs/experiments', { recursive: true });
// Sections run separately (--only) replace their own entry in the existing file.
const file = join('docs/experiments', quick ? 'ot-lazy-quick.json' : 'ot-lazy.json');
const prev = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
const all = { ...prev, ...out } as Record<string, unknown>;
writeFileSync(file, JSON.stringify(all, null, 2) + '\n');

// Figure from the merged results: CPU ms per iteration, lazy vs stored cost, and ns per cost evaluation
// (one evaluation = one (i, j) pair in one half-step) up to the n = 10⁵ run.
const vs = (all.lazyVsDense ?? []) as { n: number; lazyCpuMsPerIteration?: number; denseLogCpuMsPerIteration?: number }[];
const big = all.large as { n: number; medianCpuMs: number; nsPerCostEvaluation: number } | undefined;
if (vs.length > 0 && vs[0]!.lazyCpuMsPerIteration !== undefined) {
  const ns = (ms: number, n: number): number => (ms * 1e6) / (2 * n * n);
  writeFileSync(file.replace(/\.json$/, '.svg'), lineFigure({
    title: 'Log-domain Sinkhorn with the cost recomputed on the fly (sinkhornLazy) vs stored (costMatrix + sinkhorn log), 2-D clouds',
    panels: [
      { title: 'CPU time per iteration (medians, interleaved)', x: { label: 'points per cloud n = m', scale: 'log' }, y: { label: 'ms per iteration', scale: 'log' }, series: [
        { name: 'lazy cost', x: vs.map((r) => r.n), y: vs.map((r) => r.lazyCpuMsPerIteration!) },
        { name: 'stored cost', x: vs.map((r) => r.n), y: vs.map((r) => r.denseLogCpuMsPerIteration!) },
      ] },
      { title: 'lazy: ns per cost evaluation (incl. n = 10⁵)', x: { label: 'points per cloud n = m', scale: 'log' }, y: { label: 'ns per (i, j) per half-step', zero: true }, series: [
        { name: 'lazy cost', x: [...vs.map((r) => r.n), ...(big ? [big.n] : [])], y: [...vs.map((r) => ns(r.lazyCpuMsPerIteration!, r.n)), ...(big ? [big.nsPerCostEvaluation] : [])] },
      ] },
    ],
    caption: 'Process CPU time, so other jobs on the shared machine count less than in wall-clock time. The stored cost needs 8·n·m bytes (32 MB at n = 2000, 80 GB at 10⁵); the lazy one O((n + m)·d). Both evaluate one exponential per entry and half-step.',
  }));
}
