/** `proxkit verify` and `proxkit bounds`: VNN-COMP style checks of an ONNX model against a VNNLIB property. */
import { readFileSync } from 'node:fs';
import { ParameterError, ShapeError, computeBounds, init, parseNetwork, parseVnnlib, verify, type BoundsNetwork, type VnnlibProperty } from '../index.js';
import { loadOnnx } from '../onnx.js';

export const CLI_METHODS = ['ibp', 'crown', 'crown-ibp', 'alpha-crown'] as const;
export type CliMethod = (typeof CLI_METHODS)[number];

function read(cmd: string, what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ParameterError(`proxkit ${cmd}: cannot read the ${what} file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The model (ONNX, or the JSON network format when the file ends in .json) and the property, checked against each other. */
async function load(cmd: string, modelPath: string, specPath: string): Promise<{ net: BoundsNetwork; property: VnnlibProperty }> {
  await init();
  const bytes = read(cmd, 'model', modelPath);
  const net = /\.json$/i.test(modelPath) ? parseNetwork(bytes.toString('utf8')) : loadOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const property = parseVnnlib(read(cmd, 'property', specPath).toString('utf8'));
  if (property.inputLower.length !== net.input) throw new ShapeError(`proxkit ${cmd}: the property declares ${property.inputLower.length} inputs X_i but the model has ${net.input}`);
  if (property.outputs !== net.output) throw new ShapeError(`proxkit ${cmd}: the property declares ${property.outputs} outputs Y_j but the model has ${net.output}`);
  return { net, property };
}

export interface VerifyCliOptions {
  timeout: number;
  method: CliMethod;
  json: boolean;
  log(line: string): void;
}

/** Prints one verdict line (sat / unsat / unknown / timeout), or with `json` one JSON object. */
export async function runVerifyCli(modelPath: string, specPath: string, o: VerifyCliOptions): Promise<void> {
  const { net, property } = await load('verify', modelPath, specPath);
  const r = verify(net, property, { timeout: o.timeout, method: o.method });
  if (!o.json) {
    o.log(r.verdict);
    return;
  }
  const counterexample = r.counterexample ? { inputs: Array.from(r.counterexample.inputs), outputs: Array.from(r.counterexample.outputs) } : null;
  o.log(JSON.stringify({ verdict: r.verdict, counterexample, statistics: { nodes: r.statistics.nodes, timeMs: Math.round(r.statistics.timeMs * 1000) / 1000 } }));
}

export interface BoundsCliOptions {
  json: boolean;
  log(line: string): void;
}

/** Per-output lower/upper bounds over the property's input box for every method, as a table (or JSON). */
export async function runBoundsCli(modelPath: string, specPath: string, o: BoundsCliOptions): Promise<void> {
  const { net, property } = await load('bounds', modelPath, specPath);
  const region = { lower: property.inputLower, upper: property.inputUpper };
  const results = CLI_METHODS.map((method) => ({ method, ...computeBounds(net, region, { method }) }));
  if (o.json) {
    o.log(JSON.stringify(Object.fromEntries(results.map((r) => [r.method, { lower: Array.from(r.lower), upper: Array.from(r.upper) }]))));
    return;
  }
  const fmt = (v: number): string => (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential(4) : v.toFixed(6));
  const width = 25;
  o.log(['output'.padEnd(8), ...results.map((r) => r.method.padStart(width))].join(''));
  for (let j = 0; j < net.output; j++) {
    o.log([`Y_${j}`.padEnd(8), ...results.map((r) => `[${fmt(r.lower[j]!)}, ${fmt(r.upper[j]!)}]`.padStart(width))].join(''));
  }
}
