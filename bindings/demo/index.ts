/**
 * `proxkit demo`: a tour over data embedded in the package. Each kernel family contributes one
 * section; add yours to `sections` below. Sections import the library only through '../index.js'
 * (the CLI bundle keeps it external, so there is one WASM instance).
 */
import { init } from '../index.js';
import { proxDemo } from './prox.js';
import { cvarDemo } from './cvar.js';
import { tuckerDemo } from './tucker.js';
import { tvDemo } from './tv.js';
import { boundsDemo } from './bounds.js';
import { otDemo } from './ot.js';

export interface DemoContext {
  /** Seed for anything random in the section. */
  seed: number;
  /** Writes one line of the report. */
  log(line: string): void;
  /** Folder where sections write their figures (SVG); default: the working directory. */
  figures?: string;
}

export interface DemoSection {
  /** Short name used on the command line: `proxkit demo prox`. */
  name: string;
  title: string;
  run(ctx: DemoContext): void | Promise<void>;
}

export const sections: DemoSection[] = [proxDemo, cvarDemo, tuckerDemo, tvDemo, boundsDemo, otDemo];

/** Runs the named sections (all when `names` is empty) in order. */
export async function runDemo(names: string[], ctx: DemoContext): Promise<void> {
  const unknown = names.filter((n) => !sections.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new Error(`demo: unknown section ${unknown.join(', ')} (sections: ${sections.map((s) => s.name).join(', ')})`);
  }
  await init();
  for (const section of sections) {
    if (names.length > 0 && !names.includes(section.name)) continue;
    ctx.log(`\n== ${section.title} ==`);
    const t0 = performance.now();
    await section.run(ctx);
    ctx.log(`(${section.name}: ${(performance.now() - t0).toFixed(0)} ms)`);
  }
}
