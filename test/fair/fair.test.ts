/**
 * Fair division of mixed manna: the checkers against definitions written out here (sets and sums,
 * exact on integer utilities, Pareto optimality by plain enumeration of all nᵐ allocations), and the
 * algorithms' promised properties on 10⁴ seeded random instances (3–6 agents, 5–12 items) for each
 * utility class, plus the impossibility examples.
 */
import { describe, expect, it } from 'vitest';
import { checkAllocation, doubleRoundRobin, greedyEfxPo, modifiedDoubleRoundRobin, ParameterError, ShapeError } from '../../bindings/index.js';

/** xorshift32: the instances must not depend on the library under test. */
function rand(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}
const int = (r: () => number, a: number, b: number): number => a + Math.floor(r() * (b - a + 1));
type U = number[][];
const blank = (n: number, m: number): U => Array.from({ length: n }, () => new Array<number>(m).fill(0));

/** Every sign pattern: items all agents like, all dislike, nobody cares about, and disputed ones; zeros sprinkled in. */
function general(r: () => number, n = int(r, 3, 6), m = int(r, 5, 12)): U {
  const u = blank(n, m);
  for (let o = 0; o < m; o++) {
    const kind = int(r, 0, 4);
    for (let i = 0; i < n; i++) {
      const v = int(r, 1, 9);
      const zero = r() < 0.2;
      u[i]![o] = zero || kind === 2 ? 0 : kind === 0 ? v : kind === 1 ? -v : r() < 0.5 ? v : -v;
    }
  }
  return u;
}
/** |u_i(o)| = c_o for every agent; the sign per agent (all +, all −, or mixed). */
function absoluteIdentical(r: () => number): U {
  const n = int(r, 3, 6);
  const m = int(r, 5, 12);
  const u = blank(n, m);
  for (let o = 0; o < m; o++) {
    const c = int(r, 1, 9);
    const kind = int(r, 0, 2);
    for (let i = 0; i < n; i++) u[i]![o] = kind === 0 ? c : kind === 1 ? -c : r() < 0.5 ? c : -c;
  }
  return u;
}
/** Every u_i(o) ∈ {−α, 0, β}. */
function ternary(r: () => number, alpha: number, beta: number): U {
  const n = int(r, 3, 6);
  const m = int(r, 5, 12);
  const u = blank(n, m);
  for (let o = 0; o < m; o++) {
    const kind = int(r, 0, 3);
    for (let i = 0; i < n; i++) {
      const x = r();
      u[i]![o] = kind === 0 ? (x < 0.7 ? beta : 0) : kind === 1 ? (x < 0.7 ? -alpha : 0) : x < 1 / 3 ? -alpha : x < 2 / 3 ? 0 : beta;
    }
  }
  return u;
}

// ---- the definitions, written with bundles as item lists ----
const bundle = (a: ArrayLike<number>, k: number): number[] => Array.from(a).flatMap((owner, o) => (owner === k ? [o] : []));
const value = (u: U, i: number, items: number[]): number => items.reduce((s, o) => s + u[i]![o]!, 0);
const without = (items: number[], o: number): number[] => items.filter((p) => p !== o);
function ef1Ref(u: U, a: ArrayLike<number>, items: (o: number) => boolean): boolean {
  const n = u.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const Ai = bundle(a, i).filter(items);
      const Aj = bundle(a, j).filter(items);
      if (i === j || value(u, i, Ai) >= value(u, i, Aj)) continue;
      if (![...Ai, ...Aj].some((o) => value(u, i, without(Ai, o)) >= value(u, i, without(Aj, o)))) return false;
    }
  }
  return true;
}
function efxRef(u: U, a: ArrayLike<number>, items: (o: number) => boolean, zeros: boolean): boolean {
  const n = u.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const Ai = bundle(a, i).filter(items);
      const Aj = bundle(a, j).filter(items);
      for (const o of Aj) if ((zeros ? u[i]![o]! >= 0 : u[i]![o]! > 0) && value(u, i, Ai) < value(u, i, without(Aj, o))) return false;
      for (const o of Ai) if ((zeros ? u[i]![o]! <= 0 : u[i]![o]! < 0) && value(u, i, without(Ai, o)) < value(u, i, Aj)) return false;
    }
  }
  return true;
}
function poRef(u: U, a: ArrayLike<number>): boolean {
  const n = u.length;
  const m = u[0]!.length;
  const own = Array.from({ length: n }, (_, i) => value(u, i, bundle(a, i)));
  const alt = new Array<number>(m).fill(0);
  for (let code = 0; code < n ** m; code++) {
    let c = code;
    for (let o = 0; o < m; o++) {
      alt[o] = c % n;
      c = Math.floor(c / n);
    }
    const v = Array.from({ length: n }, (_, i) => value(u, i, bundle(alt, i)));
    if (v.every((x, i) => x >= own[i]!) && v.some((x, i) => x > own[i]!)) return false;
  }
  return true;
}
const liked = (u: U) => (o: number): boolean => u.some((row) => row[o]! > 0);
const all = (): boolean => true;
function reference(u: U, a: ArrayLike<number>) {
  const good = liked(u);
  const chore = (o: number): boolean => !good(o);
  return {
    ef1: ef1Ref(u, a, all), efx: efxRef(u, a, all, false), efx0: efxRef(u, a, all, true),
    ef1Three: ef1Ref(u, a, all) && ef1Ref(u, a, good) && ef1Ref(u, a, chore),
    efxThree: efxRef(u, a, all, false) && efxRef(u, a, good, false) && efxRef(u, a, chore, false),
    po: poRef(u, a),
  };
}

