/**
 * policy, LOOP: leave-one-out advantages (sum to zero per prompt, the closed form k/(k−1)·(r − r̄)),
 * the clipped loss against a plain-TS evaluation, its gradient (zero exactly where the clip binds,
 * REINFORCE's at ρ = 1), the bandit's regret against plain TS, learning, and seeded bit-identity.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, ParameterError, ShapeError } from '../../bindings/index.js';
import * as nn from '../../bindings/nn/index.js';
import { banditTrain, contextualBandit, leaveOneOutAdvantages, loopLoss, reinforceLoss } from '../../bindings/policy/index.js';
import { firstBitDifference, randomVector } from '../helpers.js';

beforeAll(() => init());

describe('leaveOneOutAdvantages', () => {
  it('sums to zero within each prompt and equals k/(k−1)·(rᵢ − mean)', () => {
    for (const k of [2, 3, 4, 8]) {
      const r = randomVector(k, 5 * k, 3);
      const A = leaveOneOutAdvantages(r, k);
      for (let g = 0; g < 5; g++) {
        const grp = r.subarray(g * k, (g + 1) * k);
        const mean = grp.reduce((s, v) => s + v, 0) / k;
        let s = 0;
        for (let i = 0; i < k; i++) {
          s += A[g * k + i]!;
          expect(A[g * k + i]!).toBeCloseTo((k / (k - 1)) * (grp[i]! - mean), 12);
        }
        expect(Math.abs(s)).toBeLessThan(1e-12);
      }
    }
  });

  it("sample i's baseline ignores rᵢ: raising rᵢ by Δ raises Aᵢ by Δ and lowers the others by Δ/(k−1)", () => {
    const r = [0.2, 1, 0, 0.5];
    const a = leaveOneOutAdvantages(r, 4);
    const b = leaveOneOutAdvantages([0.2, 1.3, 0, 0.5], 4);
    expect(b[1]! - a[1]!).toBeCloseTo(0.3, 14);
    for (const j of [0, 2, 3]) expect(b[j]! - a[j]!).toBeCloseTo(-0.1, 14);
  });

  it('refuses k < 2, ragged groups and non-finite rewards', () => {
    expect(() => leaveOneOutAdvantages([1, 2], 1)).toThrow(/k must be an integer >= 2/);
    expect(() => leaveOneOutAdvantages([1, 2, 3], 2)).toThrow(ShapeError);
    expect(() => leaveOneOutAdvantages([1, NaN], 2)).toThrow(/rewards\[1\] must be finite/);
  });
});

describe('loopLoss and reinforceLoss', () => {
  const eps = 0.2;
  // ratios inside, above and below the clip range, with both signs of advantage
  const ratios = [1, 1.1, 1.5, 0.5, 1.5, 0.5, 0.9, 1.25];
  const adv = [0.7, -0.4, 1.2, -0.8, -0.5, 0.9, 0.3, 2];
  const old = ratios.map((_, i) => -1 - 0.1 * i);
  const lp = () => nn.tensor(ratios.map((r, i) => Math.log(r) + old[i]!));

  it('equals −mean min(ρA, clip(ρ)A) evaluated in plain TS', () => {
    const want = -ratios.reduce((s, r, i) => s + Math.min(r * adv[i]!, Math.min(Math.max(r, 1 - eps), 1 + eps) * adv[i]!), 0) / ratios.length;
    const got = nn.scope(() => loopLoss(lp(), old, adv, { epsilon: eps }).item());
    expect(got).toBeCloseTo(want, 13);
  });

  it('has zero gradient exactly where the clip binds, and −Aρ/N elsewhere', () => {
    const g = nn.scope(() => (nn.grad((x: nn.Tensor) => loopLoss(x, old, adv, { epsilon: eps }))(lp()) as nn.Tensor[])[0]!.toArray());
    const N = ratios.length;
    let zeros = 0;
    ratios.forEach((r, i) => {
      const A = adv[i]!;
      const binds = (A > 0 && r > 1 + eps) || (A < 0 && r < 1 - eps);
      if (binds) {
        expect(g[i]).toBe(0);
        zeros++;
      } else expect(g[i]!).toBeCloseTo((-A * r) / N, 13);
    });
    expect(zeros).toBe(3); // entries 2, 3 and 7 (A > 0, ρ = 1.25 > 1.2)
  });

  it('at ρ = 1 its gradient is the REINFORCE gradient −A/N', () => {
    const x = () => nn.tensor(old);
    const a = nn.scope(() => (nn.grad((t: nn.Tensor) => loopLoss(t, old, adv))(x()) as nn.Tensor[])[0]!.toArray());
    const b = nn.scope(() => (nn.grad((t: nn.Tensor) => reinforceLoss(t, adv))(x()) as nn.Tensor[])[0]!.toArray());
    for (let i = 0; i < adv.length; i++) {
      expect(a[i]!).toBeCloseTo(-adv[i]! / adv.length, 14);
      expect(b[i]!).toBeCloseTo(a[i]!, 14);
    }
  });

  it('refuses mismatched lengths, a bad ε and non-tensors', () => {
    nn.scope(() => {
      expect(() => loopLoss(lp(), old.slice(1), adv)).toThrow(ShapeError);
      expect(() => loopLoss(lp(), old, adv, { epsilon: 1 })).toThrow(/options.epsilon must be a number in \[0, 1\)/);
      expect(() => loopLoss([1, 2] as never, old, adv)).toThrow(/logProbs must be an nn.Tensor/);
      expect(() => reinforceLoss(lp(), [1])).toThrow(ShapeError);
    });
  });
});

describe('contextual bandit', () => {
  it("the uniform policy's regret (entry 0 of the history) matches plain TS with Math.exp", () => {
    const b = contextualBandit({ dim: 3, arms: 4, evalContexts: 50, seed: 2 });
    let want = 0;
    for (let i = 0; i < 50; i++) {
      const mus: number[] = [];
      for (let a = 0; a < 4; a++) {
        let z = 0;
        for (let j = 0; j < 3; j++) z += b.evalContexts[i * 3 + j]! * b.weights[j * 4 + a]!;
        mus.push(1 / (1 + Math.exp(-b.sharpness * z)));
      }
      want += Math.max(...mus) - mus.reduce((s, v) => s + v, 0) / 4;
    }
    const r = banditTrain(b, { samples: 8, batchSize: 8 });
    expect(r.history.regret[0]!).toBeCloseTo(want / 50, 12);
  });

  it('LOOP, REINFORCE-LOO and PPO all lower the regret; PPO carries a value network; seeded runs are bit-identical', () => {
    const b = contextualBandit({ seed: 1 });
    const before = memoryStats().allocatedBytes;
    const runs = (['loop', 'reinforce', 'ppo'] as const).map((method) => banditTrain(b, { method, samples: 3200, seed: 3 }));
    expect(memoryStats().allocatedBytes).toBe(before);
    for (const r of runs) {
      expect(r.iterations).toBe(50);
      expect(r.history.samples.at(-1)).toBe(3200);
      expect(r.history.regret.at(-1)!).toBeLessThan(0.6 * r.history.regret[0]!);
    }
    expect(runs[0]!.valueParameters).toBe(0);
    expect(runs[2]!.valueParameters).toBe(6 * 32 + 32 + 32 + 1);
    // LOOP reuses each batch for 4 clipped steps: lower regret than REINFORCE on the same samples
    expect(runs[0]!.history.regret.at(-1)!).toBeLessThan(runs[1]!.history.regret.at(-1)!);
    const again = banditTrain(b, { method: 'loop', samples: 3200, seed: 3 });
    expect(firstBitDifference(again.theta, runs[0]!.theta)).toBe(-1);
  });

  it('refuses k = 1 for the leave-one-out methods and a batch that is not a multiple of k', () => {
    const b = contextualBandit({ dim: 2, arms: 2, evalContexts: 4 });
    expect(() => banditTrain(b, { method: 'loop', k: 1 })).toThrow(/options.k must be an integer >= 2/);
    expect(() => banditTrain(b, { k: 3, batchSize: 64 })).toThrow(/options.batchSize must be a multiple of k = 3/);
    expect(() => banditTrain(b, { method: 'sac' as never })).toThrow(ParameterError);
    expect(() => banditTrain({} as never)).toThrow(/banditTrain: bandit.dim must be a positive integer/);
    expect(() => banditTrain(null as never)).toThrow(/bandit must be a ContextualBandit/);
    expect(() => banditTrain({ ...b, evalMeans: new Float64Array(3) })).toThrow(/bandit.evalMeans must be a Float64Array of length m · arms = 8/);
  });
});
