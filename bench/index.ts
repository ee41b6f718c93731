/**
 * `npm run bench [-- --quick] [-- --filter simplex] [-- --json FILE] [-- --no-fail]`: per kernel and
 * size, the median time per call of each path (public API, zero-copy, raw SIMD / scalar kernels,
 * plain-TS references), measured interleaved in one process with fixed sizes and seeds, and the
 * ratios between them. Bundled by scripts/bench.mjs into build/bench-<pid>.mjs.
 *
 * Exit codes: 0 when every measured threshold passes (or with --no-fail), 1 when one FAILs or the
 * bench itself fails (a wrong output, a crash), 2 for a bad command line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { init } from '../bindings/index.js';
import { setRooflineProbes, type BenchContext, type CaseResult, type TimerOptions } from './harness.js';
import { runProbes, type RooflineProbes } from './roofline.js';
import { benchSimplex, benchSimplexDense } from './prox/simplex.js';
import { benchSoftThreshold } from './prox/soft-threshold.js';
import { OPERATOR_BENCHES } from './prox/operators.js';
import { benchFistaLasso } from './prox/algorithms.js';
import { benchIndPsd } from './prox/cones.js';
import { benchCvar, benchProjectCvarSet, benchSplEpoch } from './cvar/cvar.js';
import { benchCvarQpIteration } from './cvar/qp.js';
import { benchCvarQpSolve } from './cvar/qp-scaling.js';
import { benchModeGram, benchSelectCoreShape, benchSymmetricEigen } from './tucker/tucker.js';
import { benchCpAls } from './tucker/cp.js';
import { benchSvd } from './linalg/svd.js';
import { benchBoundsCrown, benchBoundsIbp, benchBoundsCrownIbp, benchBoundsAlphaCrown, benchBoundsConvIbp, benchBoundsConvCrown } from './bounds/bounds.js';
import { benchSinkhorn, benchSinkhornBatch, benchSinkhornCall, benchSinkhornF32 } from './ot/sinkhorn.js';
import { benchSinkhornBatchF32, benchSinkhornBatchLog } from './ot/sinkhorn.js';
import { benchEmd } from './ot/emd.js';
import { benchBoundsDigitsCrown, benchBoundsDigitsIbp, benchLocalLipschitz } from './bounds/lipschitz.js';
import { benchConvolutionalBarycenter, benchConvolutionalBarycenterCall, benchConvolutionalBarycenterF32 } from './ot/convolutional.js';
import { benchSliced } from './ot/sliced.js';
import { benchGwIteration, benchSinkhornLazy } from './ot/geometry.js';
import { benchMatmulF32, benchMatmulF64 } from './nn/matmul.js';
import { benchTrainEpoch } from './nn/train.js';
import { benchSparseEStep } from './sparse/estep.js';
import { benchFft } from './forecast/fft.js';
import { benchNashStep } from './policy/nash.js';
import { benchCausalGram, benchCausalLuSolve, benchCausalMatmul } from './causal/gram.js';
import { benchAlLogistic, benchSketchCount, benchSketchDense } from './constrained/sketch.js';
import { benchFedRound, benchGossipProx } from './federated/federated.js';
import { LM_VARIANTS, benchLm } from './nn/lm.js';
import { benchSaddleAlpd, benchSaddleBaryconvex, benchSaddleBaryconvexKl, benchSaddleImplicitFtrl, benchSaddleInexactAlpd, benchSaddleLpd, benchSaddleLvhba, benchSaddleOnline, benchSaddlePenalty, benchSaddleProxy } from './saddle/saddle.js';

const USAGE = `usage: npm run bench -- [--quick] [--filter TEXT] [--json FILE] [--no-fail] [--cpu-time]
  --quick        short smoke run (fewer rounds, shorter batches)
  --cpu-time     time with the process's CPU time instead of the wall clock (a shared machine:
                 leaves out the time other processes hold the core; not for the worker-pool cases)
  --filter TEXT  only the kernels whose name (or an alias) contains TEXT (softThreshold, projectSimplex);
                 several comma-separated: any of them (simplex,operators)
  --json FILE    also write every number (medians, ratios, n, rounds, cpu, node) to FILE
                 (its folder is created when missing)
  --no-fail      exit with 0 even when a threshold FAILs (exploratory runs); by default a FAIL
                 makes the exit code 1`;

/** A mistake on the command line: exit code 2 (1 is kept for a FAIL or a broken bench). */
class UsageError extends Error {}

