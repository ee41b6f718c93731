/**
 * The commands a job may name, as a table from name to function (JSON-safe arguments and seed in,
 * JSON-safe result out). The table is built from a family namespace passed in, so that the worker
 * entry can build it from the package entry it loads (one module instance per thread) and the
 * in-process executor from the family imported here.
 */
import type * as Federated from '../federated/index.js';
import { parameterError } from '../runtime/errors.js';
import type { Job } from './types.js';

/** A job's function: arguments and the seed (a decimal string) in, a JSON-safe result out. */
export type Command = (args: unknown, seed: string) => unknown;

/** The registered commands over the given federated namespace. */
export function commandTable(federated: typeof Federated): Readonly<Record<string, Command>> {
  return {
    'federated.clientUpdate': (args, seed) => federated.clientUpdate(args as Federated.ClientUpdateArgs, seed),
  };
}

/** Runs one job through a command table (the in-process executor and the worker entry). */
export function runCommand(commands: Readonly<Record<string, Command>>, job: Job): unknown {
  const f = Object.prototype.hasOwnProperty.call(commands, job.command) ? commands[job.command] : undefined;
  if (!f) throw parameterError('runJob', 'job.command', `a registered command (${Object.keys(commands).join(', ')})`, job.command);
  return f(job.args, job.seed);
}
