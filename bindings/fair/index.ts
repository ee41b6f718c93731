/**
 * fair: fair division of mixed manna (goods, chores and items agents disagree on) with additive
 * utilities — exact checkers of EF1, EFX, EFX₀, EF1³, EFX³ and Pareto optimality, the double
 * round-robin for EF1, its variant that gives zero-utility chores away, and a greedy algorithm for
 * EFX + PO under absolute identical utilities.
 *
 * @module
 */
export {
  checkAllocation, doubleRoundRobin, modifiedDoubleRoundRobin, greedyEfxPo,
  type Allocation, type AllocationReport, type CheckAllocationOptions,
} from './fair.js';
