/**
 * The commands a job may name, as a table from name to function (JSON-safe arguments and seed in,
 * JSON-safe result out). The table is built from the library functions passed in, so that the worker
 * entry can build it from the package entry it loads (one module instance per thread) and the
 * in-process executor from the families imported here.
 */
import type * as Federated from '../federated/index.js';
import type { minimizeCvar as MinimizeCvar, CvarMethod } from '../cvar/index.js';
import type { evaluateNetwork as EvaluateNetwork, parseVnnlib as ParseVnnlib, verify as Verify, BoundsNetwork, VnnlibProperty, VerifyModelOptions } from '../bounds/index.js';
import { parameterError } from '../runtime/errors.js';
import type { Job } from './types.js';

/** A job's function: arguments and the seed (a decimal string) in, a JSON-safe result (or its promise) out. */
export type Command = (args: unknown, seed: string) => unknown;

/** The library functions the commands call (from the package entry in a worker, from the families in process). */
export interface CommandLib {
  federated: typeof Federated;
  minimizeCvar: typeof MinimizeCvar;
  verify: typeof Verify;
  evaluateNetwork: typeof EvaluateNetwork;
  parseVnnlib: typeof ParseVnnlib;
  /** The ONNX reader, loaded on first use (the package's separate `onnx` entry). */
  loadOnnx(): Promise<(bytes: Uint8Array) => BoundsNetwork>;
}

/** Arguments of the 'cvar.minimize' command: one run of minimizeCvar; the job's seed is the run's. */
export interface CvarRunArgs {
  X: { data: number[]; rows: number; cols: number };
  y: number[];
  loss: 'squared' | 'logistic' | 'absolute';
  beta: number;
  method: CvarMethod;
  stepSize: number;
  schedule: 'constant' | 'sqrt';
  /** What the run returns (minimizeCvar's option; the sweep always sets it). */
  averaging?: 'none' | 'all' | 'tail';
  epochs: number;
}

/** A bounding method of verify. */
export type VerifyMethod = NonNullable<VerifyModelOptions['method']>;
const VERIFY_METHODS: readonly string[] = ['ibp', 'crown', 'crown-ibp', 'alpha-crown'] satisfies VerifyMethod[];

/**
 * Whether `e` is a ProxkitError of any copy of the library (a worker's bundled errors module and the
 * package entry each have their own class, so instanceof alone would miss one of them).
 */
export function isLibraryError(e: unknown): e is Error {
  for (let p = e !== null && typeof e === 'object' ? Object.getPrototypeOf(e) : null; p; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'ProxkitError') return true;
  }
  return false;
}

/** Arguments of the 'bounds.verifyInstance' command: one VNN-COMP instance, carried as its files' contents. */
export interface VerifyInstanceArgs {
  /** The ONNX model's bytes, base64. */
  onnx: string;
  /** The VNNLIB property's text. */
  vnnlib: string;
  /** Seconds. */
  timeout: number;
  /** Bounding method of the branch and bound. */
  method: VerifyMethod;
}

/** What 'bounds.verifyInstance' returns: the verdict, a re-checked counterexample, or the input error. */
export interface VerifyInstanceResult {
  result: 'sat' | 'unsat' | 'timeout' | 'unknown' | 'error';
  counterexample?: { inputs: number[]; outputs: number[] };
  error?: string;
  /** When 'error': which file was refused. */
  errorIn?: 'model' | 'property';
  /** Seconds to read the model where it ran (0 when that worker had read it already; not part of the verdict). */
  prepareTime: number;
  /** Seconds to read the property and decide it (not part of the verdict). */
  runTime: number;
}

