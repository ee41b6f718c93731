import { parameterError } from './runtime/errors.js';
import { f64View, withScope } from './runtime/memory.js';
import { wasm } from './runtime/instance.js';
import { nonNegativeInteger } from './runtime/validate.js';

const U64_MAX = (1n << 64n) - 1n;

/**
 * A seeded xoshiro256** generator (state filled from the seed by splitmix64), running in WASM so
 * that a seed gives the same bits in Node and in every browser. The 256-bit state lives in this
 * object; each call copies it into WASM memory and back.
 */
export class Rng {
  private readonly state = new Uint8Array(32);

  constructor(seed: number | bigint) {
    const s = checkSeed('rng', seed);
    this.run('rng', 0, (x, st) => x.rngSeed(st, BigInt.asIntN(64, s)));
  }

  /** The next raw 64-bit output as an unsigned bigint. */
  nextU64(): bigint {
    let r = 0n;
    this.run('Rng.nextU64', 0, (x, st) => {
      r = BigInt.asUintN(64, x.rngNext(st));
    });
    return r;
  }

  /** `n` doubles uniform on [0, 1) (53 random bits each). */
  uniform(n: number, out?: Float64Array): Float64Array {
    return this.fill('Rng.uniform', n, out, (x, st, p) => x.rngUniform(st, p, n));
  }

  /** `n` standard normal doubles (Box–Muller on pairs of uniforms). */
  normal(n: number, out?: Float64Array): Float64Array {
    return this.fill('Rng.normal', n, out, (x, st, p) => x.rngNormal(st, p, n));
  }

  private fill(
    fn: string,
    n: number,
    out: Float64Array | undefined,
    kernel: (x: ReturnType<typeof wasm>, state: number, p: number) => void,
  ): Float64Array {
    nonNegativeInteger(fn, 'n', n);
    if (out !== undefined && (!(out instanceof Float64Array) || out.length !== n)) {
      throw parameterError(fn, 'out', `a Float64Array of length ${n}`, out);
    }
    let result = out;
    // The WASM scratch is allocated first, so a size beyond the memory cap is a MemoryError.
    this.run(fn, n, (x, st, p) => {
      kernel(x, st, p);
      result ??= new Float64Array(n);
      result.set(f64View(x, p, n));
    });
    return result!;
  }

  /** Copies the state in, runs `body` with room for `n` doubles, copies the state back. */
  private run(fn: string, n: number, body: (x: ReturnType<typeof wasm>, state: number, p: number) => void): void {
    withScope(fn, (s) => {
      const st = s.f64(4);
      const p = s.f64(n);
      new Uint8Array(s.x.memory.buffer, st, 32).set(this.state);
      body(s.x, st, p);
      this.state.set(new Uint8Array(s.x.memory.buffer, st, 32));
    });
  }
}

/** The one rule for seeds, reported under the public function `fn` that was handed the seed. */
export function checkSeed(fn: string, seed: unknown, name = 'seed'): bigint {
  if (typeof seed === 'bigint' && seed >= 0n && seed <= U64_MAX) return seed;
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return BigInt(seed);
  throw parameterError(fn, name, 'an integer in [0, 2^53) or a bigint in [0, 2^64)', seed);
}

/** rng(seed) for a public function `fn` that takes a `seed` option: a bad seed is `fn`'s error. */
export function seededRng(fn: string, seed: unknown, name = 'seed'): Rng {
  checkSeed(fn, seed, name);
  return new Rng(seed as number | bigint);
}

/** A new generator for `seed` (a non-negative safe integer or a bigint below 2^64). */
export function rng(seed: number | bigint): Rng {
  return new Rng(seed);
}

/**
 * A seeded Fisher–Yates permutation of 0…n−1 drawn from n uniforms of R (always n, also for n < 2, so
 * the stream R continues with does not depend on n's size): the one shuffle of every training loop.
 */
export function shuffledOrder(R: Rng, n: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const u = R.uniform(n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[i]! * (i + 1)));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
