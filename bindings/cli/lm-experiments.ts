/**
 * `proxkit lm-experiments`: the transformer language-model experiments, each written as a JSON table
 * and an SVG figure into one folder.
 *
 * - `glu` (lm-glu.*): the same character transformer trained on Genesis (KJV) with every feed-forward
 *   variant, same steps, batches and seeds; held-out perplexity per variant (Shazeer 2020).
 * - `linearity` (lm-linearity.*): the Procrustes linearity of every block of those same models, with and
 *   without the residual stream (Razzhigaev et al. 2024). Comes from the `glu` runs.
 * - `prollama` (lm-prollama.*): ProLLaMA's two LoRA stages at toy scale: an English model continues on
 *   protein sequences through adapters only (against full fine-tuning), then learns family prompts.
 * - `psft` (lm-psft.*): plain SFT vs the PSFT loss when fine-tuning on a narrow corpus.
 *
 * Every run is seeded: the same command gives the same numbers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { init, nn } from '../index.js';
import { lineFigure, type Series } from '../plot/svg.js';
import corpus from '../../data/text/genesis-kjv.txt';
import proteinText from '../../data/protein/pfam-families.txt';

/** The experiments, in the order they run. */
export const LM_EXPERIMENTS = ['glu', 'linearity', 'prollama', 'psft'] as const;
export type LmExperiment = (typeof LM_EXPERIMENTS)[number];

/** The model and training sizes shared by the experiments. */
export interface LmSettings {
  quick: boolean;
  /** Seeds of the GLU comparison (1 … seeds). */
  seeds: number;
  /** Adam steps of every GLU run and of every base model. */
  steps: number;
  dModel: number;
  heads: number;
  layers: number;
  /** Ungated hidden width; divisible by 3 so that the gated width 2/3·dFF is exact. */
  dFF: number;
  contextLength: number;
  batch: number;
  learningRate: number;
  /** Held-out characters for perplexity. */
  evalTokens: number;
  /** Steps of each fine-tuning stage (PSFT, the two LoRA stages, full fine-tuning). */
  fineTuneSteps: number;
  /** Evaluate every this many fine-tuning steps. */
  every: number;
}

/** The full settings (about 94,000 parameters, 300 steps, 3 seeds) and the quick ones (seconds). */
export function lmSettings(quick: boolean, over: { seeds?: number; steps?: number; dModel?: number } = {}): LmSettings {
  const base: LmSettings = quick
    ? { quick, seeds: 1, steps: 30, dModel: 16, heads: 2, layers: 2, dFF: 48, contextLength: 32, batch: 4, learningRate: 1e-2, evalTokens: 1024, fineTuneSteps: 20, every: 10 }
    : { quick, seeds: 3, steps: 300, dModel: 64, heads: 4, layers: 2, dFF: 192, contextLength: 64, batch: 8, learningRate: 3e-3, evalTokens: 4096, fineTuneSteps: 120, every: 20 };
  const s = { ...base, ...Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined)) };
  if (over.dModel !== undefined) s.dFF = 3 * over.dModel;
  return s;
}

const VARIANTS: nn.FfnVariant[] = ['relu', 'gelu', 'glu', 'bilinear', 'reglu', 'geglu', 'swiglu'];

/** A counter of training steps across all experiments (drives the progress bar). */
export interface StepCounter {
  tick(label: string): void;
}

// ------------------------------------------------------------------ data

interface English {
  tok: nn.CharTokenizer;
  train: Int32Array;
  held: Int32Array;
  lines: string[];
}

interface ProteinRecord {
  family: string;
  name: string;
  sequence: string;
}

/** The embedded protein set: `>family name` then the sequence on one line. */
export function proteinRecords(): ProteinRecord[] {
  const out: ProteinRecord[] = [];
  const lines = proteinText.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [family, name] = lines[i]!.slice(1).split(' ');
    out.push({ family: family!, name: name!, sequence: lines[i + 1]! });
  }
  return out;
}

/** The stage-2 prompt of a family. */
const promptOf = (family: string): string => `family=${family}\n`;

/** The English experiments' tokenizer: the 60 characters of Genesis. */
function englishTokenizer(): nn.CharTokenizer {
  return nn.charTokenizer(corpus.endsWith('\n') ? corpus : corpus + '\n');
}

/** The two-stage experiment's tokenizer: Genesis, the protein letters and the prompt characters. */
function proteinTokenizer(): nn.CharTokenizer {
  const fams = [...new Set(proteinRecords().map((r) => r.family))];
  return nn.charTokenizer(corpus + proteinText + fams.map(promptOf).join(''));
}

