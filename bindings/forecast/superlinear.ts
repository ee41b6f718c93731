/**
 * Super-Linear: a mixture of frequency-specialised linear experts with a spectral gate. Each expert
 * is an RLinear map (RevIN + one linear map lookback → horizon) pretrained on signals whose dominant
 * period is its own; the gate reads the periodogram (FFT in WASM) of the normalised lookback — its
 * logarithm, or the periodogram normalised to sum 1 as in the paper's code — and mixes the top-k experts
 * by a softmax over their logits.
 */
import * as nn from '../nn/index.js';
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { checkCapacity, finiteArray, type VectorInput } from '../runtime/memory.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { nonNegative, nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { seededRng } from '../rng.js';
import type { Rng } from '../rng.js';
import { fft, powerOf } from './fft.js';
import { applyMap, collectWindows, fitLinearMap, isSeriesList, readSeries, readSteps, revinStats, rollForecast, type LinearMap, type Windows } from './linear.js';

/** Default expert periods (in samples): from a few steps to yearly (daily data) — 4 … 365. */
export const SUPER_LINEAR_PERIODS: readonly number[] = Object.freeze([4, 6, 7, 12, 24, 30, 48, 96, 168, 365]);

/** What `onProgress` receives during {@link pretrainSuperLinear}. */
export interface SuperLinearProgress {
  /** 'gate' (the spectral gate is trained), 'experts' (one expert was fitted) or 'mix' (the mixing logits, and in {@link fullShotSuperLinear} the free experts, are trained; step = epoch). */
  stage: 'gate' | 'experts' | 'mix';
  /** Steps done in this stage (gate: epochs; experts: experts fitted). */
  step: number;
  /** Steps of this stage. */
  total: number;
  /** Milliseconds since the start. */
  elapsed: number;
}

/** Options of {@link pretrainSuperLinear}. */
export interface SuperLinearOptions {
  /** Lookback L: values each expert and the gate read (default 512). */
  lookback?: number;
  /** Horizon H of one expert application (default 96); longer forecasts roll forward. */
  horizon?: number;
  /** Seasonal period of each expert, in samples: integers ≥ 2, distinct (default {@link SUPER_LINEAR_PERIODS}). */
  periods?: readonly number[];
  /** Experts mixed per forecast: the k largest gate logits, softmax-weighted (default 3). */
  topK?: number;
  /** Synthetic pretraining series per expert (default 300). */
  samplesPerExpert?: number;
  /**
   * Real series added to the pretraining: each is resampled at every rate of `resample`, cut into
   * windows, and each window trains the top-k experts the gate (first trained on synthetic signals)
   * routes it to. Default: none (synthetic signals only).
   */
  corpus?: readonly VectorInput[];
  /** Resampling rates of the corpus: x′(t) = x(r·t) by linear interpolation (default [0.5, 1, 2]). */
  resample?: readonly number[];
  /** Corpus windows start every `stride` values (default 4). */
  stride?: number;
  /** Relative ridge penalty of each expert (see {@link fitRLinear}; default 1e-2). */
  ridge?: number;
  /** Epochs of Adam (step 1e-2, batches of 64) on the gate's cross-entropy (default 30). */
  gateEpochs?: number;
  /**
   * What the gate reads from the periodogram P_k (k = 1 … L/2) of the normalised lookback:
   * 'log' (default), log(1e-8 + P_k/ΣP); 'power', P_k/ΣP (normalised to sum 1, as in the paper's
   * code). The log spreads the logits far apart, so the softmax is often one-hot; 'power' keeps the
   * features in [0, 1], so the mixing weights vary with the input.
   */
  gateInput?: GateInput;
  /**
   * Epochs of Adam (step 1e-2, batches of 64) on the forecast error of the mixture, which learns the
   * mixing logits among the k experts the spectral gate selects (default 0: no mixing stage, the
   * experts are weighted by the softmax of the spectral gate's own top-k logits).
   */
  mixEpochs?: number;
  /** Seed of the synthetic signals and of the gate's initialisation and shuffles (default 0). */
  seed?: number | bigint;
  /** Called after every gate epoch and every fitted expert; return false to stop (a partial model is an error). */
  onProgress?: (info: SuperLinearProgress) => boolean | void;
  /** Cancels the pretraining between steps: a ParameterError names the abort. */
  signal?: AbortSignalLike;
}

/** One expert chosen by the gate. */
export interface GateChoice {
  /** Index of the expert in `periods`. */
  index: number;
  /** Its period in samples. */
  period: number;
  /** Its mixing weight (the top-k weights sum to 1). */
  weight: number;
}

/** What the gate reads and decides for one lookback. */
export interface SuperLinearGate {
  /**
   * The gate's top-k experts by decreasing gate logit (so by decreasing weight when the mixing is the
   * gate's own softmax), then the free experts of a {@link fullShotSuperLinear} model.
   */
  experts: GateChoice[];
  /** Mixing weight of every expert (0 outside the top k), in the order of `periods`. */
  weights: Float64Array;
  /** Logits of the spectral gate (the selection) for every expert. */
  logits: Float64Array;
  /** The periodogram of the normalised lookback that the gate read, bins 0 … L/2. */
  periodogram: Float64Array;
}

/** The gate's features: the log of the normalised periodogram, or the normalised periodogram itself. */
export type GateInput = 'log' | 'power';

/** A pretrained Super-Linear model. */
export interface SuperLinearModel {
  /** Lookback L. */
  readonly lookback: number;
  /** Horizon H of one application. */
  readonly horizon: number;
  /** Expert periods; 0 marks a free expert of {@link fullShotSuperLinear} (no period, always mixed). */
  readonly periods: readonly number[];
  /** Experts mixed per forecast (the gate's top k, plus every free expert). */
  readonly topK: number;
  /** What the gate reads: the log-periodogram or the periodogram normalised to sum 1. */
  readonly gateInput: GateInput;
  /** Epoch history of {@link fullShotSuperLinear} (absent on other models). */
  readonly fullShot?: SuperLinearFullShotHistory;
  /** Windows each expert was fitted on (synthetic + routed corpus windows). */
  readonly trainingWindows: readonly number[];
  /**
   * The `steps` values after `series` (default H; at least L values are needed, the last L are read):
   * ŷ = Σ_{e ∈ top-k} w_e · f_e(x), each f_e an RLinear expert, w the gate's softmax over the top-k
   * logits. Past H the forecast rolls forward (predictions become inputs).
   */
  forecast(series: VectorInput, steps?: number): Float64Array;
  /** The gate's decision on the last L values of `series`: chosen experts, weights, logits, periodogram. */
  gate(series: VectorInput): SuperLinearGate;
  /** The forecast of one expert alone (index into `periods`), for comparison. */
  expertForecast(series: VectorInput, index: number, steps?: number): Float64Array;
}

