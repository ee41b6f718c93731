// The tucker family's kernels (the symmetric eigensolver lives in ../linalg).
export { sumSquares, modeGram, modeGramDual, modeProduct } from "./tensor";
export { tuckerPack, tuckerPackWorkBytes } from "./packing";
export { khatriRaoKernel, mttkrp, cpResidual, sumSquaredDiff } from "./cp";
