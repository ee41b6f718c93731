/** A minimal PNG writer for the demo figures (Node only: deflate comes from node:zlib). */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * An 8-bit PNG of a rows × cols image with 1 (grey) or 3 (RGB) interleaved channels; each value is
 * multiplied by `scale`, rounded and clamped to 0..255.
 */
export function png(values: ArrayLike<number>, rows: number, cols: number, channels: 1 | 3, scale: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, cols);
  new DataView(ihdr.buffer).setUint32(4, rows);
  ihdr.set([8, channels === 3 ? 2 : 0, 0, 0, 0], 8); // bit depth 8, grey or truecolour, deflate, filter 0, no interlace
  const stride = cols * channels + 1; // each row starts with its filter byte (0: none)
  const raw = new Uint8Array(rows * stride);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols * channels; k++) raw[r * stride + 1 + k] = Math.max(0, Math.min(255, Math.round(scale * values[r * cols * channels + k]!)));
  }
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
