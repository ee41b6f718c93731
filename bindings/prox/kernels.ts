/** The prox family's raw WASM exports (assembly/prox/), as the bindings call them. */
export interface ProxKernels {
  softThreshold(v: number, n: number, t: number, out: number): number;
  softThresholdScalar(v: number, n: number, t: number, out: number): number;
  projectSimplex(y: number, n: number, a: number, w: number, out: number): number;
  projectSimplexScalar(y: number, n: number, a: number, w: number, out: number): number;
  projectSimplexCondat(y: number, n: number, a: number, w: number, out: number): number;
  simplexThreshold(y: number, n: number, a: number, w: number): number;
  shiftPositive(y: number, n: number, m: number, s: number, out: number): number;
  simplexSparse(y: number, n: number, a: number, w: number, idx: number, cap: number): number;
  simplexSparseRows(yc: number, i0: number, i1: number, a: number, w: number, idx: number, cap: number, st: number): number;
  simplexSparseFinish(n: number, a: number, w: number, idx: number, cap: number, st: number): number;
  // The operator catalogue (assembly/prox/elementwise.ts, group.ts, tv.ts, nm.ts, entropic.ts).
  scaleVec(v: number, n: number, c: number, out: number): number;
  shrinkScale(v: number, n: number, t: number, c: number, out: number): number;
  weightedShrink(v: number, w: number, n: number, t: number, out: number): number;
  clampScalar(v: number, n: number, lo: number, hi: number, out: number): number;
  clampVector(v: number, lo: number, hi: number, n: number, out: number): number;
  huberShrink(v: number, n: number, t: number, delta: number, out: number): number;
  axpyInto(v: number, a: number, n: number, c: number, out: number): number;
  dotF64(a: number, b: number, n: number): number;
  absInto(v: number, n: number, out: number): number;
  groupShrink(v: number, n: number, idx: number, start: number, ng: number, w: number, t: number, out: number): number;
  tv1d(y: number, n: number, ys: number, lam: number, ls: number, out: number, xs: number, s: number): number;
  nmProject(v: number, len: number, nk: number, m: number, out: number): number;
  entropicStep(x0: number, g: number, r: number, n: number, t: number, mu: number, out: number): number;
  logisticProx1d(m0: number, s: number): number;
  lsResidual(A: number, m: number, n: number, x: number, b: number, r: number): number;
  lsMatTVec(A: number, m: number, n: number, r: number, out: number): void;
}