const KEYS = optionKeys<SuperLinearOptions>({
  lookback: true, horizon: true, periods: true, topK: true, samplesPerExpert: true, corpus: true, resample: true,
  stride: true, ridge: true, gateEpochs: true, gateInput: true, mixEpochs: true, seed: true, onProgress: true, signal: true,
});

/** cos(2πk/p) and sin(2πk/p), k < p, computed in WASM (the DFT of a unit impulse), so synthetic signals are bit-identical everywhere. */
export function unitCircle(p: number): { c: Float64Array; s: Float64Array } {
  const re = new Float64Array(p);
  re[1 % p] = 1;
  const X = fft(re, new Float64Array(p));
  const s = new Float64Array(p);
  for (let k = 0; k < p; k++) s[k] = -X.im[k]!;
  return { c: X.re, s };
}

/**
 * One synthetic series of length T whose dominant period is `periods[e]`: up to four harmonics of that
 * period (fundamental amplitude N(0,1) per quadrature, harmonic h scaled by U(0,1)/h), with probability ½
 * a weaker component of another period of the set (amplitude ≤ ½), a linear drift and AR(1) noise.
 */
export function syntheticSeries(R: Rng, periods: readonly number[], e: number, T: number, circles: Map<number, { c: Float64Array; s: Float64Array }>): Float64Array {
  const out = new Float64Array(T);
  const addSeasonal = (p: number, amp: number): void => {
    const circ = circles.get(p)!;
    const K = Math.min(Math.floor(p / 2), 4);
    const z = R.normal(2 * K);
    const u = R.uniform(K + 1);
    const shift = Math.floor(u[K]! * p);
    for (let h = 1; h <= K; h++) {
      const g = h === 1 ? 1 : u[h - 1]! / h;
      const a = amp * g * z[2 * h - 2]!;
      const b = amp * g * z[2 * h - 1]!;
      for (let t = 0; t < T; t++) {
        const k = (h * (t + shift)) % p;
        out[t] = out[t]! + a * circ.c[k]! + b * circ.s[k]!;
      }
    }
  };
  addSeasonal(periods[e]!, 1);
  const u = R.uniform(6);
  if (periods.length > 1 && u[0]! < 0.5) {
    let f = Math.floor(u[1]! * (periods.length - 1));
    if (f >= e) f++;
    addSeasonal(periods[f]!, 0.5 * u[2]!);
  }
  const slope = (R.normal(1)[0]! * 0.5 * u[3]!) / T;
  const phi = 0.8 * u[4]!;
  const sd = (0.05 + 0.35 * u[5]!) * Math.sqrt(1 - phi * phi);
  const eps = R.normal(T);
  let ar = 0;
  for (let t = 0; t < T; t++) {
    ar = phi * ar + sd * eps[t]!;
    out[t] = out[t]! + slope * t + ar;
  }
  return out;
}

/**
 * Gate features of a normalised lookback: P_k/ΣP, k = 1 … L/2 ('power'), or log(1e-8 + P_k/ΣP) ('log',
 * the log computed in WASM).
 */
export function gateFeatures(fn: string, xn: Float64Array, kind: GateInput = 'log'): { features: Float64Array; power: Float64Array } {
  const power = powerOf(fn, xn);
  const m = power.length - 1;
  let total = 0;
  for (let k = 1; k <= m; k++) total += power[k]!;
  const rel = new Float64Array(m);
  const inv = total > 0 ? 1 / total : 0;
  if (kind === 'power') {
    for (let k = 0; k < m; k++) rel[k] = power[k + 1]! * inv;
    return { features: rel, power };
  }
  for (let k = 0; k < m; k++) rel[k] = power[k + 1]! * inv + 1e-8;
  const features = nn.scope(() => nn.log(nn.tensor(rel)).toArray()) as Float64Array;
  return { features, power };
}

/** x′(t) = x(r·t), t = 0, 1, … while r·t ≤ n − 1, by linear interpolation. */
export function resampleSeries(x: Float64Array, r: number): Float64Array {
  const n = Math.floor((x.length - 1) / r) + 1;
  const out = new Float64Array(Math.max(n, 0));
  for (let t = 0; t < n; t++) {
    const u = r * t;
    const i = Math.min(Math.floor(u), x.length - 1);
    const f = u - i;
    out[t] = f === 0 || i + 1 >= x.length ? x[i]! : x[i]! * (1 - f) + x[i + 1]! * f;
  }
  return out;
}

/** The k largest entries' indices of z, by decreasing value (ties: lower index first). */
function topIndices(z: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: z.length }, (_, i) => i);
  idx.sort((a, b) => z[b]! - z[a]! || a - b);
  return idx.slice(0, k);
}

/**
 * Softmax weights over the entries `idx` of z divided by the temperature T (the exponentials computed
 * in WASM); T = ∞ gives equal weights.
 */
function softmaxOver(z: ArrayLike<number>, idx: readonly number[], T = 1): number[] {
  if (T === Infinity) return idx.map(() => 1 / idx.length);
  const sub = idx.map((i) => z[i]! / T);
  return Array.from(nn.scope(() => nn.softmax(nn.tensor(sub)).toArray()) as Float64Array);
}

/** The gate: a linear map of the features to one logit per expert. */
interface GateParams {
  W: Float64Array; // F × E
  b: Float64Array; // E
  F: number;
  E: number;
}

function gateLogits(g: GateParams, f: Float64Array): Float64Array {
  const z = Float64Array.from(g.b);
  for (let i = 0; i < g.F; i++) {
    const v = f[i]!;
    for (let e = 0; e < g.E; e++) z[e] = z[e]! + v * g.W[i * g.E + e]!;
  }
  return z;
}

function readPeriods(fn: string, v: unknown, L: number): number[] {
  if (v === undefined) return [...SUPER_LINEAR_PERIODS];
  if (!Array.isArray(v) || v.length === 0) throw parameterError(fn, 'options.periods', 'a non-empty array of integers >= 2', v);
  const out = v.map((p, i) => {
    if (!Number.isSafeInteger(p) || (p as number) < 2) throw parameterError(fn, `options.periods[${i}]`, 'an integer >= 2', p);
    if ((p as number) > 4 * L) throw parameterError(fn, `options.periods[${i}]`, `at most 4·lookback = ${4 * L}`, p);
    return p as number;
  });
  if (new Set(out).size !== out.length) throw parameterError(fn, 'options.periods', 'distinct periods', 'a repeated period');
  return out;
}

function readGateInput(fn: string, v: unknown): GateInput {
  if (v === undefined) return 'log';
  if (v !== 'log' && v !== 'power') throw parameterError(fn, 'options.gateInput', "'log' or 'power'", v);
  return v;
}

