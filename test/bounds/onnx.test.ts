import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError, ProxkitError, computeBounds, evaluateNetwork, init, memoryStats, parseNetwork, parseVnnlib, verify,
  type LayerSpec, type NetworkSpec,
} from '../../bindings/index.js';
import { ONNX_OPS, OnnxError, exportOnnx, loadOnnx, onnxToSpec } from '../../bindings/onnx.js';
import { firstBitDifference, randomVector, uniforms } from '../helpers.js';
import { build, type Init } from './onnxbuild.js';
import * as pw from './protowriter.js';
import { forwardRef, randomNet } from './reference.js';

const { onnx } = onnxProto;
const graphOf = (m: import('onnx-proto').onnx.ModelProto) => m.graph as import('onnx-proto').onnx.GraphProto;
beforeAll(() => init());

// ---------------------------------------------------------------------------------------------
// Building test models with onnx-proto's own encoder (independent of proxkit's exporter).

/** Asserts an OnnxError (a ParameterError) with this reason whose message contains every piece of `text`. */
function expectOnnxError(f: () => unknown, reason: OnnxError['reason'], ...text: string[]): OnnxError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(OnnxError);
  expect(err).toBeInstanceOf(ParameterError);
  const e = err as OnnxError;
  expect(e.reason).toBe(reason);
  expect(e.code).toBe('ERR_PARAMETER');
  expect(e.message.startsWith('loadOnnx: ')).toBe(true);
  for (const t of text) expect(e.message).toContain(t);
  return e;
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
};

/** W (m×n, row-major nested) · x + b, written out plainly. */
const affineRef = (W: number[][], b: number[], x: number[]): number[] => W.map((row, i) => row.reduce((s, w, j) => s + w * x[j]!, b[i]!));

// ---------------------------------------------------------------------------------------------

describe('loadOnnx on a hand-assembled IR-3 protobuf', () => {
  // Built byte by byte (test/bounds/protowriter.ts): neither onnx-proto's encoder nor exportOnnx is involved.
  // x (1×1×1×3) → Reshape [1, -1] → Gemm(α=2, β=0.5, transB) → Relu → MatMul (W2 [in, out], raw float32)
  // → Add b2 → Mul by a Constant node (constant first) → Sub 1 → Div 4 → Sub from 3 (constant first) → LeakyRelu(0.5).
  const { Model, OpsetId, Graph, Tensor, DataType } = pw;
  const tensor = (name: string, dims: number[], ...data: pw.Field[]): pw.Field =>
    pw.msg(Graph.initializer, ...dims.map((d) => pw.int(Tensor.dims, d)), ...data, pw.str(Tensor.name, name));
  const inits: [string, number[], pw.Field[]][] = [
    ['shape', [2], [pw.int(Tensor.dataType, DataType.INT64), pw.int(Tensor.int64Data, 1), pw.int(Tensor.int64Data, -1)]],
    ['B', [2, 3], [pw.int(Tensor.dataType, DataType.FLOAT), pw.packedFloats(Tensor.floatData, [1, 0, 1, 0, 1, -1])]],
    ['C', [2], [pw.int(Tensor.dataType, DataType.FLOAT), pw.packedFloats(Tensor.floatData, [2, -4])]],
    ['W2', [2, 2], [pw.int(Tensor.dataType, DataType.FLOAT), pw.bytes(Tensor.rawData, pw.float32Bytes([0.5, 1, 2, -1]))]],
    ['b2', [2], [pw.int(Tensor.dataType, DataType.DOUBLE), pw.bytes(Tensor.rawData, pw.float64Bytes([1, -1]))]],
    ['one', [1], [pw.int(Tensor.dataType, DataType.FLOAT), pw.packedFloats(Tensor.floatData, [1])]],
    ['four', [], [pw.int(Tensor.dataType, DataType.FLOAT), pw.packedFloats(Tensor.floatData, [4])]],
    ['three', [1, 1], [pw.int(Tensor.dataType, DataType.FLOAT), pw.packedFloats(Tensor.floatData, [3])]],
  ];
  const two = [pw.str(pw.Attr.name, 'value'), pw.msg(pw.Attr.t, pw.int(Tensor.dataType, DataType.FLOAT), pw.bytes(Tensor.rawData, pw.float32Bytes([2]))), pw.int(pw.Attr.type, pw.AttrType.TENSOR)];
  const graph = pw.msg(
    Model.graph,
    pw.node('Reshape', 'flat', ['x', 'shape'], ['r']),
    pw.node('Gemm', 'fc1', ['r', 'B', 'C'], ['g'], pw.attrFloat('alpha', 2), pw.attrFloat('beta', 0.5), pw.attrInt('transB', 1)),
    pw.node('Relu', 'act1', ['g'], ['h']),
    pw.node('MatMul', 'fc2', ['h', 'W2'], ['m']),
    pw.node('Add', 'fc2_bias', ['m', 'b2'], ['a']),
    pw.node('Constant', 'two', [], ['c2'], two),
    pw.node('Mul', 'double', ['c2', 'a'], ['q']),
    pw.node('Sub', 'minus1', ['q', 'one'], ['s']),
    pw.node('Div', 'quarter', ['s', 'four'], ['d']),
    pw.node('Sub', 'flip', ['three', 'd'], ['f']),
    pw.node('LeakyRelu', 'out', ['f'], ['y'], pw.attrFloat('alpha', 0.5)),
    pw.str(Graph.name, 'hand'),
    ...inits.map(([n, d, data]) => tensor(n, d, ...data)),
    // IR 3: every initializer is also a graph input; the real input comes last, with a symbolic batch dim.
    ...inits.map(([n, d]) => pw.valueInfo(Graph.input, n, d, n === 'shape' ? DataType.INT64 : DataType.FLOAT)),
    pw.valueInfo(Graph.input, 'x', ['N', 1, 1, 3]),
    pw.valueInfo(Graph.output, 'y', ['N', 2]),
  );
  const bytes = pw.encode(pw.int(Model.irVersion, 3), pw.msg(Model.opsetImport, pw.str(OpsetId.domain, ''), pw.int(OpsetId.version, 8)), graph);

  it('the writer agrees with onnx-proto on what it wrote (field numbers checked)', () => {
    const m = onnx.ModelProto.decode(bytes);
    expect(Number(m.irVersion)).toBe(3);
    expect(graphOf(m).node.map((n) => n.opType)).toEqual(['Reshape', 'Gemm', 'Relu', 'MatMul', 'Add', 'Constant', 'Mul', 'Sub', 'Div', 'Sub', 'LeakyRelu']);
    expect(graphOf(m).input.map((v) => v.name)).toEqual(['shape', 'B', 'C', 'W2', 'b2', 'one', 'four', 'three', 'x']);
    expect((graphOf(m).node[1]!.attribute ?? []).map((a) => [a.name, a.type])).toEqual([['alpha', 1], ['beta', 1], ['transB', 2]]);
  });

  it('evaluates to the hand-computed outputs', () => {
    const net = loadOnnx(bytes);
    expect([net.input, net.output]).toEqual([3, 2]);
    // x = (1, −2, 3): Bx = (4, −5); 2·Bx + 0.5·C = (9, −12); relu (9, 0); ·W2 = (4.5, 9); +b2 (5.5, 8);
    // ·2 (11, 16); −1 (10, 15); /4 (2.5, 3.75); 3 − · = (0.5, −0.75); leaky 0.5: (0.5, −0.375).
    expect(Array.from(evaluateNetwork(net, [1, -2, 3]))).toEqual([0.5, -0.375]);
    // x = (0, 1, 0): Bx = (0, 1); (1, 0); relu (1, 0); (0.5, 1); (1.5, 0); (3, 0); (2, −1); (0.5, −0.25); (2.5, 3.25).
    expect(Array.from(evaluateNetwork(net, [0, 1, 0]))).toEqual([2.5, 3.25]);
    // x = (−1, 0, 0): Bx = (−1, 0); (−1, −2); relu 0; (0, 0); (1, −1); (2, −2); (1, −3); (0.25, −0.75); (2.75, 3.75).
    expect(Array.from(evaluateNetwork(net, [-1, 0, 0]))).toEqual([2.75, 3.75]);
  });

  it('folds MatMul + Add into one linear layer and the constant arithmetic into affine layers', () => {
    const spec = onnxToSpec(bytes);
    expect(spec.layers.map((l) => l.type)).toEqual(['linear', 'relu', 'linear', 'affine', 'affine', 'affine', 'leaky-relu']);
    const fc2 = spec.layers[2] as unknown as { weight: Float64Array; bias: Float64Array };
    expect(Array.from(fc2.weight)).toEqual([0.5, 2, 1, -1]); // W2ᵀ: out × in
    expect(Array.from(fc2.bias)).toEqual([1, -1]);
  });
});

