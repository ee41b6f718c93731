/**
 * The `proxkit` command. Every failure ends as one line `proxkit <command>: <message>` on stderr:
 * exit code 2 for a wrong command line (commander's own errors included), 1 for input the command
 * cannot use (a missing or wrong file, an output folder that cannot be created, a ProxkitError) and
 * for unexpected internal errors (PROXKIT_DEBUG=1 prints their stack). Output folders are created
 * (or refused) before any work starts.
 */
import { Command, CommanderError, Option } from 'commander';
import { runDemo, sections } from '../demo/index.js';
import { runCvarSweepCli } from './cvar-sweep.js';
import { CLI_METHODS, runBoundsCli, runVerifyCli, type CliMethod } from './verify.js';
import { runVerifyBatchCli } from './verify-batch.js';
import { FED_EXPERIMENTS, runFedCli, type FedExperiment } from './fed.js';
import { LM_EXPERIMENTS, lmSettings, runLmExperimentsCli, type LmExperiment } from './lm-experiments.js';
import { SADDLE_EXPERIMENTS, runSaddleCli, type SaddleExperiment } from './saddle.js';
import { POLICY_EXPERIMENTS, runPolicyCli, type PolicyExperiment } from './policy.js';
import { CommandFailure, UsageError, describeFailure, oneLine, prepareOutputFile, prepareOutputFolder } from './io.js';
import { openExecutor } from './executor.js';
import { runWorkerCli } from './worker.js';

const EXIT_CODES = `
Exit codes: 0 done (for verify: whatever the verdict); 1 an input file or output folder cannot be
used, or the computation refused its input; 2 a usage error (unknown option or command, missing
argument, bad option value). Errors are one line on stderr; PROXKIT_DEBUG=1 adds the stack of an
unexpected internal error.`;

/** The subcommand whose action runs (set before it starts), to name it in an error from inside it. */
let active: string | null = null;

const program = new Command();
// Commander prints "error: …" (or the whole help when no command is given) and calls process.exit;
// here its errors are thrown instead and reported like every other failure, in one line.
program
  .name('proxkit')
  .description('Proximal-optimization and certification kernels in SIMD WebAssembly.')
  .version(PROXKIT_VERSION)
  .configureOutput({ outputError: () => {}, writeErr: () => {} })
  .exitOverride((err) => {
    throw new CommandFailure(null, err);
  })
  .addHelpText('after', EXIT_CODES)
  .hook('preAction', (_root, actionCommand) => {
    active = actionCommand.name();
  });

/** A subcommand whose parse errors (unknown flag, missing argument) are reported under its name. */
function command(name: string): Command {
  return program.command(name).exitOverride((err) => {
    throw new CommandFailure(name, err);
  });
}

