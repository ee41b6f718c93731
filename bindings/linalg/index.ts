export { symmetricEigen, eigenInScope, ConvergenceError, type SymmetricEigenResult } from './eigen.js';
export { svd, svdInScope, checkMatrixShape, positiveInteger, type SvdResult, type PlacedSvd } from './svd.js';