function english(s: LmSettings, tok: nn.CharTokenizer): English {
  const lines = corpus.split('\n').filter((l) => l.length > 0);
  const cut = Math.floor(lines.length * 0.9);
  return { tok, lines, train: tok.encode(lines.slice(0, cut).join('\n') + '\n'), held: tok.encode(lines.slice(cut).join('\n') + '\n').subarray(0, s.evalTokens + 1) };
}

const modelOptions = (s: LmSettings, ffn: nn.FfnVariant, seed: number): nn.TransformerOptions =>
  ({ contextLength: s.contextLength, dModel: s.dModel, heads: s.heads, layers: s.layers, dFF: s.dFF, ffn, seed });

const mean = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
const sd = (a: readonly number[]): number => {
  const m = mean(a);
  return Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / Math.max(1, a.length - 1));
};

// ------------------------------------------------------------------ GLU variants and linearity

export interface GluRun {
  variant: nn.FfnVariant; seed: number; params: number; trainLoss: number; heldPerplexity: number; heldNll: number;
  withResidual: number[]; withoutResidual: number[]; seconds: number;
}

export interface GluResult {
  settings: LmSettings & { corpus: string; trainTokens: number; heldTokens: number; vocab: number; optimizer: string };
  summary: { variant: nn.FfnVariant; params: number; mean: number; sd: number; min: number; max: number }[];
  runs: GluRun[];
}

/** Steps the GLU comparison takes. */
export const gluSteps = (s: LmSettings): number => VARIANTS.length * s.seeds * s.steps;

/**
 * Every feed-forward variant, seeds 1 … s.seeds: held-out perplexity and per-block linearity.
 * `onRun` sees each finished run (the command saves the runs so far: a long run stopped early keeps them).
 */
export function gluExperiment(s: LmSettings, counter: StepCounter, tok: nn.CharTokenizer = englishTokenizer(), onRun?: (runs: readonly GluRun[]) => void): GluResult {
  const e = english(s, tok);
  const T = s.contextLength;
  // 16 consecutive held-out windows (8 in the quick run) for the linearity scores
  const windows = Array.from({ length: s.quick ? 8 : 16 }, (_, i) => Array.from(e.held.subarray(i * T, (i + 1) * T)));
  const runs: GluRun[] = [];
  for (const variant of VARIANTS) {
    for (let seed = 1; seed <= s.seeds; seed++) {
      const t0 = performance.now();
      const P = nn.initTransformer(tok.size, modelOptions(s, variant, seed));
      const r = nn.trainLm(P, e.train, {
        steps: s.steps, batchSize: s.batch, seed: 1000 + seed, optimizer: nn.adam({ learningRate: s.learningRate }),
        onProgress: () => counter.tick(`glu ${variant} seed ${seed}`),
      });
      const tail = Array.from(r.losses.subarray(Math.max(0, r.losses.length - 50)));
      const ppl = nn.lmPerplexity(P, e.held);
      const lin = nn.lmLayerLinearity(P, windows);
      runs.push({
        variant, seed, params: nn.transformerParamCount(P), trainLoss: mean(tail), heldPerplexity: ppl.perplexity, heldNll: ppl.nll,
        withResidual: lin.withResidual, withoutResidual: lin.withoutResidual, seconds: (performance.now() - t0) / 1000,
      });
      nn.freeTransformer(P);
      onRun?.(runs);
    }
  }
  const summary = VARIANTS.map((variant) => {
    const p = runs.filter((r) => r.variant === variant).map((r) => r.heldPerplexity);
    return { variant, params: runs.find((r) => r.variant === variant)!.params, mean: mean(p), sd: sd(p), min: Math.min(...p), max: Math.max(...p) };
  });
  return {
    settings: { ...s, corpus: 'data/text/genesis-kjv.txt (Genesis, KJV): first 90 % of the verses train, the last 10 % are held out', trainTokens: e.train.length, heldTokens: e.held.length - 1, vocab: tok.size, optimizer: `adam(${s.learningRate}), gradients clipped to norm 1` },
    summary,
    runs,
  };
}

