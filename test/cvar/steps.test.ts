import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, cvarStep, init } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { golden } from './reference.js';

beforeAll(() => init());

type Method = 'spl+' | 'spl' | 'sgm';

/** The model of the step (without the proximal term) at z = (θ, η), from its definition. */
function model(method: Method, theta0: number[], ell: number, g: number[], alpha: number, theta: number[], eta: number): number {
  let lin = ell;
  for (let j = 0; j < g.length; j++) lin += g[j]! * (theta[j]! - theta0[j]!);
  if (method === 'spl+') lin = Math.max(lin, 0);
  return eta + alpha * Math.max(lin - eta, 0);
}

function objective(method: Method, theta0: number[], eta0: number, ell: number, g: number[], alpha: number, gamma: number, theta: number[], eta: number): number {
  let d2 = (eta - eta0) ** 2;
  for (let j = 0; j < g.length; j++) d2 += (theta[j]! - theta0[j]!) ** 2;
  return model(method, theta0, ell, g, alpha, theta, eta) + d2 / (2 * gamma);
}

/**
 * Brute-force minimiser of model + ‖z − z_t‖²/(2γ): the objective depends on θ only through ⟨g, θ⟩
 * and ‖θ − θ_t‖, so the minimiser has θ = θ_t − r·g; nested golden-section over (η, r) on wide brackets.
 */
function bruteForce(method: Method, theta0: number[], eta0: number, ell: number, g: number[], alpha: number, gamma: number): { theta: number[]; eta: number } {
  const at = (r: number, eta: number) => objective(method, theta0, eta0, ell, g, alpha, gamma, theta0.map((t, j) => t - r * g[j]!), eta);
  const span = 3 * gamma * alpha + 3 * gamma + 1;
  const bestR = (eta: number) => golden((r) => at(r, eta), -span, span);
  const eta = golden((e) => at(bestR(e), e), eta0 - span, eta0 + span);
  const r = bestR(eta);
  return { theta: theta0.map((t, j) => t - r * g[j]!), eta };
}

