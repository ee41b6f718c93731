export { symmetricEigen, eigenInScope, ConvergenceError, type SymmetricEigenResult } from './eigen.js';
export { svd, svdInScope, checkMatrixShape, type SvdResult, type PlacedSvd } from './svd.js';