export function gluFigure(r: GluResult): string {
  const s = r.settings;
  const idx = VARIANTS.map((_, i) => i);
  const name = (v: number): string => VARIANTS[Math.round(v)] ?? '';
  return lineFigure({
    title: `Feed-forward variants of a ${s.layers}-block character transformer on Genesis (KJV): held-out perplexity`,
    width: 760,
    panels: [{
      title: `after ${s.steps} Adam steps, ${s.seeds} seed${s.seeds > 1 ? 's' : ''}`,
      x: { label: 'feed-forward variant', domain: [-0.5, VARIANTS.length - 0.5], ticks: VARIANTS.length, format: name },
      y: { label: 'held-out perplexity (per character)' },
      series: [
        ...Array.from({ length: s.seeds }, (_, k): Series => ({ name: `seed ${k + 1}`, x: idx, y: VARIANTS.map((v) => r.runs.find((x) => x.variant === v && x.seed === k + 1)?.heldPerplexity ?? NaN), markersOnly: true })),
        { name: 'mean over seeds', x: idx, y: r.summary.map((x) => x.mean) },
      ],
    }],
    caption: `${r.summary[0]!.params} parameters for every variant (d = ${s.dModel}, ${s.heads} heads, d_ff = ${s.dFF}, gated ${Math.round((2 * s.dFF) / 3)}); Adam η = ${s.learningRate}, batch ${s.batch} × ${s.contextLength} characters, f64. Held-out: the first ${s.heldTokens} characters of the last 10 % of the verses.`,
  });
}

/** The linearity table: per variant and block, the mean over seeds with and without the residual stream. */
export function linearityTable(r: GluResult): { settings: GluResult['settings']; perVariant: { variant: string; withResidual: number[]; withoutResidual: number[] }[]; runs: Pick<GluRun, 'variant' | 'seed' | 'withResidual' | 'withoutResidual'>[] } {
  const blocks = r.settings.layers;
  const perVariant = VARIANTS.map((variant) => {
    const rs = r.runs.filter((x) => x.variant === variant);
    return {
      variant,
      withResidual: Array.from({ length: blocks }, (_, l) => mean(rs.map((x) => x.withResidual[l]!))),
      withoutResidual: Array.from({ length: blocks }, (_, l) => mean(rs.map((x) => x.withoutResidual[l]!))),
    };
  });
  return { settings: r.settings, perVariant, runs: r.runs.map(({ variant, seed, withResidual, withoutResidual }) => ({ variant, seed, withResidual, withoutResidual })) };
}

export function linearityFigure(r: GluResult): string {
  const s = r.settings;
  const blocks = Array.from({ length: s.layers }, (_, l) => l + 1);
  const t = linearityTable(r);
  const panel = (key: 'withResidual' | 'withoutResidual', title: string) => ({
    title,
    x: { label: 'block', domain: [0.5, s.layers + 0.5] as [number, number], ticks: s.layers, format: (v: number) => String(Math.round(v)) },
    y: { label: 'Procrustes linearity', domain: [0, 1] as [number, number] },
    series: t.perVariant.map((v) => ({ name: v.variant, x: blocks, y: v[key] })),
  });
  return lineFigure({
    title: 'How linear is each block? Procrustes linearity between consecutive layers of the trained character transformers',
    columns: 2,
    width: 900,
    panels: [panel('withResidual', 'with the residual stream: h_l → h_l+1'), panel('withoutResidual', 'without it: h_l → h_l+1 − h_l')],
    caption: `Score 1 − min_A ‖X̃A − Ỹ‖² after centring and unit Frobenius norm (1: exactly linear). Mean over ${s.seeds} seed${s.seeds > 1 ? 's' : ''} per feed-forward variant; ${s.quick ? 8 : 16} held-out windows of ${s.contextLength} characters.`,
  });
}

// ------------------------------------------------------------------ PSFT

export interface PsftResult {
  settings: LmSettings & { corpus: string; psft: { epsilon: number; stepsPerBatch: number }; narrowTrain: number; narrowHeld: number; generalTrain: number };
  curves: Record<'SFT' | 'PSFT', { step: number; entropyGeneral: number; pplGeneral: number; pplNarrow: number }[]>;
}

export const psftSteps = (s: LmSettings): number => s.steps + 2 * s.fineTuneSteps;

/** Mean entropy (nats) of the next-token distribution over the positions of consecutive windows. */
function entropyOn(P: nn.TransformerParams, ids: Int32Array): number {
  const T = P.config.contextLength;
  const n = Math.floor(ids.length / T);
  const seqs = Array.from({ length: n }, (_, i) => Array.from(ids.subarray(i * T, (i + 1) * T)));
  return nn.scope(() => {
    const z = nn.transformerForward(P, seqs).logits;
    return nn.neg(nn.mean(nn.sum(nn.mul(nn.softmax(z), nn.logSoftmax(z)), 1))).item();
  });
}

/**
 * A model trained on the Genesis verses without "begat" is fine-tuned on the verses with it (the
 * genealogies) with cross-entropy and with the PSFT loss: entropy and perplexity on held-out general
 * text and perplexity on held-out narrow text every `every` steps.
 */