/** Whether `inputs` lies in one of the property's regions and the forward pass there satisfies one of its clauses; the outputs then. */
export function confirmCounterexample(evaluate: typeof EvaluateNetwork, net: BoundsNetwork, p: VnnlibProperty, inputs: Float64Array): Float64Array | null {
  const y = evaluate(net, inputs);
  const regions = p.regions ?? [{ inputLower: p.inputLower, inputUpper: p.inputUpper, clauses: p.clauses }];
  for (const r of regions) {
    if (!inputs.every((v, i) => v >= r.inputLower[i]! && v <= r.inputUpper[i]!)) continue;
    if (r.clauses.some(({ C, d }) => C.every((row, i) => row.reduce((s, v, j) => s + v * y[j]!, d[i]!) >= 0))) return y;
  }
  return null;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * One instance decided as `proxkit verify-batch` decides it: a 'sat' stands only when its counterexample
 * passes the forward-pass check, and a model or property the library refuses (a ProxkitError) is an
 * 'error' row with the message; any other exception propagates.
 */
export function decideInstance(lib: Pick<CommandLib, 'verify' | 'evaluateNetwork' | 'parseVnnlib'>, net: BoundsNetwork, vnnlib: string, timeout: number, method: VerifyInstanceArgs['method']): Omit<VerifyInstanceResult, 'prepareTime' | 'runTime'> {
  try {
    const p = lib.parseVnnlib(vnnlib);
    const r = lib.verify(net, p, { timeout, method });
    if (r.verdict !== 'sat') return { result: r.verdict };
    const y = r.counterexample ? confirmCounterexample(lib.evaluateNetwork, net, p, r.counterexample.inputs) : null;
    return y === null ? { result: 'unknown' } : { result: 'sat', counterexample: { inputs: Array.from(r.counterexample!.inputs), outputs: Array.from(y) } };
  } catch (e) {
    if (!isLibraryError(e)) throw e;
    return { result: 'error', error: messageOf(e), errorIn: 'property' };
  }
}

function plainObject(fn: string, args: unknown): Record<string, unknown> {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) throw parameterError(fn, 'job.args', 'an object', args);
  return args as Record<string, unknown>;
}

function decimalSeed(fn: string, seed: string): number {
  const n = /^\d+$/.test(seed) ? Number(seed) : NaN;
  if (!Number.isSafeInteger(n)) throw parameterError(fn, 'job.seed', 'a decimal integer string', seed);
  return n;
}

function base64Bytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The registered commands over the given library functions. */
export function commandTable(lib: CommandLib): Readonly<Record<string, Command>> {
  // a worker keeps the networks it has read, keyed by the model's bytes (instances share models)
  const nets = new Map<string, BoundsNetwork | Error>();
  return {
    'federated.clientUpdate': (args, seed) => lib.federated.clientUpdate(args as Federated.ClientUpdateArgs, seed),
    'cvar.minimize': (args, seed) => {
      const a = plainObject('cvar.minimize', args) as unknown as CvarRunArgs;
      // minimizeCvar checks every argument itself (typed errors); the objective crosses as null when it is not finite (JSON has no Infinity)
      const { objective } = lib.minimizeCvar({ X: a.X, y: a.y, loss: a.loss, beta: a.beta, method: a.method, stepSize: a.stepSize, schedule: a.schedule, averaging: a.averaging, epochs: a.epochs, seed: decimalSeed('cvar.minimize', seed) });
      return { objective: Number.isFinite(objective) ? objective : null };
    },
    'bounds.verifyInstance': async (args) => {
      const fn = 'bounds.verifyInstance';
      const a = plainObject(fn, args);
      if (typeof a.onnx !== 'string') throw parameterError(fn, 'job.args.onnx', 'the model bytes as a base64 string', a.onnx);
      if (typeof a.vnnlib !== 'string') throw parameterError(fn, 'job.args.vnnlib', 'the property text', a.vnnlib);
      if (!(typeof a.timeout === 'number' && a.timeout > 0 && Number.isFinite(a.timeout))) throw parameterError(fn, 'job.args.timeout', 'seconds > 0', a.timeout);
      if (typeof a.method !== 'string' || !VERIFY_METHODS.includes(a.method)) throw parameterError(fn, 'job.args.method', `one of ${VERIFY_METHODS.join(', ')}`, a.method);
      const t0 = performance.now();
      let net = nets.get(a.onnx);
      if (net === undefined) {
        const loadOnnx = await lib.loadOnnx();
        try {
          net = loadOnnx(base64Bytes(a.onnx));
        } catch (e) {
          if (!isLibraryError(e)) throw e;
          net = new Error(messageOf(e));
        }
        nets.set(a.onnx, net);
      }
      const t1 = performance.now();
      const out = net instanceof Error ? { result: 'error' as const, error: net.message, errorIn: 'model' as const } : decideInstance(lib, net, a.vnnlib, a.timeout, a.method as VerifyMethod);
      return { ...out, prepareTime: Math.round(t1 - t0) / 1000, runTime: Math.round(performance.now() - t1) / 1000 };
    },
  };
}

/** Runs one job through a command table (the in-process executor and the worker entry). */
export function runCommand(commands: Readonly<Record<string, Command>>, job: Job): unknown {
  const f = Object.prototype.hasOwnProperty.call(commands, job.command) ? commands[job.command] : undefined;
  if (!f) throw parameterError('runJob', 'job.command', `a registered command (${Object.keys(commands).join(', ')})`, job.command);
  return f(job.args, job.seed);
}
