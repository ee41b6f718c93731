/**
 * proxkit: proximal-optimization and certification kernels in SIMD WebAssembly.
 *
 * ```ts
 * import { init, softThreshold, projectSimplex } from 'proxkit';
 * await init();
 * projectSimplex([0.5, 2, -1]); // Float64Array [0, 1, 0]
 * ```
 */
export { init, isReady, type InitOptions, type WasmSource } from './runtime/instance.js';
export {
  ProxkitError,
  ShapeError,
  ParameterError,
  NonFiniteError,
  MemoryError,
  WasmInitError,
} from './runtime/errors.js';
export { F64Buffer, allocF64, memoryStats, type MemoryStats, type VectorInput } from './runtime/memory.js';
export { Rng, rng } from './rng.js';
export { softThreshold, projectSimplex } from './prox/index.js';
