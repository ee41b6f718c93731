/** Small argument checks shared by the families; each throws a ParameterError naming the function and argument. */
import { parameterError } from './errors.js';

/** true or false: a truthy number, string or object is refused rather than read as true (most likely a mistake). */
export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw parameterError(fn, name, 'true or false', value);
  return value;
}