describe('checkAllocation', () => {
  it('agrees with the written-out definitions on 3 000 random small instances and allocations (PO by plain enumeration)', () => {
    const r = rand(7);
    const counts = { ef1: 0, efx: 0, efx0: 0, ef1Three: 0, efxThree: 0, po: 0 };
    for (let t = 0; t < 3000; t++) {
      const n = int(r, 2, 3);
      const u = general(r, n, int(r, 1, n === 2 ? 8 : 6));
      const m = u[0]!.length;
      // random allocations, and allocations from the algorithms (which satisfy more properties)
      const a = t % 3 === 0 ? Array.from({ length: m }, () => int(r, 0, n - 1)) : t % 3 === 1 ? Array.from(doubleRoundRobin(u)) : Array.from(greedyEfxPo(u));
      const got = checkAllocation(u, a);
      const want = reference(u, a);
      expect({ ef1: got.ef1, efx: got.efx, efx0: got.efx0, ef1Three: got.ef1Three, efxThree: got.efxThree, po: got.po }).toEqual(want);
      for (const k of Object.keys(counts) as (keyof typeof counts)[]) if (want[k]) counts[k]++;
    }
    // both verdicts occur often for every property, so the agreement is not vacuous
    for (const c of Object.values(counts)) {
      expect(c).toBeGreaterThan(300);
      expect(c).toBeLessThan(2900);
    }
  }, 120_000);

  it('EF implies every relaxation; violations are described', () => {
    const u = [[3, 1], [1, 3]];
    const rep = checkAllocation(u, [0, 1]);
    expect(rep).toMatchObject({ ef: true, ef1: true, efx: true, efx0: true, ef1Three: true, efxThree: true, po: true, violations: [] });
    const bad = checkAllocation([[3, 3, 3], [3, 3, 3]], [0, 0, 0]);
    expect(bad.ef1).toBe(false);
    expect(bad.violations[0]).toMatch(/EF1: agent 1 envies agent 0/);
  });

  it('the PO search: an undecided verdict when its budget is too small, a witness when dominated', () => {
    const u = general(rand(3), 3, 6);
    expect(checkAllocation(u, [0, 0, 0, 0, 0, 0], { maxNodes: 0 }).po).toBeNull();
    const dominated = checkAllocation([[1, 0], [0, 1]], [1, 0]);
    expect(dominated.po).toBe(false);
    // [0, 0] gives agent 0 utility 1 (was 0) and agent 1 utility 0 (was 0)
    expect(dominated.violations.at(-1)).toMatch(/PO: the allocation \[0, 0\]/);
  });

  it('validates its arguments', () => {
    expect(() => checkAllocation([[1, 2]], [0, 0, 0])).toThrow(ShapeError);
    expect(() => checkAllocation([[1, 2]], [0, 1])).toThrow(/allocation\[1\] must be an agent index in 0..0 \(got 1\)/);
    expect(() => checkAllocation([[1, 2]], [0, 0.5])).toThrow(ParameterError);
    expect(() => checkAllocation([[1, 2]], [0, 0], { maxNode: 1 } as never)).toThrow(/maxNode/);
  });
});

