/**
 * Demo section `fair`: dividing goods and chores — the double round-robin (EF1), its zero-chore
 * variant (EFX³ + PO with −α/0/α utilities) and the greedy EFX + PO algorithm for absolute identical
 * utilities, each checked by the exact checkers, on seeded random instances.
 */
import { checkAllocation, doubleRoundRobin, greedyEfxPo, modifiedDoubleRoundRobin, rng, type AllocationReport } from '../index.js';
import type { DemoContext, DemoSection } from './context.js';

function run(ctx: DemoContext): void {
  const R = rng(ctx.seed);
  const draw = (n: number, m: number, value: (i: number, o: number) => number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, o) => value(i, o)));
  const int = (k: number): number => Math.floor(R.uniform(1)[0]! * k);
  const show = (r: AllocationReport): string => (['ef1', 'ef1Three', 'efx', 'efxThree', 'po'] as const).map((k) => `${k} ${r[k] ? '✓' : '✗'}`).join('  ');
  const trials = ctx.quick === true ? 200 : 2000;
  const tally = (name: string, make: () => number[][], alg: (u: number[][]) => Int32Array): void => {
    const count = { ef1: 0, ef1Three: 0, efx: 0, efxThree: 0, po: 0 };
    let example = '';
    for (let t = 0; t < trials; t++) {
      const u = make();
      const rep = checkAllocation(u, alg(u));
      for (const k of Object.keys(count) as (keyof typeof count)[]) if (rep[k]) count[k]++;
      if (t === 0) example = `first instance ${u.length} agents × ${u[0]!.length} items: ${show(rep)}`;
    }
    ctx.log(`  ${name}: of ${trials} instances ` + Object.entries(count).map(([k, v]) => `${k} ${v}`).join(', '));
    ctx.log(`      ${example}`);
  };
  // every sign pattern: each item liked by all, disliked by all, or disputed
  const general = (): number[][] => {
    const n = 3 + int(4);
    const m = 5 + int(8);
    const kind = Array.from({ length: m }, () => int(3));
    return draw(n, m, (_, o) => (kind[o] === 0 ? 1 + int(9) : kind[o] === 1 ? -1 - int(9) : int(19) - 9));
  };
  const ternary = (): number[][] => draw(3 + int(4), 5 + int(8), () => [-2, 0, 2][int(3)]!);
  const absIdentical = (): number[][] => {
    const n = 3 + int(4);
    const m = 5 + int(8);
    const mag = Array.from({ length: m }, () => 1 + int(9));
    return draw(n, m, (_, o) => (int(2) === 0 ? mag[o]! : -mag[o]!));
  };
  tally('double round-robin, general utilities', general, doubleRoundRobin);
  tally('modified double round-robin, −α/0/α utilities', ternary, modifiedDoubleRoundRobin);
  tally('greedy EFX + PO, absolute identical utilities', absIdentical, greedyEfxPo);
}

export const fairDemo: DemoSection = { name: 'fair', title: 'fair division of goods and chores (EF1, EFX, PO)', run };
