// The OT family's kernels.
export {
  otCostMatrix, otGibbs, otLogKernel, otKv, otKtu, otScale, otMarginalError, otMaxAbs,
  otLogRows, otLogCols, otLogMarginalError, otLogPlan, otPlan, otAbsorb, otGibbsStabilized, otLogVec,
} from "./sinkhorn";
export { otEmd } from "./emd";
export { otScalePow, otExpVec } from "./unbalanced";
