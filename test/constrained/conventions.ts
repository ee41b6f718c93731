/** The constrained family's rows of the conventions table (test/conventions.test.ts): one valid call per function. */
import * as api from '../../bindings/index.js';

const X = [[1, 0.5], [-0.3, 1], [0.2, -0.7], [1.1, 0.1], [-1, -0.4], [0.6, 0.9]];
const y = [1, 0, 0, 1, 0, 1];
const problem = () => api.constrainedLogisticProblem(X, y, { sphere: 1 });

export const CONSTRAINED_WITH_OPTIONS: Record<string, { fn: string; name?: string; key: string; call: (o: Record<string, unknown>) => unknown }[]> = {
  exactAugmentedLagrangian: [{ fn: 'exactAugmentedLagrangian', key: 'sketchSize', call: (o) => api.exactAugmentedLagrangian(problem(), { x0: [1, 0, 0], maxIter: 2, ...o }) }],
  sketchSolve: [{ fn: 'sketchSolve', key: 'sketch', call: (o) => api.sketchSolve([2, 1, 1, 3], [1, 2], { maxIter: 5, ...o }) }],
  constrainedLogisticProblem: [{ fn: 'constrainedLogisticProblem', key: 'sphere', call: (o) => api.constrainedLogisticProblem(X, y, { sphere: 1, ...o }) }],
};

export const CONSTRAINED_NO_OPTIONS: Record<string, string> = {
  sketchFlopsPerIteration: 'a sketch kind, the order and the sketch size',
};
