/**
 * The bounds family: IBP and CROWN through `computeBounds` (WASM kernels) against the same
 * propagation written in plain TS on Float64Arrays (test/bounds/reference.ts), on seeded ReLU MLPs.
 * Size key → network: 1e3 → 5-50×6-3 (the 6 × 50 MLP with 5 inputs), 1e5 → 100-128-128-10,
 * 1e6 → 784-256-256-10; L∞ box of radius 0.01 around a seeded point. n counts weights.
 */
import { computeBounds, parseNetwork } from '../../bindings/index.js';
import { crownRef, flatten, ibpRef, randomNet } from '../../test/bounds/reference.js';
import { forEachSize, onJs, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

const NETS: Record<number, number[]> = { 1e3: [5, 50, 50, 50, 50, 50, 50, 3], 1e5: [100, 128, 128, 10], 1e6: [784, 256, 256, 10] };
const RADIUS = 0.01;

function benchMethod(ctx: BenchContext, method: 'ibp' | 'crown', seeds: Record<number, number>): CaseResult[] {
  return forEachSize(ctx, seeds, ({ n, seed, inputs }) => {
    const widths = NETS[n]!;
    const spec = randomNet(seed, widths);
    const net = parseNetwork(spec);
    const flat = flatten(spec);
    const d = widths[0]!;
    const k = widths[widths.length - 1]!;
    const boxes = inputs.slice(0, 2).map((v) => ({ lower: v.subarray(0, d).map((x) => x - RADIUS), upper: v.subarray(0, d).map((x) => x + RADIUS) }));
    const ref = method === 'ibp' ? ibpRef : crownRef;
    const references = boxes.map((b) => {
      const r = ref(flat, b.lower, b.upper);
      return Float64Array.from([...r.lower, ...r.upper]);
    });
    const outW = new Float64Array(2 * k);
    const outJ = new Float64Array(2 * k);
    const candidates: CaseCandidate[] = [
      {
        key: 'public', name: `computeBounds ${method} (WASM kernels)`, ...onJs(outW),
        call: (i) => { const r = computeBounds(net, boxes[i]!, { method }); outW.set(r.lower); outW.set(r.upper, k); },
      },
      {
        key: 'plainTS', name: `plain TS ${method} (Float64Array loops)`, ...onJs(outJ),
        call: (i) => { const r = ref(flat, boxes[i]!.lower, boxes[i]!.upper); outJ.set(r.lower); outJ.set(r.upper, k); },
      },
    ];
    const weights = widths.slice(1).reduce((s, m, i) => s + m * widths[i]!, 0);
    return runCase(
      { kernel: method === 'ibp' ? 'boundsIbp' : 'boundsCrown', n, seed, params: { weights, layers: widths.length - 1, radius: RADIUS } },
      candidates,
      references,
      { 'public API vs plain-TS': ['plainTS', 'public'] },
      ctx.timer,
    );
  });
}

/** IBP on the three MLPs. */
export const benchBoundsIbp = (ctx: BenchContext): CaseResult[] => benchMethod(ctx, 'ibp', { 1e3: 7003, 1e5: 7005, 1e6: 7006 });
/** CROWN on the three MLPs. */
export const benchBoundsCrown = (ctx: BenchContext): CaseResult[] => benchMethod(ctx, 'crown', { 1e3: 7103, 1e5: 7105, 1e6: 7106 });
