/**
 * Decentralized proximal learning: graphs (ring, torus, random regular) with a doubly-stochastic mixing matrix, gossip averaging,
 * gradient tracking, a proximal step with any ProxOperator, and compressed communication (top-k,
 * random-k, QSGD) with error feedback, as in DProxSGT / CDProxSGT.
 */
import { ParameterError, ProxkitError, ShapeError, describe, parameterError } from '../runtime/errors.js';
import { nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions } from '../runtime/validate.js';
import { Rng, checkSeed, shuffledOrder } from '../rng.js';
import type { ProxOperator } from '../prox/index.js';
import type { FedDataset } from './data.js';
import { softmaxRegression, lossAndGrad, evaluateRows, type FedModel } from './model.js';
import { SoftmaxRegressionWorkspace, gossipKernel } from './kernels.js';
import { readDataset, subSeed } from './simulate.js';

/** An undirected graph on nodes 0…n−1 as sorted neighbour lists (no self loops). */
export interface Graph {
  /** Number of nodes. */
  n: number;
  /** neighbors[i]: the nodes adjacent to i, increasing. */
  neighbors: number[][];
}

function fromEdges(n: number, edges: [number, number][]): Graph {
  const sets = Array.from({ length: n }, () => new Set<number>());
  for (const [a, b] of edges) if (a !== b) {
    sets[a]!.add(b);
    sets[b]!.add(a);
  }
  return { n, neighbors: sets.map((s) => [...s].sort((x, y) => x - y)) };
}

/** The ring (cycle) on n ≥ 1 nodes: i is adjacent to i ± 1 mod n. */
export function ringGraph(n: number): Graph {
  const k = positiveInteger('ringGraph', 'n', n);
  if (k > 1e5) throw parameterError('ringGraph', 'n', 'at most 100000 nodes', n);
  return fromEdges(k, Array.from({ length: k }, (_, i) => [i, (i + 1) % k] as [number, number]));
}

/** The rows × cols torus (2-D grid with wrap-around): node r·cols + c is adjacent to its 4 neighbours. */
export function torusGraph(rows: number, cols: number): Graph {
  const R = positiveInteger('torusGraph', 'rows', rows), C = positiveInteger('torusGraph', 'cols', cols);
  if (R * C > 1e5) throw parameterError('torusGraph', 'rows', 'rows · cols at most 100000', rows);
  const edges: [number, number][] = [];
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) {
    edges.push([r * C + c, r * C + ((c + 1) % C)], [r * C + c, ((r + 1) % R) * C + c]);
  }
  return fromEdges(R * C, edges);
}

/**
 * A uniformly drawn connected d-regular simple graph on n nodes (n·d even, 2 ≤ d < n; d = 1 only for
 * n = 2), by the Steger–Wormald pairing: each node has d "half-edges"; random pairs of remaining
 * half-edges are joined when they belong to two different, not yet adjacent nodes; a draw that gets
 * stuck or yields a disconnected graph is discarded and redrawn (seeded, so the result is a function
 * of (n, d, seed)). Its Metropolis matrix is W = (A + I)/(d + 1). `seed` (default 0) seeds the pairing.
 */
export function randomRegularGraph(n: number, degree: number, seed: number | bigint = 0): Graph {
  const fn = 'randomRegularGraph';
  const N = positiveInteger(fn, 'n', n);
  const d = positiveInteger(fn, 'degree', degree);
  if (N > 1e5) throw parameterError(fn, 'n', 'at most 100000 nodes', n);
  if (d >= N) throw parameterError(fn, 'degree', `less than n = ${N}`, degree);
  if ((N * d) % 2 !== 0) throw parameterError(fn, 'degree', `a value with n · degree even (n = ${N})`, degree);
  if (d === 1 && N > 2) throw parameterError(fn, 'degree', `at least 2 for n = ${N} (a 1-regular graph on more than 2 nodes is disconnected)`, degree);
  const R = new Rng(checkSeed(fn, seed, 'seed'));
  for (let attempt = 0; attempt < 1000; attempt++) {
    const g = pairing(R, N, d);
    if (g && connected(g)) return g;
  }
  // d = 2 on many nodes: a random 2-regular graph is a single cycle with probability ~ sqrt(π / 2n)
  throw new ProxkitError('ERR_CONVERGENCE', `${fn}: no connected ${d}-regular graph on ${N} nodes in 1000 seeded draws (use a larger degree, or ringGraph for degree 2)`);
}