function readRates(fn: string, v: unknown): number[] {
  if (v === undefined) return [0.5, 1, 2];
  if (!Array.isArray(v) || v.length === 0) throw parameterError(fn, 'options.resample', 'a non-empty array of rates > 0', v);
  return v.map((r, i) => {
    if (typeof r !== 'number' || !(r > 0) || !Number.isFinite(r)) throw parameterError(fn, `options.resample[${i}]`, 'a finite rate > 0', r);
    return r;
  });
}

/**
 * Pretrains a Super-Linear model (mixture of frequency-specialised linear experts; Nochumsohn et al.,
 * 2025, as we read it):
 *
 * 1. For each expert period p, `samplesPerExpert` synthetic series of length L + H dominated by
 *    period p (harmonics, a weaker second period, drift, AR(1) noise; all seeded).
 * 2. The gate — logits z = Wᵀf + b on the log-periodogram f of the RevIN-normalised lookback (real
 *    FFT in WASM) — is trained by Adam on the cross-entropy of the expert that generated each series
 *    (nn.train).
 * 3. Corpus series (optional) are resampled at each rate and cut into windows; each window is
 *    routed by the gate to its top-k experts and joins their training windows.
 * 4. Each expert is an RLinear map fitted in closed form (ridge) to its windows.
 *
 * A forecast mixes the top-k experts with the softmax of their logits. Cost: E ridge fits of size
 * L + 1 and the gate's epochs; a few seconds for the defaults.
 */
export function pretrainSuperLinear(options?: SuperLinearOptions): SuperLinearModel {
  const fn = 'pretrainSuperLinear';
  const o = readOptions(fn, options, KEYS);
  const L = o.lookback === undefined ? 512 : positiveInteger(fn, 'options.lookback', o.lookback);
  if (L < 8) throw parameterError(fn, 'options.lookback', 'an integer >= 8', L);
  const H = o.horizon === undefined ? 96 : positiveInteger(fn, 'options.horizon', o.horizon);
  const periods = readPeriods(fn, o.periods, L);
  const E = periods.length;
  const topK = o.topK === undefined ? Math.min(3, E) : positiveInteger(fn, 'options.topK', o.topK);
  if (topK > E) throw parameterError(fn, 'options.topK', `at most the number of experts (${E})`, topK);
  const samples = o.samplesPerExpert === undefined ? 300 : positiveInteger(fn, 'options.samplesPerExpert', o.samplesPerExpert);
  const rates = readRates(fn, o.resample);
  const stride = o.stride === undefined ? 4 : positiveInteger(fn, 'options.stride', o.stride);
  const ridge = o.ridge === undefined ? 1e-2 : nonNegative(fn, 'options.ridge', o.ridge);
  if (!Number.isFinite(ridge)) throw parameterError(fn, 'options.ridge', 'finite', ridge);
  const epochs = o.gateEpochs === undefined ? 30 : positiveInteger(fn, 'options.gateEpochs', o.gateEpochs);
  const mixEpochs = o.mixEpochs === undefined ? 0 : nonNegativeInteger(fn, 'options.mixEpochs', o.mixEpochs);
  const kind = readGateInput(fn, o.gateInput);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);
  let corpus: Float64Array[] = [];
  if (o.corpus !== undefined) {
    const c: unknown = o.corpus;
    if (!Array.isArray(c) || (c.length > 0 && !isSeriesList(c))) throw parameterError(fn, 'options.corpus', 'an array of series', c);
    corpus = (o.corpus as readonly VectorInput[]).map((s, i) => finiteArray(fn, `options.corpus[${i}]`, s));
  }
  // buffers sized by options: synthetic windows and features, and the normal equations of each expert
  checkCapacity(fn, E * samples * (2 * L + H) + (L + 1) * (L + 1 + H));
  const R = seededRng(fn, o.seed ?? 0, 'options.seed');
  const t0 = Date.now();
  const stop = stopper(fn, onProgress, signal);

  // 1. synthetic windows, per expert
  const circles = new Map(periods.map((p) => [p, unitCircle(p)] as const));
  const T = L + H;
  const Xs: number[][] = periods.map(() => []);
  const Ys: number[][] = periods.map(() => []);
  const counts = periods.map(() => 0);
  const F = Math.floor(L / 2);
  const feats = new Float64Array(E * samples * F);
  const labels = new Int32Array(E * samples);
  for (let e = 0; e < E; e++) {
    for (let i = 0; i < samples; i++) {
      const x = syntheticSeries(R, periods, e, T, circles);
      collectWindows(x, L, H, T, Xs[e]!, Ys[e]!);
      const r = e * samples + i;
      const xn = Float64Array.from(Xs[e]!.slice(i * L, (i + 1) * L));
      feats.set(gateFeatures(fn, xn, kind).features, r * F);
      labels[r] = e;
    }
    counts[e] = samples;
  }

  // 2. the gate, by nn.train on the cross-entropy of the generating expert
  const gate = nn.initLinear(F, E, { init: 'glorot', seed: Number((R.uniform(1)[0]! * 2 ** 31) | 0) });
  let gateParams: GateParams;
  try {
    nn.train(
      { params: gate, loss: (p, x, y) => nn.softmaxCrossEntropy(nn.linear(p, x), y as Int32Array) },
      { X: { data: feats, rows: E * samples, cols: F }, y: labels },
      {
        epochs, batchSize: 64, optimizer: nn.adam({ learningRate: 1e-2 }), seed: 1,
        onProgress: (info) => stop({ stage: 'gate', step: info.epoch, total: epochs, elapsed: Date.now() - t0 }),
      },
    );
    gateParams = { W: gate.W.toArray() as Float64Array, b: gate.b!.toArray() as Float64Array, F, E };
  } finally {
    gate.W.free();
    gate.b?.free();
  }

  // Every window once (synthetic, then corpus), for the mixing stage: normalised lookback, target, top-k.
  const all: { xn: Float64Array; y: Float64Array; f: Float64Array; top: number[] }[] = [];
  if (mixEpochs > 0) {
    for (let e = 0; e < E; e++) {
      for (let i = 0; i < samples; i++) {
        const xn = Float64Array.from(Xs[e]!.slice(i * L, (i + 1) * L));
        const f = feats.subarray((e * samples + i) * F, (e * samples + i + 1) * F);
        all.push({ xn, y: Float64Array.from(Ys[e]!.slice(i * H, (i + 1) * H)), f, top: topIndices(gateLogits(gateParams, f), topK) });
      }
    }
  }

  // 3. corpus windows routed by the gate
  for (const series of corpus) {
    for (const r of rates) {
      const x = r === 1 ? series : resampleSeries(series, r);
      const X: number[] = [];
      const Y: number[] = [];
      const n = collectWindows(x, L, H, stride, X, Y);
      for (let w = 0; w < n; w++) {
        const xn = Float64Array.from(X.slice(w * L, (w + 1) * L));
        const f = gateFeatures(fn, xn, kind).features;
        const top = topIndices(gateLogits(gateParams, f), topK);
        if (mixEpochs > 0) all.push({ xn, y: Float64Array.from(Y.slice(w * H, (w + 1) * H)), f, top });
        for (const e of top) {
          for (let i = 0; i < L; i++) Xs[e]!.push(xn[i]!);
          for (let i = 0; i < H; i++) Ys[e]!.push(Y[w * H + i]!);
          counts[e]!++;
        }
      }
    }
  }

  // 4. experts in closed form
  const experts: LinearMap[] = [];
  for (let e = 0; e < E; e++) {
    const w: Windows = { X: Float64Array.from(Xs[e]!), Y: Float64Array.from(Ys[e]!), n: counts[e]! };
    Xs[e] = [];
    Ys[e] = [];
    experts.push(fitLinearMap(fn, w, L, H, ridge));
    stop({ stage: 'experts', step: e + 1, total: E, elapsed: Date.now() - t0 });
  }
  // 5. mixing logits: forecast error of the softmax mixture over each window's selected experts
  const mixParams = mixEpochs > 0 && topK > 1
    ? trainMixture(fn, all, experts, { F, L, E, H, free: 0 }, { epochs: mixEpochs, learningRate: 1e-2, seed: 2, report: (step) => stop({ stage: 'mix', step, total: mixEpochs, elapsed: Date.now() - t0 }) }).mixer
    : gateParams;
  return superLinearModel({ L, H, periods, topK, experts, gate: gateParams, mixer: mixParams, counts, temperature: 1, kind, free: 0 });
}

