/**
 * VNNLIB (the VNN-COMP subset of SMT-LIB) properties: a hand-written s-expression tokenizer and
 * parser, and `verifyVnnlib`, which decides a property with `verifyNetwork`.
 *
 * Accepted: `(declare-const X_i Real)` / `(declare-const Y_j Real)`; `(assert F)` where F is an atom
 * `(<= a b)` / `(>= a b)` between linear terms (numbers, variables, `(+ …)`, `(- …)`, `(* c t)`), or
 * `(and F …)` / `(or F …)` of such formulas (converted to disjunctive normal form). Comments start
 * with `;`. Atoms on one X variable only are input bounds; they may appear anywhere, also inside
 * `or` (a union of input boxes, each disjunct with its own output atoms or none).
 *
 * Semantics: a VNNLIB file describes the UNSAFE set: the property is violated iff some input of
 * some region's box gives an output satisfying every row of one of that region's clauses. The
 * conjunction of all asserts is put in disjunctive normal form; each term is an input box (its
 * atoms on X) and one clause (its atoms on Y); terms with the same box form one region. Each clause
 * is `{ C, d }` with the conjunction "C·y + d ≥ 0 row by row" (the same orientation as
 * `verifyNetwork`'s `OutputProperty`). So the network is safe iff for every region, clause and x in
 * the region's box, SOME row has (C·y + d)ᵢ < 0; `verifyVnnlib` proves that per region and clause
 * with `verifyNetwork` on the negated rows −(C·y + d) in `mode: 'any'` (some row strictly
 * positive), and returns the first counterexample found.
 */
import { ParameterError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { evaluateNetwork } from './bounds.js';
import { toNetwork, type BoundsNetwork, type NetworkSpec } from './model.js';
import { readVerifyOptions, verifyNetwork, type VerifyOptions, type VerifyResult } from './verify.js';
import { nonNegativeInteger } from '../runtime/validate.js';
import { finiteArray } from '../runtime/memory.js';

const FN = 'parseVnnlib';

/** Malformed VNNLIB: a ParameterError that also carries the 1-based line and column of the offending token. */
export class VnnlibError extends ParameterError {
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based column of the offending token. */
  readonly column: number;
  constructor(line: number, column: number, what: string) {
    super(`${FN}: line ${line}, column ${column}: ${what}`);
    this.line = line;
    this.column = column;
  }
}

/** One conjunction of the unsafe set: rows of C·y + d ≥ 0 (C is rows × outputs, row-major as number[][]). */
export interface VnnlibClause {
  /** Rows of the clause's linear constraints over the outputs (one row per constraint, `outputs` entries each). */
  C: number[][];
  /** Offsets: the clause holds when every (C·y + d)ᵢ ≥ 0. */
  d: number[];
}

/** One input box of a property with the output clauses that are unsafe on it. */
export interface VnnlibRegion {
  /** Lower corner of the box (length = number of declared X variables). */
  inputLower: Float64Array;
  /** Upper corner of the box. */
  inputUpper: Float64Array;
  /** On this box the unsafe set is the union of these clauses (each a conjunction). */
  clauses: VnnlibClause[];
}

/**
 * A parsed VNNLIB property: an unsafe set that is a union over input regions of
 * { x in the region's box : the output satisfies one of the region's clauses }.
 */
export interface VnnlibProperty {
  /** Input box (length = number of declared X variables); with several regions, their bounding box. */
  inputLower: Float64Array;
  /** Upper corner of the input box. */
  inputUpper: Float64Array;
  /** Number of declared Y variables. */
  outputs: number;
  /**
   * The unsafe set over the input box is the union of these clauses (each a conjunction). With
   * several `regions` this is every region's clauses together (an over-approximation on the hull).
   */
  clauses: VnnlibClause[];
  /**
   * The exact unsafe set as a union of input boxes, each with its own clauses (what
   * `(assert (or (and …input bounds… …output atoms…) …))` describes). `parseVnnlib` always fills
   * it (one region when no disjunction involves the inputs); when absent, the property is the one
   * region { inputLower, inputUpper, clauses }.
   */
  regions?: VnnlibRegion[];
}

interface Pos {
  line: number;
  column: number;
}
type SExpr = { atom: string; pos: Pos } | { list: SExpr[]; pos: Pos };

function fail(pos: Pos, what: string): never {
  throw new VnnlibError(pos.line, pos.column, what);
}

/** Tokenizes and parses the whole text into top-level s-expressions. */
function readSExprs(text: string): SExpr[] {
  const stack: { list: SExpr[]; pos: Pos }[] = [{ list: [], pos: { line: 1, column: 1 } }];
  let line = 1;
  let col = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '\n') {
      line++;
      col = 1;
      i++;
    } else if (/\s/.test(ch)) {
      i++;
      col++;
    } else if (ch === '(') {
      stack.push({ list: [], pos: { line, column: col } });
      i++;
      col++;
    } else if (ch === ')') {
      if (stack.length === 1) fail({ line, column: col }, "unbalanced parentheses: ')' without a matching '('");
      const done = stack.pop()!;
      stack[stack.length - 1]!.list.push(done);
      i++;
      col++;
    } else {
      const start = { line, column: col };
      let j = i;
      while (j < text.length && !/[\s();]/.test(text[j]!)) j++;
      stack[stack.length - 1]!.list.push({ atom: text.slice(i, j), pos: start });
      col += j - i;
      i = j;
    }
  }
  if (stack.length > 1) fail(stack[stack.length - 1]!.pos, "unbalanced parentheses: '(' is never closed");
  return stack[0]!.list;
}

