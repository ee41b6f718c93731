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
import { ParameterError, init, scale } from '../index.js';
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
  /** Runs the instances as 'bounds.verifyInstance' jobs (a worker pool or the queue; default: in this thread, one after another). */
  executor?: scale.JobExecutor;
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

const seconds = (ms: number): number => Math.round(ms) / 1000;
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The VNN-COMP counterexample file: the verdict line, then every X_i and Y_j with its value. */
function counterexampleText(inputs: ArrayLike<number>, outputs: ArrayLike<number>): string {
  const pairs = [...Array.from(inputs, (v, i) => `(X_${i} ${v})`), ...Array.from(outputs, (v, j) => `(Y_${j} ${v})`)];
  return `sat\n(${pairs.join('\n ')})\n`;
}

/** What an instance's job returns ('bounds.verifyInstance'). */
interface InstanceResult {
  result: BatchRow['result'];
  counterexample?: { inputs: number[]; outputs: number[] };
  error?: string;
  errorIn?: 'model' | 'property';
  prepareTime: number;
  runTime: number;
}

/**
 * Runs every instance of `csvPath` (see the module notes): each is a 'bounds.verifyInstance' job carrying
 * its files' contents, run by `o.executor` (by default one after another in this thread), so that the
 * verdicts are the same wherever the jobs run. The results CSV lists the instances in csv order and is
 * rewritten whenever the next one in that order is decided.
 */
export async function runVerifyBatchCli(csvPath: string, o: VerifyBatchCliOptions): Promise<BatchRow[]> {
  await init();
  const instances = readInstances(csvPath);
  const root = dirname(resolve(csvPath));
  const benchmark = basename(root);
  // each model file is read and encoded once; a file that cannot be read is an error row without a job
  const models = new Map<string, string | Error>();
  const modelOf = (onnx: string): string | Error => {
    let m = models.get(onnx);
    if (m === undefined) {
      try {
        m = readMaybeGz('model', join(root, onnx)).toString('base64');
      } catch (e) {
        if (!isProxkitError(e)) throw e;
        m = new Error(messageOf(e));
      }
      models.set(onnx, m);
    }
    return m;
  };
  const executor = o.executor ?? scale.inProcessExecutor();
  const rows: (BatchRow | undefined)[] = new Array(instances.length);
  let written = 0;
  let finished = 0;
  const csv: string[] = [];
  const record = (k: number, r: InstanceResult): void => {
    const inst = instances[k]!;
    const row: BatchRow = { onnx: inst.onnx, vnnlib: inst.vnnlib, timeout: inst.timeout * o.timeoutScale, result: r.result, prepareTime: r.prepareTime, runTime: r.runTime };
    if (r.counterexample) row.counterexample = r.counterexample;
    if (r.error !== undefined) row.error = `${r.errorIn === 'model' ? inst.onnx : inst.vnnlib}: ${r.error}`;
    if (row.counterexample && o.counterexamples !== null) {
      const name = `${basename(inst.onnx).replace(/\.onnx(\.gz)?$/, '')}_${basename(inst.vnnlib).replace(/\.vnnlib(\.gz)?$/, '')}.counterexample`;
      writeFileSync(join(o.counterexamples, name), counterexampleText(row.counterexample.inputs, row.counterexample.outputs));
    }
    rows[k] = row;
    finished++;
    // Written whenever the csv order can advance, so that an interrupted run keeps what it decided.
    const before = written;
    while (written < rows.length && rows[written]) {
      const w = rows[written]!;
      csv.push([benchmark, w.onnx, w.vnnlib, w.prepareTime, w.result, w.runTime].join(','));
      written++;
    }
    if (written > before) writeFileSync(o.out, `${csv.join('\n')}\n`);
    if (!o.json) o.log(`${finished}/${instances.length} ${inst.onnx} ${inst.vnnlib}: ${row.result} in ${row.runTime} s${row.error ? ` (${row.error})` : ''}`);
  };
  await Promise.all(instances.map(async (inst, k) => {
    const timeout = inst.timeout * o.timeoutScale;
    const model = modelOf(inst.onnx);
    if (model instanceof Error) return record(k, { result: 'error', error: model.message, errorIn: 'model', prepareTime: 0, runTime: 0 });
    let vnnlib: string;
    try {
      vnnlib = readMaybeGz('property', join(root, inst.vnnlib)).toString('utf8');
    } catch (e) {
      if (!isProxkitError(e)) throw e;
      return record(k, { result: 'error', error: messageOf(e), errorIn: 'property', prepareTime: 0, runTime: 0 });
    }
    const [r] = await executor.run([{ command: 'bounds.verifyInstance', args: { onnx: model, vnnlib, timeout, method: o.method }, seed: '0' }]);
    record(k, r as InstanceResult);
  }));
  const done = rows as BatchRow[];
  if (o.json) o.log(JSON.stringify({ benchmark, results: done }));
  return done;
}
