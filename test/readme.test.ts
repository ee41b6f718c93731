// The README as a user reads it: every fenced ```js block is run against the built package (dist/,
// which `npm test` builds first), each in its own Node process, from a temporary folder whose
// node_modules/proxkit is a symlink to this repository, so `import … from 'proxkit'` resolves through
// package.json "exports" exactly as in an installed copy.
//
// Conventions for README authors:
// - ```js blocks must run as written in Node (ES module, top-level await allowed). Code that only runs
//   in a browser goes in an ```html block; a block that cannot run on its own is fenced ```js no-run
//   (none today: the list stays empty unless a snippet truly needs a page or a file the reader brings).
// - A line `expression; // Float64Array [a, b, c]` is a claim: the test checks that the expression
//   evaluates to a Float64Array with those entries (to 1e-12 relative), so printed results cannot drift.
//
// The same file checks that every value exported by the package is named in the README (in a code
// span), and that every error class the package exports has a row in the README's error table.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface Block {
  lang: string;
  flags: string[];
  code: string;
  /** 1-based line of the opening fence in README.md, for messages. */
  line: number;
}

/** Fenced code blocks of a Markdown text (``` fences only, which is all the README uses). */
function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`README.md:${start + 1}: unclosed code fence`);
    blocks.push({ lang: open[1]!, flags: open[2]!.split(/\s+/).filter(Boolean), code: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

// Rewrites claim lines into checks. Only plain expression statements are claims (not declarations,
// imports or awaits), so `const v = …; // seeded …` stays a comment.
const CLAIM = /^(\s*)(?!(?:const|let|var|import|export|await|return)\b)(.+?);?\s*\/\/\s*(Float64Array \[[^\]]*\])\s*$/;

function instrument(code: string, readmeLine: number): { source: string; claims: number } {
  let claims = 0;
  const out = code.split('\n').map((text, k) => {
    const m = CLAIM.exec(text);
    if (!m) return text;
    claims++;
    return `${m[1]}__claim(${m[2]}, ${JSON.stringify(m[3])}, ${readmeLine + 1 + k});`;
  });
  const prelude = `
function __claim(value, expected, line) {
  const want = expected.slice(expected.indexOf('[') + 1, expected.lastIndexOf(']')).split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const got = value instanceof Float64Array ? Array.from(value) : null;
  const close = got !== null && got.length === want.length &&
    got.every((g, i) => Math.abs(g - want[i]) <= 1e-12 * Math.max(1, Math.abs(want[i])));
  if (!close) {
    console.error('README.md:' + line + ': expected ' + expected + ', got ' +
      (got === null ? String(value) : 'Float64Array [' + got.join(', ') + ']'));
    process.exit(3);
  }
}
`;
  return { source: `${out.join('\n')}\n${prelude}`, claims };
}

function runNode(file: string, cwd: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd, timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) + (error && code === null ? `\n${error.message}` : '') });
    });
  });
}

const blocks = fencedBlocks(readme);
const jsBlocks = blocks.filter((b) => b.lang === 'js' || b.lang === 'javascript' || b.lang === 'mjs');
const runnable = jsBlocks.filter((b) => !b.flags.includes('no-run'));

describe('README code blocks', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'proxkit-readme-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'proxkit'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has js blocks to run, and every no-run block is one of the documented exceptions', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(2);
    // Keep this list tiny; each entry needs a reason in the README next to the block.
    expect(jsBlocks.filter((b) => b.flags.includes('no-run')).map((b) => b.line)).toEqual([]);
  });

  it('parses fences and claims the way the README uses them', () => {
    const parsed = fencedBlocks('a\n```js no-run\nx();\n```\n```sh\nls\n```\n');
    expect(parsed).toEqual([
      { lang: 'js', flags: ['no-run'], code: 'x();', line: 2 },
      { lang: 'sh', flags: [], code: 'ls', line: 5 },
    ]);
    const { source, claims } = instrument('f([1]);  // Float64Array [1, 2]\nconst v = g(); // Float64Array [3]', 10);
    expect(claims).toBe(1);
    expect(source).toContain('__claim(f([1]), "Float64Array [1, 2]", 11);');
    expect(source).toContain('const v = g(); // Float64Array [3]');
  });

  for (const block of runnable) {
    it(`runs the js block at README.md:${block.line}`, async () => {
      const { source } = instrument(block.code, block.line);
      const file = join(dir, `readme-${block.line}.mjs`);
      writeFileSync(file, source);
      const r = await runNode(file, dir, 60_000);
      expect(r.stderr, `README.md:${block.line} wrote to stderr`).toBe('');
      expect(r.code, `README.md:${block.line} exited with ${r.code}\n${r.stderr}`).toBe(0);
    });
  }

  it('a wrong claim fails the run (the checker is live)', async () => {
    const { source } = instrument("import { init, softThreshold } from 'proxkit';\nawait init();\nsoftThreshold([3], 1); // Float64Array [3]", 1);
    const file = join(dir, 'readme-wrong-claim.mjs');
    writeFileSync(file, source);
    const r = await runNode(file, dir, 60_000);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('README.md:4: expected Float64Array [3], got Float64Array [2]');
  });
});

