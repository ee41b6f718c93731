import { Command } from 'commander';
import { runDemo, sections } from './demo.js';

const program = new Command();
program
  .name('proxkit')
  .description('Proximal-optimization and certification kernels in SIMD WebAssembly.')
  .version(PROXKIT_VERSION);

program
  .command('demo')
  .description(`a tour over data embedded in the package (sections: ${sections.map((s) => s.name).join(', ')})`)
  .argument('[sections...]', 'run only these sections')
  .option('--seed <n>', 'seed for the random parts', '42')
  .action(async (names: string[], opts: { seed: string }) => {
    const seed = Number(opts.seed);
    if (!Number.isSafeInteger(seed) || seed < 0) program.error(`demo: --seed must be a non-negative integer (got ${opts.seed})`);
    await runDemo(names, { seed, log: (line) => console.log(line) });
  });

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exitCode = 1;
});
