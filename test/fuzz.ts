/**
 * Test-only: the bad-input sweep every public function goes through. Starting from one valid call,
 * each argument, and each key of each plain-object argument (depth ≤ 3, first element of arrays of
 * objects), is replaced in turn by every value of BAD_VALUES. None may leave WASM memory allocated,
 * the valid call must still give the same answer afterwards (the module stays usable), and every
 * (site, value) pair is classified from the valid value found at the site (see `mustReject`):
 * - must-reject: the call must throw a ProxkitError whose message names the function (NaN and ±Infinity
 *   where a number or numeric data is expected, a negative or fractional count, a value of the wrong
 *   type, null as an argument or array entry, undefined for a required argument, a non-AbortSignal
 *   `signal`, …);
 * - may-accept: the call may return or throw such an error (a finite number where any real may be
 *   valid, an empty or differently sized array, undefined for an optional argument, undefined or null
 *   for an option key: its default).
 * A call may list pairs it accepts on purpose (`accept`), each with its reason next to the call, and
 * name sites the valid value does not classify right (`kinds`: a real given as 1, a shape's entries).
 */
import { appendFileSync } from 'node:fs';
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

/** What the valid value at a site says the site expects. */
export type SiteKind = 'count' | 'real' | 'entry' | 'array' | 'string' | 'boolean' | 'function' | 'object' | 'signal';

/**
 * The kind of a site, from the valid value there: a number inside an array is an `entry` of numeric
 * data; a non-negative integer elsewhere (or a bigint seed) is a `count` (iterations, sizes, indices,
 * seeds); any other number a `real`. A key named `signal` expects an AbortSignal. `kinds` overrides it.
 */
function kindOf(value: unknown, path: Path): SiteKind {
  const last = path[path.length - 1];
  if (last === 'signal') return 'signal';
  if (typeof value === 'number') {
    if (path.length > 1 && typeof last === 'number') return 'entry';
    return Number.isInteger(value) && value >= 0 ? 'count' : 'real';
  }
  if (typeof value === 'bigint') return 'count';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'function') return 'function';
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return 'array';
  return 'object';
}

/** An array (or typed array) whose entries are all finite numbers: data of the right type, if not of the right size. */
function isFiniteNumbers(v: unknown): boolean {
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) return false;
  return Array.from(v as ArrayLike<unknown>).every((x) => typeof x === 'number' && Number.isFinite(x));
}

/**
 * Must a call with `bad` at a site of this kind be refused? `optional`: undefined stands for the
 * default there (an option key, or a positional argument at or after `optionalFrom`). `key`: the site
 * is a key of an object, where null may stand for the default as undefined does (as in JSON); null as
 * an argument or an array entry is refused.
 */
export function mustReject(kind: SiteKind, bad: unknown, optional: boolean, key: boolean): boolean {
  if (bad === undefined) return !optional;
  // null for a signal would silently disable cancellation, like any other non-AbortSignal
  if (bad === null) return !key || kind === 'signal';
  switch (kind) {
    case 'count':
      // NaN, ±Infinity, negative or fractional, or not a number; 0 and huge counts depend on the range.
      return typeof bad !== 'number' || !Number.isInteger(bad) || bad < 0;
    case 'real':
    case 'entry':
      // any finite number may be in the domain; ±Infinity only where a caller says so (`accept`)
      return typeof bad !== 'number' || !Number.isFinite(bad);
    case 'array':
    case 'object':
      // A numeric array of another size may be valid (or a ShapeError); an object site may take the
      // array form of the same thing (a matrix as rows). Scalars, strings, functions, arrays holding
      // NaN/Infinity/non-numbers or ragged rows are the wrong type. `{}` at an object site: all defaults.
      if (isFiniteNumbers(bad)) return false;
      if (kind === 'object' && typeof bad === 'object' && !Array.isArray(bad) && !ArrayBuffer.isView(bad)) return false;
      return true;
    case 'string':
      // 'x' is no method, loss or metric name, and no parseable model or property text.
      return true;
    case 'boolean':
      return typeof bad !== 'boolean';
    case 'function':
      return typeof bad !== 'function';
    case 'signal':
      return true;
  }
}

