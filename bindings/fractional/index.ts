/**
 * fractional: coordinate descent for fractional programs min (f + g)/h — f a convex quadratic, g
 * λ‖x‖₁ or a separable ProxOperator, h convex, concave or affine — with every one-dimensional
 * subproblem solved globally; Dinkelbach's method as the baseline; sparse Fisher discriminant analysis.
 *
 * @module
 */
export { fractionalSubproblem1D, type FractionalSubproblem, type FractionalSubproblemSolution } from './subproblem.js';
export {
  fractionalCD, fractionalDinkelbach,
  type FractionalProblem, type FractionalCdOptions, type FractionalDinkelbachOptions, type FractionalProgress, type FractionalResult,
} from './cd.js';
export { sparseFisherProblem } from './fisher.js';