/** One window of the mixing stage: normalised lookback, target, gate features, the gate's top k, RevIN scale σ. */
interface MixWindow { xn: Float64Array; y: Float64Array; f: Float64Array; top: number[]; scale?: number }

/**
 * Layout of a row of the mixture loss's input: gate features (F), the normalised lookback (L values,
 * only when there are free experts), the E frozen experts' forecasts (E·H), then the selection mask
 * over the E + free experts (0 selected, −30 not; free experts always 0).
 */
export interface MixtureDims { F: number; L: number; E: number; H: number; free: number }

/** What the mixture training learns: mixing logits m = Vᵀf + c over E + free experts, and the free experts' maps (L → H). */
export interface MixtureParams { mixer: nn.LinearParams; free: nn.LinearParams[] }

/** Forecasts (normalised) of the mixture Σ_e softmax(m + mask)_e · f_e(x̂) for a batch of rows laid out by `d`. */
export function mixturePredict(p: MixtureParams, x: nn.Tensor, d: MixtureDims): nn.Tensor {
  const b = x.shape[0]!;
  const Lx = d.free > 0 ? d.L : 0;
  const at = d.F + Lx + d.E * d.H;
  const K = d.E + d.free;
  const logits = nn.add(nn.linear(p.mixer, nn.slice(x, 1, 0, d.F)), nn.slice(x, 1, at, at + K));
  const w = nn.reshape(nn.softmax(logits), [b, 1, K]);
  let outs = nn.reshape(nn.slice(x, 1, d.F + Lx, at), [b, d.E, d.H]);
  if (d.free > 0) {
    const xn = nn.slice(x, 1, d.F, d.F + d.L);
    outs = nn.concat([outs, ...p.free.map((q) => nn.reshape(nn.linear(q, xn), [b, 1, d.H]))], 1);
  }
  return nn.reshape(nn.matmul(w, outs), [b, d.H]);
}

/** The mixture's mean squared forecast error over a batch (the loss the mixing stage minimises). */
export function mixtureLoss(p: MixtureParams, x: nn.Tensor, y: nn.Tensor, d: MixtureDims): nn.Tensor {
  return nn.mean(nn.square(nn.sub(mixturePredict(p, x, d), y)));
}

/** The rows of {@link mixtureLoss} for some windows: inputs laid out by `d`, targets n × H. */
export function mixtureRows(all: readonly MixWindow[], experts: readonly LinearMap[], d: MixtureDims): { X: Float64Array; Y: Float64Array; cols: number } {
  const { F, E, H } = d;
  const Lx = d.free > 0 ? d.L : 0;
  const cols = F + Lx + E * H + E + d.free;
  const n = all.length;
  const X = new Float64Array(n * cols);
  const Y = new Float64Array(n * H);
  const buf = new Float64Array(H);
  all.forEach((w, r) => {
    const row = r * cols;
    X.set(w.f, row);
    if (Lx > 0) X.set(w.xn, row + F);
    for (let e = 0; e < E; e++) X.set(applyMap(experts[e]!, w.xn, buf), row + F + Lx + e * H);
    for (let e = 0; e < E; e++) X[row + F + Lx + E * H + e] = w.top.includes(e) ? 0 : -30;
    Y.set(w.y, r * H);
  });
  return { X, Y, cols };
}

/** Epoch history of {@link fullShotSuperLinear}. */
export interface SuperLinearFullShotHistory {
  /** Mean minibatch loss of every epoch (normalised units). */
  trainLoss: number[];
  /**
   * The monitored error before training (entry 0) and after every epoch: the MSE, in the units of the
   * series, over every window of the validation series (`monitored` 'validation') or over the
   * training windows ('training').
   */
  monitor: number[];
  /** What `monitor` measures. */
  monitored: 'validation' | 'training';
  /** The epoch whose parameters the model keeps: the lowest `monitor` (0: the start). */
  bestEpoch: number;
}

interface MixTraining {
  epochs: number;
  learningRate: number;
  batchSize?: number;
  seed: number;
  /** Starting mixing logits (default zeros: equal weights). */
  start?: GateParams;
  /** Starting maps of the free experts (trained; always mixed). */
  free?: LinearMap[];
  /** Keep the parameters of the epoch with the lowest monitored error (validation, else training windows). */
  keepBest?: boolean;
  validation?: MixWindow[];
  /** Epochs without a new best before stopping (keepBest only). */
  patience?: number;
  report: (step: number) => void;
}

/** The monitored error of the current parameters: Σ σ²‖ŷ − y‖² / (n·H) with σ = 1 when a window has no scale. */
function mixtureError(p: MixtureParams, rows: { X: Float64Array; Y: Float64Array; cols: number }, scales: readonly number[], d: MixtureDims): number {
  const n = scales.length;
  const { H } = d;
  let se = 0;
  for (let r0 = 0; r0 < n; r0 += 256) {
    const r1 = Math.min(n, r0 + 256);
    const pred = nn.scope(() => mixturePredict(p, nn.tensor(rows.X.subarray(r0 * rows.cols, r1 * rows.cols), { shape: [r1 - r0, rows.cols] }), d).toArray()) as Float64Array;
    for (let r = r0; r < r1; r++) {
      let s = 0;
      for (let h = 0; h < H; h++) s += (pred[(r - r0) * H + h]! - rows.Y[r * H + h]!) ** 2;
      se += s * scales[r]! ** 2;
    }
  }
  return se / (n * H);
}

