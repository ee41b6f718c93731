import { Command } from 'commander';
import { runDemo, sections } from '../demo/index.js';
import { runCvarSweepCli } from '../cvar/cli.js';
import { CLI_METHODS, runBoundsCli, runVerifyCli, type CliMethod } from '../bounds/cli.js';

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
  .option('--figures <dir>', 'folder for the figures (SVG) that sections write', '.')
  .action(async (names: string[], opts: { seed: string; figures: string }) => {
    const seed = Number(opts.seed);
    if (!Number.isSafeInteger(seed) || seed < 0) program.error(`demo: --seed must be a non-negative integer (got ${opts.seed})`);
    await runDemo(names, { seed, log: (line) => console.log(line), figures: opts.figures });
  });

program
  .command('cvar-sweep')
  .description('CVaR step-size experiment: SPL+, SPL and SGM on the embedded diabetes and breast-cancer data')
  .option('--svg <path>', 'where to write the SVG plot', 'cvar-sweep.svg')
  .option('--json <path>', 'also write every number as JSON')
  .option('--epochs <n>', 'epochs per run', '100')
  .option('--seeds <n>', 'seeds per step size', '5')
  .option('--schedule <s>', "step-size schedule: 'constant' or 'sqrt'", 'constant')
  .option('--tolerance <t>', 'relative suboptimality that counts as reaching the optimum', '0.01')
  .option('--quick', 'a small configuration (diabetes only, beta 0.9, 7 step sizes)')
  .option('--no-progress', 'no progress bar')
  .action(async (opts: { svg: string; json?: string; epochs: string; seeds: string; schedule: string; tolerance: string; quick?: boolean; progress: boolean }) => {
    const epochs = Number(opts.epochs);
    const seeds = Number(opts.seeds);
    const tolerance = Number(opts.tolerance);
    if (!Number.isSafeInteger(epochs) || epochs < 1) program.error(`cvar-sweep: --epochs must be a positive integer (got ${opts.epochs})`);
    if (!Number.isSafeInteger(seeds) || seeds < 1) program.error(`cvar-sweep: --seeds must be a positive integer (got ${opts.seeds})`);
    if (!(tolerance > 0)) program.error(`cvar-sweep: --tolerance must be > 0 (got ${opts.tolerance})`);
    if (opts.schedule !== 'constant' && opts.schedule !== 'sqrt') program.error(`cvar-sweep: --schedule must be constant or sqrt (got ${opts.schedule})`);
    await runCvarSweepCli({
      svg: opts.svg, json: opts.json, epochs, seeds, tolerance, quick: opts.quick === true,
      schedule: opts.schedule as 'constant' | 'sqrt', progress: opts.progress && process.stderr.isTTY === true,
      log: (line) => console.log(line),
    });
  });

program
  .command('verify')
  .description('decide a VNNLIB property of an ONNX model (VNN-COMP verdict: sat, unsat, unknown or timeout)')
  .argument('<model>', 'the network (.onnx, or the JSON network format when it ends in .json)')
  .argument('<spec>', 'the property (.vnnlib)')
  .option('--timeout <seconds>', 'time budget in seconds', '10')
  .option('--method <method>', `bounding method: ${CLI_METHODS.join(', ')}`, 'crown')
  .option('--json', 'print {verdict, counterexample: {inputs, outputs}, statistics: {nodes, timeMs}}')
  .action(async (model: string, spec: string, opts: { timeout: string; method: string; json?: boolean }) => {
    const timeout = Number(opts.timeout);
    if (!(timeout > 0) || !Number.isFinite(timeout)) program.error(`verify: --timeout must be a number of seconds > 0 (got ${opts.timeout})`);
    if (!(CLI_METHODS as readonly string[]).includes(opts.method)) program.error(`verify: --method must be one of ${CLI_METHODS.join(', ')} (got ${opts.method})`);
    await runVerifyCli(model, spec, { timeout, method: opts.method as CliMethod, json: opts.json === true, log: (line) => console.log(line) });
  });

program
  .command('bounds')
  .description('per-output lower/upper bounds of an ONNX model over a VNNLIB input box, for each method')
  .argument('<model>', 'the network (.onnx, or .json)')
  .argument('<spec>', 'the property (.vnnlib); only its input box is used')
  .option('--json', 'print {method: {lower, upper}} as JSON')
  .action(async (model: string, spec: string, opts: { json?: boolean }) => {
    await runBoundsCli(model, spec, { json: opts.json === true, log: (line) => console.log(line) });
  });

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exitCode = 1;
});
