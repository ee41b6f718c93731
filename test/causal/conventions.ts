/** The causal family's rows of the conventions table (test/conventions.test.ts): one valid call per function. */
import * as api from '../../bindings/index.js';

const data = () => api.simulateProximal({ n: 12, seed: 1 }).data;

export const CAUSAL_WITH_OPTIONS: Record<string, { fn: string; name?: string; key: string; call: (o: Record<string, unknown>) => unknown }[]> = {
  proximalDoseResponse: [{ fn: 'proximalDoseResponse', key: 'lambda', call: (o) => api.proximalDoseResponse(data(), { grid: [0], ...o }) }],
  simulateProximal: [{ fn: 'simulateProximal', key: 'misspecify', call: (o) => api.simulateProximal({ n: 5, ...o }) }],
};

export const CAUSAL_NO_OPTIONS: Record<string, string> = {
  proximalTrueCurve: 'treatment values',
};