export function psftExperiment(s: LmSettings, counter: StepCounter, tok: nn.CharTokenizer = englishTokenizer()): PsftResult {
  const lines = corpus.split('\n').filter((l) => l.length > 0);
  const narrow = lines.filter((l) => l.includes('begat'));
  const general = lines.filter((l) => !l.includes('begat'));
  const cutG = Math.floor(general.length * 0.9);
  const cutN = Math.floor(narrow.length * 0.8);
  const enc = (ls: string[]): Int32Array => tok.encode(ls.join('\n') + '\n');
  const genTrain = enc(general.slice(0, cutG));
  const genHeld = enc(general.slice(cutG)).subarray(0, s.evalTokens + 1);
  const narTrain = enc(narrow.slice(0, cutN));
  const narHeld = enc(narrow.slice(cutN));
  const base = nn.initTransformer(tok.size, modelOptions(s, 'swiglu', 1));
  nn.trainLm(base, genTrain, { steps: s.steps, batchSize: s.batch, seed: 1, optimizer: nn.adam({ learningRate: s.learningRate }), onProgress: () => counter.tick('psft: base model') });
  const snapshot = (P: nn.TransformerParams) => ({ entropyGeneral: entropyOn(P, genHeld), pplGeneral: nn.lmPerplexity(P, genHeld).perplexity, pplNarrow: nn.lmPerplexity(P, narHeld).perplexity });
  const start = snapshot(base);
  const psft = { epsilon: 0.2, stepsPerBatch: 4 };
  const curves = {} as PsftResult['curves'];
  for (const method of ['SFT', 'PSFT'] as const) {
    const P = nn.mergeLora(base); // an independent copy
    const opt = nn.adam({ learningRate: s.learningRate });
    curves[method] = [{ step: 0, ...start }];
    for (let k = s.every; k <= s.fineTuneSteps; k += s.every) {
      nn.trainLm(P, narTrain, {
        steps: s.every, batchSize: s.batch, seed: 100 + k, optimizer: opt, ...(method === 'PSFT' ? { psft } : {}),
        onProgress: () => counter.tick(`psft: ${method}`),
      });
      curves[method].push({ step: k, ...snapshot(P) });
    }
    nn.freeTransformer(P);
  }
  nn.freeTransformer(base);
  return {
    settings: { ...s, corpus: 'Genesis (KJV): general = the verses without "begat", narrow = the verses with it', psft, narrowTrain: narTrain.length, narrowHeld: narHeld.length, generalTrain: genTrain.length },
    curves,
  };
}

export function psftFigure(r: PsftResult): string {
  const s = r.settings;
  const series = (key: 'entropyGeneral' | 'pplGeneral' | 'pplNarrow'): Series[] => (['SFT', 'PSFT'] as const).map((m) => ({ name: m, x: r.curves[m].map((c) => c.step), y: r.curves[m].map((c) => c[key]) }));
  return lineFigure({
    title: 'Fine-tuning a character transformer on a narrow corpus (the genealogy verses of Genesis): plain SFT vs PSFT',
    columns: 3,
    width: 960,
    panels: [
      { title: 'general text: entropy', x: { label: 'fine-tuning step' }, y: { label: 'next-token entropy (nats)' }, series: series('entropyGeneral') },
      { title: 'general text: perplexity', x: { label: 'fine-tuning step' }, y: { label: 'perplexity per character' }, series: series('pplGeneral') },
      { title: 'narrow text: perplexity', x: { label: 'fine-tuning step' }, y: { label: 'perplexity per character' }, series: series('pplNarrow') },
    ],
    caption: `Base: ${s.steps} Adam steps on the other verses (SwiGLU, d = ${s.dModel}). Fine-tuning: Adam η = ${s.learningRate}, batch ${s.batch} × ${s.contextLength}; PSFT with ε = ${s.psft.epsilon} and each batch used for ${s.psft.stepsPerBatch} steps. Held-out: 10 % of the general verses, 20 % of the narrow ones.`,
  });
}

// ------------------------------------------------------------------ ProLLaMA's two LoRA stages

/**
 * A family classifier that does not use the language model: per family, a first-order Markov chain
 * over the 20 amino-acid letters (transition counts of the training sequences, add-one smoothing); a
 * sequence goes to the family under which its mean log-likelihood per transition is highest.
 */
