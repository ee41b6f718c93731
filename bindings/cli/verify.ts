/**
 * `proxkit verify` and `proxkit bounds`: VNN-COMP style checks of an ONNX model against a VNNLIB property.
 * A file that cannot be used is a ParameterError whose message names the file and what it looks like.
 */
import { readFileSync } from 'node:fs';
import { ParameterError, ShapeError, computeBounds, init, parseNetwork, parseVnnlib, verify, type BoundsNetwork, type VnnlibProperty } from '../index.js';
import { loadOnnx } from '../onnx.js';
import { errnoText, isProxkitError } from './io.js';

export const CLI_METHODS = ['ibp', 'crown', 'crown-ibp', 'alpha-crown'] as const;
export type CliMethod = (typeof CLI_METHODS)[number];

/** A file given in the wrong place gets a message that says what it looks like instead. */
type FileKind = 'binary' | 'empty' | 'vnnlib' | 'json' | 'text';

function sniff(bytes: Uint8Array): FileKind {
  if (bytes.length === 0) return 'empty';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'binary';
  }
  // Protobuf (ONNX) is full of bytes below 0x20 (field tags, lengths) and of raw floats that are not UTF-8.
  if (/[\x00-\x08\x0e-\x1f]/.test(text)) return 'binary';
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) return 'json';
  if (start.startsWith('(') || start.startsWith(';')) return 'vnnlib';
  return 'text';
}

function read(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ParameterError(`cannot read the ${what} file ${path}: ${errnoText(e)}`);
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The network: ONNX, or the JSON network format when the name ends in .json. Errors name the file and what it looks like. */
function loadModel(path: string): BoundsNetwork {
  const bytes = read('model', path);
  const kind = sniff(bytes);
  if (kind === 'empty') throw new ParameterError(`the model file ${path} is empty`);
  const asJson = /\.json$/i.test(path);
  try {
    return asJson ? parseNetwork(bytes.toString('utf8')) : loadOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    if (!isProxkitError(e)) throw e;
    const order = '(the arguments are <model> <spec>)';
    if (kind === 'vnnlib') throw new ParameterError(`the model file ${path} looks like a VNNLIB property, not a network ${order}`);
    if (asJson) {
      if (kind === 'binary') throw new ParameterError(`the model file ${path} is a binary file, not the JSON network format (an ONNX model needs a name that does not end in .json): ${messageOf(e)}`);
      throw new ParameterError(`the model file ${path} is not a valid JSON network: ${messageOf(e)}`);
    }
    if (kind === 'json') throw new ParameterError(`the model file ${path} looks like the JSON network format, not ONNX: give it a name ending in .json`);
    if (kind === 'text') throw new ParameterError(`the model file ${path} is a text file, not an ONNX model (ONNX is binary protobuf)`);
    throw new ParameterError(`the model file ${path} is not a valid ONNX model: ${messageOf(e)}`);
  }
}

/** The property, parsed from a text file; a binary or empty file is refused with a message that says so. */
function loadProperty(path: string): VnnlibProperty {
  const bytes = read('property', path);
  const kind = sniff(bytes);
  if (kind === 'empty') throw new ParameterError(`the property file ${path} is empty`);
  if (kind === 'binary') throw new ParameterError(`the property file ${path} is a binary file, not a VNNLIB property (text) (the arguments are <model> <spec>)`);
  try {
    return parseVnnlib(bytes.toString('utf8'));
  } catch (e) {
    if (!isProxkitError(e)) throw e;
    throw new ParameterError(`the property file ${path} is not a valid VNNLIB property: ${messageOf(e)}`);
  }
}

/** The model and the property, checked against each other. */
async function load(modelPath: string, specPath: string): Promise<{ net: BoundsNetwork; property: VnnlibProperty }> {
  await init();
  const net = loadModel(modelPath);
  const property = loadProperty(specPath);
  if (property.inputLower.length !== net.input) throw new ShapeError(`the property ${specPath} declares ${property.inputLower.length} inputs X_i but the model ${modelPath} has ${net.input}`);
  if (property.outputs !== net.output) throw new ShapeError(`the property ${specPath} declares ${property.outputs} outputs Y_j but the model ${modelPath} has ${net.output}`);
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
  const { net, property } = await load(modelPath, specPath);
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
  const { net, property } = await load(modelPath, specPath);
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
