// The nn family's kernels: blocked SIMD matrix products, elementwise maps, reductions, data movement.
export { nnMatmulF64, nnMatmulF32, nnMatmulScratchBytes, nnPeakProbeF64, nnPeakProbeF32 } from "./matmul";
export {
  nnUnaryF64, nnUnaryF32, nnBinaryF64, nnBinaryF32, nnBroadcast,
  nnReduceF64, nnReduceF32, nnMaxMaskF64, nnMaxMaskF32, nnLogSoftmaxF64, nnLogSoftmaxF32,
  nnCrossEntropyF64, nnCrossEntropyF32, nnGatherRows, nnScatterAddRowsF64, nnScatterAddRowsF32,
  nnStridedCopy, nnTranspose, nnFirstNonFiniteF64, nnFirstNonFiniteF32, nnCastF64ToF32, nnCastF32ToF64,
} from "./elementwise";
