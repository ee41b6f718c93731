// The cvar family's kernels.
export { cvarEval, cvarWeights, projectCvarSet } from "./cvar";
export { cvarStepCoef, cvarEpoch, linearLosses, linearWeightedGradient } from "./step";
export { selectRank, sortRange, copyNegated } from "./select";
