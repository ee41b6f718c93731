/**
 * ONNX import and export for the bounds family, on the ONNX protobuf schema of `onnx-proto`
 * (protobufjs). `loadOnnx` converts an ONNX graph into the JSON network format (`NetworkSpec`, see
 * model.ts) and validates it with `parseNetwork`; `exportOnnx` writes a network as an opset-13 model.
 *
 * Conversion rules (batch dimension 1; every value is the flattened row-major vector of its shape):
 * - Gemm → linear with W = α·op(B)ᵀ, b = β·C (op = transpose when transB; transA on a [n, 1] input);
 *   MatMul by a constant → linear (x·B with B [in, out], or A·x; block-diagonal over leading rows);
 *   an Add/Sub of a constant that follows a linear / affine / conv2d layer used nowhere else is
 *   folded into its bias / shift.
 * - Conv (group 1, pads, strides, dilations, auto_pad NOTSET / VALID / SAME_UPPER / SAME_LOWER) → conv2d;
 *   AveragePool (no padding or count_include_pad = 1) and GlobalAveragePool → conv2d with weights 1/(kh·kw).
 * - Relu, LeakyRelu, Sigmoid, Tanh, Softplus, Softsign, Elu, Erf, Gelu (exact form) → the activations; Add/Sub/Mul of two computed values →
 *   add / sub / mul; MatMul of two computed matrices → 0/1 gathers of every product's factors, a mul, a 0/1 sum.
 * - Add/Sub/Mul/Div by a constant (numpy broadcasting) and BatchNormalization (inference form
 *   y = γ(x − μ)/√(σ² + ε) + β, per channel) → affine (element-wise scale and shift).
 * - Flatten, Reshape, Identity, Squeeze, Unsqueeze, Dropout, Cast to FLOAT/DOUBLE: no layer (the
 *   flattened vector is unchanged; the JSON format's 'identity' is only emitted when needed);
 *   Transpose: no layer when it only moves size-1 axes, else an exact permutation (a linear layer);
 *   Neg → affine with scale −1.
 * - Constant nodes, and Shape / Gather / Concat / Cast / Transpose / arithmetic on constants, are
 *   folded (the PyTorch `x.view(x.size(0), -1)` pattern Shape → Gather → Unsqueeze → Concat → Reshape).
 * - Ops rewritten into exact graphs of the layers above, so that every bounding method applies unchanged:
 *   grouped / depthwise Conv → conv2d with weights 0 across groups; MaxPool → one conv2d per window
 *   position (a one-hot kernel gathers it), then max(a, b) = a + relu(b − a) pairwise (padding only on a
 *   Relu's output, where zero padding and ONNX's −∞ agree); Clip → a + relu(x − a) − relu(x − b);
 *   PRelu → leaky-relu for one slope in [0, 1], else s·x + (1 − s)·relu(x); zero Pad of H and W → a 1×1
 *   identity conv2d with that padding; other Pad modes, Slice, Split and Concat of computed values → 0/1
 *   linear layers (constants in the bias; Concat sums one embedding per input); ReduceMean / ReduceSum
 *   and ConvTranspose → their dense matrices. FLOAT16 / BFLOAT16 initializers are widened.
 * - Old IR-3 graphs that list initializers among the graph inputs: the network input is the one graph
 *   input that is not an initializer. Nodes that the graph output does not depend on are ignored.
 */
import onnxProto from 'onnx-proto';
import { ParameterError, describe, parameterError } from '../runtime/errors.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { parseNetwork, toNetwork, type BoundsNetwork, type ConvGeometry, type NetworkSpec } from './model.js';

const { onnx } = onnxProto;
type IModel = import('onnx-proto').onnx.IModelProto;
type INode = import('onnx-proto').onnx.INodeProto;
type ITensor = import('onnx-proto').onnx.ITensorProto;
type IAttr = import('onnx-proto').onnx.IAttributeProto;
type IGraph = import('onnx-proto').onnx.IGraphProto;
type IValueInfo = import('onnx-proto').onnx.IValueInfoProto;

/** Why an ONNX model was rejected. */
export type OnnxErrorReason = 'malformed' | 'unsupported' | 'shape';

/**
 * A model `loadOnnx` cannot read: bytes that are not an ONNX ModelProto or a graph without a usable
 * input/output ('malformed'), an operator or attribute outside the supported subset ('unsupported'),
 * or tensor shapes that do not fit together ('shape'). `node` and `opType` name the node when there is one.
 */
export class OnnxError extends ParameterError {
  /** Why the model was refused: 'malformed', 'unsupported' or 'shape' (see the class description). */
  readonly reason: OnnxErrorReason;
  /** Name of the offending graph node, when the error concerns one. */
  readonly node?: string;
  /** Operator type of the offending node (e.g. 'MaxPool'), when the error concerns one. */
  readonly opType?: string;
  constructor(reason: OnnxErrorReason, message: string, node?: { name: string; opType: string }) {
    super(`loadOnnx: ${node ? `node "${node.name}" (${node.opType}): ` : ''}${message}`);
    this.reason = reason;
    if (node) {
      this.node = node.name;
      this.opType = node.opType;
    }
  }
}

/** Operators `loadOnnx` converts (default domain). */
export const ONNX_OPS: readonly string[] = [
  'Gemm', 'MatMul', 'Conv', 'AveragePool', 'GlobalAveragePool', 'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Add', 'Sub', 'Mul', 'Div', 'BatchNormalization',
  'Flatten', 'Reshape', 'Identity', 'Squeeze', 'Unsqueeze', 'Dropout', 'Transpose', 'Neg', 'Constant', 'Shape', 'Gather', 'Concat', 'Cast',
  'Slice', 'Split', 'Pad', 'Clip', 'PRelu', 'MaxPool', 'ReduceMean', 'ReduceSum', 'ConvTranspose', 'Softplus', 'Softsign', 'Elu', 'Erf', 'Gelu',
];

// ------------------------------------------------------------------------------------------------
// Reading tensors and attributes

/** int64 fields arrive as numbers or as Long objects (when the `long` package is present). */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'object' && v !== null && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

const FLOAT = 1, INT32 = 6, INT64 = 7, DOUBLE = 11, FLOAT16 = 10, BFLOAT16 = 16;
const DTYPE_NAMES: Record<number, string> = { 0: 'UNDEFINED', 1: 'FLOAT', 6: 'INT32', 7: 'INT64', 11: 'DOUBLE', 2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 8: 'STRING', 9: 'BOOL', 10: 'FLOAT16', 12: 'UINT32', 13: 'UINT64', 14: 'COMPLEX64', 15: 'COMPLEX128', 16: 'BFLOAT16' };

/** A constant tensor: dims (no batch convention) and its values as doubles (row-major). */
interface Const {
  kind: 'const';
  dims: number[];
  data: Float64Array;
}
/** A computed value: the layer producing it (-1: the network input) and its full ONNX dims. */
interface Val {
  kind: 'val';
  ref: number;
  dims: number[];
}
type Entry = Const | Val;

const prod = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);

/** IEEE 754 binary16 bits → number (subnormals, infinities and NaN included). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return sign * f * 2 ** -24;
  if (e === 31) return f === 0 ? sign * Infinity : NaN;
  return sign * (1 + f / 1024) * 2 ** (e - 15);
}

/** bfloat16 bits → number: the upper half of a float32. */
function bfloat16ToNumber(h: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setUint32(0, h << 16 >>> 0);
  return v.getFloat32(0);
}

function tensorValues(t: ITensor, what: string): Const {
  const dims = (t.dims ?? []).map(num);
  const n = prod(dims);
  const type = t.dataType ?? 0;
  if (t.dataLocation === 1) throw new OnnxError('unsupported', `${what}: tensors with external data are not supported`);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  let data: Float64Array;
  if (type === FLOAT16 || type === BFLOAT16) {
    // 16-bit floats: two little-endian bytes each in raw_data, or one per int32_data entry (ONNX stores their bits there).
    const half = type === FLOAT16 ? halfToNumber : bfloat16ToNumber;
    if (raw) {
      if (raw.byteLength !== 2 * n) throw new OnnxError('malformed', `${what}: raw_data must hold ${n} values of 2 bytes for dims [${dims.join(', ')}] (got ${raw.byteLength} bytes)`);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      data = Float64Array.from({ length: n }, (_, i) => half(view.getUint16(2 * i, true)));
    } else {
      const bits = t.int32Data ?? [];
      if (bits.length !== n) throw new OnnxError('malformed', `${what}: must hold ${n} values for dims [${dims.join(', ')}] (got ${bits.length})`);
      data = Float64Array.from(bits, (b) => half(num(b) & 0xffff));
    }
    return { kind: 'const', dims, data };
  }
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = type === FLOAT || type === INT32 ? 4 : type === DOUBLE || type === INT64 ? 8 : 0;
    if (width === 0) throw new OnnxError('unsupported', `${what}: data type ${DTYPE_NAMES[type] ?? type} is not supported (FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT32, INT64 are)`);
    if (raw.byteLength !== n * width) throw new OnnxError('malformed', `${what}: raw_data must hold ${n} values of ${width} bytes for dims [${dims.join(', ')}] (got ${raw.byteLength} bytes)`);
    data = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * width;
      data[i] = type === FLOAT ? view.getFloat32(o, true) : type === DOUBLE ? view.getFloat64(o, true) : type === INT32 ? view.getInt32(o, true) : Number(view.getBigInt64(o, true));
    }
  } else {
    const field = type === FLOAT ? t.floatData : type === DOUBLE ? t.doubleData : type === INT64 ? t.int64Data : type === INT32 ? t.int32Data : undefined;
    if (field === undefined) throw new OnnxError('unsupported', `${what}: data type ${DTYPE_NAMES[type] ?? type} is not supported (FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT32, INT64 are)`);
    data = Float64Array.from(field ?? [], num);
    if (data.length !== n) throw new OnnxError('malformed', `${what}: must hold ${n} values for dims [${dims.join(', ')}] (got ${data.length})`);
  }
  return { kind: 'const', dims, data };
}