export function markovFamilyClassifier(train: readonly ProteinRecord[]): { families: string[]; classify(seq: string): string | null } {
  const AA = 'ACDEFGHIKLMNPQRSTVWY';
  const index = new Map([...AA].map((c, i) => [c, i]));
  const families = [...new Set(train.map((r) => r.family))];
  const logP = families.map((f) => {
    const counts = new Float64Array(400).fill(1);
    for (const r of train) {
      if (r.family !== f) continue;
      for (let i = 1; i < r.sequence.length; i++) {
        const a = index.get(r.sequence[i - 1]!), b = index.get(r.sequence[i]!);
        if (a !== undefined && b !== undefined) counts[a * 20 + b]! += 1;
      }
    }
    const out = new Float64Array(400);
    for (let a = 0; a < 20; a++) {
      let row = 0;
      for (let b = 0; b < 20; b++) row += counts[a * 20 + b]!;
      for (let b = 0; b < 20; b++) out[a * 20 + b] = Math.log(counts[a * 20 + b]! / row);
    }
    return out;
  });
  return {
    families,
    classify(seq: string): string | null {
      let best: string | null = null;
      let bestScore = -Infinity;
      families.forEach((f, k) => {
        let total = 0;
        let n = 0;
        for (let i = 1; i < seq.length; i++) {
          const a = index.get(seq[i - 1]!), b = index.get(seq[i]!);
          if (a === undefined || b === undefined) continue;
          total += logP[k]![a * 20 + b]!;
          n++;
        }
        if (n > 0 && total / n > bestScore) {
          bestScore = total / n;
          best = f;
        }
      });
      return best;
    },
  };
}

export interface ProllamaResult {
  settings: LmSettings & {
    rank: number; loraLearningRate: number; families: string[]; proteinTrain: number; proteinHeld: number;
    samplesPerFamily: number; sampleLength: number; temperature: number; topK: number;
  };
  parameters: { base: number; stage1Adapters: number; stage2Adapters: number; adapterFraction: number };
  /** Digests of the base tensors before and after stage 1 (equal: the frozen weights did not move). */
  baseDigestBefore: string;
  baseDigestAfter: string;
  baseBitIdentical: boolean;
  /** Protein and English held-out perplexity along stage 1 (LoRA) and along full fine-tuning, same steps. */
  stage1: { step: number; loraProtein: number; loraEnglish: number; fullProtein: number; fullEnglish: number }[];
  /**
   * Perplexity of the held-out protein stream under its training stream's token frequencies (add-one
   * smoothed): the level a model reaches by learning the amino-acid composition alone.
   */
  unigramProteinPerplexity: number;
  /** The classifier's accuracy on real held-out sequences (their first sampleLength residues). */
  classifierAccuracy: number;
  /** Per family: how many generated sequences the classifier assigns to the requested family. */
  familyMatch: { family: string; stage1: number; stage2: number; samples: number }[];
  stage2Losses: { first: number; last: number };
  examples: { family: string; stage1: string; stage2: string }[];
}

/** Stage 2 trains twice as long as stage 1: the prompts are a new task, not more of the same data. */
export const prollamaSteps = (s: LmSettings): number => s.steps + 4 * s.fineTuneSteps;

/** exp of the mean negative log-likelihood of `held` under the add-one token frequencies of `train` (plain TS). */
function unigramPerplexity(train: Int32Array, held: Int32Array, vocab: number): number {
  const counts = new Float64Array(vocab).fill(1);
  for (const t of train) counts[t]! += 1;
  const total = train.length + vocab;
  let nll = 0;
  for (let i = 1; i < held.length; i++) nll -= Math.log(counts[held[i]!]! / total);
  return Math.exp(nll / (held.length - 1));
}

/** FNV-1a over the bytes of every base tensor (adapters excluded), as hex. */
function baseDigest(P: nn.TransformerParams): string {
  let h = 0x811c9dc5;
  const walk = (v: unknown): void => {
    if (v instanceof nn.Tensor) {
      const bytes = new Uint8Array(Float64Array.from(v.toArray() as ArrayLike<number>).buffer);
      for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    } else if (v !== null && typeof v === 'object') for (const [k, w] of Object.entries(v)) if (k !== 'lora') walk(w);
  };
  walk(P);
  return h.toString(16).padStart(8, '0');
}

/**
 * ProLLaMA's recipe on a character transformer: (0) train on English (Genesis); (1) continue on
 * protein sequences with rank-r LoRA adapters only, the base frozen, against full fine-tuning for the
 * same steps; (2) fold the stage-1 adapters in and train new adapters on records
 * "family=<name>\n<sequence>" (windows start at record starts). Then sample after each family's
 * prompt from the stage-1 and the stage-2 model and count how often a Markov-chain family classifier
 * (trained on the same training sequences, checked on held-out ones) names the requested family.
 */
