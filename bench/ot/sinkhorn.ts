/**
 * The ot family's Sinkhorn benches.
 *
 * sinkhorn / sinkhornF32: ONE Sinkhorn iteration (w = Kᵀu, v = b ⊘ w, K v, u = a ⊘ K v; K precomputed,
 * u reset to 1/n before each call) at n = m = 256, 1024, 2048 (bench sizes 1e3, 1e5, 1e6): the raw
 * WASM kernels that `sinkhorn` runs (f64: otKtu + otKvPairs; f32: otStepF32x4, K v and the next Kᵀu
 * in f32x4 lanes with one pass over K, assembly/ot/f32x4.ts) against the same iteration in plain TS
 * (f64 K in a Float64Array / f32 K in a Float32Array, f64 sums). The case's `n` is the flop count of an iteration, 4·n·m (two
 * mat-vecs of 2·n·m flops; the 2(n + m) divisions are not counted), so its "elements/s" column is
 * FLOP/s. Points uniform in [0, 1]², squared-Euclidean cost, reg 0.1, uniform marginals; fixed seeds.
 * Outputs (u scaled by its largest entry) are checked against the plain-TS loop before and after timing.
 *
 * sinkhornBatch: 10, 100, 1000 problems of n = m = 32 sharing M (sizes 1e3, 1e5, 1e6), 100
 * iterations each: sinkhornBatch vs the same problems as separate sinkhorn calls vs a plain-TS batch
 * (K = exp(−M/reg) once, the same loop per problem, plans assembled).
 *
 * sinkhornBatchLog: the same problem counts (10, 100, 1000 of n = m = 32) at reg 1e-3 (where the Gibbs
 * kernel underflows: plain scaling would fall back) with method 'log', 20 iterations each (an iteration
 * costs 2·n·m exp per problem): sinkhornBatch (batched log kernel) vs separate sinkhorn(…, { method:
 * 'log' }) calls vs a plain-TS batch (L = −M/reg once, the max-shifted log-sum-exp loop per problem).
 */
import { allocF64, costMatrix, rng, sinkhorn, sinkhornBatch, type SinkhornOptions, type SinkhornResult } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

const SIDES: Record<number, number> = { 1e3: 256, 1e5: 1024, 1e6: 2048 };
const REG = 0.1;

/**
 * The Sinkhorn loop in plain TS: K row-major n × m (a Float64Array or a Float32Array read into f64
 * sums), u, v updated in place from u = 1/n, v = 1/m.
 */
export function sinkhornLoopPlain(K: Float64Array | Float32Array, n: number, m: number, a: ArrayLike<number>, b: ArrayLike<number>, iters: number, u: Float64Array, v: Float64Array, w = new Float64Array(m)): void {
  u.fill(1 / n);
  v.fill(1 / m);
  for (let t = 0; t < iters; t++) {
    w.fill(0);
    for (let i = 0; i < n; i++) {
      const ui = u[i]!;
      const o = i * m;
      for (let j = 0; j < m; j++) w[j] = w[j]! + K[o + j]! * ui;
    }
    for (let j = 0; j < m; j++) v[j] = b[j]! / w[j]!;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const o = i * m;
      for (let j = 0; j < m; j++) s += K[o + j]! * v[j]!;
      u[i] = a[i]! / s;
    }
  }
}

const scaled = (u: ArrayLike<number>): Float64Array => {
  let mx = 0;
  for (let i = 0; i < u.length; i++) mx = Math.max(mx, Math.abs(u[i]!));
  return Float64Array.from(u, (x) => x / mx);
};

