/**
 * The linalg family: the WASM one-sided Jacobi SVD (public API, and the raw kernel on a matrix already
 * in WASM memory) against the plain-TS one-sided Jacobi of test/linalg/reference.ts. Shapes:
 * n = 1e3 → 64×64, 1e5 → 256×128, 1e6 → 512×256 (WASM only: the plain-TS run takes seconds per call).
 * Output compared: the singular values divided by σ₁. Fixed seeds; outputs checked before timing.
 */
import { allocF64, rng, svd } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { jacobiSvdRef } from '../../test/linalg/reference.js';
import { runCase, onJs, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

const SHAPES: Record<number, [rows: number, cols: number]> = { 1e3: [64, 64], 1e5: [256, 128], 1e6: [512, 256] };
/** Largest k = min(rows, cols) at which the plain-TS reference is timed. */
const PLAIN_MAX_K = 128;

/** SVD of a Gaussian rows×cols matrix: WASM (public API and raw kernel) vs plain-TS one-sided Jacobi. */
export function benchSvd(ctx: BenchContext): CaseResult[] {
  return ctx.sizes.map((size) => {
    const [rows, cols] = SHAPES[size] ?? [64, 64];
    const k = Math.min(rows, cols);
    const seed = 6200 + rows + cols;
    const A = rng(seed).normal(rows * cols);
    const scaled = (s: ArrayLike<number>, out: Float64Array): void => {
      for (let i = 0; i < k; i++) out[i] = s[i]! / s[0]!;
    };
    const x = wasm('bench');
    const a = allocF64(A);
    const sb = allocF64(k);
    const ub = allocF64(rows * k);
    const vb = allocF64(cols * k);
    const work = allocF64(Math.ceil(x.svdWorkBytes(rows, cols) / 8));
    const publicOut = new Float64Array(k);
    const rawOut = new Float64Array(k);
    const plainOut = new Float64Array(k);
    try {
      const candidates: CaseCandidate[] = [
        { key: 'public', name: 'svd public API (copies A in, U, V, s out)', call: () => scaled(svd(A, rows, cols).s, publicOut), ...onJs(publicOut) },
        {
          key: 'raw',
          name: 'raw WASM kernel, A already in memory',
          call: () => {
            if (x.svd(a.ptr, rows, cols, sb.ptr, ub.ptr, vb.ptr, work.ptr) < 0) throw new Error('svd kernel failed on finite input');
            scaled(sb.view(), rawOut);
          },
          ...onJs(rawOut),
        },
      ];
      const reference = new Float64Array(k);
      if (k > PLAIN_MAX_K) {
        // Checked by test/linalg (residual, orthogonality, σ² against eig(AᵀA)); here only timed.
        scaled(svd(A, rows, cols).s, reference);
        return runCase({ kernel: 'svd', n: rows * cols, seed, params: { rows, cols } }, candidates, [reference], { 'public API vs raw kernel': ['public', 'raw'] }, ctx.timer);
      }
      scaled(jacobiSvdRef(A, rows, cols).s, reference);
      candidates.push({ key: 'plainTS', name: 'plain TS one-sided Jacobi (jacobiSvdRef)', call: () => scaled(jacobiSvdRef(A, rows, cols).s, plainOut), ...onJs(plainOut) });
      return runCase(
        { kernel: 'svd', n: rows * cols, seed, params: { rows, cols } },
        candidates,
        [reference],
        { 'public API vs plain-TS': ['plainTS', 'public'], 'raw kernel vs plain-TS': ['plainTS', 'raw'] },
        ctx.timer,
      );
    } finally {
      work.free();
      vb.free();
      ub.free();
      sb.free();
      a.free();
    }
  });
}
