/**
 * The one SVG figure writer behind every figure proxkit writes (the demo sections and the CVaR
 * sweep): line charts on linear or log axes and figures of image panels. Scales and round ticks come
 * from d3-scale; everything else is string assembly, so it runs in Node and in browsers without a DOM.
 *
 * What every figure gets, so that it reads on its own: a title (wrapped to the width), a legend
 * whose entries show the line and marker of each series, labelled axes, series told apart by colour
 * AND dash AND marker (overlapping lines stay visible), and a caption wrapped inside the image (the
 * height is computed from the number of lines). Text widths are estimated (no DOM); the estimate is
 * deliberately generous, and test/demo/figures.test.ts measures the real boxes in Chromium.
 *
 * Elements carry `data-series="name"` (the drawn series) and `data-legend="name"` (its legend entry)
 * so that a test can check that every series named in the legend is drawn; each data point's marker
 * carries `data-x` (and `data-overflow` when drawn in the overflow band); the title's and caption's
 * lines carry `data-role="title"` and `data-role="caption"`.
 * @internal
 */
import { scaleLinear, scaleLog } from 'd3-scale';

/** Marker shapes; hollow variants are chosen with `filled: false`. */
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'triangle-down' | 'cross' | 'plus';

/** How one series is drawn. */
export interface SeriesStyle {
  /** Stroke and fill colour. */
  color: string;
  /** SVG stroke-dasharray of the line ('' = solid). */
  dash: string;
  marker: MarkerShape;
  /** Filled (true) or white-filled outline (false) markers. */
  filled: boolean;
  /** Marker radius in px. */
  size: number;
  /** Line width in px. */
  width: number;
}

/** One line of a chart: y[i] at x[i]; a NaN y is a missing point (the line is broken there). */
export interface Series extends Partial<SeriesStyle> {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Draw the markers only, no connecting line. */
  markersOnly?: boolean;
}

/** An axis of a chart panel. */
export interface Axis {
  /** The label, with the unit: 'PSNR (dB)', 'step size γ'. */
  label: string;
  /** Default 'linear'. */
  scale?: 'linear' | 'log';
  /** Fixed [min, max]; default: the data's range (with the rules), extended to round ticks. */
  domain?: [number, number];
  /** Include 0 in a linear axis's automatic domain. Default false. */
  zero?: boolean;
  /** Approximate number of ticks. Default 6. */
  ticks?: number;
  /** Tick label format; default: round numbers, powers of ten as 10ⁿ on wide log axes. */
  format?: (v: number) => string;
}

/** A horizontal reference line across a panel (a threshold, a tolerance). */
export interface Rule {
  y: number;
  /** Shown in the legend. */
  label: string;
  color?: string;
  dash?: string;
}

/**
 * Values beyond a ceiling (or not finite) leave the plot area and are drawn as × in a separate
 * band above it, one row per series: a blow-up never looks like a bounded value.
 */
export interface Overflow {
  /** y values greater than this (and ±Infinity) go to the band. */
  above: number;
  /** The band's label and legend text, e.g. 'diverged (> 100 or overflow)'. */
  label: string;
}

/** One chart panel. */
export interface Panel {
  /** Panel heading (the data set, the setting). */
  title?: string;
  x: Axis;
  y: Axis;
  series: Series[];
  rules?: Rule[];
  overflow?: Overflow;
}

/** A figure of one or more chart panels with a shared legend. */
export interface LineFigure {
  /** What is compared, on what data. */
  title: string;
  panels: Panel[];
  /** Panels per row. Default: all in one row (at most 3). */
  columns?: number;
  /** Figure width in px. Default 720. */
  width?: number;
  /** Height of each plot area in px. Default 230. */
  plotHeight?: number;
  /** Explanation below the panels (wrapped). */
  caption?: string;
  /** Styles by series name; series not listed get the next default style. */
  styles?: Record<string, Partial<SeriesStyle>>;
}

