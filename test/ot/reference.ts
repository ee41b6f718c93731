/**
 * Plain-TS references for the OT tests, written from the definitions (not from the kernels):
 * squared-Euclidean/Euclidean/L1 cost matrices, and Sinkhorn in the log domain with JS Math.
 */
export function costMatrixRef(X: ArrayLike<number>, Y: ArrayLike<number>, d: number, metric: 'sqeuclidean' | 'euclidean' | 'cityblock'): Float64Array {
  const n = X.length / d;
  const m = Y.length / d;
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = X[i * d + k]! - Y[j * d + k]!;
        s += metric === 'cityblock' ? Math.abs(t) : t * t;
      }
      C[i * m + j] = metric === 'euclidean' ? Math.sqrt(s) : s;
    }
  }
  return C;
}

/** Log-sum-exp of a list, max-shifted. */
function lse(xs: number[]): number {
  const mx = Math.max(...xs);
  if (mx === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - mx);
  return mx + Math.log(s);
}

/** Log-domain Sinkhorn from the definition (fixed number of iterations): returns the plan. */
export function sinkhornLogRef(a: ArrayLike<number>, b: ArrayLike<number>, M: ArrayLike<number>, reg: number, iters: number): Float64Array {
  const n = a.length;
  const m = b.length;
  const f = new Array<number>(n).fill(0);
  const g = new Array<number>(m).fill(0);
  for (let t = 0; t < iters; t++) {
    for (let j = 0; j < m; j++) g[j] = Math.log(b[j]!) - lse(Array.from({ length: n }, (_, i) => -M[i * m + j]! / reg + f[i]!));
    for (let i = 0; i < n; i++) f[i] = Math.log(a[i]!) - lse(Array.from({ length: m }, (_, j) => -M[i * m + j]! / reg + g[j]!));
  }
  const P = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) P[i * m + j] = Math.exp(-M[i * m + j]! / reg + f[i]! + g[j]!);
  return P;
}

/** Row and column sums of a row-major n × m matrix. */
export function marginals(P: ArrayLike<number>, n: number, m: number): { rows: Float64Array; cols: Float64Array } {
  const rows = new Float64Array(n);
  const cols = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    rows[i] = rows[i]! + P[i * m + j]!;
    cols[j] = cols[j]! + P[i * m + j]!;
  }
  return { rows, cols };
}

/** max |P − Q| / max |Q|. */
export function relDiff(P: ArrayLike<number>, Q: ArrayLike<number>): number {
  let e = 0;
  let s = 0;
  for (let k = 0; k < Q.length; k++) {
    e = Math.max(e, Math.abs(P[k]! - Q[k]!));
    s = Math.max(s, Math.abs(Q[k]!));
  }
  return e / s;
}
