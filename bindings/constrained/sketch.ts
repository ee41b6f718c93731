/**
 * Randomized iterative sketching for a square linear system K z = b: sketch-and-project with a
 * Gaussian sketch, a count sketch or sampled rows (block Kaczmarz).
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { finiteArray, f64View, withScope, type VectorInput } from '../runtime/memory.js';
import { optionKeys, positiveFinite, positiveInteger, readOptions } from '../runtime/validate.js';
import { seededRng, type Rng } from '../rng.js';
import { wasm, type ProxkitExports } from '../runtime/instance.js';
import type { ConstrainedKernels } from './kernels.js';

/** The sketching matrices of {@link sketchSolve}. */
export type SketchKind = 'gaussian' | 'count' | 'rows';

/** Options of {@link sketchSolve}. */
export interface SketchSolveOptions {
  /** Sketch: 'gaussian' (dense N(0, 1) entries), 'count' (each row of K to one of s buckets with a random sign) or 'rows' (s distinct rows: block Kaczmarz). Default 'gaussian'. */
  sketch?: SketchKind;
  /** Number of sketched rows s (1 ≤ s ≤ N). Default ⌈N/4⌉. */
  sketchSize?: number;
  /** Stop when ‖K z − b‖₂ ≤ tol · ‖b‖₂. Default 1e-8. */
  tol?: number;
  /** Iteration cap. Default 100 000. */
  maxIter?: number;
  /** Starting point (length N). Default zeros. */
  x0?: VectorInput;
  /** Seed of the sketches. Default 0. */
  seed?: number | bigint;
}

const SOLVE_KEYS = optionKeys<SketchSolveOptions>({ sketch: true, sketchSize: true, tol: true, maxIter: true, x0: true, seed: true });

/** What {@link sketchSolve} returns. */
export interface SketchSolveResult {
  /** The approximate solution. */
  x: Float64Array;
  /** Iterations run. */
  iterations: number;
  /** True when the relative residual reached `tol`. */
  converged: boolean;
  /** ‖K z − b‖₂ / ‖b‖₂ at the end (‖K z‖₂ when b = 0). */
  relativeResidual: number;
  /** Floating-point operations spent (multiply–adds count as 2), by the counts in {@link sketchFlopsPerIteration}. */
  flops: number;
  /** Doubles held by the solver besides K itself (the sketch S·K, the small Gram matrix and vectors). */
  storage: number;
}

/**
 * Flops of one sketch-and-project iteration on an N × N system with s sketched rows: forming S·K
 * (2sN² for a Gaussian S, N² additions for a count sketch, none for sampled rows), S·r (2sN or N),
 * the s × s Gram matrix (2s²N), its Cholesky factorisation and solves (s³/3 + 2s²), the update
 * Kᵀ S v... (2sN) and the new residual K z − b (2N²).
 *
 * @param sketch - the sketch kind.
 * @param N - order of the system.
 * @param s - sketch size.
 * @returns the count.
 */
export function sketchFlopsPerIteration(sketch: SketchKind, N: number, s: number): number {
  const form = sketch === 'gaussian' ? 2 * s * N * N : sketch === 'count' ? N * N : 0;
  const project = sketch === 'gaussian' ? 2 * s * N : sketch === 'count' ? N : 0;
  return form + project + 2 * s * s * N + (s * s * s) / 3 + 2 * s * s + 2 * s * N + 2 * N * N;
}

/** Cholesky solve of the s × s SPD system G v = u in place (a relative jitter guards rank deficiency). */
function cholSolve(G: Float64Array, s: number, u: Float64Array): void {
  let tr = 0;
  for (let i = 0; i < s; i++) tr += G[i * s + i]!;
  const jitter = 1e-14 * (tr / Math.max(s, 1)) + 1e-300;
  for (let i = 0; i < s; i++) G[i * s + i] = G[i * s + i]! + jitter;
  for (let j = 0; j < s; j++) {
    let dj = G[j * s + j]!;
    for (let k = 0; k < j; k++) dj -= G[j * s + k]! ** 2;
    const ljj = Math.sqrt(Math.max(dj, jitter));
    G[j * s + j] = ljj;
    for (let i = j + 1; i < s; i++) {
      let v = G[i * s + j]!;
      for (let k = 0; k < j; k++) v -= G[i * s + k]! * G[j * s + k]!;
      G[i * s + j] = v / ljj;
    }
  }
  for (let i = 0; i < s; i++) {
    let v = u[i]!;
    for (let k = 0; k < i; k++) v -= G[i * s + k]! * u[k]!;
    u[i] = v / G[i * s + i]!;
  }
  for (let i = s - 1; i >= 0; i--) {
    let v = u[i]!;
    for (let k = i + 1; k < s; k++) v -= G[k * s + i]! * u[k]!;
    u[i] = v / G[i * s + i]!;
  }
}