/** One picture of an image figure (usually a PNG data URI). */
export interface ImagePanel {
  href: string;
  /** Display size in px. */
  width: number;
  height: number;
  /** What the picture is (bold, one line when it fits). */
  label: string;
  /** Numbers or details under the label (wrapped to the picture's width). */
  note?: string;
  /** Upscale without smoothing (for 8 × 8 digits). Default false. */
  pixelated?: boolean;
}

/** A figure of pictures in rows, each with a label strip under it. */
export interface ImageFigure {
  title: string;
  panels: ImagePanel[];
  /** Pictures per row. Default: all in one row. */
  columns?: number;
  caption?: string;
  /** Space between pictures in px. Default 10. */
  gap?: number;
}

const FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";
const PAD = 12;
const TITLE_SIZE = 15;
const TEXT_SIZE = 12;
const TICK_SIZE = 11;
const CAPTION_SIZE = 11.5;

/**
 * Colour-blind-safe colours (Okabe & Ito), each with its own dash and marker, so that a series stays
 * identifiable in grey print and where lines overlap: lines get thinner from the first series (drawn
 * first, at the bottom) to the last, so a line hidden under another still shows at both its edges;
 * hollow markers are larger than filled ones, so that coinciding points show as nested shapes.
 */
export const DEFAULT_STYLES: SeriesStyle[] = [
  { color: '#0072B2', dash: '', marker: 'circle', filled: true, size: 5, width: 3.4 },
  { color: '#D55E00', dash: '8 4', marker: 'square', filled: false, size: 6, width: 2.6 },
  { color: '#009E73', dash: '2 3', marker: 'triangle', filled: true, size: 4.5, width: 2.2 },
  { color: '#CC79A7', dash: '10 3 2 3', marker: 'diamond', filled: false, size: 6.5, width: 1.8 },
  { color: '#E69F00', dash: '5 2', marker: 'triangle-down', filled: true, size: 4, width: 1.6 },
  { color: '#56B4E9', dash: '1 2', marker: 'plus', filled: true, size: 5, width: 1.5 },
  { color: '#000000', dash: '12 4', marker: 'circle', filled: false, size: 3.5, width: 1.5 },
];

/** Dashes for series past the seventh, none of them one of DEFAULT_STYLES' (see styleAt). */
const MORE_DASHES = ['6 2 1 2', '3 3', '14 3 3 3', '1 4', '7 2 2 2 2 2', '4 1', '9 2 1 2 1 2'];

/**
 * The default style of the k-th series of a figure. The first seven are DEFAULT_STYLES. After that
 * each round of seven shifts the colour against the marker, inverts the fill and takes its dashes from
 * MORE_DASHES. A figure with more than seven series so never draws two of them alike; before this, series
 * 8 looked exactly like series 1.
 */
function styleAt(k: number): SeriesStyle {
  const i = k % DEFAULT_STYLES.length;
  const round = Math.floor(k / DEFAULT_STYLES.length);
  const base = DEFAULT_STYLES[i]!;
  if (round === 0) return base;
  return {
    ...base,
    color: DEFAULT_STYLES[(i + 3 * round) % DEFAULT_STYLES.length]!.color,
    filled: round % 2 === 1 ? !base.filled : base.filled,
    dash: MORE_DASHES[(i + round - 1) % MORE_DASHES.length]!,
  };
}

/** Escapes text for SVG content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Estimated rendered width of `s` at `size` px. DejaVu Sans (the widest of the usual sans-serif
 * fonts) averages ~0.55 em per character on mixed text; 0.6 leaves room for capitals and digits.
 */
export function textWidth(s: string, size: number): number {
  return [...s].length * size * 0.6;
}