function benchIteration(ctx: BenchContext, precision: 'f64' | 'f32'): CaseResult[] {
  return ctx.sizes.map((size) => {
    const n = SIDES[size] ?? 256;
    const m = n;
    const seed = 7000 + n;
    const g = rng(seed);
    const M = costMatrix(g.uniform(2 * n), g.uniform(2 * m), { dim: 2 });
    const a = new Float64Array(n).fill(1 / n);
    const b = new Float64Array(m).fill(1 / m);
    const x = wasm('bench');
    const f32 = precision === 'f32';
    // K from the WASM kernel for every candidate (V8's Math.exp differs from AssemblyScript's in the last bit).
    const Mb = allocF64(M);
    const Kb = allocF64(f32 ? Math.ceil((n * m) / 2) : n * m);
    if ((f32 ? x.otGibbsF32x4 : x.otGibbs)(Mb.ptr, n * m, REG, Kb.ptr) !== 0) throw new Error('bench: non-finite K');
    const K = f32 ? new Float32Array(x.memory.buffer, Kb.ptr, n * m).slice() : Kb.toArray();
    const [ab, bb, ub, vb, kvb, wb] = [allocF64(a), allocF64(b), allocF64(n), allocF64(m), allocF64(n), allocF64(m)];
    const plainU = new Float64Array(n);
    const plainV = new Float64Array(m);
    const plainW = new Float64Array(m);
    sinkhornLoopPlain(K, n, m, a, b, 1, plainU, plainV, plainW);
    const reference = scaled(plainU);
    const Kv = x.otKvPairs;
    const Ktu = x.otKtu;
    // f32: what one iteration of sinkhorn(…, { precision: 'f32' }) runs: v = b ⊘ w, then u = a ⊘ K v and
    // the next w = Kᵀ u fused in one pass over K (otStepF32x4). w for u = 1/n is computed once here (u is
    // reset to 1/n before every f64 call, so both paths compute the same u from the same w).
    const sc = allocF64(n + 2 * m);
    const w0 = allocF64(m);
    if (f32) {
      ub.view().fill(1 / n);
      x.otKtuF32x4(Kb.ptr, n, m, ub.ptr, sc.ptr, w0.ptr);
    }
    const raw = f32
      ? (): void => {
          x.otScale(bb.ptr, w0.ptr, m, vb.ptr);
          x.otStepF32x4(Kb.ptr, n, m, ab.ptr, vb.ptr, sc.ptr, ub.ptr, wb.ptr);
        }
      : (): void => {
          ub.view().fill(1 / n);
          Ktu(Kb.ptr, n, m, ub.ptr, wb.ptr);
          x.otScale(bb.ptr, wb.ptr, m, vb.ptr);
          Kv(Kb.ptr, n, m, vb.ptr, kvb.ptr);
          x.otScale(ab.ptr, kvb.ptr, n, ub.ptr);
        };
    // f32 only: the f64 iteration on the same problem, interleaved, for the f32 / f64 ratio.
    const K64 = f32 ? allocF64(n * m) : null;
    if (K64) x.otGibbs(Mb.ptr, n * m, REG, K64.ptr);
    const f64Out = allocF64(n);
    const f64Iteration = (): void => {
      f64Out.view().fill(1 / n);
      x.otKtu(K64!.ptr, n, m, f64Out.ptr, wb.ptr);
      x.otScale(bb.ptr, wb.ptr, m, vb.ptr);
      x.otKvPairs(K64!.ptr, n, m, vb.ptr, kvb.ptr);
      x.otScale(ab.ptr, kvb.ptr, n, f64Out.ptr);
    };
    try {
      const candidates: CaseCandidate[] = [
        { key: 'raw', name: `WASM ${precision} kernels (${f32 ? 'otScale + otStepF32x4' : 'otKtu + otKvPairs'})`, call: raw, poison: () => ub.view().fill(NaN), output: () => scaled(ub.view()) },
        {
          key: 'plainTS', name: `plain TS, same iteration (${f32 ? 'Float32Array K' : 'Float64Array K'})`,
          call: () => sinkhornLoopPlain(K, n, m, a, b, 1, plainU, plainV, plainW), poison: () => plainU.fill(NaN), output: () => scaled(plainU),
        },
      ];
      if (f32) candidates.push({ key: 'f64', name: 'WASM f64 kernels, same problem (otKtu + otKvPairs)', call: f64Iteration, poison: () => f64Out.view().fill(NaN), output: () => scaled(f64Out.view()) });
      return runCase(
        // f32: the kernels sum in f32 lanes (each entry within 2e-6 relative, see assembly/ot/f32x4.ts), the
        // plain-TS loop in f64: their scaled u agree to ~1e-6, so the check allows 1e-5.
        {
          kernel: f32 ? 'sinkhornF32' : 'sinkhorn', n: 4 * n * m, seed, params: { n, m, flopsPerIteration: 4 * n * m, reg: REG }, tol: f32 ? 1e-5 : 1e-12,
          // Roofline: K read once per iteration (the f32 step does; the f64 one reads it twice, in two
          // mat-vecs) and 4·n·m flops; the f64 iteration of the f32 case on its own f64 K.
          roof: [
            { bytes: (f32 ? 4 : 8) * n * m, flops: 4 * n * m, pattern: 'read', precision: precision, keys: ['raw'] },
            { bytes: 8 * n * m, flops: 4 * n * m, pattern: 'read', precision: 'f64', keys: ['f64'] },
          ],
        },
        candidates,
        [reference],
        f32 ? { 'WASM f32 vs plain-TS': ['plainTS', 'raw'], 'WASM f32 vs WASM f64': ['f64', 'raw'] } : { 'WASM f64 vs plain-TS': ['plainTS', 'raw'] },
        ctx.timer,
      );
    } finally {
      for (const buf of [Mb, Kb, ab, bb, ub, vb, kvb, wb, sc, w0, f64Out]) buf.free();
      K64?.free();
    }
  });
}

