/** The fair family's rows of the conventions table (test/conventions.test.ts): one valid call per function. */
import * as api from '../../bindings/index.js';

const utilities = [[2, -1, 0], [1, 1, -2]];

export const FAIR_WITH_OPTIONS: Record<string, { fn: string; name?: string; key: string; call: (o: Record<string, unknown>) => unknown }[]> = {
  checkAllocation: [{ fn: 'checkAllocation', key: 'maxNodes', call: (o) => api.checkAllocation(utilities, [0, 1, 0], { ...o }) }],
};

export const FAIR_NO_OPTIONS: Record<string, string> = {
  doubleRoundRobin: 'a utility matrix',
  modifiedDoubleRoundRobin: 'a utility matrix',
  greedyEfxPo: 'a utility matrix',
};
