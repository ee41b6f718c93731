/** The linalg family's raw WASM exports (assembly/linalg/), as the bindings call them. */
export interface LinalgKernels {
  symmetricEigen(a: number, n: number, values: number, vectors: number, work: number): number;
  symmetricEigenWorkBytes(n: number): number;
}