const N = 10_000;
describe(`the algorithms on ${N} seeded random instances (3–6 agents, 5–12 items)`, () => {
  it('doubleRoundRobin and modifiedDoubleRoundRobin: EF1 and EF1³ for general utilities (every sign pattern)', () => {
    let fails = 0;
    for (let t = 0; t < N; t++) {
      const u = general(rand(1000 + t));
      for (const alg of [doubleRoundRobin, modifiedDoubleRoundRobin]) {
        const rep = checkAllocation(u, alg(u), { maxNodes: 0 });
        if (!rep.ef1 || !rep.ef1Three) fails++;
      }
    }
    expect(fails).toBe(0);
  }, 120_000);

  it('modifiedDoubleRoundRobin with −α/0/α utilities: EFX³ and PO', () => {
    let fails = 0;
    for (let t = 0; t < N; t++) {
      const r = rand(20_000 + t);
      const alpha = int(r, 1, 5);
      const u = ternary(r, alpha, alpha);
      const rep = checkAllocation(u, modifiedDoubleRoundRobin(u));
      if (!rep.efxThree || rep.po !== true) fails++;
    }
    expect(fails).toBe(0);
  }, 120_000);

  it('the plain double round-robin is not PO with −α/0/α utilities: it can give a chore to an agent who minds it', () => {
    const u = [[-1, -1], [0, -1]];
    expect(checkAllocation(u, doubleRoundRobin(u)).po).toBe(false);
    expect(checkAllocation(u, modifiedDoubleRoundRobin(u)).po).toBe(true);
  });

  it('greedyEfxPo with absolute identical utilities: EFX and PO', () => {
    let fails = 0;
    for (let t = 0; t < N; t++) {
      const u = absoluteIdentical(rand(40_000 + t));
      const rep = checkAllocation(u, greedyEfxPo(u));
      if (!rep.efx || rep.po !== true) fails++;
    }
    expect(fails).toBe(0);
  }, 120_000);

  it('greedyEfxPo with −α/0/β utilities: EFX and PO', () => {
    let fails = 0;
    for (let t = 0; t < N; t++) {
      const r = rand(60_000 + t);
      const u = ternary(r, int(r, 1, 5), int(r, 1, 5));
      const rep = checkAllocation(u, greedyEfxPo(u));
      if (!rep.efx || rep.po !== true) fails++;
    }
    expect(fails).toBe(0);
  }, 120_000);

  it('greedyEfxPo: a −α/0/β instance (α = 5, β = 1) that needs the chores before the goods of equal magnitude', () => {
    const u = [[1, 0, 1, 1, 0, -5, 0, 0, -5], [-5, 1, 1, 0, 0, 0, -5, 1, -5], [-5, 0, -5, 0, -5, -5, -5, 1, -5], [-5, 1, -5, -5, 0, -5, 0, -5, -5], [0, 1, 0, 1, -5, -5, -5, 1, -5], [-5, 1, 0, -5, 0, 0, 0, 0, -5]];
    const rep = checkAllocation(u, greedyEfxPo(u));
    expect(rep.efx).toBe(true);
    expect(rep.po).toBe(true);
    // ties broken by index alone give agent 0 the good 0 and then the chore 8 while agent 4 holds good 3
    expect(checkAllocation(u, [0, 3, 1, 4, 0, 1, 0, 2, 0]).efx).toBe(false);
  });

  it('greedyEfxPo is PO for any utilities but not EFX beyond its classes', () => {
    let notEfx = 0;
    for (let t = 0; t < 500; t++) {
      const u = general(rand(80_000 + t));
      const rep = checkAllocation(u, greedyEfxPo(u));
      expect(rep.po).toBe(true);
      if (!rep.efx) notEfx++;
    }
    expect(notEfx).toBeGreaterThan(0);
  });
});

/** Does any of the nᵐ allocations satisfy the predicate? */
function exists(u: U, pred: (a: number[]) => boolean): boolean {
  const n = u.length;
  const m = u[0]!.length;
  const a = new Array<number>(m).fill(0);
  for (let code = 0; code < n ** m; code++) {
    let c = code;
    for (let o = 0; o < m; o++) {
      a[o] = c % n;
      c = Math.floor(c / n);
    }
    if (pred(a)) return true;
  }
  return false;
}

describe('impossibility examples (every allocation enumerated, checked with the written-out definitions)', () => {
  it('EFX₀ can be impossible: two agents, an item both ignore and one both like', () => {
    const u = [[0, 1], [0, 1]];
    // the agent without the liked item envies; holding the ignored item, or seeing it in the other bundle, breaks EFX₀
    expect(exists(u, (a) => efxRef(u, a, all, true))).toBe(false);
    expect(exists(u, (a) => checkAllocation(u, a).efx0)).toBe(false);
    expect(exists(u, (a) => efxRef(u, a, all, false) && poRef(u, a))).toBe(true);
  });

  it('EFX³ can be impossible even with identical utilities: one good worth 2, two chores worth −1', () => {
    const u = [[-1, 2, -1], [-1, 2, -1]];
    const good = liked(u);
    expect(exists(u, (a) => efxRef(u, a, all, false) && efxRef(u, a, good, false) && efxRef(u, a, (o) => !good(o), false))).toBe(false);
    expect(exists(u, (a) => checkAllocation(u, a).efxThree)).toBe(false);
    // EFX alone (with PO) exists, as greedyEfxPo finds
    const rep = checkAllocation(u, greedyEfxPo(u));
    expect(rep.efx && rep.po).toBe(true);
  });

  it('EF1³ and PO can be incompatible', () => {
    const u = [[1, 1, -1, -1], [2, 2, -1, -1]];
    const good = liked(u);
    const ef13 = (a: number[]): boolean => ef1Ref(u, a, all) && ef1Ref(u, a, good) && ef1Ref(u, a, (o) => !good(o));
    expect(exists(u, (a) => ef13(a) && poRef(u, a))).toBe(false);
    expect(exists(u, ef13)).toBe(true);
    expect(exists(u, (a) => poRef(u, a))).toBe(true);
  });
});