/** One Steger–Wormald draw; null when it gets stuck (no suitable pair left). */
function pairing(R: Rng, n: number, d: number): Graph | null {
  const stubs = new Int32Array(n * d);
  for (let i = 0; i < stubs.length; i++) stubs[i] = Math.floor(i / d);
  let left = stubs.length;
  const adj = Array.from({ length: n }, () => new Set<number>());
  const take = (i: number) => {
    stubs[i] = stubs[left - 1]!;
    left--;
  };
  while (left > 0) {
    let joined = false;
    // random tries first (cheap); when they keep failing, check whether any suitable pair is left
    for (let tries = 0; tries < 64 && !joined; tries++) {
      const u = R.uniform(2);
      const i = Math.min(left - 1, Math.floor(u[0]! * left));
      const j = Math.min(left - 1, Math.floor(u[1]! * left));
      const a = stubs[i]!, b = stubs[j]!;
      if (i === j || a === b || adj[a]!.has(b)) continue;
      adj[a]!.add(b);
      adj[b]!.add(a);
      take(Math.max(i, j));
      take(Math.min(i, j));
      joined = true;
    }
    if (joined) continue;
    const suitable: [number, number][] = [];
    for (let i = 0; i < left; i++) for (let j = i + 1; j < left; j++) {
      const a = stubs[i]!, b = stubs[j]!;
      if (a !== b && !adj[a]!.has(b)) suitable.push([i, j]);
    }
    if (suitable.length === 0) return null;
    const [i, j] = suitable[Math.min(suitable.length - 1, Math.floor(R.uniform(1)[0]! * suitable.length))]!;
    const a = stubs[i]!, b = stubs[j]!;
    adj[a]!.add(b);
    adj[b]!.add(a);
    take(j);
    take(i);
  }
  return { n, neighbors: adj.map((s) => [...s].sort((x, y) => x - y)) };
}

function connected(g: Graph): boolean {
  const seen = new Uint8Array(g.n);
  const stack = [0];
  seen[0] = 1;
  let count = 1;
  while (stack.length) {
    for (const j of g.neighbors[stack.pop()!]!) if (!seen[j]) {
      seen[j] = 1;
      count++;
      stack.push(j);
    }
  }
  return count === g.n;
}

/**
 * The Metropolis–Hastings mixing matrix of a graph (n × n, row-major): W_ij = 1/(1 + max(deg i, deg j))
 * for each edge, W_ii = 1 − Σ_j W_ij. It is symmetric with non-negative entries and rows summing to 1,
 * hence doubly stochastic, and gossip x ← Wx keeps the mean of the nodes' vectors.
 */
export function mixingMatrix(graph: Graph): Float64Array {
  const g = readGraph('mixingMatrix', graph);
  const n = g.n;
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (const j of g.neighbors[i]!) {
      const w = 1 / (1 + Math.max(g.neighbors[i]!.length, g.neighbors[j]!.length));
      W[i * n + j] = w;
      off += w;
    }
    W[i * n + i] = 1 - off;
  }
  return W;
}

/** One gossip round: out_i = Σ_j W_ij x_j for the nodes' vectors x (all the same length). */
export function gossip(W: Float64Array, x: readonly Float64Array[]): Float64Array[] {
  const fn = 'gossip';
  if (!Array.isArray(x) || x.length === 0) throw parameterError(fn, 'x', 'a non-empty array of Float64Array (one per node)', x);
  const n = x.length;
  x.forEach((v, i) => {
    if (!(v instanceof Float64Array)) throw parameterError(fn, `x[${i}]`, 'a Float64Array', v);
    if (v.length !== x[0]!.length) throw new ShapeError(`${fn}: x[${i}] has length ${v.length}, x[0] has ${x[0]!.length}`);
  });
  if (!(W instanceof Float64Array) || W.length !== n * n) throw parameterError(fn, 'W', `a Float64Array of n² = ${n * n} entries`, W);
  for (let i = 0; i < W.length; i++) if (!Number.isFinite(W[i]!)) throw new ParameterError(`${fn}: W[${i}] must be finite (got ${W[i]})`);
  return mix(W, x);
}

/** x ← Wx through the WASM kernel (the same bits as {@link mixPlain}). */
function mix(W: Float64Array, x: readonly Float64Array[]): Float64Array[] {
  return gossipKernel('gossip', W, x);
}

