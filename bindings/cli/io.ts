/**
 * What the `proxkit` command does around the library calls: output folders prepared before any work
 * starts, and every failure turned into one line `proxkit <command>: <message>` with an exit code
 * (1: the user's files or the library refused the input; 2: the command line itself is wrong).
 *
 * The library's error classes come from '../index.js' (kept external in dist/cli.js), so that
 * `instanceof ProxkitError` sees the classes of the one library instance the commands call.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CommanderError } from 'commander';
import { ProxkitError } from '../index.js';

/** A mistake on the command line (unknown flag, missing argument, bad option value): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A file or folder the command cannot use (missing, wrong type, not writable): exit code 1. */
export class FileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileError';
  }
}

/** A failure tagged with the command it happened in (null: before any command was chosen). */
export class CommandFailure extends Error {
  constructor(
    readonly command: string | null,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
    this.name = 'CommandFailure';
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a component of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'a file of that name exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/** `no such file or folder (ENOENT)` for a Node system error, else its message. */
export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && code in ERRNO_TEXT) return `${ERRNO_TEXT[code]} (${code})`;
  return e instanceof Error ? e.message : String(e);
}

const isSystemError = (e: unknown): boolean =>
  e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';

/** The deepest existing ancestor of an absolute path (the root at worst). */
function existingAncestor(path: string): string {
  let p = path;
  for (;;) {
    try {
      statSync(p);
      return p;
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

/**
 * Makes sure `dir` is a writable folder, creating it and its parents when missing (`mkdir -p`).
 * Throws a FileError naming the option and the obstacle (a path component that is a file, no
 * permission) so that the command stops before its work starts. Returns the absolute path.
 * `given` is what the user typed (the folder itself, or a file inside it).
 */
export function prepareOutputFolder(option: string, dir: string, given = dir): string {
  const abs = resolve(dir);
  const what = given === dir ? 'the output folder' : 'its folder';
  const found = existingAncestor(abs);
  if (!statSync(found).isDirectory()) {
    throw new FileError(
      found === abs && given === dir
        ? `${option} ${given}: cannot use it as the output folder: it is a file, not a folder`
        : `${option} ${given}: cannot create ${what}: ${found} is a file, not a folder`,
    );
  }
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw new FileError(`${option} ${given}: cannot create ${what}: ${errnoText(e)}`);
  }
  try {
    accessSync(abs, constants.W_OK);
  } catch (e) {
    throw new FileError(`${option} ${given}: cannot write into ${abs}: ${errnoText(e)}`);
  }
  return abs;
}

/**
 * Makes sure `file` can be written: its folder exists (created when missing) and is writable, and
 * `file` itself is not a folder. Throws a FileError naming the option otherwise. Returns the absolute path.
 */
export function prepareOutputFile(option: string, file: string): string {
  const abs = resolve(file);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    // Missing: the usual case, the file is created at the end.
  }
  if (isDir) throw new FileError(`${option} ${file}: this is a folder; give a file name inside it`);
  prepareOutputFolder(option, dirname(abs), file);
  return abs;
}

/**
 * Whether `e` is one of the library's typed errors. Checked by class name along the prototype chain as
 * well as by `instanceof`: a bundle that carries its own copy of the error classes (an entry point
 * built separately) throws errors that are ProxkitErrors by every measure except identity.
 */
export function isProxkitError(e: unknown): e is Error {
  if (e instanceof ProxkitError) return true;
  for (let p = e !== null && typeof e === 'object' ? Object.getPrototypeOf(e) : null; p; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'ProxkitError') return true;
  }
  return false;
}

/** Exit code and one line (without the `proxkit <command>: ` prefix) for a failure. */
export function describeFailure(error: unknown): { exitCode: number; message: string; internal: boolean } {
  if (error instanceof CommanderError) {
    // Commander's own messages start with "error: " and may put "(Did you mean …?)" on a second line.
    const text = error.message.replace(/^error:\s*/, '').replace(/\.\s*$/, '');
    return { exitCode: 2, message: text, internal: false };
  }
  if (error instanceof UsageError) return { exitCode: 2, message: error.message, internal: false };
  if (error instanceof FileError || isProxkitError(error)) return { exitCode: 1, message: error.message, internal: false };
  if (isSystemError(error)) {
    const e = error as NodeJS.ErrnoException;
    const where = e.path ? `${e.path}: ` : '';
    return { exitCode: 1, message: `cannot ${e.syscall} ${where}${errnoText(e)}`, internal: false };
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { exitCode: 1, message: `internal error: ${text}`, internal: true };
}

/** One line on stderr (every newline of the message folded into a space). */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
