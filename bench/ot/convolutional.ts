/**
 * Convolutional barycenter: one iteration of the Bregman projections (scaling form, 2 images) on a
 * 16 × 16, 32 × 32 and 64 × 64 grid (bench sizes 1e3, 1e5, 1e6) with the separable 1-D Gaussian
 * convolutions (raw WASM kernels; and the public convolutionalBarycenter with maxIter 1, which also
 * validates and copies the images and builds the 1-D kernels) vs the same iteration with the dense
 * N × N Gibbs kernel of the grid cost (otKv/otKtu, K precomputed in WASM memory), as `barycenter`
 * runs it. reg 0.01 on [0, 1]²; two Gaussian blobs; output: the barycenter after the iteration.
 */
import { allocF64, convolutionalBarycenter, costMatrix, rng } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

const SIDES: Record<number, number> = { 1e3: 16, 1e5: 32, 1e6: 64 };
const REG = 0.01;

function blobImage(side: number, ci: number, ck: number, noise: Float64Array): Float64Array {
  const h = new Float64Array(side * side);
  for (let i = 0; i < side; i++) for (let k = 0; k < side; k++) h[i * side + k] = Math.exp(-((i - ci) ** 2 + (k - ck) ** 2) / (side / 2)) + 0.01 * noise[i * side + k]!;
  const t = h.reduce((s, v) => s + v, 0);
  return h.map((v) => v / t);
}

/**
 * The set-up both cases share: two blob images on a side × side grid, the 1-D Gaussian kernels Kr, Kc
 * and the iteration buffers in WASM memory, and `iteration(apply)`: one scaling iteration from v = 1 (the
 * first one of barycenter / convolutionalBarycenter) with K applied by `apply`, the barycenter left in q.
 */
function gridProblem(side: number) {
  const N = side * side;
  const seed = 7300 + side;
  const g = rng(seed);
  const imgs = [blobImage(side, side / 4, side / 4, g.uniform(N)), blobImage(side, (3 * side) / 4, (2 * side) / 3, g.uniform(N))];
  const x = wasm('bench');
  const Kr = allocF64(side * side);
  const Kc = allocF64(side * side);
  x.otGaussianKernel1d(side, REG, (side - 1) ** 2, 0, Kr.ptr);
  x.otGaussianKernel1d(side, REG, (side - 1) ** 2, 0, Kc.ptr);
  const H = allocF64(Float64Array.from([...imgs[0]!, ...imgs[1]!]));
  const [V, KU, tmp] = [allocF64(2 * N), allocF64(2 * N), allocF64(2 * N)];
  const [u, kv, q, scratch] = [allocF64(N), allocF64(N), allocF64(N), allocF64(N)];
  const lq = new Float64Array(N);
  const iteration = (apply: (src: number, dst: number) => void): void => {
    V.view().fill(1);
    for (let k = 0; k < 2; k++) {
      apply(V.ptr + k * N * 8, kv.ptr);
      x.otScale(H.ptr + k * N * 8, kv.ptr, N, u.ptr);
      apply(u.ptr, KU.ptr + k * N * 8);
    }
    x.otLogVec(KU.ptr, 2 * N, tmp.ptr);
    const t = tmp.view();
    for (let j = 0; j < N; j++) lq[j] = 0.5 * t[j]! + 0.5 * t[N + j]!;
    q.view().set(lq);
    x.otExpVec(q.ptr, N, q.ptr);
  };
  const conv = (src: number, dst: number): void => x.otConvolve2d(Kr.ptr, Kc.ptr, src, side, side, scratch.ptr, dst);
  const free = (): void => { for (const b of [Kr, Kc, H, V, KU, tmp, u, kv, q, scratch]) b.free(); };
  return { N, seed, imgs, x, Kr, Kc, q, scratch, iteration, conv, free };
}

export function benchConvolutionalBarycenter(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const side = SIDES[size] ?? 16;
    const { N, seed, imgs, x, q, iteration, conv, free } = gridProblem(side);
    // The dense Gibbs kernel of the grid (exp in WASM, in place over M).
    const P = new Float64Array(2 * N);
    for (let i = 0; i < side; i++) for (let k = 0; k < side; k++) { P[2 * (i * side + k)] = i / (side - 1); P[2 * (i * side + k) + 1] = k / (side - 1); }
    const K = allocF64(costMatrix(P, P, { dim: 2 }));
    x.otGibbs(K.ptr, N * N, REG, K.ptr);
    const dense = (src: number, dst: number): void => x.otKv(K.ptr, N, N, src, dst);
    iteration(dense);
    const reference = q.toArray();
    let pub: Float64Array = new Float64Array(N);
    try {
      const candidates: CaseCandidate[] = [
        {
          key: 'public', name: 'public API convolutionalBarycenter (maxIter 1)',
          call: () => { pub = convolutionalBarycenter(imgs, side, side, { reg: REG, maxIter: 1, tol: 0 }).barycenter; },
          poison: () => pub.fill(NaN), output: () => pub,
        },
        { key: 'separable', name: 'separable 1-D convolutions (otConvolve2d)', call: () => iteration(conv), poison: () => q.view().fill(NaN), output: () => q.view() },
        { key: 'dense', name: 'dense N × N Gibbs kernel (otKv, K in memory)', call: () => iteration(dense), poison: () => q.view().fill(NaN), output: () => q.view() },
      ];
      return runCase(
        {
          kernel: 'convolutionalBarycenter', n: N, seed, params: { rows: side, cols: side, images: 2, reg: REG },
          // Roofline, counting the multiply-adds of the four applications of K only (the N logs and exps
          // are left out): separable, two 1-D passes of side terms per entry, 4·side³ flops per application;
          // dense, 2·N² flops and the N × N kernel read once per application.
          roof: [
            { bytes: 4 * 8 * 2 * N, flops: 16 * side ** 3, workingSet: 12 * 8 * N, pattern: 'read', keys: ['separable', 'public'] },
            { bytes: 4 * 8 * N * N, flops: 8 * N * N, workingSet: 8 * N * N, pattern: 'read', keys: ['dense'] },
          ],
        },
        candidates,
        [reference],
        { 'separable vs dense K': ['dense', 'separable'], 'public API vs dense K': ['dense', 'public'] },
        ctx.timer,
      );
    } finally {
      K.free();
      free();
    }
  });
}

