/** The prox family's raw WASM exports (assembly/prox/), as the bindings call them. */
export interface ProxKernels {
  softThreshold(v: number, n: number, t: number, out: number): number;
  softThresholdScalar(v: number, n: number, t: number, out: number): number;
  projectSimplex(y: number, n: number, a: number, w: number, out: number): number;
  projectSimplexScalar(y: number, n: number, a: number, w: number, out: number): number;
  simplexThreshold(y: number, n: number, a: number, w: number): number;
  shiftPositive(y: number, n: number, m: number, s: number, out: number): number;
  simplexSupport(y: number, n: number, m: number, s: number, idx: number, cap: number): number;
}
