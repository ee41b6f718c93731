/** Plain-TS references for the tucker family, written from the definitions (Kolda & Bader 2009). */

/** Row-major strides of a shape. */
function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let n = dims.length - 1; n >= 0; n--) {
    s[n] = acc;
    acc *= dims[n]!;
  }
  return s;
}

/** Multi-index of linear position p. */
function indexOf(p: number, dims: readonly number[]): number[] {
  const idx = new Array<number>(dims.length);
  for (let n = dims.length - 1; n >= 0; n--) {
    idx[n] = p % dims[n]!;
    p = Math.floor(p / dims[n]!);
  }
  return idx;
}

/** The mode-n unfolding X₍ₙ₎ as an Iₙ × (∏_{m≠n} Iₘ) row-major matrix (column order of Kolda & Bader). */
export function unfoldRef(data: ArrayLike<number>, dims: readonly number[], n: number): { M: Float64Array; rows: number; cols: number } {
  const rows = dims[n]!;
  const size = dims.reduce((a, b) => a * b, 1);
  const cols = size / rows;
  const M = new Float64Array(size);
  for (let p = 0; p < size; p++) {
    const idx = indexOf(p, dims);
    // column j = Σ_{k≠n} i_k · J_k, J_k = ∏_{m<k, m≠n} I_m
    let j = 0;
    let J = 1;
    for (let k = 0; k < dims.length; k++) {
      if (k === n) continue;
      j += idx[k]! * J;
      J *= dims[k]!;
    }
    M[idx[n]! * cols + j] = data[p]!;
  }
  return { M, rows, cols };
}

/** X₍ₙ₎X₍ₙ₎ᵀ from the explicit unfolding. */
export function modeGramRef(data: ArrayLike<number>, dims: readonly number[], n: number): Float64Array {
  const { M, rows, cols } = unfoldRef(data, dims, n);
  const G = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < rows; j++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += M[i * cols + c]! * M[j * cols + c]!;
    G[i * rows + j] = s;
  }
  return G;
}

/** Y = X ×ₙ M from the elementwise definition Y[…k…] = Σᵢ M[k, i]·X[…i…]. */
export function modeProductRef(data: ArrayLike<number>, dims: readonly number[], M: ArrayLike<number>, K: number, n: number): { data: Float64Array; shape: number[] } {
  const shape = dims.slice();
  shape[n] = K;
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  const sx = strides(dims);
  for (let p = 0; p < size; p++) {
    const idx = indexOf(p, shape);
    const k = idx[n]!;
    let base = 0;
    for (let m = 0; m < dims.length; m++) if (m !== n) base += idx[m]! * sx[m]!;
    let s = 0;
    for (let i = 0; i < dims[n]!; i++) s += M[k * dims[n]! + i]! * data[base + i * sx[n]!]!;
    out[p] = s;
  }
  return { data: out, shape };
}

/** The Tucker packing optimum by exhaustive enumeration of every shape: max captured energy. */
export function packingBruteForce(spectra: number[][], budget: number): { shape: number[]; captured: number } | null {
  const dims = spectra.map((s) => s.length);
  const sorted = spectra.map((s) => [...s].sort((a, b) => b - a));
  let best: { shape: number[]; captured: number } | null = null;
  const r = dims.map(() => 1);
  const visit = (n: number): void => {
    if (n === dims.length) {
      const cost = r.reduce((a, b) => a * b, 1) + r.reduce((a, rn, m) => a + rn * dims[m]!, 0);
      if (cost > budget) return;
      let captured = 0;
      r.forEach((rn, m) => {
        for (let i = 0; i < rn; i++) captured += sorted[m]![i]!;
      });
      if (!best || captured > best.captured) best = { shape: r.slice(), captured };
      return;
    }
    for (let k = 1; k <= dims[n]!; k++) {
      r[n] = k;
      visit(n + 1);
    }
  };
  visit(0);
  return best;
}

/** Σ(a − b)² over two arrays. */
export function sqDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}
