export { modeGram, modeProduct, frobeniusNorm, type Tensor, type TensorInput } from './tensor.js';
export { hosvd, hooi, tuckerReconstruct, modeSpectra, type TuckerDecomposition, type HooiOptions, type HooiResult, type HooiProgress } from './decompose.js';
export { solveTuckerPacking, tuckerParameterCount, InfeasibleBudgetError, type PackingOptions, type PackingResult } from './packing.js';
export { selectCoreShape, uniformCoreShape, type SelectCoreShapeOptions, type CoreShapeSelection } from './select.js';
export { unfold, fold, khatriRao, multiModeProduct, type RowMajorMatrix, type MultiModeProductOptions } from './unfold.js';
export { cp, parafac, cpReconstruct, type CpOptions, type CpResult, type CpProgress, type CpDecomposition, type CpLineSearchCounts, type CpModelInput } from './cp.js';
export { nonNegativeTucker, partialTucker, type NonNegativeTuckerOptions, type NonNegativeTuckerResult, type PartialTuckerOptions, type PartialTuckerResult, type TensorFitProgress } from './nonnegative.js';
export { tensorTrain, ttReconstruct, type TensorTrain, type TensorTrainOptions, type TensorTrainResult, type TensorTrainInput } from './tt.js';
