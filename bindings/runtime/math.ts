/**
 * Scalar transcendentals computed in WebAssembly (assembly/math.ts) for the bindings' sequential
 * loops. V8's Math.exp, Math.log, Math.log1p, Math.expm1, Math.pow, Math.sin and Math.cos are not correctly rounded and differ bitwise between
 * engine builds on some inputs; these are AssemblyScript's own implementations inside the module, so
 * a seeded run gives the same bits in Node and in a browser.
 */
import { wasm } from './instance.js';

/** The scalar exports of assembly/math.ts. */
export interface MathKernels {
  /** eˣ. */
  mathExp(x: number): number;
  /** ln x. */
  mathLog(x: number): number;
  /** ln(1 + x). */
  mathLog1p(x: number): number;
  /** eˣ − 1. */
  mathExpm1(x: number): number;
  /** xʸ. */
  mathPow(x: number, y: number): number;
  /** σ(x) = 1/(1 + e⁻ˣ), stable for either sign of x. */
  mathSigmoid(x: number): number;
  /** ln(1 + eˣ), stable for either sign of x. */
  mathSoftplus(x: number): number;
  /** sin x (radians). */
  mathSin(x: number): number;
  /** cos x (radians). */
  mathCos(x: number): number;
  /** ln(1 + e⁻ᵐ), stable for either sign of m. */
  logisticLoss(m: number): number;
  /** −1/(1 + eᵐ). */
  logisticSlope(m: number): number;
}

/** The module's scalar transcendentals; `fn` names the caller in the error when proxkit is not initialised. */
export function mathWasm(fn: string): MathKernels {
  return wasm(fn) as unknown as MathKernels;
}
