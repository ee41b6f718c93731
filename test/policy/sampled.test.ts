/**
 * policy, sampled methods: the judge is a preference matrix per prompt, the reference's win rate is 1/2
 * and its exploitability equals nashResidual of the uniform policy; sampled Nash-MP raises the win rate
 * and lowers the exploitability; loopTrainLm starts at KL 0, raises a learnable reward, leaves a run
 * reproducible bit for bit and frees its reference copy.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, memoryStats, nn, ParameterError } from '../../bindings/index.js';
import { loopTrainLm, nashPolicyTrain, nashResidual, preferenceTask } from '../../bindings/policy/index.js';
import { firstBitDifference } from '../helpers.js';

beforeAll(() => init());

describe('preferenceTask and nashPolicyTrain', () => {
  it("the judge's matrices are preference matrices matching σ(score difference + c·G) in plain TS", () => {
    const t = preferenceTask({ dim: 3, responses: 4, evalPrompts: 6, seed: 2 });
    const K = 4;
    for (let i = 0; i < 6; i++) {
      for (let y = 0; y < K; y++) {
        for (let z = 0; z < K; z++) {
          const p = t.evalPreferences[(i * K + y) * K + z]!;
          expect(p + t.evalPreferences[(i * K + z) * K + y]!).toBe(1);
          let s = 0;
          for (let j = 0; j < 3; j++) s += t.evalPrompts[i * 3 + j]! * (t.weights[j * K + y]! - t.weights[j * K + z]!);
          const want = y === z ? 0.5 : 1 / (1 + Math.exp(-(s + t.intransitivity * t.cycles[y * K + z]!)));
          expect(Math.abs(p - want)).toBeLessThan(1e-14);
        }
      }
    }
  });

  it('starts at win rate 1/2 with the uniform policy\'s exploitability, then wins more and is less exploitable', () => {
    const t = preferenceTask({ seed: 1, evalPrompts: 50 });
    const r = nashPolicyTrain(t, { iterations: 8, seed: 2 });
    expect(Math.abs(r.history.winRate[0]! - 0.5)).toBeLessThan(1e-12);
    const K = t.responses;
    let gap = 0;
    for (let i = 0; i < 50; i++) gap += nashResidual({ data: t.evalPreferences.subarray(i * K * K, (i + 1) * K * K), rows: K, cols: K }, new Float64Array(K).fill(1 / K), { beta: 0.1 }).gap;
    expect(r.history.exploitability[0]!).toBeCloseTo(gap / 50, 12);
    expect(r.history.winRate.at(-1)!).toBeGreaterThan(0.6);
    expect(r.history.exploitability.at(-1)!).toBeLessThan(0.5 * r.history.exploitability[0]!);
    expect(r.history.queries.at(-1)).toBe(8 * 2 * 20 * 64);
    const again = nashPolicyTrain(t, { iterations: 8, seed: 2 });
    expect(firstBitDifference(again.theta, r.theta)).toBe(-1);
  });

  it('refuses a task that is not one and a bad method', () => {
    expect(() => nashPolicyTrain({} as never)).toThrow(/nashPolicyTrain: task.dim must be a positive integer/);
    expect(() => nashPolicyTrain(null as never)).toThrow(/task must be a PreferenceTask/);
    expect(() => nashPolicyTrain(preferenceTask({ dim: 2, responses: 2, evalPrompts: 1 }), { method: 'md' as never })).toThrow(ParameterError);
  });
});

describe('loopTrainLm', () => {
  it('starts at KL 0, raises a learnable reward, reproduces bit for bit and frees its reference copy', () => {
    // reward: the share of token 1 in the continuation; a 4-token vocabulary the model starts uniform-ish on
    const run = () => {
      const p = nn.initTransformer(4, { contextLength: 8, dModel: 8, heads: 2, layers: 1, seed: 3 });
      const before = memoryStats().allocatedBytes;
      const r = loopTrainLm(p, [[0, 2], [3, 1]], (c) => c.filter((t) => t === 1).length / c.length, {
        steps: 25, k: 4, promptsPerStep: 2, length: 4, seed: 5, optimizer: nn.adam({ learningRate: 0.05 }),
      });
      expect(memoryStats().allocatedBytes).toBe(before);
      const w = Float64Array.from(p.tokenEmbedding.toArray());
      return { r, w };
    };
    const a = run();
    expect(a.r.history.kl[0]).toBe(0);
    expect(a.r.iterations).toBe(25);
    const early = a.r.history.reward.slice(0, 5).reduce((s, v) => s + v, 0) / 5;
    const late = a.r.history.reward.slice(-5).reduce((s, v) => s + v, 0) / 5;
    expect(late).toBeGreaterThan(early + 0.3);
    expect(a.r.history.kl.at(-1)!).toBeGreaterThan(0);
    const b = run();
    expect(firstBitDifference(a.w, b.w)).toBe(-1);
    expect(b.r.history.reward).toEqual(a.r.history.reward);
  });

  it('refuses prompts of unequal length, too long a continuation and k < 2', () => {
    const p = nn.initTransformer(4, { contextLength: 4, dModel: 8, heads: 2, layers: 1, seed: 3 });
    expect(() => loopTrainLm(p, [[0, 1], [2]], () => 0)).toThrow(/prompts\[1\] must be a token sequence of length 2/);
    expect(() => loopTrainLm(p, [[0, 1]], () => 0, { length: 4 })).toThrow(/must be <= contextLength \+ 1 = 5/);
    expect(() => loopTrainLm(p, [[0, 1]], () => 0, { k: 1, length: 2 })).toThrow(/options.k must be an integer >= 2/);
    expect(() => loopTrainLm(p, [[0, 9]], () => 0, { length: 2 })).toThrow(/prompts\[0\]\[1\] must be a token id in \[0, 3\]/);
    expect(() => loopTrainLm(p, [[0, 1]], () => NaN, { length: 2, steps: 1, k: 2, promptsPerStep: 1 })).toThrow(/reward\(\.\.\.\) must be a finite number/);
  });
});
