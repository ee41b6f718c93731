/**
 * `verify`: the VNN-COMP style front door to `verifyVnnlib` — a model (network or JSON spec; ONNX
 * files are read first with `loadOnnx` from 'proxkit/onnx') and a VNNLIB property in, a verdict 'sat' / 'unsat' / 'unknown' / 'timeout' out.
 */
import { ParameterError, parameterError } from '../runtime/errors.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import type { StopState } from '../runtime/stop.js';
import { evaluateNetwork } from './bounds.js';
import { toNetwork, type BoundsNetwork, type NetworkSpec } from './model.js';
import { readVerifyOptions, type VerifyOptions } from './verify.js';
import { parseVnnlib, propertyRegions, readProperty, verifyVnnlib, type VnnlibProperty } from './vnnlib.js';

/** The options of `verifyNetwork` (maxNodes, pgd, signal, …, passed through), with `timeout` for the whole property and every bounding method. */
export interface VerifyModelOptions extends Omit<VerifyOptions, 'method' | 'timeout'> {
  /** Wall-clock budget for the whole property in seconds (default 10); exhausting it gives 'timeout'. */
  timeout?: number;
  /** Bounding method at each branch-and-bound node (default 'crown'). */
  method?: 'ibp' | 'crown' | 'crown-ibp' | 'alpha-crown';
}

/** Result of {@link verify}: a VNN-COMP verdict with its evidence. */
export interface VerifyModelResult {
  /**
   * VNN-COMP verdicts: 'sat' = the unsafe set of the property is reachable (a counterexample is
   * given), 'unsat' = it is not (the property holds), 'timeout' = the time budget ran out first,
   * 'unknown' = the node budget ran out or the search was aborted.
   */
  verdict: 'sat' | 'unsat' | 'unknown' | 'timeout';
  /**
   * Why the search ended (the shared StopState vocabulary): 'converged' when it reached a verdict
   * ('sat', 'unsat', or 'unknown' for a counterexample the exact re-check refused), else 'maxNodes',
   * 'timeout' or 'aborted'.
   */
  stopped: Extract<StopState, 'converged' | 'maxNodes' | 'timeout' | 'aborted'>;
  /** When 'sat': an input in the box and its output, which satisfies every row of clause `clause` (re-checked by a forward pass). */
  counterexample?: {
    /** The input point, inside the property's input box. */
    inputs: Float64Array;
    /** The network's outputs at `inputs` (exact forward pass). */
    outputs: Float64Array;
    /** Index of the unsafe-set clause these outputs satisfy, within the clauses of input region `region`. */
    clause: number;
    /** Index of the input region `inputs` lies in (of the property's `regions`; 0 when it has one box). */
    region: number;
  };
  /** Boxes bounded and milliseconds spent. */
  statistics: {
    /** Boxes (branch-and-bound nodes) bounded. */
    nodes: number;
    /** Wall-clock milliseconds spent. */
    timeMs: number;
    /** The most WebAssembly memory one bounding call held at once, in bytes (capped by `memoryBudget` per backward pass). */
    peakBytes: number;
  };
}

/**
 * Decides a VNNLIB property (text, or the result of `parseVnnlib`) on `model` by input-splitting
 * branch and bound (`verifyVnnlib`: each clause of the unsafe set is proved infeasible with sound
 * bounds or a counterexample is found by PGD / box centres). 'verified' maps to 'unsat' and
 * 'falsified' to 'sat'; the counterexample's output is recomputed here by an exact forward pass and
 * checked against its clause (C·y + d ≥ 0 row by row), else the verdict is 'unknown'. `model` may be
 * a network or its JSON spec; read an ONNX file with `loadOnnx` from 'proxkit/onnx' first (ONNX bytes
 * are refused here, so that this entry does not carry the protobuf runtime). Options: `timeout` seconds for the
 * whole property (default 10), `method` 'ibp' | 'crown' (default) | 'crown-ibp' | 'alpha-crown';
 * the other options of `verifyNetwork` (`maxNodes` per clause, `pgd`, `signal`, …) are passed through.
 */
