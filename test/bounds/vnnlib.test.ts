import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, VnnlibError, init, memoryStats, parseVnnlib, verifyVnnlib } from '../../bindings/index.js';
import { forwardRef, randomNet } from './reference.js';

beforeAll(() => init());

const decl = (nx: number, ny: number): string =>
  [...Array.from({ length: nx }, (_, i) => `(declare-const X_${i} Real)`), ...Array.from({ length: ny }, (_, j) => `(declare-const Y_${j} Real)`)].join('\n');

/** Asserts `f` throws a VnnlibError at (line, column) whose message contains `text`. */
function expectVnnlibError(f: () => unknown, line: number, column: number, text: string): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(VnnlibError);
  expect(err).toBeInstanceOf(ParameterError);
  const e = err as VnnlibError;
  expect([e.line, e.column]).toEqual([line, column]);
  expect(e.message).toContain(`parseVnnlib: line ${line}, column ${column}: `);
  expect(e.message).toContain(text);
}

describe('parseVnnlib', () => {
  it('reads an ACAS Xu-style property: input box and one conjunction of output comparisons', () => {
    const text = `; ACAS Xu property 3 (style)
${decl(5, 5)}
; input constraints
(assert (<= X_0 -0.29855281))
(assert (>= X_0 -0.30353115))
(assert (<= X_1 0.00999998)) (assert (>= X_1 -0.00955018))
(assert (<= X_2 0.5)) (assert (>= X_2 0.49))
(assert (<= X_3 0.5)) (assert (>= X_3 0.3))
(assert (<= X_4 0.5)) (assert (>= X_4 0.3))
; unsafe if COC is minimal
(assert (<= Y_0 Y_1))
(assert (<= Y_0 Y_2))
(assert (<= Y_0 Y_3))
(assert (<= Y_0 Y_4))
`;
    const p = parseVnnlib(text);
    expect(Array.from(p.inputLower)).toEqual([-0.30353115, -0.00955018, 0.49, 0.3, 0.3]);
    expect(Array.from(p.inputUpper)).toEqual([-0.29855281, 0.00999998, 0.5, 0.5, 0.5]);
    expect(p.outputs).toBe(5);
    expect(p.clauses).toHaveLength(1);
    // Y_0 ≤ Y_j  ⇔  Y_j − Y_0 ≥ 0.
    expect(p.clauses[0]!.C).toEqual([1, 2, 3, 4].map((j) => [-1, ...[1, 2, 3, 4].map((q) => (q === j ? 1 : 0))]));
    expect(p.clauses[0]!.d).toEqual([0, 0, 0, 0]);
  });

  it('reads an ACAS Xu property-1-style single bound and an MNIST-style (or (and …) …) disjunction', () => {
    const p1 = parseVnnlib(`${decl(1, 2)}\n(assert (<= X_0 1))(assert (>= X_0 (- 1)))\n(assert (>= Y_0 3.991125645861615))`);
    expect(p1.clauses).toEqual([{ C: [[1, 0]], d: [-3.991125645861615] }]);
    expect(Array.from(p1.inputLower)).toEqual([-1]);
    // MNIST: unsafe if any other class scores at least the true class 0.
    const p2 = parseVnnlib(`${decl(2, 3)}
(assert (and (<= X_0 0.1) (>= X_0 0) (<= X_1 0.2) (>= X_1 0.1)))
(assert (or
  (and (>= Y_1 Y_0))
  (and (>= Y_2 Y_0))
))`);
    expect(p2.clauses).toEqual([
      { C: [[-1, 1, 0]], d: [0] },
      { C: [[-1, 0, 1]], d: [0] },
    ]);
    expect(Array.from(p2.inputUpper)).toEqual([0.1, 0.2]);
  });

  it('handles linear combinations, scaling, comments, top-level atoms conjoined to every clause, and nested and/or (DNF)', () => {
    const p = parseVnnlib(`${decl(1, 3)}
(assert (<= (* 2 X_0) 1)) ; 2·X_0 ≤ 1
(assert (>= (- X_0) -3))   ; X_0 ≤ 3 (looser)
(assert (>= (* X_0 -4) -2)) ; X_0 ≤ 0.5 again
(assert (>= X_0 (- 0.25)))
(assert (>= (+ Y_0 (* 2 Y_1) (- 3)) (* 0.5 Y_2)))
(assert (and (or (<= Y_0 1e-1) (>= Y_1 2)) (or (<= Y_2 0) (>= (* Y_2 -1.5) (- Y_0 Y_1)))))`);
    expect(Array.from(p.inputLower)).toEqual([-0.25]);
    expect(Array.from(p.inputUpper)).toEqual([0.5]);
    // Top-level row: Y0 + 2Y1 − 3 − 0.5Y2 ≥ 0. Then (A ∨ B) ∧ (D ∨ E) → AD, AE, BD, BE.
    const top = { C: [1, 2, -0.5], d: -3 };
    const A = { C: [-1, 0, 0], d: 0.1 }; // 0.1 − Y0 ≥ 0
    const B = { C: [0, 1, 0], d: -2 }; // Y1 − 2 ≥ 0
    const D = { C: [0, 0, -1], d: 0 }; // −Y2 ≥ 0
    const E = { C: [-1, 1, -1.5], d: 0 }; // −1.5Y2 − (Y0 − Y1) ≥ 0
    const clause = (...rows: { C: number[]; d: number }[]) => ({ C: rows.map((r) => r.C), d: rows.map((r) => r.d) });
    const norm = (c: { C: number[][]; d: number[] }) => ({ C: c.C.map((r) => r.map((v) => v + 0)), d: c.d.map((v) => v + 0) });
    expect(p.clauses.map(norm)).toEqual([clause(top, A, D), clause(top, A, E), clause(top, B, D), clause(top, B, E)]);
  });

  it('a property without output constraints is one empty clause (every input is unsafe)', () => {
    const text = `${decl(1, 1)}(assert (<= X_0 1))(assert (>= X_0 0))`;
    expect(parseVnnlib(text).clauses).toEqual([{ C: [], d: [] }]);
    const r = verifyVnnlib({ input: 1, layers: [{ type: 'linear', weight: [[1]] }] }, text);
    expect(r.verdict).toBe('falsified');
    expect(Array.from(r.counterexample!.x)).toEqual([0.5]);
  });

  it('malformed input: typed errors with line and column', () => {
    const head = `${decl(2, 2)}\n(assert (<= X_0 1))(assert (>= X_0 0))(assert (<= X_1 1))(assert (>= X_1 0))\n`; // lines 1-5
    expectVnnlibError(() => parseVnnlib(`${head}(assert (<= Y_0 Y_1)`), 6, 1, "unbalanced parentheses: '(' is never closed");
    expectVnnlibError(() => parseVnnlib(`${head}(assert (<= Y_0 Y_1)))`), 6, 22, "unbalanced parentheses: ')' without a matching '('");
    expectVnnlibError(() => parseVnnlib(`${head}  (assert (<= Y_0 Y_7))`), 6, 19, 'undeclared variable Y_7');
    expectVnnlibError(() => parseVnnlib(`${head}(assert (>= (* Y_0 Y_1) 0))`), 6, 20, 'non-linear term: a product of two variable expressions');
    expectVnnlibError(() => parseVnnlib(`${head}(assert (<= (exp Y_0) 0))`), 6, 13, 'expected a linear term');
    expectVnnlibError(() => parseVnnlib(`${head}(assert (< Y_0 0))`), 6, 9, 'unsupported operator <');
    // Input bounds inside (or …) are input regions (test/bounds/vnnlib-regions.test.ts), not an error.
    expect(parseVnnlib(`${head}(assert (or (and (<= X_0 0.5) (>= Y_0 0)) (>= Y_1 0)))`).regions!.map((r) => r.inputUpper[0])).toEqual([0.5, 1]);
    expectVnnlibError(() => parseVnnlib(`${head}(assert (or (and (<= (+ X_0 X_1) 0.5) (>= Y_0 0)) (>= Y_1 0)))`), 6, 18, 'input constraints must bound one X_i');
    expectVnnlibError(() => parseVnnlib(`${head}(assert (<= X_0 X_1))`), 6, 9, 'input constraints must bound one X_i');
    expectVnnlibError(() => parseVnnlib(`${decl(2, 1)}\n(assert (<= X_0 1))(assert (>= X_0 0))(assert (<= X_1 1))`), 2, 16, 'X_1 needs a finite lower and upper bound (got [-Infinity, 1])');
    expectVnnlibError(() => parseVnnlib('(declare-const Z_0 Real)'), 1, 16, 'variables must be named X_i or Y_j (got Z_0)');
    expectVnnlibError(() => parseVnnlib('(declare-const X_0 Int)'), 1, 20, 'only Real constants are supported');
    expectVnnlibError(() => parseVnnlib('(check-sat)'), 1, 2, 'unsupported command check-sat');
    expect(() => parseVnnlib(42 as unknown as string)).toThrow(new ParameterError('parseVnnlib: text must be a string (got 42)'));
  });
});

