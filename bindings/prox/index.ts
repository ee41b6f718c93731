export { softThreshold } from './soft-threshold.js';
export { projectSimplex } from './simplex.js';
