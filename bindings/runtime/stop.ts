import type { AbortSignalLike } from './types.js';

/**
 * The one vocabulary for why an iterative routine ended, shared by every family: each result that
 * runs a loop carries `stopped` with one of these values (each routine uses the subset it can reach),
 * next to `converged` and `iterations`.
 */
export type StopState =
  /**
   * The stopping test on `tol` (or the routine's own certificate) passed; `converged` is true. For a
   * verification search (verifyNetwork, verify): the search reached a verdict.
   */
  | 'converged'
  /** The iteration budget ran out first (`maxIter`; the `epochs` of a stochastic method). */
  | 'maxIter'
  /** `onProgress` returned false. */
  | 'callback'
  /** The `signal` (an AbortSignal) was aborted; the partial result is returned. */
  | 'aborted'
  /** The time budget (`timeout`) ran out. */
  | 'timeout'
  /** A search ran out of its node budget (`maxNodes`). */
  | 'maxNodes'
  /** The iterates stopped being finite (e.g. too large a step). */
  | 'diverged';

/**
 * Why an epoch loop stops after it has reported `info`: 'callback' when onProgress returned false, else
 * 'aborted' when the signal fired, else 'converged' when the routine's own test passed; null to go on.
 */
export function stopAfterReport<I>(
  info: I,
  onProgress: ((info: I) => unknown) | undefined,
  signal: AbortSignalLike | undefined,
  converged: boolean,
): 'callback' | 'aborted' | 'converged' | null {
  if (onProgress?.(info) === false) return 'callback';
  if (signal?.aborted) return 'aborted';
  return converged ? 'converged' : null;
}
