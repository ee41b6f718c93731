// Every figure the demo and the CVaR sweep write, rendered in headless Chromium: nothing clipped
// (every text box inside the viewBox, no two texts overlapping), a title, and every series named in a
// legend drawn with non-empty geometry. The figures come from the demo sections themselves (quick
// versions, plus the tv section's full demo for its PSNR plot) and from a tiny sweep, written to a
// temporary folder that is removed afterwards. Needs Chromium (/usr/bin/chromium or PROXKIT_CHROMIUM);
// skipped with a one-line notice without it. Set PROXKIT_FIGURE_PNGS=DIR to keep a PNG of each figure.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cvarSweep, init, sweepSvg } from '../../bindings/index.js';
import { diabetesProblem } from '../../bindings/cvar/data.js';
import { sections } from '../../bindings/demo/index.js';
import { lineFigure } from '../../bindings/plot/svg.js';

const chromiumPath = process.env.PROXKIT_CHROMIUM || '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) {
  console.warn(`[proxkit figures spec] SKIPPED: no Chromium at ${chromiumPath} (apt-get install chromium, or set PROXKIT_CHROMIUM to a Chromium binary)`);
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Measured {
  width: number;
  height: number;
  texts: { text: string; role: string | null; box: Box }[];
  legend: { name: string; sample: Box | null }[];
  series: Record<string, Box[]>;
  overflowMarks: number;
  images: { box: Box; loaded: boolean }[];
}

/** Loads one SVG into the page and measures it (coordinates relative to the SVG's top-left corner). */
async function measure(page: Page, svg: string): Promise<Measured> {
  const [, w, h] = svg.match(/viewBox="0 0 (\d+) (\d+)"/) ?? [];
  await page.setViewportSize({ width: Number(w ?? 800), height: Number(h ?? 600) });
  await page.setContent(`<!doctype html><meta charset="utf-8"><body style="margin:0">${svg}</body>`);
  return page.evaluate(async () => {
    const root = document.querySelector('svg')!;
    const origin = root.getBoundingClientRect();
    const rel = (r: DOMRect) => ({ x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height });
    // Wait until every embedded picture has decoded (data URIs: no network).
    const images = Array.from(root.querySelectorAll('image'));
    const loaded = await Promise.all(images.map((im) => {
      const probe = new Image();
      probe.src = im.getAttribute('href') ?? '';
      return probe.decode().then(() => probe.naturalWidth > 0, () => false);
    }));
    const union = (els: Element[]) => els.map((e) => rel(e.getBoundingClientRect())).filter((b) => b.w > 0 || b.h > 0);
    const series: Record<string, { x: number; y: number; w: number; h: number }[]> = {};
    for (const g of Array.from(root.querySelectorAll('[data-series]'))) {
      const name = g.getAttribute('data-series')!;
      (series[name] ??= []).push(...union(Array.from(g.querySelectorAll('path, circle, rect'))));
    }
    return {
      width: root.viewBox.baseVal.width,
      height: root.viewBox.baseVal.height,
      texts: Array.from(root.querySelectorAll('text')).map((t) => ({ text: t.textContent ?? '', role: t.getAttribute('data-role'), box: rel(t.getBoundingClientRect()) })),
      legend: Array.from(root.querySelectorAll('[data-legend]')).map((g) => {
        const marks = union(Array.from(g.querySelectorAll('path, circle, rect')));
        return { name: g.getAttribute('data-legend')!, sample: marks[0] ?? null };
      }),
      series,
      overflowMarks: root.querySelectorAll('[data-overflow]').length,
      images: images.map((im, k) => ({ box: rel(im.getBoundingClientRect()), loaded: loaded[k]! })),
    };
  });
}

const inside = (b: Box, m: Measured, slack = 0.5) => b.x >= -slack && b.y >= -slack && b.x + b.w <= m.width + slack && b.y + b.h <= m.height + slack;
const overlap = (a: Box, b: Box) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

/** The checks every figure must pass; returns the problems found (empty: fine). */
function problems(name: string, m: Measured): string[] {
  const out: string[] = [];
  const title = m.texts.filter((t) => t.role === 'title').map((t) => t.text).join(' ');
  if (title.trim().length < 10) out.push(`${name}: no title`);
  for (const t of m.texts) {
    if (!inside(t.box, m)) out.push(`${name}: text "${t.text}" at ${JSON.stringify(t.box)} leaves the ${m.width} × ${m.height} viewBox`);
  }
  // Glyph boxes include the font's ascent and descent: neighbouring lines may touch, not cover each other.
  for (let i = 0; i < m.texts.length; i++) {
    for (let j = i + 1; j < m.texts.length; j++) {
      const [a, b] = [m.texts[i]!, m.texts[j]!];
      if (overlap(a.box, b.box) > 0.25 * Math.min(a.box.w * a.box.h, b.box.w * b.box.h)) out.push(`${name}: texts "${a.text}" and "${b.text}" overlap`);
    }
  }
  for (const l of m.legend) {
    if (!l.sample) out.push(`${name}: legend entry "${l.name}" has no line or marker sample`);
    const drawn = m.series[l.name] ?? [];
    if (drawn.length === 0) out.push(`${name}: series "${l.name}" is in the legend but not drawn`);
    for (const b of drawn) if (!inside(b, m, 2)) out.push(`${name}: a mark of "${l.name}" leaves the viewBox`);
  }
  for (const im of m.images) {
    if (!im.loaded) out.push(`${name}: an embedded picture does not decode`);
    if (!inside(im.box, m) || im.box.w < 8 || im.box.h < 8) out.push(`${name}: a picture is clipped or tiny (${JSON.stringify(im.box)})`);
  }
  return out;
}