interface Args {
  quick: boolean;
  filter: string | null;
  json: string | null;
  /** Whether a FAILed threshold makes the exit code 1 (default); --no-fail turns it off. */
  fail: boolean;
  cpuTime: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, filter: null, json: null, fail: true, cpuTime: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--quick') args.quick = true;
    else if (flag === '--filter') args.filter = value();
    else if (flag === '--json') args.json = value();
    else if (flag === '--no-fail' && inline === undefined) args.fail = false;
    else if (flag === '--cpu-time' && inline === undefined) args.cpuTime = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new UsageError(`unknown argument ${a}\n${USAGE}`);
  }
  return args;
}

const SIZES = [1e3, 1e5, 1e6] as const;

const TIMER: Record<'default' | 'quick', TimerOptions> = {
  default: { minBatchMs: 5, warmupMs: 200, minRounds: 7, maxRounds: 61, budgetMs: 10000 },
  quick: { minBatchMs: 2, warmupMs: 30, minRounds: 3, maxRounds: 7, budgetMs: 600 },
};

const KERNELS: { name: string; aliases: string[]; run: (ctx: BenchContext) => CaseResult[] | Promise<CaseResult[]> }[] = [
  { name: 'softThreshold', aliases: ['soft-threshold'], run: benchSoftThreshold },
  { name: 'projectSimplex', aliases: ['simplex'], run: benchSimplex },
  { name: 'projectSimplexDense', aliases: ['simplex'], run: benchSimplexDense }, // radius n/4: a dense result
  ...OPERATOR_BENCHES, // the prox operator catalogue, one entry per operator (--filter operators)
  { name: 'fistaLasso', aliases: ['fista', 'lasso', 'algorithms'], run: benchFistaLasso }, // n = 1e3: diabetes; 1e5, 1e6: synthetic (see bench/prox/algorithms.ts)
  { name: 'indPsd', aliases: ['psd', 'cones'], run: benchIndPsd }, // orders 64, 128, 256 for n = 1e3, 1e5, 1e6 (plain TS up to 128; see bench/prox/cones.ts)
  { name: 'cvar', aliases: ['cvar-value'], run: benchCvar },
  { name: 'projectCvarSet', aliases: ['cvar-projection'], run: benchProjectCvarSet },
  { name: 'splPlusEpoch', aliases: ['spl', 'cvar-epoch'], run: benchSplEpoch }, // n = 1e3: breast cancer (569 × 30); 1e5, 1e6: synthetic (see bench/cvar/cvar.ts)
  { name: 'cvarQpIteration', aliases: ['cvar', 'cvar-qp', 'admm'], run: benchCvarQpIteration }, // one cvarQp iteration's passes over A and the projection, 50 / 5000 / 50000 scenarios × 20 assets (see bench/cvar/qp.ts)
  { name: 'cvarQpSolve', aliases: ['cvar', 'cvar-qp', 'admm', 'scaling'], run: benchCvarQpSolve }, // a whole cvarQp solve, 50 / 5000 / 50000 scenarios × 20 assets, Cholesky vs CG x-step (see bench/cvar/qp-scaling.ts)
  { name: 'modeGram', aliases: ['tucker', 'gram'], run: benchModeGram }, // n = 1e3: 10³, 1e5: 40×50×50, 1e6: 100³ (see bench/tucker/tucker.ts)
  { name: 'symmetricEigen', aliases: ['tucker', 'eigen', 'linalg'], run: benchSymmetricEigen }, // order 64, 128, 512 for n = 1e3, 1e5, 1e6
  { name: 'selectCoreShape', aliases: ['tucker', 'core-shape', 'dp'], run: benchSelectCoreShape }, // 8×10×12, 20×30×40, 40×50×60 planted rank
  { name: 'cpAlsSweep', aliases: ['tucker', 'cp', 'parafac'], run: benchCpAls }, // one CP-ALS sweep: 10³ rank 5, 40×50×50 rank 10, 100³ rank 10 (see bench/tucker/cp.ts)
  { name: 'svd', aliases: ['linalg', 'jacobi-svd', 'nuclear'], run: benchSvd }, // 64×64, 256×128, 512×256 for n = 1e3, 1e5, 1e6 (plain TS up to 256×128)
  { name: 'boundsIbp', aliases: ['bounds', 'ibp'], run: benchBoundsIbp }, // 5-50×6-3, 100-128-128-10, 784-256-256-10 ReLU MLPs for n = 1e3, 1e5, 1e6 (see bench/bounds/bounds.ts)
  { name: 'boundsCrown', aliases: ['bounds', 'crown'], run: benchBoundsCrown }, // same MLPs
  { name: 'boundsCrownIbp', aliases: ['bounds', 'crown-ibp'], run: benchBoundsCrownIbp }, // same MLPs
  { name: 'boundsAlphaCrown', aliases: ['bounds', 'alpha-crown'], run: benchBoundsAlphaCrown }, // same MLPs, vs CROWN (no plain-TS α-CROWN)
  { name: 'boundsConvResIbp', aliases: ['bounds', 'conv', 'ibp'], run: benchBoundsConvIbp }, // conv + residual net on 1×8×8, 1×12×12, 1×16×16 images vs its dense Toeplitz twin (up to 12×12)
  { name: 'boundsConvResCrown', aliases: ['bounds', 'conv', 'crown'], run: benchBoundsConvCrown }, // same
  { name: 'sinkhorn', aliases: ['ot'], run: benchSinkhorn }, // one f64 iteration at n = m = 256, 1024, 2048 for n = 1e3, 1e5, 1e6 (see bench/ot/sinkhorn.ts)
  { name: 'sinkhornBatch', aliases: ['ot', 'batch'], run: benchSinkhornBatch }, // 10, 100, 1000 problems of n = 32 for n = 1e3, 1e5, 1e6 (see bench/ot/sinkhorn.ts)
  { name: 'sinkhornBatchLog', aliases: ['ot', 'batch', 'log'], run: benchSinkhornBatchLog }, // method 'log' at reg 1e-3, 10, 100, 1000 problems of n = 32, 20 iterations (see bench/ot/sinkhorn.ts)
  { name: 'sinkhornF32', aliases: ['ot', 'f32'], run: benchSinkhornF32 }, // one f32-kernel iteration at n = m = 256, 1024, 2048 (see bench/ot/sinkhorn.ts)
  { name: 'sinkhornBatchF32', aliases: ['ot', 'batch', 'f32'], run: benchSinkhornBatchF32 }, // precision 'f32' batch vs f64 batch vs separate f32 calls: 10, 100 problems of n = 32, 16 of n = 1024 for n = 1e3, 1e5, 1e6 (see bench/ot/sinkhorn.ts)
  { name: 'sinkhornCall', aliases: ['ot', 'f32'], run: benchSinkhornCall }, // a whole 50-iteration sinkhorn call incl. K and the plan, f32 vs f64, n = m = 256, 1024, 2048 (see bench/ot/sinkhorn.ts)
  { name: 'emd', aliases: ['ot', 'exact'], run: benchEmd }, // dense n × n, n = 100, 500, 1000 for n = 1e3, 1e5, 1e6 (see bench/ot/emd.ts)
  { name: 'boundsDigitsIbp', aliases: ['bounds', 'ibp', 'digits', 'lipschitz'], run: benchBoundsDigitsIbp }, // the 64-64-32-10 digits MLP, L∞ radius 0.005 / 0.02 / 0.05 for n = 1e3 / 1e5 / 1e6 (see bench/bounds/lipschitz.ts)
  { name: 'boundsDigitsCrown', aliases: ['bounds', 'crown', 'digits', 'lipschitz'], run: benchBoundsDigitsCrown }, // same
  { name: 'localLipschitz', aliases: ['bounds', 'lipschitz'], run: benchLocalLipschitz }, // same network and radii
  { name: 'convolutionalBarycenter', aliases: ['ot', 'convolutional'], run: benchConvolutionalBarycenter }, // one Bregman iteration, 2 images, 16², 32², 64² grids for n = 1e3, 1e5, 1e6: separable vs dense K (see bench/ot/convolutional.ts)
  { name: 'convolutionalBarycenterF32', aliases: ['ot', 'convolutional', 'f32'], run: benchConvolutionalBarycenterF32 }, // f32 vs f64 separable convolutions: one scaling iteration, 16², 32², 64² grids for n = 1e3, 1e5, 1e6 (see bench/ot/convolutional.ts)
  { name: 'convolutionalBarycenterCall', aliases: ['ot', 'convolutional', 'f32'], run: benchConvolutionalBarycenterCall }, // whole 50-iteration convolutionalBarycenter calls, precision 'f32' vs f64, 16², 32², 64² grids for n = 1e3, 1e5, 1e6 (see bench/ot/convolutional.ts)
  { name: 'slicedWasserstein', aliases: ['ot', 'sliced'], run: benchSliced }, // SW_2, 50 directions, 100 / 1000 / 10000 points in R³ for n = 1e3, 1e5, 1e6 (see bench/ot/sliced.ts)
  { name: 'gwIteration', aliases: ['ot', 'gromov', 'gw'], run: benchGwIteration }, // one GW conditional-gradient iteration, n = 16, 48, 96 points, decomposed vs n²m² definition (see bench/ot/geometry.ts)
  { name: 'sinkhornLazy', aliases: ['ot', 'lazy'], run: benchSinkhornLazy }, // 10 log-domain iterations, n = m = 200, 1000, 2000, lazy cost vs stored cost (see bench/ot/geometry.ts)
  { name: 'nnMatmulF64', aliases: ['nn', 'matmul'], run: benchMatmulF64 }, // square order 256 / 512 / 1024 for n = 1e3 / 1e5 / 1e6, vs plain TS and the f64x2 peak probe (see bench/nn/matmul.ts)
  { name: 'nnMatmulF32', aliases: ['nn', 'matmul'], run: benchMatmulF32 }, // same in f32, vs the f32x4 probe
  { name: 'nnTrainEpoch', aliases: ['nn', 'train', 'digits'], run: benchTrainEpoch }, // one Adam epoch of the 64-64-32-10 digits MLP (1347 rows, batch 32): nn.train vs plain-TS backprop (see bench/nn/train.ts)
  { name: 'sparseEStep', aliases: ['sparse', 'estep'], run: benchSparseEStep }, // one truncated BSC E-step on 1000 bars images (H = 10, H′ = 8, γ = 5: 221 states each): WASM kernels vs plain TS (see bench/sparse/estep.ts)
  { name: 'fft', aliases: ['forecast', 'rfft'], run: benchFft }, // real-input FFT, n = 1024 / 131072 / 1048576 for n = 1e3 / 1e5 / 1e6: raw WASM rfft and complex fft, public rfft, plain-TS radix-2 (see bench/forecast/fft.ts)
  { name: 'fedRound', aliases: ['federated', 'pool', 'scale'], run: benchFedRound }, // one round of 100 clients: sequential vs a 2-thread worker pool (digits 1 epoch / synthetic(1, 1) 2 and 20 epochs for n = 1e3 / 1e5 / 1e6; see bench/federated/federated.ts)
  { name: 'gossipProx', aliases: ['federated', 'gossip', 'decentralized'], run: benchGossipProx }, // gossip + ℓ1 prox on a 16-node ring, n entries in all: WASM kernels vs plain TS (see bench/federated/federated.ts)
  { name: 'nashStep', aliases: ['policy', 'nash'], run: benchNashStep }, // one Nash-MP iteration + certificate on a 1000 × 1000 preference matrix: WASM kernels vs plain TS (see bench/policy/nash.ts)
  // the causal family's bridge-fit kernels, n = 200 / 400 / 800 units for n = 1e3 / 1e5 / 1e6: WASM vs plain TS (see bench/causal/gram.ts)
  { name: 'causalGram', aliases: ['causal', 'gram', 'proximal'], run: benchCausalGram },
  { name: 'causalMatmul', aliases: ['causal', 'matmul', 'proximal'], run: benchCausalMatmul },
  { name: 'causalLuSolve', aliases: ['causal', 'lu', 'proximal'], run: benchCausalLuSolve },
  // the constrained family: sketches S·K at KKT order 100 / 200 / 400 (s = N/4), logistic loss/gradient/Hessian on 569 / 2276 / 9104 × 30: WASM vs plain TS (see bench/constrained/sketch.ts)
  { name: 'sketchDense', aliases: ['constrained', 'sketch'], run: benchSketchDense },
  { name: 'sketchCount', aliases: ['constrained', 'sketch'], run: benchSketchCount },
  { name: 'alLogistic', aliases: ['constrained', 'logistic'], run: benchAlLogistic },
  // the saddle family's solvers, fixed iteration counts, library (callbacks, checks, certificate) vs the same loop in plain TS (see bench/saddle/saddle.ts for the problems per n)
  { name: 'saddleAlpd', aliases: ['saddle', 'alpd', 'primal-dual'], run: benchSaddleAlpd },
  { name: 'saddleLpd', aliases: ['saddle', 'lpd', 'primal-dual'], run: benchSaddleLpd },
  { name: 'saddleInexactAlpd', aliases: ['saddle', 'alpd', 'inexact', 'primal-dual'], run: benchSaddleInexactAlpd },
  { name: 'saddlePenalty', aliases: ['saddle', 'bilevel', 'penalty'], run: benchSaddlePenalty },
  { name: 'saddleLvhba', aliases: ['saddle', 'bilevel', 'lvhba'], run: benchSaddleLvhba },
  { name: 'saddleProxy', aliases: ['saddle', 'proxy'], run: benchSaddleProxy },
  { name: 'saddleOnline', aliases: ['saddle', 'online', 'ftrl'], run: benchSaddleOnline },
  { name: 'saddleImplicitFtrl', aliases: ['saddle', 'online', 'ftrl', 'implicit'], run: benchSaddleImplicitFtrl },
  { name: 'saddleBaryconvex', aliases: ['saddle', 'baryconvex'], run: benchSaddleBaryconvex },
  { name: 'saddleBaryconvexKl', aliases: ['saddle', 'baryconvex', 'kl'], run: benchSaddleBaryconvexKl },
  // the transformer LM per feed-forward variant, width 32 / 64 / 96 for n = 1e3 / 1e5 / 1e6: forward (WASM vs plain TS), trainLm step and sampleLm in tokens/s (see bench/nn/lm.ts)
  ...LM_VARIANTS.map((v) => ({ name: `nnLm-${v}`, aliases: ['nn', 'lm', 'transformer'], run: benchLm(v) })),
];

