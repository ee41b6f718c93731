// How fast the playground loads: builds the site, serves it on 127.0.0.1, opens it `--runs N` times
// (default 5) in headless Chromium at 1280 × 800, each in a fresh browser context (empty cache), and
// records per run: the load event (navigation start → loadEventEnd: HTML, CSS, main.js), the first
// panel figure on screen, every figure of the first screen (the panels that start at once), and every
// panel's first figure (the rest are queued behind the first screen, see playground/main.ts). Writes docs/experiments/playground-load.{json,svg} (--out-dir DIR elsewhere).
//   node scripts/playground-measure.mjs [--runs 5] [--out-dir docs/experiments]
// Needs a built dist/ (for the figure writer) and Chromium (/usr/bin/chromium or PROXKIT_CHROMIUM).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { root } from './esbuild-options.mjs';
import { buildPlayground, servePlayground } from './playground.mjs';

const args = process.argv.slice(2);
const value = (flag, fallback) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : fallback);
const runs = Number(value('--runs', '5'));
const outDir = resolve(value('--out-dir', join(root, 'docs/experiments')));

const site = mkdtempSync(join(tmpdir(), 'proxkit-playground-'));
await buildPlayground(site);
const { server, url } = await servePlayground(site, 0);
const browser = await chromium.launch({
  executablePath: process.env.PROXKIT_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const rows = [];
const load = [];
try {
  for (let k = 0; k < runs; k++) {
    load.push(loadavg()[0]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: 120_000 });
    const row = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const panels = Array.from(document.querySelectorAll('section.panel'), (s) => [s.dataset.panel, Number(s.dataset.firstDoneMs)]);
      // firstDoneMs counts from main.js's start; add that start to report from navigation start.
      const offset = Number(document.body.dataset.started ?? 0);
      return {
        loadEventMs: Math.round(nav.loadEventEnd),
        firstFigureMs: Math.round(offset + Math.min(...panels.map((p) => p[1]))),
        firstScreenMs: Math.round(offset + Number(document.body.dataset.firstScreen)),
        firstScreenPanels: document.body.dataset.firstScreenPanels ?? '',
        allFiguresMs: Math.round(offset + Math.max(...panels.map((p) => p[1]))),
        panels: Object.fromEntries(panels.map(([n, ms]) => [n, Math.round(offset + ms)])),
      };
    });
    rows.push(row);
    console.log(`run ${k + 1}: load event ${row.loadEventMs} ms, first figure ${row.firstFigureMs} ms, first screen (${row.firstScreenPanels}) ${row.firstScreenMs} ms, every figure ${row.allFiguresMs} ms`);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
  rmSync(site, { recursive: true, force: true });
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const result = {
  command: `node scripts/playground-measure.mjs --runs ${runs}`,
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', loadAverage1min: load.map((l) => Number(l.toFixed(1))) },
  viewport: '1280x800',
  median: {
    loadEventMs: median(rows.map((r) => r.loadEventMs)),
    firstFigureMs: median(rows.map((r) => r.firstFigureMs)),
    firstScreenMs: median(rows.map((r) => r.firstScreenMs)),
    allFiguresMs: median(rows.map((r) => r.allFiguresMs)),
  },
  runs: rows,
};
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'playground-load.json'), `${JSON.stringify(result, null, 2)}\n`);
const { lineFigure } = await import(join(root, 'dist/family-plot.js'));
const x = rows.map((_, k) => k + 1);
writeFileSync(join(outDir, 'playground-load.svg'), lineFigure({
  title: `Playground load times from a local server in headless Chromium (1280 × 800, ${runs} fresh contexts)`,
  width: 640,
  panels: [{
    x: { label: 'run', domain: [1, Math.max(2, runs)] },
    y: { label: 'milliseconds after navigation start', zero: true },
    series: [
      { name: 'load event', x, y: rows.map((r) => r.loadEventMs) },
      { name: 'first panel figure', x, y: rows.map((r) => r.firstFigureMs) },
      { name: 'every figure of the first screen', x, y: rows.map((r) => r.firstScreenMs) },
      { name: 'every panel figure', x, y: rows.map((r) => r.allFiguresMs) },
    ],
    rules: [{ y: 2000, label: '2 s', dash: '4 3', color: '#666666' }],
  }],
  caption: `Load event: the page, its style sheet and script. First figure: a panel's worker has instantiated proxkit, read the shipped data and drawn its result. First screen: every panel on or just below the first 1280 × 800 screen (${rows[0]?.firstScreenPanels ?? ''}) has drawn its figure; these start at once. Every figure: all ${Object.keys(rows[0]?.panels ?? {}).length} panels, the others queued behind the first screen, on ${cpus().length} cores (1-minute load average during the runs: ${load.map((l) => l.toFixed(1)).join(', ')}).`,
}));
console.log(`median: load event ${result.median.loadEventMs} ms, first figure ${result.median.firstFigureMs} ms, first screen ${result.median.firstScreenMs} ms, every figure ${result.median.allFiguresMs} ms`);
console.log(`wrote ${join(outDir, 'playground-load.json')} and .svg`);