describe('exportOnnx / loadOnnx round trips', () => {
  const acts: LayerSpec['type'][][] = [['relu'], ['leaky-relu', 'tanh'], ['sigmoid', 'affine', 'relu']];
  it('float64 export reads back to a network that evaluates bit-identically (seeded random chains)', () => {
    for (let seed = 1; seed <= 9; seed++) {
      const widths = [1 + (seed % 4), 3 + seed, 2 + (seed % 3), 1 + (seed % 2)];
      // ONNX's LeakyRelu alpha is a float32 attribute: the one parameter that cannot round-trip in float64.
      const spec = randomNet(seed, widths, acts[seed % 3]);
      spec.layers.forEach((L) => L.type === 'leaky-relu' && (L.alpha = Math.fround(L.alpha)));
      const net = parseNetwork(spec);
      const back = loadOnnx(exportOnnx(net, { dtype: 'float64' }));
      expect(back.layers.map((l) => l.type)).toEqual(net.layers.map((l) => l.type));
      for (let t = 0; t < 5; t++) {
        const x = randomVector(100 * seed + t, widths[0]!);
        const y = evaluateNetwork(back, x);
        expect(firstBitDifference(y, evaluateNetwork(net, x))).toBe(-1);
        close(y, forwardRef(spec, x), 1e-12); // and both agree with the plain-TS reference
      }
    }
  });

  it('float32 export equals the network with every parameter rounded to float32 (exactly)', () => {
    for (let seed = 11; seed <= 15; seed++) {
      const spec = randomNet(seed, [4, 7, 5, 3], acts[seed % 3]);
      const rounded = JSON.parse(JSON.stringify(spec, (k, v) => (typeof v === 'number' && k !== 'input' ? Math.fround(v) : v))) as NetworkSpec;
      const back = loadOnnx(exportOnnx(spec));
      for (let t = 0; t < 5; t++) {
        const x = randomVector(7 * seed + t, 4);
        expect(firstBitDifference(evaluateNetwork(back, x), evaluateNetwork(rounded, x))).toBe(-1);
      }
    }
  });

  it('writes an opset-13 model that onnx-proto decodes, with Gemm(transB) and Mul/Add for affine', () => {
    const spec: NetworkSpec = { input: 2, layers: [{ type: 'linear', weight: [[1, 2], [3, 4], [5, 6]], bias: [0, 1, 2] }, { type: 'leaky-relu', alpha: 0.2 }, { type: 'affine', scale: [1, 2, 3], shift: [0, 0, 1] }] };
    const m = onnx.ModelProto.decode(exportOnnx(spec));
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
    expect(graphOf(m).node.map((n) => n.opType)).toEqual(['Gemm', 'LeakyRelu', 'Mul', 'Add', 'Identity']);
    expect(graphOf(m).input.map((v) => (v.type!.tensorType!.shape!.dim ?? []).map((d) => Number(d.dimValue)))).toEqual([[1, 2]]);
    expect(graphOf(m).output.map((v) => v.name)).toEqual(['output']);
    expect(graphOf(m).initializer.map((t) => [t.name, (t.dims ?? []).map(Number), t.dataType])).toEqual([
      ['l0.weight', [3, 2], 1], ['l0.bias', [3], 1], ['l2.scale', [1, 3], 1], ['l2.shift', [1, 3], 1],
    ]);
  });

  it('rejects a bad dtype and parameters beyond the float32 range', () => {
    const big: NetworkSpec = { input: 1, layers: [{ type: 'linear', weight: [[1e39]] }] };
    expect(() => exportOnnx(big)).toThrow(ParameterError);
    expect(() => exportOnnx(big)).toThrow("exportOnnx: l0.weight must fit in float32 (got 1e+39 at index 0); use options.dtype 'float64'");
    expect(Array.from(evaluateNetwork(loadOnnx(exportOnnx(big, { dtype: 'float64' })), [2]))).toEqual([2e39]);
    expect(() => exportOnnx({ input: 1, layers: [] }, { dtype: 'int8' as 'float32' })).toThrow(ParameterError);
    expect(() => exportOnnx({ input: 1, layers: [] }, { dtype: 'int8' as 'float32' })).toThrow("exportOnnx: options.dtype must be 'float32' or 'float64' (got \"int8\")");
  });
});

