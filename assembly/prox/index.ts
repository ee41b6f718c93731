// The prox family's kernels.
export { softThreshold, softThresholdScalar } from "./soft-threshold";
export { projectSimplex, projectSimplexScalar, projectSimplexCondat, simplexThreshold, shiftPositive, simplexSparse, simplexSparseRows, simplexSparseFinish } from "./simplex";
export { scaleVec, shrinkScale, weightedShrink, clampScalar, clampVector, huberShrink, axpyInto, dotF64, absInto } from "./elementwise";
export { groupShrink } from "./group";
export { tv1d } from "./tv";
export { nmProject } from "./nm";
export { entropicStep, logisticProx1d } from "./entropic";
export { lsResidual, lsMatTVec } from "./matvec";
