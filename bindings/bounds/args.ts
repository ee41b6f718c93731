/** Argument checks shared by the bounds family's public functions (each error names the calling function). */
import { parameterError } from '../runtime/errors.js';
import { MAX_F64_LENGTH } from '../runtime/memory.js';


/** An option that must be an array (its entries are checked by the caller). */
export function arrayOption<T>(fn: string, name: string, v: readonly T[]): readonly T[] {
  if (!Array.isArray(v)) throw parameterError(fn, name, 'an array', v);
  return v;
}

/** The most doubles a function draws or builds at once: 2^27 (1 GiB), half the 2 GiB WASM memory cap. */
export const MAX_ITEMS = MAX_F64_LENGTH / 2;