/** Greedy word wrap of `text` into lines of at most `maxWidth` px (estimated); keeps explicit newlines. */
export function wrap(text: string, maxWidth: number, size: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter((w) => w.length > 0)) {
      const next = line ? `${line} ${word}` : word;
      if (line && textWidth(next, size) > maxWidth) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    lines.push(line);
  }
  return lines;
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** `<text>` lines starting at baseline y; returns the elements and the height used. */
function textBlock(lines: string[], x: number, y: number, size: number, lineHeight: number, attrs = ''): { svg: string; height: number } {
  const svg = lines.map((l, i) => `<text x="${fmt(x)}" y="${fmt(y + i * lineHeight)}" font-size="${size}"${attrs}>${esc(l)}</text>`).join('\n');
  return { svg, height: lines.length * lineHeight };
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** 10ⁿ with a superscript exponent. */
export function powerOfTen(e: number): string {
  return `10${String(e).replace(/./g, (c) => SUPERSCRIPT[c] ?? c)}`;
}

/** A round number as people write it: 0.05, 2.5, 1,000, 32,000; tiny or huge ones as m·10ⁿ. */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) {
    const e = Math.floor(Math.log10(a) + 1e-9);
    const m = +(v / 10 ** e).toPrecision(3);
    return m === 1 ? powerOfTen(e) : `${m}·${powerOfTen(e)}`;
  }
  const s = String(+v.toPrecision(6));
  return a >= 1e4 ? Number(s).toLocaleString('en-US') : s;
}

/** Ticks (round: 1-2-5 steps, or powers of ten on wide log axes), tick labels and the scale of one axis over pixel range [r0, r1]. */
export function axisScale(axis: Axis, values: number[], r0: number, r1: number): { map: (v: number) => number; ticks: number[]; label: (v: number) => string; domain: [number, number] } {
  const log = axis.scale === 'log';
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let [lo, hi] = axis.domain ?? [Math.min(...usable), Math.max(...usable)];
  if (!axis.domain) {
    if (usable.length === 0) [lo, hi] = log ? [1, 10] : [0, 1];
    if (!log && axis.zero) [lo, hi] = [Math.min(0, lo), Math.max(0, hi)];
    if (lo === hi) [lo, hi] = log ? [lo / 2, hi * 2] : [lo - 0.5, hi + 0.5];
  }
  const count = axis.ticks ?? 6;
  if (log) {
    // Automatic log domains get a margin of 12 % at each end instead of d3's nice(), which would
    // extend them to whole decades and waste most of a narrow axis.
    const s = scaleLog().domain(axis.domain ? [lo, hi] : [lo / 1.12, hi * 1.12]).range([r0, r1]).clamp(true);
    const [d0, d1] = s.domain() as [number, number];
    const decades = Math.log10(d1) - Math.log10(d0);
    const all = s.ticks();
    const mantissa = (t: number) => Math.round(t / 10 ** Math.floor(Math.log10(t) + 1e-9));
    // Wide axes: powers of ten only; narrower ones: 1-2-5 steps, or 1-2-3-5 when that leaves too few.
    let ticks = all.filter((t) => mantissa(t) === 1);
    if (decades < 2.5) ticks = all.filter((t) => [1, 2, 5].includes(mantissa(t)));
    if (ticks.length < 3) ticks = all.filter((t) => [1, 2, 3, 5].includes(mantissa(t)));
    if (ticks.length < 2) ticks = all;
    // Many decades: every other power of ten.
    while (ticks.length > 2 * count) ticks = ticks.filter((_, i) => i % 2 === 0);
    const powers = ticks.every((t) => mantissa(t) === 1) && decades >= 2.5;
    const label = axis.format ?? ((v: number) => (powers ? powerOfTen(Math.round(Math.log10(v))) : formatNumber(v)));
    return { map: (v) => s(v), ticks, label, domain: [d0, d1] };
  }
  const s = scaleLinear().domain([lo, hi]).range([r0, r1]).clamp(true);
  if (!axis.domain) s.nice(count);
  const ticks = s.ticks(count);
  const [d0, d1] = s.domain() as [number, number];
  return { map: (v) => s(v), ticks, label: axis.format ?? ((v) => formatNumber(+v.toPrecision(12))), domain: [d0, d1] };
}

