/**
 * Demo section `policy`: Nash learning from preferences by Mirror Prox on rock–paper–scissors and on a
 * random intransitive preference matrix (against Nash-MD and online mirror descent), LOOP against
 * REINFORCE-LOO and PPO with a value network on a contextual bandit, and the sampled Nash-MP of a
 * softmax policy against a judge (full demo).
 */
import {
  banditTrain, contextualBandit, nashMirrorDescent, nashMirrorProx, nashOnlineMirrorDescent, nashPolicyTrain, preferenceTask,
  randomPreferenceMatrix, rockPaperScissors,
} from '../index.js';
import { lineFigure, type Series } from '../plot/svg.js';
import { writeOutput, type DemoContext, type DemoSection } from './context.js';

async function run(ctx: DemoContext): Promise<void> {
  const quick = ctx.quick === true;
  const rps = nashMirrorProx(rockPaperScissors(), { beta: 0.1, init: [0.7, 0.2, 0.1] });
  ctx.log(`  rock–paper–scissors, β = 0.1, from (0.7, 0.2, 0.1): Nash-MP reaches (${Array.from(rps.pi, (p) => p.toFixed(6)).join(', ')}) in ${rps.iterations} iterations (residual ${rps.residual.toExponential(1)})`);

  const n = quick ? 100 : 1000;
  const P = randomPreferenceMatrix(n, { seed: ctx.seed });
  const nash: Series[] = [];
  for (const [name, f] of [['Nash-MP', nashMirrorProx], ['OMD', nashOnlineMirrorDescent], ['Nash-MD', nashMirrorDescent]] as const) {
    const t0 = performance.now();
    const r = f(P, { beta: 0.1, eta: 2, maxIter: 400 });
    const ms = performance.now() - t0;
    ctx.log(`  random ${n} × ${n} preferences, β = 0.1, η = 2: ${name} ${r.converged ? `reaches residual 1e-10 in ${r.iterations} iterations (${r.queries} queries)` : `stops at residual ${r.residual.toExponential(2)} after ${r.iterations} iterations`}, ${ms.toFixed(0)} ms`);
    nash.push({ name, x: Array.from(r.history.residual, (_, i) => i), y: Array.from(r.history.residual) });
  }

  const bandit = contextualBandit({ seed: ctx.seed });
  const samples = quick ? 1280 : 6400;
  const regret: Series[] = [];
  const methods = [
    { label: 'REINFORCE-LOO (k = 4)', method: 'reinforce' as const, k: 4 },
    { label: 'LOOP (k = 4)', method: 'loop' as const, k: 4 },
    ...(quick ? [] : [{ label: 'PPO + value network', method: 'ppo' as const, k: 1 }]),
  ];
  for (const m of methods) {
    const r = banditTrain(bandit, { method: m.method, k: m.k, samples, seed: ctx.seed });
    ctx.log(`  bandit (d = 5, K = 10), ${samples} reward samples: ${m.label} regret ${r.history.regret[0]!.toFixed(3)} → ${r.history.regret.at(-1)!.toFixed(3)}, ${r.elapsedMs.toFixed(0)} ms${r.valueParameters ? ` (+ ${r.valueParameters} value-network weights)` : ''}`);
    regret.push({ name: m.label, x: r.history.samples, y: r.history.regret });
  }

  const panels: { title: string; x: { label: string }; y: { label: string; scale: 'log' | 'linear' }; series: Series[] }[] = [
    { title: `Nash learning, ${n} responses, β = 0.1`, x: { label: 'iteration' }, y: { label: '‖π − softmax(log μ + Pπ/β)‖₁', scale: 'log' }, series: nash },
    { title: 'contextual bandit', x: { label: 'reward samples' }, y: { label: 'regret', scale: 'log' }, series: regret },
  ];
  if (!quick) {
    const task = preferenceTask({ seed: ctx.seed });
    const r = nashPolicyTrain(task, { iterations: 15, seed: ctx.seed });
    ctx.log(`  sampled Nash-MP, linear softmax policy over 10 responses, intransitive judge: win rate against the reference ${r.history.winRate[0]!.toFixed(3)} → ${r.history.winRate.at(-1)!.toFixed(3)}, mean exploitability ${r.history.exploitability[0]!.toFixed(3)} → ${r.history.exploitability.at(-1)!.toFixed(3)} after ${r.history.queries.at(-1)} judge queries (${(r.elapsedMs / 1000).toFixed(1)} s)`);
    panels.push({ title: 'sampled Nash-MP: win rate vs the reference', x: { label: 'judge queries' }, y: { label: 'win rate', scale: 'linear' }, series: [{ name: 'Nash-MP (softmax policy)', x: r.history.queries, y: r.history.winRate }] });
  }
  writeOutput(ctx, 'proxkit-policy.svg', lineFigure({
    title: `Preference and policy optimisation${quick ? ' (quick tour)' : ''}`,
    columns: panels.length,
    width: 320 * panels.length,
    panels,
    caption: 'Left: fixed-point residual of the β-regularised preference game per iteration on a random intransitive preference matrix (Nash-MD with a constant step levels off above 0). Middle: held-out regret of a linear softmax policy; LOOP reuses each batch for 4 clipped steps, REINFORCE takes one.',
  }), 'SVG figure: Nash residuals and bandit regret');
}

export const policyDemo: DemoSection = { name: 'policy', title: 'Nash learning from preferences (Mirror Prox) and LOOP', run };
