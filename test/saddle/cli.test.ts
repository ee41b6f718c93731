// `proxkit saddle <experiment> --quick`: each experiment writes its JSON and SVG, and the quick runs
// keep the comparisons the experiments exist for (ALPD fewer ∇f calls than LPD at every L_f, the proxy
// method fewer true gradients than gradient descent, implicit FTRL a smaller regret spread over η than
// OGD, each bilevel SVM method above the majority-class rate).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSaddleCli, type SaddleExperiment } from '../../bindings/cli/saddle.js';

const dir = mkdtempSync(join(tmpdir(), 'proxkit-saddle-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(experiment: SaddleExperiment): Promise<{ json: any; svg: string; lines: string[] }> {
  const lines: string[] = [];
  const json = join(dir, `${experiment}.json`);
  const svg = join(dir, `${experiment}.svg`);
  await runSaddleCli({ experiment, quick: true, json, svg, log: (l) => lines.push(l) });
  return { json: JSON.parse(readFileSync(json, 'utf8')), svg: readFileSync(svg, 'utf8'), lines };
}

describe('proxkit saddle --quick', () => {
  it('alpd: ALPD needs fewer ∇f calls than LPD at every L_f, and both reach the solution', async () => {
    const { json, svg, lines } = await run('alpd');
    expect(json.rows.map((r: { lipschitz: number }) => r.lipschitz)).toEqual([1, 10, 100]);
    for (const r of json.rows) {
      expect(r.alpdCalls).toBeLessThan(r.lpdCalls);
      expect(r.alpdError).toBeLessThan(1e-4);
      expect(r.lpdError).toBeLessThan(1e-4);
    }
    expect(svg.startsWith('<svg')).toBe(true);
    expect(lines.at(-1)).toMatch(/^wrote .*alpd\.json and .*alpd\.svg/);
  }, 120_000);

  it('proxy: each proxy reaches the tolerance with fewer true gradients than gradient descent', async () => {
    const { json, svg } = await run('proxy');
    const gd = json.gradientDescent.trueGradientCalls;
    expect(json.proxies.length).toBe(2);
    for (const p of json.proxies) {
      expect(p.runs[0].converged).toBe(true);
      expect(p.runs[0].trueGradientCalls).toBeLessThan(gd);
    }
    expect(svg.startsWith('<svg')).toBe(true);
  }, 120_000);

  it('online: implicit FTRL spreads less over the η grid than OGD, for both losses', async () => {
    const { json, svg } = await run('online');
    for (const loss of ['hinge', 'logistic']) {
      const ratio = (m: string) => json.spread.find((s: { loss: string; method: string }) => s.loss === loss && s.method === m).ratio;
      expect(ratio('implicit FTRL')).toBeLessThan(ratio('OGD'));
    }
    expect(svg.startsWith('<svg')).toBe(true);
  }, 120_000);

  it('svm: the four methods, each above the majority-class rate (65 % on this data) on validation and test', async () => {
    const { json, svg } = await run('svm');
    expect(json.seeds).toEqual([1]);
    expect(json.summary.map((m: { method: string }) => m.method)).toEqual([
      'grid search (hinge)',
      'grid search (squared hinge)',
      'LV-HBA (hinge, per-point C)',
      'penalty (squared hinge, per-point C)',
    ]);
    for (const m of json.summary) {
      // 500 of the 768 rows are negatives: a classifier that learned nothing scores about 0.65
      expect(m.valAccuracy).toBeGreaterThan(0.7);
      expect(m.testAccuracy).toBeGreaterThan(0.7);
      expect(m.timeMs).toBeGreaterThan(0);
    }
    expect(svg.startsWith('<svg')).toBe(true);
  }, 180_000);
});
