// The WASM export surface: every kernel, nothing else. One line per family.
export { alloc, free, allocatedBytes, arenaTop } from "./memory";
export { rngSeed, rngNext, rngUniform, rngNormal } from "./rng";
export { mathExp, mathLog, mathLog1p, mathExpm1, mathPow, mathSigmoid, mathSoftplus, mathSin, mathCos, logisticLoss, logisticSlope } from "./math"; // scalar transcendentals for the bindings
export * from "./prox/index";
export * from "./linalg/index";
export * from "./tucker/index";
export * from "./cvar/index";
export * from "./ot/index";
export * from "./bounds/index";
export * from "./nn/index";
export * from "./sparse/index";
export * from "./federated/index";
export * from "./policy/index";
export * from "./causal/index";
export * from "./forecast/index";
export * from "./constrained/index";
export { rooflineRead, rooflineTriad } from "./roofline"; // the bench's bandwidth probes