function attr(node: INode, name: string): IAttr | undefined {
  return node.attribute?.find((a) => a.name === name);
}
function attrInt(node: INode, name: string, def: number): number {
  const a = attr(node, name);
  return a ? num(a.i ?? 0) : def;
}
function attrFloat(node: INode, name: string, def: number): number {
  const a = attr(node, name);
  return a ? (a.f ?? 0) : def;
}
function attrInts(node: INode, name: string): number[] | undefined {
  const a = attr(node, name);
  return a ? (a.ints ?? []).map(num) : undefined;
}
function attrString(node: INode, name: string, def: string): string {
  const a = attr(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : def;
}

/** Numpy broadcasting of a constant to `dims` (the constant may not enlarge them): the expanded flat vector. */
function broadcastTo(c: Const, dims: readonly number[], fail: (msg: string) => never): Float64Array {
  const r = dims.length;
  if (c.dims.length > r) fail(`constant of shape [${c.dims.join(', ')}] does not broadcast to [${dims.join(', ')}]`);
  const cd = [...new Array<number>(r - c.dims.length).fill(1), ...c.dims];
  cd.forEach((d, i) => {
    if (d !== 1 && d !== dims[i]) fail(`constant of shape [${c.dims.join(', ')}] does not broadcast to [${dims.join(', ')}]`);
  });
  const n = prod(dims);
  const out = new Float64Array(n);
  // Strides of the constant (0 on broadcast axes).
  const cs = new Array<number>(r).fill(0);
  for (let i = r - 1, s = 1; i >= 0; i--) {
    cs[i] = cd[i] === 1 ? 0 : s;
    s *= cd[i]!;
  }
  for (let k = 0; k < n; k++) {
    let rem = k;
    let off = 0;
    for (let i = r - 1; i >= 0; i--) {
      const d = dims[i]!;
      off += (rem % d) * cs[i]!;
      rem = Math.floor(rem / d);
    }
    out[k] = c.data[off]!;
  }
  return out;
}

/** For a transpose of a `dims` tensor by `perm`: the flat source index of every output element. */
function transposeSource(dims: readonly number[], perm: readonly number[]): number[] {
  const r = dims.length;
  const out = perm.map((p) => dims[p]!);
  const stride = new Array<number>(r);
  for (let i = r - 1, s = 1; i >= 0; i--) {
    stride[i] = s;
    s *= dims[i]!;
  }
  return Array.from({ length: prod(dims) }, (_, k) => {
    let rem = k;
    let off = 0;
    for (let i = r - 1; i >= 0; i--) {
      off += (rem % out[i]!) * stride[perm[i]!]!;
      rem = Math.floor(rem / out[i]!);
    }
    return off;
  });
}

/** The broadcast shape of two shapes (numpy rules) or null. */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(Math.max(x, y));
  }
  return out;
}

/** Calls f(multi-index, flat index) for every element of a row-major tensor of shape `dims`. */
function forEachIndex(dims: readonly number[], f: (idx: number[], flat: number) => void): void {
  const n = prod(dims);
  const idx = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(idx, flat);
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
}

/** The row-major flat index of a multi-index. */
function flatIndex(dims: readonly number[], idx: readonly number[]): number {
  let k = 0;
  for (let a = 0; a < dims.length; a++) k = k * dims[a]! + idx[a]!;
  return k;
}

/** Drops leading 1s (the batch dimension and friends) for comparing value shapes. */
const core = (d: readonly number[]): string => {
  let i = 0;
  while (i < d.length - 1 && d[i] === 1) i++;
  return d.slice(i).join('×');
};

// ------------------------------------------------------------------------------------------------
// loadOnnx

function decode(fn: string, bytes: Uint8Array): IModel {
  if (!(bytes instanceof Uint8Array)) throw new ParameterError(`${fn}: bytes must be a Uint8Array (got ${describe(bytes)})`);
  if (bytes.length === 0) throw new OnnxError('malformed', 'bytes must be a non-empty ONNX ModelProto (got 0 bytes)');
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxError('malformed', `bytes are not an ONNX ModelProto (protobuf: ${(e as Error).message})`);
  }
}

function valueDims(v: IValueInfo): number[] {
  const shape = v.type?.tensorType?.shape;
  if (!shape) throw new OnnxError('malformed', `input "${v.name}" must declare a tensor shape`);
  const dims = (shape.dim ?? []).map((d, i) => {
    const n = d.dimValue == null ? 0 : num(d.dimValue);
    if (n > 0) return n;
    if (i === 0) return 1; // symbolic batch dimension
    throw new OnnxError('malformed', `input "${v.name}" has an unknown dimension ${i} (${d.dimParam || '?'}); only the batch dimension may be symbolic`);
  });
  if (dims.length === 0) throw new OnnxError('malformed', `input "${v.name}" must have at least one dimension (got a scalar)`);
  if (dims.length >= 2 && dims[0] !== 1) throw new OnnxError('shape', `input "${v.name}" must have batch dimension 1 (got shape [${dims.join(', ')}])`);
  return dims;
}

/**
 * The first half of `loadOnnx`: converts the ONNX graph into the JSON network format (`NetworkSpec`:
 * `input` is the input's shape without the batch dimension, layers as typed arrays) without
 * validating it with `parseNetwork`. Useful to inspect or edit a converted model. Throws `OnnxError`.
 */
export function onnxToSpec(bytes: Uint8Array): NetworkSpec {
  return convert('onnxToSpec', bytes);
}

/** onnxToSpec for the public function `fn` (the type of `bytes` is reported under `fn`; OnnxError always names loadOnnx). */
function convert(fn: string, bytes: Uint8Array): NetworkSpec {
  const model = decode(fn, bytes);
  const graph = model.graph as IGraph | null | undefined;
  if (!graph) throw new OnnxError('malformed', 'the model has no graph');
  const consts = new Map<string, Entry>();
  for (const t of graph.initializer ?? []) consts.set(t.name ?? '', tensorValues(t, `initializer "${t.name}"`));
  const inputs = (graph.input ?? []).filter((v) => !consts.has(v.name ?? ''));
  if (inputs.length !== 1) {
    throw new OnnxError('malformed', `the graph must have exactly one input that is not an initializer (got ${inputs.length}: ${inputs.map((v) => v.name).join(', ') || 'none'})`);
  }
  const outputs = graph.output ?? [];
  if (outputs.length !== 1) throw new OnnxError('malformed', `the graph must have exactly one output (got ${outputs.length})`);
  const input = inputs[0]!;
  const inDims = valueDims(input);
  const env = new Map<string, Entry>(consts);
  env.set(input.name ?? '', { kind: 'val', ref: -1, dims: inDims });
  const outName = outputs[0]!.name ?? '';

  // Nodes the output depends on, in a topological order.
  const nodes = graph.node ?? [];
  const producer = new Map<string, INode>();
  for (const nd of nodes) for (const o of nd.output ?? []) if (o) producer.set(o, nd);
  const needed = new Set<INode>();
  const stack = [outName];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const nd = producer.get(name);
    if (!nd || env.has(name)) continue;
    needed.add(nd);
    for (const i of nd.input ?? []) if (i) stack.push(i);
  }
  if (!producer.has(outName) && !env.has(outName)) throw new OnnxError('malformed', `the graph output "${outName}" is produced by no node`);
  const uses = new Map<string, number>([[outName, 1]]);
  for (const nd of needed) for (const i of nd.input ?? []) if (i) uses.set(i, (uses.get(i) ?? 0) + 1);

  const layers: Record<string, unknown>[] = [];
  const aliases: number[] = [];
  const emit = (layer: Record<string, unknown>, from: number[]): number => {
    const i = layers.length;
    if (from.length !== 1 || from[0] !== i - 1) {
      layer.inputs = from;
    }
    layers.push(layer);
    aliases.push(0);
    return i;
  };
  /** True when every use of layer `ref`'s output (through aliases) is the node being converted. */
  const soleUse = (ref: number): boolean => {
    if (ref < 0) return false;
    let n = -aliases[ref]!;
    for (const [name, e] of env) if (e.kind === 'val' && e.ref === ref) n += uses.get(name) ?? 0;
    return n === 1;
  };

  const pending = [...nodes.filter((nd) => needed.has(nd))];
  while (pending.length > 0) {
    const k = pending.findIndex((nd) => (nd.input ?? []).every((i) => !i || env.has(i)));
    if (k < 0) {
      const nd = pending[0]!;
      const missing = (nd.input ?? []).find((i) => i && !env.has(i) && !producer.has(i));
      if (missing !== undefined) throw new OnnxError('malformed', `input "${missing}" is produced by no node, initializer or graph input`, { name: nd.name ?? '', opType: nd.opType ?? '' });
      throw new OnnxError('malformed', 'the graph has a cycle', { name: nd.name ?? '', opType: nd.opType ?? '' });
    }
    const nd = pending.splice(k, 1)[0]!;
    const result = convertNode(nd, env, layers, emit, soleUse, aliases, (name) => uses.has(name));
    // Split gives one entry per output (undefined for the outputs nothing reads); every other op one.
    if (Array.isArray(result)) (nd.output ?? []).forEach((o, i) => result[i] && env.set(o, result[i]));
    else (nd.output ?? []).slice(0, 1).forEach((o) => env.set(o, result));
  }
  const out = env.get(outName)!;
  if (out.kind === 'const') throw new OnnxError('malformed', `the graph output "${outName}" does not depend on the input`);
  if (out.ref !== layers.length - 1) {
    // The output is an alias of an earlier value (possible only in a DAG): an identity layer at the end.
    emit({ type: 'identity' }, [out.ref]);
  }
  // The input's shape without the batch dimension ([n] for [1, n]; [C, H, W] for [1, C, H, W]).
  return { input: inDims.length >= 2 ? inDims.slice(1) : inDims, layers } as unknown as NetworkSpec;
}

