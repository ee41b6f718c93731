// The OT family's kernels.
export {
  otCostMatrix, otGibbs, otLogKernel, otKv, otKtu, otScale, otMarginalError, otMaxAbs,
  otLogRows, otLogCols, otLogMarginalError, otLogPlan, otPlan, otAbsorb, otGibbsStabilized, otLogVec,
} from "./sinkhorn";
export { otEmd } from "./emd";
export { otScalePow, otExpVec } from "./unbalanced";
export { otBatchKv, otBatchKtu, otBatchStep, otBatchMarginalError } from "./batch";
export { otBatchLogStep, otBatchLogMarginalError } from "./batchlog";
export { otExpPairs } from "./expv";
export { otKvPairs } from "./matvec";
export { otGaussianKernel1d, otConvolve2d, otLogConvolve2d, otClassPlan, otClassPlanEntropic, otProject, otSortF64 } from "./convolution";
export { otGibbsF32x4, otKvF32x4, otKtuF32x4, otStepF32x4, otPlanF32x2, otPlanF32Rows, otGibbsKtuRowsF32x4 } from "./f32x4";
export { otNetworkSimplex, otNetworkSimplexWork } from "./network";
export { otLazyLogSumExp } from "./lazy";
export { otBatchStepF32x4 } from "./batch-f32";
export { otMatMulF32x4, otConvolve2dF32, otToF32 } from "./convolutional-f32";
