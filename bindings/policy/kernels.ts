/** The policy family's raw WASM exports (assembly/policy/). */
import { wasm, type ProxkitExports } from '../runtime/instance.js';

export interface PolicyKernels {
  policyMatVec(P: number, n: number, v: number, out: number): void;
  policyLogStep(logX: number, g: number, logMu: number, n: number, a: number, b: number, c: number, outLog: number, outP: number): void;
  policyCertificate(P: number, n: number, pi: number, logMu: number, beta: number, g: number, gapOut: number): number;
  policyLog(x: number, n: number, out: number): void;
}

export type PolicyExports = ProxkitExports & PolicyKernels;

/** The instantiated module with the policy kernels typed (throws WasmInitError before init()). */
export function policyWasm(fn: string): PolicyExports {
  return wasm(fn) as PolicyExports;
}
