import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, allocF64, classBasedOt, classPurity, costMatrix, emd2, init, memoryStats, sinkhorn } from '../../bindings/index.js';
import { wasm } from '../../bindings/runtime/instance.js';
import { randomVector, uniforms } from '../helpers.js';

beforeAll(() => init());

/** Plain-TS block soft threshold of max(s, 0)/γ per group, written from the definition (test reference). */
function bstRef(s: ArrayLike<number>, groups: number[][], gamma: number, eta: number): Float64Array {
  const t = Float64Array.from(s, (v) => Math.max(v, 0) / gamma);
  for (const g of groups) {
    const norm = Math.sqrt(g.reduce((acc, i) => acc + t[i]! ** 2, 0));
    const scale = norm > eta / gamma ? 1 - eta / gamma / norm : 0;
    for (const i of g) t[i] = t[i]! * scale;
  }
  return t;
}

/** φ(t) = (γ/2)‖t‖² − ⟨s, t⟩ + η Σ_c ‖t_c‖ (the per-column problem minimised by the prox). */
function phi(t: ArrayLike<number>, s: ArrayLike<number>, groups: number[][], gamma: number, eta: number): number {
  let v = 0;
  for (let i = 0; i < t.length; i++) v += 0.5 * gamma * t[i]! ** 2 - s[i]! * t[i]!;
  for (const g of groups) v += eta * Math.sqrt(g.reduce((acc, i) => acc + t[i]! ** 2, 0));
  return v;
}

/** Entropic per-column problem: ε Σ t (log t − 1) − ⟨s, t⟩ + η Σ_c ‖t_c‖ (t ≥ 0, 0 log 0 = 0). */
function phiEnt(t: ArrayLike<number>, s: ArrayLike<number>, groups: number[][], eps: number, eta: number): number {
  let v = 0;
  for (let i = 0; i < t.length; i++) v += (t[i]! > 0 ? eps * t[i]! * (Math.log(t[i]!) - 1) : 0) - s[i]! * t[i]!;
  for (const g of groups) v += eta * Math.sqrt(g.reduce((acc, i) => acc + t[i]! ** 2, 0));
  return v;
}

/** Primal objective from a plan, by definition. */
function primal(P: Float64Array, M: ArrayLike<number>, n: number, m: number, labels: number[], gamma: number, eta: number, entropic = false): number {
  let v = 0;
  for (let k = 0; k < n * m; k++) v += M[k]! * P[k]! + (entropic ? (P[k]! > 0 ? gamma * P[k]! * (Math.log(P[k]!) - 1) : 0) : 0.5 * gamma * P[k]! ** 2);
  const cls = [...new Set(labels)];
  for (let j = 0; j < m; j++) for (const c of cls) {
    let ss = 0;
    for (let i = 0; i < n; i++) if (labels[i] === c) ss += P[i * m + j]! ** 2;
    v += eta * Math.sqrt(ss);
  }
  return v;
}

/** The seeded two-class example: source classes 0/1 are unit Gaussians 1.5 apart in x, targets the same two classes shifted by (1, 1.5); cost normalised to max 1, uniform weights. */
function twoClassGaussians(n: number, m: number) {
  const g = randomVector(5, 4 * (n + m));
  const X = new Float64Array(2 * n);
  const Y = new Float64Array(2 * m);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    labels.push(i % 2);
    X[2 * i] = g[2 * i]! + 1.5 * (i % 2);
    X[2 * i + 1] = g[2 * i + 1]!;
  }
  for (let j = 0; j < m; j++) {
    Y[2 * j] = g[2 * n + 2 * j]! + 1.5 * (j % 2) + 1;
    Y[2 * j + 1] = g[2 * n + 2 * j + 1]! + 1.5;
  }
  const M0 = costMatrix(X, Y, { dim: 2 });
  const mx = Math.max(...M0);
  return { M: M0.map((v) => v / mx), a: new Float64Array(n).fill(1 / n), b: new Float64Array(m).fill(1 / m), labels };
}

