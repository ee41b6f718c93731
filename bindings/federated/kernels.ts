/** The federated family's raw WASM export (assembly/federated/) and the client workspace that feeds it. */
import { wasm, type ProxkitExports } from '../runtime/instance.js';
import { Scope, f64View } from '../runtime/memory.js';

interface FedKernels {
  fedSoftmaxRegressionGrad(X: number, y: number, idx: number, b: number, d: number, C: number, w: number, g: number, scratch: number): number;
  fedGossip(W: number, X: number, n: number, d: number, out: number): void;
}

/**
 * out_i = Σ_j W_ij x_j for the n node vectors x (the WASM kernel: the same order of operations as the
 * plain loop, so the same bits). The caller has checked the shapes.
 */
export function gossipKernel(fn: string, W: Float64Array, x: readonly Float64Array[]): Float64Array[] {
  const n = x.length, d = x[0]!.length;
  if (d === 0) return x.map(() => new Float64Array(0));
  const s = new Scope(fn);
  try {
    const k = fedWasm(fn);
    const pW = s.f64(n * n), pX = s.f64(n * d), pOut = s.f64(n * d);
    f64View(k, pW, n * n).set(W);
    const X = f64View(k, pX, n * d);
    x.forEach((v, i) => X.set(v, i * d));
    k.fedGossip(pW, pX, n, d, pOut);
    const out = f64View(k, pOut, n * d);
    return x.map((_, i) => out.slice(i * d, (i + 1) * d));
  } finally {
    s.release();
  }
}

function fedWasm(fn: string): ProxkitExports & FedKernels {
  return wasm(fn) as ProxkitExports & FedKernels;
}

/**
 * One client's rows, labels and a parameter/gradient pair in WASM memory for the softmax-regression
 * kernel; `release()` frees them (the simulator calls it in `finally`).
 */
export class SoftmaxRegressionWorkspace {
  private readonly s: Scope;
  private readonly x: ProxkitExports & FedKernels;
  private readonly pX: number;
  private readonly pY: number;
  private readonly pIdx: number;
  private readonly pW: number;
  private readonly pG: number;
  private readonly pScratch: number;
  private readonly size: number;

  constructor(fn: string, X: Float64Array, y: Int32Array, private readonly d: number, private readonly C: number, maxBatch: number) {
    this.s = new Scope(fn);
    try {
      this.x = fedWasm(fn);
      this.size = d * C + C;
      this.pX = this.s.f64(X.length);
      this.pY = this.s.bytes(4 * y.length);
      this.pIdx = this.s.bytes(4 * maxBatch);
      this.pW = this.s.f64(this.size);
      this.pG = this.s.f64(this.size);
      this.pScratch = this.s.f64(C);
      f64View(this.x, this.pX, X.length).set(X);
      new Int32Array(this.x.memory.buffer, this.pY, y.length).set(y);
    } catch (e) {
      this.s.release();
      throw e;
    }
  }

  /** Mean loss of the rows `rows` at w; the gradient goes to `grad` (length dim·classes + classes). */
  lossAndGrad(w: Float64Array, rows: Int32Array, grad: Float64Array): number {
    const buf = this.x.memory.buffer;
    new Int32Array(buf, this.pIdx, rows.length).set(rows);
    new Float64Array(buf, this.pW, this.size).set(w);
    const loss = this.x.fedSoftmaxRegressionGrad(this.pX, this.pY, this.pIdx, rows.length, this.d, this.C, this.pW, this.pG, this.pScratch);
    grad.set(new Float64Array(this.x.memory.buffer, this.pG, this.size));
    return loss;
  }

  release(): void {
    this.s.release();
  }
}
