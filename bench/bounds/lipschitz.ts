/**
 * The bounds family on the project's own trained network, the 64-64-32-10 digits MLP
 * (data/models/digits-mlp.json): IBP and CROWN through `computeBounds` (WASM kernels) against the
 * plain-TS references of test/bounds/reference.ts, and `localLipschitz` (interval Clarke-Jacobian
 * bound branched on 10 unstable ReLUs, with CROWN vs IBP pre-activation bounds; no lower-bound search). Size key → L∞ radius around a digits-like input:
 * 1e3 → 0.005, 1e5 → 0.02, 1e6 → 0.05 (more unstable ReLUs as ε grows). n is the key, not the work.
 */
import { computeBounds, localLipschitz, parseNetwork, type NetworkSpec } from '../../bindings/index.js';
import { crownRef, flatten, ibpRef } from '../../test/bounds/reference.js';
import { forEachSize, onJs, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';
import digitsMlp from '../../data/models/digits-mlp.json';

const RADIUS: Record<number, number> = { 1e3: 0.005, 1e5: 0.02, 1e6: 0.05 };
const SPEC = digitsMlp as NetworkSpec;
const WEIGHTS = 64 * 64 + 64 * 32 + 32 * 10;

/** Two L∞ boxes (clipped to [0, 1]) around seeded pixel vectors in [0, 1]. */
function boxes(inputs: Float64Array[], r: number): { lower: Float64Array; upper: Float64Array }[] {
  return inputs.slice(0, 2).map((v) => {
    const x = v.subarray(0, 64).map((z) => 1 / (1 + Math.exp(-z)));
    return { lower: x.map((z) => Math.max(0, z - r)), upper: x.map((z) => Math.min(1, z + r)) };
  });
}

function benchDigits(ctx: BenchContext, method: 'ibp' | 'crown', seeds: Record<number, number>): CaseResult[] {
  const net = parseNetwork(SPEC);
  const flat = flatten(SPEC);
  const ref = method === 'ibp' ? ibpRef : crownRef;
  return forEachSize(ctx, seeds, ({ n, seed, inputs }) => {
    const bs = boxes(inputs, RADIUS[n]!);
    const references = bs.map((b) => {
      const r = ref(flat, b.lower, b.upper);
      return Float64Array.from([...r.lower, ...r.upper]);
    });
    const outW = new Float64Array(20);
    const outJ = new Float64Array(20);
    const candidates: CaseCandidate[] = [
      { key: 'public', name: `computeBounds ${method} (WASM kernels)`, ...onJs(outW), call: (i) => { const r = computeBounds(net, bs[i]!, { method }); outW.set(r.lower); outW.set(r.upper, 10); } },
      { key: 'plainTS', name: `plain TS ${method} (test/bounds/reference.ts)`, ...onJs(outJ), call: (i) => { const r = ref(flat, bs[i]!.lower, bs[i]!.upper); outJ.set(r.lower); outJ.set(r.upper, 10); } },
    ];
    return runCase(
      { kernel: method === 'ibp' ? 'boundsDigitsIbp' : 'boundsDigitsCrown', n, seed, params: { weights: WEIGHTS, radius: RADIUS[n]! } },
      candidates,
      references,
      { 'public API vs plain-TS': ['plainTS', 'public'] },
      ctx.timer,
    );
  });
}

/** IBP on the digits MLP, WASM vs plain TS. */
export const benchBoundsDigitsIbp = (ctx: BenchContext): CaseResult[] => benchDigits(ctx, 'ibp', { 1e3: 7203, 1e5: 7205, 1e6: 7206 });
/** CROWN on the digits MLP, WASM vs plain TS. */
export const benchBoundsDigitsCrown = (ctx: BenchContext): CaseResult[] => benchDigits(ctx, 'crown', { 1e3: 7303, 1e5: 7305, 1e6: 7306 });

/**
 * localLipschitz on the digits MLP with CROWN vs IBP pre-activation bounds. Both outputs are checked
 * as [lower, upper ≥ lower]: the lower bound is the exact norm at the centre (no search), the same for
 * both; the upper bounds differ (IBP's is looser) and are printed in the candidate names.
 */
export function benchLocalLipschitz(ctx: BenchContext): CaseResult[] {
  const net = parseNetwork(SPEC);
  return forEachSize(ctx, { 1e3: 7403, 1e5: 7405, 1e6: 7406 }, ({ n, seed, inputs }) => {
    const bs = boxes(inputs, RADIUS[n]!);
    const run = (boundsMethod: 'ibp' | 'crown', i: number) => localLipschitz(net, bs[i]!, { boundsMethod, samples: 0, searchSteps: 0, patternSteps: 0 });
    const first = { crown: run('crown', 0), ibp: run('ibp', 0) };
    const references = bs.map((_, i) => Float64Array.of(run('crown', i).lower, 1));
    const candidate = (m: 'ibp' | 'crown'): CaseCandidate => {
      const out = new Float64Array(2);
      return {
        key: m,
        name: `localLipschitz, ${m} pre-activation bounds (upper ${first[m].upper.toFixed(1)}, lower ${first[m].lower.toFixed(1)})`,
        ...onJs(out),
        call: (i) => {
          const r = run(m, i);
          out[0] = r.lower;
          out[1] = Number(r.upper >= r.lower);
        },
      };
    };
    return runCase(
      { kernel: 'localLipschitz', n, seed, params: { weights: WEIGHTS, radius: RADIUS[n]! } },
      [candidate('crown'), candidate('ibp')],
      references,
      { 'ibp vs crown pre-activation bounds': ['crown', 'ibp'] },
      ctx.timer,
    );
  });
}
