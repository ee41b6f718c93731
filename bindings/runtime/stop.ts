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
