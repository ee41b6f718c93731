/**
 * `proxkit lm-experiments --quick` through its module: every experiment writes its JSON table and SVG
 * figure; the two-stage LoRA run keeps the base bit-identical, lowers the protein perplexity and uses
 * a family classifier that is right on real held-out sequences; the same settings give the same numbers.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../bindings/index.js';
import { LM_EXPERIMENTS, lmSettings, markovFamilyClassifier, prollamaExperiment, proteinRecords, runLmExperimentsCli } from '../../bindings/cli/lm-experiments.js';

beforeAll(() => init());

const counter = { tick: () => {} };

describe('lm-experiments', () => {
  it('--quick writes a JSON table and an SVG figure for each of the four experiments', async () => {
    const out = mkdtempSync(join(tmpdir(), 'proxkit-lmx-'));
    try {
      const lines: string[] = [];
      await runLmExperimentsCli({ only: LM_EXPERIMENTS, settings: lmSettings(true), out, progress: false, log: (l) => lines.push(l) });
      expect(readdirSync(out).sort()).toEqual(LM_EXPERIMENTS.flatMap((n) => [`lm-${n}.json`, `lm-${n}.svg`]).sort());
      const glu = JSON.parse(readFileSync(join(out, 'lm-glu.json'), 'utf8')) as { summary: { variant: string; mean: number }[] };
      expect(glu.summary.map((s) => s.variant)).toEqual(['relu', 'gelu', 'glu', 'bilinear', 'reglu', 'geglu', 'swiglu']);
      // 30 steps from a uniform start (perplexity ≈ the 60 symbols of Genesis) must have learned something
      for (const s of glu.summary) expect(s.mean).toBeLessThan(30);
      const lin = JSON.parse(readFileSync(join(out, 'lm-linearity.json'), 'utf8')) as { perVariant: { withResidual: number[]; withoutResidual: number[] }[] };
      for (const v of lin.perVariant) for (const x of [...v.withResidual, ...v.withoutResidual]) expect(x).toBeGreaterThan(0), expect(x).toBeLessThanOrEqual(1 + 1e-12);
      for (const n of LM_EXPERIMENTS) expect(readFileSync(join(out, `lm-${n}.svg`), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      expect(lines.some((l) => /base weights bit-identical after stage 1: yes/.test(l))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);

  it('the two-stage LoRA run: base bit-identical, protein perplexity falls, seeded', () => {
    const s = { ...lmSettings(true), steps: 20, fineTuneSteps: 20 };
    const a = prollamaExperiment(s, counter);
    expect(a.baseBitIdentical).toBe(true);
    expect(a.baseDigestAfter).toBe(a.baseDigestBefore);
    const first = a.stage1[0]!, last = a.stage1.at(-1)!;
    expect(last.loraProtein).toBeLessThan(first.loraProtein / 2);
    expect(last.fullProtein).toBeLessThan(first.fullProtein / 2);
    expect(a.stage2Losses.last).toBeLessThan(a.stage2Losses.first);
    const b = prollamaExperiment(s, counter);
    expect(b.stage1).toEqual(a.stage1);
    expect(b.familyMatch).toEqual(a.familyMatch);
  }, 120_000);
});

describe('the family classifier of the two-stage experiment', () => {
  it('names the family of real held-out sequences far above chance (4 families)', () => {
    const recs = proteinRecords();
    expect(recs.length).toBe(260);
    const held = recs.filter((_, i) => i % 5 === 4);
    const clf = markovFamilyClassifier(recs.filter((_, i) => i % 5 !== 4));
    expect(clf.families).toEqual(['fn3', 'Pkinase', 'RRM_1', 'globin']);
    const right = held.filter((r) => clf.classify(r.sequence) === r.family).length;
    expect(right / held.length).toBeGreaterThan(0.8);
    expect(clf.classify('XXXX')).toBeNull();
  });
});