/**
 * Speed-up thresholds: a FAIL makes the exit code 1 (unless --no-fail); a kernel left out by --filter is
 * a SKIP. Each is read from the kernel's case at n = 1e6, or, with `at`, from the case whose params
 * hold those values (the sinkhorn cases count flops or entries in n). The sinkhorn ones hold the f32
 * path to its purpose at n = 2048, where f32 halves the bytes read from memory.
 */
const THRESHOLDS: { kernel: string; ratio: string; min: number; label: string; at?: Record<string, number> }[] = [
  { kernel: 'projectSimplex', ratio: 'public API vs sort-based', min: 50, label: 'projectSimplex public API ≥ 50× sort-based' },
  { kernel: 'projectSimplex', ratio: 'public API vs plain-TS', min: 1.5, label: 'projectSimplex public API ≥ 1.5× plain-TS linear-time' },
  { kernel: 'softThreshold', ratio: 'public API vs plain-TS', min: 3, label: 'softThreshold public API ≥ 3× plain-TS' },
  { kernel: 'softThreshold', ratio: 'zero-copy vs plain-TS', min: 15, label: 'softThreshold zero-copy ≥ 15× plain-TS' },
  { kernel: 'cvar', ratio: 'public API vs sort-based', min: 5, label: 'cvar public API ≥ 5× sort-based plain TS' },
  { kernel: 'sinkhornF32', ratio: 'WASM f32 vs WASM f64', min: 1.8, at: { n: 2048 }, label: "sinkhorn iteration, precision 'f32' ≥ 1.8× f64 at n = m = 2048" },
  { kernel: 'sinkhornCall', ratio: 'f32 vs f64 (whole call)', min: 1.8, at: { n: 2048 }, label: "sinkhorn whole 50-iteration call, precision 'f32' ≥ 1.8× f64 at n = m = 2048" },
];

