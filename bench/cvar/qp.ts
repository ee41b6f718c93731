/**
 * The work of one cvarQp iteration besides the n×n triangular solves, on m scenarios of 20 assets
 * (m = 50 / 5000 / 50000 for the bench sizes 1e3 / 1e5 / 1e6 entries of A; the full solver at 10⁶ × 100
 * is measured by scripts/cvar-qp.mjs): Ax, the relaxed point w = 1.6·Ax − 0.6·z + u, the CVaR
 * projection z = Π(w), u = w − z, then Aᵀz and Aᵀu. Candidates:
 * - WASM: the kernels cvarQp calls (cvarQpMatVec, projectCvarSet, cvarQpMatTVec2) on buffers in WASM
 *   memory, the element-wise steps on a view;
 * - plain TS: the same arithmetic over Float64Arrays, with the sort-based projection of the tests.
 * Output: Aᵀz/m and Aᵀu/m (2 × 20 numbers of order 1: the sums differ in the last bits between the
 * SIMD and the sequential order), checked to 1e-12 before and after timing.
 */
import { rng } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { f64View } from '../../bindings/runtime/memory.js';
import { projectCvarSortRef } from '../../test/cvar/reference.js';
import { forEachSize, onJs, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

const ASSETS = 20;
const BETA = 0.95;
const ALPHA = 1.6;

export function benchCvarQpIteration(ctx: BenchContext): CaseResult[] {
  return forEachSize(ctx, { 1e3: 4303, 1e5: 4305, 1e6: 4306 }, ({ n: entries, seed, buf }) => {
    const n = ASSETS;
    const m = Math.round(entries / n);
    const g = rng(seed);
    const A = g.normal(m * n);
    const x = g.normal(n).map((v) => v / n);
    const z0 = g.normal(m);
    const u0 = g.normal(m).map((v) => 0.1 * v);
    // κ below the CVaR of the relaxed point, so the projection moves it
    const kappa = 0;
    const k = (1 - BETA) * m;
    const X = wasm('bench');
    const bA = buf(A), bx = buf(x), bAx = buf(m), bz = buf(m), bu = buf(m), bw = buf(m), bs = buf(m), bInfo = buf(2), bz2 = buf(n), bu2 = buf(n);
    const wasmOut = new Float64Array(2 * n);
    const wasmIteration = (): void => {
      X.cvarQpMatVec(bA.ptr, m, n, bx.ptr, bAx.ptr);
      const AX = f64View(X, bAx.ptr, m), W = f64View(X, bw.ptr, m);
      for (let i = 0; i < m; i++) W[i] = ALPHA * AX[i]! + (1 - ALPHA) * z0[i]! + u0[i]!;
      X.projectCvarSet(bw.ptr, m, k, kappa, bs.ptr, bz.ptr, bInfo.ptr);
      const Z = f64View(X, bz.ptr, m), U = f64View(X, bu.ptr, m), W2 = f64View(X, bw.ptr, m);
      for (let i = 0; i < m; i++) U[i] = W2[i]! - Z[i]!;
      X.cvarQpMatTVec2(bA.ptr, m, n, bz.ptr, bu.ptr, bz2.ptr, bu2.ptr);
      const Az = f64View(X, bz2.ptr, n), Au = f64View(X, bu2.ptr, n);
      for (let j = 0; j < n; j++) { wasmOut[j] = Az[j]! / m; wasmOut[n + j] = Au[j]! / m; }
    };
    const ax = new Float64Array(m), w = new Float64Array(m), z = new Float64Array(m), u = new Float64Array(m);
    const tsOut = new Float64Array(2 * n);
    const plainIteration = (): void => {
      for (let i = 0; i < m; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += A[i * n + j]! * x[j]!;
        ax[i] = v;
        w[i] = ALPHA * v + (1 - ALPHA) * z0[i]! + u0[i]!;
      }
      projectCvarSortRef(w, BETA, kappa, z);
      tsOut.fill(0);
      for (let i = 0; i < m; i++) {
        u[i] = w[i]! - z[i]!;
        for (let j = 0; j < n; j++) {
          tsOut[j]! += A[i * n + j]! * z[i]!;
          tsOut[n + j]! += A[i * n + j]! * u[i]!;
        }
      }
      for (let j = 0; j < 2 * n; j++) tsOut[j]! /= m;
    };
    plainIteration();
    const reference = tsOut.slice();
    const candidates: CaseCandidate[] = [
      { key: 'wasm', name: 'WASM kernels (as cvarQp runs them)', call: wasmIteration, ...onJs(wasmOut) },
      { key: 'plainTS', name: 'plain TS, sort-based projection', call: plainIteration, ...onJs(tsOut) },
    ];
    return runCase(
      { kernel: 'cvarQpIteration', n: m * n, seed, params: { scenarios: m, assets: n, beta: BETA } },
      candidates,
      [reference],
      { 'WASM vs plain-TS': ['plainTS', 'wasm'] },
      ctx.timer,
    );
  });
}
