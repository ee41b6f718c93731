/**
 * Structural stand-ins for the host types that appear in the public API. The published declarations
 * must compile in a project with `lib: ["ES2022"]` only (no DOM library, with or without @types/node),
 * so they name what proxkit reads of a host object instead of the DOM's global type; the real objects fit.
 */

/**
 * What proxkit reads of an `AbortSignal` option: the `aborted` flag, polled between iterations, and
 * `reason`, thrown by the routines that throw on abort. Any `AbortSignal` (DOM or Node) fits.
 */
export interface AbortSignalLike {
  /** True once the operation should stop. */
  readonly aborted: boolean;
  /** Why it was aborted; thrown by routines that throw on abort. */
  readonly reason?: unknown;
}
