/**
 * The `tv` section of `proxkit demo`: 2-D anisotropic TV denoising of a real photograph (Felice
 * Beato, boats at Nagasaki, about 1865; data/images/README.md) with Gaussian noise from rng(seed),
 * PSNR against the clean image, and an SVG figure (noisy | denoised as embedded PNGs).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { png } from './png.js';
import { rng, totalVariation2D } from '../index.js';
import type { DemoContext, DemoSection } from './index.js';
import boatsPgm from '../../data/images/nagasaki-boats-256.pgm';

/** A binary PGM (P5, maxval ≤ 255) as rows × cols gray levels in 0..maxval. */
export function parsePgm(bytes: Uint8Array): { rows: number; cols: number; maxval: number; pixels: Float64Array } {
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]!))) pos++;
      if (bytes[pos] !== 0x23) break; // '#' comment to the end of the line
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
    }
    let s = '';
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos]!))) s += String.fromCharCode(bytes[pos++]!);
    return s;
  };
  const magic = token();
  const cols = Number(token());
  const rows = Number(token());
  const maxval = Number(token());
  pos++; // the single whitespace before the raster
  if (magic !== 'P5' || !(cols > 0) || !(rows > 0) || !(maxval > 0 && maxval < 256) || pos + rows * cols > bytes.length) {
    throw new Error(`parsePgm: not an 8-bit binary PGM (magic ${magic}, ${cols} × ${rows}, maxval ${maxval})`);
  }
  return { rows, cols, maxval, pixels: Float64Array.from(bytes.subarray(pos, pos + rows * cols)) };
}

/** An 8-bit grayscale PNG of a rows × cols image (values clamped to 0..255 and rounded). */
export function grayPng(pixels: ArrayLike<number>, rows: number, cols: number): Uint8Array {
  return png(pixels, rows, cols, 1, 1);
}

/** PSNR in dB of `x` against `clean` for a peak of 255. */
export function psnr(x: ArrayLike<number>, clean: ArrayLike<number>): number {
  let mse = 0;
  for (let i = 0; i < clean.length; i++) mse += (x[i]! - clean[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (mse / clean.length));
}

const SIGMA = 25;
const LAMBDA = 20;

async function tvDenoise(ctx: DemoContext): Promise<void> {
  const { rows, cols, pixels: clean } = parsePgm(boatsPgm);
  const noise = rng(ctx.seed).normal(rows * cols);
  const noisy = clean.map((v, i) => v + SIGMA * noise[i]!);
  const op = totalVariation2D(LAMBDA, rows, cols, { tol: 1e-4, maxIter: 300 });
  const t0 = performance.now();
  const denoised = op.prox(noisy);
  const ms = performance.now() - t0;
  const report = op.last!;
  ctx.log(`2-D anisotropic TV denoising of a photograph (Beato, boats at Nagasaki, c. 1865; ${cols} × ${rows} gray):`);
  ctx.log(`  Gaussian noise σ = ${SIGMA} from rng(${ctx.seed}); prox of λ·TV₂ with λ = ${LAMBDA} by Dykstra over exact 1-D TV solves (rows | columns)`);
  ctx.log(
    `  ${report.iterations} sweeps in ${ms.toFixed(0)} ms, duality gap ${report.certificate.value.toExponential(2)} ` +
      `(${(report.certificate.value / report.objective).toExponential(1)} of the objective; ${report.converged ? 'converged' : 'not converged'})`,
  );
  ctx.log(`  PSNR against the clean image: noisy ${psnr(noisy, clean).toFixed(2)} dB → denoised ${psnr(denoised, clean).toFixed(2)} dB`);
  const path = resolve(ctx.figures ?? '.', 'proxkit-tv-denoise.svg');
  const uri = (px: ArrayLike<number>) => `data:image/png;base64,${Buffer.from(grayPng(px, rows, cols)).toString('base64')}`;
  const gap = 16;
  const top = 28;
  const width = 2 * cols + 3 * gap;
  const height = rows + top + gap;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${gap}" y="18">noisy (σ = ${SIGMA}): ${psnr(noisy, clean).toFixed(2)} dB</text>`,
    `<text x="${2 * gap + cols}" y="18">TV₂ denoised (λ = ${LAMBDA}): ${psnr(denoised, clean).toFixed(2)} dB</text>`,
    `<image x="${gap}" y="${top}" width="${cols}" height="${rows}" href="${uri(noisy)}"/>`,
    `<image x="${2 * gap + cols}" y="${top}" width="${cols}" height="${rows}" href="${uri(denoised)}"/>`,
    `</svg>`,
  ].join('\n');
  writeFileSync(path, svg + '\n');
  ctx.log(`  figure (noisy | denoised): ${path}`);
}

export const tvDemo: DemoSection = {
  name: 'tv',
  title: 'prox: 2-D total-variation denoising of a photograph',
  run: tvDenoise,
};