export function prollamaExperiment(s: LmSettings, counter: StepCounter, tok: nn.CharTokenizer = proteinTokenizer()): ProllamaResult {
  const T = s.contextLength;
  const rank = 2;
  const loraLr = s.quick ? 2e-2 : 1e-2;
  const e = english(s, tok);
  const records = proteinRecords();
  // every 5th sequence of each family is held out
  const seen = new Map<string, number>();
  const train: ProteinRecord[] = [];
  const held: ProteinRecord[] = [];
  for (const r of records) {
    const k = seen.get(r.family) ?? 0;
    seen.set(r.family, k + 1);
    (k % 5 === 4 ? held : train).push(r);
  }
  const families = [...new Set(records.map((r) => r.family))];
  const protTrain = tok.encode(train.map((r) => r.sequence).join('\n') + '\n');
  const protHeld = tok.encode(held.map((r) => r.sequence).join('\n') + '\n').subarray(0, s.evalTokens + 1);

  // (0) the English base model
  const base = nn.initTransformer(tok.size, modelOptions(s, 'swiglu', 1));
  nn.trainLm(base, e.train, { steps: s.steps, batchSize: s.batch, seed: 1, optimizer: nn.adam({ learningRate: s.learningRate }), onProgress: () => counter.tick('prollama: English base') });
  const ppl = (P: nn.TransformerParams, ids: Int32Array): number => nn.lmPerplexity(P, ids).perplexity;

  // (1) continual pre-training on proteins: LoRA adapters only, and full fine-tuning of a copy
  const digestBefore = baseDigest(base);
  const stage1 = nn.addLora(base, { rank, seed: 11 });
  const full = nn.mergeLora(base);
  const optLora = nn.adam({ learningRate: loraLr });
  const optFull = nn.adam({ learningRate: s.learningRate });
  const curve: ProllamaResult['stage1'] = [{ step: 0, loraProtein: ppl(stage1, protHeld), loraEnglish: ppl(stage1, e.held), fullProtein: ppl(full, protHeld), fullEnglish: ppl(full, e.held) }];
  for (let k = s.every; k <= s.fineTuneSteps; k += s.every) {
    nn.trainLm(stage1, protTrain, { steps: s.every, batchSize: s.batch, seed: 200 + k, optimizer: optLora, trainable: nn.loraOnly, onProgress: () => counter.tick('prollama: stage 1 (LoRA)') });
    nn.trainLm(full, protTrain, { steps: s.every, batchSize: s.batch, seed: 200 + k, optimizer: optFull, onProgress: () => counter.tick('prollama: full fine-tuning') });
    curve.push({ step: k, loraProtein: ppl(stage1, protHeld), loraEnglish: ppl(stage1, e.held), fullProtein: ppl(full, protHeld), fullEnglish: ppl(full, e.held) });
  }
  const digestAfter = baseDigest(base);
  nn.freeTransformer(full);

  // (2) instruction-style stage: new adapters on the merged stage-1 model, records "family=<f>\n<seq>"
  const merged = nn.mergeLora(stage1);
  const stage2 = nn.addLora(merged, { rank, seed: 12 });
  const recText: string[] = [];
  const starts: number[] = [];
  let at = 0;
  for (const r of train) {
    const rec = promptOf(r.family) + r.sequence + '\n';
    starts.push(at);
    recText.push(rec);
    at += rec.length;
  }
  const recIds = tok.encode(recText.join(''));
  const last = recIds.length - T - 1;
  const r2 = nn.trainLm(stage2, recIds, {
    steps: 2 * s.fineTuneSteps, batchSize: s.batch, seed: 300, starts: starts.filter((p) => p <= last), optimizer: nn.adam({ learningRate: loraLr }),
    trainable: nn.loraOnly, onProgress: () => counter.tick('prollama: stage 2 (LoRA, family prompts)'),
  });

  // family match of generated sequences; the classifier is checked on real held-out sequences first
  const sampleLength = T - Math.max(...families.map((f) => promptOf(f).length));
  const clf = markovFamilyClassifier(train);
  const classifierAccuracy = mean(held.map((r) => (clf.classify(r.sequence.slice(0, sampleLength)) === r.family ? 1 : 0)));
  const samplesPerFamily = s.quick ? 3 : 12;
  const temperature = 0.8;
  const topK = 20; // as many as there are amino acids: a model that learned the alphabet samples inside it
  const residues = (text: string): string => text.split('\n')[0]!;
  const familyMatch: ProllamaResult['familyMatch'] = [];
  const examples: ProllamaResult['examples'] = [];
  families.forEach((family, fi) => {
    let m1 = 0, m2 = 0;
    for (let k = 0; k < samplesPerFamily; k++) {
      const opts = { length: sampleLength, temperature, topK, seed: 1000 * fi + k };
      const g1 = residues(tok.decode(nn.sampleLm(merged, tok.encode(promptOf(family)), opts)));
      const g2 = residues(tok.decode(nn.sampleLm(stage2, tok.encode(promptOf(family)), opts)));
      if (clf.classify(g1) === family) m1++;
      if (clf.classify(g2) === family) m2++;
      if (k === 0) examples.push({ family, stage1: g1, stage2: g2 });
    }
    familyMatch.push({ family, stage1: m1, stage2: m2, samples: samplesPerFamily });
  });
  const baseCount = nn.transformerParamCount(base);
  const adapters = nn.loraParamCount(stage1);
  const result: ProllamaResult = {
    settings: { ...s, rank, loraLearningRate: loraLr, families, proteinTrain: protTrain.length, proteinHeld: protHeld.length - 1, samplesPerFamily, sampleLength, temperature, topK },
    parameters: { base: baseCount, stage1Adapters: adapters, stage2Adapters: nn.loraParamCount(stage2), adapterFraction: adapters / (baseCount + adapters) },
    baseDigestBefore: digestBefore,
    baseDigestAfter: digestAfter,
    baseBitIdentical: digestBefore === digestAfter,
    stage1: curve,
    unigramProteinPerplexity: unigramPerplexity(protTrain, protHeld, tok.size),
    classifierAccuracy,
    familyMatch,
    stage2Losses: { first: mean(Array.from(r2.losses.subarray(0, 10))), last: mean(Array.from(r2.losses.subarray(-10))) },
    examples,
  };
  for (const P of [stage1, stage2, merged]) nn.freeTransformer(P);
  return result;
}