/**
 * `kinds` for entries of arrays of sizes or indices (a shape, ranks, hidden widths, group indices):
 * the sweep cannot tell them from numeric data, whose entries may be any real, so callers name them.
 */
export function countEntries(...sites: string[]): Record<string, SiteKind> {
  return Object.fromEntries(sites.map((s) => [s, 'count' as const]));
}

/** Labels that name a group of BAD_VALUES in `accept` ('arg1=finite numbers'). */
const GROUPS: Record<string, (label: string, value: unknown) => boolean> = {
  'finite numbers': (_, v) => typeof v === 'number' && Number.isFinite(v),
  'numeric arrays': (_, v) => isFiniteNumbers(v),
};

export interface FuzzOptions {
  /** Prefix every ProxkitError message must start with. Default `${name}: `. */
  prefix?: string | string[];
  /**
   * Sites (as printed, e.g. 'arg2.maxIter') or site=value pairs ('arg2.maxIter=1e12') to leave out,
   * each with a reason in the caller. 'site=1e12' (an iteration count: valid, it only runs long) also
   * leaves out the other huge count there, 2^29 + 1.
   */
  skip?: string[];
  /**
   * Pairs ('arg1=Infinity', 'arg2.name=a string', or a group: 'arg0=finite numbers', 'arg0=numeric arrays')
   * that are accepted on purpose although the site's kind says must-reject, or a whole site ('arg0.timeMs':
   * a field the function does not read); each with a reason in the caller. Crashes, untyped errors and
   * leaks are still reported there.
   */
  accept?: string[];
  /** Overrides the kind inferred from the valid value ('arg1': 'real' for a real parameter given as 1). */
  kinds?: Record<string, SiteKind>;
  /** Index of the first positional argument that may be undefined (default: all are required). */
  optionalFrom?: number;
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
  const accept = new Set(options.accept ?? []);
  const optionalFrom = options.optionalFrom ?? args.length;
  const problems: string[] = [];
  const base = memoryStats().allocatedBytes;
  const reference = fn(...args);
  const all: Path[] = [];
  args.forEach((a, i) => sites(a, [i], 0, all));
  for (const path of all) {
    const where = show(path);
    if (skip.has(where)) continue;
    const kind = options.kinds?.[where] ?? kindOf(at(args, path), path);
    const key = path.length > 1 && typeof path[path.length - 1] === 'string';
    const optional = key || (path.length === 1 && (path[0] as number) >= optionalFrom);
    for (const [label, value] of BAD_VALUES) {
      if (skip.has(`${where}=${label}`) || (label === HUGE_COUNT && skip.has(`${where}=1e12`))) continue;
      const mutated = replaced(args, path, value) as unknown[];
      const before = memoryStats().allocatedBytes;
      try {
        fn(...mutated);
        // (A signal option read as "never aborted" would silently disable cancellation; a number in
        // a plain array must not be coerced: null → 0, '2' → 2. Both are must-reject pairs.)
        const allowed = accept.has(where) || accept.has(`${where}=${label}`) || Object.entries(GROUPS).some(([g, test]) => accept.has(`${where}=${g}`) && test(label, value));
        if (!allowed && mustReject(kind, value, optional, key)) problems.push(`${where}=${label}: accepted, must be refused (${kind} site)`);
      } catch (e) {
        if (!(e instanceof ProxkitError)) problems.push(`${where}=${label}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        else if (!prefixes.some((p) => e.message.startsWith(p))) problems.push(`${where}=${label}: message does not name ${name}: ${e.message}`);
      }
      const after = memoryStats().allocatedBytes;
      if (after !== before) problems.push(`${where}=${label}: ${after - before} bytes of WASM memory left allocated`);
    }
  }
  if (memoryStats().allocatedBytes !== base) problems.push(`memory: ${memoryStats().allocatedBytes - base} bytes left allocated in all`);
  // FUZZ_REPORT=<file>: append every call's problems there and pass, so one run lists them all
  // (a test stops at its first failing call otherwise).
  if (process.env.FUZZ_REPORT) {
    for (const p of problems) appendFileSync(process.env.FUZZ_REPORT, `${name} | ${p}\n`);
    problems.length = 0;
  }
  const again = fn(...args);
  (options.same ?? ((a, b) => expect(b).toEqual(a)))(reference, again);
  return problems;
}
