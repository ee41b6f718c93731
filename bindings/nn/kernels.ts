/** The nn family's raw WASM exports (assembly/nn/), as the bindings call them. */
import { wasm, type ProxkitExports } from '../runtime/instance.js';

export interface NnKernels {
  nnMatmulF64(a: number, b: number, c: number, m: number, k: number, n: number, ta: number, tb: number, scratch: number): void;
  nnMatmulF32(a: number, b: number, c: number, m: number, k: number, n: number, ta: number, tb: number, scratch: number): void;
  nnMatmulScratchBytes(m: number, k: number, n: number, elemBytes: number): number;
  nnPeakProbeF64(steps: number, m: number, c: number): number;
  nnPeakProbeF32(steps: number, m: number, c: number): number;
  nnUnaryF64(op: number, x: number, out: number, n: number, alpha: number): void;
  nnUnaryF32(op: number, x: number, out: number, n: number, alpha: number): void;
  nnBinaryF64(op: number, a: number, b: number, out: number, n: number): void;
  nnBinaryF32(op: number, a: number, b: number, out: number, n: number): void;
  nnBroadcast(x: number, out: number, ndim: number, outShape: number, strides: number, counter: number, elemBytes: number): void;
  nnReduceF64(op: number, x: number, out: number, outer: number, len: number, inner: number, scratch: number): void;
  nnReduceF32(op: number, x: number, out: number, outer: number, len: number, inner: number, scratch: number): void;
  nnMaxMaskF64(x: number, out: number, outer: number, len: number, inner: number): void;
  nnMaxMaskF32(x: number, out: number, outer: number, len: number, inner: number): void;
  nnLogSoftmaxF64(x: number, out: number, outer: number, len: number, inner: number, scratch: number): void;
  nnLogSoftmaxF32(x: number, out: number, outer: number, len: number, inner: number, scratch: number): void;
  nnCrossEntropyF64(z: number, labels: number, rows: number, cols: number): number;
  nnCrossEntropyF32(z: number, labels: number, rows: number, cols: number): number;
  nnGatherRows(table: number, idx: number, out: number, count: number, rowBytes: number): void;
  nnScatterAddRowsF64(g: number, idx: number, out: number, count: number, rowLen: number): void;
  nnScatterAddRowsF32(g: number, idx: number, out: number, count: number, rowLen: number): void;
  nnStridedCopy(src: number, dst: number, outer: number, chunkBytes: number, srcStride: number, dstStride: number): void;
  nnTranspose(x: number, out: number, batch: number, rows: number, cols: number, elemBytes: number): void;
  nnFirstNonFiniteF64(x: number, n: number): number;
  nnFirstNonFiniteF32(x: number, n: number): number;
  nnCastF64ToF32(x: number, out: number, n: number): void;
  nnCastF32ToF64(x: number, out: number, n: number): void;
}

/** The instance with the nn kernels (the runtime's own type does not list families it does not know). */
export function nnWasm(fn: string): ProxkitExports & NnKernels {
  return wasm(fn) as ProxkitExports & NnKernels;
}

/** Unary op codes of nnUnaryF64/F32 (assembly/nn/elementwise.ts). */
export const UnaryOp = {
  neg: 0, exp: 1, log: 2, sqrt: 3, relu: 4, leakyRelu: 5, softplus: 6, sigmoid: 7, tanh: 8, gelu: 9, silu: 10,
  pow: 11, addScalar: 12, mulScalar: 13, step: 14, reciprocal: 15, square: 16,
} as const;

/** Binary op codes of nnBinaryF64/F32. */
export const BinaryOp = { add: 0, sub: 1, mul: 2, div: 3 } as const;

/** Reduction op codes of nnReduceF64/F32. */
export const ReduceOp = { sum: 0, max: 1, logSumExp: 2 } as const;