describe.skipIf(!haveChromium)('figures: every SVG the demo and the sweep write, rendered in Chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  let dir = '';
  const figures = new Map<string, string>();
  const logged: string[] = [];
  let written: string[] = [];
  const pngs = process.env.PROXKIT_FIGURE_PNGS;

  beforeAll(async () => {
    await init();
    dir = mkdtempSync(join(tmpdir(), 'proxkit-figures-'));
    // The sections as `proxkit demo` runs them: the quick tour, and the tv section's full demo (its PSNR plot).
    const log = (line: string) => void logged.push(line);
    for (const s of sections) await s.run({ seed: 42, log, figures: dir, quick: true });
    await sections.find((s) => s.name === 'tv')!.run({ seed: 42, log, figures: dir, quick: false });
    written = readdirSync(dir).sort();
    // A tiny sweep whose large step sizes blow up (the × band) next to bounded values.
    const small = diabetesProblem(1);
    const rows = 120;
    const problem = { ...small, name: 'diabetes (first 120 rows)', X: { data: small.X.data.slice(0, rows * 10), rows, cols: 10 }, y: small.y.slice(0, rows) };
    const sweep = cvarSweep({ problems: [problem, { ...problem, name: 'same, second panel' }], stepSizes: [1e-4, 1e-2, 1, 100], seeds: 1, epochs: 5, betas: [0.9] });
    writeFileSync(join(dir, 'cvar-sweep.svg'), sweepSvg(sweep));
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.svg')).sort()) figures.set(f, readFileSync(join(dir, f), 'utf8'));
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the demo prints the path of every file it writes', () => {
    expect(written.length).toBeGreaterThan(5);
    for (const f of written) expect(logged.some((l) => l.startsWith(`  wrote ${join(dir, f)} (`)), f).toBe(true);
  });

  it('the demo writes the expected figures (a new section\'s figures get the checks below too)', () => {
    expect([...figures.keys()]).toEqual(expect.arrayContaining([
      'cvar-sweep.svg', 'proxkit-bounds.svg', 'proxkit-ot-barycenter.svg', 'proxkit-ot-colour.svg', 'proxkit-ot-wcp.svg',
      'proxkit-tucker.svg', 'proxkit-tv-denoise.svg', 'proxkit-tv-psnr.svg',
    ]));
  });

  it('every figure: a title, no text outside the viewBox or over another, every legend series drawn, pictures decoded', async () => {
    const found: string[] = [];
    for (const [name, svg] of figures) {
      const m = await measure(page, svg);
      found.push(...problems(name, m));
      if (pngs) {
        mkdirSync(pngs, { recursive: true });
        await page.screenshot({ path: join(pngs, name.replace(/\.svg$/, '.png')) });
      }
    }
    expect(found).toEqual([]);
  });

  it('line figures name what they compare: every legend lists its series, blow-ups sit in the band', async () => {
    const bounds = await measure(page, figures.get('proxkit-bounds.svg')!);
    expect(bounds.legend.map((l) => l.name)).toEqual(['IBP', 'CROWN', 'α-CROWN', 'PGD attack (upper bound)']);
    expect(bounds.texts.filter((t) => t.role === 'title').map((t) => t.text).join(' ')).toMatch(/all on the first 25 of the 450 test images \(quick tour\)/);
    const tucker = await measure(page, figures.get('proxkit-tucker.svg')!);
    expect(tucker.legend.map((l) => l.name)).toEqual(['dp (Tucker packing)', 'hosvd (exact search)', 'uniform']);
    const sweep = await measure(page, figures.get('cvar-sweep.svg')!);
    expect(sweep.legend.map((l) => l.name)).toEqual(['SPL+', 'SPL', 'SGM']);
    expect(sweep.overflowMarks).toBeGreaterThan(0);
    expect(sweep.texts.map((t) => t.text).join(' ')).toMatch(/median of 1 seed\)/);
    expect(figures.get('proxkit-tv-psnr.svg')).toContain('PSNR against the clean image (dB)');
  });

  it('the checks catch what they are for: clipped text, an undrawn series, a missing title', async () => {
    // Negative controls: a figure with a caption pushed outside, a legend entry whose series has no points.
    const svg = lineFigure({ title: 'a title long enough', panels: [{ x: { label: 'x' }, y: { label: 'y' }, series: [{ name: 'drawn', x: [1, 2], y: [1, 2] }, { name: 'empty', x: [], y: [] }] }] })
      .replace('</svg>', '<text x="700" y="5" font-size="30">clipped caption</text></svg>')
      .replace(/data-role="title"/, '');
    const found = problems('control', await measure(page, svg));
    expect(found.some((p) => p.includes('"clipped caption"') && p.includes('leaves'))).toBe(true);
    expect(found).toContain('control: series "empty" is in the legend but not drawn');
    expect(found).toContain('control: no title');
  });
});
