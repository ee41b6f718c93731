/**
 * The policy family's hot loop: one Nash-MP iteration on a dense n × n preference matrix (n = 1000):
 * two mirror steps (each a mat-vec P·v and a log-domain softmax) and the certificate (one more mat-vec,
 * the residual and the exploitability). Candidates, timed interleaved in one process:
 * - WASM: the kernels of assembly/policy on a workspace allocated once (P stays in WASM memory);
 * - plain TS: the same arithmetic over Float64Arrays with Math.exp/Math.log.
 * The iterates of the two are compared (1e-12) before and after timing; "elements/s" is entries of P
 * read per second (3 mat-vecs per iteration).
 */
import { randomPreferenceMatrix } from '../../bindings/index.js';
import { NashWorkspace } from '../../bindings/policy/nash.js';
import { f64View } from '../../bindings/runtime/memory.js';
import { assertClose, measure, type BenchContext, type CandidateResult, type CaseResult } from '../harness.js';

const SEED = 1;
const N = 1000;
const BETA = 0.1;
const ETA = 2;

/** Plain-TS state of one run: log π, π, the half step and scratch. */
function plainState(n: number) {
  const pi = new Float64Array(n).fill(1 / n);
  return { logPi: pi.map((p) => Math.log(p)), pi, logH: new Float64Array(n), piH: new Float64Array(n), g: new Float64Array(n) };
}

function matVec(P: Float64Array, n: number, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += P[row + j]! * v[j]!;
    out[i] = s;
  }
}

function logStep(logX: Float64Array, g: Float64Array, logMu: number, a: number, b: number, c: number, outLog: Float64Array, outP: Float64Array): void {
  const n = logX.length;
  let zmax = -Infinity;
  for (let i = 0; i < n; i++) {
    const z = a * logX[i]! + b * g[i]! + c * logMu;
    outLog[i] = z;
    if (z > zmax) zmax = z;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(outLog[i]! - zmax);
  const lse = zmax + Math.log(sum);
  for (let i = 0; i < n; i++) {
    outLog[i] = outLog[i]! - lse;
    outP[i] = Math.exp(outLog[i]!);
  }
}

/** One Nash-MP iteration and the certificate in plain TS (uniform reference). */
function plainIteration(P: Float64Array, n: number, s: ReturnType<typeof plainState>): number {
  const a = 1 / (1 + ETA * BETA);
  const logMu = -Math.log(n);
  matVec(P, n, s.pi, s.g);
  logStep(s.logPi, s.g, logMu, a, ETA * a, ETA * BETA * a, s.logH, s.piH);
  matVec(P, n, s.piH, s.g);
  logStep(s.logPi, s.g, logMu, a, ETA * a, ETA * BETA * a, s.logPi, s.pi);
  matVec(P, n, s.pi, s.g);
  let zmax = -Infinity;
  for (let i = 0; i < n; i++) zmax = Math.max(zmax, logMu + s.g[i]! / BETA);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logMu + s.g[i]! / BETA - zmax);
  const lse = zmax + Math.log(sum);
  let res = 0;
  for (let i = 0; i < n; i++) res += Math.abs(s.pi[i]! - Math.exp(logMu + s.g[i]! / BETA - lse));
  return res;
}

export function benchNashStep(ctx: BenchContext): CaseResult[] {
  const P = randomPreferenceMatrix(N, { seed: SEED }).data;
  const mu = new Float64Array(N).fill(1 / N);
  const ws = new NashWorkspace('bench nashStep', P, N, mu, mu);
  try {
    const a = 1 / (1 + ETA * BETA);
    const wasmIteration = (): number => {
      ws.step(ws.pLog, ws.pPi, a, ETA * a, ETA * BETA * a, ws.pLogH, ws.pPiH);
      ws.step(ws.pLog, ws.pPiH, a, ETA * a, ETA * BETA * a, ws.pLog, ws.pPi);
      return ws.certificate(BETA)[0];
    };
    const plain = plainState(N);
    // both start at μ and take the same iterations: compare after 5 and after timing (each resynchronised)
    const check = (when: string): void => {
      f64View(ws.x, ws.pPi, N).set(mu);
      f64View(ws.x, ws.pLog, N).set(plain.logPi.fill(-Math.log(N)));
      plain.pi.fill(1 / N);
      for (let k = 0; k < 5; k++) {
        wasmIteration();
        plainIteration(P, N, plain);
      }
      assertClose(`nashStep${when}`, f64View(ws.x, ws.pPi, N), plain.pi, 1e-12);
    };
    check('');
    const names = { wasm: 'Nash-MP iteration (WASM)', plain: 'Nash-MP iteration (plain TS)' };
    const keys = ['wasm', 'plain'] as const;
    const calls = { wasm: wasmIteration, plain: () => plainIteration(P, N, plain) };
    const { rounds, timings } = measure(keys.map((key) => ({ name: names[key], fn: calls[key] })), ctx.timer);
    check(' (after timing)');
    const results: CandidateResult[] = timings.map((t, i) => ({ key: keys[i]!, ...t, elementsPerSec: (3 * N * N) / t.median }));
    const median = (key: string): number => results.find((r) => r.key === key)!.median;
    return [{
      kernel: 'nashStep', n: N, seed: SEED, inputs: 1, params: { beta: BETA, eta: ETA },
      rounds, candidates: results, ratios: { 'plain/wasm': median('plain') / median('wasm') },
    }];
  } finally {
    ws.s.release();
  }
}