/** A linear form: coefficients by variable name, plus a constant. */
interface Linear {
  coef: Map<string, number>;
  c: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function scaleAdd(acc: Linear, t: Linear, s: number): void {
  for (const [v, a] of t.coef) acc.coef.set(v, (acc.coef.get(v) ?? 0) + s * a);
  acc.c += s * t.c;
}

function linearTerm(e: SExpr, declared: Map<string, Pos>): Linear {
  if ('atom' in e) {
    if (NUMBER.test(e.atom)) return { coef: new Map(), c: Number(e.atom) };
    if (!declared.has(e.atom)) fail(e.pos, `undeclared variable ${e.atom} (declare it with (declare-const ${e.atom} Real))`);
    return { coef: new Map([[e.atom, 1]]), c: 0 };
  }
  const [head, ...args] = e.list;
  const op = head && 'atom' in head ? head.atom : '';
  if ((op === '+' || op === '-' || op === '*') && args.length === 0) fail(e.pos, `(${op} …) needs at least one argument`);
  const terms = args.map((a) => linearTerm(a, declared));
  const acc: Linear = { coef: new Map(), c: 0 };
  if (op === '+') terms.forEach((t) => scaleAdd(acc, t, 1));
  else if (op === '-') {
    if (terms.length === 1) scaleAdd(acc, terms[0]!, -1);
    else terms.forEach((t, k) => scaleAdd(acc, t, k === 0 ? 1 : -1));
  } else if (op === '*') {
    // A product is linear when at most one factor holds variables.
    let prod: Linear = { coef: new Map(), c: 1 };
    terms.forEach((t, k) => {
      if (t.coef.size > 0 && prod.coef.size > 0) fail(args[k]!.pos, 'non-linear term: a product of two variable expressions');
      if (t.coef.size > 0) {
        const next: Linear = { coef: new Map(), c: 0 };
        scaleAdd(next, t, prod.c);
        prod = next;
      } else {
        for (const [v, a] of prod.coef) prod.coef.set(v, a * t.c);
        prod.c *= t.c;
      }
    });
    return prod;
  } else fail(e.pos, `expected a linear term (number, variable, +, -, *) (got ${head && 'atom' in head ? head.atom : '(…)'})`);
  return acc;
}

/** An atom "expr ≥ 0" as a linear form, with its position. */
interface Atom {
  form: Linear;
  pos: Pos;
}

/** Disjunctive normal form of a formula: a list of conjunctions of atoms. */
function dnf(e: SExpr, declared: Map<string, Pos>): Atom[][] {
  if ('atom' in e || e.list.length === 0 || !('atom' in e.list[0]!)) fail(e.pos, 'expected a formula (<= a b), (>= a b), (and …) or (or …)');
  const op = (e.list[0] as { atom: string }).atom;
  const args = e.list.slice(1);
  if (op === 'and' || op === 'or') {
    if (args.length === 0) fail(e.pos, `(${op}) needs at least one argument`);
    const parts = args.map((a) => dnf(a, declared));
    if (op === 'or') return parts.flat();
    let acc: Atom[][] = [[]];
    for (const p of parts) {
      acc = acc.flatMap((c) => p.map((q) => [...c, ...q]));
      if (acc.length > 100_000) fail(e.pos, 'the formula has more than 100000 clauses in disjunctive normal form');
    }
    return acc;
  }
  if (op === '<=' || op === '>=') {
    if (args.length !== 2) fail(e.pos, `(${op} a b) needs exactly two arguments (got ${args.length})`);
    const [a, b] = args.map((x) => linearTerm(x, declared)) as [Linear, Linear];
    const form: Linear = { coef: new Map(), c: 0 };
    scaleAdd(form, op === '>=' ? a : b, 1);
    scaleAdd(form, op === '>=' ? b : a, -1);
    for (const [v, c] of form.coef) if (c === 0) form.coef.delete(v);
    return [[{ form, pos: e.pos }]];
  }
  return fail(e.pos, `unsupported operator ${op} (expected <=, >=, and, or)`);
}

/**
 * Parses a VNNLIB property (VNN-COMP subset, see the module notes) into input regions (boxes), each
 * with its unsafe set as a disjunction of conjunctions `{ C, d }` (each row: C·y + d ≥ 0). Top-level
 * atoms are conjoined to every disjunct; a disjunct whose input bounds contradict each other is
 * dropped. `inputLower`/`inputUpper` are the bounding box of the regions. Throws `VnnlibError` (a
 * ParameterError with `line`, `column`) for unbalanced parentheses, undeclared variables, non-linear
 * terms, unknown operators, input constraints on several inputs, an input without both bounds in
 * some region, no region left, and more than 100000 disjuncts.
 */
export function parseVnnlib(text: string): VnnlibProperty {
  if (typeof text !== 'string') throw parameterError(FN, 'text', 'a string', text);
  const declared = new Map<string, Pos>();
  const xs: number[] = [];
  let outputs = 0;
  const asserts: SExpr[] = [];
  for (const e of readSExprs(text)) {
    if ('atom' in e || e.list.length === 0 || !('atom' in e.list[0]!)) fail(e.pos, 'expected (declare-const …) or (assert …) at top level');
    const head = (e.list[0] as { atom: string }).atom;
    if (head === 'declare-const') {
      const [, name, type] = e.list;
      if (!name || !('atom' in name) || !type || !('atom' in type) || e.list.length !== 3) fail(e.pos, 'expected (declare-const NAME Real)');
      if (type.atom !== 'Real') fail(type.pos, `only Real constants are supported (got ${type.atom})`);
      const m = /^([XY])_(\d+)$/.exec(name.atom);
      if (!m) fail(name.pos, `variables must be named X_i or Y_j (got ${name.atom})`);
      if (declared.has(name.atom)) fail(name.pos, `${name.atom} is declared twice`);
      declared.set(name.atom, name.pos);
      const idx = Number(m[2]);
      if (m[1] === 'X') xs.push(idx);
      else outputs = Math.max(outputs, idx + 1);
    } else if (head === 'assert') {
      if (e.list.length !== 2) fail(e.pos, '(assert F) needs exactly one formula');
      asserts.push(e.list[1]!);
    } else fail(e.list[0]!.pos, `unsupported command ${head} (expected declare-const or assert)`);
  }
  const n = xs.length === 0 ? 0 : Math.max(...xs) + 1;
  for (let i = 0; i < n; i++) if (!declared.has(`X_${i}`)) throw new VnnlibError(1, 1, `X_${i} is not declared but X_${n - 1} is (inputs must be X_0 … X_${n - 1})`);
  for (let j = 0; j < outputs; j++) if (!declared.has(`Y_${j}`)) throw new VnnlibError(1, 1, `Y_${j} is not declared but Y_${outputs - 1} is`);
  // The conjunction of all asserts in disjunctive normal form. A single-term assert (input bounds,
  // a top-level output atom) is appended to every term in place, so that the thousands of one-line
  // bounds of an image property cost no copies; an (or …) multiplies the terms.
  let terms: Atom[][] = [[]];
  for (const a of asserts) {
    const t = dnf(a, declared);
    if (t.length === 1) for (const c of terms) c.push(...t[0]!);
    else {
      if (terms.length * t.length > 100_000) fail(a.pos, 'the formula has more than 100000 clauses in disjunctive normal form');
      terms = terms.flatMap((c) => t.map((q) => [...c, ...q]));
    }
  }
  // Each term = an input box (its atoms on one X_i) ∧ output rows. Terms with the same box form one region.
  const regions = new Map<string, { lower: Float64Array; upper: Float64Array; rows: Atom[][] }>();
  for (const term of terms) {
    const lower = new Float64Array(n).fill(-Infinity);
    const upper = new Float64Array(n).fill(Infinity);
    const rows: Atom[] = [];
    for (const t of term) {
      const vars = [...t.form.coef.keys()];
      if (!vars.some((v) => v.startsWith('X_'))) {
        rows.push(t);
        continue;
      }
      if (vars.length !== 1) fail(t.pos, `input constraints must bound one X_i against a constant (got ${vars.join(', ')})`);
      const v = vars[0]!;
      const i = Number(v.slice(2));
      const a = t.form.coef.get(v)!;
      const b = -t.form.c / a + 0; // a·x + c ≥ 0  ⇔  x ≥ −c/a (a > 0), x ≤ −c/a (a < 0); + 0 turns −0 into 0
      if (a > 0) lower[i] = Math.max(lower[i]!, b);
      else upper[i] = Math.min(upper[i]!, b);
    }
    // A term whose input bounds contradict each other holds for no input: it adds nothing to the unsafe set.
    if (lower.some((l, i) => l > upper[i]!)) continue;
    const key = `${Array.from(lower).join(',')}|${Array.from(upper).join(',')}`;
    let r = regions.get(key);
    if (!r) regions.set(key, (r = { lower, upper, rows: [] }));
    r.rows.push(rows);
  }
  if (regions.size === 0) {
    fail(asserts[0]?.pos ?? { line: 1, column: 1 }, 'the input constraints admit no input (every disjunct has a lower bound above its upper bound)');
  }
  for (const r of regions.values()) {
    for (let i = 0; i < n; i++) {
      if (!(Number.isFinite(r.lower[i]!) && Number.isFinite(r.upper[i]!))) {
        fail(declared.get(`X_${i}`)!, `X_${i} needs a finite lower and upper bound (got [${r.lower[i]}, ${r.upper[i]}])`);
      }
    }
  }
  // A clause with no rows (no output constraint) is satisfied by every input.
  const toClause = (c: Atom[]): VnnlibClause => ({
    C: c.map((t) => Array.from({ length: outputs }, (_, j) => t.form.coef.get(`Y_${j}`) ?? 0)),
    d: c.map((t) => t.form.c),
  });
  const out: VnnlibRegion[] = [...regions.values()].map((r) => ({ inputLower: r.lower, inputUpper: r.upper, clauses: r.rows.map(toClause) }));
  const inputLower = Float64Array.from(out[0]!.inputLower);
  const inputUpper = Float64Array.from(out[0]!.inputUpper);
  for (const r of out.slice(1)) {
    for (let i = 0; i < n; i++) {
      inputLower[i] = Math.min(inputLower[i]!, r.inputLower[i]!);
      inputUpper[i] = Math.max(inputUpper[i]!, r.inputUpper[i]!);
    }
  }
  // With one region the top-level fields say everything; with several, `clauses` lists every clause
  // of every region (over the hull box this over-approximates the unsafe set: `regions` is exact).
  return { inputLower, inputUpper, outputs, clauses: out.flatMap((r) => r.clauses), regions: out };
}

/**
 * The regions of a property: `regions` when given, else one region made of the top-level box and clauses.
 */
export function propertyRegions(p: VnnlibProperty): VnnlibRegion[] {
  return p.regions ?? [{ inputLower: p.inputLower, inputUpper: p.inputUpper, clauses: p.clauses }];
}

/** Result of {@link verifyVnnlib}: {@link VerifyResult} plus the clause a counterexample satisfies. */
export interface VerifyVnnlibResult extends VerifyResult {
  /** Index of the clause the counterexample satisfies, within its region's `clauses` (when 'falsified'). */
  clause?: number;
  /** Index of the input region (of `propertyRegions`, i.e. `regions` when present) the counterexample lies in (when 'falsified'). */
  region?: number;
}

/**
 * Checks a property built by hand (or edited) as `parseVnnlib` would have built it: a finite input
 * box with lower <= upper, `outputs` a non-negative integer, and clauses `{ C, d }` whose rows have
 * `outputs` finite entries and one finite offset each. Returns a copy with typed arrays and plain number rows.
 */
export function readProperty(fn: string, name: string, p: unknown): VnnlibProperty {
  if (typeof p !== 'object' || p === null || Array.isArray(p) || ArrayBuffer.isView(p)) throw parameterError(fn, name, 'VNNLIB text or a parsed VnnlibProperty', p);
  const o = p as Record<string, unknown>;
  const outputs = o.outputs;
  nonNegativeInteger(fn, `${name}.outputs`, outputs);
  const top = readRegion(fn, name, o, outputs as number, null);
  if (o.regions === undefined) return { ...top, outputs: outputs as number };
  if (!Array.isArray(o.regions) || o.regions.length === 0) throw parameterError(fn, `${name}.regions`, 'a non-empty array of { inputLower, inputUpper, clauses }', o.regions);
  const regions = o.regions.map((r: unknown, i: number) => {
    const at = `${name}.regions[${i}]`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw parameterError(fn, at, 'an object { inputLower, inputUpper, clauses }', r);
    return readRegion(fn, at, r as Record<string, unknown>, outputs as number, top.inputLower.length);
  });
  return { ...top, outputs: outputs as number, regions };
}

/** One box with its clauses, checked (`n`: the required box length, or null to take it from inputLower). */
function readRegion(fn: string, name: string, o: Record<string, unknown>, outputs: number, n: number | null): VnnlibRegion {
  const inputLower = finiteArray(fn, `${name}.inputLower`, o.inputLower);
  const inputUpper = finiteArray(fn, `${name}.inputUpper`, o.inputUpper);
  if (n !== null && inputLower.length !== n) throw new ShapeError(`${fn}: ${name}.inputLower must have length ${n}, the number of inputs (got ${inputLower.length})`);
  if (inputUpper.length !== inputLower.length) {
    throw new ShapeError(`${fn}: ${name}.inputUpper must have length ${inputLower.length}, that of inputLower (got ${inputUpper.length})`);
  }
  const bad = inputLower.findIndex((l, i) => l > inputUpper[i]!);
  if (bad >= 0) throw new ParameterError(`${fn}: ${name}.inputLower must be <= inputUpper (got ${inputLower[bad]} > ${inputUpper[bad]} at index ${bad})`);
  if (!Array.isArray(o.clauses)) throw parameterError(fn, `${name}.clauses`, 'an array of { C, d }', o.clauses);
  const clauses = o.clauses.map((cl: unknown, c: number): VnnlibClause => {
    const at = `${name}.clauses[${c}]`;
    if (typeof cl !== 'object' || cl === null) throw parameterError(fn, at, 'an object { C, d }', cl);
    const { C, d } = cl as Record<string, unknown>;
    if (!Array.isArray(C)) throw parameterError(fn, `${at}.C`, 'an array of rows (number[][])', C);
    const rows = C.map((row: unknown, r: number) => {
      const a = finiteArray(fn, `${at}.C[${r}]`, row);
      if (a.length !== outputs) throw new ShapeError(`${fn}: ${at}.C[${r}] must have length ${outputs}, the number of outputs (got ${describe(row)})`);
      return Array.from(a);
    });
    const dv = finiteArray(fn, `${at}.d`, d);
    if (dv.length !== rows.length) throw new ShapeError(`${fn}: ${at}.d must have length ${rows.length}, the rows of C (got ${dv.length})`);
    return { C: rows, d: Array.from(dv) };
  });
  return { inputLower, inputUpper, clauses };
}

/**
 * Decides a VNNLIB property on `model`: 'verified' when every clause of every input region is
 * infeasible over that region's box (each proved with `verifyNetwork` on −(C·y + d) in `mode: 'any'`),
 * 'falsified' with a counterexample x as soon as one region gives one (x lies in box `region`, its
 * output y satisfies every row of that region's clause `clause`, re-checked by an exact forward pass;
 * `values` are then −(C·y + d) ≤ 0), else 'unknown' (some region or clause was left open). The
 * property is VNNLIB text or the result of `parseVnnlib`. Options are those of `verifyNetwork`;
 * `timeout` (default 10 s) and `maxNodes` apply to each clause of each region. `nodes`,
 * `reluSplits` and `elapsedMs` are summed. Throws ShapeError when the declared X / Y counts differ from the model's.
 */
export function verifyVnnlib(model: BoundsNetwork | NetworkSpec | string, vnnlibText: string | VnnlibProperty, options?: VerifyOptions): VerifyVnnlibResult {
  const fn = 'verifyVnnlib';
  const net = toNetwork(fn, model);
  const p = typeof vnnlibText === 'string' ? parseVnnlib(vnnlibText) : readProperty(fn, 'vnnlibText', vnnlibText);
  readVerifyOptions(fn, options, net); // verifyNetwork checks them again, but would report under its own name
  if (p.inputLower.length !== net.input) throw new ShapeError(`${fn}: the property must declare ${net.input} inputs X_i, the network's input size (got ${p.inputLower.length})`);
  if (p.outputs !== net.output) throw new ShapeError(`${fn}: the property must declare ${net.output} outputs Y_j, the network's output size (got ${p.outputs})`);
  let nodes = 0;
  let reluSplits = 0;
  let elapsedMs = 0;
  let peakBytes = 0;
  let unknown: VerifyResult['stopped'] | null = null;
  const regions = propertyRegions(p);
  // Two passes. First every clause of every region gets its root bound and the PGD search alone
  // (maxNodes 1), so that a counterexample of a later clause is not hidden behind an earlier clause
  // whose proof takes the whole budget; then the clauses still open get the full branch and bound.
  const open: [number, number][] = [];
  for (const pass of [1, 2]) {
    const todo: [number, number][] = pass === 1 ? regions.flatMap((r, g) => r.clauses.map((_, c): [number, number] => [g, c])) : open.splice(0);
    for (const [g, c] of todo) {
      const { inputLower, inputUpper, clauses } = regions[g]!;
      const { C, d } = clauses[c]!;
      if (C.length === 0) {
        const x = inputLower.map((l, i) => 0.5 * (l + inputUpper[i]!));
        return { verdict: 'falsified', stopped: 'converged', counterexample: { x, y: evaluateNetwork(net, x), values: new Float64Array(0) }, nodes, reluSplits, elapsedMs, clause: c, region: g };
      }
      const r = verifyNetwork(net, { lower: inputLower, upper: inputUpper }, { C: C.map((row) => row.map((v) => -v)), d: d.map((v) => -v), mode: 'any' }, pass === 1 ? { ...options, maxNodes: 1 } : options);
      nodes += r.nodes;
      reluSplits += r.reluSplits;
      elapsedMs += r.elapsedMs;
      peakBytes = Math.max(peakBytes, r.peakBytes ?? 0);
      if (r.verdict === 'falsified') return { ...r, nodes, reluSplits, elapsedMs, peakBytes, clause: c, region: g };
      if (r.verdict === 'unknown') {
        if (pass === 1 && r.stopped === 'maxNodes') open.push([g, c]);
        // the first clause left open says why the search stopped
        else unknown ??= r.stopped;
      }
    }
  }
  return unknown === null ? { verdict: 'verified', stopped: 'converged', nodes, reluSplits, elapsedMs, peakBytes } : { verdict: 'unknown', stopped: unknown, nodes, reluSplits, elapsedMs, peakBytes };
}
