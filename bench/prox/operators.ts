/**
 * The operator catalogue at n = 1e3 / 1e5 / 1e6 on standard normal data: each operator's public prox
 * (Float64Array in and out, with copies), its zero-copy path (F64Buffer in and out) and a plain-TS
 * reference written from the definition (test/prox/reference-operators.ts; 1-D TV against a plain-TS
 * taut string, test/prox/reference-tv.ts, and against the kernel's own dynamic programming in plain
 * TS). Each case gets at most ~2 s of timing rounds.
 */
import {
  elasticNet,
  huberLoss,
  indBallL1,
  indBallL2,
  indBallLinf,
  indBox,
  indHalfspace,
  indHyperplane,
  indNonnegative,
  indSimplex,
  nmSparsity,
  normL1,
  normL2,
  normL21,
  normLinf,
  sqrNormL2,
  totalVariation1D,
  type ProxOperator,
} from '../../bindings/index.js';
import { projectSimplexLinearRef, softThresholdRef } from '../../test/prox/reference.js';
import {
  blockSoftThresholdRef,
  clampRef,
  clampVectorRef,
  elasticNetRef,
  groupSoftThresholdRef,
  huberRef,
  normLinfRef,
  project24Ref,
  projectHalfspaceRef,
  projectL1BallRef,
  projectL2BallRef,
  scaleRef,
  weightedSoftThresholdRef,
} from '../../test/prox/reference-operators.js';
import { tv1dDpRef, tv1dTautStringRef } from '../../test/prox/reference-tv.js';
import { forEachSize, onJs, onWasm, runCase, type BenchContext, type CaseCandidate, type CaseResult } from '../harness.js';

interface OperatorBench {
  name: string;
  /** The operator for length n. */
  make(n: number): ProxOperator;
  /** The plain-TS reference of prox_{t f} at t = 1. */
  ref(n: number): (v: Float64Array, out: Float64Array<ArrayBuffer>) => ArrayLike<number>;
  /** Parameter vectors of length n the prox reads (weights, bounds, a normal), for the roofline's byte count; default 0. */
  vectors?: number;
}

const det = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
const weights = (n: number) => det(n, (i) => 0.25 + (i % 7) * 0.25);
const plane = (n: number) => det(n, (i) => ((i % 5) - 2) * 0.5 + 0.1);

const OPERATORS: OperatorBench[] = [
  { name: 'normL1', make: () => normL1(1), ref: () => (v, o) => softThresholdRef(v, 1, o) },
  { name: 'normL1 (weighted)', make: (n) => normL1(1, weights(n)), ref: (n) => { const w = weights(n); return (v, o) => weightedSoftThresholdRef(v, w, 1, o); }, vectors: 1 },
  { name: 'normL2', make: () => normL2(100), ref: () => (v, o) => blockSoftThresholdRef(v, 100, o) },
  { name: 'sqrNormL2', make: () => sqrNormL2(0.5), ref: () => (v, o) => scaleRef(v, 1 / 1.5, o) },
  { name: 'elasticNet', make: () => elasticNet(1, 0.5), ref: () => (v, o) => elasticNetRef(v, 1, 0.5, o) },
  { name: 'normLinf', make: (n) => normLinf(n / 4), ref: (n) => (v, o) => normLinfRef(v, n / 4, o) },
  { name: 'normL21 (groups of 8)', make: (n) => normL21(Array.from({ length: n / 8 }, (_, g) => Array.from({ length: 8 }, (_, k) => 8 * g + k)), 2), ref: () => (v, o) => groupSoftThresholdRef(v, 8, 2, o) },
  { name: 'huberLoss', make: () => huberLoss(1), ref: () => (v, o) => huberRef(v, 1, 1, o) },
  { name: 'indBox (scalar)', make: () => indBox(-0.5, 1), ref: () => (v, o) => clampRef(v, -0.5, 1, o) },
  { name: 'indBox (vector)', make: (n) => indBox(weights(n).map((x) => -x), weights(n)), ref: (n) => { const w = weights(n); const l = w.map((x) => -x); return (v, o) => clampVectorRef(v, l, w, o); }, vectors: 2 },
  { name: 'indNonnegative', make: () => indNonnegative(), ref: () => (v, o) => clampRef(v, 0, Infinity, o) },
  { name: 'indSimplex', make: () => indSimplex(1), ref: () => (v, o) => projectSimplexLinearRef(v, 1, o) },
  { name: 'indBallL1', make: (n) => indBallL1(n / 4), ref: (n) => (v, o) => projectL1BallRef(v, n / 4, o) },
  { name: 'indBallL2', make: (n) => indBallL2(Math.sqrt(n) / 2), ref: (n) => (v, o) => projectL2BallRef(v, Math.sqrt(n) / 2, o) },
  { name: 'indBallLinf', make: () => indBallLinf(0.7), ref: () => (v, o) => clampRef(v, -0.7, 0.7, o) },
  { name: 'indHyperplane', make: (n) => indHyperplane(plane(n), 3), ref: (n) => { const a = plane(n); return (v, o) => projectHalfspaceRef(v, a, 3, true, o); }, vectors: 1 },
  { name: 'indHalfspace', make: (n) => indHalfspace(plane(n), -3), ref: (n) => { const a = plane(n); return (v, o) => projectHalfspaceRef(v, a, -3, false, o); }, vectors: 1 },
  { name: 'totalVariation1D', make: () => totalVariation1D(1), ref: (n) => { const lam = new Float64Array(n - 1).fill(1); return (v, o) => tv1dTautStringRef(v, lam, o); } },
  { name: 'totalVariation1D (vs the same DP in TS)', make: () => totalVariation1D(1), ref: () => (v, o) => tv1dDpRef(v, 1, o) },
  { name: 'totalVariation1D (weighted)', make: (n) => totalVariation1D(1, weights(n - 1)), ref: (n) => { const lam = weights(n - 1); return (v, o) => tv1dTautStringRef(v, lam, o); }, vectors: 1 },
  { name: 'nmSparsity (2:4)', make: () => nmSparsity(2, 4), ref: () => (v, o) => project24Ref(v, o) },
];

