/**
 * Plain-TypeScript 1-D TV references, independent of the WASM kernel:
 * - tv1dExhaustive: the exact solution by enumeration of every fusion pattern and jump sign (3ⁿ⁻¹
 *   candidates, small n only), each solved in closed form, the one of least objective kept;
 * - tv1dCertificate: how far x is from satisfying the optimality conditions;
 * - tv1dDpRef: the same dynamic programming as the kernel, in plain TS, as the bench's JS baseline.
 */

/** ½‖x − y‖² + Σₖ λₖ|x_{k+1} − x_k|. */
export function tvObjective(x: ArrayLike<number>, y: ArrayLike<number>, lam: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (x[i]! - y[i]!) ** 2 / 2;
  for (let k = 0; k + 1 < y.length; k++) s += lam[k]! * Math.abs(x[k + 1]! - x[k]!);
  return s;
}

/**
 * Exact prox by enumeration (n ≤ 9). A pattern gives each edge k a state: fused (x_k = x_{k+1}) or a
 * jump of sign ±1. Stationarity on a segment [a, b] with jump signs sL (edge a − 1) and sR (edge b):
 * Σ(x − yᵢ) + λ_{a−1}·sL − λ_b·sR = 0, so x = (Σ yᵢ − λ_{a−1}sL + λ_b sR)/(b − a + 1). The true
 * minimiser is one of the candidates and, F being 1-strongly convex, the one of least F.
 */
export function tv1dExhaustive(y: ArrayLike<number>, lam: ArrayLike<number>): Float64Array {
  const n = y.length;
  if (n === 0) return new Float64Array(0);
  let best = new Float64Array(n);
  let bestF = Infinity;
  const x = new Float64Array(n);
  const state = new Int8Array(Math.max(n - 1, 0)); // 0 fused, 1 up, −1 down
  const total = 3 ** (n - 1);
  for (let code = 0; code < total; code++) {
    let c = code;
    for (let k = 0; k < n - 1; k++) {
      state[k] = (c % 3) - 1;
      c = Math.floor(c / 3);
    }
    let a = 0;
    while (a < n) {
      let b = a;
      while (b < n - 1 && state[b] === 0) b++;
      let sum = 0;
      for (let i = a; i <= b; i++) sum += y[i]!;
      const sL = a > 0 ? state[a - 1]! : 0;
      const sR = b < n - 1 ? state[b]! : 0;
      const lamL = a > 0 ? lam[a - 1]! : 0;
      const lamR = b < n - 1 ? lam[b]! : 0;
      const value = (sum - lamL * sL + lamR * sR) / (b - a + 1);
      for (let i = a; i <= b; i++) x[i] = value;
      a = b + 1;
    }
    const F = tvObjective(x, y, lam);
    if (F < bestF) {
      bestF = F;
      best = Float64Array.from(x);
    }
  }
  return best;
}

/**
 * Violation of the optimality conditions of x for weights lam: with the running residual
 * rₖ = Σ_{i≤k}(yᵢ − xᵢ), optimality is |rₖ| ≤ λₖ on every edge, rₖ = −λₖ·sign(x_{k+1} − x_k) on every
 * jump, and r_{n−1} = 0. Returns the largest violation (0 for the exact solution, up to rounding).
 */
export function tv1dCertificate(x: ArrayLike<number>, y: ArrayLike<number>, lam: ArrayLike<number>, jumpTol = 1e-9): number {
  const n = y.length;
  let r = 0;
  let worst = 0;
  for (let k = 0; k < n; k++) {
    r += y[k]! - x[k]!;
    if (k === n - 1) worst = Math.max(worst, Math.abs(r));
    else {
      const l = lam[k]!;
      worst = Math.max(worst, Math.abs(r) - l);
      const d = x[k + 1]! - x[k]!;
      if (Math.abs(d) > jumpTol) worst = Math.max(worst, Math.abs(r + l * Math.sign(d)));
    }
  }
  return worst;
}