/** The sketch-and-project loop on validated input; K stays in WASM memory for the whole run. */
export function sketchLoop(
  fn: string, K: Float64Array, N: number, b: Float64Array, z: Float64Array, sketch: SketchKind, s: number, tol: number, maxIter: number, R: Rng,
): { iterations: number; converged: boolean; relativeResidual: number; flops: number } {
  const bn = Math.sqrt(b.reduce((t, v) => t + v * v, 0)) || 1;
  const rho = new Float64Array(N);
  const residual = (): number => {
    let t = 0;
    for (let i = 0; i < N; i++) {
      let v = -b[i]!;
      const o = i * N;
      for (let j = 0; j < N; j++) v += K[o + j]! * z[j]!;
      rho[i] = v;
      t += v * v;
    }
    return Math.sqrt(t) / bn;
  };
  let rel = residual();
  let flops = 2 * N * N;
  if (rel <= tol) return { iterations: 0, converged: true, relativeResidual: rel, flops };
  const perIter = sketchFlopsPerIteration(sketch, N, s);
  return withScope(fn, (sc) => {
    const x = sc.x as ProxkitExports & ConstrainedKernels;
    const pk = sc.f64(N * N);
    const ps = sc.f64(s * N);
    const po = sc.f64(s * N);
    const pb = sc.bytes(4 * N);
    const pg = sc.f64(N);
    f64View(x, pk, N * N).set(K);
    const G = new Float64Array(s * s);
    const u = new Float64Array(s);
    const rows = new Int32Array(N);
    for (let i = 0; i < N; i++) rows[i] = i;
    let it = 0;
    while (it < maxIter) {
      it++;
      let M: Float64Array;
      u.fill(0);
      if (sketch === 'gaussian') {
        const S = R.normal(s * N);
        f64View(x, ps, s * N).set(S);
        x.alSketchDense(ps, s, pk, N, po);
        M = f64View(x, po, s * N);
        for (let r = 0; r < s; r++) {
          let t = 0;
          for (let i = 0; i < N; i++) t += S[r * N + i]! * rho[i]!;
          u[r] = t;
        }
      } else if (sketch === 'count') {
        const U = R.uniform(2 * N);
        const bucket = new Int32Array(x.memory.buffer, pb, N);
        const sign = f64View(x, pg, N);
        for (let i = 0; i < N; i++) {
          bucket[i] = Math.min(s - 1, Math.floor(U[i]! * s));
          sign[i] = U[N + i]! < 0.5 ? -1 : 1;
        }
        for (let i = 0; i < N; i++) u[bucket[i]!] = u[bucket[i]!]! + sign[i]! * rho[i]!;
        x.alSketchCount(pb, pg, s, pk, N, po);
        M = f64View(x, po, s * N);
      } else {
        // s distinct rows by a partial Fisher–Yates shuffle
        const U = R.uniform(s);
        for (let r = 0; r < s; r++) {
          const j = r + Math.min(N - r - 1, Math.floor(U[r]! * (N - r)));
          const t = rows[r]!;
          rows[r] = rows[j]!;
          rows[j] = t;
        }
        M = new Float64Array(s * N);
        for (let r = 0; r < s; r++) {
          M.set(K.subarray(rows[r]! * N, rows[r]! * N + N), r * N);
          u[r] = rho[rows[r]!]!;
        }
      }
      // G = M Mᵀ, v = G⁻¹ u, z ← z − Mᵀ v: the projection of z onto {z : S K z = S b}
      for (let p = 0; p < s; p++) {
        for (let q = 0; q <= p; q++) {
          let t = 0;
          for (let i = 0; i < N; i++) t += M[p * N + i]! * M[q * N + i]!;
          G[p * s + q] = t;
          G[q * s + p] = t;
        }
      }
      cholSolve(G, s, u);
      for (let r = 0; r < s; r++) {
        const v = u[r]!;
        if (v === 0) continue;
        for (let i = 0; i < N; i++) z[i] = z[i]! - v * M[r * N + i]!;
      }
      rel = residual();
      flops += perIter;
      if (rel <= tol) return { iterations: it, converged: true, relativeResidual: rel, flops };
    }
    return { iterations: it, converged: false, relativeResidual: rel, flops };
  });
}

