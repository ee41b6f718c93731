/** The cvar family's raw WASM exports (assembly/cvar/), as the bindings call them. */
export interface CvarKernels {
  cvarEval(x: number, n: number, k: number, s: number, out: number): number;
  cvarWeights(x: number, n: number, k: number, eta: number, out: number): void;
  projectCvarSet(v: number, n: number, k: number, kappa: number, s: number, out: number, info: number): number;
  cvarStepCoef(method: number, ell: number, g2: number, eta: number, gamma: number, alpha: number, out: number): void;
  cvarEpoch(
    X: number, d: number, y: number, order: number, steps: number, batch: number,
    method: number, loss: number, gamma: number, schedule: number, t0: number, alpha: number,
    theta: number, intercept: number, state: number, g: number,
    avg: number, avgFrom: number,
  ): number;
  linearLosses(X: number, n: number, d: number, y: number, theta: number, intercept: number, loss: number, out: number): void;
  linearWeightedGradient(X: number, n: number, d: number, y: number, theta: number, intercept: number, loss: number, w: number, out: number): void;
  selectRank(p: number, lo: number, hi: number, k: number): number;
  sortRange(p: number, lo: number, hi: number): void;
  copyNegated(x: number, n: number, s: number): number;
  cvarQpMatVec(A: number, m: number, n: number, x: number, out: number): void;
  cvarQpMatTVec(A: number, m: number, n: number, v: number, out: number): void;
  cvarQpMatTVec2(A: number, m: number, n: number, v: number, w: number, outV: number, outW: number): void;
  cvarQpGramAdd(A: number, m: number, n: number, out: number): void;
  cvarQpCholesky(M: number, n: number): number;
  cvarQpCholSolve(L: number, n: number, b: number): void;
  cvarQpNormalMatVec(A: number, m: number, n: number, v: number, out: number): void;
  cvarQpColumnSumSq(A: number, m: number, n: number, out: number): void;
  weightedCvarEval(v: number, p: number, n: number, alpha: number, s: number, out: number): number;
  projectWeightedCvarSet(v: number, p: number, n: number, alpha: number, kappa: number, s: number, out: number, info: number): number;
}
