/** Bad input and memory: typed errors that name the op, and a tape that never leaks. */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryError, NonFiniteError, ParameterError, ShapeError, init, memoryStats, nn } from '../../bindings/index.js';
import { expectErrors } from '../prox/check.js';
import { uniformArray, type T } from './helpers.js';

beforeAll(() => init());

describe('nn errors', () => {
  it('shape mismatches name the op and both shapes', () => {
    nn.scope(() => {
      const a = nn.zeros([2, 3]);
      const b = nn.zeros([4, 5]);
      expectErrors([
        [() => nn.matmul(a, b), ShapeError, 'nn.matmul: shapes [2,3] and [4,5] do not match (inner dimensions 3 and 4)'],
        [() => nn.matmul(a, nn.zeros([3, 2]), { transposeB: true }), ShapeError, 'nn.matmul: shapes [2,3] and [3,2] do not match with transposeB (inner dimensions 3 and 2)'],
        [() => nn.matmul(nn.zeros([3]), a), ShapeError, 'nn.matmul: both operands must have at least 2 axes (got shapes [3] and [2,3])'],
        [() => nn.matmul(nn.zeros([2, 2, 3]), nn.zeros([3, 3, 4])), ShapeError, 'nn.matmul: shapes [2,2,3] and [3,3,4] have different batch axes [2] and [3]'],
        [() => nn.add(a, b), ShapeError, 'nn.add: shapes [2,3] and [4,5] cannot be broadcast together (axis 0: 2 and 4)'],
        [() => nn.mul(a, nn.zeros([2])), ShapeError, 'nn.mul: shapes [2,3] and [2] cannot be broadcast together (axis 1: 3 and 2)'],
        [() => nn.reshape(a, [4, 2]), ShapeError, 'nn.reshape: cannot reshape [2,3] (6 elements) to [4,2] (8 elements)'],
        [() => nn.concat([a, b]), ShapeError, 'nn.concat: shapes [2,3] and [4,5] (xs[1]) differ outside axis 0'],
        [() => nn.broadcastTo(a, [3, 3]), ShapeError, 'nn.broadcastTo: shape [2,3] cannot be broadcast to [3,3]'],
        [() => nn.softmaxCrossEntropy(a, [0]), ShapeError, 'nn.softmaxCrossEntropy: labels must have one entry per row of logits (2; got 1)'],
        [() => nn.layerNorm(a, nn.zeros([2])), ShapeError, 'nn.layerNorm: gamma must have shape [3], the last axis of x [2,3] (got [2])'],
        [() => nn.tensor([[1, 2], [3]]), ShapeError, 'nn.tensor: data[1] must be an array of length 2 (ragged nesting; got array of length 1)'],
      ]);
    });
  });

  it('dtype mixing, bad arguments and freed tensors are typed errors', () => {
    nn.scope(() => {
      const a = nn.zeros([2, 2]);
      const b = nn.zeros([2, 2], 'f32');
      const dead = nn.zeros([1]);
      dead.free();
      expectErrors([
        [() => nn.add(a, b), ParameterError, 'nn.add: dtypes f64 and f32 do not match (shapes [2,2] and [2,2]); convert one with nn.cast'],
        [() => nn.matmul(a, b), ParameterError, 'nn.matmul: dtypes f64 and f32 do not match (shapes [2,2] and [2,2]); convert one with nn.cast'],
        [() => nn.concat([a, b]), ParameterError, 'nn.concat: dtypes f64 and f32 do not match (shapes [2,2] and [2,2]); convert one with nn.cast'],
        [() => nn.exp([1, 2] as unknown as T), ParameterError, 'nn.exp: x must be a Tensor (got array of length 2)'],
        [() => nn.add(1, 2), ParameterError, 'nn.add: at least one operand must be a Tensor (got two numbers)'],
        [() => nn.sum(a, 2), ParameterError, 'nn.sum: axis must be an integer in [-2, 1] for a tensor of rank 2 (got 2)'],
        [() => nn.gather(a, [0, 2]), ParameterError, 'nn.gather: indices[1] must be an integer in [0, 1] (got 2)'],
        [() => nn.softmaxCrossEntropy(a, [0, 1.5]), ParameterError, 'nn.softmaxCrossEntropy: labels[1] must be an integer in [0, 1] (got 1.5)'],
        [() => nn.pow(a, NaN), ParameterError, 'nn.pow: p must be a finite number (got NaN)'],
        [() => nn.tensor([1, 2], { dtype: 'f16' as nn.DType }), ParameterError, `nn.tensor: dtype must be 'f64' or 'f32' (got "f16")`],
        [() => nn.exp(dead), ParameterError, 'nn.exp: x must be a live Tensor (got one already freed)'],
        [() => dead.view(), MemoryError, 'nn.Tensor: tensor of shape [1] used after free()'],
        [() => nn.grad((x: T) => x)(nn.zeros([2])), ShapeError, 'nn.grad: f must return a tensor with one element (got shape [2]); use vjp for other outputs'],
        [() => nn.grad((x: T) => 3 as unknown as T)(nn.zeros([1])), ParameterError, 'nn.grad: f must be a function returning a Tensor (got 3)'],
      ]);
    });
  });

  it('a NaN produced in a forward pass is reported with the op that produced it', () => {
    nn.scope(() => {
      expectErrors([
        [() => nn.log(nn.tensor([1, -1])), NonFiniteError, 'nn.log: produced NaN at index 1 of its output of shape [2]'],
        [() => nn.sqrt(nn.tensor([[4, -4]])), NonFiniteError, 'nn.sqrt: produced NaN at index 1 of its output of shape [1,2]'],
        [() => nn.exp(nn.tensor([1000])), NonFiniteError, 'nn.exp: produced Infinity at index 0 of its output of shape [1]'],
        [() => nn.div(nn.tensor([1, 0]), nn.tensor([1, 0])), NonFiniteError, 'nn.div: produced NaN at index 1 of its output of shape [2]'],
        [() => nn.tensor([1, NaN]), NonFiniteError, 'nn.tensor: data must be finite (got NaN at index 1)'],
      ]);
      // inside f of a grad: the op is named, and the backward pass names the rule it was running
      const f = (x: T) => nn.sum(nn.log(nn.sub(x, 1)));
      expect(() => nn.grad(f)(nn.tensor([0.5]))).toThrow('nn.log: produced NaN at index 0 of its output of shape [1]');
      const g = (x: T) => nn.sum(nn.sqrt(x));
      expect(() => nn.grad(g)(nn.tensor([0, 1]))).toThrow('nn.div (in the backward pass of nn.sqrt): produced Infinity at index 0 of its output of shape [2]');
      const err = (() => {
        try {
          nn.log(nn.tensor([-1]));
        } catch (e) {
          return e as NonFiniteError;
        }
      })();
      expect(err).toBeInstanceOf(NonFiniteError);
      expect(err!.index).toBe(0);
    });
  });

  it('the finite check can be switched off and restored', () => {
    const before = nn.configure({ checkFinite: false });
    try {
      const y = nn.scope(() => nn.log(nn.tensor([-1])).data());
      expect(Number.isNaN(y[0])).toBe(true);
    } finally {
      nn.configure(before);
    }
    expect(() => nn.scope(() => nn.log(nn.tensor([-1])))).toThrow(NonFiniteError);
  });

  it('errors leave no memory behind and the module usable', () => {
    const base = memoryStats().allocatedBytes;
    for (let i = 0; i < 50; i++) {
      expect(() => nn.scope(() => nn.grad((x: T) => nn.sum(nn.log(nn.sub(x, 5))))(nn.tensor([1, 2, 3])))).toThrow(NonFiniteError);
      expect(() => nn.scope(() => nn.matmul(nn.zeros([2, 3]), nn.zeros([2, 3])))).toThrow(ShapeError);
    }
    expect(memoryStats().allocatedBytes).toBe(base);
    expect(nn.scope(() => nn.sum(nn.tensor([1, 2])).item())).toBe(3);
  });
});

