/**
 * Small dense row-major matrix helpers in plain TypeScript for the nn family's closed-form solvers
 * (block coordinate descent): products with either operand transposed, and the inverse of a
 * symmetric positive definite matrix. The matrices these serve are at most a few hundred wide on a side, so the
 * O(n³) factorisations are cheap next to the data passes.
 */
import { ProxkitError, ShapeError } from '../runtime/errors.js';
import { withScope } from '../runtime/memory.js';
import { nnWasm } from './kernels.js';

/** A row-major matrix: `data[i * cols + j]` is entry (i, j). */
export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function dense(rows: number, cols: number, data?: Float64Array): Dense {
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** The shape m×k·k×n of op(A)·op(B); a ShapeError under `fn`'s name when the inner dimensions differ. */
function productShape(fn: string, A: Dense, B: Dense, transA: boolean, transB: boolean): [number, number, number] {
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const k2 = transB ? B.cols : B.rows;
  const n = transB ? B.rows : B.cols;
  if (k !== k2) throw new ShapeError(`${fn}: the inner dimensions of op(A) ${m}×${k} and op(B) ${k2}×${n} must agree`);
  return [m, k, n];
}

/**
 * C = op(A)·op(B) with op = identity or transpose, written into a fresh matrix, by the nn family's
 * blocked SIMD kernel (nnMatmulF64): the operands are copied into WASM memory for the call, which
 * costs O(mk + kn + mn) next to the product's O(mkn).
 */
export function matmul(A: Dense, B: Dense, transA = false, transB = false): Dense {
  const [m, k, n] = productShape('matmul', A, B, transA, transB);
  const C = new Float64Array(m * n);
  if (m === 0 || n === 0 || k === 0) return { rows: m, cols: n, data: C };
  withScope('matmul', (s) => {
    const x = nnWasm('matmul');
    const pa = s.f64(A.data.length), pb = s.f64(B.data.length), pc = s.f64(m * n);
    const scratch = s.bytes(x.nnMatmulScratchBytes(m, k, n, 8));
    new Float64Array(x.memory.buffer, pa, A.data.length).set(A.data);
    new Float64Array(x.memory.buffer, pb, B.data.length).set(B.data);
    x.nnMatmulF64(pa, pb, pc, m, k, n, transA ? 1 : 0, transB ? 1 : 0, scratch);
    C.set(new Float64Array(x.memory.buffer, pc, m * n));
  });
  return { rows: m, cols: n, data: C };
}

/**
 * The same product in plain TypeScript (the reference the tests compare the kernel path with). The inner loop runs
 * along contiguous rows of B (i-k-j order) so that it is a plain axpy the JIT vectorises well.
 */
export function matmulRef(A: Dense, B: Dense, transA = false, transB = false): Dense {
  const [m, k, n] = productShape('matmulRef', A, B, transA, transB);
  const C = new Float64Array(m * n);
  const a = A.data, b = B.data;
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[p * A.cols + i]! : a[i * A.cols + p]!;
        if (aip === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) C[ci + j] = C[ci + j]! + aip * b[bp + j]!;
      }
    }
  } else {
    // C[i, j] = Σ_p op(A)[i, p] · B[j, p]: dot products of rows (B is n × k).
    const At = transA ? transpose(A).data : a;
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s0 = 0, s1 = 0;
        let p = 0;
        for (; p + 1 < k; p += 2) {
          s0 += At[ai + p]! * b[bj + p]!;
          s1 += At[ai + p + 1]! * b[bj + p + 1]!;
        }
        if (p < k) s0 += At[ai + p]! * b[bj + p]!;
        C[i * n + j] = s0 + s1;
      }
    }
  }
  return { rows: m, cols: n, data: C };
}

export function transpose(A: Dense): Dense {
  const T = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) T[j * A.rows + i] = A.data[i * A.cols + j]!;
  return { rows: A.cols, cols: A.rows, data: T };
}

/**
 * Cholesky factor L (lower, row-major) of a symmetric positive definite M; throws a ProxkitError
 * naming `fn` when a pivot is not positive (M not positive definite to working precision).
 */
export function cholesky(fn: string, M: Dense): Dense {
  const n = M.rows;
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = M.data[j * n + j]!;
    for (let p = 0; p < j; p++) d -= L[j * n + p]! * L[j * n + p]!;
    if (!(d > 0)) throw new ProxkitError('ERR_NUMERIC', `${fn}: a ${n}×${n} normal-equation matrix is not positive definite (pivot ${d} at ${j})`);
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = M.data[i * n + j]!;
      for (let p = 0; p < j; p++) s -= L[i * n + p]! * L[j * n + p]!;
      L[i * n + j] = s / ljj;
    }
  }
  return { rows: n, cols: n, data: L };
}

/**
 * M⁻¹ of a symmetric positive definite M: the Cholesky factor L, its triangular inverse L⁻¹ (n³/6
 * multiply-adds in TypeScript), then M⁻¹ = L⁻ᵀL⁻¹ by the SIMD matmul kernel.
 */
export function spdInverse(fn: string, M: Dense): Dense {
  const n = M.rows;
  const l = cholesky(fn, M).data;
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    inv[j * n + j] = 1 / l[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s += l[i * n + k]! * inv[k * n + j]!;
      inv[i * n + j] = -s / l[i * n + i]!;
    }
  }
  const Linv = dense(n, n, inv);
  return matmul(Linv, Linv, true, false);
}

/** Σ (a − b)² over two equally long arrays. */
export function sqDist(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}
