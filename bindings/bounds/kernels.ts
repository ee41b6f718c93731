/** The bounds family's raw WASM exports (assembly/bounds/), as the bindings call them. */
export interface BoundsKernels {
  boundIntervalMatVec(W: number, m: number, n: number, b: number, l: number, u: number, outL: number, outU: number): number;
  boundMatVec(W: number, m: number, n: number, b: number, x: number, out: number): void;
  boundBackLinear(lam: number, k: number, m: number, W: number, n: number, b: number, out: number, c: number): void;
  boundBackActivation(lam: number, k: number, n: number, aL: number, bL: number, aU: number, bU: number, upper: number, out: number, c: number): void;
  boundConcretizeBall(lam: number, k: number, n: number, x0: number, c: number, eps: number, dual: number, sign: number, out: number): void;
  boundActForward(kind: number, x: number, n: number, alpha: number, out: number): void;
  boundActRelax(kind: number, l: number, u: number, n: number, alpha: number, aL: number, bL: number, aU: number, bU: number): void;
  boundConvForward(geo: number, W: number, b: number, x: number, out: number): number;
  boundConvInterval(geo: number, W: number, b: number, l: number, u: number, outL: number, outU: number): number;
  boundConvBackward(geo: number, lam: number, k: number, W: number, b: number, out: number, c: number): void;
  boundAxpy(n: number, a: number, x: number, y: number): void;
}