export function verify(model: BoundsNetwork | NetworkSpec | string, spec: VnnlibProperty | string, options?: VerifyModelOptions): VerifyModelResult {
  const fn = 'verify';
  const o = readOptions(fn, options, optionKeys<VerifyModelOptions>({ method: true, timeout: true, maxNodes: true, signal: true, pgd: true, reluSplitAfter: true, inputSplit: true, beta: true, memoryBudget: true }));
  const timeout = o.timeout ?? 10;
  if (typeof timeout !== 'number' || !(timeout > 0)) throw parameterError(fn, 'options.timeout', 'a number of seconds > 0', timeout);
  const method = o.method ?? 'crown';
  if (!['ibp', 'crown', 'crown-ibp', 'alpha-crown'].includes(method)) throw parameterError(fn, 'options.method', "'ibp', 'crown', 'crown-ibp' or 'alpha-crown'", method);
  if (model instanceof Uint8Array || model instanceof ArrayBuffer) {
    throw new ParameterError(`${fn}: model must be a network or its JSON spec; read ONNX bytes with loadOnnx from 'proxkit/onnx' first (got ${model instanceof Uint8Array ? 'a Uint8Array' : 'an ArrayBuffer'})`);
  }
  const net = toNetwork(fn, model);
  if (typeof spec !== 'string' && (typeof spec !== 'object' || spec === null)) {
    throw new ParameterError(`${fn}: spec must be VNNLIB text or a parsed VnnlibProperty (got ${typeof spec})`);
  }
  // A property built by hand is checked field by field, as parseVnnlib checks the text.
  const p = typeof spec === 'string' ? parseVnnlib(spec) : readProperty(fn, 'spec', spec);
  // The options verifyNetwork reads, checked here so that their errors name verify.
  readVerifyOptions(fn, { ...o, method: method as VerifyOptions['method'], timeout }, net);
  const start = performance.now();
  const deadline = start + timeout * 1000;
  const outer = o.signal;
  // verifyNetwork polls `signal.aborted` between nodes: the deadline for all clauses together.
  const signal = { get aborted() { return outer?.aborted === true || performance.now() > deadline; } } as AbortSignal;
  const r = verifyVnnlib(net, p, { ...o, method: method as VerifyOptions['method'], timeout, signal });
  const statistics = { nodes: r.nodes, timeMs: performance.now() - start, peakBytes: r.peakBytes ?? 0 };
  if (r.verdict === 'verified') return { verdict: 'unsat', stopped: 'converged', statistics };
  if (r.verdict === 'falsified' && r.counterexample && r.clause !== undefined && r.region !== undefined) {
    const inputs = Float64Array.from(r.counterexample.x);
    const outputs = evaluateNetwork(net, inputs);
    const region = propertyRegions(p)[r.region]!;
    const { C, d } = region.clauses[r.clause]!;
    // Re-check by an exact forward pass: the input lies in the region's box and its output satisfies every row of the clause.
    const rows = C.map((c, i) => c.reduce((s, v, j) => s + v * outputs[j]!, d[i]!));
    const inBox = inputs.every((v, i) => v >= region.inputLower[i]! && v <= region.inputUpper[i]!);
    if (rows.every((v) => v >= 0) && inBox) return { verdict: 'sat', stopped: 'converged', counterexample: { inputs, outputs, clause: r.clause, region: r.region }, statistics };
    return { verdict: 'unknown', stopped: 'converged', statistics };
  }
  // verifyNetwork saw one signal for both the caller's abort and the deadline: tell them apart here.
  const stopped = outer?.aborted ? 'aborted' : statistics.timeMs < timeout * 1000 ? 'maxNodes' : 'timeout';
  return { verdict: stopped === 'timeout' ? 'timeout' : 'unknown', stopped, statistics };
}
