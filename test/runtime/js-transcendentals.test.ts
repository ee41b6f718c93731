/**
 * A source scan of the library (bindings/): no JavaScript transcendental may be called on a path whose
 * result reaches a user or a digest. V8's Math.exp, log, log1p, expm1, pow, sin, cos, … are not correctly
 * rounded and their last bits differ between engine builds: on 20,000 arguments Node 20 and headless
 * Chromium 156 disagree for ~10 % of exp and pow (also pow with an integer exponent and x ** 3), ~5 % of
 * log, ~3.5 % of sin and cos. The library takes these from WebAssembly instead (bindings/runtime/math.ts,
 * nn's elementwise ops, Rng.normal). Two operator forms agree in every engine and are allowed: `x ** 2`
 * (a square, exactly rounded) and `2 ** k` (a power of two, exact). Math.sqrt (correctly rounded by
 * IEEE 754), Math.hypot (plain arithmetic and sqrt in V8) and the rounding functions are not scanned.
 *
 * A use that is reviewed and harmless (a printed figure, a fixed constant) goes into ALLOWED with the
 * exact text it matches and a one-line reason; an entry that no longer matches fails the test too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BINDINGS = join(ROOT, 'bindings');

/**
 * Not scanned: consumers that only print or draw (the CLI's text, the demo sections' inputs and
 * figures), and library code that still calls JavaScript transcendentals and is to be routed (whole
 * folders where that code is changing).
 */
const NOT_SCANNED: { path: string; why: string }[] = [
  { path: 'bindings/cli', why: 'the command-line consumer: formats and prints numbers (e.g. a held-out perplexity)' },
  { path: 'bindings/demo', why: 'demo sections: draw their toy inputs (hearts, spirals, circles) and print figures' },
  { path: 'bindings/forecast', why: 'kernel regression (regression.ts) still calls Math.exp/log; to be routed' },
  { path: 'bindings/sparse', why: 'Laplace sampling and learning-rate decay still call Math.exp/log and **; to be routed' },
  { path: 'bindings/cvar', why: 'the sweep and QP code still call Math.log10/log/exp; to be routed' },
];

/** Reviewed uses in scanned files: file, the exact matched text, and why it is harmless. */
const ALLOWED: { file: string; text: string; why: string }[] = [
  { file: 'bindings/plot/svg.ts', text: 'Math.log10', why: 'decades of an SVG axis (floored or rounded), never a returned number' },
  { file: 'bindings/plot/svg.ts', text: '10 ** e', why: 'an SVG tick value, printed to 3 significant digits' },
  { file: 'bindings/plot/svg.ts', text: '10 ** Math.floor', why: 'the decade of an SVG tick, only to round its mantissa for the label' },
  { file: 'bindings/constrained/eal.ts', text: 'N ** 3', why: 'a flop count of an integer N (an exactly representable integer in any engine)' },
];

const FUNCTIONS = ['exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'pow', 'sin', 'cos', 'tan', 'sinh', 'cosh', 'tanh', 'asin', 'acos', 'atan', 'atan2', 'asinh', 'acosh', 'atanh', 'cbrt'];
const CALL = new RegExp(`\\bMath\\.(?:${FUNCTIONS.join('|')})\\b`, 'g');

/**
 * The source with comments and the contents of string and template literals blanked (same length,
 * newlines kept, so offsets give line numbers); the code inside `${…}` stays.
 */
function codeOnly(src: string): string {
  const out = src.split('');
  const blank = (a: number, b: number) => {
    for (let k = a; k < b; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  const braces: number[] = []; // per open `${`, the brace depth at which it closes
  let depth = 0;
  const template = () => {
    // i is just past a backtick or a `}` closing `${…}`: scan to the closing backtick or the next `${`
    const start = i;
    while (i < src.length && src[i] !== '`') {
      if (src[i] === '\\') i += 2;
      else if (src[i] === '$' && src[i + 1] === '{') {
        blank(start, i);
        i += 2;
        braces.push(depth);
        depth++;
        return;
      } else i++;
    }
    blank(start, i);
    i++;
  };
  while (i < src.length) {
    const c = src[i]!;
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && d === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      // a quoted string ends at its quote or, if malformed (a regex literal with a quote), at the line's end
      let k = i + 1;
      while (k < src.length && src[k] !== c && src[k] !== '\n') k += src[k] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(k, src.length));
      i = k + 1;
    } else if (c === '`') {
      i++;
      template();
    } else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      i++;
      if (braces.length > 0 && braces[braces.length - 1] === depth) {
        braces.pop();
        template();
      }
    } else i++;
  }
  return out.join('');
}