describe('loadOnnx: shapes and operators of real exporters', () => {
  const W = [[1, -1, 2], [0.5, 0, -3]];
  const b = [0.25, -1];
  const gemm = { op: 'Gemm', in: ['f', 'W', 'b'], out: ['y'], attrs: { transB: 1 } };
  const gemmInits: Init[] = [{ name: 'W', dims: [2, 3], values: W.flat() }, { name: 'b', dims: [2], values: b }];
  const x = [0.5, -2, 1.5];
  const expected = affineRef(W, b, x);

  it.each([
    ['[1, n]', [1, 3]],
    ['[1, 1, 1, n]', [1, 1, 1, 3]],
    ['[1, n, 1]', [1, 3, 1]],
    ['[N, n] (symbolic batch)', ['batch', 3]],
  ] as [string, (number | string)[]][])('input %s flattened before a Gemm', (_, dims) => {
    const bytes = build({ input: ['x', dims], nodes: [{ op: 'Flatten', in: ['x'], out: ['f'] }, gemm], inits: gemmInits });
    const net = loadOnnx(bytes);
    expect(net.input).toBe(3);
    close(evaluateNetwork(net, x), expected, 1e-7);
  });

  it('a [1, n, 1] input multiplied from the left (MatMul(W, x)) and a [1, C, H, W] input', () => {
    const bytes = build({
      input: ['x', [1, 3, 1]],
      nodes: [{ op: 'MatMul', in: ['W', 'x'], out: ['m'] }, { op: 'Squeeze', in: ['m'], out: ['s'], attrs: { axes: [2] } }, { op: 'Add', in: ['s', 'b'], out: ['y'] }],
      inits: gemmInits, opset: 11,
    });
    const spec = onnxToSpec(bytes);
    expect(spec.layers.map((l) => l.type)).toEqual(['linear']);
    close(evaluateNetwork(parseNetwork(spec), x), expected, 1e-7);
    // [1, 2, 1, 2] → Flatten → Gemm over 4 inputs.
    const W4 = [[1, 2, 3, 4], [-1, 0, 1, 0]];
    const net = loadOnnx(build({ input: ['x', [1, 2, 1, 2]], nodes: [{ op: 'Flatten', in: ['x'], out: ['f'] }, gemm], inits: [{ name: 'W', dims: [2, 4], values: W4.flat() }, { name: 'b', dims: [2], values: b }] }));
    close(evaluateNetwork(net, [1, 2, 3, 4]), affineRef(W4, b, [1, 2, 3, 4]), 1e-7);
  });

  it('Gemm with transA, without transB, alpha and beta; MatMul over a row vector [1, n]', () => {
    // transA on a value reshaped to [n, 1]; B stored [in, out] (transB = 0).
    const Bt = [[1, 0.5], [-1, 0], [2, -3]]; // = Wᵀ
    const bytes = build({
      nodes: [{ op: 'Reshape', in: ['x', 'col'], out: ['xc'] }, { op: 'Gemm', in: ['xc', 'B', 'c'], out: ['y'], attrs: { transA: 1, alpha: { float: 0.5 }, beta: { float: 4 } } }],
      inits: [{ name: 'B', dims: [3, 2], values: Bt.flat() }, { name: 'c', dims: [1, 2], values: b }, { name: 'col', dims: [2], values: [3, 1], type: 'int64' }],
    });
    close(evaluateNetwork(loadOnnx(bytes), x), affineRef(W.map((r) => r.map((v) => 0.5 * v)), b.map((v) => 4 * v), x), 1e-7);
    const mm = build({ nodes: [{ op: 'MatMul', in: ['x', 'B'], out: ['m'] }, { op: 'Add', in: ['bias', 'm'], out: ['y'] }], inits: [{ name: 'B', dims: [3, 2], values: Bt.flat(), type: 'raw64' }, { name: 'bias', dims: [2], values: b, type: 'double' }] });
    expect(Array.from(evaluateNetwork(loadOnnx(mm), x))).toEqual(expected);
  });

  it('BatchNormalization folds into an affine layer, per channel over H·W', () => {
    const [g, beta, mu, v] = [[2, 0.5], [1, -1], [0.5, -2], [3, 0.25]];
    const eps = 1e-3;
    const bytes = build({
      input: ['x', [1, 2, 1, 2]],
      nodes: [{ op: 'BatchNormalization', in: ['x', 'g', 'beta', 'mu', 'v'], out: ['n'], attrs: { epsilon: { float: eps } } }, { op: 'Flatten', in: ['n'], out: ['y'] }],
      inits: [['g', g], ['beta', beta], ['mu', mu], ['v', v]].map(([name, values]) => ({ name: name as string, dims: [2], values: values as number[], type: 'double' as const })),
    });
    const xin = [1, -1, 2, 3];
    const epsF = Math.fround(eps); // the attribute is a float32
    const want = xin.map((z, i) => { const c = i < 2 ? 0 : 1; return (g[c]! * (z - mu[c]!)) / Math.sqrt(v[c]! + epsF) + beta[c]!; });
    close(evaluateNetwork(loadOnnx(bytes), xin), want, 1e-12);
  });

  it('Constant nodes (value_floats), opset-13 Squeeze/Unsqueeze axes inputs, Dropout, Identity, Cast to FLOAT', () => {
    const bytes = build({
      nodes: [
        { op: 'Constant', in: [], out: ['k'], attrs: { value_floats: { floats: [2, -1] } } },
        { op: 'Unsqueeze', in: ['x', 'ax'], out: ['u'] }, // [1, 1, 3]
        { op: 'Squeeze', in: ['u', 'ax'], out: ['s'] },
        { op: 'Dropout', in: ['s'], out: ['d', 'mask'] },
        { op: 'Identity', in: ['d'], out: ['i0'] },
        { op: 'Cast', in: ['i0'], out: ['i'], attrs: { to: 1 } },
        { ...gemm, in: ['i', 'W', 'b'], out: ['g'] },
        { op: 'Mul', in: ['g', 'k'], out: ['y'] },
      ],
      inits: [...gemmInits, { name: 'ax', dims: [1], values: [1], type: 'int64' }],
    });
    const net = loadOnnx(bytes);
    close(evaluateNetwork(net, x), [2 * expected[0]!, -expected[1]!], 1e-7);
  });

  it("PyTorch's x.view(x.size(0), -1): Shape → Gather → Unsqueeze → Concat → Reshape is folded", () => {
    const bytes = build({
      input: ['x', [1, 1, 3]],
      nodes: [
        { op: 'Shape', in: ['x'], out: ['sh'] },
        { op: 'Gather', in: ['sh', 'zero'], out: ['n0'], attrs: { axis: 0 } },
        { op: 'Unsqueeze', in: ['n0'], out: ['n1'], attrs: { axes: [0] } },
        { op: 'Concat', in: ['n1', 'minus1'], out: ['shape'], attrs: { axis: 0 } },
        { op: 'Reshape', in: ['x', 'shape'], out: ['f'] },
        gemm,
      ],
      inits: [...gemmInits, { name: 'zero', dims: [], values: [0], type: 'int64' }, { name: 'minus1', dims: [1], values: [-1], type: 'int64' }],
      opset: 9,
    });
    close(evaluateNetwork(loadOnnx(bytes), x), expected, 1e-7);
  });

  it('ignores nodes the output does not depend on; Sigmoid and Tanh', () => {
    const bytes = build({
      nodes: [
        { op: 'Softmax', in: ['x'], out: ['unused'] },
        { op: 'Gemm', in: ['x', 'W', 'b'], out: ['g'], attrs: { transB: 1 } },
        { op: 'Sigmoid', in: ['g'], out: ['s'] },
        { op: 'Tanh', in: ['s'], out: ['y'] },
      ],
      inits: gemmInits,
    });
    close(evaluateNetwork(loadOnnx(bytes), x), expected.map((z) => Math.tanh(1 / (1 + Math.exp(-z)))), 1e-7);
  });

  it('Transpose of a computed value (a permutation layer, or nothing when only size-1 axes move), of constants; Neg', () => {
    // x [1, 2, 3] → perm [0, 2, 1] → t [1, 3, 2] with t[j][i] = x[i][j] → Flatten → Neg.
    const bytes = build({
      input: ['x', [1, 2, 3]],
      nodes: [
        { op: 'Transpose', in: ['x'], out: ['s'], attrs: { perm: [1, 0, 2] } }, // [2, 1, 3]: same flat order
        { op: 'Transpose', in: ['s'], out: ['u'], attrs: { perm: [1, 0, 2] } },
        { op: 'Transpose', in: ['u'], out: ['t'], attrs: { perm: [0, 2, 1] } },
        { op: 'Flatten', in: ['t'], out: ['f'] },
        { op: 'Neg', in: ['f'], out: ['y'] },
      ],
    });
    const spec = onnxToSpec(bytes);
    expect(spec.layers.map((l) => l.type)).toEqual(['linear', 'affine']);
    const xin = [1, 2, 3, 4, 5, 6]; // x[0] = (1, 2, 3), x[1] = (4, 5, 6)
    expect(Array.from(evaluateNetwork(parseNetwork(spec), xin))).toEqual([-1, -4, -2, -5, -3, -6]);
    // A constant transposed before a MatMul: x · Transpose(W) = (W x)ᵀ.
    const mm = build({ nodes: [{ op: 'Transpose', in: ['Ws'], out: ['Wt'] }, { op: 'MatMul', in: ['x', 'Wt'], out: ['y'] }], inits: [{ name: 'Ws', dims: [2, 3], values: W.flat() }] });
    close(evaluateNetwork(loadOnnx(mm), x), affineRef(W, [0, 0], x), 1e-7);
    expectOnnxError(() => loadOnnx(build({ nodes: [{ op: 'Transpose', name: 'tp', in: ['x'], out: ['y'], attrs: { perm: [0, 0] } }] })), 'malformed', 'node "tp" (Transpose): perm must be a permutation of 0…1 (got [0, 0])');
  });

  it('leaves WASM memory as it found it', () => {
    const before = memoryStats().allocatedBytes;
    const net = loadOnnx(exportOnnx(randomNet(3, [3, 8, 2]), { dtype: 'float64' }));
    evaluateNetwork(net, [1, 2, 3]);
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});

describe('loadOnnx typed errors', () => {
  const good = exportOnnx(randomNet(5, [3, 4, 2]));

  it('malformed bytes: truncated, empty, garbage, no graph, not a Uint8Array', () => {
    expectOnnxError(() => loadOnnx(good.slice(0, good.length - 9)), 'malformed', 'bytes are not an ONNX ModelProto (protobuf: ');
    expectOnnxError(() => loadOnnx(new Uint8Array(0)), 'malformed', 'bytes must be a non-empty ONNX ModelProto (got 0 bytes)');
    expectOnnxError(() => loadOnnx(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), 'malformed', 'bytes are not an ONNX ModelProto');
    expectOnnxError(() => loadOnnx(pw.encode(pw.int(pw.Model.irVersion, 7))), 'malformed', 'loadOnnx: the model has no graph');
    expect(() => loadOnnx([1, 2] as unknown as Uint8Array)).toThrow('loadOnnx: bytes must be a Uint8Array (got array of length 2)');
  });

  it('seeded byte mutations and truncations only ever give a network or a typed error', () => {
    const conv = exportOnnx({ input: [1, 4, 4], layers: [{ type: 'conv2d', inShape: [1, 4, 4], outChannels: 2, kernel: [2, 2], weight: [1, 2, 3, 4, 5, 6, 7, 8] }, { type: 'relu' }, { type: 'linear', weight: [new Array(18).fill(0.5)] }] });
    const u = uniforms(77);
    const outcomes = { ok: 0, typed: 0 };
    for (const base of [good, conv]) {
      for (let t = 0; t < 400; t++) {
        const b = base.slice(0, t % 4 === 0 ? Math.floor(u() * base.length) : base.length);
        for (let k = 0; k < 1 + (t % 3); k++) if (b.length > 0) b[Math.floor(u() * b.length)] = Math.floor(u() * 256);
        try {
          loadOnnx(b);
          outcomes.ok++;
        } catch (e) {
          if (!(e instanceof ProxkitError)) throw new Error(`mutation ${t}: untyped ${(e as Error).name}: ${(e as Error).message}`);
          outcomes.typed++;
        }
      }
    }
    expect(outcomes.ok).toBeGreaterThan(0); // mutations inside weights still load
    expect(outcomes.typed).toBeGreaterThan(0);
  });

  it('an unsupported operator names the op and the node', () => {
    const bytes = build({ nodes: [{ op: 'Gemm', name: 'fc', in: ['x', 'W', 'b'], out: ['g'], attrs: { transB: 1 } }, { op: 'Softmax', name: 'probs', in: ['g'], out: ['y'] }], inits: [{ name: 'W', dims: [2, 3], values: [1, 2, 3, 4, 5, 6] }, { name: 'b', dims: [2], values: [0, 0] }] });
    const e = expectOnnxError(() => loadOnnx(bytes), 'unsupported', 'loadOnnx: node "probs" (Softmax): unsupported operator Softmax (supported: Gemm, MatMul, Conv');
    expect([e.node, e.opType]).toEqual(['probs', 'Softmax']);
    // Quotients of two computed values are refused; matrix sizes must match; groups must divide the channels.
    expectOnnxError(() => loadOnnx(build({ nodes: [{ op: 'Div', name: 'q', in: ['x', 'x'], out: ['y'] }] })), 'unsupported', 'node "q" (Div): Div of two computed values is not supported');
    expectOnnxError(() => loadOnnx(build({ nodes: [{ op: 'Cast', name: 'ci', in: ['x'], out: ['y'], attrs: { to: 7 } }] })), 'unsupported', 'node "ci" (Cast): Cast of a computed value to INT64 is not supported (FLOAT and DOUBLE are)');
    expectOnnxError(() => loadOnnx(build({ nodes: [{ op: 'MatMul', name: 'mm', in: ['x', 'x'], out: ['y'] }] })), 'shape', 'node "mm" (MatMul): A [m, n] and B [n, q] must be matrices of matching sizes (got [1, 3] and [1, 3])');
    expectOnnxError(() => loadOnnx(build({ input: ['x', [1, 1, 3, 3]], nodes: [{ op: 'Conv', name: 'c1', in: ['x', 'w'], out: ['y'], attrs: { group: 2 } }], inits: [{ name: 'w', dims: [1, 1, 2, 2], values: [1, 1, 1, 1] }] })), 'shape', 'node "c1" (Conv): group 2 must divide the 1 input and 1 output channels');
  });

  it('ONNX_OPS lists exactly the operators with a converter', () => {
    const reached = (op: string): boolean => {
      try {
        loadOnnx(build({ nodes: [{ op, name: 'n', in: ['x'], out: ['y'] }] }));
        return true;
      } catch (e) {
        return !(e as Error).message.includes('unsupported operator');
      }
    };
    for (const op of ONNX_OPS) expect([op, reached(op)]).toEqual([op, true]);
    for (const op of ['Softmax', 'Sqrt', 'LayerNormalization', 'Reciprocal', 'Exp', 'LSTM']) expect([op, reached(op)]).toEqual([op, false]);
  });

  it('shape mismatches name the node', () => {
    const inits = [{ name: 'W', dims: [2, 4], values: [1, 2, 3, 4, 5, 6, 7, 8] }, { name: 'b', dims: [2], values: [0, 0] }];
    expectOnnxError(() => loadOnnx(build({ nodes: [{ op: 'Gemm', name: 'fc1', in: ['x', 'W', 'b'], out: ['y'], attrs: { transB: 1 } }], inits })), 'shape',
      'node "fc1" (Gemm): A must have shape [1, 4] to match B of shape [2, 4] (transB) (got [1, 3])');
    expectOnnxError(() => loadOnnx(build({ nodes: [{ op: 'Add', name: 'shift', in: ['x', 'c'], out: ['y'] }], inits: [{ name: 'c', dims: [2], values: [1, 2] }] })), 'shape',
      'node "shift" (Add): constant of shape [2] does not broadcast to [1, 3]');
    expectOnnxError(() => loadOnnx(build({ nodes: [{ op: 'Reshape', name: 'rs', in: ['x', 's'], out: ['y'] }], inits: [{ name: 's', dims: [2], values: [1, 4], type: 'int64' }] })), 'shape',
      'node "rs" (Reshape): cannot reshape 3 values of shape [1, 3] to [1, 4]');
    expectOnnxError(() => loadOnnx(build({ input: ['x', [1, 2, 3, 3]], nodes: [{ op: 'Conv', name: 'c1', in: ['x', 'w'], out: ['y'] }], inits: [{ name: 'w', dims: [1, 3, 2, 2], values: new Array(12).fill(1) }] })), 'shape',
      'node "c1" (Conv): W must have 2 input channels, the channels of X (got shape [1, 3, 2, 2])');
    expectOnnxError(() => loadOnnx(build({ input: ['x', [2, 3]], nodes: [{ op: 'Relu', in: ['x'], out: ['y'] }] })), 'shape', 'input "x" must have batch dimension 1 (got shape [2, 3])');
  });

  it('graphs without a usable input or output', () => {
    // Two non-initializer inputs.
    const m = onnx.ModelProto.decode(build({ nodes: [{ op: 'Relu', in: ['x'], out: ['y'] }] }));
    graphOf(m).input.push(onnx.ValueInfoProto.create({ name: 'z' }));
    expectOnnxError(() => loadOnnx(onnx.ModelProto.encode(m).finish()), 'malformed', 'the graph must have exactly one input that is not an initializer (got 2: x, z)');
    expectOnnxError(() => loadOnnx(build({ input: ['x', [1, 'n']], nodes: [{ op: 'Relu', in: ['x'], out: ['y'] }] })), 'malformed', 'input "x" has an unknown dimension 1 (n)');
    expectOnnxError(() => loadOnnx(build({ nodes: [{ op: 'Relu', in: ['x'], out: ['r'] }] })), 'malformed', 'the graph output "y" is produced by no node');
    expectOnnxError(() => loadOnnx(build({ nodes: [{ op: 'Relu', name: 'r', in: ['nope'], out: ['y'] }] })), 'malformed', 'node "r" (Relu): input "nope" is produced by no node, initializer or graph input');
    expectOnnxError(() => loadOnnx(build({ nodes: [{ op: 'Gemm', name: 'fc', in: ['x', 'W'], out: ['y'] }], inits: [{ name: 'W', dims: [3, 2], values: [1, 2, 3], type: 'float' }] })), 'malformed', 'initializer "W": must hold 6 values for dims [3, 2] (got 3)');
  });
});

// ---------------------------------------------------------------------------------------------
// Convolutions and residual connections (the DAG network IR).

/** ONNX Conv (group 1) from its definition: x is C×H×W flat, w K×C×kh×kw flat. */
type N2 = [number, number];
type N3 = [number, number, number];
function convRef(x: number[], [C, H, Wd]: N3, w: number[], b: number[], [K, kh, kw]: N3, [sh, sw]: N2, [pt, pl, pb, pr]: [number, number, number, number], [dh, dw]: N2): number[] {
  const oh = Math.floor((H + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((Wd + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const out: number[] = [];
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let s = b[k]!;
        for (let c = 0; c < C; c++) {
          for (let p = 0; p < kh; p++) {
            for (let q = 0; q < kw; q++) {
              const r = i * sh - pt + p * dh;
              const t = j * sw - pl + q * dw;
              if (r >= 0 && r < H && t >= 0 && t < Wd) s += w[((k * C + c) * kh + p) * kw + q]! * x[(c * H + r) * Wd + t]!;
            }
          }
        }
        out.push(s);
      }
    }
  }
  return out;
}

describe('loadOnnx: Conv and residual graphs', () => {
  const rand = (seed: number, n: number): number[] => Array.from(randomVector(seed, n));

  it('Conv (pads, strides, dilations) + per-channel Add + BatchNorm + Relu + Flatten + Gemm matches a plain reference', () => {
    const [C, H, Wd, K, kh, kw] = [2, 5, 4, 3, 3, 2];
    const stride: N2 = [2, 1], pads: [number, number, number, number] = [1, 0, 1, 1], dil: N2 = [1, 2];
    const w = rand(1, K * C * kh * kw), cb = rand(2, K), shift = rand(3, K);
    const [g, beta, mu] = [rand(4, K), rand(5, K), rand(6, K)];
    const v = rand(7, K).map((z) => z * z + 0.1);
    const oh = Math.floor((H + 2 - 2 - 1) / 2) + 1, ow = Math.floor((Wd + 1 - 2 - 1) / 1) + 1; // 3 × 2
    const m = 4, G = rand(8, m * K * oh * ow), gb = rand(9, m);
    const bytes = build({
      input: ['x', [1, C, H, Wd]],
      nodes: [
        { op: 'Conv', name: 'conv', in: ['x', 'w', 'cb'], out: ['c'], attrs: { strides: stride, pads, dilations: dil, kernel_shape: [kh, kw] } },
        { op: 'Add', in: ['c', 'shift'], out: ['a'] },
        { op: 'BatchNormalization', in: ['a', 'g', 'beta', 'mu', 'v'], out: ['n'] },
        { op: 'Relu', in: ['n'], out: ['r'] },
        { op: 'Flatten', in: ['r'], out: ['f'] },
        { op: 'Gemm', in: ['f', 'G', 'gb'], out: ['y'], attrs: { transB: 1 } },
      ],
      inits: [
        { name: 'w', dims: [K, C, kh, kw], values: w, type: 'raw64' }, { name: 'cb', dims: [K], values: cb, type: 'double' },
        { name: 'shift', dims: [K, 1, 1], values: shift, type: 'double' },
        ...([['g', g], ['beta', beta], ['mu', mu], ['v', v]] as const).map(([name, values]) => ({ name, dims: [K], values: [...values], type: 'double' as const })),
        { name: 'G', dims: [m, K * oh * ow], values: G, type: 'raw64' }, { name: 'gb', dims: [m], values: gb, type: 'double' },
      ],
    });
    const spec = onnxToSpec(bytes);
    expect(spec.input).toEqual([C, H, Wd]);
    expect(spec.layers.map((l) => l.type)).toEqual(['conv2d', 'affine', 'relu', 'linear']); // the Add went into the conv bias
    const net = loadOnnx(bytes);
    const eps = Math.fround(1e-5);
    for (let t = 0; t < 5; t++) {
      const x = rand(100 + t, C * H * Wd);
      const c = convRef(x, [C, H, Wd], w, cb, [K, kh, kw], stride, pads, dil);
      const per = oh * ow;
      const r = c.map((z, i) => {
        const k = Math.floor(i / per);
        return Math.max(0, (g[k]! * (z + shift[k]! - mu[k]!)) / Math.sqrt(v[k]! + eps) + beta[k]!);
      });
      const want = Array.from({ length: m }, (_, i) => r.reduce((s, z, j) => s + G[i * r.length + j]! * z, gb[i]!));
      close(evaluateNetwork(net, x), want, 1e-11);
    }
    // End to end: every method's bounds on the loaded network enclose sampled outputs (by the reference above).
    const lower = rand(150, C * H * Wd).map((z) => z - 0.1);
    const upper = lower.map((z) => z + 0.2);
    const u = uniforms(151);
    const samples = Array.from({ length: 300 }, () => lower.map((l, i) => l + u() * (upper[i]! - l)));
    for (const method of ['ibp', 'crown', 'crown-ibp', 'alpha-crown'] as const) {
      const bnd = computeBounds(net, { lower, upper }, { method });
      for (const xs of samples) {
        const y = evaluateNetwork(net, xs);
        y.forEach((yi, i) => {
          expect(yi).toBeGreaterThanOrEqual(bnd.lower[i]! - 1e-9);
          expect(yi).toBeLessThanOrEqual(bnd.upper[i]! + 1e-9);
        });
      }
    }
  });

  it('auto_pad SAME_UPPER / SAME_LOWER / VALID give the padding ONNX defines', () => {
    const [C, H, Wd] = [1, 4, 5];
    const w = rand(11, 2 * C * 2 * 3), cb = [0.5, -0.5];
    const cases: [string, [number, number, number, number]][] = [['SAME_UPPER', [0, 1, 1, 1]], ['SAME_LOWER', [1, 1, 0, 1]], ['VALID', [0, 0, 0, 0]]];
    for (const [autoPad, pads] of cases) {
      const bytes = build({
        input: ['x', [1, C, H, Wd]],
        nodes: [{ op: 'Conv', in: ['x', 'w', 'cb'], out: ['c'], attrs: { auto_pad: autoPad, strides: [1, 1] } }, { op: 'Flatten', in: ['c'], out: ['y'] }],
        inits: [{ name: 'w', dims: [2, C, 2, 3], values: w, type: 'double' }, { name: 'cb', dims: [2], values: cb, type: 'double' }],
      });
      const x = rand(12, C * H * Wd);
      close(evaluateNetwork(loadOnnx(bytes), x), convRef(x, [C, H, Wd], w, cb, [2, 2, 3], [1, 1], pads, [1, 1]), 1e-12);
    }
  });

  it('AveragePool and GlobalAveragePool: window means', () => {
    const [C, H, Wd] = [2, 4, 5];
    const xin = rand(41, C * H * Wd);
    const at = (c: number, i: number, j: number) => xin[(c * H + i) * Wd + j]!;
    const pool = loadOnnx(build({ input: ['x', [1, C, H, Wd]], nodes: [{ op: 'AveragePool', in: ['x'], out: ['p'], attrs: { kernel_shape: [2, 3], strides: [2, 2] } }, { op: 'Flatten', in: ['p'], out: ['y'] }] }));
    const want: number[] = [];
    for (let c = 0; c < C; c++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
      let s = 0;
      for (let p = 0; p < 2; p++) for (let q = 0; q < 3; q++) s += at(c, 2 * i + p, 2 * j + q);
      want.push(s / 6);
    }
    close(evaluateNetwork(pool, xin), want, 1e-12);
    const gap = loadOnnx(build({ input: ['x', [1, C, H, Wd]], nodes: [{ op: 'GlobalAveragePool', in: ['x'], out: ['p'] }, { op: 'Flatten', in: ['p'], out: ['y'] }] }));
    close(evaluateNetwork(gap, xin), [0, 1].map((c) => xin.slice(c * H * Wd, (c + 1) * H * Wd).reduce((a, b) => a + b, 0) / (H * Wd)), 1e-12);
    expectOnnxError(() => loadOnnx(build({ input: ['x', [1, C, H, Wd]], nodes: [{ op: 'AveragePool', name: 'ap', in: ['x'], out: ['y'], attrs: { kernel_shape: [2, 2], pads: [1, 1, 1, 1] } }] })),
      'unsupported', 'node "ap" (AveragePool): padding with count_include_pad = 0 is not supported');
  });

  it('a residual block: Add and Sub of two computed values', () => {
    const n = 4;
    const A = rand(21, n * n), a = rand(22, n), B = rand(23, n * n), bb = rand(24, n);
    const bytes = build({
      input: ['x', [1, n]],
      nodes: [
        { op: 'Gemm', in: ['x', 'A', 'a'], out: ['h1'], attrs: { transB: 1 } },
        { op: 'Relu', in: ['h1'], out: ['r1'] },
        { op: 'Gemm', in: ['r1', 'B', 'bb'], out: ['h2'], attrs: { transB: 1 } },
        { op: 'Add', name: 'skip', in: ['x', 'h2'], out: ['s'] },
        { op: 'Relu', in: ['s'], out: ['r2'] },
        { op: 'Sub', name: 'diff', in: ['r2', 'r1'], out: ['y'] },
      ],
      inits: [{ name: 'A', dims: [n, n], values: A, type: 'double' }, { name: 'a', dims: [n], values: a, type: 'double' }, { name: 'B', dims: [n, n], values: B, type: 'double' }, { name: 'bb', dims: [n], values: bb, type: 'double' }],
    });
    const spec = onnxToSpec(bytes);
    expect(spec.layers.map((l) => [l.type, l.inputs])).toEqual([['linear', undefined], ['relu', undefined], ['linear', undefined], ['add', [-1, 2]], ['relu', undefined], ['sub', [4, 1]]]);
    const net = loadOnnx(bytes);
    const mat = (M: number[], b: number[], x: number[]) => b.map((bi, i) => x.reduce((s, xj, j) => s + M[i * n + j]! * xj, bi));
    for (let t = 0; t < 5; t++) {
      const x = rand(200 + t, n);
      const r1 = mat(A, a, x).map((z) => Math.max(0, z));
      const r2 = mat(B, bb, r1).map((z, i) => Math.max(0, z + x[i]!));
      close(evaluateNetwork(net, x), r2.map((z, i) => z - r1[i]!), 1e-12);
    }
    expectOnnxError(() => loadOnnx(build({ input: ['x', [1, n]], nodes: [{ op: 'Gemm', in: ['x', 'A', 'a'], out: ['h'], attrs: { transB: 1 } }, { op: 'Add', name: 'skip', in: ['x', 'h'], out: ['y'] }], inits: [{ name: 'A', dims: [n - 1, n], values: A.slice(0, n * n - n) }, { name: 'a', dims: [n - 1], values: a.slice(1) }] })),
      'shape', 'node "skip" (Add): both operands must have the same shape (got [1, 4] and [1, 3])');
  });

  it('exportOnnx round-trips a DAG with conv2d, add, sub and identity exactly in float64', () => {
    const spec: NetworkSpec = {
      input: [2, 4, 4],
      layers: [
        { type: 'conv2d', inShape: [2, 4, 4], outChannels: 2, kernel: [3, 3], weight: rand(31, 36), bias: rand(32, 2), padding: [1, 1, 1, 1] },
        { type: 'relu' },
        { type: 'conv2d', inShape: [2, 4, 4], outChannels: 2, kernel: [2, 2], weight: rand(33, 16), stride: [2, 2], padding: [1, 0, 0, 1], dilation: [1, 1] },
        { type: 'conv2d', inputs: [1], inShape: [2, 4, 4], outChannels: 2, kernel: [1, 1], weight: rand(34, 4), stride: [2, 2] },
        { type: 'add', inputs: [2, 3] },
        { type: 'identity' },
        { type: 'sub', inputs: [5, 3] },
        { type: 'linear', weight: [rand(35, 8), rand(36, 8)] },
        { type: 'affine', scale: [2, -1], shift: [0.5, 0] },
      ],
    };
    const net = parseNetwork(spec);
    const bytes = exportOnnx(net, { dtype: 'float64' });
    const back = loadOnnx(bytes);
    // Identity becomes an alias (no layer) when read back: the sub then reads layer 4 directly.
    expect(back.layers.map((l) => [l.type, l.inputs])).toEqual([
      ['conv2d', [-1]], ['relu', [0]], ['conv2d', [1]], ['conv2d', [1]], ['add', [2, 3]], ['sub', [4, 3]], ['linear', [5]], ['affine', [6]],
    ]);
    for (let t = 0; t < 5; t++) {
      const x = rand(300 + t, 32);
      expect(firstBitDifference(evaluateNetwork(back, x), evaluateNetwork(net, x))).toBe(-1);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('verify (VNN-COMP verdicts on top of verifyVnnlib)', () => {
  // y0 = relu(x0 − x1) + relu(x0 + x1), y1 = relu(x0 − x1) − relu(x0 + x1). On [0, 1]²: y0 = max(2·x0, x0 + x1) ∈ [0, 2].
  const net: NetworkSpec = { input: 2, layers: [{ type: 'linear', weight: [[1, -1], [1, 1]] }, { type: 'relu' }, { type: 'linear', weight: [[1, 1], [1, -1]] }] };
  const y0 = (x: ArrayLike<number>) => Math.max(2 * x[0]!, x[0]! + x[1]!);
  const head = '(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (>= X_1 0))\n(assert (<= X_1 1))\n';
  const unsat = head + '(assert (>= Y_0 2.5))';
  const sat = head + '(assert (or (and (<= Y_0 -1)) (and (>= Y_0 1.9) (<= Y_1 5))))';

  it("'unsat' when the unsafe set is unreachable, for every method", () => {
    for (const method of ['ibp', 'crown', 'crown-ibp', 'alpha-crown'] as const) {
      const r = verify(net, unsat, { method });
      expect(r.verdict).toBe('unsat');
      expect(r.counterexample).toBeUndefined();
      expect(r.statistics.nodes).toBeGreaterThanOrEqual(1);
    }
  });

  it("'sat' with a counterexample in the box whose outputs satisfy the clause (checked here by the closed form)", () => {
    for (const spec of [sat, parseVnnlib(sat)]) {
      const r = verify(loadOnnx(exportOnnx(net, { dtype: 'float64' })), spec);
      expect(r.verdict).toBe('sat');
      const { inputs, outputs, clause } = r.counterexample!;
      expect(clause).toBe(1);
      expect(inputs.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(outputs[0]).toBeCloseTo(y0(inputs), 12);
      expect(outputs[0]).toBeGreaterThanOrEqual(1.9);
    }
  });

  it('a hand-built VnnlibProperty: an empty unsafe set is unsat, a clause with no rows is sat', () => {
    const box = { inputLower: Float64Array.of(0, 0), inputUpper: Float64Array.of(1, 1), outputs: 2 };
    expect(verify(net, { ...box, clauses: [] }).verdict).toBe('unsat');
    const r = verify(net, { ...box, clauses: [{ C: [], d: [] }] });
    expect(r.verdict).toBe('sat');
    expect(Array.from(r.counterexample!.inputs)).toEqual([0.5, 0.5]);
    // y0 ≤ −0.5 ⇔ (−1)·y0 − 0.5 ≥ 0: unreachable.
    expect(verify(net, { ...box, clauses: [{ C: [[-1, 0]], d: [-0.5] }] }).verdict).toBe('unsat');
  });

  it("'timeout' / 'unknown' when the budget runs out before a decision", () => {
    // y = −Σ|xᵢ − 1/3| on [−1, 1]⁴: the unsafe set y ≥ 0 is the single point (1/3, …), which no dyadic
    // box centre hits and no bound excludes: branch and bound can only run out of budget.
    const c = 1 / 3;
    const I = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    const abs: NetworkSpec = { input: 4, layers: [{ type: 'linear', weight: [...I, ...I.map((r) => r.map((v) => -v))], bias: [-c, -c, -c, -c, c, c, c, c] }, { type: 'relu' }, { type: 'linear', weight: [new Array(8).fill(-1)] }] };
    const text = [0, 1, 2, 3].map((i) => `(declare-const X_${i} Real)(assert (>= X_${i} -1))(assert (<= X_${i} 1))`).join('\n') + '\n(declare-const Y_0 Real)\n(assert (>= Y_0 0))';
    const t = verify(abs, text, { timeout: 0.2 });
    expect([t.verdict, t.stopped]).toEqual(['timeout', 'timeout']);
    expect(t.statistics.timeMs).toBeGreaterThanOrEqual(200);
    const capped = verify(abs, text, { maxNodes: 20 });
    expect([capped.verdict, capped.stopped]).toEqual(['unknown', 'maxNodes']);
  });

  it('typed errors for bad options and specs', () => {
    expect(() => verify(net, unsat, { timeout: 0 })).toThrow('verify: options.timeout must be a number of seconds > 0 (got 0)');
    expect(() => verify(net, unsat, { method: 'deeppoly' as 'ibp' })).toThrow(`verify: options.method must be 'ibp', 'crown', 'crown-ibp' or 'alpha-crown' (got "deeppoly")`);
    expect(() => verify(net, 42 as unknown as string)).toThrow(ParameterError);
    expect(() => verify(net, 42 as unknown as string)).toThrow('verify: spec must be VNNLIB text or a parsed VnnlibProperty (got number)');
    expectOnnxError(() => loadOnnx(Uint8Array.of(1, 2, 3)), 'malformed', 'bytes are not an ONNX ModelProto');
    // The main entry does not carry the protobuf runtime: ONNX bytes are refused with a pointer to proxkit/onnx.
    expect(() => verify(Uint8Array.of(1, 2, 3) as unknown as string, unsat)).toThrow(
      "verify: model must be a network or its JSON spec; read ONNX bytes with loadOnnx from 'proxkit/onnx' first (got a Uint8Array)",
    );
    expect(() => verify(exportOnnx(net) as unknown as string, unsat)).toThrow(ParameterError);
  });
});
