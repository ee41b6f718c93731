/**
 * proxkit: proximal-optimization and certification kernels in SIMD WebAssembly.
 *
 * ```ts
 * import { init, softThreshold, projectSimplex } from 'proxkit';
 * await init();
 * projectSimplex([0.5, 2, -1]); // Float64Array [0, 1, 0]
 * ```
 *
 * @module proxkit
 */
export { init, isReady, type InitOptions, type WasmSource, type WasmResponse, type WasmUrl, type WasmModule } from './runtime/instance.js';
export type { AbortSignalLike } from './runtime/types.js';
export {
  ProxkitError,
  ShapeError,
  ParameterError,
  NonFiniteError,
  MemoryError,
  WasmInitError,
} from './runtime/errors.js';
export type { StopState } from './runtime/stop.js';
export { F64Buffer, allocF64, memoryStats, type MemoryStats, type VectorInput } from './runtime/memory.js';
export { Rng, rng } from './rng.js';
export { softThreshold, projectSimplex } from './prox/index.js';
export {
  normL1, normL2, sqrNormL2, elasticNet, normLinf, normL21, huberLoss,
  indBox, indNonnegative, indSimplex, indBallL1, indBallL2, indBallLinf, indHyperplane, indHalfspace,
  totalVariation1D, totalVariation1DStrided, tv1dScratchLength, nmSparsity, proxSparse, lossProx, klSimplex,
  type LossKind, type KlSimplexOperator, type KlSimplexOptions,
  scaled, translated, separableSum, conjugate, moreauEnvelope, type MoreauEnvelope,
  type ProxOperator, type OperatorProperties, type StridedTV1DOptions,
  nuclearNorm,
  indPsd, indSoc, indBallL0, normL0, indSphereL2, indRank, indStiefel, precomposed, tilted,
  indExpCone, indAffine, quadratic,
} from './prox/index.js';
export * from './prox/algorithms/index.js';
export * from './cvar/index.js';
export { symmetricEigen, ConvergenceError, type SymmetricEigenResult, svd, type SvdResult } from './linalg/index.js';
export * from './tucker/index.js';
export * from './bounds/index.js';
export * from './ot/index.js';
export * as nn from './nn/index.js';
export * from './sparse/index.js';
export * as federated from './federated/index.js';
export * as scale from './scale/index.js';
export * from './saddle/index.js';
export * from './causal/index.js';
export * from './constrained/index.js';
export * from './fractional/index.js';
export * from './fair/index.js';
export * from './policy/index.js';
export * from './forecast/index.js';
