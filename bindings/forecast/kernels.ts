/** The forecast family's raw WASM exports (assembly/forecast/), as the bindings call them. */
import { wasm, type ProxkitExports } from '../runtime/instance.js';

export interface ForecastKernels {
  fft(re: number, im: number, n: number, inverse: number, work: number): void;
  rfft(x: number, n: number, outRe: number, outIm: number, work: number): void;
  fftWorkLength(n: number): number;
  rfftWorkLength(n: number): number;
}

/** The instance with the forecast kernels (the runtime's own type does not list families it does not know). */
export function forecastWasm(fn: string): ProxkitExports & ForecastKernels {
  return wasm(fn) as ProxkitExports & ForecastKernels;
}