/** x ← Wx in plain TS: the reference of the kernel (test and bench). */
export function mixPlain(W: Float64Array, x: readonly Float64Array[]): Float64Array[] {
  const n = x.length, len = x[0]!.length;
  return x.map((_, i) => {
    const out = new Float64Array(len);
    for (let j = 0; j < n; j++) {
      const w = W[i * n + j]!;
      if (w === 0) continue;
      const v = x[j]!;
      for (let k = 0; k < len; k++) out[k] = out[k]! + w * v[k]!;
    }
    return out;
  });
}

/** A compression operator C: ℝᵈ → ℝᵈ for communication (what a node sends instead of v). */
export interface Compressor {
  /** e.g. 'topK(0.4)'. */
  readonly name: string;
  /** Whether E[C(v)] = v (random-k, QSGD) or C is a biased contraction (top-k). */
  readonly unbiased: boolean;
  /** Entries (or levels) sent per coordinate, for reports: k/d for top-k and random-k. */
  readonly density: number;
  /** C(v) as a new array; random compressors draw from R. */
  compress(v: Float64Array, R: Rng): Float64Array;
}

function isCompressor(c: unknown): c is Compressor {
  if (c === null || typeof c !== 'object') return false;
  const k = c as Compressor;
  return typeof k.compress === 'function' && typeof k.name === 'string' && typeof k.unbiased === 'boolean'
    && typeof k.density === 'number' && k.density > 0 && k.density <= 1;
}

function fraction(fn: string, f: unknown): number {
  if (typeof f !== 'number' || !(f > 0 && f <= 1)) throw parameterError(fn, 'fraction', 'a number in (0, 1]', f);
  return f;
}
const kOf = (f: number, d: number): number => Math.max(1, Math.min(d, Math.round(f * d)));

/**
 * Top-k: keeps the k = round(fraction·d) entries of largest magnitude (ties: lower index first), zeros the
 * rest. Biased, but a contraction: ‖C(v) − v‖² ≤ (1 − k/d)‖v‖².
 */
export function topK(fraction_: number): Compressor {
  const f = fraction('topK', fraction_);
  return {
    name: `topK(${f})`, unbiased: false, density: f,
    compress(v) {
      const d = v.length, k = kOf(f, d);
      // the k-th largest magnitude by a numeric typed-array sort, then one pass in index order
      const mags = new Float64Array(d);
      for (let i = 0; i < d; i++) mags[i] = Math.abs(v[i]!);
      const thr = mags.slice().sort()[d - k]!;
      let above = 0;
      for (let i = 0; i < d; i++) if (mags[i]! > thr) above++;
      let ties = k - above;
      const out = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        if (mags[i]! > thr) out[i] = v[i]!;
        else if (mags[i] === thr && ties > 0) {
          out[i] = v[i]!;
          ties--;
        }
      }
      return out;
    },
  };
}

/** Random-k: k = round(fraction·d) coordinates drawn without replacement, scaled by d/k (unbiased: E[C(v)] = v). */
export function randomK(fraction_: number): Compressor {
  const f = fraction('randomK', fraction_);
  return {
    name: `randomK(${f})`, unbiased: true, density: f,
    compress(v, R) {
      const d = v.length, k = kOf(f, d);
      const pool = Int32Array.from({ length: d }, (_, i) => i);
      const u = R.uniform(k);
      const out = new Float64Array(d);
      for (let i = 0; i < k; i++) {
        const j = i + Math.min(d - 1 - i, Math.floor(u[i]! * (d - i)));
        const t = pool[i]!;
        pool[i] = pool[j]!;
        pool[j] = t;
        out[pool[i]!] = (v[pool[i]!]! * d) / k;
      }
      return out;
    },
  };
}

/**
 * QSGD with s levels (Alistarh et al., NeurIPS 2017): each entry becomes ‖v‖₂·sign(v_i)·ξ_i/s where
 * ξ_i is |v_i|/‖v‖·s rounded up with probability equal to its fractional part, down otherwise
 * (unbiased: E[C(v)] = v).
 */
export function qsgd(levels: number): Compressor {
  const s = positiveInteger('qsgd', 'levels', levels);
  return {
    name: `qsgd(${s})`, unbiased: true, density: 1,
    compress(v, R) {
      let sq = 0;
      for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
      const norm = Math.sqrt(sq);
      const out = new Float64Array(v.length);
      if (norm === 0) return out;
      const u = R.uniform(v.length);
      for (let i = 0; i < v.length; i++) {
        const r = (Math.abs(v[i]!) / norm) * s;
        const l = Math.floor(r);
        const xi = u[i]! < r - l ? l + 1 : l;
        out[i] = (Math.sign(v[i]!) * norm * xi) / s;
      }
      return out;
    },
  };
}

