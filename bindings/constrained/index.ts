/**
 * constrained: equality-constrained nonlinear optimization by an adaptive inexact Newton method with a
 * line search on the exact augmented Lagrangian, the Newton–KKT systems solved by randomized iterative
 * sketching (Gaussian, count or row sketches; sketch products in WASM) or exactly; constrained logistic
 * regression as a ready problem.
 *
 * @module
 */
export {
  exactAugmentedLagrangian,
  type EqualityConstrainedProblem, type ExactAugmentedLagrangianOptions, type ExactAugmentedLagrangianResult, type AugmentedLagrangianStep,
} from './eal.js';
export { sketchSolve, sketchFlopsPerIteration, type SketchKind, type SketchSolveOptions, type SketchSolveResult } from './sketch.js';
export { constrainedLogisticProblem, type ConstrainedLogisticOptions } from './logistic.js';