function fmtTime(s: number): string {
  if (s >= 1) return `${s.toFixed(3)} s `;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(s >= 0.1 ? 1 : s >= 0.01 ? 2 : 3)} ms`;
  return `${(s * 1e6).toFixed(s >= 1e-4 ? 1 : s >= 1e-5 ? 2 : 3)} µs`;
}

function fmtRate(perSec: number): string {
  // below 1e5/s (tokens of a language model, examples of a training epoch) M/s would print 0.0
  return perSec >= 1e9 ? `${(perSec / 1e9).toFixed(2)} G/s` : perSec >= 1e5 ? `${(perSec / 1e6).toFixed(1)} M/s` : `${(perSec / 1e3).toFixed(2)} k/s`;
}

const fmtRatio = (r: number): string => `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;

function table(c: CaseResult): string {
  const params = Object.entries(c.params).map(([k, v]) => `${k} = ${v}`).join(', ');
  const hasGB = c.candidates.some((r) => r.gbPerSec !== undefined);
  const hasRoof = c.candidates.some((r) => r.roofline !== undefined);
  const header = ['candidate', 'median/call', 'IQR', 'elements/s', ...(hasGB ? ['GB/s'] : []), ...(hasRoof ? ['roofline'] : []), 'calls/batch'];
  const rows = c.candidates.map((r) => [
    r.name,
    fmtTime(r.median),
    `±${(((r.p75 - r.p25) / 2 / r.median) * 100).toFixed(1)} %`,
    fmtRate(r.elementsPerSec),
    ...(hasGB ? [r.gbPerSec!.toFixed(2)] : []),
    ...(hasRoof ? [r.roofline ? `${r.roofline.pct.toFixed(0)} % of ${r.roofline.probe}` : ''] : []),
    String(r.batch),
  ]);
  const width = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const line = (cells: string[]) => '  ' + cells.map((cell, j) => (j === 0 ? cell.padEnd(width[j]!) : cell.padStart(width[j]!))).join('  ');
  const out = [
    `${c.kernel}  n = ${c.n.toLocaleString('en-US')}  (${params}; seed ${c.seed}, ${c.inputs === 1 ? '1 input' : `${c.inputs} inputs cycled`}; ${c.rounds} rounds interleaved)`,
    line(header),
    ...rows.map(line),
    ...(Object.keys(c.ratios).length > 0
      ? ['  ratios (speed-up): ' + Object.entries(c.ratios).map(([k, v]) => `${k} ${fmtRatio(v)}`).join(' · ')]
      : []),
  ];
  return out.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const mode = args.quick ? 'quick' : 'default';
  const timer: TimerOptions = { ...TIMER[mode], clock: args.cpuTime ? 'cpu' : 'wall' };
  const filters = args.filter?.toLowerCase().split(',').filter((f) => f !== '') ?? null;
  const kernels = KERNELS.filter((k) => filters === null || [k.name, ...k.aliases].some((s) => filters.some((f) => s.toLowerCase().includes(f))));
  if (kernels.length === 0) throw new UsageError(`--filter ${args.filter} matches no kernel (${KERNELS.map((k) => k.name).join(', ')})`);
  // The report's folder is made (or refused) now, not after minutes of measuring.
  const jsonFile = args.json === null ? null : resolve(args.json);
  if (jsonFile !== null) {
    try {
      mkdirSync(dirname(jsonFile), { recursive: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'EEXIST' || code === 'ENOTDIR' ? `a component of the path is a file (${code})` : (code ?? (e as Error).message);
      throw new Error(`--json ${args.json}: cannot create the folder ${dirname(jsonFile)}: ${why}`);
    }
  }

  const cpu = cpus()[0]?.model ?? 'unknown';
  console.log(`proxkit ${PROXKIT_VERSION} bench (${mode})`);
  console.log(`CPU: ${cpu} (${cpus().length} logical cores), Node ${process.version} ${process.platform}-${process.arch}`);
  console.log(
    `timer: interleaved round-robin (order rotated per round), batch ≥ ${timer.minBatchMs} ms, ` +
      `${timer.minRounds}–${timer.maxRounds} rounds within ~${timer.budgetMs / 1000} s per case; medians per call` +
      (args.cpuTime ? ' of CPU time' : ''),
  );

  await init();
  // The roofline column's yardsticks, measured in this process with the same timer (bench/roofline.ts).
  const probes: RooflineProbes = runProbes({ ...timer, budgetMs: Math.min(timer.budgetMs, 1500) });
  setRooflineProbes(probes);
  const bw = (r: Record<string, number>): string => Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  console.log(`roofline probes (GB/s): read ${bw(probes.read)}; triad ${bw(probes.triad)}; mul+add peak f64x2 ${probes.peak.f64.toFixed(1)}, f32x4 ${probes.peak.f32.toFixed(1)} GFLOP/s`);
  console.log();
  const gc = (globalThis as { gc?: () => void }).gc;
  const cases: CaseResult[] = [];
  const started = performance.now();
  for (const k of kernels) {
    for (const n of SIZES) {
      gc?.(); // start each case from a collected heap (outside any timed region)
      const [result] = await k.run({ sizes: [n], timer });
      cases.push(result!);
      console.log(table(result!));
      console.log();
    }
  }

  console.log(`Thresholds (at n = 1,000,000 unless they say otherwise; ${args.fail ? 'a FAIL makes the exit code 1; --no-fail for exploratory runs' : '--no-fail: the exit code is 0 regardless'}):`);
  const thresholds = THRESHOLDS.map((t) => {
    const at = t.at;
    const c = cases.find((x) => x.kernel === t.kernel && (at ? Object.entries(at).every(([k, v]) => x.params[k] === v) : x.n === 1e6));
    const value = c?.ratios[t.ratio];
    const status = value === undefined ? 'SKIP' : value >= t.min ? 'PASS' : 'FAIL';
    console.log(`  ${status}  ${t.label}: ${value === undefined ? 'not measured' : `measured ${fmtRatio(value)}`}`);
    return { label: t.label, kernel: t.kernel, n: c?.n ?? null, ratio: t.ratio, min: t.min, value: value ?? null, status };
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n(total ${seconds.toFixed(1)} s)`);

  if (jsonFile !== null) {
    const file = jsonFile;
    const report = {
      proxkit: PROXKIT_VERSION,
      date: new Date().toISOString(),
      cpu,
      logicalCores: cpus().length,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      mode,
      timer,
      units: { median: 'seconds per call', elementsPerSec: 'elements per second', gbPerSec: '1e9 bytes per second (16 bytes/element)', roofline: '% of the roofline time max(bytes / probe bandwidth, flops / probe peak)' },
      roofline: probes,
      cases,
      thresholds,
      totalSeconds: seconds,
    };
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    console.log(`wrote ${file}`);
  }

  const failed = thresholds.filter((t) => t.status === 'FAIL');
  if (failed.length > 0) {
    const what = `${failed.length} threshold${failed.length === 1 ? '' : 's'} FAILED (${failed.map((t) => t.label).join('; ')})`;
    if (args.fail) {
      console.error(`bench: ${what}; exit code 1 (--no-fail for exploratory runs)`);
      process.exitCode = 1;
    } else {
      console.log(`bench: ${what}; exit code 0 (--no-fail)`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
