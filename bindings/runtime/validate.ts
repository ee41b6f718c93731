/** Checks for scalar arguments; each throws a ParameterError naming the function and argument. */
import { ParameterError, parameterError } from './errors.js';
import type { AbortSignalLike } from './types.js';

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
 * The option names of an options interface, listed exhaustively: the mapped type makes the compiler
 * reject a list that misses a key of T or names one T does not have, so the list cannot drift from the
 * documented interface. Pass the result to {@link readOptions}.
 */
export function optionKeys<T extends object>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive: the
 * cost of turning a typed key into a known one (`methd` → `method` is 1, `mehtod` → `method` is 1).
 */
function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Keys renamed in 0.2.0, so that old code gets pointed at the new name even when the two are far
 * apart in spelling (`tolerance` → `tol`).
 */
const RENAMED: Readonly<Record<string, string>> = { tolerance: 'tol', hooiTol: 'hooi', hooiMaxIter: 'hooi' };

/**
 * The known key closest to `key`, when it is close enough to be a plausible typo: at most 2 edits and
 * fewer edits than half the key's length (so `x` does not "suggest" `C`), or the new name of a key
 * renamed in 0.2.0. Ties go to the first key in `known`.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const renamed = RENAMED[key];
  if (renamed !== undefined && known.includes(renamed)) return renamed;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = editDistance(key, k);
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  return bestDistance <= 2 && bestDistance < key.length / 2 ? best : undefined;
}

/**
 * Refuses an own enumerable key of `options` that is not in `known` — a misspelt option would
 * otherwise be ignored and its default used silently. The ParameterError names the key, the nearest
 * known key when there is a plausible one, and the list of known keys.
 */
export function checkKnownKeys(fn: string, options: object, known: readonly string[], name = 'options'): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearestKey(key, known);
    const hint = near === undefined ? '' : ` (did you mean ${name}.${near}?)`;
    const list = known.length === 0 ? 'none' : known.join(', ');
    throw new ParameterError(`${fn}: ${name}.${key} is not a known option${hint}; known: ${list}`);
  }
}

/**
 * The options argument of a public function: undefined reads as {}; null, numbers, strings, arrays
 * and typed arrays are a ParameterError rather than a TypeError from destructuring. A key not in
 * `known` (see {@link optionKeys}) is a ParameterError naming it and the nearest known key. Every
 * public options object passes its keys (test/conventions.test.ts holds the exports to it); `known`
 * is null only for objects whose extra keys are harmless by design (a result passed back in).
 */
export function readOptions<T extends object>(fn: string, options: T | undefined, known: readonly string[] | null = null, name = 'options'): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw parameterError(fn, name, 'an object', options);
  }
  if (known !== null) checkKnownKeys(fn, options, known, name);
  return options;
}

/**
 * An optional AbortSignal option: undefined, or an object with a boolean `aborted` (AbortSignal or a
 * look-alike). Anything else would be read as "never aborted" and silently disable cancellation.
 */
export function readSignal(fn: string, signal: unknown, name = 'options.signal'): AbortSignalLike | undefined {
  if (signal === undefined) return undefined;
  if (signal === null || typeof signal !== 'object' || typeof (signal as { aborted?: unknown }).aborted !== 'boolean') {
    throw parameterError(fn, name, 'an AbortSignal', signal);
  }
  return signal as AbortSignalLike;
}

/** An optional callback option (onProgress, gap, …): undefined or a function. */
export function readCallback<F>(fn: string, name: string, callback: F | undefined): F | undefined {
  if (callback !== undefined && typeof callback !== 'function') throw parameterError(fn, name, 'a function', callback);
  return callback;
}