describe('cvarStep closed forms equal brute-force minimisers of model + proximal term', () => {
  for (const method of ['spl+', 'spl'] as const) {
    it(`${method}: random inputs, including η above/below the loss, ℓ = 0, g = 0, tiny and huge γ`, () => {
      const u = uniforms(method === 'spl' ? 51 : 52);
      for (let trial = 0; trial < 150; trial++) {
        const d = 1 + (trial % 4);
        const theta = Array.from({ length: d }, () => (u() - 0.5) * 4);
        const g = trial % 25 === 0 ? new Array<number>(d).fill(0) : Array.from({ length: d }, () => (u() - 0.5) * [0.1, 1, 5][trial % 3]!);
        const ell = trial % 11 === 0 ? 0 : u() * 3;
        const eta = (u() - 0.3) * 4;
        const beta = [0.5, 0.9, 0.99, 0.1][trial % 4]!;
        const gamma = [1e-3, 0.1, 1, 10][trial % 4]!;
        const alpha = 1 / (1 - beta);
        const step = cvarStep({ theta, eta, loss: ell, grad: g, beta, stepSize: gamma, method });
        const want = bruteForce(method, theta, eta, ell, g, alpha, gamma);
        const scale = 1 + gamma * alpha;
        expect(Math.abs(step.eta - want.eta)).toBeLessThanOrEqual(1e-6 * scale);
        for (let j = 0; j < d; j++) expect(Math.abs(step.theta[j]! - want.theta[j]!)).toBeLessThanOrEqual(1e-6 * scale);
        // and no random perturbation in the full space does better
        const f0 = objective(method, theta, eta, ell, g, alpha, gamma, Array.from(step.theta), step.eta);
        for (let r = 0; r < 20; r++) {
          const h = 1e-3 * scale;
          const th = Array.from(step.theta, (t) => t + (u() - 0.5) * h);
          expect(objective(method, theta, eta, ell, g, alpha, gamma, th, step.eta + (u() - 0.5) * h)).toBeGreaterThanOrEqual(f0 - 1e-12 * scale);
        }
        expect(step.lambda).toBeGreaterThanOrEqual(0);
        expect(step.lambda).toBeLessThanOrEqual(step.s + 1e-15);
        expect(step.s).toBeLessThanOrEqual(1);
      }
    });
  }

  it('sgm: (θ, η) − γ·∂f with ∂f = (α∇ℓ, 1 − α) when ℓ > η, (0, 1) otherwise (checked by finite differences)', () => {
    const u = uniforms(53);
    for (let trial = 0; trial < 100; trial++) {
      const theta = [u() - 0.5, u() - 0.5];
      const g = [u() * 2 - 1, u() * 2 - 1];
      const ell = u() * 2;
      const eta = u() * 2;
      const beta = 0.9;
      const gamma = 0.05;
      const alpha = 1 / (1 - beta);
      // f(θ, η) = η + α(ℓ + ⟨g, θ − θ_t⟩ − η)₊ has the gradient of the true f at a point where ℓ ≠ η
      const f = (th: number[], e: number) => model('spl', theta, ell, g, alpha, th, e);
      const h = 1e-7;
      const gradEta = (f(theta, eta + h) - f(theta, eta - h)) / (2 * h);
      const gradTheta = [0, 1].map((j) => (f(theta.map((t, i) => t + (i === j ? h : 0)), eta) - f(theta.map((t, i) => t - (i === j ? h : 0)), eta)) / (2 * h));
      const step = cvarStep({ theta, eta, loss: ell, grad: g, beta, stepSize: gamma, method: 'sgm' });
      expect(step.eta).toBeCloseTo(eta - gamma * gradEta, 6);
      expect(step.theta[0]!).toBeCloseTo(theta[0]! - gamma * gradTheta[0]!, 6);
      expect(step.theta[1]!).toBeCloseTo(theta[1]! - gamma * gradTheta[1]!, 6);
    }
  });

  it('rejects bad parameters with typed errors', () => {
    const base = { theta: [0], eta: 0, loss: 1, grad: [1], beta: 0.9, stepSize: 0.1, method: 'spl+' as const };
    expect(() => cvarStep({ ...base, beta: 1 })).toThrow(ParameterError);
    expect(() => cvarStep({ ...base, beta: 1 })).toThrow('cvarStep: beta must be in [0, 1) (got 1)');
    expect(() => cvarStep({ ...base, stepSize: 0 })).toThrow('cvarStep: stepSize must be finite and > 0 (got 0)');
    expect(() => cvarStep({ ...base, method: 'adam' as never })).toThrow(`cvarStep: method must be 'spl+', 'spl' or 'sgm' (got "adam")`);
    expect(() => cvarStep({ ...base, grad: [1, 2] })).toThrow('cvarStep: grad must be of length 1 (got array of length 2)');
  });
});

describe("SPL+'s closed form as the README states it", () => {
  it('θ⁺ = θ − cλ∇ℓ, η⁺ = η − γ + cS with λ = ℓ/(cG), S = clip((γ − η)/c, 0, 1) when λ ≤ S, else SPL\'s λ = S', () => {
    const u = uniforms(29);
    const clip = (x: number) => Math.min(1, Math.max(0, x));
    for (let t = 0; t < 5000; t++) {
      const d = 1 + (t % 4);
      const theta = Array.from({ length: d }, () => u() * 4 - 2);
      const grad = Array.from({ length: d }, () => u() * 4 - 2);
      const [loss, eta, beta, gamma] = [u() * 3, u() * 4 - 1, [0, 0.5, 0.9][t % 3]!, 10 ** (u() * 6 - 4)];
      const c = gamma / (1 - beta);
      const G = grad.reduce((s, g) => s + g * g, 0);
      let lambda = loss / (c * G);
      let S = clip((gamma - eta) / c);
      if (!(lambda <= S)) lambda = S = clip((loss - eta + gamma) / (c * (G + 1)));
      const r = cvarStep({ theta, eta, loss, grad, beta, stepSize: gamma, method: 'spl+' });
      expect(Math.abs(r.eta - (eta - gamma + c * S))).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(eta)));
      theta.forEach((x, j) => expect(Math.abs(r.theta[j]! - (x - c * lambda * grad[j]!))).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(x))));
    }
  });
});
