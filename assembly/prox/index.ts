// The prox family's kernels.
export { softThreshold, softThresholdScalar } from "./soft-threshold";
export { projectSimplex, projectSimplexScalar, simplexThreshold, shiftPositive, simplexSupport } from "./simplex";
