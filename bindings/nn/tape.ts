/**
 * The reverse-mode tape. Every op calls `record` after computing its output; each active tape that
 * tracks one of the op's inputs appends an entry (output, inputs, backward rule) and starts tracking
 * the output. Tapes nest: `grad` inside `grad` opens a second tape while the first is still active,
 * and the inner backward pass, made of ordinary ops, is itself recorded by the outer tape. That is
 * what makes reverse-over-reverse (Hessian-vector products) work with no special code.
 */
import type { Tensor } from './tensor.js';

/**
 * A backward rule: given the cotangent g of the output (same shape), the cotangents of the inputs
 * (null where an input gets none). Rules are written with differentiable ops only, so that an
 * outer tape can differentiate them again.
 */
export type BackwardRule = (g: Tensor) => readonly (Tensor | null)[];

export interface TapeEntry {
  op: string;
  output: Tensor;
  inputs: readonly (Tensor | null)[];
  backward: BackwardRule;
}

export class Tape {
  readonly tracked = new Set<Tensor>();
  readonly entries: TapeEntry[] = [];
}

/** Tapes currently recording, outermost first. */
const active: Tape[] = [];

/** @internal */
export function activeTapes(): readonly Tape[] {
  return active;
}

/** @internal True when some tape is recording (tensors may be needed by its backward pass later). */
export function recording(): boolean {
  return active.length > 0;
}

/** Records one op on every active tape that tracks one of its inputs. */
export function record(op: string, output: Tensor, inputs: readonly (Tensor | null)[], backward: BackwardRule): void {
  for (const tape of active) {
    if (inputs.some((t) => t !== null && tape.tracked.has(t))) {
      tape.tracked.add(output);
      tape.entries.push({ op, output, inputs, backward });
    }
  }
}

/** Runs `body` with `tape` recording (innermost), removing it afterwards whatever happens. */
export function withTape<T>(tape: Tape, body: () => T): T {
  active.push(tape);
  try {
    return body();
  } finally {
    const i = active.lastIndexOf(tape);
    if (i >= 0) active.splice(i, 1);
  }
}

/** Name of the op whose backward rule is running (for error messages), innermost last. */
const backwardOf: string[] = [];

/** @internal The op name to report: `nn.mul (in the backward pass of nn.sqrt)` during a backward rule. */
export function opContext(op: string): string {
  const b = backwardOf[backwardOf.length - 1];
  return b === undefined ? op : `${op} (in the backward pass of ${b})`;
}

/**
 * Walks the tape backwards from `output` with cotangent `seed`, accumulating with `add`; returns
 * the cotangent of each tensor in `wrt` (null where it gets none). The tape must no longer be
 * active, so that the ops of the backward pass are recorded only by enclosing tapes.
 */
export function backpropagate(
  tape: Tape,
  output: Tensor,
  seed: Tensor,
  wrt: readonly Tensor[],
  add: (a: Tensor, b: Tensor) => Tensor,
): (Tensor | null)[] {
  const adjoint = new Map<Tensor, Tensor>();
  adjoint.set(output, seed);
  for (let e = tape.entries.length - 1; e >= 0; e--) {
    const entry = tape.entries[e]!;
    const g = adjoint.get(entry.output);
    if (g === undefined) continue;
    backwardOf.push(entry.op);
    let gs: readonly (Tensor | null)[];
    try {
      gs = entry.backward(g);
    } finally {
      backwardOf.pop();
    }
    for (let i = 0; i < entry.inputs.length; i++) {
      const input = entry.inputs[i];
      const gi = gs[i];
      if (input === null || input === undefined || gi === null || gi === undefined || !tape.tracked.has(input)) continue;
      const prev = adjoint.get(input);
      adjoint.set(input, prev === undefined ? gi : add(prev, gi));
    }
  }
  return wrt.map((x) => adjoint.get(x) ?? null);
}