/** Random 2 × 2 cycles (keep the marginals) must not lower the convex objective below obj. */
function expectNoImprovingCycle(P: Float64Array, M: Float64Array, n: number, m: number, labels: number[], reg: number, eta: number, entropic: boolean, obj: number, seed: number): void {
  const u = uniforms(seed);
  for (let k = 0; k < 300; k++) {
    const i = Math.floor(u() * n), i2 = Math.floor(u() * n), j = Math.floor(u() * m), j2 = Math.floor(u() * m);
    if (i === i2 || j === j2) continue;
    const d = Math.min(P[i * m + j2]!, P[i2 * m + j]!, 1e-3) * u();
    if (d <= 0) continue;
    const Q = P.slice();
    Q[i * m + j] = Q[i * m + j]! + d;
    Q[i2 * m + j2] = Q[i2 * m + j2]! + d;
    Q[i * m + j2] = Q[i * m + j2]! - d;
    Q[i2 * m + j] = Q[i2 * m + j]! - d;
    expect(primal(Q, M, n, m, labels, reg, eta, entropic)).toBeGreaterThanOrEqual(obj - 1e-10);
  }
}

function problem(seed: number, n: number, m: number, nc: number) {
  const u = uniforms(seed);
  const a = Float64Array.from({ length: n }, () => 0.2 + u());
  const b = Float64Array.from({ length: m }, () => 0.2 + u());
  const sa = a.reduce((s, v) => s + v, 0);
  const sb = b.reduce((s, v) => s + v, 0);
  const labels = Array.from({ length: n }, (_, i) => (i * 7 + seed) % nc);
  return { a: a.map((v) => v / sa), b: b.map((v) => v / sb), M: Float64Array.from({ length: n * m }, () => u()), labels };
}

describe('the closed-form column prox (otClassPlan with one column)', () => {
  it('equals the block soft threshold of max(s, 0)/γ, satisfies the KKT conditions and beats every random perturbation', () => {
    const x = wasm('test');
    const u = uniforms(3);
    // groups of sizes 3, 1, 4, 2 (consecutive, as the kernel receives them)
    const sizes = [3, 1, 4, 2];
    const n = 10;
    const groups: number[][] = [];
    let o = 0;
    for (const z of sizes) {
      groups.push(Array.from({ length: z }, (_, k) => o + k));
      o += z;
    }
    for (let trial = 0; trial < 30; trial++) {
      const s = Float64Array.from({ length: n }, () => 2 * u() - 0.6);
      if (trial === 0) s.fill(-1); // nothing positive: t = 0
      const gamma = 0.1 + u();
      const eta = trial % 3 === 0 ? 0 : 0.5 * u();
      const f = allocF64(s);
      const g = allocF64([0]);
      const C = allocF64(n);
      const T = allocF64(n);
      const rs = allocF64(n);
      const cs = allocF64(1);
      const st = allocF64(3); // 5 i32
      new Int32Array(x.memory.buffer, st.ptr, 5).set([0, 3, 4, 8, 10]);
      const conj = x.otClassPlan(C.ptr, n, 1, f.ptr, g.ptr, gamma, eta, st.ptr, 4, T.ptr, rs.ptr, cs.ptr);
      const t = T.toArray();
      const want = bstRef(s, groups, gamma, eta);
      for (let i = 0; i < n; i++) expect(Math.abs(t[i]! - want[i]!)).toBeLessThan(1e-14);
      expect(Math.abs(conj + phi(t, s, groups, gamma, eta))).toBeLessThan(1e-13); // Ω*(s) = −min φ
      expect(Math.abs(cs.view()[0]! - t.reduce((acc, v) => acc + v, 0))).toBeLessThan(1e-14);
      expect(rs.toArray()).toEqual(t);
      // KKT: 0 ∈ γt − s + η∂‖t_c‖ + N_{≥0}(t)
      for (const grp of groups) {
        const norm = Math.sqrt(grp.reduce((acc, i) => acc + t[i]! ** 2, 0));
        if (norm > 0) {
          for (const i of grp) {
            if (t[i]! > 0) expect(Math.abs(gamma * t[i]! - s[i]! + (eta * t[i]!) / norm)).toBeLessThan(1e-12);
            else expect(s[i]!).toBeLessThanOrEqual(1e-15);
          }
        } else {
          expect(Math.sqrt(grp.reduce((acc, i) => acc + Math.max(s[i]!, 0) ** 2, 0))).toBeLessThanOrEqual(eta + 1e-15);
        }
      }
      // brute force: no feasible perturbation lowers φ
      const best = phi(t, s, groups, gamma, eta);
      for (let k = 0; k < 200; k++) {
        const scale = k < 100 ? 1e-3 : 0.3;
        const q = t.map((v) => Math.max(0, v + scale * (2 * u() - 1)));
        expect(phi(q, s, groups, gamma, eta)).toBeGreaterThanOrEqual(best - 1e-15);
      }
      for (const b of [f, g, C, T, rs, cs, st]) b.free();
    }
  });
});

