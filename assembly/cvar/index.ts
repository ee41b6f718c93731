// The cvar family's kernels.
export { cvarEval, cvarWeights, projectCvarSet } from "./cvar";
export { cvarStepCoef, cvarEpoch, linearLosses, linearWeightedGradient } from "./step";
export { selectRank, sortRange, copyNegated } from "./select";
export { cvarQpMatVec, cvarQpMatTVec, cvarQpMatTVec2, cvarQpGramAdd, cvarQpCholesky, cvarQpCholSolve } from "./qp";
export { cvarQpNormalMatVec, cvarQpColumnSumSq } from "./qp-cg";
export { weightedCvarEval, projectWeightedCvarSet } from "./weighted";
