/** The bounds family: a feed-forward network IR, IBP / CROWN bound propagation, input-split BaB. */
export { parseNetwork, BOUND_OPS, type BoundsNetwork, type NetworkSpec, type LayerSpec, type NetworkLayer, type BoundOp } from './model.js';
export { computeBounds, evaluateNetwork, type BoundsRegion, type ComputeBoundsOptions, type BoundsResult } from './bounds.js';
export { verifyNetwork, type OutputProperty, type VerifyOptions, type VerifyResult } from './verify.js';
export { parseVnnlib, verifyVnnlib, VnnlibError, type VnnlibClause, type VnnlibProperty, type VerifyVnnlibResult } from './vnnlib.js';
