/** What a demo section receives and how it writes its files (separate from the registry so that a section can be imported on its own). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface DemoContext {
  /** Seed for anything random in the section. */
  seed: number;
  /** Writes one line of the report. */
  log(line: string): void;
  /** Folder where sections write their files (figures, models, properties); default: the working directory. */
  figures?: string;
  /**
   * The short version of the section, for the tour (smaller subsets, fewer iterations; the figures
   * say so). Default false: the full demo.
   */
  quick?: boolean;
}

export interface DemoSection {
  /** Short name used on the command line: `proxkit demo prox`. */
  name: string;
  /** What the section shows; printed as `== name: title ==`. */
  title: string;
  run(ctx: DemoContext): void | Promise<void>;
}

/**
 * Writes `data` to `name` in the context's figures folder and prints the path with what the file
 * holds. Returns the path.
 */
export function writeOutput(ctx: DemoContext, name: string, data: string | Uint8Array, what: string): string {
  const file = resolve(ctx.figures ?? '.', name);
  writeFileSync(file, data);
  ctx.log(`  wrote ${file} (${what})`);
  return file;
}

/** A PNG as a data URI, to embed in an SVG figure. */
export function pngDataUri(bytes: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
}
