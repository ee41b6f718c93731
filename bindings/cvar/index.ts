// The cvar family's public API.
export { cvar, valueAtRisk, cvarAndVar, cvarWeights, projectCvarSet, projectCvarSetInfo, tailCount, type CvarProjection, type CvarOptions } from './cvar.js';
export { cvarStep, type CvarStepInput, type CvarStepResult } from './step.js';
export {
  minimizeCvar,
  type MinimizeCvarOptions,
  type MinimizeCvarResult,
  type CvarLoss,
  type CvarMethod,
  type CvarAveraging,
  type CustomLoss,
  type CvarProgress,
  type Matrix,
} from './minimize.js';
export { cvarReference, type CvarReference, type CvarReferenceOptions } from './reference.js';
export { cvarQp, type CvarQpProblem, type CvarQpOptions, type CvarQpResult, type CvarQpProgress, type CvarQpWarmStart } from './qp.js';
export {
  cvarSweep,
  formatSweepTable,
  sweepSvg,
  DEFAULT_STEP_SIZES,
  type CvarSweepOptions,
  type CvarSweepResult,
  type CvarSweepPanel,
  type CvarSweepMethod,
  type CvarProblem,
} from './sweep.js';
