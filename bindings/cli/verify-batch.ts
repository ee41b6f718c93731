/**
 * `proxkit verify-batch`: runs every instance of a VNN-COMP benchmark folder (its instances.csv:
 * rows `onnx,vnnlib,timeout` with paths relative to the csv, gzip-compressed files accepted) and
 * writes the competition's results CSV, one row per instance:
 * `benchmark,onnx,vnnlib,prepare_time,result,run_time` (seconds; result sat / unsat / timeout / unknown / error).
 *
 * A 'sat' is written only when its counterexample passes a second, independent check here: the
 * input lies in the box of the region it names, and a plain forward pass of the network gives
 * outputs that satisfy every row of the clause it names. Otherwise the row says 'unknown'.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ParameterError, evaluateNetwork, init, parseVnnlib, verify, type BoundsNetwork, type VnnlibProperty } from '../index.js';
import { loadOnnx } from '../onnx.js';
import type { CliMethod } from './verify.js';
import { FileError, errnoText, isProxkitError } from './io.js';

/** One row of instances.csv, its paths as written and resolved. */
interface Instance {
  line: number;
  onnx: string;
  vnnlib: string;
  timeout: number;
}

/** One result row, and what the JSON output adds to it. */
export interface BatchRow {
  onnx: string;
  vnnlib: string;
  /** The csv's timeout times --timeout-scale, in seconds. */
  timeout: number;
  result: 'sat' | 'unsat' | 'timeout' | 'unknown' | 'error';
  /** Seconds to read the network (0 when an earlier row read the same file). */
  prepareTime: number;
  /** Seconds to read the property and decide it. */
  runTime: number;
  /** When 'sat': the counterexample, re-checked by a forward pass. */
  counterexample?: { inputs: number[]; outputs: number[] };
  /** When 'error': why. */
  error?: string;
}

export interface VerifyBatchCliOptions {
  timeoutScale: number;
  method: CliMethod;
  /** Absolute path of the results CSV. */
  out: string;
  /** Absolute folder for `<onnx>_<vnnlib>.counterexample` files, or null. */
  counterexamples: string | null;
  json: boolean;
  log(line: string): void;
}

