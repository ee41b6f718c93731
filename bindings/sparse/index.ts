/**
 * sparse: probabilistic sparse coding with binary causes, learned by truncated variational EM —
 * binary sparse coding (linear superposition) and maximal causes analysis (max-superposition) — and
 * the bars test; learned proximal networks (f = ∇ψ with ψ input-convex) trained by proximal matching
 * and used as a ProxOperator.
 *
 * @module
 */
export { barsTest, matchFields, type BarsTestOptions, type BarsTestData, type FieldMatch, type DenseMatrix } from './bars.js';
export {
  binarySparseCoding, maximalCausesAnalysis,
  type SparseCodingOptions, type SparseCodingInit, type SparseCodingProgress, type SparseCodingResult, type SparsePosterior,
} from './em.js';
export { trainLearnedProx, learnedProx, LearnedProxNetwork, type TrainLearnedProxOptions, type LearnedProxTraining, type LearnedProxOptions } from './learned-prox.js';
