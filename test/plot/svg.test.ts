// The shared figure writer without a browser: round ticks, number formats, wrapping, and how series,
// missing points and blow-ups are drawn. (test/demo/figures.test.ts renders the real figures in Chromium.)
import { describe, expect, it } from 'vitest';
import { axisScale, formatNumber, imageFigure, lineFigure, textWidth, wrap } from '../../bindings/plot/svg.js';

/** True when v is k·10^e with k in {1, 2, 5} (or 0): a "nice" step or tick. */
const isNice = (v: number) => {
  if (v === 0) return true;
  const e = Math.floor(Math.log10(Math.abs(v)) + 1e-9);
  const k = Math.abs(v) / 10 ** e;
  return [1, 2, 5, 10].some((n) => Math.abs(k - n) < 1e-9);
};

describe('axisScale', () => {
  it('linear axes: the domain extends to round ticks in 1-2-5 steps that cover the data', () => {
    for (const values of [[0.013, 0.87], [2.3, 7.9], [-41, 1234], [0.5683, 0.551, 0.2081], [20.17, 26.82]]) {
      const a = axisScale({ label: 'y' }, values, 100, 0);
      const step = a.ticks[1]! - a.ticks[0]!;
      expect(isNice(+step.toPrecision(12)), `step ${step} for ${values}`).toBe(true);
      a.ticks.forEach((t, i) => i > 0 && expect(t - a.ticks[i - 1]!).toBeCloseTo(step, 9));
      expect(a.domain[0]).toBeLessThanOrEqual(Math.min(...values));
      expect(a.domain[1]).toBeGreaterThanOrEqual(Math.max(...values));
      expect(a.ticks.length).toBeGreaterThanOrEqual(3);
      expect(a.ticks.length).toBeLessThanOrEqual(12);
    }
    expect(axisScale({ label: 'y' }, [0.013, 0.87], 100, 0).ticks.map((t) => +t.toFixed(9))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(axisScale({ label: 'y', ticks: 10 }, [0.013, 0.87], 100, 0).ticks.map((t) => +t.toFixed(9))).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  });

  it('log axes: 1-2-5 ticks on narrow ranges, powers of ten (labelled 10ⁿ) on wide ones', () => {
    const narrow = axisScale({ label: 'x', scale: 'log' }, [600, 1200, 2400, 4800, 9600], 0, 300);
    expect(narrow.ticks).toEqual([1000, 2000, 5000, 10000]);
    expect(narrow.ticks.map(narrow.label)).toEqual(['1000', '2000', '5000', '10,000']);
    const wide = axisScale({ label: 'x', scale: 'log' }, [1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100], 0, 300);
    expect(wide.ticks.map(wide.label)).toEqual(['10⁻⁴', '10⁻³', '10⁻²', '10⁻¹', '10⁰', '10¹', '10²']);
    const fixed = axisScale({ label: 'y', scale: 'log', domain: [1e-3, 100] }, [1e-9, 1e9], 200, 0);
    expect(fixed.domain).toEqual([1e-3, 100]);
    expect(fixed.map(1e-9)).toBe(200); // clamped to the edge
  });
});

describe('formatNumber, wrap', () => {
  it('writes round numbers as people do', () => {
    expect([0, 0.05, 0.1, 2.5, 1000, 32000, 2e-4, 1e-5, 3e6].map(formatNumber)).toEqual(['0', '0.05', '0.1', '2.5', '1000', '32,000', '2·10⁻⁴', '10⁻⁵', '3·10⁶']);
  });

  it('wraps words into lines no wider than asked, keeping every word and explicit newlines', () => {
    const text = 'Each point is the median over five seeds of the relative suboptimality after one hundred epochs.\nSecond paragraph.';
    const lines = wrap(text, 200, 12);
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(textWidth(l, 12)).toBeLessThanOrEqual(200);
    expect(lines.join(' ').split(/\s+/)).toEqual(text.split(/\s+/));
    expect(lines[lines.length - 1]).toBe('Second paragraph.');
  });
});

describe('lineFigure', () => {
  const fig = (caption: string) =>
    lineFigure({
      title: 'A title that says what is compared',
      panels: [{
        x: { label: 'step size γ', scale: 'log' },
        y: { label: 'error', scale: 'log', domain: [1e-3, 100] },
        series: [
          { name: 'a', x: [1e-3, 1e-2, 1e-1, 1], y: [0.5, NaN, 0.1, 0.2] },
          { name: 'b', x: [1e-3, 1e-2, 1e-1, 1], y: [0.5, 3e5, Infinity, 0.01] },
        ],
        rules: [{ y: 0.01, label: 'tolerance 1 %' }],
        overflow: { above: 100, label: 'diverged' },
      }],
      caption,
    });

  it('draws every point once: a missing one breaks the line, blow-ups go to the band', () => {
    const svg = fig('short');
    const group = (name: string) => svg.match(new RegExp(`<g data-series="${name}">(.*?)</g>\n`))![1]!;
    expect([...group('a').matchAll(/data-x="([^"]+)"/g)].map((m) => Number(m[1]))).toEqual([1e-3, 0.1, 1]);
    expect(group('a').match(/<path d="([^"]+)" fill="none"/)![1]!.match(/M/g)).toHaveLength(2);
    expect((group('b').match(/data-overflow/g) ?? []).length).toBe(2);
    expect(svg).toContain('data-legend="a"');
    expect(svg).toContain('data-legend="b"');
    expect(svg).toMatch(/<text[^>]*>tolerance 1 %<\/text>/);
    expect(svg).toMatch(/<text[^>]*>diverged<\/text>/);
  });

  it('the image grows with the caption, and each series gets its own colour, dash and marker', () => {
    const h = (svg: string) => Number(svg.match(/viewBox="0 0 \d+ (\d+)"/)![1]);
    expect(h(fig('word '.repeat(200)))).toBeGreaterThan(h(fig('short')) + 100);
    const svg = fig('short');
    const sample = (name: string) => {
      const g = svg.match(new RegExp(`<g data-legend="${name}">(.*?)</g>`))![1]!;
      return { stroke: g.match(/stroke="([^"]+)"/)![1], dash: g.match(/stroke-dasharray="([^"]+)"/)?.[1] ?? 'solid', marker: g.match(/\/><(\w+)/)![1] };
    };
    const [a, b] = [sample('a'), sample('b')];
    expect(a.stroke).not.toBe(b.stroke);
    expect(a.dash).not.toBe(b.dash);
    expect(a.marker).not.toBe(b.marker);
  });
  it('more series than the seven default styles: no two of fourteen are drawn alike (colour, dash, marker, fill)', () => {
    const names = Array.from({ length: 14 }, (_, k) => `s${k}`);
    const svg = lineFigure({ title: 'many', panels: [{ title: 'p', x: { label: 'x' }, y: { label: 'y' }, series: names.map((name, k) => ({ name, x: [0, 1], y: [k, k + 1] })) }] });
    const looks = names.map((name) => {
      const g = svg.match(new RegExp(`<g data-legend="${name}">(.*?)</g>`))![1]!;
      const mark = g.match(/\/>(<\w+[^>]*>)/)![1]!;
      return [g.match(/stroke="([^"]+)"/)![1], g.match(/stroke-dasharray="([^"]+)"/)?.[1] ?? 'solid', mark.match(/^<(\w+)/)![1], mark.match(/fill="([^"]+)"/)?.[1]].join('|');
    });
    expect(new Set(looks).size).toBe(14);
    // and no two share their line (colour and dash), which is what a reader matches first
    expect(new Set(looks.map((l) => l.split('|').slice(0, 2).join('|'))).size).toBe(14);
  });
});

describe('imageFigure', () => {
  it('places every picture with its label and escapes text', () => {
    const svg = imageFigure({ title: 'T <&>', panels: [{ href: 'data:image/png;base64,AA==', width: 64, height: 32, label: 'one' }, { href: 'data:image/png;base64,AA==', width: 64, height: 48, label: 'two', note: 'n' }] });
    expect(svg.match(/<image /g)).toHaveLength(2);
    expect(svg).toContain('T &lt;&amp;&gt;');
    expect(svg).toMatch(/>one<\/text>/);
    expect(svg).toMatch(/>two<\/text>/);
  });
});