const SEEDS: Record<number, number> = { 1e3: 3003, 1e5: 3005, 1e6: 3006 };

function benchOperator(spec: OperatorBench, ctx: BenchContext): CaseResult[] {
  const timer = { ...ctx.timer, budgetMs: Math.min(ctx.timer.budgetMs, 2000) };
  return forEachSize(ctx, SEEDS, ({ n, seed, inputs, buf }) => {
    const op = spec.make(n);
    const ref = spec.ref(n);
    const references = inputs.map((v) => ref(v, new Float64Array(n)));
    const bufIns = inputs.map((v) => buf(v));
    const zeroOut = buf(n);
    const publicOut = new Float64Array(n);
    const refOut = new Float64Array(n);
    const candidates: CaseCandidate[] = [
      { key: 'public', name: 'public API, Float64Array (copies)', call: (i) => op.prox(inputs[i]!, 1, publicOut), ...onJs(publicOut) },
      { key: 'zeroCopy', name: 'public API, F64Buffer (zero-copy)', call: (i) => op.prox(bufIns[i]!, 1, zeroOut), ...onWasm(zeroOut) },
      { key: 'plainTS', name: 'plain TS reference', call: (i) => ref(inputs[i]!, refOut), ...onJs(refOut) },
    ];
    return runCase(
      // Roofline: v read and the result written once, plus the parameter vectors read once (the public
      // API's copies of v and of the result are not counted: its share shows what they cost).
      {
        kernel: spec.name, n, seed, params: { t: 1 }, bytesPerElement: 16,
        roof: { bytes: (16 + 8 * (spec.vectors ?? 0)) * n, workingSet: (inputs.length + 1 + (spec.vectors ?? 0)) * 8 * n, pattern: 'triad', keys: ['zeroCopy', 'public'] },
      },
      candidates,
      references,
      { 'public API vs plain-TS': ['plainTS', 'public'], 'zero-copy vs plain-TS': ['plainTS', 'zeroCopy'] },
      timer,
    );
  });
}

/** One bench entry per operator, for bench/index.ts's KERNELS list (`--filter normL1`, `--filter ind`, …). */
export const OPERATOR_BENCHES = OPERATORS.map((spec) => ({
  name: spec.name,
  aliases: ['operators'],
  run: (ctx: BenchContext) => benchOperator(spec, ctx),
}));