const mapOf = (q: nn.LinearParams, L: number, H: number): LinearMap => {
  const W = new Float64Array((L + 1) * H);
  W.set(q.W.toArray() as Float64Array);
  W.set(q.b!.toArray() as Float64Array, L * H);
  return { L, H, W };
};

/**
 * Learns mixing logits m = Vᵀf + c (zero start: equal weights) — and the free experts' maps, if any —
 * by Adam on the mean squared forecast error of Σ_{e ∈ top-k ∪ free} softmax(m)_e · f_e(x) over the
 * windows; the top-k sets stay those of the gate, the other experts are frozen.
 */
function trainMixture(fn: string, all: MixWindow[], experts: LinearMap[], d: MixtureDims, o: MixTraining): { mixer: GateParams; free: LinearMap[]; history: SuperLinearFullShotHistory } {
  const { F, L, E, H } = d;
  const K = E + d.free;
  const rows = mixtureRows(all, experts, d);
  const n = all.length;
  const p: MixtureParams = {
    mixer: o.start ? { W: nn.tensor(o.start.W, { shape: [F, K] }), b: nn.tensor(o.start.b, { shape: [K] }) } : nn.initLinear(F, K, { init: 'zeros' }),
    free: (o.free ?? []).map((m) => ({ W: nn.tensor(m.W.subarray(0, L * H), { shape: [L, H] }), b: nn.tensor(m.W.subarray(L * H), { shape: [H] }) })),
  };
  const history: SuperLinearFullShotHistory = { trainLoss: [], monitor: [], monitored: o.validation ? 'validation' : 'training', bestEpoch: 0 };
  const mon = o.keepBest ? (o.validation ? mixtureRows(o.validation, experts, d) : rows) : undefined;
  const monScales = o.keepBest ? (o.validation ?? all).map((w) => w.scale ?? 1) : [];
  const snapshot = () => ({ mixer: { W: p.mixer.W.toArray() as Float64Array, b: p.mixer.b!.toArray() as Float64Array, F, E: K }, free: p.free.map((q) => mapOf(q, L, H)) });
  let best = mon ? snapshot() : undefined;
  if (mon) history.monitor.push(mixtureError(p, mon, monScales, d));
  try {
    nn.train(
      { params: p, loss: (q, x, y) => mixtureLoss(q, x, y as nn.Tensor, d) },
      { X: { data: rows.X, rows: n, cols: rows.cols }, y: { data: rows.Y, rows: n, cols: H } },
      {
        epochs: o.epochs, batchSize: Math.min(o.batchSize ?? 64, n), optimizer: nn.adam({ learningRate: o.learningRate }), seed: o.seed,
        onProgress: (info) => {
          history.trainLoss.push(info.loss);
          o.report(info.epoch);
          if (!mon) return true;
          const err = mixtureError(p, mon, monScales, d);
          history.monitor.push(err);
          if (err < history.monitor[history.bestEpoch]!) {
            history.bestEpoch = info.epoch;
            best = snapshot();
          }
          return info.epoch - history.bestEpoch < (o.patience ?? Infinity);
        },
      },
    );
    const out = best ?? snapshot();
    return { ...out, history };
  } finally {
    for (const q of [p.mixer, ...p.free]) {
      q.W.free();
      q.b?.free();
    }
  }
}

/** What a model is built from, for {@link fineTuneSuperLinear} and {@link fullShotSuperLinear}; keyed by the model object. */
interface ModelParts {
  L: number;
  H: number;
  /** Periods of every expert, 0 for the free ones (last). */
  periods: number[];
  topK: number;
  /** Every expert, the free ones last. */
  experts: LinearMap[];
  /** The selection gate over the experts with a period. */
  gate: GateParams;
  /** Mixing logits over every expert. */
  mixer: GateParams;
  counts: number[];
  /** Temperature of the mixing softmax (1 after pretraining). */
  temperature: number;
  kind: GateInput;
  /** Free experts (no period, always mixed), the last `free` of `experts`. */
  free: number;
  history?: SuperLinearFullShotHistory;
}
const PARTS = new WeakMap<SuperLinearModel, ModelParts>();

function superLinearModel(parts: ModelParts): SuperLinearModel {
  const model = buildModel(parts);
  PARTS.set(model, parts);
  return model;
}

function buildModel(parts: ModelParts): SuperLinearModel {
  const { L, H, periods, topK, experts, gate: g, mixer, counts, temperature, kind, free } = parts;
  const E = periods.length;
  const decide = (fn: string, xn: Float64Array): SuperLinearGate => {
    const { features, power } = gateFeatures(fn, xn, kind);
    const logits = gateLogits(g, features);
    const idx = topIndices(logits, topK);
    for (let j = 0; j < free; j++) idx.push(E - free + j);
    const w = softmaxOver(gateLogits(mixer, features), idx, temperature);
    const weights = new Float64Array(E);
    idx.forEach((e, i) => (weights[e] = w[i]!));
    return { experts: idx.map((e, i) => ({ index: e, period: periods[e]!, weight: w[i]! })), weights, logits, periodogram: power };
  };
  const mix = (fn: string) => (xn: Float64Array): Float64Array => {
    const d = decide(fn, xn);
    const out = new Float64Array(H);
    const buf = new Float64Array(H);
    for (const c of d.experts) {
      applyMap(experts[c.index]!, xn, buf);
      for (let h = 0; h < H; h++) out[h] = out[h]! + c.weight * buf[h]!;
    }
    return out;
  };
  return {
    lookback: L,
    horizon: H,
    periods: Object.freeze([...periods]),
    topK,
    gateInput: kind,
    ...(parts.history ? { fullShot: parts.history } : {}),
    trainingWindows: Object.freeze([...counts]),
    forecast(series: VectorInput, steps?: number): Float64Array {
      const fn = 'SuperLinearModel.forecast';
      const x = readSeries(fn, 'series', series, L);
      return rollForecast(x, L, H, readSteps(fn, steps, H), mix(fn));
    },
    gate(series: VectorInput): SuperLinearGate {
      const fn = 'SuperLinearModel.gate';
      const x = readSeries(fn, 'series', series, L);
      const start = x.length - L;
      const { mu, sigma } = revinStats(x, start, L);
      const xn = new Float64Array(L);
      for (let i = 0; i < L; i++) xn[i] = (x[start + i]! - mu) / sigma;
      return decide(fn, xn);
    },
    expertForecast(series: VectorInput, index: number, steps?: number): Float64Array {
      const fn = 'SuperLinearModel.expertForecast';
      const x = readSeries(fn, 'series', series, L);
      if (!Number.isSafeInteger(index) || index < 0 || index >= E) throw parameterError(fn, 'index', `an integer in [0, ${E - 1}]`, index);
      const buf = new Float64Array(H);
      return rollForecast(x, L, H, readSteps(fn, steps, H), (xn) => applyMap(experts[index]!, xn, buf));
    },
  };
}