/** A compressor with error feedback, made by {@link errorFeedback}. */
export interface ErrorFeedback {
  /** What has not been sent yet (null before the first call). */
  readonly residual: Float64Array | null;
  /** Sends C(residual + v) and keeps the rest as the new residual. */
  compress(v: Float64Array, R: Rng): Float64Array;
}

/**
 * Error feedback around a compressor: keeps the residual e of what was not sent; each call sends
 * c = C(e + v) and keeps e ← e + v − c, so over any number of calls Σ sent = Σ v − e (nothing is lost,
 * only delayed).
 */
export function errorFeedback(compressor: Compressor): ErrorFeedback {
  if (!isCompressor(compressor)) throw parameterError('errorFeedback', 'compressor', 'a Compressor (topK, randomK, qsgd)', compressor);
  let e: Float64Array | null = null;
  return {
    get residual() {
      return e;
    },
    compress(v, R) {
      if (e === null) e = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) e[i] = e[i]! + v[i]!;
      const c = compressor.compress(e, R);
      for (let i = 0; i < v.length; i++) e[i] = e[i]! - c[i]!;
      return c;
    },
  };
}

/** Metrics of {@link decentralizedTrain} at an evaluation step. */
export interface DecentralizedProgress {
  /** Steps done. */
  step: number;
  /** Mean cross-entropy of the node-average model over every node's training rows. */
  trainLoss: number;
  /** Test accuracy of the node-average model over every node's test rows. */
  testAccuracy: number;
  /** (1/n) Σ_i ‖x_i − x̄‖²: how far the nodes are from consensus. */
  consensusError: number;
  /** Mean fraction of non-zero entries of the nodes' iterates right after their proximal step. */
  density: number;
}

/** Options of {@link decentralizedTrain}. */
export interface DecentralizedOptions {
  /** The communication graph (default ringGraph(number of nodes)). */
  graph?: Graph;
  /** The model (default softmaxRegression). */
  model?: FedModel;
  /** Steps (default 500). */
  steps?: number;
  /** Minibatch size per node (default 32). */
  batchSize?: number;
  /** Step size η (default 0.05). */
  learningRate?: number;
  /** Gradient tracking (DProxSGT) when true (default); plain decentralized proximal SGD when false. */
  tracking?: boolean;
  /** Regularizer r with its prox: every step x ← prox_{η r}(x − η d) (default none). */
  prox?: ProxOperator;
  /** Compress what the nodes exchange (default: exact gossip). */
  compressor?: Compressor;
  /** Consensus step γ ∈ (0, 1] of compressed gossip (default 1 exact, 0.5 compressed). */
  gamma?: number;
  /** Seed of the minibatch orders and of random compressors (default 0). */
  seed?: number | bigint;
  /** Evaluate every this many steps and after the last (default 50). */
  evalEvery?: number;
  /** Called after every evaluation; return false to stop. */
  onProgress?: (info: DecentralizedProgress) => boolean | void;
}

/** Result of {@link decentralizedTrain}. */
export interface DecentralizedResult {
  /** Each node's final parameters (after its last gossip). */
  params: Float64Array[];
  /** The node average x̄. */
  average: Float64Array;
  /** Steps done. */
  iterations: number;
  /** One entry per evaluation. */
  history: DecentralizedProgress[];
}

/**
 * Decentralized proximal stochastic gradient training over a graph, each node holding one client of
 * `data`. With tracking (DProxSGT: Xin et al., "Compressed Decentralized Proximal Stochastic Gradient
 * Method for Nonconvex Composite Problems with Heterogeneous Data", ICML 2023), each step:
 * y_i ← y_i + g_i(x_i) − g_i(x_i^prev), y ← gossip(y); x_i ← prox_{ηr}(x_i − η y_i); x ← gossip(x).
 * Without tracking: x_i ← prox_{ηr}(x_i − η g_i(x_i)), x ← gossip(x). With a compressor (CDProxSGT),
 * gossip is compressed with error feedback through public copies x̂: each node sends
 * q_i = C(x_i − x̂_i), all set x̂_i += q_i, and x_i ← x_i + γ Σ_j W_ij (x̂_j − x̂_i) (the same for y).
 * Minibatches: per node, consecutive batches of a fresh seeded shuffle of its rows every epoch.
 *
 * Defaults: ring graph, softmaxRegression, steps 500, batchSize 32, learningRate 0.05, tracking true,
 * no prox, no compressor, gamma 1 (0.5 when compressed), seed 0, evalEvery 50.
 */
