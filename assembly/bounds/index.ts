// The bounds family's kernels (IBP / CROWN bound propagation).
export { boundIntervalMatVec, boundMatVec, boundBackLinear, boundBackActivation, boundConcretizeBall, boundActForward, boundActRelax } from "./bounds";
export { boundConvForward, boundConvInterval, boundConvBackward, boundAxpy } from "./conv";
