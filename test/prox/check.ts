/** Small assertions shared by the operator-catalogue specs. */
import { expect } from 'vitest';

/** max |aᵢ − bᵢ|. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** A call that must throw, the class it must throw and the exact message. */
export type ErrorCase = [call: () => unknown, cls: new (...args: never[]) => Error, message: string];

/** Each call throws an instance of its class with exactly its message. */
export function expectErrors(cases: readonly ErrorCase[]): void {
  for (const [call, cls, message] of cases) {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    expect(err, message).toBeInstanceOf(cls);
    expect((err as Error).message).toBe(message);
  }
}
