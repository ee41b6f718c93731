/**
 * `proxkit demo`: a tour over data embedded in the package. Each kernel family contributes one
 * section (bindings/demo/<family>.ts); add yours to `sections` below. Sections import the library
 * only through '../index.js' (and '../onnx.js'), as a user would; the CLI bundle keeps those
 * external, so there is one WASM instance. Families never import the demo.
 *
 * With no section named, every section runs its quick version (the tour, well under 30 s in all);
 * naming sections runs their full demos.
 */
import { init } from '../index.js';
import type { DemoContext, DemoSection } from './context.js';
import { proxDemo } from './prox.js';
import { cvarDemo } from './cvar.js';
import { tuckerDemo } from './tucker.js';
import { tensorDemo } from './tensor.js';
import { tvDemo } from './tv.js';
import { boundsDemo } from './bounds.js';
import { otDemo } from './ot.js';
import { nnDemo } from './nn.js';
import { lmDemo } from './lm.js';
import { federatedDemo } from './federated.js';
import { sparseDemo } from './sparse.js';
import { forecastDemo } from './forecast.js';
import { policyDemo } from './policy.js';
import { saddleDemo } from './saddle.js';
import { causalDemo } from './causal.js';
import { constrainedDemo } from './constrained.js';
import { fractionalDemo } from './fractional.js';
import { fairDemo } from './fair.js';

export { writeOutput, type DemoContext, type DemoSection } from './context.js';

export const sections: DemoSection[] = [proxDemo, cvarDemo, tuckerDemo, tensorDemo, tvDemo, boundsDemo, otDemo, nnDemo, lmDemo, federatedDemo, sparseDemo, policyDemo, forecastDemo, saddleDemo, causalDemo, constrainedDemo, fractionalDemo, fairDemo];

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Runs the named sections (all when `names` is empty) in order. With no names and `ctx.quick`
 * unset, the sections run their quick versions (the tour); with names, their full demos.
 */
export async function runDemo(names: string[], ctx: DemoContext): Promise<void> {
  const unknown = names.filter((n) => !sections.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new Error(`demo: unknown section ${unknown.join(', ')} (sections: ${sections.map((s) => s.name).join(', ')})`);
  }
  const quick = ctx.quick ?? names.length === 0;
  const run = { ...ctx, quick };
  await init();
  const started = performance.now();
  const times: string[] = [];
  if (quick) ctx.log(`proxkit demo: a quick tour of every section; \`proxkit demo <section>\` runs its full demo (sections: ${sections.map((s) => s.name).join(', ')})`);
  for (const section of sections) {
    if (names.length > 0 && !names.includes(section.name)) continue;
    ctx.log(`\n== ${section.name}: ${section.title}${quick ? ' · quick tour' : ''} ==`);
    const t0 = performance.now();
    await section.run(run);
    const ms = performance.now() - t0;
    times.push(`${section.name} ${seconds(ms)}`);
    ctx.log(`-- ${section.name}: ${seconds(ms)}`);
  }
  ctx.log(`\ndemo: ${times.join(', ')}; total ${seconds(performance.now() - started)}`);
}
