/**
 * The sparse family's E-step: one truncated E-step of binary sparse coding on ProSper's bars data
 * (N = 1000 images of 5 × 5, H = 10, H′ = 8, γ = 5: 221 states per image) at fixed parameters.
 * Candidates, timed interleaved in one process:
 * - WASM: candidate preselection, Gram-based residuals of every state and the posteriors
 *   (assembly/sparse/estep.ts) in a workspace allocated once;
 * - plain TS: the same algorithm over Float64Arrays (Math.exp/Math.log: equal to WASM within 1e-9).
 * "elements/s" is data points per second; the posteriors of the two are compared before and after timing.
 */
import { barsTest } from '../../bindings/index.js';
import { candidateCombos, eStepWorkspace } from '../../bindings/sparse/em.js';
import { assertClose, measure, type BenchContext, type CandidateResult, type CaseResult } from '../harness.js';

const SEED = 1;
const [N, R, H, HP, GAMMA] = [1000, 5, 10, 8, 5];
const D = R * R;

/** One truncated BSC E-step in plain TS: fills q (N × S). */
export function plainBscEStep(Y: Float64Array, W: Float64Array, pi: number, sigma: number, combos: Int32Array, q: Float64Array): void {
  const C = combos.length / GAMMA;
  const S = 1 + H + C;
  const G = new Float64Array(H * H);
  for (let a = 0; a < H; a++) for (let b = 0; b < H; b++) {
    let g = 0;
    for (let d = 0; d < D; d++) g += W[a * D + d]! * W[b * D + d]!;
    G[a * H + b] = g;
  }
  const inv = Float64Array.from({ length: H }, (_, h) => 1 / Math.sqrt(G[h * H + h]!));
  const yw = new Float64Array(H);
  const score = new Float64Array(H);
  const cand = new Int32Array(HP);
  const sizes = new Int32Array(S);
  for (let h = 0; h < H; h++) sizes[1 + h] = 1;
  for (let c = 0; c < C; c++) for (let i = 0; i < GAMMA; i++) if (combos[c * GAMMA + i]! >= 0) sizes[1 + H + c] = sizes[1 + H + c]! + 1;
  const s2 = sigma * sigma;
  const lik0 = -0.5 * D * Math.log(2 * Math.PI * s2);
  const [lp1, lp0] = [Math.log(pi), Math.log(1 - pi)];
  for (let n = 0; n < N; n++) {
    let yy = 0;
    for (let d = 0; d < D; d++) yy += Y[n * D + d]! ** 2;
    for (let h = 0; h < H; h++) {
      let v = 0;
      for (let d = 0; d < D; d++) v += W[h * D + d]! * Y[n * D + d]!;
      yw[h] = v;
      score[h] = v * inv[h]!;
    }
    for (let k = 0; k < HP; k++) {
      let best = -1;
      for (let h = 0; h < H; h++) if (!Number.isNaN(score[h]!) && (best < 0 || score[h]! > score[best]!)) best = h;
      cand[k] = best;
      score[best] = NaN;
    }
    const out = q.subarray(n * S, (n + 1) * S);
    out[0] = yy;
    for (let h = 0; h < H; h++) out[1 + h] = Math.max(0, yy - 2 * yw[h]! + G[h * H + h]!);
    for (let c = 0; c < C; c++) {
      let r = yy;
      for (let i = 0; i < GAMMA; i++) {
        const p = combos[c * GAMMA + i]!;
        if (p < 0) break;
        const hi = cand[p]!;
        r += G[hi * H + hi]! - 2 * yw[hi]!;
        for (let j = 0; j < i; j++) r += 2 * G[hi * H + cand[combos[c * GAMMA + j]!]!]!;
      }
      out[1 + H + c] = Math.max(0, r);
    }
    let m = -Infinity;
    for (let s = 0; s < S; s++) {
      out[s] = lik0 - out[s]! / (2 * s2) + sizes[s]! * lp1 + (H - sizes[s]!) * lp0;
      m = Math.max(m, out[s]!);
    }
    let z = 0;
    for (let s = 0; s < S; s++) z += out[s] = Math.exp(out[s]! - m);
    for (let s = 0; s < S; s++) out[s] = out[s]! / z;
  }
}

export function benchSparseEStep(ctx: BenchContext): CaseResult[] {
  const data = barsTest({ N, size: R, seed: SEED });
  const Y = data.Y.data;
  // parameters near the truth, slightly perturbed so that no posterior is exactly 0/1
  const W = data.W.data.map((w, i) => w * 0.9 + 0.3 * Math.sin(i));
  const [pi, sigma] = [0.2, 2.2];
  const combos = candidateCombos(HP, GAMMA);
  const ws = eStepWorkspace('bsc', Y, N, D, H, HP, GAMMA);
  try {
    const q = new Float64Array(N * ws.S);
    const check = (when: string): void => {
      ws.run(W, pi, sigma, 1);
      plainBscEStep(Y, W, pi, sigma, combos, q);
      assertClose(`sparseEStep${when}`, q, ws.q(), 1e-9);
    };
    check('');
    const names = { wasm: 'E-step (WASM kernels)', plain: 'E-step (plain TS)' };
    const calls = { wasm: () => ws.run(W, pi, sigma, 1), plain: () => plainBscEStep(Y, W, pi, sigma, combos, q) };
    const keys = ['wasm', 'plain'] as const;
    const { rounds, timings } = measure(keys.map((key) => ({ name: names[key], fn: calls[key] })), ctx.timer);
    check(' (after timing)');
    const results: CandidateResult[] = timings.map((t, i) => ({ key: keys[i]!, ...t, elementsPerSec: N / t.median }));
    const median = (key: string): number => results.find((r) => r.key === key)!.median;
    return [{
      kernel: 'sparseEStep', n: N, seed: SEED, inputs: 1, params: { H, Hprime: HP, gamma: GAMMA, states: ws.S, D },
      rounds, candidates: results, ratios: { 'plain/wasm': median('plain') / median('wasm') },
    }];
  } finally {
    ws.free();
  }
}
