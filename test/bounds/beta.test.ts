/**
 * β-CROWN subdomains: on seeded ReLU networks, every subdomain of a few levels of ReLU splitting is
 * bounded twice from the same boxes and the same starting slopes — with the β multipliers optimised
 * jointly with α, and with β held at 0 (α-CROWN on the clamped boxes). The β bound must never be
 * below the α bound, must be strictly above it on some subdomains, and both must hold for every one
 * of 10⁴ sampled inputs that satisfies the subdomain's split constraints (checked by a plain-TS
 * forward pass that also gives the pre-activations).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { computeBoundsWithPre, type PreActivations } from '../../bindings/bounds/bounds.js';
import { children, chooseNeuron, optimiseDomain, rootDomain, tightenRoot, type BetaDomain, type BetaSettings } from '../../bindings/bounds/beta.js';
import { init, parseNetwork, verifyNetwork, type NetworkSpec } from '../../bindings/index.js';
import { withScope } from '../../bindings/runtime/memory.js';
import { uniforms } from '../helpers.js';
import { randomNet } from './reference.js';

beforeAll(async () => {
  await init();
});

/** Every node's value of a chain of linear / relu / leaky-relu layers (slot j + 1 = layer j). */
function nodeValues(spec: NetworkSpec, x: number[]): number[][] {
  const vals: number[][] = [x];
  for (const L of spec.layers) {
    const v = vals[vals.length - 1]!;
    if (L.type === 'linear') {
      const W = L.weight as number[][];
      vals.push(W.map((row, i) => row.reduce((s, w, j) => s + w * v[j]!, (L.bias as number[])[i]!)));
    } else if (L.type === 'relu') vals.push(v.map((z) => Math.max(z, 0)));
    else if (L.type === 'leaky-relu') vals.push(v.map((z) => (z >= 0 ? z : L.alpha * z)));
    else throw new Error(`nodeValues: ${L.type}`);
  }
  return vals;
}

const SETTINGS: BetaSettings = { iterations: 20, rootIterations: 20, lrRoot: 0.1, intermediate: 0, lrAlpha: 0.5, lrBeta: 0.05, branching: 'fsb', candidates: 3 };
const never = (): boolean => false;

