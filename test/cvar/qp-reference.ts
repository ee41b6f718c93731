/**
 * An independent reference for cvarQp: the CVaR constraint lifted to linear inequalities by the
 * Rockafellar–Uryasev form, CVaR_β(Ax) = min_t t + (1/k)·Σᵢ (Ax − t)ᵢ₊ with k = (1 − β)·m, so that
 *
 *   min ½xᵀPx + qᵀx  s.t.  t + (1/k)·Σ sᵢ ≤ κ,  (Ax)ᵢ − t − sᵢ ≤ 0,  −sᵢ ≤ 0,  Bx ≤ u,  −Bx ≤ −l
 *
 * (rows of B with lᵢ = uᵢ as equalities)
 * over (x, t, s), solved by a dense primal-dual interior-point method in plain TypeScript (no WASM,
 * no projection, no ADMM): Newton steps on the perturbed KKT system with Mehrotra's predictor-corrector,
 * with the inequalities eliminated, [H + GᵀΛS⁻¹G, Eᵀ; E, 0]·(Δw, Δy) = …, solved by Gaussian elimination
 * with pivoting.
 * For small problems only (the normal matrix is dense, (n + 1 + m)²).
 */

export interface LiftedQp {
  n: number;
  m: number;
  P: Float64Array | null;
  q: Float64Array;
  A: Float64Array;
  beta: number;
  kappa: number;
  B?: Float64Array;
  p?: number;
  l?: Float64Array;
  u?: Float64Array;
  /** Scenario probabilities (Σ = 1): the slack sᵢ then counts pᵢ/(1 − β) instead of 1/k. Default uniform. */
  weights?: Float64Array;
}

/** Solves a dense linear system M·x = b (N×N, row-major copies) by Gaussian elimination with partial pivoting. */
function solve(Min: Float64Array, bin: Float64Array, N: number): Float64Array {
  const M = Min.slice();
  const b = bin.slice();
  for (let c = 0; c < N; c++) {
    let piv = c;
    for (let r = c + 1; r < N; r++) if (Math.abs(M[r * N + c]!) > Math.abs(M[piv * N + c]!)) piv = r;
    if (piv !== c) {
      for (let j = 0; j < N; j++) { const t = M[c * N + j]!; M[c * N + j] = M[piv * N + j]!; M[piv * N + j] = t; }
      const t = b[c]!; b[c] = b[piv]!; b[piv] = t;
    }
    const d = M[c * N + c]!;
    for (let r = c + 1; r < N; r++) {
      const f = M[r * N + c]! / d;
      if (f === 0) continue;
      for (let j = c; j < N; j++) M[r * N + j]! -= f * M[c * N + j]!;
      b[r]! -= f * b[c]!;
    }
  }
  const x = new Float64Array(N);
  for (let r = N - 1; r >= 0; r--) {
    let v = b[r]!;
    for (let j = r + 1; j < N; j++) v -= M[r * N + j]! * x[j]!;
    x[r] = v / M[r * N + r]!;
  }
  return x;
}

