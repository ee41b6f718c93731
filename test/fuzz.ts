/**
 * Test-only: the bad-input sweep every public function goes through. Starting from one valid call,
 * each argument, and each key of each plain-object argument (depth ≤ 3, first element of arrays of
 * objects), is replaced in turn by every value of BAD_VALUES. Each call must either return or throw a
 * ProxkitError whose message names the function (a key named `signal` must be refused: none of the
 * values is an AbortSignal); none may leave WASM memory allocated, and the valid call must still give
 * the same answer afterwards (the module stays usable).
 */
import { expect } from 'vitest';
import { ProxkitError, memoryStats } from '../bindings/index.js';

const HUGE_COUNT = '2^29 + 1';

export const BAD_VALUES: readonly [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['NaN', NaN],
  ['-1', -1],
  ['0', 0],
  ['0.5', 0.5],
  ['2.5', 2.5],
  ['1e12', 1e12],
  // as a count of doubles, 2^32 + 8 bytes: wraps to 8 if it ever reaches WASM's u32 alloc
  [HUGE_COUNT, 2 ** 29 + 1],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['a string', 'x'],
  ['true', true],
  ['a bigint', 1n],
  ['a symbol', Symbol('bad')],
  ['{}', {}],
  ['a function', () => 1],
  ['[]', []],
  ['Float64Array(0)', new Float64Array(0)],
  ['[NaN]', [NaN]],
  ['[Infinity, 1]', [Infinity, 1]],
  ['[1, 2, 3]', [1, 2, 3]],
  ['[-1, 2, -3, 4]', [-1, 2, -3, 4]],
  ['[[1, 2], [3]]', [[1, 2], [3]]],
  ['Int32Array [1, 2]', new Int32Array([1, 2])],
  ['["a", "b"]', ['a', 'b']],
  ['[1, null, 3]', [1, null, 3]],
];

/** A place in the argument list: args[i], then keys / first array element. */
type Path = (string | number)[];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function sites(v: unknown, path: Path, depth: number, out: Path[]): void {
  out.push(path);
  if (depth >= 3) return;
  if (isPlainObject(v)) for (const k of Object.keys(v)) sites(v[k], [...path, k], depth + 1, out);
  else if (Array.isArray(v) && v.length > 0) {
    // an entry of a plain array: the first, and for numbers also the last (a bad value past index 0)
    sites(v[0], [...path, 0], depth + 1, out);
    if (v.length > 1 && typeof v[v.length - 1] === 'number') out.push([...path, v.length - 1]);
  }
}

/** A copy of `v` with the value at `path` replaced (plain objects and arrays are copied on the way). */
function replaced(v: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(v)) {
    const c = v.slice();
    c[head as number] = replaced(c[head as number], rest, value);
    return c;
  }
  const c = { ...(v as Record<string, unknown>) };
  c[head as string] = replaced(c[head as string], rest, value);
  return c;
}

function at(v: unknown, path: Path): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], v);
}

function show(path: Path): string {
  return path.map((p, i) => (i === 0 ? `arg${p}` : typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

export interface FuzzOptions {
  /** Prefix every ProxkitError message must start with. Default `${name}: `. */
  prefix?: string | string[];
  /**
   * Sites (as printed, e.g. 'arg2.maxIter') or site=value pairs ('arg2.maxIter=1e12') to leave out,
   * each with a reason in the caller. 'site=1e12' (an iteration count: valid, it only runs long) also
   * leaves out the other huge count there, 2^29 + 1.
   */
  skip?: string[];
  /** Compares the valid call's result before and after the sweep (default: expect(...).toEqual). */
  same?: (a: unknown, b: unknown) => void;
}

/**
 * Runs the sweep on `fn(...args)` and returns the violations as strings (empty when clean), so a
 * test can `expect(fuzzArguments(...)).toEqual([])` and see every failure at once.
 */
export function fuzzArguments(name: string, fn: (...a: any[]) => unknown, args: unknown[], options: FuzzOptions = {}): string[] {
  const prefixes = options.prefix === undefined ? [`${name}: `] : ([] as string[]).concat(options.prefix);
  const skip = new Set(options.skip ?? []);
  const problems: string[] = [];
  const base = memoryStats().allocatedBytes;
  const reference = fn(...args);
  const all: Path[] = [];
  args.forEach((a, i) => sites(a, [i], 0, all));
  for (const path of all) {
    const where = show(path);
    if (skip.has(where)) continue;
    for (const [label, value] of BAD_VALUES) {
      if (skip.has(`${where}=${label}`) || (label === HUGE_COUNT && skip.has(`${where}=1e12`))) continue;
      const mutated = replaced(args, path, value) as unknown[];
      const before = memoryStats().allocatedBytes;
      try {
        fn(...mutated);
        // A signal option read as "never aborted" would silently disable cancellation.
        if (path[path.length - 1] === 'signal' && value !== undefined) problems.push(`${where}=${label}: accepted as an AbortSignal`);
        // A number in a plain array replaced by something else must not be coerced (null → 0, '2' → 2).
        else if (path.length > 1 && typeof path[path.length - 1] === 'number' && typeof at(args, path) === 'number' && typeof value !== 'number') {
          problems.push(`${where}=${label}: accepted as an entry of a numeric array`);
        }
      } catch (e) {
        if (!(e instanceof ProxkitError)) problems.push(`${where}=${label}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        else if (!prefixes.some((p) => e.message.startsWith(p))) problems.push(`${where}=${label}: message does not name ${name}: ${e.message}`);
      }
      const after = memoryStats().allocatedBytes;
      if (after !== before) problems.push(`${where}=${label}: ${after - before} bytes of WASM memory left allocated`);
    }
  }
  if (memoryStats().allocatedBytes !== base) problems.push(`memory: ${memoryStats().allocatedBytes - base} bytes left allocated in all`);
  const again = fn(...args);
  (options.same ?? ((a, b) => expect(b).toEqual(a)))(reference, again);
  return problems;
}
