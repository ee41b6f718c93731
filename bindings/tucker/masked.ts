/**
 * HOOI with missing entries: the EM variant behind `hooi(X, shape, { mask })`. Before each sweep the
 * missing entries of the working tensor W are replaced by the current model's values; the sweep is an
 * ordinary HOOI sweep on W. The error over the observed entries never increases: with P the projection
 * onto the factors' spans, ‖M∘(X − X̂_new)‖ ≤ ‖W − P_new W‖ ≤ ‖W − P_old W‖ = ‖M∘(X − X̂_old)‖ (the
 * HOOI sweep does not decrease ‖P W‖, and W agrees with X̂_old off the mask).
 */
import { f64View, withScope, type Scope } from '../runtime/memory.js';
import { leadingVectors, otherModes, projectModes, type HooiResult } from './decompose.js';
import { modeProductIn, prod } from './tensor.js';

/** The full tensor G ×₀ U₀ ⋯ in scope s from the core at `g`. */
function reconstructIn(s: Scope, g: number, ranks: readonly number[], dims: readonly number[], factors: readonly Float64Array[]): number {
  let cur = { ptr: g, dims: ranks.slice() };
  for (let n = 0; n < dims.length; n++) cur = modeProductIn(s, cur.ptr, cur.dims, n, factors[n]!, dims[n]!);
  return cur.ptr;
}

/**
 * Runs masked HOOI on the tensor at `x` (already placed, finite) with the 0/1 mask `mask`; the loop
 * controls (maxIter, tol, onProgress, signal, start factors) are hooi's, already validated.
 */
export function hooiMaskedIn(
  s: Scope, fn: string, x: number, dims: readonly number[], ranks: readonly number[], mask: Float64Array,
  opts: { maxIter: number; tol: number; onProgress?: (info: { iteration: number; relativeError: number; elapsed: number }) => boolean | void; signal?: { readonly aborted: boolean }; init?: Float64Array[] },
  t0: number,
): HooiResult {
  const size = prod(dims);
  const coreSize = prod(ranks);
  const xv = f64View(s.x, x, size).slice();
  let norm2 = 0;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < size; i++) if (mask[i] === 1) { norm2 += xv[i]! * xv[i]!; sum += xv[i]!; count++; }
  // W: observed entries, the rest first the observed mean, then the model's values.
  const w = s.f64(size);
  const W = f64View(s.x, w, size);
  for (let i = 0; i < size; i++) W[i] = mask[i] === 1 ? xv[i]! : sum / count;
  const factors = opts.init ? opts.init.map((U) => U.slice()) : dims.map((_, n) => withScope(fn, (t) => leadingVectors(t, w, dims, n, ranks[n]!).U));
  const coreOfW = () => withScope(fn, (t) => f64View(t.x, projectModes(t, w, dims, factors, ranks, otherModes(dims, ranks, -1)).ptr, coreSize).slice());
  // Error over the observed entries, and W refilled from the model (the E-step).
  const refill = (core: Float64Array): number => withScope(fn, (t) => {
    const g = t.f64(coreSize);
    f64View(t.x, g, coreSize).set(core);
    const hat = f64View(t.x, reconstructIn(t, g, ranks, dims, factors), size);
    const Wv = f64View(t.x, w, size);
    let res = 0;
    for (let i = 0; i < size; i++) {
      if (mask[i] === 1) {
        const d = xv[i]! - hat[i]!;
        res += d * d;
      } else {
        Wv[i] = hat[i]!;
      }
    }
    return norm2 > 0 ? Math.sqrt(res / norm2) : Math.sqrt(res);
  });
  let core = coreOfW();
  let err = refill(core);
  const history: number[] = [];
  let stopped: HooiResult['stopped'] = 'maxIter';
  for (let it = 1; it <= opts.maxIter; it++) {
    if (opts.signal?.aborted) { stopped = 'aborted'; break; }
    for (let n = 0; n < dims.length; n++) {
      factors[n] = withScope(fn, (t) => {
        const y = projectModes(t, w, dims, factors, ranks, otherModes(dims, ranks, n));
        return leadingVectors(t, y.ptr, y.dims, n, ranks[n]!).U;
      });
    }
    core = coreOfW();
    const next = refill(core);
    history.push(next);
    const delta = err - next;
    err = next;
    const info = { iteration: it, relativeError: err, elapsed: performance.now() - t0 };
    if (opts.onProgress && opts.onProgress(info) === false) { stopped = 'callback'; break; }
    if (Math.abs(delta) <= opts.tol) { stopped = 'converged'; break; }
  }
  return { core: { data: core, shape: ranks.slice() }, factors, relativeError: err, iterations: history.length, converged: stopped === 'converged', stopped, history };
}