/** The kernel's dynamic programming (Johnson 2013) in plain TS, uniform λ: the bench's baseline. */
export function tv1dDpRef(y: ArrayLike<number>, lambda: number, out = new Float64Array(y.length)): Float64Array {
  const n = y.length;
  if (n === 0) return out;
  const m = 2 * n + 1;
  const kx = new Float64Array(m);
  const ka = new Float64Array(m);
  const kb = new Float64Array(m);
  const tm = new Float64Array(n);
  const tp = new Float64Array(n);
  let l = n;
  let r = n - 1;
  let a0 = 1;
  let b0 = -y[0]!;
  let a1 = 1;
  let b1 = b0;
  for (let k = 0; k < n - 1; k++) {
    let lo = l;
    let a = a0;
    let b = b0;
    while (lo <= r && a * kx[lo]! + b <= -lambda) {
      a += ka[lo]!;
      b += kb[lo]!;
      lo++;
    }
    let hi = r;
    let c = a1;
    let d = b1;
    while (hi >= lo && c * kx[hi]! + d >= lambda) {
      c -= ka[hi]!;
      d -= kb[hi]!;
      hi--;
    }
    tm[k] = (-lambda - b) / a;
    tp[k] = (lambda - d) / c;
    l = lo - 1;
    kx[l] = tm[k]!;
    ka[l] = a;
    kb[l] = b + lambda;
    r = hi + 1;
    kx[r] = tp[k]!;
    ka[r] = -c;
    kb[r] = lambda - d;
    a0 = 1;
    b0 = -lambda - y[k + 1]!;
    a1 = 1;
    b1 = lambda - y[k + 1]!;
  }
  let lo = l;
  let a = a0;
  let b = b0;
  while (lo <= r && a * kx[lo]! + b <= 0) {
    a += ka[lo]!;
    b += kb[lo]!;
    lo++;
  }
  let x = -b / a;
  out[n - 1] = x;
  for (let k = n - 2; k >= 0; k--) {
    x = Math.max(tm[k]!, Math.min(x, tp[k]!));
    out[k] = x;
  }
  return out;
}

/**
 * The taut string (Davies & Kovac 2001; Grasmair 2007), written from its definition: with cumulative
 * sums S_k = Σ_{i<k} yᵢ, the string F is the shortest path from (0, 0) to (n, S_n) through the tube
 * S_k − λ_{k−1} ≤ F(k) ≤ S_k + λ_{k−1} (0 < k < n), and xᵢ = F(i + 1) − F(i). Funnel method: from the
 * current knot (apex), `lc` is the upper hull of the lower tube points (concave: the shortest path
 * above them), `uc` the lower hull of the upper ones (convex); while their first slopes cross, the
 * string bends at whichever of their first vertices comes first, which becomes the apex, and the
 * hulls are recomputed from it. Weighted: lam has n − 1 entries.
 */
export function tv1dTautStringRef(y: ArrayLike<number>, lam: ArrayLike<number>, out = new Float64Array(y.length)): Float64Array {
  const n = y.length;
  if (n === 0) return out;
  const S = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) S[k + 1] = S[k]! + y[k]!;
  const lower = (k: number) => (k === 0 || k === n ? S[k]! : S[k]! - lam[k - 1]!);
  const upper = (k: number) => (k === 0 || k === n ? S[k]! : S[k]! + lam[k - 1]!);
  // Chains hold knot indices; the apex has its own value (a tube point of either side).
  let ai = 0;
  let av = 0;
  const lcI = new Int32Array(n + 1);
  const ucI = new Int32Array(n + 1);
  let ln = 0;
  let un = 0;
  const yAt = (chain: 'l' | 'u', j: number) => {
    const k = chain === 'l' ? lcI[j]! : ucI[j]!;
    return k === ai ? av : chain === 'l' ? lower(k) : upper(k);
  };
  const slope = (i0: number, v0: number, i1: number, v1: number) => (v1 - v0) / (i1 - i0);
  const pushLower = (k: number) => {
    while (ln >= 2 && slope(lcI[ln - 2]!, yAt('l', ln - 2), lcI[ln - 1]!, yAt('l', ln - 1)) <= slope(lcI[ln - 2]!, yAt('l', ln - 2), k, lower(k))) ln--;
    lcI[ln++] = k;
  };
  const pushUpper = (k: number) => {
    while (un >= 2 && slope(ucI[un - 2]!, yAt('u', un - 2), ucI[un - 1]!, yAt('u', un - 1)) >= slope(ucI[un - 2]!, yAt('u', un - 2), k, upper(k))) un--;
    ucI[un++] = k;
  };
  const emit = (i1: number, v1: number) => {
    const s = slope(ai, av, i1, v1);
    for (let i = ai; i < i1; i++) out[i] = s;
    ai = i1;
    av = v1;
  };
  lcI[0] = 0;
  ucI[0] = 0;
  ln = un = 1;
  for (let k = 1; k <= n; k++) {
    pushLower(k);
    pushUpper(k);
    while (ln >= 2 && un >= 2 && slope(ai, av, lcI[1]!, yAt('l', 1)) > slope(ai, av, ucI[1]!, yAt('u', 1))) {
      // The string bends at the first vertex of the two chains; rebuild both hulls from it.
      if (lcI[1]! < ucI[1]!) emit(lcI[1]!, lower(lcI[1]!));
      else emit(ucI[1]!, upper(ucI[1]!));
      lcI[0] = ai;
      ucI[0] = ai;
      ln = un = 1;
      for (let j = ai + 1; j <= k; j++) {
        pushLower(j);
        pushUpper(j);
      }
    }
  }
  emit(n, S[n]!);
  return out;
}