/** One marker centred at (cx, cy). */
export function marker(shape: MarkerShape, cx: number, cy: number, r: number, color: string, filled: boolean, extra = ''): string {
  const fill = filled ? color : 'none';
  const paint = `fill="${fill}" stroke="${color}" stroke-width="1.4"${extra}`;
  const p = (pts: [number, number][]) => `<path d="M${pts.map(([x, y]) => `${fmt(cx + x)},${fmt(cy + y)}`).join('L')}Z" ${paint}/>`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${fmt(cx)}" cy="${fmt(cy)}" r="${r * 0.85}" ${paint}/>`;
    case 'square':
      return `<rect x="${fmt(cx - r * 0.75)}" y="${fmt(cy - r * 0.75)}" width="${fmt(r * 1.5)}" height="${fmt(r * 1.5)}" ${paint}/>`;
    case 'triangle':
      return p([[0, -r], [r * 0.9, r * 0.7], [-r * 0.9, r * 0.7]]);
    case 'triangle-down':
      return p([[0, r], [r * 0.9, -r * 0.7], [-r * 0.9, -r * 0.7]]);
    case 'diamond':
      return p([[0, -r], [r * 0.8, 0], [0, r], [-r * 0.8, 0]]);
    case 'cross': {
      const a = r * 0.8;
      return `<path d="M${fmt(cx - a)},${fmt(cy - a)}L${fmt(cx + a)},${fmt(cy + a)}M${fmt(cx - a)},${fmt(cy + a)}L${fmt(cx + a)},${fmt(cy - a)}" stroke="${color}" stroke-width="2.2" fill="none"${extra}/>`;
    }
    case 'plus':
      return `<path d="M${fmt(cx - r)},${fmt(cy)}L${fmt(cx + r)},${fmt(cy)}M${fmt(cx)},${fmt(cy - r)}L${fmt(cx)},${fmt(cy + r)}" stroke="${color}" stroke-width="2.2" fill="none"${extra}/>`;
  }
}

/** A legend entry: a line sample (with dash) and/or a marker, then the text. */
interface LegendEntry {
  text: string;
  sample: (x: number, y: number) => string;
  /** The series this entry names (for data-legend), if any. */
  series?: string;
}

const SAMPLE_W = 34;

/** Legend rows within `width`; returns the SVG and its height. */
function legend(entries: LegendEntry[], x0: number, y0: number, width: number): { svg: string; height: number } {
  const rowH = 19;
  const parts: string[] = [];
  let x = x0;
  let row = 0;
  for (const e of entries) {
    const w = SAMPLE_W + 6 + textWidth(e.text, TEXT_SIZE) + 18;
    if (x > x0 && x + w > x0 + width) {
      row++;
      x = x0;
    }
    const cy = y0 + row * rowH + 9;
    const tag = e.series !== undefined ? ` data-legend="${esc(e.series)}"` : '';
    parts.push(`<g${tag}>${e.sample(x, cy)}<text x="${fmt(x + SAMPLE_W + 6)}" y="${fmt(cy + 4)}" font-size="${TEXT_SIZE}">${esc(e.text)}</text></g>`);
    x += w;
  }
  return { svg: parts.join('\n'), height: entries.length ? (row + 1) * rowH : 0 };
}

function lineSample(style: SeriesStyle, showLine: boolean): (x: number, y: number) => string {
  return (x, y) =>
    (showLine ? `<path d="M${fmt(x)},${fmt(y)}L${fmt(x + SAMPLE_W)},${fmt(y)}" stroke="${style.color}" stroke-width="${style.width}"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} fill="none"/>` : '') +
    marker(style.marker, x + SAMPLE_W / 2, y, style.size, style.color, style.filled);
}

/** The styles of every series name in the figure, in order of first appearance. */
function resolveStyles(fig: LineFigure): Map<string, SeriesStyle> {
  const styles = new Map<string, SeriesStyle>();
  for (const panel of fig.panels) {
    for (const s of panel.series) {
      if (styles.has(s.name)) continue;
      const base = styleAt(styles.size);
      const given = fig.styles?.[s.name] ?? {};
      const own = { color: s.color, dash: s.dash, marker: s.marker, filled: s.filled, size: s.size, width: s.width };
      const pick = <K extends keyof SeriesStyle>(k: K): SeriesStyle[K] => (own[k] ?? given[k] ?? base[k]) as SeriesStyle[K];
      styles.set(s.name, { color: pick('color'), dash: pick('dash'), marker: pick('marker'), filled: pick('filled'), size: pick('size'), width: pick('width') });
    }
  }
  return styles;
}

