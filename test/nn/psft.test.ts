/**
 * The PSFT loss: at ratio 1 its gradient is the SFT (cross-entropy) gradient; tokens whose ratio is
 * above 1 + ε' get no gradient; the value is −mean(min(r, 1 + ε')) computed by hand; central differences.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, nn } from '../../bindings/index.js';
import { numericGrad, relErr, uniformArray, type T } from './helpers.js';

beforeAll(() => init());

const N = 6, C = 5;
const labels = [0, 3, 1, 4, 2, 2];

describe('psftLoss', () => {
  it('with the old policy equal to the current one (ratio 1) its gradient equals the cross-entropy gradient and its value is −1', () => {
    const z = uniformArray(1, N * C, -2, 2);
    const old = nn.scope(() => nn.labelLogProbs(nn.tensor(z, { shape: [N, C] }), labels));
    const g = nn.scope(() => (nn.grad((x: T) => nn.psftLoss(x, labels, old), { argnums: 0 })(nn.tensor(z, { shape: [N, C] })) as T).toArray());
    const gCe = nn.scope(() => (nn.grad((x: T) => nn.softmaxCrossEntropy(x, labels), { argnums: 0 })(nn.tensor(z, { shape: [N, C] })) as T).toArray());
    expect(relErr(g, gCe)).toBeLessThan(1e-14);
    expect(nn.scope(() => nn.psftLoss(nn.tensor(z, { shape: [N, C] }), labels, old).item())).toBeCloseTo(-1, 14);
  });

  it('value by hand, zero gradient on the rows whose ratio exceeds 1 + ε\', and central differences elsewhere', () => {
    const z = uniformArray(2, N * C, -2, 2);
    const cur = nn.scope(() => nn.labelLogProbs(nn.tensor(z, { shape: [N, C] }), labels));
    // old policy: rows 0 and 3 much less likely than now (ratio e^0.5 > 1.2), the others slightly more or less likely
    const shift = [-0.5, 0.1, -0.05, -0.5, 0.15, 0];
    const old = cur.map((v, i) => v + shift[i]!);
    const r = shift.map((s) => Math.exp(-s));
    const want = -r.reduce((a, v) => a + Math.min(v, 1.2), 0) / N;
    const L = (x: T): T => nn.psftLoss(x, labels, old, { epsilon: 0.2 });
    expect(nn.scope(() => L(nn.tensor(z, { shape: [N, C] })).item())).toBeCloseTo(want, 12);
    const g = nn.scope(() => (nn.grad(L, { argnums: 0 })(nn.tensor(z, { shape: [N, C] })) as T).toArray());
    for (const row of [0, 3]) for (let c = 0; c < C; c++) expect(g[row * C + c]).toBe(0);
    expect(g.slice(C, 2 * C).some((v) => v !== 0)).toBe(true);
    const num = numericGrad((x) => nn.scope(() => L(nn.tensor(x, { shape: [N, C] })).item()), z, 1e-4);
    expect(relErr(g, num)).toBeLessThan(1e-7);
  });

  it('refuses a bad clip and a positive log-probability, naming them', () => {
    const z = nn.tensor(uniformArray(3, N * C), { shape: [N, C] });
    expect(() => nn.psftLoss(z, labels, new Array(N).fill(-1), { epsilon: 1.5 })).toThrow(/psftLoss: options.epsilon must be a number in \[0, 1\)/);
    expect(() => nn.psftLoss(z, labels, [0.5, -1, -1, -1, -1, -1])).toThrow(/psftLoss: oldLogProbs\[0\] must be a log-probability/);
    z.free();
  });
});
