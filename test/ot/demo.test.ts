import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rgbPng } from '../../bindings/demo/ot.js';

/** Decodes an 8-bit RGB PNG written without filters (IHDR + IDAT + IEND), from the PNG specification. */
function decode(png: Uint8Array): { rows: number; cols: number; rgb: Uint8Array } {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let off = 8;
  let rows = 0;
  let cols = 0;
  const idat: Uint8Array[] = [];
  while (off < png.length) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      cols = new DataView(data.buffer, data.byteOffset).getUint32(0);
      rows = new DataView(data.buffer, data.byteOffset).getUint32(4);
      expect(Array.from(data.subarray(8))).toEqual([8, 2, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgb = new Uint8Array(rows * cols * 3);
  for (let r = 0; r < rows; r++) {
    expect(raw[r * (cols * 3 + 1)]).toBe(0);
    rgb.set(raw.subarray(r * (cols * 3 + 1) + 1, (r + 1) * (cols * 3 + 1)), r * cols * 3);
  }
  return { rows, cols, rgb };
}

describe('ot demo', () => {
  it('rgbPng round-trips through inflate (pixels rounded and clamped)', () => {
    const img = Float64Array.of(0, 0.5, 1, 1.2, -0.1, 0.25, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8);
    const d = decode(rgbPng(img, 2, 2));
    expect([d.rows, d.cols]).toEqual([2, 2]);
    expect(Array.from(d.rgb)).toEqual([0, 128, 255, 255, 0, 64, 26, 51, 77, 102, 153, 204]);
  });
});