/** One f64 Sinkhorn iteration at n = 256, 1024, 2048 (see the file's comment). */
export const benchSinkhorn = (ctx: BenchContext): CaseResult[] => benchIteration(ctx, 'f64');
/** One f32-kernel Sinkhorn iteration at n = 256, 1024, 2048 (see the file's comment). */
export const benchSinkhornF32 = (ctx: BenchContext): CaseResult[] => benchIteration(ctx, 'f32');

/** A random positive histogram (uniform + 0.1, normalised) drawn from g. */
export function randomHistogram(g: ReturnType<typeof rng>, n: number): Float64Array {
  const h = g.uniform(n).map((x) => x + 0.1);
  const t = h.reduce((acc, x) => acc + x, 0);
  return h.map((x) => x / t);
}

const BATCH_COUNTS: Record<number, number> = { 1e3: 10, 1e5: 100, 1e6: 1000 };
const BATCH_N = 32;
const BATCH_ITERS = 100;

/** The batch in plain TS: K = exp(−M/reg) once, then per problem the same loop and its plan, written into `out`. */
function batchPlain(M: Float64Array, n: number, as: Float64Array[], bs: Float64Array[], reg: number, iters: number, out: Float64Array): void {
  const K = M.map((c) => Math.exp(-c / reg));
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  as.forEach((a, k) => {
    sinkhornLoopPlain(K, n, n, a, bs[k]!, iters, u, v, w);
    // sinkhorn ends each iteration with w = Kᵀu; the plan is diag(u) K diag(v).
    const o = k * n * n;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[o + i * n + j] = u[i]! * K[i * n + j]! * v[j]!;
  });
}

/** What differs between the two batch benches. */
interface BatchSpec {
  kernel: string;
  seed: number;
  opts: SinkhornOptions;
  names: { batch: string; separate: string; plainTS: string };
  /** The plain-TS batch: all plans written into `out`. */
  plain: (M: Float64Array, n: number, as: Float64Array[], bs: Float64Array[], out: Float64Array) => void;
}

/**
 * 10, 100, 1000 problems (bench sizes 1e3, 1e5, 1e6) of n = m = 32 sharing M (points uniform in [0, 1]²,
 * squared-Euclidean cost, random marginals): sinkhornBatch vs separate sinkhorn calls (each copies M and
 * computes its kernel) vs plain TS, all with `spec.opts`; output: all plans.
 */