/** The optimum of the lifted problem: x, t (a VaR), the objective and the final KKT residual of the IPM. */
export function liftedQpReference(pr: LiftedQp): { x: Float64Array; t: number; objective: number; residual: number; iterations: number } {
  const { n, m, beta, kappa } = pr;
  const k = (1 - beta) * m;
  const N = n + 1 + m; // w = (x, t, s)
  // the inequality rows G w ≤ h, as dense rows
  const rows: { g: Float64Array; h: number }[] = [];
  {
    const g = new Float64Array(N);
    g[n] = 1;
    for (let i = 0; i < m; i++) g[n + 1 + i] = pr.weights ? pr.weights[i]! / (1 - beta) : 1 / k;
    rows.push({ g, h: kappa });
  }
  for (let i = 0; i < m; i++) {
    const g = new Float64Array(N);
    for (let j = 0; j < n; j++) g[j] = pr.A[i * n + j]!;
    g[n] = -1;
    g[n + 1 + i] = -1;
    rows.push({ g, h: 0 });
    const g2 = new Float64Array(N);
    g2[n + 1 + i] = -1;
    rows.push({ g: g2, h: 0 });
  }
  const p = pr.p ?? 0;
  const eq: { g: Float64Array; h: number }[] = [];
  for (let r = 0; r < p; r++) {
    if (pr.l![r] === pr.u![r]) { const g = new Float64Array(N); for (let j = 0; j < n; j++) g[j] = pr.B![r * n + j]!; eq.push({ g, h: pr.u![r]! }); continue; }
    if (Number.isFinite(pr.u![r]!)) { const g = new Float64Array(N); for (let j = 0; j < n; j++) g[j] = pr.B![r * n + j]!; rows.push({ g, h: pr.u![r]! }); }
    if (Number.isFinite(pr.l![r]!)) { const g = new Float64Array(N); for (let j = 0; j < n; j++) g[j] = -pr.B![r * n + j]!; rows.push({ g, h: -pr.l![r]! }); }
  }
  const R = rows.length;
  const Q = eq.length;
  const K = N + Q; // the augmented system's size
  const yEq = new Float64Array(Q);
  const H = new Float64Array(N * N);
  if (pr.P) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * N + j] = pr.P[i * n + j]!;
  const c = new Float64Array(N);
  c.set(pr.q);
  const w = new Float64Array(N);
  const sl = new Float64Array(R).fill(1);
  const lam = new Float64Array(R).fill(1);
  const Gw = (v: Float64Array, r: number): number => { let a = 0; const g = rows[r]!.g; for (let j = 0; j < N; j++) a += g[j]! * v[j]!; return a; };
  let residual = Infinity;
  let it = 0;
  for (; it < 200; it++) {
    // residuals
    const rd = new Float64Array(N);
    for (let i = 0; i < N; i++) { let v = c[i]!; for (let j = 0; j < N; j++) v += H[i * N + j]! * w[j]!; rd[i] = v; }
    for (let r = 0; r < R; r++) { const g = rows[r]!.g; for (let j = 0; j < N; j++) rd[j]! += g[j]! * lam[r]!; }
    for (let e = 0; e < Q; e++) { const g = eq[e]!.g; for (let j = 0; j < N; j++) rd[j]! += g[j]! * yEq[e]!; }
    const re = eq.map((e) => { let a = -e.h; for (let j = 0; j < N; j++) a += e.g[j]! * w[j]!; return a; });
    const rp = new Float64Array(R);
    for (let r = 0; r < R; r++) rp[r] = Gw(w, r) + sl[r]! - rows[r]!.h;
    let gap = 0;
    for (let r = 0; r < R; r++) gap += sl[r]! * lam[r]!;
    const mu = gap / R;
    residual = Math.max(...rd.map(Math.abs), ...rp.map(Math.abs), ...re.map(Math.abs), mu);
    if (residual < 1e-12) break;
    // augmented matrix [H + Σ (λ/s) g gᵀ, Eᵀ; E, 0]
    const M = new Float64Array(K * K);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) M[i * K + j] = H[i * N + j]!;
    for (let r = 0; r < R; r++) {
      const g = rows[r]!.g, d = lam[r]! / sl[r]!;
      for (let i = 0; i < N; i++) { const gi = g[i]!; if (gi === 0) continue; for (let j = 0; j < N; j++) M[i * K + j]! += d * gi * g[j]!; }
    }
    for (let e = 0; e < Q; e++) for (let j = 0; j < N; j++) { M[(N + e) * K + j] = eq[e]!.g[j]!; M[j * K + N + e] = eq[e]!.g[j]!; }
    const direction = (rc: Float64Array) => {
      // (H + GᵀΛS⁻¹G)Δw = −r_d − GᵀΛS⁻¹r_p + GᵀS⁻¹r_c
      const b = new Float64Array(K);
      for (let j = 0; j < N; j++) b[j] = -rd[j]!;
      for (let r = 0; r < R; r++) {
        const g = rows[r]!.g, coef = -(lam[r]! / sl[r]!) * rp[r]! + rc[r]! / sl[r]!;
        for (let j = 0; j < N; j++) b[j]! += coef * g[j]!;
      }
      for (let e = 0; e < Q; e++) b[N + e] = -re[e]!;
      const sol = solve(M, b, K);
      const dw = sol.subarray(0, N);
      const dy = sol.subarray(N);
      const ds = new Float64Array(R), dl = new Float64Array(R);
      for (let r = 0; r < R; r++) {
        const gdw = Gw(dw, r);
        ds[r] = -rp[r]! - gdw;
        dl[r] = (lam[r]! / sl[r]!) * (gdw + rp[r]!) - rc[r]! / sl[r]!;
      }
      return { dw, ds, dl, dy };
    };
    const stepTo = (ds: Float64Array, dl: Float64Array): number => {
      let a = 1;
      for (let r = 0; r < R; r++) {
        if (ds[r]! < 0) a = Math.min(a, -sl[r]! / ds[r]!);
        if (dl[r]! < 0) a = Math.min(a, -lam[r]! / dl[r]!);
      }
      return a;
    };
    // predictor (affine, σ = 0), then the corrector with Mehrotra's centring σ = (μ_aff/μ)³
    const aff = direction(sl.map((s, r) => s * lam[r]!));
    const aAff = stepTo(aff.ds, aff.dl);
    let muAff = 0;
    for (let r = 0; r < R; r++) muAff += (sl[r]! + aAff * aff.ds[r]!) * (lam[r]! + aAff * aff.dl[r]!);
    muAff /= R;
    const sigma = (muAff / mu) ** 3;
    const cor = direction(sl.map((s, r) => s * lam[r]! + aff.ds[r]! * aff.dl[r]! - sigma * mu));
    const a = Math.min(1, 0.995 * stepTo(cor.ds, cor.dl));
    for (let j = 0; j < N; j++) w[j]! += a * cor.dw[j]!;
    for (let e = 0; e < Q; e++) yEq[e]! += a * cor.dy[e]!;
    for (let r = 0; r < R; r++) { sl[r]! += a * cor.ds[r]!; lam[r]! += a * cor.dl[r]!; }
  }
  const x = w.slice(0, n);
  let objective = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    if (pr.P) for (let j = 0; j < n; j++) v += pr.P[i * n + j]! * x[j]!;
    objective += x[i]! * (0.5 * v + pr.q[i]!);
  }
  return { x, t: w[n]!, objective, residual, iterations: it };
}