export function prollamaFigure(r: ProllamaResult): string {
  const s = r.settings;
  const steps = r.stage1.map((c) => c.step);
  const idx = r.familyMatch.map((_, i) => i);
  const fam = (v: number): string => r.familyMatch[Math.round(v)]?.family ?? '';
  return lineFigure({
    title: "ProLLaMA's two LoRA stages on a character transformer: English → proteins → family prompts",
    columns: 3,
    width: 1000,
    panels: [
      {
        title: 'stage 1: held-out proteins', x: { label: 'stage-1 step' }, y: { label: 'perplexity per residue', scale: 'log' },
        series: [{ name: 'LoRA (base frozen)', x: steps, y: r.stage1.map((c) => c.loraProtein) }, { name: 'full fine-tuning', x: steps, y: r.stage1.map((c) => c.fullProtein) }],
        rules: [{ y: r.unigramProteinPerplexity, label: 'amino-acid frequencies alone' }],
      },
      { title: 'stage 1: held-out English', x: { label: 'stage-1 step' }, y: { label: 'perplexity per character', scale: 'log' }, series: [{ name: 'LoRA (base frozen)', x: steps, y: r.stage1.map((c) => c.loraEnglish) }, { name: 'full fine-tuning', x: steps, y: r.stage1.map((c) => c.fullEnglish) }] },
      {
        title: 'stage 2: samples of the requested family',
        x: { label: 'requested family', domain: [-0.5, idx.length - 0.5], ticks: idx.length, format: fam },
        y: { label: `share of ${s.samplesPerFamily} samples`, domain: [0, 1] },
        series: [
          { name: 'after stage 1', x: idx, y: r.familyMatch.map((m) => m.stage1 / m.samples), markersOnly: true },
          { name: 'after stage 2', x: idx, y: r.familyMatch.map((m) => m.stage2 / m.samples), markersOnly: true },
        ],
        rules: [{ y: 1 / idx.length, label: 'chance' }],
      },
    ],
    caption: `Base: ${r.parameters.base} parameters, ${s.steps} Adam steps on Genesis. Stage 1: rank-${s.rank} adapters on every matrix (blocks, embedding, output: ${r.parameters.stage1Adapters} values, ${(100 * r.parameters.adapterFraction).toFixed(1)} % of the total; η = ${s.loraLearningRate}) vs all weights (η = ${s.learningRate}), ${s.fineTuneSteps} steps on ${s.proteinTrain} residues of ${s.families.length} families. Stage 2: new rank-${s.rank} adapters, ${2 * s.fineTuneSteps} steps on "family=<name>" records. Samples: ${s.sampleLength} residues at temperature ${s.temperature}, top-${s.topK}, assigned by a Markov-chain family classifier (accuracy on held-out real sequences: ${(100 * r.classifierAccuracy).toFixed(0)} %).`,
  });
}

// ------------------------------------------------------------------ the command

export interface LmCliOptions {
  only: readonly LmExperiment[];
  settings: LmSettings;
  /** Folder of the JSON and SVG files (created by the caller). */
  out: string;
  progress: boolean;
  log(line: string): void;
}

const f2 = (v: number): string => v.toFixed(2);

