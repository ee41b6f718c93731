/**
 * Elementwise transcendental math for the federated family, evaluated in WASM through nn's ops so that
 * a seed gives the same bits in every engine (V8's Math.exp/log/pow differ from AssemblyScript's).
 */
import * as nn from '../nn/index.js';

function apply(x: Float64Array, f: (t: nn.Tensor) => nn.Tensor): Float64Array {
  if (x.length === 0) return new Float64Array(0);
  return nn.scope(() => f(nn.tensor(x, { shape: [x.length] })).toArray() as Float64Array);
}

/** e^x elementwise (WASM). */
export const expW = (x: Float64Array): Float64Array => apply(x, nn.exp);
/** ln x elementwise (WASM). */
export const logW = (x: Float64Array): Float64Array => apply(x, nn.log);
/** x^p elementwise for a constant p (WASM). */
export const powW = (x: Float64Array, p: number): Float64Array => apply(x, (t) => nn.pow(t, p));
