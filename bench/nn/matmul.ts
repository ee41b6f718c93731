/**
 * The nn family: C = A·B for square matrices of order 256, 512 and 1024 (for n = 1e3, 1e5, 1e6), in
 * f64 and f32. Candidates, timed interleaved in one process:
 * - nn.matmul (the public op: allocates C as a tensor, finite check on);
 * - the raw blocked kernel on buffers already in WASM memory;
 * - a plain-TS triple loop (i-k-j order: the inner loop runs along rows of B and C, the fastest
 *   simple JS form; the f32 variant stores Float32Array and accumulates in doubles);
 * - the SIMD peak probe: a WASM kernel running 12 independent mul+add chains on f64x2 / f32x4
 *   lanes (no FMA, as the matmul kernel), called for the same number of flops as one product.
 * "elements/s" is flop/s here (2·n³ flops per product); the last ratio is the raw kernel's speed as a
 * share of the probe's. Outputs checked against the triple loop before and after timing.
 */
import { nn } from '../../bindings/index.js';
import { rng } from '../../bindings/index.js';
import { nnWasm } from '../../bindings/nn/kernels.js';
import { assertClose, measure, type BenchContext, type CandidateResult, type CaseResult } from '../harness.js';

const ORDER: Record<number, number> = { 1e3: 256, 1e5: 512, 1e6: 1024 };

/** C = A·B (n×n, row-major) by the i-k-j triple loop. */
export function matmulPlain(A: ArrayLike<number>, B: ArrayLike<number>, C: Float64Array | Float32Array, n: number): void {
  C.fill(0);
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    for (let p = 0; p < n; p++) {
      const a = A[i * n + p]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) C[ci + j]! += a * B[bp + j]!;
    }
  }
}

function benchMatmul(ctx: BenchContext, dtype: nn.DType): CaseResult[] {
  return ctx.sizes.map((size) => {
    const order = ORDER[size] ?? 256;
    const seed = 7100 + order + (dtype === 'f32' ? 1 : 0);
    const g = rng(seed);
    const T = dtype === 'f64' ? Float64Array : Float32Array;
    const A = T.from(g.normal(order * order));
    const B = T.from(g.normal(order * order));
    const flops = 2 * order ** 3;
    const k = nnWasm('bench');
    const a = nn.tensor(A, { shape: [order, order], dtype });
    const b = nn.tensor(B, { shape: [order, order], dtype });
    const c = nn.zeros([order, order], dtype);
    const scratch = k.alloc(k.nnMatmulScratchBytes(order, order, order, dtype === 'f64' ? 8 : 4));
    const plainOut = new T(order * order);
    const publicOut = new T(order * order);
    const kernel = dtype === 'f64' ? k.nnMatmulF64 : k.nnMatmulF32;
    const probe = dtype === 'f64' ? k.nnPeakProbeF64 : k.nnPeakProbeF32;
    const lanes = dtype === 'f64' ? 2 : 4;
    const probeSteps = Math.round(flops / (12 * lanes * 2));
    try {
      const reference = new Float64Array(order * order);
      matmulPlain(A, B, reference, order);
      // f64: blocked vs sequential sums of n products of N(0,1) entries; f32: the same in f32
      const tol = dtype === 'f64' ? 1e-10 : 2e-3;
      const calls = {
        public: () => nn.scope(() => publicOut.set(nn.matmul(a, b).view())),
        raw: () => kernel(a.ptr, b.ptr, c.ptr, order, order, order, 0, 0, scratch),
        plainTS: () => matmulPlain(A, B, plainOut, order),
        probe: () => probe(probeSteps, 0.999999, 1e-7),
      };
      const check = (when: string): void => {
        calls.public();
        assertClose(`nnMatmul ${dtype} ${order} public${when}`, publicOut, reference, tol);
        c.view().fill(NaN);
        calls.raw();
        assertClose(`nnMatmul ${dtype} ${order} raw${when}`, c.view(), reference, tol);
      };
      check('');
      calls.plainTS();
      assertClose(`nnMatmul ${dtype} ${order} plain TS`, plainOut, reference, tol);
      const names = {
        public: `nn.matmul public op (${dtype}, allocates C)`,
        raw: `raw blocked ${dtype === 'f64' ? 'f64x2' : 'f32x4'} kernel, buffers in WASM memory`,
        plainTS: 'plain TS i-k-j triple loop',
        probe: `SIMD peak probe: 12 ${dtype === 'f64' ? 'f64x2' : 'f32x4'} mul+add chains, same flops`,
      };
      const keys = Object.keys(calls) as (keyof typeof calls)[];
      const { rounds, timings } = measure(keys.map((key) => ({ name: names[key], fn: calls[key] })), ctx.timer);
      check(' (after timing)');
      const results: CandidateResult[] = timings.map((t, i) => ({ key: keys[i]!, ...t, elementsPerSec: flops / t.median }));
      const median = (key: string): number => results.find((r) => r.key === key)!.median;
      const best = (key: string): number => results.find((r) => r.key === key)!.min;
      return {
        kernel: dtype === 'f64' ? 'nnMatmulF64' : 'nnMatmulF32',
        n: flops,
        seed,
        inputs: 1,
        params: { order },
        rounds,
        candidates: results,
        ratios: {
          'raw kernel vs plain-TS': median('plainTS') / median('raw'),
          'public op vs plain-TS': median('plainTS') / median('public'),
          'raw kernel speed as a share of the probe': median('probe') / median('raw'),
          // the fastest round of each: on a shared machine, the closest to an uncontended core
          'same, fastest rounds': best('probe') / best('raw'),
        },
      };
    } finally {
      k.free(scratch);
      a.free();
      b.free();
      c.free();
    }
  });
}

/** Square f64 products of order 256 / 512 / 1024 (GFLOP/s in the elements/s column). */
export const benchMatmulF64 = (ctx: BenchContext): CaseResult[] => benchMatmul(ctx, 'f64');
/** Square f32 products of order 256 / 512 / 1024. */
export const benchMatmulF32 = (ctx: BenchContext): CaseResult[] => benchMatmul(ctx, 'f32');
