/**
 * `proxkit policy <experiment> --quick` through its module: each experiment writes its JSON and SVG,
 * the numbers say what the experiment is meant to show on the quick setting (Nash-MP reaches 1e-10 in
 * a count nearly independent of n and in fewer iterations than OMD; LOOP beats REINFORCE-LOO on the
 * bandit; sampled Nash-MP starts at win rate 1/2 and lowers the exploitability; LOOP on the transformer
 * starts at KL 0), and the same command gives the same numbers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POLICY_EXPERIMENTS, runPolicyCli, type PolicyExperiment } from '../../bindings/cli/policy.js';

const out = mkdtempSync(join(tmpdir(), 'proxkit-policy-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs one quick experiment into the scratch folder; returns the JSON it wrote and the lines it logged. */
async function quick(experiment: PolicyExperiment, tag = ''): Promise<{ json: any; lines: string[] }> {
  const json = join(out, `${experiment}${tag}.json`);
  const svg = join(out, `${experiment}${tag}.svg`);
  const lines: string[] = [];
  const returned = await runPolicyCli({ experiment, quick: true, json, svg, progress: false, log: (l) => lines.push(l) });
  const written = JSON.parse(readFileSync(json, 'utf8'));
  expect(written).toEqual(JSON.parse(JSON.stringify(returned)));
  expect(written.command).toBe(`proxkit policy ${experiment} --quick`);
  expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  expect(lines.at(-1)).toMatch(new RegExp(`wrote .*${experiment}${tag}\\.svg and .*${experiment}${tag}\\.json`));
  return { json: written, lines };
}

/** The record without wall times (which differ between runs). */
const untimed = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(untimed)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !['ms', 'elapsedMs', 'msPerRun'].includes(k)).map(([k, x]) => [k, untimed(x)]))
      : v;

describe('proxkit policy --quick', () => {
  it('lists the four experiments', () => {
    expect([...POLICY_EXPERIMENTS]).toEqual(['nash', 'bandit', 'sampled', 'lm']);
  });

  it('nash: Nash-MP reaches 1e-10 in a count nearly independent of n, and in fewer iterations than OMD', async () => {
    const { json } = await quick('nash');
    type Row = { beta: number; n: number; method: string; iterations: number | null; finalResidual: number };
    const rows = json.defaults as Row[];
    expect(rows).toHaveLength(2 * 2 * 3); // β ∈ {0.01, 0.1}, n ∈ {10, 100}, 3 methods, one seed
    for (const beta of [0.01, 0.1]) {
      const mp = (n: number) => rows.find((r) => r.method === 'Nash-MP' && r.beta === beta && r.n === n)!;
      for (const n of [10, 100]) expect(mp(n).finalResidual).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(mp(100).iterations! - mp(10).iterations!) / mp(10).iterations!).toBeLessThan(0.25);
      // OMD either fails within the budget or needs more iterations
      for (const n of [10, 100]) {
        const omd = rows.find((r) => r.method === 'OMD' && r.beta === beta && r.n === n)!;
        expect(omd.iterations === null || omd.iterations > mp(n).iterations!).toBe(true);
      }
    }
    // the grid part: Nash-MP's best count is never above OMD's best count
    for (const t of json.tuned.filter((x: { method: string }) => x.method === 'Nash-MP')) {
      const omd = json.tuned.find((x: { beta: number; n: number; method: string }) => x.method === 'OMD' && x.beta === t.beta && x.n === t.n);
      expect(t.best.iterations).not.toBeNull();
      expect(omd.best.iterations === null || omd.best.iterations >= t.best.iterations).toBe(true);
    }
  }, 60_000);

  it('bandit: every learner lowers the regret, LOOP more than REINFORCE-LOO, and the run repeats bit for bit', async () => {
    const { json } = await quick('bandit');
    const table = json.table as { config: string; regretMean: Record<string, number> }[];
    expect(table.map((t) => t.config)).toEqual(['REINFORCE-LOO k=2', 'REINFORCE-LOO k=4', 'REINFORCE-LOO k=8', 'LOOP k=2', 'LOOP k=4', 'LOOP k=8', 'PPO + value net (k=1)']);
    for (const t of table) expect(t.regretMean['1920']).toBeLessThan(t.regretMean['640']!);
    for (const k of [2, 4, 8]) {
      const at = (name: string) => table.find((t) => t.config === `${name} k=${k}`)!.regretMean['1920']!;
      expect(at('LOOP')).toBeLessThan(at('REINFORCE-LOO'));
    }
    const again = await quick('bandit', '-again');
    expect(untimed(again.json)).toEqual(untimed(json));
  }, 60_000);

  it('sampled: both methods start at win rate 1/2 and end less exploitable', async () => {
    const { json } = await quick('sampled');
    expect(json.tabularEquilibriumWinRate).toBeGreaterThan(0.5);
    expect(json.runs.map((r: { method: string }) => r.method)).toEqual(['mp', 'omd']);
    for (const r of json.runs as { winRate: number[]; exploitability: number[]; queries: number[] }[]) {
      expect(r.winRate[0]).toBeCloseTo(0.5, 12); // the uniform start is the reference itself
      expect(r.exploitability.at(-1)!).toBeLessThan(r.exploitability[0]!);
      expect(r.queries.at(-1)).toBe(12_800); // both spend the same judge queries
    }
  }, 60_000);

  it('lm: both fine-tunings log reward and KL per step, starting at KL 0', async () => {
    const { json } = await quick('lm');
    expect(json.steps).toBe(5);
    const runs = Object.values(json.runs) as { reward: number[]; kl: number[]; heldOutPerplexity: number }[];
    expect(runs).toHaveLength(2);
    for (const r of runs) {
      expect(r.reward).toHaveLength(5);
      expect(r.kl).toHaveLength(5);
      expect(r.kl[0]).toBe(0); // the first step's samples come from the starting model itself
      for (const x of r.reward) expect(x).toBeGreaterThanOrEqual(0), expect(x).toBeLessThanOrEqual(1);
      expect(r.heldOutPerplexity).toBeGreaterThan(1);
    }
  }, 120_000);
});
