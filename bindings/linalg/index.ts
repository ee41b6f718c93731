export { symmetricEigen, eigenInScope, ConvergenceError, type SymmetricEigenResult } from './eigen.js';
