/** The bounds family: a feed-forward DAG network IR, IBP / CROWN / α-CROWN bound propagation, input- and ReLU-split BaB. */
export { parseNetwork, BOUND_OPS, type BoundsNetwork, type NetworkSpec, type LayerSpec, type NetworkLayer, type BoundOp, type ConvSpec, type ConvGeometry, type LayerInputs } from './model.js';
export { computeBounds, evaluateNetwork, type BoundsRegion, type ComputeBoundsOptions, type BoundsResult, type ReluSplit } from './bounds.js';
export { verifyNetwork, type OutputProperty, type VerifyOptions, type VerifyResult } from './verify.js';
export { parseVnnlib, verifyVnnlib, VnnlibError, type VnnlibClause, type VnnlibProperty, type VnnlibRegion, type VerifyVnnlibResult } from './vnnlib.js';
export { verify, type VerifyModelOptions, type VerifyModelResult } from './verdict.js';
export { trainMlp, seededSplit, classificationAccuracy, certifiedAccuracy, type TrainMlpOptions, type TrainMlpResult, type TrainEpoch, type CertifiedAccuracyOptions, type CertifiedAccuracyResult, type CertifyMethod, type Rows } from './train.js';
export { localLipschitz, type LocalLipschitzOptions, type LocalLipschitzResult, type ModelInput } from './lipschitz.js';
