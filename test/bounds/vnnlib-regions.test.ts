/**
 * VNNLIB disjunctions over the inputs: unions of input boxes, each with its own output clauses, and
 * their verdicts against brute force on tiny networks (a dense grid over every box).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, VnnlibError, init, parseVnnlib, verify, verifyVnnlib, type NetworkSpec } from '../../bindings/index.js';
import { forwardRef, randomNet } from './reference.js';

beforeAll(() => init());

const decl = (nx: number, ny: number): string =>
  [...Array.from({ length: nx }, (_, i) => `(declare-const X_${i} Real)`), ...Array.from({ length: ny }, (_, j) => `(declare-const Y_${j} Real)`)].join('\n');

const box = (lo: number[], hi: number[]): string =>
  lo.map((l, i) => `(>= X_${i} ${l}) (<= X_${i} ${hi[i]})`).join(' ');

describe('parseVnnlib: input regions', () => {
  it('an ACAS Xu property-6-style union of two input boxes with a shared output disjunction', () => {
    const p = parseVnnlib(`${decl(2, 3)}
(assert (or (and ${box([0, 0.5], [1, 1])}) (and ${box([0, -1], [1, -0.5])})))
(assert (or (and (<= Y_1 Y_0)) (and (<= Y_2 Y_0))))`);
    expect(p.regions!.length).toBe(2);
    expect(p.regions!.map((r) => [Array.from(r.inputLower), Array.from(r.inputUpper)])).toEqual([
      [[0, 0.5], [1, 1]],
      [[0, -1], [1, -0.5]],
    ]);
    // Y0 − Y1 ≥ 0 and Y0 − Y2 ≥ 0 on each box.
    for (const r of p.regions!) expect(r.clauses).toEqual([{ C: [[1, -1, 0]], d: [0] }, { C: [[1, 0, -1]], d: [0] }]);
    // The top-level box is the hull; the top-level clauses list every region's clauses.
    expect([Array.from(p.inputLower), Array.from(p.inputUpper)]).toEqual([[0, -1], [1, 1]]);
    expect(p.clauses.length).toBe(4);
  });

  it('mixed disjuncts: each input box with its own output atoms, top-level bounds conjoined, contradictory boxes dropped', () => {
    const p = parseVnnlib(`${decl(2, 2)}
(assert (>= X_1 0)) (assert (<= X_1 1))
(assert (or
  (and (>= X_0 0) (<= X_0 0.5) (>= Y_0 1))
  (and (>= X_0 0.5) (<= X_0 1) (>= Y_1 2) (<= Y_0 Y_1))
  (and (>= X_0 0) (<= X_0 0.5) (<= Y_1 -3))
  (and (>= X_0 2) (<= X_0 1) (>= Y_0 0))
))`);
    expect(p.regions!.length).toBe(2);
    const [a, b] = p.regions!;
    expect([Array.from(a!.inputLower), Array.from(a!.inputUpper)]).toEqual([[0, 0], [0.5, 1]]);
    expect(a!.clauses).toEqual([{ C: [[1, 0]], d: [-1] }, { C: [[0, -1]], d: [-3] }]);
    expect([Array.from(b!.inputLower), Array.from(b!.inputUpper)]).toEqual([[0.5, 0], [1, 1]]);
    expect(b!.clauses).toEqual([{ C: [[0, 1], [-1, 1]], d: [-2, 0] }]);
  });

  it('one box: a single region equal to the top-level fields', () => {
    const p = parseVnnlib(`${decl(1, 2)}(assert (<= X_0 1))(assert (>= X_0 0))(assert (or (>= Y_0 1) (>= Y_1 1)))`);
    expect(p.regions).toEqual([{ inputLower: p.inputLower, inputUpper: p.inputUpper, clauses: p.clauses }]);
  });

  it('refuses a region without both bounds on an input, and a property whose every box is empty', () => {
    const e1 = (() => { try { parseVnnlib(`${decl(2, 1)}\n(assert (or (and ${box([0, 0], [1, 1])}) (and (>= X_0 0) (<= X_0 1) (>= X_1 0))))`); } catch (e) { return e; } })();
    expect(e1).toBeInstanceOf(VnnlibError);
    expect((e1 as Error).message).toContain('X_1 needs a finite lower and upper bound (got [0, Infinity])');
    const e2 = (() => { try { parseVnnlib(`${decl(1, 1)}\n(assert (or (and (>= X_0 1) (<= X_0 0)) (and (>= X_0 3) (<= X_0 2))))`); } catch (e) { return e; } })();
    expect(e2).toBeInstanceOf(VnnlibError);
    expect((e2 as Error).message).toContain('the input constraints admit no input');
  });
});

/** The exact unsafe-set test: does input x of region r satisfy one of its clauses? */
function unsafeAt(p: ReturnType<typeof parseVnnlib>, net: NetworkSpec, g: number, x: number[]): boolean {
  const y = forwardRef(net, x);
  return p.regions![g]!.clauses.some(({ C, d }) => C.every((row, i) => row.reduce((s, v, j) => s + v * y[j]!, d[i]!) >= 0));
}