function benchBatch(ctx: BenchContext, spec: BatchSpec): CaseResult[] {
  return ctx.sizes.map((size) => {
    const count = BATCH_COUNTS[size] ?? 10;
    const n = BATCH_N;
    const seed = spec.seed + count;
    const g = rng(seed);
    const M = costMatrix(g.uniform(2 * n), g.uniform(2 * n), { dim: 2 });
    const as = Array.from({ length: count }, () => randomHistogram(g, n));
    const bs = Array.from({ length: count }, () => randomHistogram(g, n));
    const opts = spec.opts;
    const all = new Float64Array(count * n * n);
    const batchOut = new Float64Array(count * n * n);
    const plainOut = new Float64Array(count * n * n);
    const separate = (): void => { as.forEach((a, k) => all.set(sinkhorn(a, bs[k]!, M, opts).plan, k * n * n)); };
    separate();
    const reference = all.slice();
    const candidates: CaseCandidate[] = [
      {
        key: 'batch', name: spec.names.batch,
        call: () => sinkhornBatch(as, bs, M, opts).forEach((r, k) => batchOut.set(r.plan, k * n * n)),
        poison: () => batchOut.fill(NaN), output: () => batchOut,
      },
      { key: 'separate', name: spec.names.separate, call: separate, poison: () => all.fill(NaN), output: () => all },
      { key: 'plainTS', name: spec.names.plainTS, call: () => spec.plain(M, n, as, bs, plainOut), poison: () => plainOut.fill(NaN), output: () => plainOut },
    ];
    return runCase(
      {
        kernel: spec.kernel, n: count * n * n, seed, params: { problems: count, n, iterations: opts.maxIter!, reg: opts.reg },
        // Roofline of the scaling batch: 4·n² multiply-add flops per problem and iteration (K v and Kᵀu; K,
        // 8 KiB, stays in L1), the plans written once. The log batch's exps are not flops of this count, so it
        // is not rated.
        ...(spec.opts.method === 'log' ? {} : { roof: { bytes: 8 * count * n * n, flops: 4 * n * n * opts.maxIter! * count, workingSet: 8 * n * n * 6, pattern: 'read' as const, keys: ['batch', 'separate'] } }),
      },
      candidates,
      [reference],
      { 'batch vs separate calls': ['separate', 'batch'], 'batch vs plain-TS': ['plainTS', 'batch'] },
      ctx.timer,
    );
  });
}

/**
 * sinkhornBatch of many problems of n = m = 32 sharing M (10, 100, 1000 problems for bench sizes 1e3,
 * 1e5, 1e6), 100 iterations each, vs the same problems as separate sinkhorn calls (each copies M and
 * computes K) and vs plain TS. Random marginals, points uniform in [0, 1]², reg 0.1; output: all plans.
 */
export const benchSinkhornBatch = (ctx: BenchContext): CaseResult[] => benchBatch(ctx, {
  kernel: 'sinkhornBatch', seed: 7100, opts: { reg: REG, maxIter: BATCH_ITERS, tol: 0, checkEvery: BATCH_ITERS },
  names: { batch: 'sinkhornBatch (batched WASM kernel)', separate: 'separate sinkhorn calls', plainTS: 'plain TS batch (K once, same loop)' },
  plain: (M, n, as, bs, out) => batchPlain(M, n, as, bs, REG, BATCH_ITERS, out),
});

const LOG_REG = 1e-3;
const LOG_ITERS = 20;

/**
 * The log-domain Sinkhorn loop in plain TS (runLog's updates from f = g = 0): g = log b − lse_i(L + f),
 * f = log a − lse_j(L + g) with max-shifted sums; L row-major n × m. f, g written in place.
 */
