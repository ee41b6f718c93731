export { softThreshold } from './soft-threshold.js';
export { projectSimplex } from './simplex.js';
export type { ProxOperator, OperatorProperties } from './operator.js';
export * from './operators/index.js';