/** Every forbidden use in `code` (already through codeOnly): the matched text and its 1-based line. */
function findUses(code: string): { text: string; line: number }[] {
  const found: { text: string; line: number }[] = [];
  const lineOf = (at: number) => code.slice(0, at).split('\n').length;
  for (const m of code.matchAll(CALL)) found.push({ text: m[0], line: lineOf(m.index!) });
  // the exponent operator, except a square (x ** 2) or a power of two (2 ** k)
  for (const m of code.matchAll(/\*\*/g)) {
    const at = m.index!;
    const before = code.slice(Math.max(0, at - 40), at);
    const after = code.slice(at + 2, at + 42);
    if (/^\s*2(?![\w.])/.test(after) || /(?:^|[^\w.])2\s*$/.test(before)) continue;
    const base = /(\w+|\))\s*$/.exec(before)?.[0].trim() ?? '';
    const exponent = /^\s*([\w.]+|\()/.exec(after)?.[1] ?? '';
    found.push({ text: `${base} ** ${exponent}`, line: lineOf(at) });
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('no JavaScript transcendentals in the library', () => {
  it('the scanner finds calls and non-square powers in code, not in comments or strings, and keeps template expressions', () => {
    const src = [
      "// Math.exp in a comment, and x ** 0.5",
      "/* Math.log(2) ** 3 */ const a = Math.exp(x);",
      "const s = 'Math.pow(a, b) ** 3', t = `text ${Math.cos(y)} more ${ { k: 1 }.k } Math.sin`;",
      "const q = y ** 2 + 2 ** k + (u + 1) ** 2, r = z ** 1.5, h = Math.hypot(a, b), e = Math.expm1(1);",
      "const w = v ** 2.5 + f(v) ** n;",
    ].join('\n');
    expect(findUses(codeOnly(src))).toEqual([
      { text: 'Math.exp', line: 2 },
      { text: 'Math.cos', line: 3 },
      { text: 'Math.expm1', line: 4 },
      { text: 'z ** 1.5', line: 4 },
      { text: 'v ** 2.5', line: 5 },
      { text: ') ** n', line: 5 },
    ]);
  });

  it('bindings/ has none outside the listed consumers and files, and every ALLOWED entry still matches', () => {
    const skipped = (rel: string) => NOT_SCANNED.some((s) => rel === s.path || rel.startsWith(`${s.path}/`));
    const offending: string[] = [];
    const used = new Set<number>();
    const scanned: string[] = [];
    for (const file of tsFiles(BINDINGS)) {
      const rel = relative(ROOT, file).split('\\').join('/');
      if (skipped(rel)) continue;
      scanned.push(rel);
      for (const u of findUses(codeOnly(readFileSync(file, 'utf8')))) {
        const k = ALLOWED.findIndex((a) => a.file === rel && a.text === u.text);
        if (k >= 0) used.add(k);
        else offending.push(`${rel}:${u.line}: ${u.text}`);
      }
    }
    // a call listed here must take its value from WASM (bindings/runtime/math.ts, nn's ops, Rng.normal),
    // or be reviewed into ALLOWED with a reason
    expect(offending).toEqual([]);
    expect(ALLOWED.filter((_, k) => !used.has(k)).map((a) => `${a.file}: ${a.text}`)).toEqual([]);
    // every exclusion names something that exists, and the files whose calls were routed are scanned
    expect(NOT_SCANNED.filter((x) => statSync(join(ROOT, x.path), { throwIfNoEntry: false }) === undefined)).toEqual([]);
    // an excluded library file that no longer has a use is scanned again: drop it from NOT_SCANNED
    const cleanExcluded = NOT_SCANNED.filter((x) => x.path.endsWith('.ts') && findUses(codeOnly(readFileSync(join(ROOT, x.path), 'utf8'))).length === 0);
    expect(cleanExcluded.map((x) => x.path)).toEqual([]);
    for (const f of ['bounds/alpha.ts', 'bounds/beta.ts', 'bounds/ops/smooth.ts', 'tucker/cp.ts', 'saddle/experiments.ts', 'saddle/svm.ts', 'saddle/bilevel.ts',
      'saddle/online.ts', 'saddle/baryconvex.ts', 'prox/operators/entropic.ts', 'prox/operators/cones.ts', 'prox/operators/losses.ts', 'prox/algorithms/smooth.ts',
      'policy/sampled.ts', 'ot/emd.ts', 'ot/sliced.ts', 'federated/data.ts', 'nn/optim.ts']) expect(scanned).toContain(`bindings/${f}`);
  });
});