function sinkhornLogLoopPlain(L: Float64Array, n: number, m: number, a: ArrayLike<number>, b: ArrayLike<number>, iters: number, f: Float64Array, g: Float64Array, mx: Float64Array, sc: Float64Array): void {
  f.fill(0);
  g.fill(0);
  for (let t = 0; t < iters; t++) {
    mx.fill(-Infinity);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mx[j] = Math.max(mx[j]!, L[i * m + j]! + f[i]!);
    sc.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) sc[j] = sc[j]! + Math.exp(L[i * m + j]! + f[i]! - mx[j]!);
    for (let j = 0; j < m; j++) g[j] = Math.log(b[j]!) - (mx[j]! + Math.log(sc[j]!));
    for (let i = 0; i < n; i++) {
      const o = i * m;
      let c = -Infinity;
      for (let j = 0; j < m; j++) c = Math.max(c, L[o + j]! + g[j]!);
      let acc = 0;
      for (let j = 0; j < m; j++) acc += Math.exp(L[o + j]! + g[j]! - c);
      f[i] = Math.log(a[i]!) - (c + Math.log(acc));
    }
  }
}

/** The log-domain batch in plain TS: L = −M/reg once, then per problem the loop and its plan exp(L + f + g), written into `out`. */
function batchLogPlain(M: Float64Array, n: number, as: Float64Array[], bs: Float64Array[], reg: number, iters: number, out: Float64Array): void {
  const L = M.map((c) => -c / reg);
  const [f, g, mx, sc] = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  as.forEach((a, k) => {
    sinkhornLogLoopPlain(L, n, n, a, bs[k]!, iters, f, g, mx, sc);
    const o = k * n * n;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[o + i * n + j] = Math.exp(L[i * n + j]! + f[i]! + g[j]!);
  });
}

/**
 * sinkhornBatch with method 'log' at reg 1e-3: 10, 100, 1000 problems of n = m = 32 sharing M (bench
 * sizes 1e3, 1e5, 1e6), 20 iterations each, vs separate sinkhorn(…, { method: 'log' }) calls (each copies
 * M and computes L) and vs plain TS. Random marginals, points uniform in [0, 1]²; output: all plans.
 */
export const benchSinkhornBatchLog = (ctx: BenchContext): CaseResult[] => benchBatch(ctx, {
  kernel: 'sinkhornBatchLog', seed: 7200, opts: { reg: LOG_REG, method: 'log', maxIter: LOG_ITERS, tol: 0, checkEvery: LOG_ITERS },
  names: {
    batch: "sinkhornBatch, method 'log' (batched WASM kernel)", separate: "separate sinkhorn(…, { method: 'log' }) calls",
    plainTS: 'plain TS log-domain batch (L once, same loop)',
  },
  plain: (M, n, as, bs, out) => batchLogPlain(M, n, as, bs, LOG_REG, LOG_ITERS, out),
});

/**
 * sinkhornCall: a whole public `sinkhorn` call of 50 iterations (maxIter 50, tol 0, one marginal check)
 * including the copy of M, building K, the loop and the plan, f32 vs f64, at n = m = 256, 1024, 2048 on
 * the iteration bench's problems. Output: the plan scaled by its largest entry; the f32 plan is checked
 * against the f64 one to 1e-5 (its documented accuracy is ~1e-6 relative per entry).
 */
export function benchSinkhornCall(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const n = SIDES[size] ?? 256;
    const seed = 7000 + n;
    const g = rng(seed);
    const M = costMatrix(g.uniform(2 * n), g.uniform(2 * n), { dim: 2 });
    const a = new Float64Array(n).fill(1 / n);
    const o = { reg: REG, maxIter: 50, tol: 0, checkEvery: 1000 };
    let p64 = new Float64Array(0) as Float64Array<ArrayBufferLike>;
    let p32 = new Float32Array(0) as Float32Array<ArrayBufferLike>;
    const reference = scaled(sinkhorn(a, a, M, o).plan);
    const candidates: CaseCandidate[] = [
      { key: 'f32', name: "sinkhorn(…, { precision: 'f32' }), 50 iterations", call: () => (p32 = sinkhorn(a, a, M, { ...o, precision: 'f32' }).plan), poison: () => p32.fill(NaN), output: () => scaled(p32) },
      { key: 'f64', name: 'sinkhorn(…), f64, 50 iterations', call: () => (p64 = sinkhorn(a, a, M, o).plan), poison: () => p64.fill(NaN), output: () => scaled(p64) },
    ];
    return runCase({ kernel: 'sinkhornCall', n: n * n, seed, params: { n, m: n, iterations: 50, reg: REG }, tol: 1e-5 }, candidates, [reference], { 'f32 vs f64 (whole call)': ['f64', 'f32'] }, ctx.timer);
  });
}

