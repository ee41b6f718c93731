/**
 * The forecast family's FFT. Candidates, timed interleaved in one process, per length n:
 * - rfft (raw kernel): the real-input transform in WASM on a workspace allocated once (zero-copy);
 * - fft (raw kernel): the complex WASM transform of the same real input (imaginary part 0);
 * - rfft (public API): `rfft(x)`, copies in and out;
 * - plain TS: an iterative radix-2 complex FFT over Float64Arrays (twiddle table built per call, as the
 *   kernel does), on the real input with a zero imaginary part.
 * The bench sizes 1e3 / 1e5 / 1e6 run n = 1024 / 131072 / 1048576; plain TS is timed at powers of two
 * only (another n times the WASM paths alone, Bluestein's algorithm).
 * Outputs (bins 0 … n/2) are compared with a naive-free reference: the plain-TS result, within
 * 1e-9·√n (different rounding orders), before and after timing.
 */
import { allocF64, rfft, rng } from '../../bindings/index.js';
import { forecastWasm } from '../../bindings/forecast/kernels.js';
import { assertClose, measure, type BenchContext, type CandidateResult, type CaseResult } from '../harness.js';

const SEED = 11;

/** Iterative radix-2 decimation-in-time FFT in place (n a power of two), plain TS. */
export function plainFft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 0, j = 0; i < n - 1; i++) {
    if (i < j) {
      let t = re[i]!; re[i] = re[j]!; re[j] = t;
      t = im[i]!; im[i] = im[j]!; im[j] = t;
    }
    let bit = n >> 1;
    while (j & bit) { j ^= bit; bit >>= 1; }
    j |= bit;
  }
  const half = n >> 1;
  const cr = new Float64Array(half);
  const ci = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cr[k] = Math.cos((-2 * Math.PI * k) / n);
    ci[k] = Math.sin((-2 * Math.PI * k) / n);
  }
  for (let len = 2; len <= n; len <<= 1) {
    const h = len >> 1;
    const stride = n / len;
    for (let s = 0; s < n; s += len) {
      for (let k = 0; k < h; k++) {
        const wr = cr[k * stride]!;
        const wi = ci[k * stride]!;
        const a = s + k;
        const b = a + h;
        const tr = wr * re[b]! - wi * im[b]!;
        const ti = wr * im[b]! + wi * re[b]!;
        re[b] = re[a]! - tr; im[b] = im[a]! - ti;
        re[a] = re[a]! + tr; im[a] = im[a]! + ti;
      }
    }
  }
}

function benchOne(n: number, ctx: BenchContext): CaseResult {
  const k = forecastWasm('bench');
  const x = rng(SEED).normal(n);
  const h = Math.floor(n / 2) + 1;
  const pow2 = (n & (n - 1)) === 0;
  const bx = allocF64(x);
  const bre = allocF64(h);
  const bim = allocF64(h);
  const bw = allocF64(Math.max(1, k.rfftWorkLength(n)));
  const cre = allocF64(n);
  const cim = allocF64(n);
  const cw = allocF64(Math.max(1, k.fftWorkLength(n)));
  const pre = new Float64Array(n);
  const pim = new Float64Array(n);
  try {
    const calls: Record<string, () => void> = {
      rawRfft: () => k.rfft(bx.ptr, n, bre.ptr, bim.ptr, bw.ptr),
      rawFft: () => {
        cre.view().set(x);
        cim.view().fill(0);
        k.fft(cre.ptr, cim.ptr, n, 0, cw.ptr);
      },
      api: () => void rfft(x),
      ...(pow2 ? { plain: () => { pre.set(x); pim.fill(0); plainFft(pre, pim); } } : {}),
    };
    const names: Record<string, string> = { rawRfft: 'rfft (raw kernel)', rawFft: 'fft (raw kernel)', api: 'rfft (public API)', plain: 'radix-2 FFT (plain TS)' };
    const check = (when: string): void => {
      const want = rfft(x);
      const tol = 1e-9 * Math.sqrt(n);
      calls.rawRfft!();
      assertClose(`fft n=${n} raw rfft${when}`, bre.view(), want.re, tol);
      calls.rawFft!();
      assertClose(`fft n=${n} raw fft${when}`, cre.view().subarray(0, h), want.re, tol);
      if (pow2) {
        calls.plain!();
        assertClose(`fft n=${n} plain TS${when}`, pre.subarray(0, h), want.re, tol);
        assertClose(`fft n=${n} plain TS (imaginary)${when}`, pim.subarray(0, h), want.im, tol);
      }
    };
    check('');
    const keys = Object.keys(calls);
    const { rounds, timings } = measure(keys.map((key) => ({ name: names[key]!, fn: calls[key]! })), ctx.timer);
    check(' (after timing)');
    const results: CandidateResult[] = timings.map((t, i) => ({ key: keys[i]!, ...t, elementsPerSec: n / t.median }));
    const median = (key: string): number => results.find((r) => r.key === key)!.median;
    const ratios: Record<string, number> = { 'fft/rfft': median('rawFft') / median('rawRfft'), 'api/raw': median('api') / median('rawRfft') };
    if (pow2) {
      ratios['plain/fft'] = median('plain') / median('rawFft');
      ratios['plain/rfft'] = median('plain') / median('rawRfft');
    }
    return { kernel: 'fft', n, seed: SEED, inputs: 1, params: { bluestein: pow2 ? 0 : 1 }, rounds, candidates: results, ratios };
  } finally {
    for (const b of [bx, bre, bim, bw, cre, cim, cw]) b.free();
  }
}

/** Sizes 1e3 / 1e5 / 1e6 run the powers of two 1024 / 131072 / 1048576 (any other size: itself). */
export function benchFft(ctx: BenchContext): CaseResult[] {
  const map: Record<number, number> = { 1e3: 1024, 1e5: 131072, 1e6: 1048576 };
  return ctx.sizes.map((s) => benchOne(map[s] ?? s, ctx));
}
