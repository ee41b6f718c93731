/**
 * The factor-model portfolio that cvarQp's scaling run (scripts/cvar-qp-experiment.ts) and the bench row
 * `cvarQpScaling` (bench/cvar/qp-scaling.ts) solve: n assets with a CVaR limit on m return scenarios.
 *
 * Returns rᵢ = μ + L·fᵢ + εᵢ with 3 factors fᵢ whose entries are Student-t with 4 degrees of freedom
 * (heavy tails, scaled to unit variance), loadings L ~ N(0, 0.01²), idiosyncratic εᵢ ~ N(0, diag(s²)),
 * s between 1 % and 4 %, μ between 0.05 % and 0.35 % (higher mean, higher s). Problem: minimise
 * γ·xᵀΣx − μᵀx (Σ = LLᵀ + diag(s²), the model covariance, γ = 1) subject to CVaR_β(−Rx) ≤ κ, Σx = 1,
 * 0 ≤ x ≤ 0.1.
 */
import { allocF64, rng, type CvarQpProblem, type F64Buffer } from '../../bindings/index.js';

const FACTORS = 3;

/** The asset model (seed 1) and the problem's fixed parts; `scenarios(m)` draws the m × n loss matrix A = −R. */
export function factorPortfolio(n: number) {
  const g = rng(1);
  const L = g.normal(n * FACTORS).map((v) => 0.01 * v);
  const u = g.uniform(n);
  const s = Float64Array.from({ length: n }, (_, j) => 0.01 + 0.03 * (j / (n - 1)) * (0.75 + 0.5 * u[j]!));
  const mu = Float64Array.from({ length: n }, (_, j) => 0.0005 + 0.003 * (s[j]! - 0.01) / 0.03);
  const Sigma = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
    let v = a === b ? s[a]! ** 2 : 0;
    for (let f = 0; f < FACTORS; f++) v += L[a * FACTORS + f]! * L[b * FACTORS + f]!;
    Sigma[a * n + b] = v;
  }
  const P = Sigma.map((v) => 2 * v); // ½xᵀPx = γ·xᵀΣx with γ = 1
  const q = mu.map((v) => -v);
  const B = new Float64Array((n + 1) * n);
  for (let j = 0; j < n; j++) { B[j] = 1; B[(j + 1) * n + j] = 1; }
  const l = new Float64Array(n + 1);
  const ub = new Float64Array(n + 1).fill(0.1);
  l[0] = 1;
  ub[0] = 1;

  /** Student-t with 4 degrees of freedom scaled to unit variance: z/√(χ²₄/4)·√(1/2). */
  const studentT = (gen: ReturnType<typeof rng>, count: number): Float64Array => {
    const z = gen.normal(count);
    const c = gen.normal(4 * count);
    return z.map((v, i) => {
      let chi = 0;
      for (let k = 0; k < 4; k++) chi += c[4 * i + k]! ** 2;
      return (v / Math.sqrt(chi / 4)) * Math.SQRT1_2;
    });
  };

  /** The m × n loss matrix A = −R in WASM memory (free it after use), drawn in blocks of 10⁴ rows (seed 100 + m): no JS copy of A. */
  const scenarios = (m: number): F64Buffer => {
    const A = allocF64(m * n);
    const gen = rng(100 + m);
    const block = 10000;
    for (let start = 0; start < m; start += block) {
      const rows = Math.min(block, m - start);
      const f = studentT(gen, rows * FACTORS);
      const e = gen.normal(rows * n);
      const out = new Float64Array(rows * n);
      for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) {
        let r = mu[j]! + s[j]! * e[i * n + j]!;
        for (let k = 0; k < FACTORS; k++) r += L[j * FACTORS + k]! * f[i * FACTORS + k]!;
        out[i * n + j] = -r;
      }
      A.set(out, start * n);
    }
    return A;
  };

  /** The problem on a drawn A (m rows) with CVaR level β and limit κ. */
  const problem = (A: F64Buffer, m: number, beta: number, kappa: number): CvarQpProblem => ({
    P: { data: P, rows: n, cols: n }, q, A: { data: A, rows: m, cols: n }, beta, kappa,
    B: { data: B, rows: n + 1, cols: n }, l, u: ub,
  });
  return { n, P, q, B, l, u: ub, scenarios, problem };
}
