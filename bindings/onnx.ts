/**
 * proxkit/onnx: ONNX import and export for the bounds family. A separate entry point because reading
 * and writing ONNX needs the protobuf runtime (protobufjs with the ONNX schema), about 170 KB of
 * JavaScript that nobody who does not touch ONNX files should download.
 *
 * ```ts
 * import { init, computeBounds } from 'proxkit';
 * import { loadOnnx } from 'proxkit/onnx';
 * await init();
 * const net = loadOnnx(bytes);
 * computeBounds(net, { lower, upper }, { method: 'crown' });
 * ```
 *
 * @module proxkit/onnx
 */
export { loadOnnx, exportOnnx, onnxToSpec, OnnxError, ONNX_OPS, type OnnxErrorReason, type ExportOnnxOptions } from './bounds/onnx.js';
