/** Small helpers shared by the sparse family's files. */
import { NonFiniteError } from '../runtime/errors.js';
import { numbersOf, type VectorInput } from '../runtime/memory.js';

/** A Float64Array copy of a vector input (plain, typed or F64Buffer) whose entries are all finite. */
export function finiteCopy(fn: string, name: string, v: VectorInput): Float64Array {
  const a = numbersOf(fn, name, v);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) throw new NonFiniteError(fn, name, i, a[i]!);
  return a;
}
