/**
 * The fair-division experiment: on seeded random instances (3–6 agents, every sign pattern, 1 000 per
 * number of items m = 5…12), how often each algorithm's allocation is EF1, EF1³, EFX, EFX³, EFX₀ and
 * Pareto optimal, by the exact checkers; the promised properties must hold on every instance, the
 * others show what the algorithms do not promise. Writes docs/experiments/fair-properties.{json,svg}.
 *
 * node scripts/run-experiment.mjs fair [--out docs/experiments]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAllocation, doubleRoundRobin, greedyEfxPo, init, modifiedDoubleRoundRobin, rng } from '../bindings/index.js';
import { lineFigure } from '../bindings/plot/svg.js';

const args = process.argv.slice(2);
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
await init();
const PER = 1000;
const items = [5, 6, 7, 8, 9, 10, 11, 12];
const props = ['ef1', 'ef1Three', 'efx', 'efxThree', 'efx0', 'po'] as const;
type Prop = (typeof props)[number];

const R = rng(2026);
const int = (k: number): number => Math.floor(R.uniform(1)[0]! * k);
const classes = {
  general: (n: number, m: number): number[][] => {
    const kind = Array.from({ length: m }, () => int(4));
    return Array.from({ length: n }, () => Array.from({ length: m }, (_, o) => {
      const v = 1 + int(9);
      const zero = int(5) === 0;
      return zero || kind[o] === 2 ? 0 : kind[o] === 0 ? v : kind[o] === 1 ? -v : int(2) === 0 ? v : -v;
    }));
  },
  ternary: (n: number, m: number): number[][] => Array.from({ length: n }, () => Array.from({ length: m }, () => [-2, 0, 2][int(3)]!)),
  absoluteIdentical: (n: number, m: number): number[][] => {
    const mag = Array.from({ length: m }, () => 1 + int(9));
    return Array.from({ length: n }, () => mag.map((c) => (int(2) === 0 ? c : -c)));
  },
};
const runs = [
  { name: 'double round-robin', utilities: 'general' as const, alg: doubleRoundRobin, promised: ['ef1', 'ef1Three'] as Prop[] },
  { name: 'modified double round-robin', utilities: 'ternary' as const, alg: modifiedDoubleRoundRobin, promised: ['ef1', 'ef1Three', 'efx', 'efxThree', 'po'] as Prop[] },
  { name: 'greedy EFX + PO', utilities: 'absoluteIdentical' as const, alg: greedyEfxPo, promised: ['efx', 'po'] as Prop[] },
  { name: 'greedy EFX + PO', utilities: 'general' as const, alg: greedyEfxPo, promised: ['po'] as Prop[] },
];
const results = runs.map((run) => {
  const share: Record<Prop, number[]> = Object.fromEntries(props.map((p) => [p, [] as number[]])) as Record<Prop, number[]>;
  let broken = 0;
  let undecided = 0;
  for (const m of items) {
    const count: Record<Prop, number> = Object.fromEntries(props.map((p) => [p, 0])) as Record<Prop, number>;
    for (let t = 0; t < PER; t++) {
      const u = classes[run.utilities](3 + int(4), m);
      const rep = checkAllocation(u, run.alg(u));
      if (rep.po === null) undecided++;
      for (const p of props) if (rep[p] === true) count[p]++;
      if (run.promised.some((p) => rep[p] !== true)) broken++;
    }
    for (const p of props) share[p].push(count[p] / PER);
  }
  console.log(`${run.name} on ${run.utilities} utilities: promised ${run.promised.join(', ')} broken on ${broken} of ${PER * items.length}; PO undecided on ${undecided}`);
  for (const p of props) console.log(`    ${p.padEnd(9)} ${share[p].map((s) => s.toFixed(3)).join(' ')}`);
  return { ...run, alg: undefined, share, broken, undecided };
});
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'fair-properties.json'), JSON.stringify({ command: 'node scripts/run-experiment.mjs fair', instancesPerPoint: PER, agents: '3–6', items, results }, null, 1) + '\n');
writeFileSync(join(outDir, 'fair-properties.svg'), lineFigure({
  title: `Share of ${PER} random instances per item count whose allocation has each property (exact checkers)`,
  columns: 2,
  width: 900,
  panels: results.map((r) => ({
    title: `${r.name}, ${r.utilities === 'absoluteIdentical' ? 'absolute identical' : r.utilities === 'ternary' ? '−α/0/α' : 'general'} utilities`,
    x: { label: 'items m' },
    y: { label: 'share', domain: [0, 1] as [number, number] },
    series: props.map((p) => ({ name: p, x: items, y: r.share[p] })),
  })),
  caption: `3–6 agents; general utilities mix items everyone likes, everyone dislikes, nobody cares about and disputed ones, with zeros. Promised properties (at 1.0 on every instance): double round-robin EF1 and EF1³; its zero-chore variant with −α/0/α utilities also EFX³ and PO; greedy EFX + PO with absolute identical utilities, PO always. Produced by node scripts/run-experiment.mjs fair.`,
}));
console.log(`wrote ${join(outDir, 'fair-properties.json')} and .svg`);
