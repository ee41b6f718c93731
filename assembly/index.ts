// The WASM export surface: every kernel, nothing else.
export { alloc, free, allocatedBytes, arenaTop } from "./memory";
export { rngSeed, rngNext, rngUniform, rngNormal } from "./rng";
export { softThreshold, softThresholdScalar } from "./prox/soft-threshold";
export { projectSimplex, projectSimplexScalar, simplexThreshold, shiftPositive, simplexSupport } from "./prox/simplex";