type Emit = (layer: Record<string, unknown>, from: number[]) => number;

function convertNode(nd: INode, env: Map<string, Entry>, layers: Record<string, unknown>[], emit: Emit, soleUse: (ref: number) => boolean, aliases: number[], used: (name: string) => boolean): Entry | (Entry | undefined)[] {
  const op = nd.opType ?? '';
  const id = { name: nd.name || (nd.output ?? [])[0] || '?', opType: op };
  const fail = (msg: string, reason: OnnxErrorReason = 'shape'): never => {
    throw new OnnxError(reason, msg, id);
  };
  if ((nd.domain ?? '') !== '' && nd.domain !== 'ai.onnx') fail(`unsupported operator ${nd.domain}.${op} (only the default ONNX domain is supported)`, 'unsupported');
  const ins = (nd.input ?? []).map((i) => (i ? env.get(i)! : undefined));
  const get = (k: number, what: string): Entry => ins[k] ?? fail(`${what} (input ${k}) is missing`, 'malformed');
  const constant = (k: number, what: string): Const => {
    const e = get(k, what);
    return e.kind === 'const' ? e : fail(`${what} must be a constant (initializer or Constant node), not computed from the input`, 'unsupported');
  };
  const value = (k: number, what: string): Val => {
    const e = get(k, what);
    return e.kind === 'val' ? e : fail(`${what} must be computed from the input`, 'unsupported');
  };
  const alias = (v: Val, dims: number[]): Val => {
    if (v.ref >= 0) aliases[v.ref]!++;
    return { kind: 'val', ref: v.ref, dims };
  };
  const reshapeDims = (x: Entry, shape: number[]): number[] => {
    const allowZero = attrInt(nd, 'allowzero', 0) === 1;
    const outDims = shape.map((d, i) => (d === 0 && !allowZero ? (x.dims[i] ?? fail(`shape entry ${i} is 0 but the input has rank ${x.dims.length}`)) : d));
    const free = outDims.filter((d) => d === -1).length;
    const n = prod(x.dims);
    if (free > 1) fail(`shape may contain at most one -1 (got [${shape.join(', ')}])`);
    if (free === 1) {
      const rest = prod(outDims.filter((d) => d !== -1));
      if (rest === 0 || n % rest !== 0) fail(`cannot reshape ${n} values to [${shape.join(', ')}]`);
      outDims[outDims.indexOf(-1)] = n / rest;
    }
    if (prod(outDims) !== n || outDims.some((d) => d < 0)) fail(`cannot reshape ${n} values of shape [${x.dims.join(', ')}] to [${shape.join(', ')}]`);
    return outDims;
  };
  const axesOf = (rank: number): number[] | undefined => {
    const a = attrInts(nd, 'axes') ?? (ins[1] ? Array.from(constant(1, 'axes').data) : undefined);
    return a?.map((x) => (x < 0 ? x + rank : x));
  };
  /** A dense linear layer of this size must fit in memory (2^26 weights = 512 MiB). */
  const dense = (rows: number, cols: number): void => {
    if (rows * cols > 2 ** 26) fail(`the equivalent dense layer (${rows}×${cols}) is too large`, 'unsupported');
  };
  const same = (x: Entry, dims: number[]): Entry => (x.kind === 'const' ? { kind: 'const', dims, data: x.data } : alias(x, dims));
  /**
   * out[o] = x[srcOf(o)] for every output multi-index o, or `fill` where srcOf points outside x: folded
   * for a constant, nothing for the identity, else an exact 0/1 linear layer (the fills in its bias).
   */
  const select = (x: Entry, dims: number[], srcOf: (o: number[]) => number[], fill = 0): Entry => {
    const m = prod(dims), n = prod(x.dims);
    const src = new Int32Array(m);
    forEachIndex(dims, (o, flat) => {
      const i = srcOf(o);
      src[flat] = i.some((v, a) => v < 0 || v >= x.dims[a]!) ? -1 : flatIndex(x.dims, i);
    });
    if (x.kind === 'const') return { kind: 'const', dims, data: Float64Array.from(src, (j) => (j < 0 ? fill : x.data[j]!)) };
    if (m === n && src.every((j, k) => j === k)) return alias(x, dims);
    dense(m, n);
    const W = new Float64Array(m * n), bias = new Float64Array(m);
    src.forEach((j, k) => (j < 0 ? (bias[k] = fill) : (W[k * n + j] = 1)));
    return { kind: 'val', ref: emit({ type: 'linear', weight: W, shape: [m, n], bias }, [x.ref]), dims };
  };

  switch (op) {
    case 'Constant': {
      const t = attr(nd, 'value')?.t;
      if (t) return tensorValues(t, `Constant "${id.name}"`);
      const f = attr(nd, 'value_float');
      if (f) return { kind: 'const', dims: [], data: Float64Array.of(f.f ?? 0) };
      const fs = attr(nd, 'value_floats');
      if (fs) return { kind: 'const', dims: [fs.floats?.length ?? 0], data: Float64Array.from(fs.floats ?? []) };
      const i = attr(nd, 'value_int');
      if (i) return { kind: 'const', dims: [], data: Float64Array.of(num(i.i ?? 0)) };
      const is = attr(nd, 'value_ints');
      if (is) return { kind: 'const', dims: [is.ints?.length ?? 0], data: Float64Array.from(is.ints ?? [], num) };
      return fail('only value, value_float(s) and value_int(s) constants are supported', 'unsupported');
    }
    case 'Identity':
    case 'Dropout':
    case 'Cast': {
      const x = get(0, 'input');
      const to = attrInt(nd, 'to', FLOAT);
      if (op === 'Cast' && x.kind === 'val' && to !== FLOAT && to !== DOUBLE) fail(`Cast of a computed value to ${DTYPE_NAMES[to] ?? to} is not supported (FLOAT and DOUBLE are)`, 'unsupported');
      return same(x, x.dims);
    }
    case 'Flatten': {
      const x = get(0, 'input');
      let axis = attrInt(nd, 'axis', 1);
      if (axis < 0) axis += x.dims.length;
      return same(x, [prod(x.dims.slice(0, axis)), prod(x.dims.slice(axis))]);
    }
    case 'Reshape': {
      const x = get(0, 'input');
      const shape = attrInts(nd, 'shape') ?? Array.from(constant(1, 'shape').data);
      return same(x, reshapeDims(x, shape));
    }
    case 'Squeeze': {
      const x = get(0, 'input');
      const axes = axesOf(x.dims.length);
      axes?.forEach((a) => {
        if (x.dims[a] !== 1) fail(`cannot squeeze axis ${a} of shape [${x.dims.join(', ')}]`);
      });
      return same(x, x.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)));
    }
    case 'Unsqueeze': {
      const x = get(0, 'input');
      const r = x.dims.length + (attrInts(nd, 'axes') ?? (ins[1] ? Array.from(constant(1, 'axes').data) : [])).length;
      const axes = axesOf(r) ?? fail('axes are required', 'malformed');
      const dims: number[] = [];
      for (let i = 0, j = 0; i < r; i++) dims.push(axes.includes(i) ? 1 : x.dims[j++]!);
      return same(x, dims);
    }
    case 'Shape': {
      const x = get(0, 'input');
      return { kind: 'const', dims: [x.dims.length], data: Float64Array.from(x.dims) };
    }
    case 'Gather': {
      const x = constant(0, 'data');
      const idx = constant(1, 'indices');
      if (x.dims.length !== 1 || attrInt(nd, 'axis', 0) !== 0) fail('Gather is supported on 1-D constants only', 'unsupported');
      return { kind: 'const', dims: idx.dims, data: idx.data.map((i) => x.data[i < 0 ? i + x.data.length : i] ?? fail(`index ${i} out of range`)) };
    }
    case 'Transpose': {
      const x = get(0, 'data');
      const r = x.dims.length;
      const perm = attrInts(nd, 'perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i);
      if (perm.length !== r || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) fail(`perm must be a permutation of 0…${r - 1} (got [${perm.join(', ')}])`, 'malformed');
      const dims = perm.map((p) => x.dims[p]!);
      const src = transposeSource(x.dims, perm);
      if (x.kind === 'const') return { kind: 'const', dims, data: Float64Array.from(src, (o) => x.data[o]!) };
      // Moving only size-1 axes keeps the flat order; otherwise a permutation matrix (an exact linear layer).
      if (src.every((o, k) => o === k)) return alias(x, dims);
      const n = src.length;
      dense(n, n);
      const W = new Float64Array(n * n);
      src.forEach((o, k) => (W[k * n + o] = 1));
      return { kind: 'val', ref: emit({ type: 'linear', weight: W, shape: [n, n], bias: new Float64Array(n) }, [x.ref]), dims };
    }
    case 'Neg': {
      const x = get(0, 'X');
      if (x.kind === 'const') return { kind: 'const', dims: x.dims, data: x.data.map((v) => -v) };
      const n = prod(x.dims);
      return { kind: 'val', ref: emit({ type: 'affine', scale: new Float64Array(n).fill(-1), shift: new Float64Array(n) }, [x.ref]), dims: x.dims };
    }
    case 'Relu':
    case 'Sigmoid':
    case 'Tanh':
    case 'Softplus':
    case 'Softsign':
    case 'Elu':
    case 'Erf':
    case 'Gelu':
    case 'LeakyRelu': {
      const x = value(0, 'X');
      const type = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', Softplus: 'softplus', Softsign: 'softsign', Elu: 'elu', Erf: 'erf', Gelu: 'gelu', LeakyRelu: 'leaky-relu' }[op]!;
      if (op === 'Gelu' && attrString(nd, 'approximate', 'none') !== 'none') fail(`approximate = ${attrString(nd, 'approximate', 'none')} is not supported (the exact x·Φ(x) is)`, 'unsupported');
      const layer: Record<string, unknown> = { type };
      if (op === 'Elu') {
        const alpha = attrFloat(nd, 'alpha', 1);
        if (!(alpha >= 0 && Number.isFinite(alpha))) fail(`alpha must be a finite number ≥ 0 (got ${alpha})`, 'unsupported');
        layer.alpha = alpha;
      }
      if (op === 'LeakyRelu') {
        const alpha = attrFloat(nd, 'alpha', 0.01);
        if (!(alpha >= 0 && alpha <= 1)) fail(`alpha must be in [0, 1] (got ${alpha})`, 'unsupported');
        layer.alpha = alpha;
      }
      return { kind: 'val', ref: emit(layer, [x.ref]), dims: x.dims };
    }
    case 'Gemm': {
      const a = value(0, 'A');
      const B = constant(1, 'B');
      const transA = attrInt(nd, 'transA', 0), transB = attrInt(nd, 'transB', 0);
      const alpha = attrFloat(nd, 'alpha', 1), beta = attrFloat(nd, 'beta', 1);
      if (B.dims.length !== 2) fail(`B must be a matrix (got shape [${B.dims.join(', ')}])`);
      const [n, m] = transB ? [B.dims[1]!, B.dims[0]!] : [B.dims[0]!, B.dims[1]!];
      dense(m, n);
      const want = transA ? [n, 1] : [1, n];
      if (a.dims.length !== 2 || a.dims[0] !== want[0] || a.dims[1] !== want[1]) {
        fail(`A must have shape [${want.join(', ')}] to match B of shape [${B.dims.join(', ')}]${transB ? ' (transB)' : ''} (got [${a.dims.join(', ')}])`);
      }
      const W = new Float64Array(m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) W[i * n + j] = alpha * (transB ? B.data[i * n + j]! : B.data[j * m + i]!);
      const bias = ins[2] ? broadcastTo(constant(2, 'C'), [1, m], fail).map((v) => beta * v) : new Float64Array(m);
      return { kind: 'val', ref: emit({ type: 'linear', weight: W, shape: [m, n], bias }, [a.ref]), dims: [1, m] };
    }
    case 'MatMul': {
      const [x0, x1] = [get(0, 'A'), get(1, 'B')];
      if (x0.kind === 'val' && x1.kind === 'const') {
        // y = x·B over the last axis: B is [in, out]; the leading rows each get the same map.
        if (x1.dims.length !== 2) fail(`B must be a matrix (got shape [${x1.dims.join(', ')}])`);
        const [n, m] = x1.dims as [number, number];
        if (x0.dims[x0.dims.length - 1] !== n) fail(`the last dimension of A must be ${n}, the rows of B (got shape [${x0.dims.join(', ')}])`);
        const rows = prod(x0.dims) / n;
        dense(rows * m, rows * n);
        const W = new Float64Array(rows * m * rows * n);
        for (let r = 0; r < rows; r++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) W[(r * m + i) * rows * n + r * n + j] = x1.data[j * m + i]!;
        const dims = [...x0.dims.slice(0, -1), m];
        return { kind: 'val', ref: emit({ type: 'linear', weight: W, shape: [rows * m, rows * n], bias: new Float64Array(rows * m) }, [x0.ref]), dims };
      }
      if (x0.kind === 'const' && x1.kind === 'val') {
        // y = A·x with x [n, q] (a column vector when q = 1): W = A ⊗ I_q on the row-major vector.
        if (x0.dims.length !== 2) fail(`A must be a matrix (got shape [${x0.dims.join(', ')}])`);
        const [m, n] = x0.dims as [number, number];
        const r = x1.dims.length;
        if (r < 2 || x1.dims[r - 2] !== n || prod(x1.dims.slice(0, r - 2)) !== 1) fail(`B must have shape [${n}, q] to match A of shape [${m}, ${n}] (got [${x1.dims.join(', ')}])`);
        const q = x1.dims[r - 1]!;
        dense(m * q, n * q);
        const W = new Float64Array(m * q * n * q);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let c = 0; c < q; c++) W[(i * q + c) * n * q + j * q + c] = x0.data[i * n + j]!;
        return { kind: 'val', ref: emit({ type: 'linear', weight: W, shape: [m * q, n * q], bias: new Float64Array(m * q) }, [x1.ref]), dims: [...x1.dims.slice(0, -2), m, q] };
      }
      if (x0.kind === 'val' && x1.kind === 'val') {
        // A [m, n] times B [n, q], both computed: every product A_ij·B_jk is one entry of a mul layer
        // (its two inputs gathered by 0/1 layers), and a 0/1 layer sums them over j.
        const strip = (d: number[]): number[] => (d.length > 2 && prod(d.slice(0, -2)) === 1 ? d.slice(-2) : d);
        const [da, db] = [strip(x0.dims), strip(x1.dims)];
        if (da.length !== 2 || db.length !== 2 || da[1] !== db[0]) fail(`A [m, n] and B [n, q] must be matrices of matching sizes (got [${x0.dims.join(', ')}] and [${x1.dims.join(', ')}])`);
        const [m, n, q] = [da[0]!, da[1]!, db[1]!];
        const gather = (x: Val, src: (i: number, j: number, k: number) => number): number => {
          const size = prod(x.dims);
          dense(m * n * q, size);
          const W = new Float64Array(m * n * q * size);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let k = 0; k < q; k++) W[((i * n + j) * q + k) * size + src(i, j, k)] = 1;
          return emit({ type: 'linear', weight: W, shape: [m * n * q, size], bias: new Float64Array(m * n * q) }, [x.ref]);
        };
        const p = emit({ type: 'mul' }, [gather(x0, (i, j) => i * n + j), gather(x1, (_, j, k) => j * q + k)]);
        dense(m * q, m * n * q);
        const S = new Float64Array(m * q * m * n * q);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let k = 0; k < q; k++) S[(i * q + k) * m * n * q + (i * n + j) * q + k] = 1;
        return { kind: 'val', ref: emit({ type: 'linear', weight: S, shape: [m * q, m * n * q], bias: new Float64Array(m * q) }, [p]), dims: [...x0.dims.slice(0, -1), q] };
      }
      return fail('MatMul of two constants is not supported', 'unsupported');
    }
    case 'Conv': {
      const x = value(0, 'X');
      const Wc = constant(1, 'W');
      if (Wc.dims.length !== 4) fail(`only 2-D convolutions are supported (W of shape [${Wc.dims.join(', ')}])`, 'unsupported');
      const group = attrInt(nd, 'group', 1);
      const xd = x.dims.length === 3 ? [1, ...x.dims] : x.dims;
      if (xd.length !== 4 || xd[0] !== 1) fail(`X must have shape [1, C, H, W] (got [${x.dims.join(', ')}])`);
      const [, C, H, Wd] = xd as [number, number, number, number];
      const [K, Cw, kh, kw] = Wc.dims as [number, number, number, number];
      if (!(group >= 1 && C % group === 0 && K % group === 0)) fail(`group ${group} must divide the ${C} input and ${K} output channels`);
      if (Cw * group !== C) fail(`W must have ${C / group} input channels, ${group > 1 ? `the channels of X per group (${C} / ${group})` : 'the channels of X'} (got shape [${Wc.dims.join(', ')}])`);
      // Grouped and depthwise convolutions become one dense-channel convolution whose weights are 0 across groups (exact).
      let weight = Wc.data;
      if (group > 1) {
        dense(K, C * kh * kw);
        weight = new Float64Array(K * C * kh * kw);
        const kg = K / group, area = kh * kw;
        for (let k = 0; k < K; k++) {
          const c0 = Math.floor(k / kg) * Cw;
          weight.set(Wc.data.subarray(k * Cw * area, (k + 1) * Cw * area), (k * C + c0) * area);
        }
      }
      const ks = attrInts(nd, 'kernel_shape');
      if (ks && (ks[0] !== kh || ks[1] !== kw)) fail(`kernel_shape [${ks.join(', ')}] must match W's [${kh}, ${kw}]`);
      const stride = attrInts(nd, 'strides') ?? [1, 1];
      const dilation = attrInts(nd, 'dilations') ?? [1, 1];
      let pads = attrInts(nd, 'pads') ?? [0, 0, 0, 0];
      const autoPad = attrString(nd, 'auto_pad', 'NOTSET');
      if (autoPad === 'VALID') pads = [0, 0, 0, 0];
      else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
        const total = [H, Wd].map((s, i) => Math.max(0, (Math.ceil(s / stride[i]!) - 1) * stride[i]! + ((i ? kw : kh) - 1) * dilation[i]! + 1 - s));
        const small = total.map((t) => Math.floor(t / 2));
        const big = total.map((t, i) => t - small[i]!);
        pads = autoPad === 'SAME_UPPER' ? [small[0]!, small[1]!, big[0]!, big[1]!] : [big[0]!, big[1]!, small[0]!, small[1]!];
      } else if (autoPad !== 'NOTSET') fail(`auto_pad ${autoPad} is not supported`, 'unsupported');
      if (stride.length !== 2 || dilation.length !== 2 || pads.length !== 4) fail('strides, dilations and pads must have 2, 2 and 4 entries', 'malformed');
      const outH = Math.floor((H + pads[0]! + pads[2]! - dilation[0]! * (kh - 1) - 1) / stride[0]!) + 1;
      const outW = Math.floor((Wd + pads[1]! + pads[3]! - dilation[1]! * (kw - 1) - 1) / stride[1]!) + 1;
      if (!(outH >= 1 && outW >= 1)) fail(`the kernel does not fit the padded input (output ${outH}×${outW})`);
      const bias = ins[2] ? constant(2, 'B').data : new Float64Array(K);
      if (bias.length !== K) fail(`B must have ${K} entries, the output channels (got ${bias.length})`);
      const layer = { type: 'conv2d', inShape: [C, H, Wd], outChannels: K, kernel: [kh, kw], weight, bias, stride, padding: pads, dilation };
      return { kind: 'val', ref: emit(layer, [x.ref]), dims: [1, K, outH, outW] };
    }
    case 'AveragePool':
    case 'GlobalAveragePool': {
      // Average pooling is a convolution with weight 1/(kh·kw) on the channel diagonal (exact when every
      // window divides by kh·kw: no padding, or count_include_pad = 1).
      const x = value(0, 'X');
      const xd = x.dims.length === 3 ? [1, ...x.dims] : x.dims;
      if (xd.length !== 4 || xd[0] !== 1) fail(`X must have shape [1, C, H, W] (got [${x.dims.join(', ')}])`);
      const [, C, H, Wd] = xd as [number, number, number, number];
      const global = op === 'GlobalAveragePool';
      const ks = global ? [H, Wd] : (attrInts(nd, 'kernel_shape') ?? fail('kernel_shape is required', 'malformed'));
      if (ks.length !== 2) fail('only 2-D pooling is supported', 'unsupported');
      const [kh, kw] = ks as [number, number];
      const stride = global ? [1, 1] : (attrInts(nd, 'strides') ?? [1, 1]);
      const pads = global ? [0, 0, 0, 0] : (attrInts(nd, 'pads') ?? [0, 0, 0, 0]);
      if (attrString(nd, 'auto_pad', 'NOTSET') !== 'NOTSET' && attrString(nd, 'auto_pad', 'NOTSET') !== 'VALID') fail('only auto_pad NOTSET / VALID is supported', 'unsupported');
      if (attrInt(nd, 'ceil_mode', 0) !== 0) fail('ceil_mode = 1 is not supported', 'unsupported');
      if (pads.some((p) => p !== 0) && attrInt(nd, 'count_include_pad', 0) === 0) fail('padding with count_include_pad = 0 is not supported (border windows average fewer values)', 'unsupported');
      const outH = Math.floor((H + pads[0]! + pads[2]! - kh) / stride[0]!) + 1;
      const outW = Math.floor((Wd + pads[1]! + pads[3]! - kw) / stride[1]!) + 1;
      if (!(outH >= 1 && outW >= 1)) fail(`the window does not fit the padded input (output ${outH}×${outW})`);
      dense(C, C * kh * kw);
      const weight = new Float64Array(C * C * kh * kw);
      for (let c = 0; c < C; c++) weight.fill(1 / (kh * kw), (c * C + c) * kh * kw, (c * C + c + 1) * kh * kw);
      const layer = { type: 'conv2d', inShape: [C, H, Wd], outChannels: C, kernel: [kh, kw], weight, bias: new Float64Array(C), stride, padding: pads, dilation: [1, 1] };
      return { kind: 'val', ref: emit(layer, [x.ref]), dims: [1, C, outH, outW] };
    }
    case 'BatchNormalization': {
      const x = value(0, 'X');
      if (attrInt(nd, 'training_mode', 0) !== 0) fail('training_mode = 1 is not supported (inference form only)', 'unsupported');
      const [g, b, mu, v] = [1, 2, 3, 4].map((k) => constant(k, ['scale', 'B', 'mean', 'var'][k - 1]!).data) as [Float64Array, Float64Array, Float64Array, Float64Array];
      const C = x.dims[1] ?? fail(`X must have a channel axis (got shape [${x.dims.join(', ')}])`);
      for (const [name, a] of [['scale', g], ['B', b], ['mean', mu], ['var', v]] as const) if (a.length !== C) fail(`${name} must have ${C} entries, the channels of X (got ${a.length})`);
      const eps = attrFloat(nd, 'epsilon', 1e-5);
      const n = prod(x.dims);
      const per = n / C;
      const scale = new Float64Array(n), shift = new Float64Array(n);
      for (let c = 0; c < C; c++) {
        const s = g[c]! / Math.sqrt(v[c]! + eps);
        scale.fill(s, c * per, (c + 1) * per);
        shift.fill(b[c]! - s * mu[c]!, c * per, (c + 1) * per);
      }
      return { kind: 'val', ref: emit({ type: 'affine', scale, shift }, [x.ref]), dims: x.dims };
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      const [a, b] = [get(0, 'A'), get(1, 'B')];
      if (a.kind === 'const' && b.kind === 'const') {
        const dims = broadcastShape(a.dims, b.dims) ?? fail(`shapes [${a.dims.join(', ')}] and [${b.dims.join(', ')}] do not broadcast`);
        const [x, y] = [broadcastTo(a, dims, fail), broadcastTo(b, dims, fail)];
        const f = op === 'Add' ? (p: number, q: number) => p + q : op === 'Sub' ? (p: number, q: number) => p - q : op === 'Mul' ? (p: number, q: number) => p * q : (p: number, q: number) => p / q;
        return { kind: 'const', dims, data: x.map((p, i) => f(p, y[i]!)) };
      }
      if (a.kind === 'val' && b.kind === 'val') {
        if (op === 'Div') fail('Div of two computed values is not supported', 'unsupported');
        if (core(a.dims) !== core(b.dims)) fail(`both operands must have the same shape (got [${a.dims.join(', ')}] and [${b.dims.join(', ')}])`);
        const dims = a.dims.length >= b.dims.length ? a.dims : b.dims;
        return { kind: 'val', ref: emit({ type: op === 'Add' ? 'add' : op === 'Sub' ? 'sub' : 'mul' }, [a.ref, b.ref]), dims };
      }
      const x = (a.kind === 'val' ? a : b) as Val;
      const c = broadcastTo((a.kind === 'const' ? a : b) as Const, x.dims, fail);
      const constFirst = a.kind === 'const';
      const n = c.length;
      let scale: Float64Array, shift: Float64Array;
      if (op === 'Add') [scale, shift] = [new Float64Array(n).fill(1), c];
      else if (op === 'Sub') [scale, shift] = constFirst ? [new Float64Array(n).fill(-1), c] : [new Float64Array(n).fill(1), c.map((v) => -v)];
      else if (op === 'Mul') [scale, shift] = [c, new Float64Array(n)];
      else {
        if (constFirst) fail('division of a constant by a computed value is not supported (not affine)', 'unsupported');
        [scale, shift] = [c.map((v) => 1 / v), new Float64Array(n)];
      }
      // A shift right after a linear / affine / conv2d layer used only here goes into its bias.
      const shiftOnly = scale.every((s) => s === 1);
      const prev = x.ref >= 0 ? layers[x.ref]! : undefined;
      if (shiftOnly && prev && soleUse(x.ref)) {
        if (prev.type === 'linear') {
          prev.bias = (prev.bias as Float64Array).map((v, i) => v + shift[i]!);
          return alias(x, x.dims);
        }
        if (prev.type === 'affine') {
          prev.shift = (prev.shift as Float64Array).map((v, i) => v + shift[i]!);
          return alias(x, x.dims);
        }
        if (prev.type === 'conv2d') {
          const K = prev.outChannels as number;
          const per = n / K;
          const perChannel = Array.from({ length: K }, (_, k) => shift[k * per]!);
          if (shift.every((v, i) => v === perChannel[Math.floor(i / per)])) {
            prev.bias = (prev.bias as Float64Array).map((v, k) => v + perChannel[k]!);
            return alias(x, x.dims);
          }
        }
      }
      return { kind: 'val', ref: emit({ type: 'affine', scale, shift }, [x.ref]), dims: x.dims };
    }
    case 'Slice': {
      const x = get(0, 'data');
      const r = x.dims.length;
      const legacy = attrInts(nd, 'starts') !== undefined;
      const starts = legacy ? attrInts(nd, 'starts')! : Array.from(constant(1, 'starts').data);
      const ends = legacy ? (attrInts(nd, 'ends') ?? fail('ends are required', 'malformed')) : Array.from(constant(2, 'ends').data);
      const axes = (legacy ? attrInts(nd, 'axes') : ins[3] ? Array.from(constant(3, 'axes').data) : undefined) ?? starts.map((_, i) => i);
      const steps = !legacy && ins[4] ? Array.from(constant(4, 'steps').data) : starts.map(() => 1);
      if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) fail('starts, ends, axes and steps must have the same length', 'malformed');
      const begin = new Array<number>(r).fill(0), step = new Array<number>(r).fill(1), dims = [...x.dims];
      axes.forEach((a0, k) => {
        const a = a0 < 0 ? a0 + r : a0;
        const d = x.dims[a] ?? fail(`axis ${a0} is out of range for rank ${r}`);
        const s = steps[k]!;
        if (s === 0) fail('steps must not be 0', 'malformed');
        let st = starts[k]! < 0 ? starts[k]! + d : starts[k]!;
        let en = ends[k]! < 0 ? ends[k]! + d : ends[k]!;
        // ONNX clamps: [0, d] for positive steps, [0, d − 1] / [−1, d − 1] for negative ones.
        if (s > 0) [st, en] = [Math.min(Math.max(st, 0), d), Math.min(Math.max(en, 0), d)];
        else [st, en] = [Math.min(Math.max(st, 0), d - 1), Math.min(Math.max(en, -1), d - 1)];
        begin[a] = st;
        step[a] = s;
        dims[a] = Math.max(0, Math.ceil((en - st) / s));
      });
      if (prod(dims) === 0) fail(`the slice of shape [${x.dims.join(', ')}] is empty`, 'unsupported');
      return select(x, dims, (o) => o.map((v, a) => begin[a]! + v * step[a]!));
    }
    case 'Split': {
      const x = get(0, 'input');
      const r = x.dims.length;
      let axis = attrInt(nd, 'axis', 0);
      if (axis < 0) axis += r;
      const d = x.dims[axis] ?? fail(`axis ${axis} is out of range for rank ${r}`);
      const k = (nd.output ?? []).length;
      const given = attrInts(nd, 'split') ?? (ins[1] ? Array.from(constant(1, 'split').data) : undefined);
      // Without sizes the parts are equal (the last one smaller when d is not a multiple, as opset 18 defines).
      const part = Math.ceil(d / k);
      const sizes = given ?? Array.from({ length: k }, (_, i) => Math.max(0, Math.min(part, d - i * part)));
      if (sizes.length !== k || sizes.reduce((a, b) => a + b, 0) !== d || sizes.some((s) => s <= 0)) fail(`split sizes [${sizes.join(', ')}] must be ${k} positive numbers summing to ${d}, the size of axis ${axis}`);
      let offset = 0;
      return sizes.map((s, i) => {
        const o0 = offset;
        offset += s;
        if (!used((nd.output ?? [])[i] ?? '')) return undefined;
        const dims = x.dims.map((v, a) => (a === axis ? s : v));
        return select(x, dims, (o) => o.map((v, a) => (a === axis ? v + o0 : v)));
      });
    }
    case 'Concat': {
      const parts = (nd.input ?? []).map((_, k) => get(k, 'input'));
      const r = parts[0]!.dims.length;
      let axis = attrInt(nd, 'axis', 0);
      if (axis < 0) axis += r;
      if (!(axis >= 0 && axis < r)) fail(`axis ${attrInt(nd, 'axis', 0)} is out of range for rank ${r}`);
      for (const p of parts) {
        if (p.dims.length !== r || p.dims.some((v, a) => a !== axis && v !== parts[0]!.dims[a])) fail(`every input must have the shape of the first outside axis ${axis} (got ${parts.map((q) => `[${q.dims.join(', ')}]`).join(', ')})`);
      }
      const dims = parts[0]!.dims.map((v, a) => (a === axis ? parts.reduce((s, p) => s + p.dims[a]!, 0) : v));
      // For every output element: which input and which flat index in it.
      const which = new Int32Array(prod(dims)), at = new Int32Array(prod(dims));
      const starts = parts.map((_, k) => parts.slice(0, k).reduce((s, p) => s + p.dims[axis]!, 0));
      forEachIndex(dims, (o, flat) => {
        let k = 0;
        while (k + 1 < parts.length && o[axis]! >= starts[k + 1]!) k++;
        which[flat] = k;
        at[flat] = flatIndex(parts[k]!.dims, o.map((v, a) => (a === axis ? v - starts[k]! : v)));
      });
      if (parts.every((p) => p.kind === 'const')) return { kind: 'const', dims, data: Float64Array.from(which, (k, i) => (parts[k] as Const).data[at[i]!]!) };
      // y = Σ_k E_k x_k + (the constant entries): one exact embedding layer per computed input, summed by add layers.
      const m = which.length;
      let acc = -2;
      let bias: Float64Array | null = new Float64Array(m);
      parts.forEach((p, k) => {
        if (p.kind === 'const') which.forEach((q, i) => q === k && (bias![i] = p.data[at[i]!]!));
      });
      parts.forEach((p, k) => {
        if (p.kind !== 'val') return;
        const n = prod(p.dims);
        dense(m, n);
        const W = new Float64Array(m * n);
        which.forEach((q, i) => q === k && (W[i * n + at[i]!] = 1));
        const e = emit({ type: 'linear', weight: W, shape: [m, n], bias: bias ?? new Float64Array(m) }, [p.ref]);
        bias = null;
        acc = acc === -2 ? e : emit({ type: 'add' }, [acc, e]);
      });
      return { kind: 'val', ref: acc, dims };
    }
    case 'Pad': {
      const x = get(0, 'data');
      const r = x.dims.length;
      const mode = attrString(nd, 'mode', 'constant');
      const pads = attrInts(nd, 'pads') ?? Array.from(constant(1, 'pads').data);
      const fill = attr(nd, 'value') ? attrFloat(nd, 'value', 0) : ins[2] ? (constant(2, 'constant_value').data[0] ?? 0) : 0;
      const axes = (ins[3] ? Array.from(constant(3, 'axes').data) : Array.from({ length: r }, (_, a) => a)).map((a) => (a < 0 ? a + r : a));
      if (pads.length !== 2 * axes.length) fail(`pads must have ${2 * axes.length} entries (got ${pads.length})`, 'malformed');
      if (!['constant', 'reflect', 'edge', 'wrap'].includes(mode)) fail(`mode ${mode} is not supported`, 'unsupported');
      const lo = new Array<number>(r).fill(0), hi = new Array<number>(r).fill(0);
      axes.forEach((a, k) => {
        if (!(a >= 0 && a < r)) fail(`axis ${axes[k]} is out of range for rank ${r}`);
        lo[a] = pads[k]!;
        hi[a] = pads[k + axes.length]!;
      });
      const dims = x.dims.map((d, a) => d + lo[a]! + hi[a]!);
      if (dims.some((d) => d <= 0)) fail(`pads [${pads.join(', ')}] leave nothing of shape [${x.dims.join(', ')}]`);
      if (mode === 'reflect' && x.dims.some((d, a) => (lo[a]! > 0 || hi[a]! > 0) && (lo[a]! >= d || hi[a]! >= d))) fail('reflect padding must be smaller than the padded axis', 'unsupported');
      // Zero padding of the two spatial axes of [1, C, H, W]: a 1×1 identity convolution with that padding (no dense matrix).
      if (x.kind === 'val' && mode === 'constant' && fill === 0 && r === 4 && x.dims[0] === 1 && [0, 1].every((a) => lo[a] === 0 && hi[a] === 0) && [...lo, ...hi].every((p) => p >= 0)) {
        const C = x.dims[1]!;
        dense(C, C);
        const weight = new Float64Array(C * C);
        for (let c = 0; c < C; c++) weight[c * C + c] = 1;
        const layer = { type: 'conv2d', inShape: x.dims.slice(1), outChannels: C, kernel: [1, 1], weight, bias: new Float64Array(C), stride: [1, 1], padding: [lo[2], lo[3], hi[2], hi[3]], dilation: [1, 1] };
        return { kind: 'val', ref: emit(layer, [x.ref]), dims };
      }
      return select(x, dims, (o) => o.map((v, a) => {
        const d = x.dims[a]!;
        const i = v - lo[a]!;
        if (i >= 0 && i < d) return i;
        if (mode === 'constant') return -1;
        if (mode === 'edge') return Math.min(Math.max(i, 0), d - 1);
        if (mode === 'wrap') return ((i % d) + d) % d;
        return i < 0 ? -i : 2 * (d - 1) - i; // reflect (without repeating the edge)
      }), fill);
    }
    case 'Clip': {
      const x = get(0, 'input');
      const big = 3.4e38; // FLT_MAX: the legacy attributes' "no bound"
      const lo = attr(nd, 'min') ? attrFloat(nd, 'min', -Infinity) : ins[1] ? constant(1, 'min').data[0]! : -Infinity;
      const hi = attr(nd, 'max') ? attrFloat(nd, 'max', Infinity) : ins[2] ? constant(2, 'max').data[0]! : Infinity;
      const [a, b] = [lo <= -big ? -Infinity : lo, hi >= big ? Infinity : hi];
      if (!(a <= b)) fail(`min must not exceed max (got ${lo} and ${hi})`, 'unsupported');
      if (x.kind === 'const') return { kind: 'const', dims: x.dims, data: x.data.map((v) => Math.min(Math.max(v, a), b)) };
      // clip(x) = a + relu(x − a) − relu(x − b): exact with two ReLUs, each relaxed on its own.
      const n = prod(x.dims);
      const shifted = (from: number, scale: number, shift: number): number => emit({ type: 'affine', scale: new Float64Array(n).fill(scale), shift: new Float64Array(n).fill(shift) }, [from]);
      let ref: number;
      if (a === -Infinity && b === Infinity) return alias(x, x.dims);
      if (b === Infinity) ref = shifted(emit({ type: 'relu' }, [shifted(x.ref, 1, -a)]), 1, a);
      else if (a === -Infinity) ref = shifted(emit({ type: 'relu' }, [shifted(x.ref, -1, b)]), -1, b); // b − relu(b − x)
      else {
        const r1 = emit({ type: 'relu' }, [shifted(x.ref, 1, -a)]);
        const r2 = emit({ type: 'relu' }, [shifted(x.ref, 1, -b)]);
        ref = shifted(emit({ type: 'sub' }, [r1, r2]), 1, a);
      }
      return { kind: 'val', ref, dims: x.dims };
    }
    case 'PRelu': {
      const x = value(0, 'X');
      const s = broadcastTo(constant(1, 'slope'), x.dims, fail);
      const s0 = s[0]!;
      if (s.every((v) => v === s0) && s0 >= 0 && s0 <= 1) return { kind: 'val', ref: emit(s0 === 0 ? { type: 'relu' } : { type: 'leaky-relu', alpha: s0 }, [x.ref]), dims: x.dims };
      // Per-channel (or out-of-[0, 1]) slopes: prelu(x) = s·x + (1 − s)·relu(x), exact for every s.
      const r = emit({ type: 'relu' }, [x.ref]);
      const a = emit({ type: 'affine', scale: s.map((v) => 1 - v), shift: new Float64Array(s.length) }, [r]);
      const b = emit({ type: 'affine', scale: s, shift: new Float64Array(s.length) }, [x.ref]);
      return { kind: 'val', ref: emit({ type: 'add' }, [a, b]), dims: x.dims };
    }
    case 'MaxPool': {
      const x = value(0, 'X');
      if (used((nd.output ?? [])[1] ?? '')) fail('the Indices output is not supported', 'unsupported');
      const xd = x.dims.length === 3 ? [1, ...x.dims] : x.dims;
      if (xd.length !== 4 || xd[0] !== 1) fail(`X must have shape [1, C, H, W] (got [${x.dims.join(', ')}])`);
      const [, C, H, Wd] = xd as [number, number, number, number];
      const ks = attrInts(nd, 'kernel_shape') ?? fail('kernel_shape is required', 'malformed');
      if (ks.length !== 2) fail('only 2-D pooling is supported', 'unsupported');
      const [kh, kw] = ks as [number, number];
      const stride = attrInts(nd, 'strides') ?? [1, 1];
      const dil = attrInts(nd, 'dilations') ?? [1, 1];
      let pads = attrInts(nd, 'pads') ?? [0, 0, 0, 0];
      const autoPad = attrString(nd, 'auto_pad', 'NOTSET');
      if (autoPad === 'VALID') pads = [0, 0, 0, 0];
      else if (autoPad !== 'NOTSET') fail(`auto_pad ${autoPad} is not supported`, 'unsupported');
      const outH = Math.floor((H + pads[0]! + pads[2]! - dil[0]! * (kh - 1) - 1) / stride[0]!) + 1;
      const outW = Math.floor((Wd + pads[1]! + pads[3]! - dil[1]! * (kw - 1) - 1) / stride[1]!) + 1;
      if (!(outH >= 1 && outW >= 1)) fail(`the window does not fit the padded input (output ${outH}×${outW})`);
      if (attrInt(nd, 'ceil_mode', 0) !== 0) {
        const up = (s: number, p: number, k: number, d: number, st: number) => Math.ceil((s + p - d * (k - 1) - 1) / st) + 1;
        if (up(H, pads[0]! + pads[2]!, kh, dil[0]!, stride[0]!) !== outH || up(Wd, pads[1]! + pads[3]!, kw, dil[1]!, stride[1]!) !== outW) fail('ceil_mode = 1 with a partial last window is not supported', 'unsupported');
      }
      // Padding stands for −∞ in ONNX but a convolution pads with 0: the same only for values ≥ 0 (a ReLU's output).
      if (pads.some((p) => p !== 0) && !(x.ref >= 0 && layers[x.ref]!.type === 'relu')) fail('padding is supported only on the output of a Relu (values ≥ 0, where zero padding gives the same maximum)', 'unsupported');
      dense(C, C * kh * kw);
      // Each window position (p, q) is gathered by a convolution with a one-hot kernel; then pairwise
      // max(a, b) = a + relu(b − a), an exact rewrite whose ReLUs CROWN relaxes.
      let level: number[] = [];
      for (let p = 0; p < kh; p++) {
        for (let q = 0; q < kw; q++) {
          const weight = new Float64Array(C * C * kh * kw);
          for (let c = 0; c < C; c++) weight[(c * C + c) * kh * kw + p * kw + q] = 1;
          level.push(emit({ type: 'conv2d', inShape: [C, H, Wd], outChannels: C, kernel: [kh, kw], weight, bias: new Float64Array(C), stride, padding: pads, dilation: dil }, [x.ref]));
        }
      }
      while (level.length > 1) {
        const next: number[] = [];
        for (let i = 0; i + 1 < level.length; i += 2) {
          const r = emit({ type: 'relu' }, [emit({ type: 'sub' }, [level[i + 1]!, level[i]!])]);
          next.push(emit({ type: 'add' }, [level[i]!, r]));
        }
        if (level.length % 2) next.push(level[level.length - 1]!);
        level = next;
      }
      return { kind: 'val', ref: level[0]!, dims: [1, C, outH, outW] };
    }
    case 'ReduceMean':
    case 'ReduceSum': {
      const x = get(0, 'data');
      const r = x.dims.length;
      const given = attrInts(nd, 'axes') ?? (ins[1] ? Array.from(constant(1, 'axes').data) : undefined);
      if (given && given.length === 0 && attrInt(nd, 'noop_with_empty_axes', 0) === 1) return same(x, x.dims);
      const axes = (given && given.length > 0 ? given : Array.from({ length: r }, (_, a) => a)).map((a) => (a < 0 ? a + r : a));
      if (axes.some((a) => !(a >= 0 && a < r))) fail(`axes [${given?.join(', ')}] are out of range for rank ${r}`);
      const keep = attrInt(nd, 'keepdims', 1) === 1;
      const outFull = x.dims.map((d, a) => (axes.includes(a) ? 1 : d));
      const count = prod(x.dims) / prod(outFull);
      const w = op === 'ReduceMean' ? 1 / count : 1;
      const n = prod(x.dims), m = prod(outFull);
      const dst = new Int32Array(n);
      forEachIndex(x.dims, (i, flat) => (dst[flat] = flatIndex(outFull, i.map((v, a) => (axes.includes(a) ? 0 : v)))));
      const dims = keep ? outFull : x.dims.filter((_, a) => !axes.includes(a));
      if (x.kind === 'const') {
        const data = new Float64Array(m);
        dst.forEach((k, j) => (data[k]! += w * x.data[j]!));
        return { kind: 'const', dims, data };
      }
      dense(m, n);
      const W = new Float64Array(m * n);
      dst.forEach((k, j) => (W[k * n + j] = w));
      return { kind: 'val', ref: emit({ type: 'linear', weight: W, shape: [m, n], bias: new Float64Array(m) }, [x.ref]), dims };
    }
    case 'ConvTranspose': {
      const x = value(0, 'X');
      const Wc = constant(1, 'W');
      if (Wc.dims.length !== 4) fail(`only 2-D transposed convolutions are supported (W of shape [${Wc.dims.join(', ')}])`, 'unsupported');
      const xd = x.dims.length === 3 ? [1, ...x.dims] : x.dims;
      if (xd.length !== 4 || xd[0] !== 1) fail(`X must have shape [1, C, H, W] (got [${x.dims.join(', ')}])`);
      const [, C, H, Wd] = xd as [number, number, number, number];
      const group = attrInt(nd, 'group', 1);
      const [Cw, Kg, kh, kw] = Wc.dims as [number, number, number, number];
      if (Cw !== C || !(group >= 1) || C % group !== 0) fail(`W must have ${C} input channels, the channels of X, divisible by group ${group} (got shape [${Wc.dims.join(', ')}])`);
      const K = Kg * group;
      const stride = attrInts(nd, 'strides') ?? [1, 1];
      const dil = attrInts(nd, 'dilations') ?? [1, 1];
      const outPad = attrInts(nd, 'output_padding') ?? [0, 0];
      const autoPad = attrString(nd, 'auto_pad', 'NOTSET');
      if (autoPad !== 'NOTSET' && autoPad !== 'VALID') fail(`auto_pad ${autoPad} is not supported`, 'unsupported');
      const pads = autoPad === 'VALID' ? [0, 0, 0, 0] : (attrInts(nd, 'pads') ?? [0, 0, 0, 0]);
      const oH = stride[0]! * (H - 1) + outPad[0]! + (kh - 1) * dil[0]! + 1 - pads[0]! - pads[2]!;
      const oW = stride[1]! * (Wd - 1) + outPad[1]! + (kw - 1) * dil[1]! + 1 - pads[1]! - pads[3]!;
      const shape = attrInts(nd, 'output_shape');
      if (shape && (shape[shape.length - 2] !== oH || shape[shape.length - 1] !== oW)) fail('output_shape that differs from the one the pads give is not supported', 'unsupported');
      if (!(oH >= 1 && oW >= 1)) fail(`the output would be ${oH}×${oW}`);
      // Written out as the exact dense matrix: y[k, i·s + p·d − pad] += W[c, k', p, q]·x[c, i, j].
      const n = C * H * Wd, m = K * oH * oW;
      dense(m, n);
      const Wm = new Float64Array(m * n);
      const cg = C / group;
      for (let c = 0; c < C; c++) {
        const g = Math.floor(c / cg);
        for (let kk = 0; kk < Kg; kk++) {
          const k = g * Kg + kk;
          for (let i = 0; i < H; i++) for (let j = 0; j < Wd; j++) for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
            const oi = i * stride[0]! + p * dil[0]! - pads[0]!, oj = j * stride[1]! + q * dil[1]! - pads[1]!;
            if (oi < 0 || oi >= oH || oj < 0 || oj >= oW) continue;
            const at = ((k * oH + oi) * oW + oj) * n + (c * H + i) * Wd + j;
            Wm[at] = Wm[at]! + Wc.data[((c * Kg + kk) * kh + p) * kw + q]!;
          }
        }
      }
      const b = ins[2] ? constant(2, 'B').data : new Float64Array(K);
      if (b.length !== K) fail(`B must have ${K} entries, the output channels (got ${b.length})`);
      const bias = Float64Array.from({ length: m }, (_, o) => b[Math.floor(o / (oH * oW))]!);
      return { kind: 'val', ref: emit({ type: 'linear', weight: Wm, shape: [m, n], bias }, [x.ref]), dims: [1, K, oH, oW] };
    }
    default:
      return fail(`unsupported operator ${op || '(empty op_type)'} (supported: ${ONNX_OPS.join(', ')})`, 'unsupported');
  }
}