const scaledByMax = (q: ArrayLike<number>): Float64Array => {
  let mx = 0;
  for (let i = 0; i < q.length; i++) mx = Math.max(mx, q[i]!);
  return Float64Array.from(q, (v) => v / mx);
};

/**
 * convolutionalBarycenterF32 / convolutionalBarycenterCall: the same problems as convolutionalBarycenter (16², 32², 64² grids, two blobs,
 * reg 0.01): one scaling iteration with the f32 separable convolution (otConvolve2dF32: f32 kernels, two
 * blocked f32x4 matrix products) vs the f64 one (otConvolve2d), and whole public calls of 50 iterations,
 * convolutionalBarycenter(…, { precision: 'f32' }) vs f64. Outputs scaled by their largest entry, checked
 * against the f64 result to 1e-5 (the f32 convolution is within ~4e-6 relative per entry).
 */
function convolutionalF32(ctx: BenchContext, which: 'iteration' | 'call'): CaseResult[] {
  return ctx.sizes.map((size) => {
    const side = SIDES[size] ?? 16;
    const { N, seed, imgs, x, Kr, Kc, q, scratch, iteration, conv: conv64, free } = gridProblem(side);
    const Kr32 = allocF64(Math.ceil((side * side) / 2));
    const Kc32 = allocF64(Math.ceil((side * side) / 2));
    x.otToF32(Kr.ptr, side * side, Kr32.ptr);
    x.otToF32(Kc.ptr, side * side, Kc32.ptr);
    const xf = allocF64(Math.ceil(N / 2));
    const conv32 = (src: number, dst: number): void => x.otConvolve2dF32(Kr32.ptr, Kc32.ptr, src, side, side, xf.ptr, scratch.ptr, dst);
    iteration(conv64);
    const refIteration = scaledByMax(q.view());
    const o = { reg: REG, maxIter: 50, tol: 0 };
    const refCall = scaledByMax(convolutionalBarycenter(imgs, side, side, o).barycenter);
    const out: Record<'it32' | 'it64' | 'pub32' | 'pub64', Float64Array> = { it32: new Float64Array(N), it64: new Float64Array(N), pub32: new Float64Array(N), pub64: new Float64Array(N) };
    try {
      const candidates: CaseCandidate[] = [
        { key: 'it32', name: 'one iteration, f32 convolutions (otConvolve2dF32)', call: () => { iteration(conv32); out.it32 = scaledByMax(q.view()); }, poison: () => out.it32.fill(NaN), output: () => out.it32 },
        { key: 'it64', name: 'one iteration, f64 convolutions (otConvolve2d)', call: () => { iteration(conv64); out.it64 = scaledByMax(q.view()); }, poison: () => out.it64.fill(NaN), output: () => out.it64 },
      ];
      const pubs: CaseCandidate[] = [
        { key: 'pub32', name: "convolutionalBarycenter(…, { precision: 'f32' }), 50 iterations", call: () => { out.pub32 = scaledByMax(convolutionalBarycenter(imgs, side, side, { ...o, precision: 'f32' }).barycenter); }, poison: () => out.pub32.fill(NaN), output: () => out.pub32 },
        { key: 'pub64', name: 'convolutionalBarycenter(…), f64, 50 iterations', call: () => { out.pub64 = scaledByMax(convolutionalBarycenter(imgs, side, side, o).barycenter); }, poison: () => out.pub64.fill(NaN), output: () => out.pub64 },
      ];
      const roof = { bytes: 4 * 8 * 2 * N, flops: 16 * side ** 3, workingSet: 12 * 8 * N, pattern: 'read' as const };
      return which === 'iteration'
        ? runCase(
          { kernel: 'convolutionalBarycenterF32', n: N, seed, params: { rows: side, cols: side, images: 2, reg: REG, iterations: 1 }, tol: 1e-5, roof: [{ ...roof, precision: 'f32', keys: ['it32'] }, { ...roof, keys: ['it64'] }] },
          candidates, [refIteration], { 'f32 vs f64 convolutions (one iteration)': ['it64', 'it32'] }, ctx.timer,
        )
        : runCase(
          { kernel: 'convolutionalBarycenterCall', n: N, seed, params: { rows: side, cols: side, images: 2, reg: REG, iterations: 50 }, tol: 1e-5 },
          pubs, [refCall], { 'f32 vs f64 (whole call, 50 iterations)': ['pub64', 'pub32'] }, ctx.timer,
        );
    } finally {
      for (const b of [Kr32, Kc32, xf]) b.free();
      free();
    }
  });
}

/** convolutionalBarycenterF32: one scaling iteration, f32 vs f64 separable convolutions (see convolutionalF32). */
export const benchConvolutionalBarycenterF32 = (ctx: BenchContext): CaseResult[] => convolutionalF32(ctx, 'iteration');
/** convolutionalBarycenterCall: whole 50-iteration public calls, precision 'f32' vs f64 (see convolutionalF32). */
export const benchConvolutionalBarycenterCall = (ctx: BenchContext): CaseResult[] => convolutionalF32(ctx, 'call');