/** Calls onProgress (false stops: an error) and checks the abort signal after a step. */
function stopper(fn: string, onProgress: ((info: SuperLinearProgress) => boolean | void) | undefined, signal: AbortSignalLike | undefined): (info: SuperLinearProgress) => void {
  return (info) => {
    if (onProgress && onProgress(info) === false) throw new ParameterError(`${fn}: stopped by options.onProgress at ${info.stage} step ${info.step} of ${info.total}`);
    if (signal?.aborted) throw new ParameterError(`${fn}: aborted by options.signal at ${info.stage} step ${info.step} of ${info.total}`);
  };
}

/** What a model passed to fineTuneSuperLinear or fullShotSuperLinear is built from (not a full-shot model). */
function partsOf(fn: string, model: unknown): ModelParts {
  const parts = model !== null && typeof model === 'object' ? PARTS.get(model as SuperLinearModel) : undefined;
  if (!parts) throw parameterError(fn, 'model', 'a model returned by pretrainSuperLinear or fineTuneSuperLinear', model);
  if (parts.free > 0) throw parameterError(fn, 'model', 'a model without free experts (not from fullShotSuperLinear)', 'a full-shot model');
  return parts;
}

/** One series or an array of them, each checked finite (named `name` or `name[i]`). */
function readSeriesList(fn: string, name: string, series: unknown): Float64Array[] {
  const many = isSeriesList(series);
  const list = many ? series : [series as VectorInput];
  return list.map((s, i) => finiteArray(fn, many ? `${name}[${i}]` : name, s));
}

/** Windows of lookback L and horizon H, every `stride` values, in the series; at least one. */
function windowCount(fn: string, name: string, xs: readonly Float64Array[], L: number, H: number, stride: number): number {
  let total = 0;
  for (const x of xs) total += Math.max(0, Math.floor((x.length - L - H) / stride) + 1);
  if (total === 0) throw new ShapeError(`${fn}: ${name} must hold at least one window of lookback + horizon = ${L + H} values`);
  return total;
}

/** Every window of the series (every `stride` values), RevIN-normalised, with its scale σ, the gate's features and top k. */
function routedWindows(fn: string, xs: readonly Float64Array[], parts: ModelParts, topK: number, stride: number): MixWindow[] {
  const { L, H } = parts;
  const out: MixWindow[] = [];
  for (const x of xs) {
    const X: number[] = [];
    const Y: number[] = [];
    const scales: number[] = [];
    const n = collectWindows(x, L, H, stride, X, Y, scales);
    for (let w = 0; w < n; w++) {
      const xn = Float64Array.from(X.slice(w * L, (w + 1) * L));
      const f = gateFeatures(fn, xn, parts.kind).features;
      out.push({ xn, y: Float64Array.from(Y.slice(w * H, (w + 1) * H)), f, top: topIndices(gateLogits(parts.gate, f), topK), scale: scales[w]! });
    }
  }
  return out;
}

/** Options of {@link fineTuneSuperLinear}. */
export interface SuperLinearFineTuneOptions {
  /**
   * Pull of each expert toward its pretrained weights W₀, relative like the ridge of
   * {@link fitRLinear}: λ = prior · tr(X̂ᵀX̂)/L over the target windows the expert receives (default
   * 1e-2). Large values keep the pretrained expert; 0 refits it from the target windows alone.
   */
  prior?: number;
  /** Target windows start every `stride` values (default 1). */
  stride?: number;
  /** Refit the experts on the target windows (default true); false fine-tunes the gate's mixing only. */
  experts?: boolean;
  /**
   * Epochs of Adam (step 1e-2, batches of 64) on the mixture's forecast error over the target
   * windows, starting from the model's mixing logits (default 0: the mixing is kept). The gate's
   * choice of the top k experts is not changed.
   */
  gateEpochs?: number;
  /**
   * Experts the gate routes each target window to and the model mixes (default: the model's `topK`).
   * With the gate's softmax close to one-hot, a larger k changes little unless `temperature` is raised.
   */
  topK?: number;
  /**
   * Temperature T of the mixing softmax, weights ∝ exp(m_e/T) over the top k (default: the model's,
   * 1 after pretraining). T > 1 flattens the weights, `Infinity` mixes the top k equally; T < 1 sharpens.
   */
  temperature?: number;
  /** Seed of the shuffles of the gate's fine-tuning (default 0). */
  seed?: number | bigint;
  /** Called after every refitted expert and every gate epoch; return false to stop (an error). */
  onProgress?: (info: SuperLinearProgress) => boolean | void;
  /** Cancels the fine-tuning between steps: a ParameterError names the abort. */
  signal?: AbortSignalLike;
}

const FINE_TUNE_KEYS = optionKeys<SuperLinearFineTuneOptions>({
  prior: true, stride: true, experts: true, gateEpochs: true, topK: true, temperature: true, seed: true, onProgress: true, signal: true,
});

/**
 * Fine-tunes a pretrained Super-Linear model on the training part of a target series (the paper's
 * full-shot setting): a new model, the input model is not changed.
 *
 * Every window of the target series (lookback L, horizon H, every `stride` values) is routed by the
 * model's gate to its top-k experts, as the corpus is in pretraining. Each expert e that receives
 * windows is refitted in closed form with a pull toward its pretrained weights W₀:
 *
 *   min_{W,b} Σ_windows ‖W·x̂ + b − ŷ‖² + λ‖(W, b) − (W₀, b₀)‖²,   λ = prior · tr(X̂ᵀX̂)/L,
 *
 * i.e. RLinear with its ridge centred on the pretrained map instead of on 0 (and the bias pulled
 * toward the pretrained bias too). Then, if `gateEpochs`
 * > 0, the mixing logits over each window's top-k experts are trained by Adam on the mixture's
 * squared forecast error, starting from the model's own. The returned model mixes its top k
 * (`topK`, default the model's) with weights softmax(m/T) over the mixing logits m (`temperature`
 * T, default the model's); its `trainingWindows` counts the target windows each expert was refitted on.
 *
 * Why the two knobs: the gate's logits on a strongly periodic series can be far apart, so that the
 * softmax puts a weight of ≈ 1 on one expert and the mixture is that expert alone; a higher
 * temperature spreads the weight over the top k.
 *
 * @param model   a model returned by {@link pretrainSuperLinear} or by this function.
 * @param series  the target training series, or an array of them (each needs L + H values for a window).
 */
