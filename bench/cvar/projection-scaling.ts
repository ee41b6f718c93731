/**
 * How the CVaR-set projection (cvarQp's z-step) scales with the number of scenarios m: CPU time of the
 * WASM kernels on data already in WASM memory, m = 10³ … 10⁶ (quick: … 10⁵), against a sort of the same
 * m doubles (Float64Array.prototype.sort, an O(m log m) yardstick), with the growth exponent b of
 * t ≈ c·m^b fitted by least squares on log t over m ≥ 10⁵ (where the vectors no longer fit in cache).
 *
 * node bench/cvar/run.mjs projection-scaling [--quick] [--out docs/experiments]
 *
 * Data (seeded): v ~ N(0, 1)^m; weights 10^U(0, 1) normalised (a factor 10 between scenarios); β = 0.95;
 * κ = CVaR_β(v) − 0.5, so every projection moves v. Candidates:
 * - equal weights: projectCvarSet (a walk over the sorted top of v, O(m + r log r));
 * - weights, cold: the weighted projection from scratch (safeguarded Newton, O(m) per pass);
 * - weights, warm: the same started from the multiplier of a nearby point v + 10⁻³·N(0, 1), as cvarQp's
 *   iterations start it from the previous iteration's;
 * - sort: a copy of v sorted (the cost of a sort-based projection's first step).
 * Each time is the median CPU time (process.cpuUsage) of repeated runs (at least 5 batches and 0.3 s):
 * on a shared machine wall time would measure the other processes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocF64, cvar, init, rng } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { f64View } from '../../bindings/runtime/memory.js';
import { lineFigure } from '../../bindings/plot/svg.js';
import { normalizeWeights, weightedCvarAndVar } from '../../bindings/cvar/weighted.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
const sizes = quick ? [1e3, 1e4, 3e4, 1e5] : [1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6];
const beta = 0.95;

await init();
const X = wasm('projection-scaling');

// CPU time of this process, not wall time: on a shared machine (load ≫ cores) a call longer than a
// scheduler slice is preempted, and its wall time measures the other processes (seen: 20× at m = 2·10⁵)
const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
/** Median CPU milliseconds of f over batches of calls (batches of ≥ 2 ms, so the µs clock resolves them), ≥ 5 batches and 0.3 s. */
function median(f: () => void): number {
  const times: number[] = [];
  const start = cpuMs();
  let reps = 1;
  while (times.length < 5 || (cpuMs() - start < 300 && times.length < 200)) {
    const t = cpuMs();
    for (let r = 0; r < reps; r++) f();
    const dt = cpuMs() - t;
    if (dt < 2 && reps < 1e6) { reps *= 2; continue; }
    times.push(dt / reps);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

interface Row { m: number; equalMs: number; coldMs: number; warmMs: number; sortMs: number; coldPasses: number; warmPasses: number; maxDiffWarmCold: number }
const rows: Row[] = [];
for (const m of sizes) {
  const g = rng(700 + m);
  const v = g.normal(m);
  const p = normalizeWeights(g.uniform(m).map((t) => 10 ** t));
  const near = g.normal(m).map((t, i) => v[i]! + 1e-3 * t);
  const alpha = 1 - beta;
  const kEq = alpha * m;
  const kappaEq = cvar(v, beta) - 0.5;
  const kappaW = weightedCvarAndVar('projection-scaling', v, p, beta).cvar - 0.5;
  const bv = allocF64(v), bp = allocF64(p), bNear = allocF64(near), bOut = allocF64(m), bS = allocF64(2 * m), bInfo = allocF64(3), bOut2 = allocF64(m);
  const equal = (): void => { X.projectCvarSet(bv.ptr, m, kEq, kappaEq, bS.ptr, bOut.ptr, bInfo.ptr); };
  const cold = (): void => {
    bInfo.view().fill(0);
    X.projectWeightedCvarSet(bv.ptr, bp.ptr, m, alpha, kappaW, bS.ptr, bOut.ptr, bInfo.ptr);
  };
  // the multiplier of the nearby point, as the warm start
  bInfo.view().fill(0);
  X.projectWeightedCvarSet(bNear.ptr, bp.ptr, m, alpha, kappaW, bS.ptr, bOut2.ptr, bInfo.ptr);
  const muNear = bInfo.view()[1]!;
  const warm = (): void => {
    const I = bInfo.view();
    I[1] = muNear;
    X.projectWeightedCvarSet(bv.ptr, bp.ptr, m, alpha, kappaW, bS.ptr, bOut2.ptr, bInfo.ptr);
  };
  const sorted = new Float64Array(m);
  const sort = (): void => { sorted.set(v); sorted.sort(); };
  cold();
  const coldPasses = bInfo.view()[2]!;
  warm();
  const warmPasses = bInfo.view()[2]!;
  let maxDiff = 0;
  { const a = f64View(X, bOut.ptr, m), b = f64View(X, bOut2.ptr, m); for (let i = 0; i < m; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!)); }
  const row: Row = { m, equalMs: median(equal), coldMs: median(cold), warmMs: median(warm), sortMs: median(sort), coldPasses, warmPasses, maxDiffWarmCold: maxDiff };
  rows.push(row);
  for (const b of [bv, bp, bNear, bOut, bS, bInfo, bOut2]) b.free();
  process.stderr.write(`m = ${m}: equal ${row.equalMs.toFixed(3)} ms, weighted cold ${row.coldMs.toFixed(3)} ms (${coldPasses} passes), warm ${row.warmMs.toFixed(3)} ms (${warmPasses} passes), sort ${row.sortMs.toFixed(3)} ms\n`);
}

// the fit starts where the data leave the caches (m ≥ 10⁵: 0.8 MB per vector), or at 10⁴ in a quick run
const fitFrom = rows.filter((r) => r.m >= 1e5).length >= 3 ? 1e5 : 1e4;
/** Least-squares slope of log t against log m over the rows with m ≥ fitFrom. */
function exponent(key: keyof Row): number {
  const pts = rows.filter((r) => r.m >= fitFrom).map((r) => [Math.log(r.m), Math.log(r[key] as number)] as const);
  const mx = pts.reduce((s, [x]) => s + x, 0) / pts.length;
  const my = pts.reduce((s, [, y]) => s + y, 0) / pts.length;
  let sxy = 0, sxx = 0;
  for (const [x, y] of pts) { sxy += (x - mx) * (y - my); sxx += (x - mx) ** 2; }
  return sxy / sxx;
}
const exponents = { equal: exponent('equalMs'), weightedCold: exponent('coldMs'), weightedWarm: exponent('warmMs'), sort: exponent('sortMs') };
process.stderr.write(`fitted exponents (m ≥ ${fitFrom}): ${JSON.stringify(exponents)}\n`);

const ms = rows.map((r) => r.m);
const svg = lineFigure({
  title: `CVaR-set projection at β = ${beta}: CPU time against the number of scenarios`,
  columns: 2,
  width: 960,
  panels: [
    {
      title: 'CPU time', x: { label: 'scenarios m', scale: 'log' }, y: { label: 'ms', scale: 'log' },
      series: [
        { name: 'equal weights (projectCvarSet)', x: ms, y: rows.map((r) => r.equalMs) },
        { name: 'weights, cold start', x: ms, y: rows.map((r) => r.coldMs) },
        { name: 'weights, warm start', x: ms, y: rows.map((r) => r.warmMs) },
        { name: 'sort of m doubles (JS)', x: ms, y: rows.map((r) => r.sortMs) },
      ],
    },
    {
      title: 'per scenario', x: { label: 'scenarios m', scale: 'log' }, y: { label: 'ns per scenario', scale: 'log' },
      series: [
        { name: 'equal weights (projectCvarSet)', x: ms, y: rows.map((r) => (1e6 * r.equalMs) / r.m) },
        { name: 'weights, cold start', x: ms, y: rows.map((r) => (1e6 * r.coldMs) / r.m) },
        { name: 'weights, warm start', x: ms, y: rows.map((r) => (1e6 * r.warmMs) / r.m) },
        { name: 'sort of m doubles (JS)', x: ms, y: rows.map((r) => (1e6 * r.sortMs) / r.m) },
      ],
    },
  ],
  caption: `v ~ N(0, 1), weights 10^U(0,1), κ = CVaR − 0.5; median CPU times of repeated runs on data in WASM memory. Fitted exponents b of t ∝ m^b over m ≥ ${fitFrom}: equal ${exponents.equal.toFixed(2)}, weighted cold ${exponents.weightedCold.toFixed(2)}, warm ${exponents.weightedWarm.toFixed(2)}, sort ${exponents.sort.toFixed(2)}. Shared 2-core machine.`,
});
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'cvar-projection-scaling.json'), JSON.stringify({ command: `node bench/cvar/run.mjs projection-scaling${quick ? ' --quick' : ''}`, beta, fitFrom, exponents, rows }, null, 1) + '\n');
writeFileSync(join(outDir, 'cvar-projection-scaling.svg'), svg);
process.stderr.write(`wrote ${join(outDir, 'cvar-projection-scaling.json')} and .svg\n`);
