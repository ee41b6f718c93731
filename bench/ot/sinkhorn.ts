/**
 * The ot family: 100 Sinkhorn iterations (v = b ⊘ Kᵀu, u = a ⊘ K v, K precomputed) at n = m = 100,
 * 500, 1000 (bench sizes 1e3, 1e5, 1e6): the raw WASM kernels (K, u, v in WASM memory), the public
 * sinkhorn2 (which also copies M in and computes K = exp(−M/reg) once), and the same loop in plain TS.
 * Points uniform in [0, 1]², squared-Euclidean cost, reg 0.1, uniform marginals; fixed seeds.
 * Outputs (u scaled by its largest entry) are checked against the plain-TS loop before timing.
 */
import { allocF64, costMatrix, rng, sinkhorn, sinkhorn2, sinkhornBatch } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

const SIDES: Record<number, number> = { 1e3: 100, 1e5: 500, 1e6: 1000 };
const ITERS = 100;
const REG = 0.1;

/** The same Sinkhorn loop in plain TS: K row-major n × m, u, v updated in place (u, v start at 1/n, 1/m). */
export function sinkhornLoopPlain(K: Float64Array, n: number, m: number, a: Float64Array, b: Float64Array, iters: number, u: Float64Array, v: Float64Array): void {
  const w = new Float64Array(m);
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

export function benchSinkhorn(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const n = SIDES[size] ?? 100;
    const m = n;
    const seed = 7000 + n;
    const g = rng(seed);
    const X = g.uniform(2 * n);
    const Y = g.uniform(2 * m);
    const M = costMatrix(X, Y, { dim: 2 });
    const a = new Float64Array(n).fill(1 / n);
    const b = new Float64Array(m).fill(1 / m);
    const x = wasm('bench');
    // K from the WASM kernel for every candidate (V8's Math.exp differs from AssemblyScript's in the last bit).
    const Mb = allocF64(M);
    const Kb = allocF64(n * m);
    x.otGibbs(Mb.ptr, n * m, REG, Kb.ptr);
    const K = Kb.toArray();
    const [ab, bb, ub, vb, kvb, wb] = [allocF64(a), allocF64(b), allocF64(n), allocF64(m), allocF64(n), allocF64(m)];
    const plainU = new Float64Array(n);
    const plainV = new Float64Array(m);
    sinkhornLoopPlain(K, n, m, a, b, ITERS, plainU, plainV);
    const reference = scaled(plainU);
    let publicU: Float64Array = new Float64Array(n);
    const rawLoop = (): void => {
      ub.view().fill(1 / n);
      vb.view().fill(1 / m);
      for (let t = 0; t < ITERS; t++) {
        x.otKtu(Kb.ptr, n, m, ub.ptr, wb.ptr);
        x.otScale(bb.ptr, wb.ptr, m, vb.ptr);
        x.otKv(Kb.ptr, n, m, vb.ptr, kvb.ptr);
        x.otScale(ab.ptr, kvb.ptr, n, ub.ptr);
      }
    };
    try {
      const candidates: CaseCandidate[] = [
        {
          key: 'public', name: 'public API sinkhorn2 (copies M, computes K)',
          call: () => { publicU = sinkhorn2(a, b, M, { reg: REG, maxIter: ITERS, tol: 0, checkEvery: ITERS }).u!; },
          poison: () => publicU.fill(NaN), output: () => scaled(publicU),
        },
        { key: 'raw', name: 'raw WASM kernels, K in memory', call: rawLoop, poison: () => ub.view().fill(NaN), output: () => scaled(ub.view()) },
        {
          key: 'plainTS', name: 'plain TS, same loop (sinkhornLoopPlain)',
          call: () => sinkhornLoopPlain(K, n, m, a, b, ITERS, plainU, plainV), poison: () => plainU.fill(NaN), output: () => scaled(plainU),
        },
      ];
      return runCase(
        { kernel: 'sinkhorn', n: n * m, seed, params: { n, m, iterations: ITERS, reg: REG } },
        candidates,
        [reference],
        { 'raw kernels vs plain-TS': ['plainTS', 'raw'], 'public API vs plain-TS': ['plainTS', 'public'] },
        ctx.timer,
      );
    } finally {
      for (const buf of [Mb, Kb, ab, bb, ub, vb, kvb, wb]) buf.free();
    }
  });
}

const BATCH_COUNTS: Record<number, number> = { 1e3: 10, 1e5: 100, 1e6: 1000 };
const BATCH_N = 32;
const BATCH_ITERS = 100;

/**
 * sinkhornBatch of many problems of n = m = 32 sharing M (10, 100, 1000 problems for bench sizes 1e3,
 * 1e5, 1e6), 100 iterations each, vs the same problems as separate sinkhorn calls (each copies M and
 * computes K). Random marginals, points uniform in [0, 1]², reg 0.1; output: all plans concatenated.
 */
export function benchSinkhornBatch(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const count = BATCH_COUNTS[size] ?? 10;
    const n = BATCH_N;
    const seed = 7100 + count;
    const g = rng(seed);
    const M = costMatrix(g.uniform(2 * n), g.uniform(2 * n), { dim: 2 });
    const hist = (): Float64Array => {
      const h = g.uniform(n).map((x) => x + 0.1);
      const t = h.reduce((acc, x) => acc + x, 0);
      return h.map((x) => x / t);
    };
    const as = Array.from({ length: count }, hist);
    const bs = Array.from({ length: count }, hist);
    const opts = { reg: REG, maxIter: BATCH_ITERS, tol: 0, checkEvery: BATCH_ITERS };
    const all = new Float64Array(count * n * n);
    const batchOut = new Float64Array(count * n * n);
    const separate = (): void => { as.forEach((a, k) => all.set(sinkhorn(a, bs[k]!, M, opts).plan, k * n * n)); };
    separate();
    const reference = all.slice();
    const candidates: CaseCandidate[] = [
      {
        key: 'batch', name: 'sinkhornBatch (K computed once)',
        call: () => sinkhornBatch(as, bs, M, opts).forEach((r, k) => batchOut.set(r.plan, k * n * n)),
        poison: () => batchOut.fill(NaN), output: () => batchOut,
      },
      { key: 'separate', name: 'separate sinkhorn calls', call: separate, poison: () => all.fill(NaN), output: () => all },
    ];
    return runCase(
      { kernel: 'sinkhornBatch', n: count * n * n, seed, params: { problems: count, n, iterations: BATCH_ITERS, reg: REG } },
      candidates,
      [reference],
      { 'batch vs separate calls': ['separate', 'batch'] },
      ctx.timer,
    );
  });
}