describe('classBasedOt', () => {
  it('marginals, zero duality gap (dual evaluated by the test from f, g) and no improving 2 × 2 cycle on tiny problems', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const n = 5 + seed;
      const m = 4 + (seed % 3);
      const { a, b, M, labels } = problem(seed, n, m, 2 + (seed % 2));
      const gamma = 0.05 * seed;
      const eta = 0.02 * seed;
      const r = classBasedOt(a, b, M, labels, { reg: gamma, eta, tol: 1e-12, maxIter: 100000 });
      expect(r.converged).toBe(true);
      const P = r.plan;
      for (let i = 0; i < n; i++) expect(Math.abs(P.subarray(i * m, (i + 1) * m).reduce((s, v) => s + v, 0) - a[i]!)).toBeLessThan(1e-11);
      for (let j = 0; j < m; j++) {
        let c = 0;
        for (let i = 0; i < n; i++) c += P[i * m + j]!;
        expect(Math.abs(c - b[j]!)).toBeLessThan(1e-11);
      }
      expect(P.every((v) => v >= 0)).toBe(true);
      // primal from the definition; dual from (f, g) with the test's own prox
      const obj = primal(P, M, n, m, labels, gamma, eta);
      expect(Math.abs(obj - r.objective)).toBeLessThan(1e-12);
      const cls = [...new Set(labels)];
      const groups = cls.map((c) => labels.flatMap((l, i) => (l === c ? [i] : [])));
      let dual = 0;
      for (let i = 0; i < n; i++) dual += r.f[i]! * a[i]!;
      for (let j = 0; j < m; j++) {
        dual += r.g[j]! * b[j]!;
        const s = Float64Array.from({ length: n }, (_, i) => r.f[i]! + r.g[j]! - M[i * m + j]!);
        const t = bstRef(s, groups, gamma, eta);
        dual += phi(t, s, groups, gamma, eta); // −Ω*(s)
        for (let i = 0; i < n; i++) expect(Math.abs(t[i]! - P[i * m + j]!)).toBeLessThan(1e-13);
      }
      expect(Math.abs(dual - r.dualObjective)).toBeLessThan(1e-12);
      expect(Math.abs(obj - dual)).toBeLessThan(1e-9);
      // a 2 × 2 cycle keeps the marginals: it must not lower the (convex) objective
      expectNoImprovingCycle(P, M, n, m, labels, gamma, eta, false, obj, seed + 100);
    }
  });

  it('η = 0: quadratically regularised OT, P_ij = max(f_i + g_j − M_ij, 0)/γ; as γ → 0 its cost tends to the exact emd2', () => {
    const n = 6;
    const m = 5;
    const { a, b, M, labels } = problem(9, n, m, 2);
    const r = classBasedOt(a, b, M, labels, { reg: 0.2, tol: 1e-12, maxIter: 100000 });
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      expect(Math.abs(r.plan[i * m + j]! - Math.max(r.f[i]! + r.g[j]! - M[i * m + j]!, 0) / 0.2)).toBeLessThan(1e-14);
    }
    const W = emd2(a, b, M);
    let prev = Infinity;
    for (const gamma of [1, 0.1, 0.01, 0.001]) {
      const c = classBasedOt(a, b, M, labels, { reg: gamma, tol: 1e-11, maxIter: 200000 }).cost;
      expect(c).toBeGreaterThanOrEqual(W - 1e-9);
      expect(c - W).toBeLessThanOrEqual(prev + 1e-12); // small γ: the quadratic-OT plan is already the emd plan (equal to rounding)
      prev = c - W;
    }
    expect(prev).toBeLessThan(1e-3 * W);
  });

  it('labels are names only (7/3 ≡ 1/0), and permuting the sources permutes the plan', () => {
    const n = 7;
    const m = 4;
    const { a, b, M, labels } = problem(5, n, m, 2);
    const o = { reg: 0.1, eta: 0.05, tol: 1e-12, maxIter: 100000 };
    const r = classBasedOt(a, b, M, labels, o);
    const r2 = classBasedOt(a, b, M, labels.map((l) => (l === 0 ? 7 : 3)), o);
    expect(Math.max(...r.plan.map((v, k) => Math.abs(v - r2.plan[k]!)))).toBeLessThan(1e-13);
    const perm = [3, 0, 6, 2, 5, 1, 4];
    const Mp = new Float64Array(n * m);
    perm.forEach((i, r_) => { for (let j = 0; j < m; j++) Mp[r_ * m + j] = M[i * m + j]!; });
    const rp = classBasedOt(perm.map((i) => a[i]!), b, Mp, perm.map((i) => labels[i]!), o);
    perm.forEach((i, r_) => { for (let j = 0; j < m; j++) expect(Math.abs(rp.plan[r_ * m + j]! - r.plan[i * m + j]!)).toBeLessThan(1e-11); });
  });

  it('seeded two-class Gaussians: η raises the class purity above η = 0 and above plain entropic OT (sinkhorn)', () => {
    const n = 40;
    const m = 40;
    const { M, a, b, labels } = twoClassGaussians(n, m);
    const purity: Record<string, number> = {};
    for (const eta of [0, 0.05, 0.2]) {
      const r = classBasedOt(a, b, M, labels, { reg: 0.3, eta });
      expect(r.converged).toBe(true);
      purity[`eta ${eta}`] = r.classPurity;
    }
    for (const reg of [0.01, 0.003]) purity[`sinkhorn ${reg}`] = classPurity(sinkhorn(a, b, M, { reg, method: 'log' }).plan, n, m, labels).purity;
    // measured (γ = 0.3): η 0 → 0.863, 0.05 → 0.913, 0.2 → 0.968; sinkhorn reg 0.01 → 0.769, 0.003 → 0.839
    expect(purity['eta 0.05']!).toBeGreaterThan(purity['eta 0']! + 0.03);
    expect(purity['eta 0.2']!).toBeGreaterThan(purity['eta 0.05']! + 0.03);
    expect(purity['eta 0.2']!).toBeGreaterThan(purity['sinkhorn 0.01']! + 0.1);
    expect(purity['eta 0.2']!).toBeGreaterThan(purity['sinkhorn 0.003']! + 0.1);
  });

  it('edge cases: n = m = 1 moves all the mass; one class: purity 1 and the group term is Σ_j ‖P[·, j]‖₂', () => {
    const r = classBasedOt([1], [1], [3], [4], { reg: 0.5, eta: 0.2, tol: 1e-13, maxIter: 100000 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.plan[0]! - 1)).toBeLessThan(1e-12);
    expect(Math.abs(r.objective - (3 + 0.2 + 0.25))).toBeLessThan(1e-11);
    const { a, b, M } = problem(4, 5, 3, 1);
    const one = classBasedOt(a, b, M, [0, 0, 0, 0, 0], { reg: 0.2, eta: 0.1, tol: 1e-12, maxIter: 100000 });
    expect(one.classPurity).toBe(1);
    expect(Math.abs(one.objective - primal(one.plan, M, 5, 3, [0, 0, 0, 0, 0], 0.2, 0.1))).toBeLessThan(1e-12);
  });

  it('classPurity by hand; onProgress stop, abort and maxIter', () => {
    // targets: j0 gets 0.3 from class 0 and 0.1 from class 1 → 0.75; j1 gets 0.6 from class 1 only → 1
    const P = [0.3, 0, 0.1, 0.2, 0, 0.4];
    const p = classPurity(P, 3, 2, [0, 1, 1]);
    expect(p.perTarget[0]).toBeCloseTo(0.75, 15);
    expect(p.perTarget[1]).toBe(1);
    expect(p.purity).toBeCloseTo(0.9, 15);
    expect(Number.isNaN(classPurity([0, 1], 1, 2, [0]).perTarget[0])).toBe(true);
    const { a, b, M, labels } = problem(2, 6, 5, 2);
    const seen: number[] = [];
    const r = classBasedOt(a, b, M, labels, { reg: 0.1, eta: 0.1, tol: 0, onProgress: (i) => { seen.push(i.iteration); return i.iteration < 11; } });
    expect(r.stopped).toBe('callback');
    expect(seen).toEqual([1, 11]);
    const ctl = new AbortController();
    ctl.abort();
    expect(classBasedOt(a, b, M, labels, { reg: 0.1, signal: ctl.signal }).stopped).toBe('aborted');
    const q = classBasedOt(a, b, M, labels, { reg: 0.1, tol: 0, maxIter: 3 });
    expect(q.iterations).toBe(3);
    expect(q.warning).toMatch(/^not converged \(maxIter\) after 3 iterations: marginal error/);
  });

  it('typed errors with messages; memory returns to its level', () => {
    const before = memoryStats().allocatedBytes;
    const fn = 'classBasedOt';
    const a = [0.5, 0.5];
    const b = [0.25, 0.75];
    const M = [0, 1, 1, 0];
    const cases: [() => unknown, new (...x: never[]) => Error, string][] = [
      [() => classBasedOt(a, b, M, [0, 1], { reg: 0 }), ParameterError, `${fn}: options.reg must be > 0 (got 0)`],
      [() => classBasedOt(a, b, M, [0, 1], { reg: 1, eta: -1 }), ParameterError, `${fn}: options.eta must be >= 0 (got -1)`],
      [() => classBasedOt(a, b, M, [0, 1], { reg: 1, eta: Infinity }), ParameterError, `${fn}: options.eta must be finite (got Infinity)`],
      [() => classBasedOt(a, b, M, [0, 1], { reg: 1, maxIter: 0 }), ParameterError, `${fn}: options.maxIter must be a positive integer (got 0)`],
      [() => classBasedOt(a, b, M, [0, 1], { reg: 1, smoothing: 'l2' as 'entropic' }), ParameterError, `${fn}: options.smoothing must be 'quadratic' or 'entropic' (got "l2")`],
      [() => classBasedOt(a, b, M, [0], { reg: 1 }), ShapeError, `${fn}: sourceLabels must have one label per source point = 2 (got 1)`],
      [() => classBasedOt(a, b, M, [0, 1.5], { reg: 1 }), ParameterError, `${fn}: sourceLabels[1] must be a non-negative integer (got 1.5)`],
      [() => classBasedOt(a, b, M.slice(1), [0, 1], { reg: 1 }), ShapeError, `${fn}: M must have a.length × b.length = 2 × 2 = 4 entries (got 3)`],
      [() => classBasedOt(a, [0.5, 0.7], M, [0, 1], { reg: 1 }), ParameterError, `${fn}: a and b must have equal sums within 1e-8 relative (got 1 and 1.2)`],
      [() => classBasedOt([1.5, -0.5], b, M, [0, 1], { reg: 1 }), ParameterError, `${fn}: a must be >= 0 entrywise (got -0.5 at index 1)`],
      [() => classBasedOt(a, b, [0, NaN, 1, 0], [0, 1], { reg: 1 }), NonFiniteError, `${fn}: M must be finite (got NaN at index 1)`],
      [() => classPurity([0.5, -0.1], 1, 2, [0]), ParameterError, 'classPurity: plan[1] must be >= 0 (got -0.1)'],
      [() => classPurity([0.5], 1, 2, [0]), ShapeError, 'classPurity: plan must have n × m = 2 entries (got 1)'],
    ];
    for (const [f, cls, msg] of cases) {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err, msg).toBeInstanceOf(cls);
      expect((err as Error).message).toBe(msg);
    }
    for (let k = 0; k < 10; k++) classBasedOt(a, b, M, [0, 1], { reg: 0.5, eta: 0.1, maxIter: 50 });
    // zero-copy inputs (F64Buffer) give the same plan
    const [ab, bb, Mb] = [allocF64(a), allocF64(b), allocF64(M)];
    const viaBuffers = classBasedOt(ab, bb, Mb, [0, 1], { reg: 0.5, eta: 0.1, maxIter: 50 });
    expect(viaBuffers.plan).toEqual(classBasedOt(a, b, M, [0, 1], { reg: 0.5, eta: 0.1, maxIter: 50 }).plan);
    for (const x of [ab, bb, Mb]) x.free();
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});