describe('verifyVnnlib and verify on input regions', () => {
  // Region A = [−1, 0] × [−1, 1] with "Y0 − Y1 ≥ a"; region B = [0.25, 1] × [−1, 1] with "Y1 ≥ b".
  // The gap (0, 0.25) belongs to no region: a counterexample found there would be wrong.
  const text = (a: number, b: number): string => `${decl(2, 2)}
(assert (or
  (and ${box([-1, -1], [0, 1])} (>= (- Y_0 Y_1) ${a.toFixed(6)}))
  (and ${box([0.25, -1], [1, 1])} (>= Y_1 ${b.toFixed(6)}))
))`;

  it('agrees with a dense grid over each box: unsat only when every region is safe, sat with a counterexample inside its region', () => {
    const G = 120;
    let unsat = 0, sat = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const net = randomNet(2200 + seed, [2, 8, 2], ['relu']);
      const grid = (lo0: number, hi0: number): number[][] => {
        const pts: number[][] = [];
        for (let i = 0; i <= G; i++) for (let j = 0; j <= G; j++) pts.push([lo0 + ((hi0 - lo0) * i) / G, -1 + (2 * j) / G]);
        return pts;
      };
      const A = grid(-1, 0).map((x) => forwardRef(net, x));
      const B = grid(0.25, 1).map((x) => forwardRef(net, x));
      const gap = grid(0.01, 0.24).map((x) => forwardRef(net, x));
      const a0 = Math.max(...A.map((y) => y[0]! - y[1]!));
      const b0 = Math.max(...B.map((y) => y[1]!));
      // Thresholds just above the gap's values make a hull-only verifier answer sat wrongly.
      const aGap = Math.max(...gap.map((y) => y[0]! - y[1]!));
      const bGap = Math.max(...gap.map((y) => y[1]!));
      for (const [a, b] of [[a0 + 0.1, b0 + 0.1], [a0 - 0.1, b0 + 0.1], [a0 + 0.1, b0 - 0.1], [Math.max(a0 + 0.1, Math.min(aGap - 0.05, a0 + 0.5)), Math.max(b0 + 0.1, Math.min(bGap - 0.05, b0 + 0.5))]] as const) {
        const ra = Number(a.toFixed(6)), rb = Number(b.toFixed(6));
        const p = parseVnnlib(text(ra, rb));
        const mA = a0 - ra, mB = b0 - rb; // grid maxima of each region's margin
        const r = verifyVnnlib(net, p, { timeout: 20 });
        const v = verify(net, p, { timeout: 20 });
        if (mA < -0.05 && mB < -0.05) {
          expect(r.verdict).toBe('verified');
          expect(v.verdict).toBe('unsat');
          unsat++;
        } else if (mA > 0.02 || mB > 0.02) {
          expect(r.verdict).toBe('falsified');
          expect(v.verdict).toBe('sat');
          const g = v.counterexample!.region;
          const x = Array.from(v.counterexample!.inputs);
          const reg = p.regions![g]!;
          x.forEach((xi, i) => {
            expect(xi).toBeGreaterThanOrEqual(reg.inputLower[i]!);
            expect(xi).toBeLessThanOrEqual(reg.inputUpper[i]!);
          });
          expect(unsafeAt(p, net, g, x)).toBe(true);
          sat++;
        }
      }
    }
    expect(unsat).toBeGreaterThanOrEqual(4);
    expect(sat).toBeGreaterThanOrEqual(4);
  });

  it('a property that is violated only between the boxes (on the hull) is unsat', () => {
    // y = x0 on [−1, 1]: unsafe "Y0 ≥ 0.1" can only hold for x0 ≥ 0.1, which region A (x0 ≤ 0) excludes;
    // region B asks Y0 ≤ −2, impossible for x0 ≥ 0.25. The hull [−1, 1] contains x0 = 0.2 with Y0 = 0.2 ≥ 0.1.
    const net: NetworkSpec = { input: 2, layers: [{ type: 'linear', weight: [[1, 0]] }] };
    const p = parseVnnlib(`${decl(2, 1)}
(assert (or
  (and ${box([-1, -1], [0, 1])} (>= Y_0 0.1))
  (and ${box([0.25, -1], [1, 1])} (<= Y_0 -2))
))`);
    expect(verify(net, p).verdict).toBe('unsat');
    // The same clauses over the hull box alone (the over-approximation in `clauses`) would be sat.
    expect(verify(net, { inputLower: p.inputLower, inputUpper: p.inputUpper, outputs: 1, clauses: p.clauses }).verdict).toBe('sat');
  });

  it('hand-built regions are checked field by field', () => {
    const net: NetworkSpec = { input: 2, layers: [{ type: 'linear', weight: [[1, 0]] }] };
    const base = { inputLower: [0, 0], inputUpper: [1, 1], outputs: 1, clauses: [] };
    expect(() => verify(net, { ...base, regions: [] } as never)).toThrow(ParameterError);
    expect(() => verify(net, { ...base, regions: [{ inputLower: [0], inputUpper: [1], clauses: [] }] } as never)).toThrow(
      new ShapeError('verify: spec.regions[0].inputLower must have length 2, the number of inputs (got 1)'),
    );
    expect(() => verify(net, { ...base, regions: [{ inputLower: [0, 2], inputUpper: [1, 1], clauses: [] }] } as never)).toThrow(
      new ParameterError('verify: spec.regions[0].inputLower must be <= inputUpper (got 2 > 1 at index 1)'),
    );
    const r = verify(net, { ...base, regions: [{ inputLower: [0, 0], inputUpper: [1, 1], clauses: [] }, { inputLower: [2, 0], inputUpper: [3, 1], clauses: [{ C: [[1]], d: [-2.5] }] }] } as never);
    expect(r.verdict).toBe('sat');
    expect(r.counterexample!.region).toBe(1);
    expect(r.counterexample!.outputs[0]).toBeGreaterThanOrEqual(2.5);
  });
});