describe('nn memory', () => {
  it('scope frees everything except what it returns; keep() takes a tensor out', () => {
    const base = memoryStats().allocatedBytes;
    const out = nn.scope(() => {
      const a = nn.ones([3, 3]);
      const b = nn.exp(a);
      const c = nn.keep(nn.scale(b, 2));
      return { sum: nn.sum(b), list: [c] };
    });
    expect(out.sum.item()).toBeCloseTo(9 * Math.E, 12);
    expect(memoryStats().allocatedBytes).toBeGreaterThan(base);
    out.sum.free();
    out.list[0]!.free();
    expect(memoryStats().allocatedBytes).toBe(base);
  });

  it('grad frees its tape: only the gradients remain', () => {
    const x = nn.tensor(uniformArray(1, 12), { shape: [3, 4] });
    const base = memoryStats().allocatedBytes;
    const [g] = nn.grad((x: T) => nn.sum(nn.tanh(nn.matmul(x, nn.transpose(x)))))(x) as T[];
    // exactly one 3×4 f64 block more (96 bytes of data + the 16-byte header)
    expect(memoryStats().allocatedBytes - base).toBe(112);
    g!.free();
    x.free();
  });

  it('1e4 training-like steps keep allocatedBytes flat', () => {
    // a 2-layer MLP on a fixed batch, SGD step in place through view()
    const X = nn.tensor(uniformArray(2, 16 * 8), { shape: [16, 8] });
    const labels = Array.from({ length: 16 }, (_, i) => i % 4);
    const params = [nn.tensor(uniformArray(3, 8 * 16, -0.3, 0.3), { shape: [8, 16] }), nn.zeros([16]), nn.tensor(uniformArray(4, 16 * 4, -0.3, 0.3), { shape: [16, 4] }), nn.zeros([4])];
    const loss = (W1: T, b1: T, W2: T, b2: T): T => nn.softmaxCrossEntropy(nn.add(nn.matmul(nn.gelu(nn.add(nn.matmul(X, W1), b1)), W2), b2), labels);
    const step = nn.valueAndGrad(loss);
    const base = memoryStats();
    let first = 0;
    let last = 0;
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      last = nn.scope(() => {
        const { value, grad } = step(params[0]!, params[1]!, params[2]!, params[3]!);
        (grad as T[]).forEach((g, j) => {
          const p = params[j]!.view();
          const d = g.view();
          for (let q = 0; q < p.length; q++) p[q]! -= 0.1 * d[q]!;
        });
        return value.item();
      });
      if (i === 0) first = last;
      peak = Math.max(peak, memoryStats().allocatedBytes);
    }
    const after = memoryStats();
    expect(after.allocatedBytes).toBe(base.allocatedBytes);
    expect(peak).toBe(base.allocatedBytes);
    expect(after.arenaTop).toBeLessThanOrEqual(base.arenaTop + 64 * 1024);
    expect(last).toBeLessThan(first / 10); // it did train
    for (const p of params) p.free();
    X.free();
  });
});

