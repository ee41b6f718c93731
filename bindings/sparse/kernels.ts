/** The sparse family's raw WASM exports (assembly/sparse/), as the bindings call them. */
import { wasm, type ProxkitExports } from '../runtime/instance.js';

export interface SparseKernels {
  sparseSelect(model: number, Y: number, N: number, D: number, W: number, H: number, Hp: number, scratch: number, cand: number): void;
  sparseResiduals(model: number, Y: number, N: number, D: number, W: number, H: number, cand: number, Hp: number,
    combos: number, C: number, gamma: number, scratch: number, rss: number, rho: number, roots: number): void;
  sparsePosterior(rss: number, N: number, S: number, sizes: number, H: number, D: number, pi: number, sigma: number,
    beta: number, temperPrior: number, q: number, logZ: number): void;
  sparseMcaAccumulate(Y: number, D: number, W: number, H: number, cand: number, Hp: number, combos: number, C: number,
    gamma: number, q: number, rows: number, nUse: number, rho: number, scratch: number, num: number, den: number, roots: number): void;
  sparsePowPos(x: number, a: number): number;
  sparsePowPos2(x0: number, x1: number, a: number, lane: number): number;
}

/** The instance with the sparse kernels (the runtime's own type does not list families it does not know). */
export function sparseWasm(fn: string): ProxkitExports & SparseKernels {
  return wasm(fn) as ProxkitExports & SparseKernels;
}

/** Model codes of the kernels. */
export const Model = { bsc: 0, mca: 1 } as const;
