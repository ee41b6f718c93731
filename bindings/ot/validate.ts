/** Argument checks shared by the OT functions (each throws a typed error naming the public function). */
import { MemoryError, parameterError } from '../runtime/errors.js';

/**
 * An optional AbortSignal: undefined, or an object with a boolean `aborted` (AbortSignal or a look-alike).
 * Anything else would be read as "never aborted" and silently disable cancellation.
 */
export function readSignal(fn: string, signal: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (signal === null || typeof signal !== 'object' || typeof (signal as { aborted?: unknown }).aborted !== 'boolean') {
    throw parameterError(fn, name, 'an AbortSignal', signal);
  }
  return signal as AbortSignal;
}

/** The WebAssembly memory cap (bytes). */
const CAP = 2 ** 31;

/**
 * Refuses up front a call whose buffers, sized by an option rather than by the data (projections,
 * rank), cannot fit in WASM memory: sizes beyond 2³² bytes would otherwise wrap in the u32 `alloc`
 * and JS typed arrays that large cannot be created either.
 */
export function checkCapacity(fn: string, doubles: number): void {
  const bytes = doubles * 8;
  if (!(bytes <= CAP)) {
    const mib = (bytes / 2 ** 20).toFixed(1);
    throw new MemoryError(`${fn}: cannot allocate ${mib} MiB of WebAssembly memory (the 2 GiB cap is reached)`);
  }
}

/** An optional progress callback: undefined or a function. */
export function readProgress<F extends (...args: never[]) => unknown>(fn: string, onProgress: F | undefined): F | undefined {
  if (onProgress !== undefined && typeof onProgress !== 'function') throw parameterError(fn, 'options.onProgress', 'a function', onProgress);
  return onProgress;
}