describe('nn scopes under a recording tape', () => {
  it('a scope inside a differentiated function keeps what the tape needs, and grad frees it after', () => {
    const x = nn.tensor([0.3, -0.7, 1.1]);
    const base = memoryStats().allocatedBytes;
    // f uses a scope for its temporaries: tanh's output is needed by tanh's backward rule
    const f = (y: T): T => nn.scope(() => nn.sum(nn.mul(nn.tanh(y), nn.tensor([1, 2, 3]))));
    const g = nn.grad(f, { argnums: 0 })(x) as T;
    const want = [0.3, -0.7, 1.1].map((v, i) => (i + 1) * (1 - Math.tanh(v) ** 2));
    g.data().forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-15));
    g.free();
    expect(memoryStats().allocatedBytes).toBe(base);
    x.free();
  });
});

describe('nn and the package conventions', () => {
  it('nn.tensor takes a { data, rows, cols } matrix as the same tensor as its array of rows; a bad matrix is a typed error', () => {
    nn.scope(() => {
      const rows = [[1, 2, 3], [4, 5, 6]];
      const fromRows = nn.tensor(rows);
      const fromMatrix = nn.tensor({ data: rows.flat(), rows: 2, cols: 3 });
      expect(fromMatrix.shape).toEqual([2, 3]);
      expect(fromMatrix.dtype).toBe('f64');
      expect(Array.from(fromMatrix.data())).toEqual(Array.from(fromRows.data()));
      // a Float32Array inside the matrix keeps f32 (as a bare Float32Array does)
      const f32 = nn.tensor({ data: Float32Array.of(0.5, 0.25), rows: 1, cols: 2 });
      expect(f32.dtype).toBe('f32');
      expect(Array.from(f32.data())).toEqual([0.5, 0.25]);
      expect(() => nn.tensor({ data: [1, 2, 3], rows: 2, cols: 2 })).toThrow(ShapeError);
      expect(() => nn.tensor({ data: [1, NaN], rows: 1, cols: 2 })).toThrow(NonFiniteError);
    });
  });

  it('an unknown option key is a ParameterError naming the function, the key and the nearest known key', () => {
    expectErrors([
      [() => nn.initLinear(2, 3, { gian: 2 } as never), ParameterError, 'initLinear: options.gian is not a known option (did you mean options.gain?); known: seed, dtype, init, gain, bias'],
      [() => nn.configure({ checkfinite: false } as never), ParameterError, 'nn.configure: options.checkfinite is not a known option (did you mean options.checkFinite?); known: checkFinite'],
      [() => nn.initCoupling(4, { scalebound: 1 } as never), ParameterError, 'initCoupling: options.scalebound is not a known option (did you mean options.scaleBound?); known: seed, dtype, hidden, flip, outputGain, scaleBound'],
    ]);
    // the check runs before anything is allocated: a refused call leaves no tensor behind
    const before = memoryStats().allocatedBytes;
    expect(() => nn.initMlp([2, 3], { seeds: 1 } as never)).toThrow('initMlp: options.seeds is not a known option (did you mean options.seed?)');
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
