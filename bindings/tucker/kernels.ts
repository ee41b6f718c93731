/** The tucker family's raw WASM exports (assembly/tucker/), as the bindings call them. */
export interface TuckerKernels {
  sumSquares(x: number, n: number): number;
  modeGram(x: number, L: number, I: number, R: number, g: number, col: number): void;
  modeGramDual(x: number, L: number, I: number, R: number, g: number, col: number): void;
  modeProduct(x: number, L: number, I: number, R: number, m: number, K: number, y: number): void;
  tuckerPack(cum: number, dims: number, N: number, budget: number, epsilon: number, work: number, cap: number, out: number, outValue: number): number;
  tuckerPackWorkBytes(cap: number): number;
  khatriRaoKernel(a: number, I: number, b: number, J: number, R: number, out: number): void;
  mttkrp(x: number, L: number, I: number, Rp: number, kl: number, krt: number, R: number, out: number, tmp: number): void;
  cpResidual(x: number, mask: number, k: number, L: number, a: number, I: number, R: number, fill: number): number;
  sumSquaredDiff(a: number, b: number, n: number): number;
}