/**
 * Reads an ONNX model (the bytes of a .onnx file) as a bounds network: converts the graph to the
 * JSON format (rules in this module's header) and validates it with `parseNetwork`. The network
 * input is the flattened row-major input tensor without its batch dimension (size = product of the
 * other dims; [1, n], [1, 1, 1, n], [1, n, 1] and [1, C, H, W] all work), the output is the graph's
 * single output, flattened. Throws `OnnxError` (a ParameterError; `reason` 'malformed' |
 * 'unsupported' | 'shape', `node` / `opType` of the offending node) and never a raw protobuf error.
 */
export function loadOnnx(bytes: Uint8Array): BoundsNetwork {
  return parseNetwork(convert('loadOnnx', bytes));
}

// ------------------------------------------------------------------------------------------------
// exportOnnx

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions {
  /** Element type of the initializers and of the graph's input/output: 'float32' (default) or 'float64' (exact). */
  dtype?: 'float32' | 'float64';
  /** The graph's name (default 'proxkit'). */
  name?: string;
}

/** The parameters a layer of a validated network may carry (model.ts fields, plus the DAG ones). */
interface AnyLayer {
  type: string;
  inSize: number;
  outSize: number;
  weight?: Float64Array;
  bias?: Float64Array;
  scale?: Float64Array;
  shift?: Float64Array;
  alpha?: number;
  inputs?: readonly number[];
  conv?: ConvGeometry;
}

const ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_INTS = 7;

/**
 * Writes `model` as an ONNX model (IR 7, opset 13 — 20 when a gelu layer is written as ONNX Gelu — producer "proxkit") that `loadOnnx` reads back to
 * the same network: linear → Gemm (transB = 1, W as [out, in], bias as C), relu / leaky-relu /
 * sigmoid / tanh / softplus / softsign / elu → Relu / LeakyRelu / Sigmoid / Tanh / Softplus / Softsign / Elu, affine → Mul then Add by constants of the
 * value's shape, add / sub / mul → Add / Sub / Mul, conv2d → Conv (group 1), identity → Identity; Flatten and
 * Reshape nodes are inserted where a Gemm needs a [1, n] input or a Conv a [1, C, H, W] one. The
 * graph input is "input" of shape [1, ...inputShape] (e.g. [1, n] or [1, C, H, W]), the output
 * "output" of shape [1, m]. Layers the output does not depend on are written too (and ignored when read). With `dtype: 'float32'` (default) parameters are rounded to
 * float32; 'float64' stores them exactly (and types the input/output as DOUBLE).
 */
export function exportOnnx(model: BoundsNetwork | NetworkSpec, options?: ExportOnnxOptions): Uint8Array {
  const fn = 'exportOnnx';
  const o = readOptions(fn, options, optionKeys<ExportOnnxOptions>({ dtype: true, name: true }));
  const dtype = o.dtype ?? 'float32';
  const graphName = o.name ?? 'proxkit';
  if (typeof graphName !== 'string') throw parameterError(fn, 'options.name', 'a string', graphName);
  if (dtype !== 'float32' && dtype !== 'float64') throw new ParameterError(`${fn}: options.dtype must be 'float32' or 'float64' (got ${describe(dtype)})`);
  const net = toNetwork(fn, model);
  const elem = dtype === 'float32' ? FLOAT : DOUBLE;
  const layers = net.layers as unknown as AnyLayer[];
  const nodes: import('onnx-proto').onnx.INodeProto[] = [];
  const inits: ITensor[] = [];
  const tensor = (name: string, dims: readonly number[], a: ArrayLike<number>): string => {
    const width = elem === FLOAT ? 4 : 8;
    const raw = new Uint8Array(a.length * width);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < a.length; i++) {
      if (elem === DOUBLE) view.setFloat64(i * width, a[i]!, true);
      else if (Math.abs(Math.fround(a[i]!)) === Infinity) {
        throw new ParameterError(`${fn}: ${name} must fit in float32 (got ${a[i]} at index ${i}); use options.dtype 'float64'`);
      } else view.setFloat32(i * width, a[i]!, true);
    }
    inits.push({ name, dims: [...dims], dataType: elem, rawData: raw });
    return name;
  };
  const int64s = (name: string, a: readonly number[]): string => {
    inits.push({ name, dims: [a.length], dataType: INT64, int64Data: [...a] });
    return name;
  };
  const ints = (name: string, v: readonly number[]): IAttr => ({ name, type: ATTR_INTS, ints: [...v] });
  let counter = 0;
  const node = (opType: string, input: string[], attribute: IAttr[] = [], output = `v${counter}`): string => {
    nodes.push({ opType, input, output: [output], name: `${opType.toLowerCase()}_${counter++}`, attribute });
    return output;
  };
  const inDims = [1, ...(net.inputShape ?? [net.input])];
  // Name and dims of every value: index -1 is the input.
  const vals = new Map<number, { name: string; dims: number[] }>([[-1, { name: 'input', dims: inDims }]]);
  let opset = 13; // 20 when a gelu layer is written as ONNX Gelu
  const reshaped = (i: number, dims: number[]): string => {
    const v = vals.get(i)!;
    if (v.dims.join() === dims.join()) return v.name;
    if (dims.length === 2) return node('Flatten', [v.name], [{ name: 'axis', type: ATTR_INT, i: 1 }]);
    return node('Reshape', [v.name, int64s(`shape_${counter}`, dims)]);
  };
  layers.forEach((L, i) => {
    const from = L.inputs ?? [i - 1];
    const p = `l${i}`;
    let out: string;
    let dims: number[];
    const x = vals.get(from[0]!)!;
    switch (L.type) {
      case 'linear': {
        const a = reshaped(from[0]!, [1, L.inSize]);
        out = node('Gemm', [a, tensor(`${p}.weight`, [L.outSize, L.inSize], L.weight!), tensor(`${p}.bias`, [L.outSize], L.bias!)], [{ name: 'transB', type: ATTR_INT, i: 1 }]);
        dims = [1, L.outSize];
        break;
      }
      case 'relu': case 'sigmoid': case 'tanh': case 'softplus': case 'softsign': case 'erf':
        out = node({ relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softplus: 'Softplus', softsign: 'Softsign', erf: 'Erf' }[L.type]!, [x.name]);
        dims = x.dims;
        break;
      case 'elu':
        out = node('Elu', [x.name], [{ name: 'alpha', type: ATTR_FLOAT, f: L.alpha! }]);
        dims = x.dims;
        break;
      case 'gelu':
        out = node('Gelu', [x.name]); // an opset-20 operator
        opset = 20;
        dims = x.dims;
        break;
      case 'leaky-relu':
        out = node('LeakyRelu', [x.name], [{ name: 'alpha', type: ATTR_FLOAT, f: L.alpha! }]);
        dims = x.dims;
        break;
      case 'affine': {
        const m = node('Mul', [x.name, tensor(`${p}.scale`, x.dims, L.scale!)]);
        out = node('Add', [m, tensor(`${p}.shift`, x.dims, L.shift!)]);
        dims = x.dims;
        break;
      }
      case 'add': case 'sub': case 'mul': {
        const b = reshaped(from[1]!, x.dims);
        out = node(L.type === 'add' ? 'Add' : L.type === 'sub' ? 'Sub' : 'Mul', [x.name, b]);
        dims = x.dims;
        break;
      }
      case 'identity':
        out = node('Identity', [x.name]);
        dims = x.dims;
        break;
      case 'conv2d': {
        const g = L.conv!;
        const a = reshaped(from[0]!, [1, g.C, g.H, g.W]);
        const w = tensor(`${p}.weight`, [g.K, g.C, g.kh, g.kw], L.weight!);
        const b = tensor(`${p}.bias`, [g.K], L.bias ?? new Float64Array(g.K));
        const attrs = [ints('kernel_shape', [g.kh, g.kw]), ints('strides', [g.sh, g.sw]), ints('pads', [g.pt, g.pl, g.pb, g.pr]), ints('dilations', [g.dh, g.dw])];
        out = node('Conv', [a, w, b], [...attrs, { name: 'group', type: ATTR_INT, i: 1 }]);
        dims = [1, g.K, g.outH, g.outW];
        break;
      }
      default:
        throw new ParameterError(`${fn}: layers[${i}] has type ${L.type}, which has no ONNX export`);
    }
    vals.set(i, { name: out, dims });
  });
  const last = layers.length - 1;
  const outDims = [1, net.output];
  // The output is [1, m]: flatten the last value if needed, then name it "output".
  const final = reshaped(last, outDims); // last = -1 (the input) when there are no layers
  node('Identity', [final], [], 'output');
  const info = (name: string, dims: number[]): IValueInfo => ({ name, type: { tensorType: { elemType: elem, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const message: IModel = {
    irVersion: 7,
    producerName: 'proxkit',
    producerVersion: typeof PROXKIT_VERSION === 'string' ? PROXKIT_VERSION : '',
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: graphName, node: nodes, initializer: inits, input: [info('input', inDims)], output: [info('output', outDims)] },
  };
  const bytes = onnx.ModelProto.encode(onnx.ModelProto.fromObject(message)).finish();
  // protobufjs hands out a Node Buffer under Node (whose slice() is a view): return a plain Uint8Array.
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes);
}