describe('β-CROWN subdomains', () => {
  it('β bounds ≥ α bounds on every split subdomain, strictly above on some, sound by sampling (10⁴ inputs)', () => {
    let strictly = 0;
    let compared = 0;
    let sampledChecks = 0;
    for (const [seed, acts] of [[1, ['relu']], [2, ['relu']], [3, ['leaky-relu', 'relu']], [4, ['relu']]] as const) {
      const spec = randomNet(seed, [4, 10, 10, 10, 2], [...acts]);
      const net = parseNetwork(spec);
      const u = uniforms(100 + seed);
      const c = Array.from({ length: 4 }, () => 2 * u() - 1);
      const region = { lower: Float64Array.from(c, (v) => v - 0.6), upper: Float64Array.from(c, (v) => v + 0.6) };
      const crow = Float64Array.from([1, -1]);
      const pre: PreActivations = new Map();
      computeBoundsWithPre(net, region, { method: 'crown', C: [Array.from(crow)] }, pre);
      const domains: BetaDomain[] = [];
      withScope('test', (s) => {
        const root = rootDomain(pre, 4);
        optimiseDomain(s, net, region, root, crow, SETTINGS.rootIterations, SETTINGS, never);
        let level = [root];
        for (let depth = 0; depth < 3; depth++) {
          const next: BetaDomain[] = [];
          for (const d of level) {
            const pick = chooseNeuron(s, net, region, d, crow, SETTINGS, never);
            if (!pick) continue;
            for (const kid of children(net, d, pick.layer, pick.neuron)) {
              // the same start for both: the parent's α, β = 0, no floor (β = 0 is α-CROWN's point)
              const withBeta = { ...kid, lower: -Infinity, beta: new Float64Array(kid.beta.length) };
              const alphaOnly = { ...kid, lower: -Infinity, beta: new Float64Array(kid.beta.length) };
              // β-CROWN: α-CROWN's steps, then as many joint α, β steps from their best point
              optimiseDomain(s, net, region, withBeta, crow, SETTINGS.iterations, SETTINGS, never, undefined, SETTINGS.iterations);
              optimiseDomain(s, net, region, alphaOnly, crow, SETTINGS.iterations, { ...SETTINGS, lrBeta: 0 }, never);
              expect(alphaOnly.beta.every((b) => b === 0)).toBe(true);
              expect(withBeta.lower).toBeGreaterThanOrEqual(alphaOnly.lower - 1e-9 * (1 + Math.abs(alphaOnly.lower)));
              if (withBeta.lower > alphaOnly.lower + 1e-6) strictly++;
              compared++;
              domains.push(withBeta, alphaOnly);
              next.push(withBeta);
            }
          }
          level = next;
        }
      });
      // soundness: every sample satisfying a subdomain's splits has crow·y ≥ its bound
      for (let t = 0; t < 10_000; t++) {
        const x = c.map((v) => v - 0.6 + 1.2 * u());
        const vals = nodeValues(spec, x);
        const y = vals[vals.length - 1]!;
        const f = crow[0]! * y[0]! + crow[1]! * y[1]!;
        for (const d of domains) {
          if (!d.splits.every((p) => (p.active ? vals[p.node + 1]![p.neuron]! >= 0 : vals[p.node + 1]![p.neuron]! <= 0))) continue;
          if (!(f >= d.lower - 1e-9 * (1 + Math.abs(f)))) expect.fail(`seed ${seed}: f(x) = ${f} below the subdomain's bound ${d.lower} (splits ${JSON.stringify(d.splits)})`);
          sampledChecks++;
        }
      }
    }
    expect(compared).toBeGreaterThan(40);
    expect(strictly).toBeGreaterThan(0);
    expect(sampledChecks).toBeGreaterThan(10_000);
  });

  it('the root boxes tightened over the intermediate slopes stay sound (10⁴ inputs) and are never looser than CROWN', () => {
    for (const seed of [5, 6]) {
      const spec = randomNet(seed, [3, 12, 12, 12, 1]);
      const net = parseNetwork(spec);
      const region = { lower: Float64Array.from([-1, -1, -1]), upper: Float64Array.from([1, 1, 1]) };
      const pre: PreActivations = new Map();
      computeBoundsWithPre(net, region, { method: 'crown' }, pre);
      const d = rootDomain(pre, 3);
      withScope('test', (s) => tightenRoot(s, net, region, d, 10, SETTINGS, never));
      let tighter = 0;
      for (const [i, { l, u }] of d.boxes) {
        const p = pre.get(i)!;
        l.forEach((v, j) => {
          expect(v).toBeGreaterThanOrEqual(p.l[j]!);
          expect(u[j]!).toBeLessThanOrEqual(p.u[j]!);
          if (v > p.l[j]! + 1e-9 || u[j]! < p.u[j]! - 1e-9) tighter++;
        });
      }
      expect(tighter).toBeGreaterThan(0);
      const rnd = uniforms(seed);
      for (let t = 0; t < 10_000; t++) {
        const vals = nodeValues(spec, [0, 1, 2].map(() => 2 * rnd() - 1));
        for (const [i, { l, u }] of d.boxes) {
          const z = vals[net.layers[i]!.inputs[0]! + 1]!;
          const out = z.findIndex((v, j) => !(v >= l[j]! - 1e-9 && v <= u[j]! + 1e-9));
          if (out >= 0) expect.fail(`layer ${i} neuron ${out}: ${z[out]} outside [${l[out]}, ${u[out]}]`);
        }
      }
    }
  });

  it('verifyNetwork with β-CROWN agrees with a dense grid on a 2-input net (verified just above the minimum, falsified just below)', () => {
    for (const seed of [7, 8, 9]) {
      const spec = randomNet(seed, [2, 16, 16, 1]);
      const net = parseNetwork(spec);
      const rnd = uniforms(seed);
      let min = Infinity;
      const G = 200;
      for (let a = 0; a <= G; a++) for (let b = 0; b <= G; b++) min = Math.min(min, nodeValues(spec, [-1 + (2 * a) / G, -1 + (2 * b) / G]).at(-1)![0]!);
      void rnd;
      const box = { lower: [-1, -1], upper: [1, 1] };
      // a node budget instead of a clock, so that the machine's load cannot change the verdict
      const budget = { timeout: Infinity, maxNodes: 20_000, reluSplitAfter: 0, pgd: { restarts: 0 } };
      const ok = verifyNetwork(net, box, { C: [[1]], d: [-min + 0.05] }, budget);
      expect(ok.verdict).toBe('verified');
      expect(ok.reluSplits).toBeGreaterThan(0);
      // falsified by the subdomains' minimisers x* or the PGD starts interleaved with the search
      const bad = verifyNetwork(net, box, { C: [[1]], d: [-min - 0.05] }, { ...budget, pgd: { restarts: 1 } });
      expect(bad.verdict).toBe('falsified');
      expect(bad.counterexample!.values[0]!).toBeLessThan(0);
    }
  });
});