export function decentralizedTrain(data: FedDataset, options?: DecentralizedOptions): DecentralizedResult {
  const fn = 'decentralizedTrain';
  const { dim, clients } = readDataset(fn, data);
  const n = clients.length;
  const o = readOptions(fn, options, optionKeys<DecentralizedOptions>({
    graph: true, model: true, steps: true, batchSize: true, learningRate: true, tracking: true, prox: true, compressor: true, gamma: true, seed: true, evalEvery: true, onProgress: true,
  }));
  const graph = o.graph === undefined ? ringGraph(n) : readGraph(fn, o.graph, 'options.graph');
  if (graph.n !== n) throw new ShapeError(`${fn}: options.graph has ${graph.n} nodes but data has ${n} clients`);
  const W = mixingMatrix(graph);
  const model = o.model ?? softmaxRegression(dim, data.classes);
  if (model === null || typeof model !== 'object' || typeof model.logits !== 'function' || typeof model.init !== 'function') throw parameterError(fn, 'options.model', 'a FedModel (softmaxRegression(), mlpClassifier())', model);
  if (model.shapes[0]![0] !== dim) throw new ShapeError(`${fn}: options.model takes ${model.shapes[0]![0]} inputs but the clients' rows have ${dim} features`);
  const steps = nonNegativeInteger(fn, 'options.steps', o.steps ?? 500);
  const batch = positiveInteger(fn, 'options.batchSize', o.batchSize ?? 32);
  const lr = o.learningRate ?? 0.05;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || !(lr > 0)) throw parameterError(fn, 'options.learningRate', 'a finite number > 0', lr);
  const tracking = o.tracking ?? true;
  if (typeof tracking !== 'boolean') throw parameterError(fn, 'options.tracking', 'a boolean', tracking);
  const prox = o.prox;
  if (prox !== undefined && (prox === null || typeof prox !== 'object' || typeof prox.prox !== 'function' || typeof prox.value !== 'function')) throw parameterError(fn, 'options.prox', 'a ProxOperator (e.g. normL1(1e-3))', prox);
  const comp = o.compressor;
  if (comp !== undefined && !isCompressor(comp)) throw parameterError(fn, 'options.compressor', 'a Compressor (topK, randomK, qsgd)', comp);
  const gamma = o.gamma ?? (comp ? 0.5 : 1);
  if (typeof gamma !== 'number' || !(gamma > 0 && gamma <= 1)) throw parameterError(fn, 'options.gamma', 'a number in (0, 1]', gamma);
  const seed = checkSeed(fn, o.seed ?? 0, 'options.seed');
  const evalEvery = positiveInteger(fn, 'options.evalEvery', o.evalEvery ?? 50);
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  for (let i = 0; i < n; i++) if (clients[i]!.y.length === 0) throw new ParameterError(`${fn}: data.clients[${i}] has no training rows (every node needs data)`);

  const x0 = model.init();
  let x: Float64Array[] = clients.map(() => x0.slice());
  let y: Float64Array[] = clients.map(() => new Float64Array(model.size));
  let gPrev: Float64Array[] = clients.map(() => new Float64Array(model.size));
  const hatX = clients.map(() => new Float64Array(model.size));
  const hatY = clients.map(() => new Float64Array(model.size));
  const commR = new Rng(subSeed(seed, 1 << 30));
  const nodeR = clients.map((_, i) => new Rng(subSeed(seed, i)));
  const orders: Int32Array[] = clients.map(() => new Int32Array(0));
  const cursor = new Int32Array(n);
  const ws = model.kernel === 'softmaxRegression' ? clients.map((c) => new SoftmaxRegressionWorkspace(fn, c.X, c.y, dim, data.classes, Math.min(batch, c.y.length))) : null;
  const history: DecentralizedProgress[] = [];
  let density = 1, done = 0;

  const exchange = (v: Float64Array[], hat: Float64Array[]): Float64Array[] => {
    if (!comp) return mix(W, v);
    for (let i = 0; i < n; i++) {
      const diff = v[i]!.map((a, k) => a - hat[i]![k]!);
      const q = comp.compress(diff, commR);
      for (let k = 0; k < q.length; k++) hat[i]![k] = hat[i]![k]! + q[k]!;
    }
    const mixed = mix(W, hat);
    return v.map((vi, i) => vi.map((a, k) => a + gamma * (mixed[i]![k]! - hat[i]![k]!)));
  };

  try {
    for (let t = 0; t < steps; t++) {
      const grads = clients.map((c, i) => {
        const m = c.y.length;
        if (cursor[i]! >= orders[i]!.length) {
          orders[i] = shuffledOrder(nodeR[i]!, m);
          cursor[i] = 0;
        }
        const rows = orders[i]!.subarray(cursor[i]!, Math.min(m, cursor[i]! + batch));
        cursor[i] = cursor[i]! + rows.length;
        if (ws) {
          const g = new Float64Array(model.size);
          ws[i]!.lossAndGrad(x[i]!, rows, g);
          return g;
        }
        return lossAndGrad(model, x[i]!, c.X, c.y, dim, rows).grad;
      });
      let dir = grads;
      if (tracking) {
        y = y.map((yi, i) => yi.map((v, k) => v + grads[i]![k]! - gPrev[i]![k]!));
        gPrev = grads;
        y = exchange(y, hatY);
        dir = y;
      }
      let nz = 0;
      const half = x.map((xi, i) => {
        const z = xi.map((v, k) => v - lr * dir[i]![k]!);
        const p = prox ? prox.prox(z, lr, z) : z;
        if (!(p instanceof Float64Array) || p.length !== z.length) throw parameterError(fn, 'options.prox', `an operator whose prox returns a Float64Array of length ${z.length}`, p);
        for (let k = 0; k < p.length; k++) if (p[k] !== 0) nz++;
        return p;
      });
      density = nz / (n * model.size);
      x = exchange(half, hatX);
      done = t + 1;
      if (done % evalEvery === 0 || done === steps) {
        const info = evaluateNodes(model, x, data, dim, done, density);
        history.push(info);
        if (onProgress && onProgress(info) === false) break;
      }
    }
  } finally {
    ws?.forEach((w) => w.release());
  }
  return { params: x, average: meanOf(x), iterations: done, history };
}

