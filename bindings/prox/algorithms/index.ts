export type { Certificate, IterativeOptions, IterativeResult, ProgressInfo, SolverStop } from './common.js';
export { leastSquares, type LeastSquares, type SmoothFunction } from './smooth.js';
export { proximalGradient, fista, type FistaOptions, type ProximalGradientOptions, type ProximalGradientResult } from './proximal-gradient.js';
export { lasso, lassoDualityGap, type LassoResult } from './lasso.js';
export { admm, type AdmmOptions, type AdmmResult } from './admm.js';
export { chambollePock, pdhg, matrixOperator, operatorNorm, type LinearOperator, type PdhgOptions, type PdhgResult } from './pdhg.js';
export { douglasRachford, type DouglasRachfordOptions, type DouglasRachfordResult } from './douglas-rachford.js';
export { bcdProx, type BcdBlock, type BcdOptions, type BcdResult } from './bcd.js';
export { totalVariation2D, type TotalVariation2D, type TotalVariation2DOptions, type TotalVariation2DReport } from './tv2d.js';
