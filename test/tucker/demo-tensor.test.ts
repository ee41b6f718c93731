/** The `tensor` demo section's helpers: the sweep's bookkeeping (parameter counts) and the rank-selection rule. */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, rng, tuckerParameterCount } from '../../bindings/index.js';
import { cheapestReaching, sweepTensor, type TensorPoint } from '../../bindings/demo/tensor.js';

beforeAll(() => init());

describe('tensor demo', () => {
  it('sweepTensor stores R·(ΣIₙ + 1) numbers for CP, the Tucker count for Tucker, Σ cores for TT; errors in [0, 1]', () => {
    const X = { data: rng(1).uniform(6 * 5 * 4), shape: [6, 5, 4] };
    const rows = sweepTensor(X, { cpRanks: [1, 3], budgets: [40, 80], ttTols: [0.5, 0.1], cpIter: 5, nnIter: 5, hooiIter: 2, nonNegative: true, partial: { modes: [0, 1], ranks: [2, 3] } });
    expect(new Set(rows.map((r) => r.method))).toEqual(new Set(['tucker', 'nnTucker', 'cp', 'nnCp', 'tt', 'partial']));
    for (const r of rows) {
      expect(r.error).toBeGreaterThanOrEqual(0);
      expect(r.error).toBeLessThanOrEqual(1);
      if (r.method === 'cp' || r.method === 'nnCp') expect(r.parameters).toBe(Number(r.setting.slice(2)) * 16);
      // partial Tucker on modes 0 and 1 with rank r: an r × r × 4 core and two factors
      if (r.method === 'partial') expect([2, 3].map((q) => q * q * 4 + (6 + 5) * q)).toContain(r.parameters);
      if (r.method === 'tucker') {
        const shape = r.setting.split('×').map(Number);
        expect(r.parameters).toBe(tuckerParameterCount([6, 5, 4], shape));
        expect(r.parameters).toBeLessThanOrEqual(80);
      }
    }
  });
  it('cheapestReaching picks the fewest parameters at or below the target, per method', () => {
    const p = (method: string, parameters: number, error: number): TensorPoint => ({ method, parameters, error, setting: '', ms: 0 });
    const rows = [p('cp', 100, 0.3), p('cp', 50, 0.2), p('cp', 20, 0.5), p('tt', 10, 0.9), p('tucker', 70, 0.25)];
    const best = cheapestReaching(rows, 0.25);
    expect(best.cp?.parameters).toBe(50);
    expect(best.tucker?.parameters).toBe(70);
    expect(best.tt).toBeUndefined();
    expect('nnCp' in best).toBe(false);
  });
});