export function fineTuneSuperLinear(model: SuperLinearModel, series: VectorInput | readonly VectorInput[], options?: SuperLinearFineTuneOptions): SuperLinearModel {
  const fn = 'fineTuneSuperLinear';
  const parts = partsOf(fn, model);
  const o = readOptions(fn, options, FINE_TUNE_KEYS);
  const prior = o.prior === undefined ? 1e-2 : nonNegative(fn, 'options.prior', o.prior);
  if (!Number.isFinite(prior)) throw parameterError(fn, 'options.prior', 'finite', prior);
  const stride = o.stride === undefined ? 1 : positiveInteger(fn, 'options.stride', o.stride);
  if (o.experts !== undefined && typeof o.experts !== 'boolean') throw parameterError(fn, 'options.experts', 'true or false', o.experts);
  const refit = o.experts !== false;
  const gateEpochs = o.gateEpochs === undefined ? 0 : nonNegativeInteger(fn, 'options.gateEpochs', o.gateEpochs);
  const seed = seededRng(fn, o.seed ?? 0, 'options.seed').uniform(1)[0]!;
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);
  const { lookback: L, horizon: H } = model;
  const periods = [...model.periods];
  const E = periods.length;
  const topK = o.topK === undefined ? model.topK : positiveInteger(fn, 'options.topK', o.topK);
  if (topK > E) throw parameterError(fn, 'options.topK', `at most the number of experts (${E})`, topK);
  const temperature = o.temperature === undefined ? parts.temperature : o.temperature;
  if (typeof temperature !== 'number' || !(temperature > 0)) throw parameterError(fn, 'options.temperature', 'a number > 0 (Infinity: equal weights)', temperature);
  const xs = readSeriesList(fn, 'series', series);
  const total = windowCount(fn, 'series', xs, L, H, stride);
  checkCapacity(fn, total * (2 * L + H + 1) * Math.max(topK, 1) + total * (Math.floor(L / 2) + L + H) + (L + 1) * (L + 1 + H) + (gateEpochs > 0 ? total * (Math.floor(L / 2) + E * (H + 1)) : 0));
  const t0 = Date.now();
  const stop = stopper(fn, onProgress, signal);

  // route every target window to the gate's top k
  const Xs: number[][] = periods.map(() => []);
  const Ys: number[][] = periods.map(() => []);
  const counts = periods.map(() => 0);
  const all = routedWindows(fn, xs, parts, topK, stride);
  for (const { xn, y, top } of all) {
    for (const e of top) {
      for (let i = 0; i < L; i++) Xs[e]!.push(xn[i]!);
      for (let i = 0; i < H; i++) Ys[e]!.push(y[i]!);
      counts[e]!++;
    }
  }

  // experts: ridge centred on the pretrained map; an expert without target windows is kept
  const experts = parts.experts.map((m, e) => {
    if (!refit || counts[e] === 0) return m;
    const fitted = fitLinearMap(fn, { X: Float64Array.from(Xs[e]!), Y: Float64Array.from(Ys[e]!), n: counts[e]! }, L, H, prior, m);
    Xs[e] = [];
    Ys[e] = [];
    stop({ stage: 'experts', step: e + 1, total: E, elapsed: Date.now() - t0 });
    return fitted;
  });
  const mixer = gateEpochs > 0 && topK > 1
    ? trainMixture(fn, all, experts, { F: Math.floor(L / 2), L, E, H, free: 0 }, {
      epochs: gateEpochs, learningRate: 1e-2, seed: Math.floor(seed * 2 ** 31), start: parts.mixer,
      report: (step) => stop({ stage: 'mix', step, total: gateEpochs, elapsed: Date.now() - t0 }),
    }).mixer
    : parts.mixer;
  return superLinearModel({ ...parts, topK, experts, mixer, counts: refit ? counts : [...model.trainingWindows], temperature });
}

/** Options of {@link fullShotSuperLinear}. */
export interface SuperLinearFullShotOptions {
  /** Free ("complementary") RLinear experts added to the mixture: no period, always mixed, trained (default 1). */
  freeExperts?: number;
  /**
   * Start of the free experts: 'zeros' (default); 'random', weights U(±1/√L) and bias 0, seeded, a
   * different draw per expert (as a fresh linear layer in the paper's code); or 'ridge', the RLinear
   * fitted in closed form to the training windows with relative ridge `ridge` (see {@link fitRLinear}).
   * Free experts with the same start ('zeros', 'ridge') get the same gradients and stay equal: use
   * 'random' for more than one.
   */
  freeInit?: 'zeros' | 'random' | 'ridge';
  /** Relative ridge of the 'ridge' start (default 1e-2). */
  ridge?: number;
  /**
   * Train the free experts' maps with the mixing logits (default true); false keeps them at their
   * start (with 'ridge': an RLinear mixed with the frozen frequency experts, only the mixing learned).
   */
  trainFree?: boolean;
  /**
   * Total mixing weight of the free experts at the start, in (0, 1) (default: their share of equal
   * weights, freeExperts / (topK + freeExperts)); set through the mixing bias, the other logits start at 0.
   */
  freeWeight?: number;
  /** Epochs of Adam over the training windows (default 100). */
  epochs?: number;
  /** Adam's step (default 1e-3). */
  learningRate?: number;
  /** Windows per minibatch (default 64; at most the number of training windows). */
  batchSize?: number;
  /**
   * Validation series (or an array of them) for early stopping: the model keeps the parameters of the
   * epoch with the lowest MSE over every window of the validation series (in the series' units; the
   * start counts as epoch 0). Without it the training windows' MSE is monitored the same way, so the
   * result is never worse on the training windows than the start.
   */
  validation?: VectorInput | readonly VectorInput[];
  /** Stop after this many epochs without a new lowest monitored error (default: run every epoch). */
  patience?: number;
  /** Experts the gate selects per window from the pretrained ones (default: the model's `topK`). */
  topK?: number;
  /** Training windows start every `stride` values (default 1). */
  stride?: number;
  /** Seed of the minibatch shuffles (default 0). */
  seed?: number | bigint;
  /** Called after every epoch (stage 'mix'); return false to stop (an error). */
  onProgress?: (info: SuperLinearProgress) => boolean | void;
  /** Cancels the training between epochs: a ParameterError names the abort. */
  signal?: AbortSignalLike;
}

const FULL_SHOT_KEYS = optionKeys<SuperLinearFullShotOptions>({
  freeExperts: true, freeInit: true, ridge: true, trainFree: true, freeWeight: true, epochs: true, learningRate: true, batchSize: true,
  validation: true, patience: true, topK: true, stride: true, seed: true, onProgress: true, signal: true,
});

