import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init } from '../../bindings/index.js';
import { gromovBarycenter } from '../../bindings/ot/gwbarycenter.js';
import { uniforms } from '../helpers.js';
import { cloud, distances } from './gw-reference.js';

beforeAll(() => init());

const uniform = (n: number): Float64Array => new Float64Array(n).fill(1 / n);

/** Σ_ijkl (C_ik − D_jl)² T_ij T_kl from the definition (C is N × N, D is n × n, T is N × n). */
function gwAt(C: Float64Array, D: Float64Array, T: Float64Array, N: number, n: number): number {
  let s = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < n; j++) {
    const t = T[i * n + j]!;
    if (t === 0) continue;
    for (let k = 0; k < N; k++) for (let l = 0; l < n; l++) s += (C[i * N + k]! - D[j * n + l]!) ** 2 * t * T[k * n + l]!;
  }
  return s;
}

describe('gromovBarycenter', () => {
  it('of permuted copies of one structure is that structure up to a permutation (value 0)', () => {
    const n = 8;
    const C0 = distances(cloud(1, n, 2), n, 2);
    const perms = [[0, 1, 2, 3, 4, 5, 6, 7], [3, 1, 7, 0, 5, 2, 6, 4], [6, 4, 2, 0, 7, 5, 3, 1]];
    const Cs = perms.map((s) => {
      const C = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) C[s[i]! * n + s[k]!] = C0[i * n + k]!;
      return C;
    });
    for (const seed of [0, 1, 2]) {
      const r = gromovBarycenter(Cs, [uniform(n), uniform(n), uniform(n)], n, { seed });
      expect(Math.abs(r.value)).toBeLessThan(1e-12);
      expect(r.converged).toBe(true);
      // same multiset of entries as C0, and each plan has zero GW cost by the definition
      expect(Array.from(r.C).sort((a, b) => a - b).map((x) => x.toFixed(10))).toEqual(Array.from(C0).sort((a, b) => a - b).map((x) => x.toFixed(10)));
      r.plans.forEach((T, s) => expect(gwAt(r.C, Cs[s]!, T, n, n)).toBeLessThan(1e-12));
    }
  });

  it('minimises the weighted objective in C for its plans (zero gradient by the definition) and never goes up', () => {
    const sizes = [10, 7, 12];
    const Cs = sizes.map((n, s) => distances(cloud(5 + s, n, 2 + (s % 2)), n, 2 + (s % 2)));
    const ps = sizes.map((n) => uniforms(n)).map((u, s) => {
      const w = Float64Array.from({ length: sizes[s]! }, () => 0.3 + u());
      const t = w.reduce((a, b) => a + b, 0);
      return w.map((x) => x / t);
    });
    const N = 9;
    const lambdas = [0.5, 0.3, 0.2];
    const r = gromovBarycenter(Cs, ps, N, { lambdas, seed: 4, maxIter: 50 });
    for (let k = 1; k < r.history.length; k++) expect(r.history[k]!).toBeLessThanOrEqual(r.history[k - 1]! + 1e-12);
    expect(r.value).toBeLessThanOrEqual(r.history[r.history.length - 1]! + 1e-12);
    // value = Σ λ_s GW at the returned plans, by the definition
    const def = r.plans.reduce((acc, T, s) => acc + lambdas[s]! * gwAt(r.C, Cs[s]!, T, N, sizes[s]!), 0);
    expect(r.value).toBeCloseTo(def, 12);
    // ∂/∂C_ik Σ_s λ_s Σ_jl (C_ik − C_s,jl)² T_ij T_kl at the C that the plans give: 0 once converged
    expect(r.converged).toBe(true);
    {
      const p = uniform(N);
      for (let i = 0; i < N; i++) for (let k = 0; k < N; k++) {
        let g = 0;
        r.plans.forEach((T, s) => {
          const n = sizes[s]!;
          for (let j = 0; j < n; j++) for (let l = 0; l < n; l++) g += 2 * lambdas[s]! * (r.C[i * N + k]! - Cs[s]![j * n + l]!) * T[i * n + j]! * T[k * n + l]!;
        });
        expect(Math.abs(g)).toBeLessThan(1e-7 * p[i]! * p[k]!);
      }
    }
    // the plans are couplings of p (uniform 1/N) and ps[s]
    r.plans.forEach((T, s) => {
      const n = sizes[s]!;
      for (let i = 0; i < N; i++) expect(T.subarray(i * n, i * n + n).reduce((a, b) => a + b, 0)).toBeCloseTo(1 / N, 12);
      for (let j = 0; j < n; j++) { let c = 0; for (let i = 0; i < N; i++) c += T[i * n + j]!; expect(c).toBeCloseTo(ps[s]![j]!, 12); }
    });
  });

  it('rejects bad input with typed errors', () => {
    const C = distances(cloud(1, 3, 2), 3, 2);
    const w = uniform(3);
    expect(() => gromovBarycenter([], [], 3)).toThrow(ShapeError);
    expect(() => gromovBarycenter([C], [w, w], 3)).toThrow(/ps must have one weight vector per structure/);
    expect(() => gromovBarycenter([C], [uniform(4)], 3)).toThrow(ShapeError);
    expect(() => gromovBarycenter([C], [w], 0)).toThrow(/gromovBarycenter: N/);
    expect(() => gromovBarycenter([C], [w.map((x) => 2 * x)], 3)).toThrow(/ps\[0\] must have the sum of p/);
    expect(() => gromovBarycenter([C, C], [w, w], 3, { lambdas: [0.5, 0.6] })).toThrow(/options.lambdas must sum to 1/);
    expect(() => gromovBarycenter([C], [w], 3, { gw: { spectral: 9 } })).toThrow(/gromovBarycenter: options.gw.spectral/);
    expect(() => gromovBarycenter([C], [w], 3, { gw: { loss: 'kl' } as object })).toThrow(ParameterError);
    expect(() => gromovBarycenter([C], [w], 3, { iters: 3 } as object)).toThrow(/iters/);
    expect(() => gromovBarycenter([C.map((x, k) => (k === 1 ? NaN : x))], [w], 3)).toThrow(NonFiniteError);
    expect(() => gromovBarycenter([C], [w], 3, { init: [1, 2] })).toThrow(ShapeError);
  });
});