function meanOf(x: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(x[0]!.length);
  for (const v of x) for (let k = 0; k < out.length; k++) out[k] = out[k]! + v[k]!;
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / x.length;
  return out;
}

function evaluateNodes(model: FedModel, x: Float64Array[], data: FedDataset, dim: number, step: number, density: number): DecentralizedProgress {
  const avg = meanOf(x);
  let loss = 0, n = 0, correct = 0, nTest = 0;
  for (const c of data.clients) {
    if (c.y.length) {
      loss += evaluateRows(model, avg, c.X, c.y, dim).lossSum;
      n += c.y.length;
    }
    if (c.testY.length) {
      correct += evaluateRows(model, avg, c.testX, c.testY, dim).correct;
      nTest += c.testY.length;
    }
  }
  let cons = 0;
  for (const v of x) for (let k = 0; k < v.length; k++) cons += (v[k]! - avg[k]!) ** 2;
  return { step, trainLoss: loss / n, testAccuracy: nTest ? correct / nTest : NaN, consensusError: cons / x.length, density };
}

function readGraph(fn: string, g: unknown, name = 'graph'): Graph {
  if (g === null || typeof g !== 'object' || !Array.isArray((g as Graph).neighbors)) throw parameterError(fn, name, 'a Graph { n, neighbors } (ringGraph, torusGraph)', g);
  const { n, neighbors } = g as Graph;
  positiveInteger(fn, `${name}.n`, n);
  if (neighbors.length !== n) throw new ShapeError(`${fn}: ${name}.neighbors must have n = ${n} lists (got ${neighbors.length})`);
  neighbors.forEach((list, i) => {
    if (!Array.isArray(list)) throw parameterError(fn, `${name}.neighbors[${i}]`, 'an array of node indices', list);
    for (const j of list) {
      if (!Number.isInteger(j) || j < 0 || j >= n || j === i) throw new ParameterError(`${fn}: ${name}.neighbors[${i}] must hold indices of other nodes in 0…${n - 1} (got ${describe(j)})`);
      if (!neighbors[j]!.includes(i)) throw new ParameterError(`${fn}: ${name} must be undirected: ${j} is a neighbour of ${i} but not the reverse`);
    }
  });
  return g as Graph;
}
