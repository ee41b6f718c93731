// The OT family's public API.
export {
  sinkhorn, sinkhorn2, sinkhornBatch, sinkhornUnbalanced, type SinkhornUnbalancedOptions, type SinkhornUnbalancedResult,
  type MatrixInput, type SinkhornOptions, type SinkhornResult, type PlanOf, type Sinkhorn2Result, type SinkhornProgress,
} from './sinkhorn.js';
export { costMatrix, type CostMatrixOptions, type CostMetric } from './cost.js';
export { emd, emd2, wasserstein1d, type EmdResult } from './emd.js';
export { barycenter, type BarycenterOptions, type BarycenterResult } from './barycenter.js';
export { wassersteinCpDictionary, type WassersteinCpOptions, type WassersteinCpResult, type WassersteinCpIterate } from './wcp.js';
export { convolutionalBarycenter, type ConvolutionalBarycenterOptions, type ConvolutionalBarycenterResult } from './convolutional.js';
export { slicedWasserstein, slicedWassersteinDetails, type SlicedWassersteinOptions, type SlicedWassersteinDetails } from './sliced.js';
export { classBasedOt, classPurity, type ClassBasedOtOptions, type ClassBasedOtResult } from './classbased.js';
export {
  gromovWasserstein, fusedGromovWasserstein, entropicGromovWasserstein,
  type GromovOptions, type FusedGromovOptions, type GromovResult, type EntropicGromovOptions, type EntropicGromovResult,
} from './gromov.js';
export { sinkhornDivergence, type SinkhornDivergenceOptions, type SinkhornDivergenceResult } from './divergence.js';
export { sinkhornLazy, type SinkhornLazyOptions, type SinkhornLazyResult } from './lazy.js';
export { otMapping, barycentricProjection, type OtMapping, type OtMappingOptions } from './maps.js';
export { otLoss, type OtLossOptions, type OtLossResult } from './loss.js';
export { gromovBarycenter, type GromovBarycenterOptions, type GromovBarycenterResult } from './gwbarycenter.js';
export { partialGromovWasserstein, type PartialGromovOptions, type PartialGromovResult } from './partialgw.js';
