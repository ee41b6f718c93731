// The causal family's kernels: Gaussian Gram matrices, matrix product, LU solve (bridge functions).
export { causalGaussGram, causalMatmul, causalLuSolve, causalPow, causalErf } from "./gram";