/** A whole number ≥ min given as an option's text (digits only: "", "1e3" and "2.5" are refused). */
function integerOption(flag: string, text: string, min: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${flag} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer (got ${text})`);
  }
  return n;
}

/** A path given to an option: an empty one (`--figures ''`) is a usage error, not the working directory. */
function pathOption(flag: string, text: string): string {
  if (text.trim() === '') throw new UsageError(`${flag} needs a path (got an empty string)`);
  return text;
}

/** An option whose default shows in --help as written (commander would print it as a quoted string). */
function opt(flags: string, description: string, value?: string, shown: string | undefined = value): Option {
  const o = new Option(flags, description);
  return value === undefined ? o : o.default(value, shown);
}

command('demo')
  .description(`a tour over data embedded in the package (sections: ${sections.map((s) => s.name).join(', ')})`)
  .argument('[sections...]', 'run only these sections (default: all, in the order above)')
  .addOption(opt('--seed <n>', 'seed for the random parts of every section', '42'))
  .addOption(
    opt(
      '--figures <dir>',
      'folder for every file the sections write: figures (SVG and PNG), the digits network (ONNX) and ' +
        'its robustness properties (VNNLIB); created when missing',
      '.',
      'the working directory',
    ),
  )
  .action(async (names: string[], opts: { seed: string; figures: string }) => {
    const seed = integerOption('--seed', opts.seed, 0);
    const unknown = names.filter((n) => !sections.some((s) => s.name === n));
    if (unknown.length > 0) {
      throw new UsageError(`unknown section ${unknown.join(', ')} (sections: ${sections.map((s) => s.name).join(', ')})`);
    }
    const figures = prepareOutputFolder('--figures', pathOption('--figures', opts.figures));
    await runDemo(names, { seed, log: (line) => console.log(line), figures });
  });

command('cvar-sweep')
  .description('CVaR step-size experiment: SPL+, SPL and SGM on the embedded diabetes and breast-cancer data')
  .addOption(
    opt(
      '--svg <file>',
      'where to write the figure (SVG): for each data set and β, the step sizes at which each method reaches the optimum; its folder is created when missing',
      'cvar-sweep.svg',
    ),
  )
  .option('--json <file>', 'also write every number of the sweep (JSON) to this file; its folder is created when missing (default: no JSON)')
  .addOption(opt('--epochs <n>', 'epochs per run', '100'))
  .addOption(opt('--seeds <n>', 'seeds per step size (the figure shows their median)', '5'))
  .addOption(opt('--schedule <s>', 'step-size schedule: γ at every step, or γ/√(t + 1) at step t', 'constant').choices(['constant', 'sqrt']))
  .addOption(opt('--averaging <a>', 'what each run returns: the last iterate, the mean of all iterates, or the mean of the second half of the run', 'none').choices(['none', 'all', 'tail']))
  .addOption(opt('--loss <l>', 'the loss of every data set (the absolute loss\'s optimum is a linear program)', 'squared').choices(['squared', 'absolute']))
  .addOption(opt('--tolerance <t>', 'relative suboptimality that counts as reaching the optimum', '0.01'))
  .option('--quick', 'a small configuration: diabetes only, β = 0.9, 7 step sizes (default: both data sets, β = 0.9 and 0.99)')
  .option('--no-progress', 'no progress bar (it is drawn on stderr only when stderr is a terminal)')
  .option('--workers <n>', 'run the runs on n worker threads (default: in the main thread); the same numbers either way')
  .option('--redis <url>', 'send the runs as jobs to the Redis queue at redis://host:port, where `proxkit worker` processes run them')
  .action(async (opts: { svg: string; json?: string; epochs: string; seeds: string; schedule: string; averaging: string; loss: string; tolerance: string; quick?: boolean; progress: boolean; workers?: string; redis?: string }) => {
    const epochs = integerOption('--epochs', opts.epochs, 1);
    const seeds = integerOption('--seeds', opts.seeds, 1);
    const tolerance = Number(opts.tolerance);
    if (!(tolerance > 0 && Number.isFinite(tolerance)) || opts.tolerance.trim() === '') {
      throw new UsageError(`--tolerance must be a finite number > 0 (got ${opts.tolerance})`);
    }
    const svg = prepareOutputFile('--svg', pathOption('--svg', opts.svg));
    const json = opts.json === undefined ? undefined : prepareOutputFile('--json', pathOption('--json', opts.json));
    const executor = await openExecutor(executorChoice(opts));
    try {
      await runCvarSweepCli({
        svg, json, epochs, seeds, tolerance, quick: opts.quick === true,
        schedule: opts.schedule as 'constant' | 'sqrt', averaging: opts.averaging as 'none' | 'all' | 'tail', loss: opts.loss as 'squared' | 'absolute',
        progress: opts.progress && process.stderr.isTTY === true,
        ...(executor ? { executor } : {}), log: (line) => console.log(line),
      });
    } finally {
      await executor?.close();
    }
  });

command('verify')
  .description('decide a VNNLIB property of an ONNX model and print the VNN-COMP verdict (sat, unsat, unknown or timeout) on stdout; writes no file')
  .argument('<model>', 'the network: an ONNX file, or the JSON network format when the name ends in .json')
  .argument('<spec>', 'the property: a VNNLIB file')
  .addOption(opt('--timeout <seconds>', 'time budget in seconds', '10'))
  .addOption(opt('--method <method>', 'bounding method of the branch and bound', 'crown').choices(CLI_METHODS))
  .option('--json', 'print one JSON object {verdict, counterexample: {inputs, outputs} | null, statistics: {nodes, timeMs}} instead of the verdict line')
  .action(async (model: string, spec: string, opts: { timeout: string; method: string; json?: boolean }) => {
    const timeout = Number(opts.timeout);
    if (!(timeout > 0 && Number.isFinite(timeout)) || opts.timeout.trim() === '') {
      throw new UsageError(`--timeout must be a finite number of seconds > 0 (got ${opts.timeout})`);
    }
    await runVerifyCli(model, spec, { timeout, method: opts.method as CliMethod, json: opts.json === true, log: (line) => console.log(line) });
  });

command('bounds')
  .description(`print per-output lower/upper bounds of a network over a VNNLIB input box for each method (${CLI_METHODS.join(', ')}) on stdout; writes no file`)
  .argument('<model>', 'the network: an ONNX file, or the JSON network format when the name ends in .json')
  .argument('<spec>', 'the property: a VNNLIB file (only its input box is used)')
  .option('--json', 'print one JSON object {method: {lower, upper}} instead of the table')
  .action(async (model: string, spec: string, opts: { json?: boolean }) => {
    await runBoundsCli(model, spec, { json: opts.json === true, log: (line) => console.log(line) });
  });

command('verify-batch')
  .description(
    'run every instance of a VNN-COMP benchmark folder (instances.csv rows: onnx,vnnlib,timeout, paths relative to the csv, .gz accepted) ' +
      'and write the results CSV in the competition format: benchmark,onnx,vnnlib,prepare_time,result,run_time',
  )
  .argument('<instances>', 'the instances.csv of the benchmark folder')
  .addOption(opt('--timeout-scale <s>', "multiplies every instance's timeout", '1'))
  .addOption(opt('--method <method>', 'bounding method of the branch and bound', 'crown').choices(CLI_METHODS))
  .addOption(opt('--out <file>', 'the results CSV (rewritten after every instance); its folder is created when missing', 'results.csv'))
  .option('--counterexamples <dir>', 'also write each sat instance\'s counterexample as <onnx>_<vnnlib>.counterexample in this folder (default: none)')
  .option('--json', 'print one JSON object {benchmark, results: [...]} at the end instead of one line per instance')
  .option('--workers <n>', 'decide the instances on n worker threads (default: one after another in the main thread)')
  .option('--redis <url>', 'send the instances as jobs to the Redis queue at redis://host:port, where `proxkit worker` processes decide them')
  .action(async (csv: string, opts: { timeoutScale: string; method: string; out: string; counterexamples?: string; json?: boolean; workers?: string; redis?: string }) => {
    const timeoutScale = Number(opts.timeoutScale);
    if (!(timeoutScale > 0 && Number.isFinite(timeoutScale)) || opts.timeoutScale.trim() === '') {
      throw new UsageError(`--timeout-scale must be a finite number > 0 (got ${opts.timeoutScale})`);
    }
    const out = prepareOutputFile('--out', pathOption('--out', opts.out));
    const counterexamples = opts.counterexamples === undefined ? null : prepareOutputFolder('--counterexamples', pathOption('--counterexamples', opts.counterexamples));
    const executor = await openExecutor(executorChoice(opts));
    try {
      await runVerifyBatchCli(csv, { timeoutScale, method: opts.method as CliMethod, out, counterexamples, json: opts.json === true, ...(executor ? { executor } : {}), log: (line) => console.log(line) });
    } finally {
      await executor?.close();
    }
  });

command('worker')
  .description('take jobs (verify-batch instances, cvar-sweep runs, federated client updates) from the Redis queue and run them until stopped (Ctrl-C or SIGTERM: the running jobs finish first); start one per machine')
  .requiredOption('--redis <url>', 'the Redis server of the queue, redis://host:port')
  .addOption(opt('--concurrency <n>', 'jobs at once, each on its own worker thread', '1'))
  .addOption(opt('--queue <name>', 'the queue (producers must use the same)', 'proxkit'))
  .option('--lock <ms>', 'how long a job stays with a worker that stopped answering before another worker takes it over (default 30000)')
  .action(async (opts: { redis: string; concurrency: string; queue: string; lock?: string }) => {
    const concurrency = integerOption('--concurrency', opts.concurrency, 1);
    const lockMs = opts.lock === undefined ? undefined : integerOption('--lock', opts.lock, 200);
    await runWorkerCli({ url: opts.redis, concurrency, queue: opts.queue, ...(lockMs !== undefined ? { lockMs } : {}), log: (line) => console.log(line) });
  });

command('fed')
  .description('federated and decentralized learning experiments: FedProx vs FedAvg with stragglers on synthetic(1, 1), a 5-node ring on the embedded digits, FedAvg / FedProx / FedSpeed on digits with Dirichlet label skew, or Lisa against harmful fine-tuning')
  .argument('<experiment>', `the experiment (${FED_EXPERIMENTS.join(', ')})`)
  .addOption(opt('--svg <file>', 'where to write the figure (SVG): loss and accuracy per round or step; its folder is created when missing', 'fed.svg'))
  .addOption(opt('--json <file>', 'where to write every number of the runs (JSON); its folder is created when missing', 'fed.json'))
  .option('--quick', 'a small configuration that runs in seconds (one seed, fewer rounds or steps)')
  .option('--no-progress', 'no progress bar (it is drawn on stderr only when stderr is a terminal)')
  .action(async (experiment: string, opts: { svg: string; json: string; quick?: boolean; progress: boolean }) => {
    if (!(FED_EXPERIMENTS as readonly string[]).includes(experiment)) {
      throw new UsageError(`unknown experiment ${experiment} (experiments: ${FED_EXPERIMENTS.join(', ')})`);
    }
    const svg = prepareOutputFile('--svg', pathOption('--svg', opts.svg));
    const json = prepareOutputFile('--json', pathOption('--json', opts.json));
    await runFedCli({
      experiment: experiment as FedExperiment, svg, json, quick: opts.quick === true,
      progress: opts.progress && process.stderr.isTTY === true, log: (line) => console.log(line),
    });
  });

command('saddle')
  .description('saddle-point, bilevel and online experiments: ALPD vs LPD gradient calls as L_f grows, bilevel SVM hyper-parameter selection on LIBSVM diabetes (LV-HBA, penalty, grid search), the proxy proximal point on the diabetes regression, online regret on the breast-cancer stream over a grid of learning rates')
  .argument('<experiment>', `the experiment (${SADDLE_EXPERIMENTS.join(', ')})`)
  .addOption(opt('--svg <file>', 'where to write the figure (SVG); its folder is created when missing', 'saddle.svg'))
  .addOption(opt('--json <file>', 'where to write every number of the runs (JSON); its folder is created when missing', 'saddle.json'))
  .option('--quick', 'a small configuration that runs in seconds')
  .action(async (experiment: string, opts: { svg: string; json: string; quick?: boolean }) => {
    if (!(SADDLE_EXPERIMENTS as readonly string[]).includes(experiment)) {
      throw new UsageError(`unknown experiment ${experiment} (experiments: ${SADDLE_EXPERIMENTS.join(', ')})`);
    }
    const svg = prepareOutputFile('--svg', pathOption('--svg', opts.svg));
    const json = prepareOutputFile('--json', pathOption('--json', opts.json));
    await runSaddleCli({ experiment: experiment as SaddleExperiment, svg, json, quick: opts.quick === true, log: (line) => console.log(line) });
  });

command('policy')
  .description('preference and policy optimisation experiments: tabular Nash-MP vs Nash-MD vs online mirror descent on random preference matrices (iterations to a residual of 1e-10 as n and β vary), LOOP vs REINFORCE-LOO vs PPO with a value network on a contextual bandit, sampled Nash-MP against an intransitive judge, LOOP fine-tuning of a character transformer towards a black-box reward')
  .argument('<experiment>', `the experiment (${POLICY_EXPERIMENTS.join(', ')})`)
  .addOption(opt('--svg <file>', 'where to write the figure (SVG): residual, regret, win-rate or reward and KL curves; its folder is created when missing', 'policy.svg'))
  .addOption(opt('--json <file>', 'where to write every number of the runs (JSON); its folder is created when missing', 'policy.json'))
  .option('--quick', 'a small configuration that runs in seconds (one seed, smaller problems, fewer steps)')
  .option('--no-progress', 'no progress bar (it is drawn on stderr only when stderr is a terminal)')
  .action(async (experiment: string, opts: { svg: string; json: string; quick?: boolean; progress: boolean }) => {
    if (!(POLICY_EXPERIMENTS as readonly string[]).includes(experiment)) {
      throw new UsageError(`unknown experiment ${experiment} (experiments: ${POLICY_EXPERIMENTS.join(', ')})`);
    }
    const svg = prepareOutputFile('--svg', pathOption('--svg', opts.svg));
    const json = prepareOutputFile('--json', pathOption('--json', opts.json));
    await runPolicyCli({
      experiment: experiment as PolicyExperiment, svg, json, quick: opts.quick === true,
      progress: opts.progress && process.stderr.isTTY === true, log: (line) => console.log(line),
    });
  });

command('lm-experiments')
  .description('transformer language-model experiments on the embedded English and protein text: feed-forward variants, per-block linearity, two-stage LoRA (English → proteins → family prompts) and PSFT vs SFT; writes lm-<experiment>.json and .svg for each')
  .addOption(opt('--out <dir>', 'folder for the JSON tables and SVG figures; created when missing', 'lm-experiments'))
  .addOption(opt('--only <list>', `comma-separated experiments to run (${LM_EXPERIMENTS.join(', ')})`, LM_EXPERIMENTS.join(',')))
  .option('--seeds <n>', 'seeds of the feed-forward comparison (default 3; 1 with --quick)')
  .option('--steps <n>', 'Adam steps of every feed-forward run and base model (default 300; 30 with --quick)')
  .option('--dmodel <n>', 'width of the models (default 64; 16 with --quick); d_ff is 3 times it')
  .option('--quick', 'small models and few steps: every experiment in about a minute')
  .option('--no-progress', 'no progress bar (it is drawn on stderr only when stderr is a terminal)')
  .action(async (opts: { out: string; only: string; seeds?: string; steps?: string; dmodel?: string; quick?: boolean; progress: boolean }) => {
    const only = opts.only.split(',').map((x) => x.trim()).filter((x) => x !== '');
    const unknown = only.filter((x) => !(LM_EXPERIMENTS as readonly string[]).includes(x));
    if (unknown.length > 0 || only.length === 0) throw new UsageError(`--only must list experiments among ${LM_EXPERIMENTS.join(', ')} (got ${opts.only})`);
    const seeds = opts.seeds === undefined ? undefined : integerOption('--seeds', opts.seeds, 1);
    const steps = opts.steps === undefined ? undefined : integerOption('--steps', opts.steps, 1);
    const dModel = opts.dmodel === undefined ? undefined : integerOption('--dmodel', opts.dmodel, 1);
    if (dModel !== undefined && dModel % 4 !== 0) throw new UsageError(`--dmodel must be a multiple of 4 (the models have 4 heads; got ${dModel})`);
    const out = prepareOutputFolder('--out', pathOption('--out', opts.out));
    await runLmExperimentsCli({
      only: only as LmExperiment[], settings: lmSettings(opts.quick === true, { seeds, steps, dModel }), out,
      progress: opts.progress && process.stderr.isTTY === true, log: (line) => console.log(line),
    });
  });

/** The --workers / --redis flags of a batch command. */
function executorChoice(opts: { workers?: string; redis?: string }): { workers?: number; redis?: string } {
  return {
    ...(opts.workers !== undefined ? { workers: integerOption('--workers', opts.workers, 1) } : {}),
    ...(opts.redis !== undefined ? { redis: opts.redis } : {}),
  };
}

const commandNames = (): string => program.commands.map((c) => c.name()).filter((n) => n !== 'help').join(', ');

/** Prints the one-line report of a failure and returns the exit code (0 after --help / --version). */
function report(failure: CommandFailure): number {
  const error = failure.error;
  if (error instanceof CommanderError && error.exitCode === 0) return 0; // --help, --version: already printed
  const prefix = failure.command === null ? 'proxkit' : `proxkit ${failure.command}`;
  const { exitCode, message, internal } = describeFailure(error);
  let text = message;
  if (error instanceof CommanderError) {
    if (error.code === 'commander.help') {
      // Commander shows the general help (suppressed here) both for no command and for `help <unknown>`.
      const [first, second] = process.argv.slice(2);
      text = first === 'help' && second !== undefined
        ? `unknown command '${second}' (commands: ${commandNames()})`
        : `missing command (commands: ${commandNames()}); run proxkit --help`;
    }
    else if (error.code === 'commander.unknownCommand') text = `${message} (commands: ${commandNames()})`;
    else text = `${message} (see ${prefix} --help)`;
  } else if (internal && process.env.PROXKIT_DEBUG !== '1') {
    text = `${message} (PROXKIT_DEBUG=1 prints the stack)`;
  }
  console.error(`${prefix}: ${oneLine(text)}`);
  if (internal && process.env.PROXKIT_DEBUG === '1' && error instanceof Error && error.stack) console.error(error.stack);
  return exitCode;
}

const failureOf = (err: unknown): CommandFailure => (err instanceof CommandFailure ? err : new CommandFailure(active, err));

// An error thrown outside the action's promise chain (a callback, a stream) gets the same one line.
const fatal = (err: unknown): never => process.exit(report(failureOf(err)) || 1);
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

program.parseAsync().catch((err: unknown) => {
  process.exitCode = report(failureOf(err));
});