describe('verifyVnnlib', () => {
  /** Spec text: X in [−1, 1]²; unsafe = (Y0 − Y1 ≥ a) ∨ (Y2 ≥ b ∧ Y0 ≤ Y2). */
  const spec = (a: number, b: number): string => `${decl(2, 3)}
(assert (<= X_0 1)) (assert (>= X_0 -1)) (assert (<= X_1 1)) (assert (>= X_1 -1))
(assert (or (and (>= (- Y_0 Y_1) ${a.toFixed(6)})) (and (>= Y_2 ${b.toFixed(6)}) (<= Y_0 Y_2))))`;

  it('agrees with a brute-force grid on tiny ReLU nets (verified / falsified with re-checked counterexamples)', () => {
    const before = memoryStats().allocatedBytes;
    const G = 200;
    let verified = 0, falsified = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const net = randomNet(900 + seed, [2, 6, 3], ['relu']);
      const ys: number[][] = [];
      for (let i = 0; i <= G; i++) for (let j = 0; j <= G; j++) ys.push(forwardRef(net, [-1 + (2 * i) / G, -1 + (2 * j) / G]));
      // Grid maxima of each clause's margin alone, then thresholds around them.
      const a0 = Math.max(...ys.map((y) => y[0]! - y[1]!));
      const b0 = Math.max(...ys.map((y) => y[2]!));
      for (const [da, db] of [[0.15, 0.15], [-0.1, 0.2], [0.2, -0.1], [-0.1, -0.1]] as const) {
        const a = Number((a0 + da).toFixed(6)), b = Number((b0 + db).toFixed(6));
        // Max over the grid of the best clause margin (≥ 0 at a grid point ⇒ that point is unsafe).
        const m = Math.max(...ys.map((y) => Math.max(y[0]! - y[1]! - a, Math.min(y[2]! - b, y[2]! - y[0]!))));
        const r = verifyVnnlib(net, spec(a, b), { timeout: 20 });
        if (m < -0.1) {
          expect(r.verdict).toBe('verified');
          verified++;
        } else if (m > 0.02) {
          expect(r.verdict).toBe('falsified');
          const x = r.counterexample!.x;
          expect(Math.abs(x[0]!)).toBeLessThanOrEqual(1);
          expect(Math.abs(x[1]!)).toBeLessThanOrEqual(1);
          const y = forwardRef(net, x);
          expect(r.clause === 0 ? y[0]! - y[1]! >= a : y[2]! >= b && y[0]! <= y[2]!).toBe(true);
          falsified++;
        }
      }
    }
    expect(verified).toBeGreaterThanOrEqual(3);
    expect(falsified).toBeGreaterThanOrEqual(3);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('rejects a property whose variable counts do not match the network', () => {
    const net = randomNet(7, [2, 4, 3], ['relu']);
    expect(() => verifyVnnlib(net, `${decl(1, 3)}(assert (<= X_0 1))(assert (>= X_0 0))`)).toThrow(
      new ShapeError("verifyVnnlib: the property must declare 2 inputs X_i, the network's input size (got 1)"),
    );
    expect(() => verifyVnnlib(net, `${decl(2, 2)}(assert (<= X_0 1))(assert (>= X_0 0))(assert (<= X_1 1))(assert (>= X_1 0))`)).toThrow(
      new ShapeError("verifyVnnlib: the property must declare 3 outputs Y_j, the network's output size (got 2)"),
    );
  });
});
