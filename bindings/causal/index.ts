/**
 * causal: proximal causal learning with a continuous treatment — the kernel-smoothed doubly robust
 * dose–response estimator with outcome and treatment bridges fitted in RKHSs (Gram matrices, products
 * and solves in WASM), the POR and PIPW estimators beside it, and a seeded simulator with a
 * closed-form true curve.
 *
 * @module
 */
export {
  proximalDoseResponse,
  type ProximalData, type ProximalDoseResponseOptions, type ProximalDoseResponseResult,
} from './proximal.js';
export {
  simulateProximal, proximalTrueCurve,
  type SimulateProximalOptions, type SimulatedProximalStudy, type ProximalMisspecification,
} from './simulate.js';
