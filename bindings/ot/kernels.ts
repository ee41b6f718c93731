/** The OT family's raw WASM exports (assembly/ot/), as the bindings call them. */
export interface OtKernels {
  otCostMatrix(X: number, n: number, Y: number, m: number, d: number, metric: number, out: number): number;
  otGibbs(M: number, len: number, reg: number, K: number): number;
  otLogKernel(M: number, len: number, reg: number, L: number): number;
  otKv(K: number, n: number, m: number, v: number, out: number): void;
  otKtu(K: number, n: number, m: number, u: number, out: number): void;
  otScale(num: number, den: number, n: number, out: number): number;
  otMarginalError(v: number, w: number, b: number, m: number): number;
  otMaxAbs(x: number, n: number): number;
  otLogRows(L: number, n: number, m: number, g: number, loga: number, out: number): void;
  otLogCols(L: number, n: number, m: number, f: number, logb: number, out: number, mx: number, s: number): void;
  otLogMarginalError(L: number, n: number, m: number, f: number, g: number, b: number, s: number): number;
  otLogPlan(L: number, M: number, n: number, m: number, f: number, g: number, out: number): number;
  otPlan(K: number, M: number, n: number, m: number, u: number, v: number, out: number): number;
  otAbsorb(u: number, n: number, reg: number, alpha: number, reset: number): void;
  otGibbsStabilized(M: number, n: number, m: number, alpha: number, beta: number, reg: number, K: number): void;
  otLogVec(x: number, n: number, out: number): void;
  otScalePow(num: number, den: number, n: number, p: number, out: number): number;
  otExpVec(x: number, n: number, out: number): void;
  otEmd(M: number, n: number, m: number, sup: number, dem: number, P: number, pot: number, dist: number, pred: number, seen: number, maxAug: number): number;
}
