// The operator catalogue: factories returning ProxOperator (bindings/prox/operator.ts).
export { normL1, normL2, sqrNormL2, elasticNet, normLinf, normL21, huberLoss } from './norms.js';
export { indBox, indNonnegative, indSimplex, indBallL1, indBallL2, indBallLinf, indHyperplane, indHalfspace } from './sets.js';
export { totalVariation1D, totalVariation1DStrided, tv1dScratchLength, type StridedTV1DOptions } from './tv.js';
export { nmSparsity, proxSparse } from './sparsity.js';
export { lossProx, type LossKind } from './losses.js';
export { klSimplex, type KlSimplexOperator, type KlSimplexOptions } from './entropic.js';
export { scaled, translated, separableSum, conjugate, moreauEnvelope, type MoreauEnvelope } from './calculus.js';
export { nuclearNorm } from './nuclear.js';
export { indPsd, indSoc, indExpCone } from './cones.js';
export { indAffine, quadratic } from './affine.js';
export { indBallL0, normL0, indSphereL2, indRank, indStiefel } from './nonconvex.js';
export { precomposed, tilted } from './precompose.js';