/**
 * The JavaScript entry points of package.json "exports" (".", "./onnx", …; not the raw wasm or
 * package.json), as [subpath, absolute file] pairs.
 */
function entryPoints(): [string, string][] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const target = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : v && typeof v === 'object' ? target((v as Record<string, unknown>).import ?? (v as Record<string, unknown>).default) : undefined;
  return Object.entries(pkg.exports)
    .map(([sub, v]) => [sub, target(v)] as const)
    .filter((e): e is readonly [string, string] => typeof e[1] === 'string' && /\.m?js$/.test(e[1]))
    .map(([sub, file]) => [sub, join(root, file)]);
}

/**
 * A namespace re-export (`export * as nn from …`): a module namespace object, or the plain object of
 * getters esbuild bundles it into. A constant object such as a registry has data properties instead.
 */
function isNamespace(value: unknown): value is object {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  if (Object.prototype.toString.call(value) === '[object Module]') return true;
  const descriptors = Object.values(Object.getOwnPropertyDescriptors(value));
  return descriptors.length > 0 && descriptors.every((d) => typeof d.get === 'function');
}

/** Every value an entry exports, with the members of namespace exports (`nn.linear`) listed as well. */
async function exportedNames(file: string): Promise<{ names: string[]; values: Record<string, unknown> }> {
  const api = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const names: string[] = [];
  for (const [name, value] of Object.entries(api)) {
    names.push(name);
    if (isNamespace(value)) {
      for (const member of Object.keys(value)) names.push(`${name}.${member}`);
    }
  }
  return { names, values: api };
}

describe('README API coverage', () => {
  const entries = entryPoints();

  it('finds the entry points', () => {
    expect(entries.map(([sub]) => sub)).toContain('.');
  });

  it('builds the API reference (npm run docs) from the source of every entry point', () => {
    // dist/<name>.js is bundled from bindings/<name>.ts; typedoc must document each, and its
    // tsconfig must hold each (typedoc only documents files of the program).
    const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.docs.json'), 'utf8')) as { include: string[] };
    const sources = entries.map(([, file]) => `bindings/${file.slice(join(root, 'dist').length + 1).replace(/\.m?js$/, '.ts')}`).sort();
    expect([...typedoc.entryPoints].sort()).toEqual(sources);
    for (const source of sources) expect(tsconfig.include).toContain(source);
  });

  it('names every value each entry point exports', async () => {
    const spans = new Set<string>();
    // Code spans may wrap onto the next line; fenced blocks are removed first so their ``` do not pair up.
    const prose = readme.replace(/^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm, '');
    for (const m of prose.matchAll(/`([^`]+)`/g)) for (const id of m[1]!.match(/[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?/g) ?? []) {
      spans.add(id);
      for (const part of id.split('.')) spans.add(part);
    }
    const missing: string[] = [];
    for (const [sub, file] of entries) {
      const { names } = await exportedNames(file);
      // A namespace member counts as named when the README writes `nn.member` or `member` in code.
      for (const name of names) if (!spans.has(name) && !spans.has(name.split('.').pop()!)) missing.push(`${sub}: ${name}`);
    }
    expect(missing, 'exports not named in README.md').toEqual([]);
  });

  it('lists every exported error class in the error table', async () => {
    const errorClasses = new Set<string>();
    for (const [, file] of entries) {
      const { values } = await exportedNames(file);
      for (const [k, v] of Object.entries(values)) {
        if (typeof v === 'function' && (v === Error || (v as { prototype?: unknown }).prototype instanceof Error)) errorClasses.add(k);
      }
    }
    expect([...errorClasses]).toContain('ProxkitError');
    const section = readme.slice(readme.indexOf('### Errors'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| class')));
    const rows = [...table.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]!).sort();
    expect(rows).toEqual([...errorClasses].filter((c) => c !== 'ProxkitError').sort());
  });
});