/** sinkhornBatchF32's problem sets per bench size: count problems of n = m = side, iterations each. */
const BATCH_F32: Record<number, { count: number; side: number; iters: number }> = {
  1e3: { count: 10, side: 32, iters: 100 },
  1e5: { count: 100, side: 32, iters: 100 },
  1e6: { count: 16, side: 1024, iters: 100 },
};

/**
 * sinkhornBatchF32: sinkhornBatch(…, { precision: 'f32' }) vs the f64 batch on the same problems (the
 * ratio 'f32 vs f64 batch') and vs separate sinkhorn(…, { precision: 'f32' }) calls (each copies M and
 * builds its f32 K; the same bits). 10 and 100 problems of n = m = 32 at 100 iterations (K in L1: the
 * gain can only come from the lanes), 16 problems of n = m = 1024 at 100 iterations (K, 4 MiB in f32,
 * swept once per group of problems). Whole public calls: validation, K, the iterations and all plans.
 * Points uniform in [0, 1]², reg 0.1, random marginals; output: every problem's u scaled by its largest
 * entry (cheap to collect, so the timing is the call's), checked against the f64 batch to 1e-5.
 */
export function benchSinkhornBatchF32(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const { count, side: n, iters } = BATCH_F32[size] ?? BATCH_F32[1e3]!;
    const seed = 7400 + count + n;
    const g = rng(seed);
    const M = costMatrix(g.uniform(2 * n), g.uniform(2 * n), { dim: 2 });
    const as = Array.from({ length: count }, () => randomHistogram(g, n));
    const bs = Array.from({ length: count }, () => randomHistogram(g, n));
    const o = { reg: REG, maxIter: iters, tol: 0, checkEvery: iters };
    const o32 = { ...o, precision: 'f32' as const };
    const outs = { f32: new Float64Array(count * n), f64: new Float64Array(count * n), separate: new Float64Array(count * n) };
    const collect = (rs: SinkhornResult<Float64Array | Float32Array>[], out: Float64Array): void => rs.forEach((r, k) => out.set(scaled(r.u!), k * n));
    collect(sinkhornBatch(as, bs, M, o), outs.f64);
    const reference = outs.f64.slice();
    const candidates: CaseCandidate[] = [
      { key: 'f32', name: "sinkhornBatch(…, { precision: 'f32' })", call: () => collect(sinkhornBatch(as, bs, M, o32), outs.f32), poison: () => outs.f32.fill(NaN), output: () => outs.f32 },
      { key: 'f64', name: 'sinkhornBatch(…), f64', call: () => collect(sinkhornBatch(as, bs, M, o), outs.f64), poison: () => outs.f64.fill(NaN), output: () => outs.f64 },
      { key: 'separate', name: "separate sinkhorn(…, { precision: 'f32' }) calls", call: () => collect(as.map((a, k) => sinkhorn(a, bs[k]!, M, o32)), outs.separate), poison: () => outs.separate.fill(NaN), output: () => outs.separate },
    ];
    return runCase(
      {
        kernel: 'sinkhornBatchF32', n: count * n * n, seed, params: { problems: count, n, iterations: iters, reg: REG }, tol: 1e-5,
        // Roofline of the f32 batch: 4·n² flops per problem and iteration; K (4n² bytes) read once per iteration
        // and group of problems (n = 1024: ~21 problems per group, so once per iteration here).
        roof: { bytes: 4 * n * n * iters, flops: 4 * n * n * iters * count, workingSet: 4 * n * n, pattern: 'read', precision: 'f32', keys: ['f32'] },
      },
      candidates,
      [reference],
      { 'f32 vs f64 batch': ['f64', 'f32'], 'f32 batch vs separate f32 calls': ['separate', 'f32'] },
      ctx.timer,
    );
  });
}
