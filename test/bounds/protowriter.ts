/**
 * A tiny protobuf encoder written from the wire-format spec (https://protobuf.dev/programming-guides/encoding/),
 * for building ONNX files independently of onnx-proto and of proxkit's exporter. A message is a list
 * of fields; field numbers come from onnx.proto (checked against node_modules/onnx-proto/dist/onnx.js).
 */

/** Base-128 varint (little-endian groups of 7 bits, high bit = more); negative int64 as 10-byte two's complement. */
export function varint(v: number | bigint): number[] {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x !== 0n) b |= 0x80;
    out.push(b);
  } while (x !== 0n);
  return out;
}

const key = (field: number, wire: number): number[] => varint((field << 3) | wire);

/** A field: wire type 0 (varint), 1 (64-bit), 2 (length-delimited), 5 (32-bit). */
export type Field = number[];

export const int = (field: number, v: number | bigint): Field => [...key(field, 0), ...varint(v)];
export const bytes = (field: number, b: ArrayLike<number>): Field => [...key(field, 2), ...varint(b.length), ...Array.from(b)];
export const str = (field: number, s: string): Field => bytes(field, new TextEncoder().encode(s));
export const msg = (field: number, ...fields: Field[]): Field => bytes(field, fields.flat());
export const fixed32f = (field: number, v: number): Field => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return [...key(field, 5), ...b];
};
/** Packed repeated float (wire type 2 holding consecutive little-endian float32). */
export const packedFloats = (field: number, vs: number[]): Field => {
  const b = new Uint8Array(4 * vs.length);
  vs.forEach((v, i) => new DataView(b.buffer).setFloat32(4 * i, v, true));
  return bytes(field, b);
};
export const float32Bytes = (vs: number[]): Uint8Array => {
  const b = new Uint8Array(4 * vs.length);
  vs.forEach((v, i) => new DataView(b.buffer).setFloat32(4 * i, v, true));
  return b;
};
export const float64Bytes = (vs: number[]): Uint8Array => {
  const b = new Uint8Array(8 * vs.length);
  vs.forEach((v, i) => new DataView(b.buffer).setFloat64(8 * i, v, true));
  return b;
};
export const encode = (...fields: Field[]): Uint8Array => Uint8Array.from(fields.flat());

// onnx.proto field numbers.
export const Model = { irVersion: 1, graph: 7, opsetImport: 8 } as const;
export const OpsetId = { domain: 1, version: 2 } as const;
export const Graph = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
export const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;
export const Tensor = { dims: 1, dataType: 2, floatData: 4, int64Data: 7, name: 8, rawData: 9, doubleData: 10 } as const;
export const ValueInfo = { name: 1, type: 2 } as const;
export const TypeProto = { tensorType: 1 } as const;
export const TensorType = { elemType: 1, shape: 2 } as const;
export const Shape = { dim: 1 } as const;
export const Dim = { dimValue: 1, dimParam: 2 } as const;
export const Attr = { name: 1, f: 2, i: 3, s: 4, t: 5, ints: 8, type: 20 } as const;
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, INTS: 7 } as const;
export const DataType = { FLOAT: 1, INT64: 7, DOUBLE: 11 } as const;

/** A ValueInfoProto of a FLOAT tensor (dims as numbers; a string is a symbolic dim_param). */
export function valueInfo(field: number, name: string, dims: (number | string)[], elem: number = DataType.FLOAT): Field {
  const dimFields = dims.map((d) => msg(Shape.dim, typeof d === 'number' ? int(Dim.dimValue, d) : str(Dim.dimParam, d)));
  return msg(field, str(ValueInfo.name, name), msg(ValueInfo.type, msg(TypeProto.tensorType, int(TensorType.elemType, elem), msg(TensorType.shape, ...dimFields))));
}

/** A NodeProto. */
export function node(opType: string, name: string, inputs: string[], outputs: string[], ...attributes: Field[][]): Field {
  return msg(Graph.node, ...inputs.map((i) => str(Node.input, i)), ...outputs.map((o) => str(Node.output, o)), str(Node.name, name), str(Node.opType, opType), ...attributes.map((a) => msg(Node.attribute, ...a)));
}

export const attrInt = (name: string, v: number): Field[] => [str(Attr.name, name), int(Attr.i, v), int(Attr.type, AttrType.INT)];
export const attrFloat = (name: string, v: number): Field[] => [str(Attr.name, name), fixed32f(Attr.f, v), int(Attr.type, AttrType.FLOAT)];
/** Repeated int64, written unpacked (one key per element), which decoders must accept too. */
export const attrInts = (name: string, vs: number[]): Field[] => [str(Attr.name, name), ...vs.map((v) => int(Attr.ints, v)), int(Attr.type, AttrType.INTS)];
export const attrString = (name: string, s: string): Field[] => [str(Attr.name, name), str(Attr.s, s), int(Attr.type, AttrType.STRING)];