/**
 * Full-shot training as in the Super-Linear paper's released code: the pretrained frequency experts
 * are frozen, `freeExperts` free RLinear experts (no period) are added, and the mixing logits
 * m = Vᵀf + c over the gate's top-k experts and the free ones (f: the gate's features) are trained
 * together with the free experts by Adam, end to end, on the mean squared forecast error of the
 * mixture Σ_e softmax(m)_e · f_e(x̂) over every training window (normalised by RevIN). The pretrained
 * gate still chooses the top k; the free experts are mixed at every window. The mixing starts from
 * equal logits (the free experts' bias set by `freeWeight`). Early stopping keeps the epoch with the
 * lowest error on `validation` (or on the training windows). Returns a new model whose experts are
 * the pretrained ones then the free ones (period 0), with the epoch history in `fullShot`.
 *
 * With the default `gateInput` 'log' the pretrained gate's softmax is often one-hot; this training
 * learns its own mixing logits from zero, so the mixture weights can vary with the input.
 *
 * @param model   a model returned by {@link pretrainSuperLinear} or {@link fineTuneSuperLinear}.
 * @param series  the target training series, or an array of them (each needs L + H values for a window).
 */
export function fullShotSuperLinear(model: SuperLinearModel, series: VectorInput | readonly VectorInput[], options?: SuperLinearFullShotOptions): SuperLinearModel {
  const fn = 'fullShotSuperLinear';
  const parts = partsOf(fn, model);
  const o = readOptions(fn, options, FULL_SHOT_KEYS);
  const { L, H } = parts;
  const E = parts.periods.length;
  const m = o.freeExperts === undefined ? 1 : nonNegativeInteger(fn, 'options.freeExperts', o.freeExperts);
  if (o.freeInit !== undefined && o.freeInit !== 'zeros' && o.freeInit !== 'random' && o.freeInit !== 'ridge') throw parameterError(fn, 'options.freeInit', "'zeros', 'random' or 'ridge'", o.freeInit);
  const ridge = o.ridge === undefined ? 1e-2 : nonNegative(fn, 'options.ridge', o.ridge);
  if (!Number.isFinite(ridge)) throw parameterError(fn, 'options.ridge', 'finite', ridge);
  if (o.trainFree !== undefined && typeof o.trainFree !== 'boolean') throw parameterError(fn, 'options.trainFree', 'true or false', o.trainFree);
  const trainFree = o.trainFree !== false;
  const topK = o.topK === undefined ? parts.topK : positiveInteger(fn, 'options.topK', o.topK);
  if (topK > E) throw parameterError(fn, 'options.topK', `at most the number of experts (${E})`, topK);
  const freeWeight = o.freeWeight === undefined ? m / (topK + m) : o.freeWeight;
  if (o.freeWeight !== undefined && (typeof freeWeight !== 'number' || !(freeWeight > 0 && freeWeight < 1))) throw parameterError(fn, 'options.freeWeight', 'a number in (0, 1)', freeWeight);
  const epochs = o.epochs === undefined ? 100 : nonNegativeInteger(fn, 'options.epochs', o.epochs);
  const learningRate = o.learningRate === undefined ? 1e-3 : nonNegative(fn, 'options.learningRate', o.learningRate);
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw parameterError(fn, 'options.learningRate', 'a finite number > 0', learningRate);
  const batchSize = o.batchSize === undefined ? 64 : positiveInteger(fn, 'options.batchSize', o.batchSize);
  const patience = o.patience === undefined ? Infinity : positiveInteger(fn, 'options.patience', o.patience);
  const stride = o.stride === undefined ? 1 : positiveInteger(fn, 'options.stride', o.stride);
  const R = seededRng(fn, o.seed ?? 0, 'options.seed');
  const seed = R.uniform(1)[0]!;
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);
  const xs = readSeriesList(fn, 'series', series);
  const total = windowCount(fn, 'series', xs, L, H, stride);
  const vs = o.validation === undefined ? [] : readSeriesList(fn, 'options.validation', o.validation);
  const totalVal = vs.length > 0 ? windowCount(fn, 'options.validation', vs, L, H, 1) : 0;
  const F = Math.floor(L / 2);
  checkCapacity(fn, (total + totalVal) * (2 * (F + L + H) + E * (H + 1) + m) + (m + 2) * (L + 1) * (L + 1 + H));
  const t0 = Date.now();
  const stop = stopper(fn, onProgress, signal);
  const report = (step: number): void => stop({ stage: 'mix', step, total: epochs, elapsed: Date.now() - t0 });

  const all = routedWindows(fn, xs, parts, topK, stride);
  const validation = vs.length > 0 ? routedWindows(fn, vs, parts, topK, 1) : undefined;
  let start: LinearMap = { L, H, W: new Float64Array((L + 1) * H) };
  if (o.freeInit === 'ridge' && m > 0) {
    const X = new Float64Array(all.length * L);
    const Y = new Float64Array(all.length * H);
    all.forEach((w, r) => {
      X.set(w.xn, r * L);
      Y.set(w.y, r * H);
    });
    start = fitLinearMap(fn, { X, Y, n: all.length }, L, H, ridge);
  }
  // mixing logits 0 for the pretrained experts, c for each free one: m·e^c / (k + m·e^c) = freeWeight
  const b = new Float64Array(E + m);
  if (m > 0) b.fill(Math.log((freeWeight * topK) / (m * (1 - freeWeight))), E);
  const frees = Array.from({ length: m }, (): LinearMap => {
    if (o.freeInit !== 'random') return start;
    const W = R.uniform((L + 1) * H);
    for (let i = 0; i < L * H; i++) W[i] = (2 * W[i]! - 1) / Math.sqrt(L);
    W.fill(0, L * H);
    return { L, H, W };
  });
  // fixed free experts join the frozen ones, selected at every window
  const always = Array.from({ length: trainFree ? 0 : m }, (_, j) => E + j);
  const withFixed = (ws: MixWindow[]) => (trainFree ? ws : ws.map((w) => ({ ...w, top: [...w.top, ...always] })));
  const trained = trainMixture(fn, withFixed(all), trainFree ? parts.experts : [...parts.experts, ...frees], { F, L, E: trainFree ? E : E + m, H, free: trainFree ? m : 0 }, {
    epochs, learningRate, batchSize, seed: Math.floor(seed * 2 ** 31), start: { W: new Float64Array(F * (E + m)), b, F, E: E + m },
    free: trainFree ? frees : [], keepBest: true, validation: validation && withFixed(validation), patience, report,
  });
  return superLinearModel({
    ...parts, periods: [...parts.periods, ...new Array<number>(m).fill(0)], topK, experts: [...parts.experts, ...(trainFree ? trained.free : frees)],
    mixer: trained.mixer, counts: [...parts.counts, ...new Array<number>(m).fill(all.length)], temperature: 1, free: m, history: trained.history,
  });
}