function svgDocument(width: number, height: number, body: string[]): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${FONT}">`,
    `<rect width="${w}" height="${h}" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * A figure of line charts (one or more panels sharing one legend) as an SVG string.
 * x values must be finite (and > 0 on a log axis); a NaN y is a missing point. With `overflow`, y
 * values above the ceiling or not finite are drawn as × in a band above the plot; on a log y axis,
 * values ≤ 0 or below the domain are drawn on its lower edge (the caller says so in the caption).
 */
export function lineFigure(fig: LineFigure): string {
  const W = fig.width ?? 720;
  const columns = Math.max(1, Math.min(fig.columns ?? Math.min(3, fig.panels.length), fig.panels.length));
  const plotH = fig.plotHeight ?? 230;
  const styles = resolveStyles(fig);
  const body: string[] = [];

  const title = textBlock(wrap(fig.title, W - 2 * PAD, TITLE_SIZE), PAD, PAD + TITLE_SIZE, TITLE_SIZE, 19, ' font-weight="bold" data-role="title"');
  body.push(title.svg);
  let y = PAD + title.height + 6;

  // Legend: every series, then each rule and the overflow band once.
  const entries: LegendEntry[] = [...styles].map(([name, st]) => {
    const markersOnly = fig.panels.every((p) => p.series.every((s) => s.name !== name || s.markersOnly));
    return { text: name, series: name, sample: lineSample(st, !markersOnly) };
  });
  const seenRules = new Set<string>();
  for (const p of fig.panels) {
    for (const r of p.rules ?? []) {
      if (seenRules.has(r.label)) continue;
      seenRules.add(r.label);
      const color = r.color ?? '#555';
      entries.push({ text: r.label, sample: (x, cy) => `<path d="M${fmt(x)},${fmt(cy)}L${fmt(x + SAMPLE_W)},${fmt(cy)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="${r.dash ?? '6 3'}"/>` });
    }
  }
  const overflowLabel = fig.panels.find((p) => p.overflow)?.overflow?.label;
  if (overflowLabel) entries.push({ text: overflowLabel, sample: (x, cy) => `<rect x="${fmt(x)}" y="${fmt(cy - 7)}" width="${SAMPLE_W}" height="14" fill="#f3f3f3" stroke="#bbb"/>${marker('cross', x + SAMPLE_W / 2, cy, 5, '#444', true)}` });
  const leg = legend(entries, PAD, y, W - 2 * PAD);
  body.push(leg.svg);
  y += leg.height + 8;

  const cellW = (W - 2 * PAD) / columns;
  const rows = Math.ceil(fig.panels.length / columns);
  const nSeries = Math.max(0, ...fig.panels.map((p) => p.series.length));
  const bandH = fig.panels.some((p) => p.overflow) ? 12 + 9 * nSeries : 0;
  const hasTitles = fig.panels.some((p) => p.title);
  const titleH = hasTitles ? 20 : 0;
  const cellH = titleH + (bandH ? bandH + 6 : 0) + plotH + 46;

  fig.panels.forEach((panel, k) => {
    const cx0 = PAD + (k % columns) * cellW;
    const cy0 = y + Math.floor(k / columns) * cellH;
    // x positions are needed before the y tick labels' width is known: measure y ticks first.
    const yValues = panel.series.flatMap((s) => Array.from(s.y)).filter((v) => !panel.overflow || v <= panel.overflow.above);
    const plotTop = cy0 + titleH + (bandH ? bandH + 6 : 0);
    const plotBottom = plotTop + plotH;
    const ys = axisScale(panel.y, [...yValues, ...(panel.rules ?? []).map((r) => r.y)], plotBottom, plotTop);
    const tickW = Math.max(...ys.ticks.map((t) => textWidth(ys.label(t), TICK_SIZE)));
    const left = cx0 + 20 + tickW + 8;
    const right = cx0 + cellW - 14;
    const xs = axisScale(panel.x, panel.series.flatMap((s) => Array.from(s.x)), left, right);

    if (panel.title) body.push(`<text x="${fmt((left + right) / 2)}" y="${fmt(cy0 + 14)}" text-anchor="middle" font-size="${TEXT_SIZE + 1}" font-weight="bold">${esc(panel.title)}</text>`);
    // Grid and ticks.
    body.push(`<g stroke="#e4e4e4" stroke-width="1">`);
    for (const t of ys.ticks) body.push(`<path d="M${fmt(left)},${fmt(ys.map(t))}H${fmt(right)}"/>`);
    for (const t of xs.ticks) body.push(`<path d="M${fmt(xs.map(t))},${fmt(plotTop)}V${fmt(plotBottom)}"/>`);
    body.push('</g>');
    body.push(`<rect x="${fmt(left)}" y="${fmt(plotTop)}" width="${fmt(right - left)}" height="${plotH}" fill="none" stroke="#333"/>`);
    for (const t of ys.ticks) {
      body.push(`<path d="M${fmt(left - 4)},${fmt(ys.map(t))}H${fmt(left)}" stroke="#333"/><text x="${fmt(left - 6)}" y="${fmt(ys.map(t) + 4)}" text-anchor="end" font-size="${TICK_SIZE}">${esc(ys.label(t))}</text>`);
    }
    // x tick labels: skip one that would overlap its left neighbour.
    let lastEnd = -Infinity;
    for (const t of xs.ticks) {
      const px = xs.map(t);
      body.push(`<path d="M${fmt(px)},${fmt(plotBottom)}V${fmt(plotBottom + 4)}" stroke="#333"/>`);
      const text = xs.label(t);
      const w = textWidth(text, TICK_SIZE);
      if (px - w / 2 < lastEnd + 4 || px + w / 2 > cx0 + cellW) continue;
      body.push(`<text x="${fmt(px)}" y="${fmt(plotBottom + 17)}" text-anchor="middle" font-size="${TICK_SIZE}">${esc(text)}</text>`);
      lastEnd = px + w / 2;
    }
    body.push(`<text x="${fmt((left + right) / 2)}" y="${fmt(plotBottom + 36)}" text-anchor="middle" font-size="${TEXT_SIZE}">${esc(panel.x.label)}</text>`);
    const ly = (plotTop + plotBottom) / 2;
    body.push(`<text x="${fmt(cx0 + 14)}" y="${fmt(ly)}" transform="rotate(-90 ${fmt(cx0 + 14)} ${fmt(ly)})" text-anchor="middle" font-size="${TEXT_SIZE}">${esc(panel.y.label)}</text>`);

    // Reference lines.
    for (const r of panel.rules ?? []) {
      body.push(`<path d="M${fmt(left)},${fmt(ys.map(r.y))}H${fmt(right)}" stroke="${r.color ?? '#555'}" stroke-width="1.5" stroke-dasharray="${r.dash ?? '6 3'}"/>`);
    }
    // The overflow band: one row per series.
    const bandTop = plotTop - 6 - bandH;
    if (panel.overflow && bandH) {
      body.push(`<rect x="${fmt(left)}" y="${fmt(bandTop)}" width="${fmt(right - left)}" height="${bandH}" fill="#f3f3f3" stroke="#bbb"/>`);
      body.push(`<text x="${fmt(left - 6)}" y="${fmt(bandTop + bandH / 2 + 4)}" text-anchor="end" font-size="${TICK_SIZE}">&gt; ${esc(formatNumber(panel.overflow.above))}</text>`);
    }
    // Series, in order (later ones on top).
    panel.series.forEach((s, j) => {
      const st = styles.get(s.name)!;
      const over = (v: number) => panel.overflow !== undefined && (v > panel.overflow.above || v === Infinity || v === -Infinity);
      const n = Math.min(s.x.length, s.y.length);
      let d = '';
      let pen = false;
      const marks: string[] = [];
      for (let i = 0; i < n; i++) {
        const xv = s.x[i]!;
        const yv = s.y[i]!;
        if (!Number.isFinite(xv) || Number.isNaN(yv) || (!panel.overflow && !Number.isFinite(yv))) {
          pen = false;
          continue;
        }
        const px = xs.map(xv);
        if (over(yv)) {
          pen = false;
          const tip = `${s.name}: ${yv === Infinity ? 'overflow' : formatNumber(+yv.toPrecision(3))} at ${formatNumber(+xv.toPrecision(3))}`;
          marks.push(`<g><title>${esc(tip)}</title>${marker('cross', px, bandTop + 10 + 9 * j, 4, st.color, true, ` data-x="${xv}" data-overflow="true"`)}</g>`);
          continue;
        }
        const py = ys.map(panel.y.scale === 'log' && !(yv > 0) ? ys.domain[0] : yv);
        d += `${pen ? 'L' : 'M'}${fmt(px)},${fmt(py)}`;
        pen = true;
        marks.push(marker(st.marker, px, py, st.size, st.color, st.filled, ` data-x="${xv}"`));
      }
      const line = d && !s.markersOnly ? `<path d="${d}" fill="none" stroke="${st.color}" stroke-width="${st.width}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''} stroke-linejoin="round"/>` : '';
      body.push(`<g data-series="${esc(s.name)}">${line}${marks.join('')}</g>`);
    });
  });
  y += rows * cellH;

  if (fig.caption) {
    const cap = textBlock(wrap(fig.caption, W - 2 * PAD, CAPTION_SIZE), PAD, y + CAPTION_SIZE, CAPTION_SIZE, 15, ' fill="#333" data-role="caption"');
    body.push(cap.svg);
    y += cap.height + 4;
  }
  return svgDocument(W, y + PAD, body);
}