/** Runs the chosen experiments and writes lm-<name>.json and lm-<name>.svg for each. */
export async function runLmExperimentsCli(o: LmCliOptions): Promise<void> {
  await init();
  const s = o.settings;
  const t0 = Date.now();
  const wantGlu = o.only.includes('glu') || o.only.includes('linearity');
  const total = (wantGlu ? gluSteps(s) : 0) + (o.only.includes('prollama') ? prollamaSteps(s) : 0) + (o.only.includes('psft') ? psftSteps(s) : 0);
  const bar = o.progress ? new cliProgress.SingleBar({ format: 'lm-experiments [{bar}] {percentage}% | {value}/{total} steps | {label}', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  bar?.start(total, 0, { label: '' });
  let done = 0;
  const counter: StepCounter = { tick: (label) => bar?.update(++done, { label }) };
  const write = (name: string, json: unknown, svg: string): void => {
    writeFileSync(join(o.out, `lm-${name}.json`), JSON.stringify(json, null, 1) + '\n');
    writeFileSync(join(o.out, `lm-${name}.svg`), svg);
  };
  const lines: string[] = [];
  try {
    mkdirSync(o.out, { recursive: true });
    if (wantGlu) {
      // the runs so far, replaced by the full table at the end
      const r = gluExperiment(s, counter, undefined, (runs) => writeFileSync(join(o.out, 'lm-glu.json'), JSON.stringify({ partial: true, settings: s, runs }, null, 1) + '\n'));
      lines.push(`GLU variants (${r.summary[0]!.params} parameters, ${s.steps} steps, ${s.seeds} seed${s.seeds > 1 ? 's' : ''}): held-out perplexity per character`);
      for (const x of r.summary) lines.push(`  ${x.variant.padEnd(9)} ${f2(x.mean)} ± ${f2(x.sd)}  (${f2(x.min)} – ${f2(x.max)})`);
      if (o.only.includes('glu')) write('glu', r, gluFigure(r));
      if (o.only.includes('linearity')) {
        const t = linearityTable(r);
        write('linearity', t, linearityFigure(r));
        lines.push('Procrustes linearity per block (mean over variants and seeds), with / without the residual stream:');
        for (let l = 0; l < s.layers; l++) lines.push(`  block ${l + 1}: ${mean(t.perVariant.map((v) => v.withResidual[l]!)).toFixed(3)} / ${mean(t.perVariant.map((v) => v.withoutResidual[l]!)).toFixed(3)}`);
      }
    }
    if (o.only.includes('prollama')) {
      const r = prollamaExperiment(s, counter);
      write('prollama', r, prollamaFigure(r));
      const a = r.stage1[0]!, b = r.stage1.at(-1)!;
      lines.push(`ProLLaMA two-stage LoRA (adapters ${(100 * r.parameters.adapterFraction).toFixed(1)} % of the parameters; base weights bit-identical after stage 1: ${r.baseBitIdentical ? 'yes' : 'NO'})`);
      lines.push(`  protein perplexity ${f2(a.loraProtein)} → ${f2(b.loraProtein)} with LoRA, → ${f2(b.fullProtein)} with full fine-tuning (amino-acid frequencies alone: ${f2(r.unigramProteinPerplexity)})`);
      lines.push(`  English perplexity ${f2(a.loraEnglish)} → ${f2(b.loraEnglish)} with LoRA, → ${f2(b.fullEnglish)} with full fine-tuning`);
      const m1 = r.familyMatch.reduce((x, m) => x + m.stage1, 0), m2 = r.familyMatch.reduce((x, m) => x + m.stage2, 0), n = r.familyMatch.reduce((x, m) => x + m.samples, 0);
      lines.push(`  samples of the requested family: ${m1}/${n} after stage 1, ${m2}/${n} after stage 2 (classifier accuracy on held-out sequences ${(100 * r.classifierAccuracy).toFixed(0)} %)`);
    }
    if (o.only.includes('psft')) {
      const r = psftExperiment(s, counter);
      write('psft', r, psftFigure(r));
      lines.push(`PSFT vs SFT after ${s.fineTuneSteps} fine-tuning steps (start: entropy ${f2(r.curves.SFT[0]!.entropyGeneral)}, general ppl ${f2(r.curves.SFT[0]!.pplGeneral)}, narrow ppl ${f2(r.curves.SFT[0]!.pplNarrow)})`);
      for (const m of ['SFT', 'PSFT'] as const) {
        const c = r.curves[m].at(-1)!;
        lines.push(`  ${m.padEnd(4)} entropy on general text ${f2(c.entropyGeneral)} nats, general perplexity ${f2(c.pplGeneral)}, narrow perplexity ${f2(c.pplNarrow)}`);
      }
    }
  } finally {
    bar?.stop();
  }
  for (const l of lines) o.log(l);
  o.log(`\nwrote ${o.only.map((n) => `lm-${n}.json/.svg`).join(', ')} in ${o.out} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
