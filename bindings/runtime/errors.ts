/**
 * Typed errors. Every message names the function, the argument, what was expected and what was
 * received: `projectSimplex: radius must be >= 0 (got -1)`.
 */

/** Base class of every error proxkit throws on purpose; `code` is stable across versions. */
export class ProxkitError extends Error {
  /** Stable machine-readable code: 'ERR_PARAMETER', 'ERR_SHAPE', 'ERR_NON_FINITE', 'ERR_MEMORY', 'ERR_WASM_INIT' or 'ERR_CONVERGENCE'. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An array has the wrong length or shape, or two arrays that must match do not. */
export class ShapeError extends ProxkitError {
  constructor(message: string) {
    super('ERR_SHAPE', message);
  }
}

/** A scalar option or argument is outside its domain, or an argument has the wrong type. */
export class ParameterError extends ProxkitError {
  constructor(message: string) {
    super('ERR_PARAMETER', message);
  }
}

/** An input array holds NaN or ±Infinity; `index` is the first offending position. */
export class NonFiniteError extends ProxkitError {
  /** Name of the offending argument, as in the message (e.g. 'v' or 'layers[2].weight'). */
  readonly argument: string;
  /** First position holding NaN or ±Infinity. */
  readonly index: number;
  /** The value found there (NaN, Infinity or −Infinity). */
  readonly value: number;
  constructor(fn: string, argument: string, index: number, value: number) {
    super('ERR_NON_FINITE', `${fn}: ${argument} must be finite (got ${value} at index ${index})`);
    this.argument = argument;
    this.index = index;
    this.value = value;
  }
}

/** The WebAssembly memory cap was reached. */
export class MemoryError extends ProxkitError {
  constructor(message: string) {
    super('ERR_MEMORY', message);
  }
}

/** The WebAssembly module could not be compiled or instantiated, or `init()` was not awaited. */
export class WasmInitError extends ProxkitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_WASM_INIT', message, options);
  }
}

/** Renders a received value for a message: numbers as JS prints them, other things by type. */
export function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength}`;
  return typeof value === 'object' ? `${(value as object).constructor?.name ?? 'object'}` : typeof value;
}

/** `fn: name must be expected (got value)` as a ParameterError. */
export function parameterError(fn: string, name: string, expected: string, got: unknown): ParameterError {
  return new ParameterError(`${fn}: ${name} must be ${expected} (got ${describe(got)})`);
}