describe('classBasedOt, entropic smoothing', () => {
  it('the column kernel: stationarity s_i − ε log t_i − η t_i/‖t_c‖ = 0 and no random perturbation lowers the block objective', () => {
    const x = wasm('test');
    const u = uniforms(8);
    const n = 9;
    const groups = [[0, 1, 2], [3], [4, 5, 6, 7, 8]];
    for (let trial = 0; trial < 20; trial++) {
      const s = Float64Array.from({ length: n }, () => 3 * u() - 2);
      const eps = 0.05 + u();
      const eta = trial % 4 === 0 ? 0 : 2 * u();
      const [f, g, C, T, rs, cs, W, mus] = [allocF64(s), allocF64([0]), allocF64(n), allocF64(n), allocF64(n), allocF64(1), allocF64(n), allocF64([NaN, NaN, NaN])];
      const st = allocF64(2);
      new Int32Array(x.memory.buffer, st.ptr, 4).set([0, 3, 4, 9]);
      const conj = x.otClassPlanEntropic(C.ptr, n, 1, f.ptr, g.ptr, eps, eta, st.ptr, 3, T.ptr, rs.ptr, cs.ptr, W.ptr, mus.ptr);
      const t = T.toArray();
      for (const grp of groups) {
        const norm = Math.sqrt(grp.reduce((acc, i) => acc + t[i]! ** 2, 0));
        for (const i of grp) {
          expect(t[i]!).toBeGreaterThan(0);
          expect(Math.abs(s[i]! - eps * Math.log(t[i]!) - (eta * t[i]!) / norm)).toBeLessThan(1e-11);
        }
      }
      const best = phiEnt(t, s, groups, eps, eta);
      expect(Math.abs(conj + best)).toBeLessThan(1e-12);
      for (let k = 0; k < 200; k++) {
        const q = t.map((v) => Math.max(0, v * (1 + (k < 100 ? 1e-3 : 0.3) * (2 * u() - 1))));
        expect(phiEnt(q, s, groups, eps, eta)).toBeGreaterThanOrEqual(best - 1e-14);
      }
      for (const b of [f, g, C, T, rs, cs, W, mus, st]) b.free();
    }
  });

  it('η = 0 is plain entropic OT: the plan equals sinkhorn(…, { method: "log" }) to 1e-10', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const { a, b, M, labels } = problem(seed, 6 + seed, 5, 2);
      for (const reg of [0.5, 0.1]) {
        const r = classBasedOt(a, b, M, labels, { reg, smoothing: 'entropic', tol: 1e-13, maxIter: 100000 });
        expect(r.converged).toBe(true);
        const s = sinkhorn(a, b, M, { reg, method: 'log', tol: 1e-14, maxIter: 100000 });
        expect(Math.max(...r.plan.map((v, k) => Math.abs(v - s.plan[k]!)))).toBeLessThan(1e-10);
        expect(Math.abs(r.cost - s.cost)).toBeLessThan(1e-10);
      }
    }
  });

  it('η > 0: marginals, zero duality gap, objective by definition, no improving 2 × 2 cycle', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const n = 5 + seed;
      const m = 4;
      const { a, b, M, labels } = problem(seed + 10, n, m, 2);
      const eps = 0.1;
      const eta = 0.05 * seed;
      const r = classBasedOt(a, b, M, labels, { reg: eps, eta, smoothing: 'entropic', tol: 1e-12, maxIter: 100000 });
      expect(r.converged).toBe(true);
      const P = r.plan;
      for (let i = 0; i < n; i++) expect(Math.abs(P.subarray(i * m, (i + 1) * m).reduce((acc, v) => acc + v, 0) - a[i]!)).toBeLessThan(1e-11);
      const obj = primal(P, M, n, m, labels, eps, eta, true);
      expect(Math.abs(obj - r.objective)).toBeLessThan(1e-12);
      expect(Math.abs(obj - r.dualObjective)).toBeLessThan(1e-9);
      expectNoImprovingCycle(P, M, n, m, labels, eps, eta, true, obj, seed + 200);
    }
  });

  it('seeded two-class Gaussians at the same ε: η = 0.2 raises the purity above sinkhorn (= the η = 0 plan)', () => {
    const n = 30;
    const m = 30;
    const { M, a, b, labels } = twoClassGaussians(n, m);
    const plain = classPurity(sinkhorn(a, b, M, { reg: 0.01, method: 'log' }).plan, n, m, labels).purity;
    const grouped = classBasedOt(a, b, M, labels, { reg: 0.01, eta: 0.2, smoothing: 'entropic', tol: 1e-9 });
    expect(grouped.converged).toBe(true);
    expect(grouped.classPurity).toBeGreaterThan(plain + 0.05);
  });
});
