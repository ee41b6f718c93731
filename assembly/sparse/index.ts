// The sparse-coding family's kernels: candidate preselection, truncated-state residuals, posteriors.
export { sparseSelect, sparseResiduals, sparsePosterior, sparseMcaAccumulate, sparsePowPos, sparsePowPos2 } from "./estep";
