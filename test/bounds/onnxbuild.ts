/**
 * Test models for loadOnnx, encoded with onnx-proto's own encoder (independent of proxkit's exporter):
 * a graph of nodes, initializers in every storage form ONNX allows, and one input.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export interface Init {
  name: string;
  dims: number[];
  values: number[];
  /** Storage: float_data (default), double_data, int64_data, raw FLOAT / DOUBLE bytes, FLOAT16 bits in int32_data ('half') or raw bytes ('rawhalf'). */
  type?: 'float' | 'double' | 'int64' | 'raw32' | 'raw64' | 'half' | 'rawhalf';
}
export interface Build {
  input?: [string, (number | string)[]];
  nodes: { op: string; name?: string; in: string[]; out: string[]; attrs?: Record<string, number | number[] | string | { float: number } | { floats: number[] }> }[];
  inits?: Init[];
  output?: string;
  opset?: number;
  ir?: number;
  /** IR-3 style: list every initializer among the graph inputs, before the real input. */
  initsAsInputs?: boolean;
}

/**
 * The binary16 bits of v, for values binary16 holds exactly (normal or subnormal; throws otherwise), from the
 * format's definition: sign, 5-bit exponent biased by 15, 10-bit fraction.
 */
export function halfBits(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === 0) return sign;
  const e = Math.max(Math.floor(Math.log2(a)), -14);
  const f = e === -14 && a < 2 ** -14 ? a / 2 ** -24 : (a / 2 ** e - 1) * 1024;
  if (!Number.isInteger(f) || e > 15) throw new Error(`${v} is not exactly a binary16 value`);
  return sign | (a < 2 ** -14 ? 0 : (e + 15) << 10) | f;
}

export function tensorOf(t: Init): import('onnx-proto').onnx.ITensorProto {
  const type = t.type ?? 'float';
  if (type === 'half') return { name: t.name, dims: t.dims, dataType: 10, int32Data: t.values.map(halfBits) };
  if (type === 'rawhalf') {
    const raw = new Uint8Array(t.values.length * 2);
    t.values.forEach((v, i) => new DataView(raw.buffer).setUint16(2 * i, halfBits(v), true));
    return { name: t.name, dims: t.dims, dataType: 10, rawData: raw };
  }
  if (type === 'raw32' || type === 'raw64') {
    const w = type === 'raw32' ? 4 : 8;
    const raw = new Uint8Array(t.values.length * w);
    const dv = new DataView(raw.buffer);
    t.values.forEach((v, i) => (w === 4 ? dv.setFloat32(i * 4, v, true) : dv.setFloat64(i * 8, v, true)));
    return { name: t.name, dims: t.dims, dataType: w === 4 ? 1 : 11, rawData: raw };
  }
  if (type === 'int64') return { name: t.name, dims: t.dims, dataType: 7, int64Data: t.values };
  if (type === 'double') return { name: t.name, dims: t.dims, dataType: 11, doubleData: t.values };
  return { name: t.name, dims: t.dims, dataType: 1, floatData: t.values };
}

export function build(b: Build): Uint8Array {
  const [inName, inDims] = b.input ?? ['x', [1, 3]];
  const vi = (name: string, dims: (number | string)[]) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const inits = b.inits ?? [];
  const attr = (name: string, v: number | number[] | string | { float: number } | { floats: number[] }) =>
    typeof v === 'number' ? { name, type: 2, i: v }
      : Array.isArray(v) ? { name, type: 7, ints: v }
        : typeof v === 'string' ? { name, type: 3, s: new TextEncoder().encode(v) }
          : 'float' in v ? { name, type: 1, f: v.float } : { name, type: 6, floats: v.floats };
  const model = {
    irVersion: b.ir ?? 7,
    opsetImport: [{ domain: '', version: b.opset ?? 13 }],
    graph: {
      name: 'g',
      node: b.nodes.map((n, k) => ({ opType: n.op, name: n.name ?? `n${k}`, input: n.in, output: n.out, attribute: Object.entries(n.attrs ?? {}).map(([a, v]) => attr(a, v)) })),
      initializer: inits.map(tensorOf),
      input: [...(b.initsAsInputs ? inits.map((t) => vi(t.name, t.dims)) : []), vi(inName, inDims)],
      output: [vi(b.output ?? 'y', [1, 1])],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}

