// Builds the playground (playground/) into a folder of static files and, with --serve, serves it.
//   node scripts/playground.mjs                 build into build/playground/
//   node scripts/playground.mjs --serve         build, then serve on http://127.0.0.1:8080/ (--port N, --no-build)
//   node scripts/playground.mjs --out DIR       build somewhere else
// The site is self-contained: main.js (the page), worker.js (proxkit with the WASM bytes inlined, and
// the panels' computations), index.html, style.css and the data files the panels read (copied from
// data/). No CDN, no network beyond the server it is loaded from; any static server works.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { common, root } from './esbuild-options.mjs';

/** The data files the panels fetch (playground/data.ts lists the same). */
export const DATA_FILES = [
  'data/images/black-canyon-rgb-128.ppm',
  'data/images/french-alpine-landscape-rgb-128.ppm',
  'data/images/nagasaki-boats-rgb-128.ppm',
  'data/datasets/digits.csv',
  'data/datasets/diabetes_data_raw.csv',
  'data/datasets/diabetes_target.csv',
  'data/models/digits-mlp.json',
  'data/text/genesis-kjv.txt',
  'data/datasets/us_births_1994_2003.csv',
  // Their sources and licences travel with them.
  'data/images/README.md',
  'data/datasets/README.md',
  'data/models/README.md',
  'data/text/README.md',
];

/** The newest modification time under `path` (a file or a folder). */
function newest(path) {
  const st = statSync(path);
  return st.isDirectory() ? Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f)))) : st.mtimeMs;
}

/**
 * build/proxkit.wasm, compiled (as scripts/build.mjs does) when it is missing or older than a file of
 * assembly/: the worker inlines it, and it must match the bindings bundled beside it.
 */
function ensureWasm() {
  const wasm = join(root, 'build/proxkit.wasm');
  if (existsSync(wasm) && newest(join(root, 'assembly')) <= statSync(wasm).mtimeMs) return;
  execFileSync(join(root, 'node_modules/.bin/asc'), ['assembly/index.ts', '--target', 'release'], { cwd: root, stdio: 'inherit' });
}

/** Builds the site into `out` (emptied first); returns the list of files written. */
export async function buildPlayground(out = join(root, 'build/playground')) {
  ensureWasm();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    ...common,
    entryPoints: { main: 'playground/main.ts', worker: 'playground/worker.ts' },
    outdir: out,
    platform: 'browser',
    minify: true,
    legalComments: 'eof',
  });
  const files = ['main.js', 'worker.js'];
  for (const f of ['index.html', 'style.css']) {
    copyFileSync(join(root, 'playground', f), join(out, f));
    files.push(f);
  }
  for (const f of DATA_FILES) {
    mkdirSync(dirname(join(out, f)), { recursive: true });
    copyFileSync(join(root, f), join(out, f));
    files.push(f);
  }
  return files;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.md': 'text/markdown; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.wasm': 'application/wasm',
};

/** Serves the folder `dir` on 127.0.0.1:`port` (0: any free port); resolves with the server and its URL. */
export function servePlayground(dir = join(root, 'build/playground'), port = 8080) {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    let body;
    try {
      if (!file.startsWith(base + sep) || !statSync(file).isFile()) throw new Error('not found');
      body = readFileSync(file);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }).end(body);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (flag, fallback) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : fallback);
  const out = resolve(value('--out', join(root, 'build/playground')));
  if (!args.includes('--no-build')) {
    const t0 = performance.now();
    const files = await buildPlayground(out);
    console.log(`playground: built ${files.length} files into ${out} (${(performance.now() - t0).toFixed(0)} ms)`);
  }
  if (args.includes('--serve')) {
    const { url } = await servePlayground(out, Number(value('--port', '8080')));
    console.log(`playground: serving ${out} at ${url} (Ctrl-C stops)`);
  }
}