/** Reads `path`, or `path.gz` when only that exists; gzip data (by its magic bytes) is inflated. */
function readMaybeGz(what: string, path: string): Buffer {
  const p = !existsSync(path) && existsSync(`${path}.gz`) ? `${path}.gz` : path;
  let bytes: Buffer;
  try {
    bytes = readFileSync(p);
  } catch (e) {
    throw new ParameterError(`cannot read the ${what} file ${p}: ${errnoText(e)}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (e) {
      throw new ParameterError(`the ${what} file ${p} is not valid gzip data: ${errnoText(e)}`);
    }
  }
  return bytes;
}

/** The rows of instances.csv; a malformed row is a ParameterError naming the file and line. */
export function readInstances(csvPath: string): Instance[] {
  let text: string;
  try {
    text = readFileSync(csvPath, 'utf8');
  } catch (e) {
    throw new FileError(`cannot read the instances file ${csvPath}: ${errnoText(e)}`);
  }
  const rows: Instance[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    const where = `${csvPath} line ${i + 1}`;
    if (cells.length !== 3 || cells[0] === '' || cells[1] === '') throw new ParameterError(`${where}: expected onnx,vnnlib,timeout (got ${JSON.stringify(raw)})`);
    const timeout = Number(cells[2]);
    if (!(timeout > 0 && Number.isFinite(timeout))) throw new ParameterError(`${where}: the timeout must be a number of seconds > 0 (got ${JSON.stringify(cells[2])})`);
    rows.push({ line: i + 1, onnx: cells[0]!, vnnlib: cells[1]!, timeout });
  });
  if (rows.length === 0) throw new ParameterError(`${csvPath} lists no instance (expected rows onnx,vnnlib,timeout)`);
  return rows;
}

/** Whether `inputs` lies in one of the property's regions and the forward pass there satisfies one of its clauses. */
function confirmed(net: BoundsNetwork, p: VnnlibProperty, inputs: Float64Array): Float64Array | null {
  const y = evaluateNetwork(net, inputs);
  const regions = p.regions ?? [{ inputLower: p.inputLower, inputUpper: p.inputUpper, clauses: p.clauses }];
  for (const r of regions) {
    if (!inputs.every((v, i) => v >= r.inputLower[i]! && v <= r.inputUpper[i]!)) continue;
    if (r.clauses.some(({ C, d }) => C.every((row, i) => row.reduce((s, v, j) => s + v * y[j]!, d[i]!) >= 0))) return y;
  }
  return null;
}

const seconds = (ms: number): number => Math.round(ms) / 1000;
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The VNN-COMP counterexample file: the verdict line, then every X_i and Y_j with its value. */
function counterexampleText(inputs: ArrayLike<number>, outputs: ArrayLike<number>): string {
  const pairs = [...Array.from(inputs, (v, i) => `(X_${i} ${v})`), ...Array.from(outputs, (v, j) => `(Y_${j} ${v})`)];
  return `sat\n(${pairs.join('\n ')})\n`;
}

/** Runs every instance of `csvPath` in order and writes the results CSV (see the module notes). */
export async function runVerifyBatchCli(csvPath: string, o: VerifyBatchCliOptions): Promise<BatchRow[]> {
  await init();
  const instances = readInstances(csvPath);
  const root = dirname(resolve(csvPath));
  const benchmark = basename(root);
  const models = new Map<string, BoundsNetwork | Error>();
  const rows: BatchRow[] = [];
  const csv: string[] = [];
  for (const [k, inst] of instances.entries()) {
    const timeout = inst.timeout * o.timeoutScale;
    const row: BatchRow = { onnx: inst.onnx, vnnlib: inst.vnnlib, timeout, result: 'error', prepareTime: 0, runTime: 0 };
    const t0 = performance.now();
    let net = models.get(inst.onnx);
    if (net === undefined) {
      try {
        const bytes = readMaybeGz('model', join(root, inst.onnx));
        net = loadOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (e) {
        if (!isProxkitError(e)) throw e;
        net = new Error(`${inst.onnx}: ${messageOf(e)}`);
      }
      models.set(inst.onnx, net);
      row.prepareTime = seconds(performance.now() - t0);
    }
    const t1 = performance.now();
    if (net instanceof Error) row.error = net.message;
    else {
      try {
        const p = parseVnnlib(readMaybeGz('property', join(root, inst.vnnlib)).toString('utf8'));
        const r = verify(net, p, { timeout, method: o.method });
        row.result = r.verdict;
        if (r.verdict === 'sat') {
          const y = r.counterexample ? confirmed(net, p, r.counterexample.inputs) : null;
          if (y === null) row.result = 'unknown';
          else row.counterexample = { inputs: Array.from(r.counterexample!.inputs), outputs: Array.from(y) };
        }
      } catch (e) {
        if (!isProxkitError(e)) throw e;
        row.error = `${inst.vnnlib}: ${messageOf(e)}`;
      }
    }
    row.runTime = seconds(performance.now() - t1);
    if (row.counterexample && o.counterexamples !== null) {
      const name = `${basename(inst.onnx).replace(/\.onnx(\.gz)?$/, '')}_${basename(inst.vnnlib).replace(/\.vnnlib(\.gz)?$/, '')}.counterexample`;
      writeFileSync(join(o.counterexamples, name), counterexampleText(row.counterexample.inputs, row.counterexample.outputs));
    }
    rows.push(row);
    csv.push([benchmark, inst.onnx, inst.vnnlib, row.prepareTime, row.result, row.runTime].join(','));
    // Written after every instance, so that an interrupted run keeps what it decided.
    writeFileSync(o.out, `${csv.join('\n')}\n`);
    if (!o.json) o.log(`${k + 1}/${instances.length} ${inst.onnx} ${inst.vnnlib}: ${row.result} in ${row.runTime} s${row.error ? ` (${row.error})` : ''}`);
  }
  if (o.json) o.log(JSON.stringify({ benchmark, results: rows }));
  return rows;
}
