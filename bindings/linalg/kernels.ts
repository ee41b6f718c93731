/** The linalg family's raw WASM exports (assembly/linalg/), as the bindings call them. */
export interface LinalgKernels {
  symmetricEigen(a: number, n: number, values: number, vectors: number, work: number): number;
  symmetricEigenWorkBytes(n: number): number;
  svd(a: number, m: number, n: number, s: number, u: number, v: number, work: number): number;
  svdWorkBytes(m: number, n: number): number;
  svdCompose(u: number, v: number, d: number, m: number, n: number, k: number, r: number, out: number, tmp: number): void;
}
