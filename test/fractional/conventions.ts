/** The fractional family's rows of the conventions table (test/conventions.test.ts): one valid call per function. */
import * as api from '../../bindings/index.js';

const problem = () => ({ A: { data: [2, 0.5, 0.5, 1], rows: 2, cols: 2 }, c: 1, lambda: 0.1, e: [1, 1] });

export const FRACTIONAL_WITH_OPTIONS: Record<string, { fn: string; name?: string; key: string; call: (o: Record<string, unknown>) => unknown }[]> = {
  fractionalCD: [
    { fn: 'fractionalCD', key: 'proximal', call: (o) => api.fractionalCD(problem(), { x0: [1, 1], maxIter: 2, ...o }) },
    { fn: 'fractionalCD', name: 'problem', key: 'lambda', call: (o) => api.fractionalCD({ ...problem(), ...o }, { x0: [1, 1], maxIter: 2 }) },
  ],
  fractionalDinkelbach: [{ fn: 'fractionalDinkelbach', key: 'maxIter', call: (o) => api.fractionalDinkelbach(problem(), { x0: [1, 1], maxIter: 2, ...o }) }],
  fractionalSubproblem1D: [{ fn: 'fractionalSubproblem1D', name: 'p', key: 'lower', call: (o) => api.fractionalSubproblem1D({ a: 1, b: 0, c: 1, d0: 1, ...o }) }],
};

export const FRACTIONAL_NO_OPTIONS: Record<string, string> = {
  sparseFisherProblem: 'data, labels and λ',
};