/**
 * Solves a square linear system K z = b (K N × N, row-major, consistent) by randomized
 * sketch-and-project: each iteration draws a sketch S (s × N) and projects z onto the solutions of the
 * sketched system S K z = S b, z ← z − (SK)ᵀ (SK (SK)ᵀ)⁻¹ S (K z − b). With sampled rows this is block
 * Kaczmarz. The expected error contracts by a factor set by the smallest nonzero eigenvalue of
 * E[(SK)ᵀ(SK(SK)ᵀ)⁻¹SK], so ill-conditioned systems need many iterations: a tool for large systems
 * solved to moderate accuracy, where one iteration costs O(sN) to O(sN²) instead of O(N³).
 *
 * @param K - the matrix (N × N, row-major).
 * @param b - the right-hand side (length N).
 * @param options - sketch kind and size, tolerance, iteration cap, start, seed.
 * @returns the solution, iterations, relative residual, flops and storage.
 * @throws ShapeError when K is not N × N; ParameterError for bad options.
 */
export function sketchSolve(K: VectorInput, b: VectorInput, options?: SketchSolveOptions): SketchSolveResult {
  const fn = 'sketchSolve';
  const opts = readOptions(fn, options, SOLVE_KEYS);
  const bb = finiteArray(fn, 'b', b);
  const N = bb.length;
  if (N === 0) throw parameterError(fn, 'b', 'a non-empty vector', b);
  const KK = finiteArray(fn, 'K', K);
  if (KK.length !== N * N) throw new ShapeError(`${fn}: K must be N × N = ${N} × ${N} (${N * N} entries, row-major) for b of length ${N} (got ${KK.length})`);
  const { sketch, s, tol, maxIter, R } = readSketchOptions(fn, opts, N);
  const z = opts.x0 === undefined ? new Float64Array(N) : finiteArray(fn, 'options.x0', opts.x0).slice();
  if (z.length !== N) throw new ShapeError(`${fn}: options.x0 must have length ${N} (got ${z.length})`);
  const r = sketchLoop(fn, KK, N, bb, z, sketch, s, tol, maxIter, R);
  return { x: z, ...r, storage: s * N + s * s + 3 * N };
}

/** The sketch options shared with the Newton solver. */
export function readSketchOptions(fn: string, opts: { sketch?: SketchKind; sketchSize?: number; tol?: number; maxIter?: number; seed?: number | bigint }, N: number, prefix = 'options.') {
  const sketch = opts.sketch ?? 'gaussian';
  if (!['gaussian', 'count', 'rows'].includes(sketch as string)) throw parameterError(fn, `${prefix}sketch`, "'gaussian', 'count' or 'rows'", sketch);
  const s = opts.sketchSize === undefined ? Math.ceil(N / 4) : positiveInteger(fn, `${prefix}sketchSize`, opts.sketchSize);
  if (s > N) throw new ParameterError(`${fn}: ${prefix}sketchSize must be at most the order of the system ${N} (got ${s})`);
  const tol = opts.tol === undefined ? 1e-8 : positiveFinite(fn, `${prefix}tol`, opts.tol);
  const maxIter = opts.maxIter === undefined ? 100_000 : positiveInteger(fn, `${prefix}maxIter`, opts.maxIter);
  const R = seededRng(fn, opts.seed ?? 0, `${prefix}seed`);
  return { sketch, s, tol, maxIter, R };
}