/** A figure of pictures with a label strip under each, as an SVG string (the pictures are embedded). */
export function imageFigure(fig: ImageFigure): string {
  const gap = fig.gap ?? 10;
  const columns = Math.max(1, Math.min(fig.columns ?? fig.panels.length, fig.panels.length));
  const rows: ImagePanel[][] = [];
  for (let i = 0; i < fig.panels.length; i += columns) rows.push(fig.panels.slice(i, i + columns));
  const rowWidth = (r: ImagePanel[]) => r.reduce((s, p) => s + p.width, 0) + gap * (r.length - 1);
  const W = Math.max(...rows.map(rowWidth)) + 2 * PAD;
  const body: string[] = [];
  const title = textBlock(wrap(fig.title, W - 2 * PAD, TITLE_SIZE), PAD, PAD + TITLE_SIZE, TITLE_SIZE, 19, ' font-weight="bold" data-role="title"');
  body.push(title.svg);
  let y = PAD + title.height + 6;
  for (const row of rows) {
    const imgH = Math.max(...row.map((p) => p.height));
    const strips = row.map((p) => ({ label: wrap(p.label, p.width, TEXT_SIZE), note: p.note ? wrap(p.note, p.width, TICK_SIZE) : [] }));
    const stripH = Math.max(...strips.map((s) => s.label.length * 15 + s.note.length * 14)) + 8;
    let x = PAD;
    row.forEach((p, i) => {
      const style = p.pixelated ? ' style="image-rendering:pixelated"' : '';
      body.push(`<image x="${fmt(x)}" y="${fmt(y)}" width="${p.width}" height="${p.height}" preserveAspectRatio="none"${style} href="${p.href}"/>`);
      body.push(`<rect x="${fmt(x)}" y="${fmt(y)}" width="${p.width}" height="${p.height}" fill="none" stroke="#999"/>`);
      const s = strips[i]!;
      body.push(textBlock(s.label, x, y + imgH + 16, TEXT_SIZE, 15, ' font-weight="bold"').svg);
      if (s.note.length) body.push(textBlock(s.note, x, y + imgH + 16 + s.label.length * 15, TICK_SIZE, 14, ' fill="#333"').svg);
      x += p.width + gap;
    });
    y += imgH + stripH + gap;
  }
  if (fig.caption) {
    const cap = textBlock(wrap(fig.caption, W - 2 * PAD, CAPTION_SIZE), PAD, y + CAPTION_SIZE - 4, CAPTION_SIZE, 15, ' fill="#333" data-role="caption"');
    body.push(cap.svg);
    y += cap.height;
  }
  return svgDocument(W, y + PAD, body);
}
