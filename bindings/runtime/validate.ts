/** Checks for scalar arguments; each throws a ParameterError naming the function and argument. */
import { parameterError } from './errors.js';

/** A number ≥ 0 (+Infinity allowed); rejects NaN and non-numbers. */
export function nonNegative(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0)) throw parameterError(fn, name, '>= 0', value);
  return value;
}

/** An integer ≥ 0 (a safe integer; rejects NaN, fractions and non-numbers). */
export function nonNegativeInteger(fn: string, name: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw parameterError(fn, name, 'a non-negative integer', value);
  return value as number;
}

/** An integer ≥ 1. */
export function positiveInteger(fn: string, name: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw parameterError(fn, name, 'a positive integer', value);
  return value as number;
}

/** A finite number > 0. */
export function positiveFinite(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0)) throw parameterError(fn, name, '> 0', value);
  if (!Number.isFinite(value)) throw parameterError(fn, name, 'finite', value);
  return value;
}

/**
 * The options argument of a public function: undefined reads as {}; null, numbers, strings, arrays
 * and typed arrays are a ParameterError rather than a TypeError from destructuring.
 */
export function readOptions<T extends object>(fn: string, options: T | undefined, name = 'options'): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw parameterError(fn, name, 'an object', options);
  }
  return options;
}

/**
 * An optional AbortSignal option: undefined, or an object with a boolean `aborted` (AbortSignal or a
 * look-alike). Anything else would be read as "never aborted" and silently disable cancellation.
 */
export function readSignal(fn: string, signal: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (signal === null || typeof signal !== 'object' || typeof (signal as { aborted?: unknown }).aborted !== 'boolean') {
    throw parameterError(fn, name, 'an AbortSignal', signal);
  }
  return signal as AbortSignal;
}

/** An optional callback option (onProgress, gap, …): undefined or a function. */
export function readCallback<F>(fn: string, name: string, callback: F | undefined): F | undefined {
  if (callback !== undefined && typeof callback !== 'function') throw parameterError(fn, name, 'a function', callback);
  return callback;
}
