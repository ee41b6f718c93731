// The seeded computations whose outputs must be bit-identical in Node and in the browser. Plain
// JavaScript (no TypeScript, no imports) so that the browser spec can serve this very file to the
// page and import it in Node: both sides run the same code against the same dist/index.js.

/** The little-endian bytes of a typed array (the view's window only). */
function bytes(x) {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

/** The layers of a ReLU MLP spec: linear maps input → widths[0] → … with N(0, 1) weights and biases drawn from g in order, ReLU between them. */
function reluLayers(g, input, widths) {
  const layers = [];
  let width = input;
  widths.forEach((out, k) => {
    layers.push({ type: 'linear', weight: Array.from(g.normal(out * width)), shape: [out, width], bias: Array.from(g.normal(out)) });
    if (k < widths.length - 1) layers.push({ type: 'relu' });
    width = out;
  });
  return layers;
}

/**
 * Runs the fixed workload with `lib` (the proxkit module) and `sha256` (bytes → Promise<hex>).
 * Returns { digests: { name: hex }, summary: { name: number } }; the summary holds counts and sums
 * that show the outputs are not trivial (all zero, all equal, …).
 */
export async function workload(lib, sha256) {
  const { init, rng, softThreshold, projectSimplex } = lib;
  await init();
  const digests = {};
  const summary = {};
  for (const seed of [1, 2, 3]) {
    const v = rng(seed).normal(100000);
    const a = softThreshold(v, 0.5);
    const b = projectSimplex(v, 3);
    const u = rng(seed).uniform(1000);
    digests[`normal/${seed}`] = await sha256(bytes(v));
    digests[`softThreshold/${seed}`] = await sha256(bytes(a));
    digests[`projectSimplex/${seed}`] = await sha256(bytes(b));
    digests[`uniform/${seed}`] = await sha256(bytes(u));
    summary[`softThreshold/${seed}/nonzero`] = a.filter((q) => q !== 0).length;
    summary[`projectSimplex/${seed}/support`] = b.filter((q) => q > 0).length;
    summary[`projectSimplex/${seed}/sum`] = b.reduce((s, q) => s + q, 0);
    summary[`uniform/${seed}/distinct`] = new Set(u).size;
  }
  // The chain `proxkit demo` prints (seed 42), so its SHA-256 line can be checked against a browser.
  const x = projectSimplex(softThreshold(rng(42).normal(100000), 1), 10);
  digests['demo/42'] = await sha256(bytes(x));

  // One seeded output per family: exp/log and every reduction run inside WASM or in plain JS
  // arithmetic, so Chromium and Node must agree bit for bit here too.
  const g = rng(7);
  const pts = (n) => ({ data: g.uniform(2 * n), rows: n, cols: 2 });
  const X = pts(40);
  const Y = pts(50);
  const M = lib.costMatrix(X, Y);
  const a = new Float64Array(40).fill(1 / 40);
  const b = new Float64Array(50).fill(1 / 50);
  const plan = lib.sinkhorn(a, b, M, { reg: 1e-3, method: 'log' }).plan;
  digests['ot/sinkhorn-log'] = await sha256(bytes(plan));
  // the f32 SIMD path (f32x4 lane sums, the vectorised exp): a Float32Array plan and its cost
  const p32 = lib.sinkhorn(a, b, M, { reg: 0.05, maxIter: 200, precision: 'f32' });
  digests['ot/sinkhorn-f32'] = await sha256(bytes(p32.plan));
  summary['ot/sinkhorn-f32-cost'] = p32.cost;
  digests['ot/emd'] = await sha256(bytes(lib.emd(a, b, M).plan));
  digests['ot/sliced'] = await sha256(bytes(Float64Array.of(lib.slicedWasserstein(X, Y, { projections: 20, seed: 3 }))));
  // Gaussian bumps, e^{−r²/2} taken in WASM (nn.exp): the inputs must have the same bits in both engines too
  const img = (shift) => {
    const r2 = Float64Array.from({ length: 64 }, (_, k) => -(((k >> 3) - 3) ** 2 + ((k & 7) - shift) ** 2) / 2);
    return lib.nn.scope(() => lib.nn.exp(lib.nn.tensor(r2)).toArray());
  };
  const imgs = [img(2), img(5)].map((v) => v.map((q) => q / v.reduce((s, t) => s + t, 0)));
  digests['ot/convolutionalBarycenter'] = await sha256(bytes(lib.convolutionalBarycenter(imgs, 8, 8, { reg: 0.02 }).barycenter));
  summary['ot/plan-sum'] = plan.reduce((s, q) => s + q, 0);
  const net = { input: 6, layers: reluLayers(g, 6, [16, 16, 3]) };
  const region = { center: new Float64Array(6).fill(0.1), radius: 0.2, norm: 'inf' };
  for (const method of ['ibp', 'crown', 'alpha-crown']) {
    const r = lib.computeBounds(net, region, { method });
    digests[`bounds/${method}`] = await sha256(bytes(Float64Array.from([...r.lower, ...r.upper])));
  }
  const T = { data: g.normal(6 * 7 * 8), shape: [6, 7, 8] };
  digests['tucker/hooi'] = await sha256(bytes(lib.hooi(T, [2, 3, 3]).core.data));
  digests['cvar'] = await sha256(bytes(Float64Array.of(lib.cvar(g.normal(10001), 0.95))));

  // nn: a short seeded training run (initialisation, shuffles, gelu MLP, softmax cross-entropy, AdamW),
  // in f64 and in f32: the final weights must have the same bits in both engines.
  const { nn } = lib;
  const Xn = Array.from({ length: 64 }, () => Array.from(g.normal(4)));
  const yn = Xn.map((r) => (r[0] * r[1] > 0 ? 1 : 0) + (r[2] > 0.5 ? 1 : 0));
  for (const dtype of ['f64', 'f32']) {
    const p = nn.initMlp([4, 16, 16, 3], { seed: 11, dtype });
    const r = nn.train(
      { params: p, loss: (q, x, y) => nn.softmaxCrossEntropy(nn.mlp(q, x, { activation: 'gelu' }), y) },
      { X: Xn, y: yn },
      { epochs: 5, batchSize: 8, seed: 12, dtype, optimizer: nn.adamw({ learningRate: 0.01 }) },
    );
    const w = p.layers.flatMap((l) => [...l.W.toArray(), ...l.b.toArray()]);
    digests[`nn/train-${dtype}`] = await sha256(bytes(dtype === 'f64' ? Float64Array.from(w) : Float32Array.from(w)));
    summary[`nn/train-${dtype}/loss-drop`] = r.history[0].loss - r.history[4].loss;
    for (const l of p.layers) (l.W.free(), l.b.free());
  }

  // nn transformer LM: 20 seeded trainLm steps (embeddings, causal attention, SwiGLU, RMSNorm, Adam),
  // in f64 and f32, then a seeded sample: every weight, loss and sampled token must match bit for bit.
  const text = 'In the beginning God created the heaven and the earth. And the earth was without form, and void. ';
  const tok = nn.charTokenizer(text);
  const stream = tok.encode(text.repeat(3));
  const samples = [];
  for (const dtype of ['f64', 'f32']) {
    const P = nn.initTransformer(tok.size, { contextLength: 16, dModel: 16, heads: 2, layers: 2, dFF: 48, ffn: 'swiglu', seed: 21, dtype });
    const r = nn.trainLm(P, stream, { steps: 20, batchSize: 4, seed: 22, optimizer: nn.adam({ learningRate: 0.01 }) });
    const leaves = [P.tokenEmbedding, P.positionEmbedding, P.output, P.finalNorm.gamma, ...P.blocks.flatMap((b) => [b.norm1.gamma, b.norm2.gamma, b.attn.Wq, b.attn.Wk, b.attn.Wv, b.attn.Wo, b.ffn.W, b.ffn.V, b.ffn.W2])];
    const w = leaves.flatMap((t) => [...t.toArray()]);
    digests[`nn/trainLm-${dtype}`] = await sha256(bytes(dtype === 'f64' ? Float64Array.from(w) : Float32Array.from(w)));
    digests[`nn/trainLm-${dtype}/losses`] = await sha256(bytes(r.losses));
    samples.push(...nn.sampleLm(P, tok.encode('And God'), { length: 24, temperature: 0.8, topK: 5, seed: 23 }));
    summary[`nn/trainLm-${dtype}/loss-drop`] = r.losses[0] - r.losses[19];
    nn.freeTransformer(P);
  }
  // one digest for both samples: the f64 and f32 models may well draw the same tokens
  const ids = Int32Array.from(samples);
  digests['nn/sampleLm'] = await sha256(new Uint8Array(ids.buffer));

  // policy: Nash-MP (mat-vecs, exp/log in WASM), a seeded LOOP run on the bandit (sampling, Bernoulli
  // rewards, clipped steps on nn's tape) and two iterations of the sampled Nash-MP against the judge
  const nash = lib.nashMirrorProx(lib.randomPreferenceMatrix(50, { seed: 5 }), { beta: 0.05 });
  digests['policy/nashMirrorProx'] = await sha256(bytes(nash.pi));
  summary['policy/nashMirrorProx/iterations'] = nash.iterations;
  const bandit = lib.banditTrain(lib.contextualBandit({ dim: 3, arms: 4, evalContexts: 20, seed: 2 }), { method: 'loop', samples: 256, batchSize: 32, seed: 3 });
  digests['policy/banditTrain'] = await sha256(bytes(bandit.theta));
  summary['policy/banditTrain/regret-drop'] = bandit.history.regret[0] - bandit.history.regret.at(-1);
  const judged = lib.nashPolicyTrain(lib.preferenceTask({ dim: 3, responses: 4, evalPrompts: 5, seed: 4 }), { iterations: 2, innerSteps: 3, batchSize: 16, seed: 6 });
  digests['policy/nashPolicyTrain'] = await sha256(bytes(judged.theta));
  // forecast: the FFT, a small Super-Linear (synthetic pretraining, spectral gate, forecast) and a tensor-GP fit
  const spectrum = lib.rfft(rng(31).normal(1000));
  digests['forecast/rfft'] = await sha256(bytes(Float64Array.from([...spectrum.re, ...spectrum.im])));
  const week = [1, 3, 2, 0, -1, -2, -3];
  const wiggle = rng(32).normal(200);
  const weekly = Float64Array.from({ length: 200 }, (_, t) => week[t % 7] + 0.2 * wiggle[t]);
  const superLinear = lib.pretrainSuperLinear({ lookback: 32, horizon: 4, periods: [4, 7, 12], samplesPerExpert: 8, gateEpochs: 2, seed: 5 });
  digests['forecast/superLinear'] = await sha256(bytes(superLinear.forecast(weekly, 8)));
  const images = lib.simulateImageRegression({ n: 8, size: 8, channels: 2, seed: 4 });
  digests['forecast/tensorGp'] = await sha256(bytes(lib.fitTensorGp(images.X, images.y, { maxIter: 2 }).predict(images.X).mean));

  // Library code with scalar exp/log in its own loops (taken from WASM, not JavaScript's Math): the
  // logistic CVaR reference, the logistic loss prox's value, the exponential cone's projection, the
  // baryconvex prox in the entropic geometry and bounds through smooth activations.
  const h = rng(61);
  const Xc = h.normal(80 * 3);
  // a linear rule with every tenth label flipped (not separable: a finite logistic optimum, away from 0 at β = 0.3)
  const yc = Array.from({ length: 80 }, (_, i) => (Xc[3 * i] - 0.5 * Xc[3 * i + 1] > 0 ? 1 : -1) * (i % 10 === 0 ? -1 : 1));
  const ref = lib.cvarReference({ X: { data: Xc, rows: 80, cols: 3 }, y: yc, loss: 'logistic', beta: 0.3 });
  digests['cvar/cvarReference-logistic'] = await sha256(bytes(Float64Array.of(ref.objective, ref.lowerBound, ...ref.weights, ref.intercept, ref.eta)));
  summary['cvar/cvarReference-logistic/objective'] = ref.objective;
  summary['cvar/cvarReference-logistic/weight0'] = ref.weights[0];
  const row = h.normal(6);
  const pts6 = h.normal(6 * 50);
  const lossValues = new Float64Array(100);
  for (const [k, label] of [[0, 1], [1, -1]]) {
    const f = lib.lossProx('logistic', row, label);
    for (let i = 0; i < 50; i++) lossValues[50 * k + i] = f.value(pts6.subarray(6 * i, 6 * i + 6));
  }
  digests['prox/lossProx-logistic-value'] = await sha256(bytes(lossValues));
  const conePts = h.normal(3 * 300);
  const projected = lib.indExpCone().prox(conePts);
  digests['prox/indExpCone'] = await sha256(bytes(projected));
  summary['prox/indExpCone/moved'] = projected.filter((q, i) => q !== conePts[i]).length;
  const centres = [h.normal(5), h.normal(5), h.normal(5)];
  const quadratics = centres.map((c) => ({
    value: (x) => c.reduce((t, cj, j) => t + 0.5 * (x[j] - cj) * (x[j] - cj), 0),
    gradient: (x, g) => {
      for (let j = 0; j < 5; j++) g[j] = x[j] - c[j];
    },
    lipschitz: 1,
  }));
  const bary = lib.bregmanBaryconvexProx(quadratics, [0.1, 0.15, 0.2, 0.25, 0.3], [0.2, 0.3, 0.5], 0.7, { geometry: 'kl' });
  digests['saddle/bregmanBaryconvexProx-kl'] = await sha256(bytes(Float64Array.from([...bary.x, ...bary.w])));
  summary['saddle/bregmanBaryconvexProx-kl/iterations'] = bary.iterations;
  const smoothLayers = [];
  let wide = 4;
  for (const [out, act] of [[8, { type: 'softplus' }], [8, { type: 'elu', alpha: 0.7 }], [6, { type: 'erf' }], [6, { type: 'gelu' }], [2, null]]) {
    smoothLayers.push({ type: 'linear', weight: Array.from(h.normal(out * wide)), shape: [out, wide], bias: Array.from(h.normal(out)) });
    if (act) smoothLayers.push(act);
    wide = out;
  }
  const smoothBox = { center: new Float64Array(4).fill(0.2), radius: 0.3, norm: 'inf' };
  const smoothBounds = ['ibp', 'crown', 'alpha-crown'].flatMap((method) => {
    const r = lib.computeBounds({ input: 4, layers: smoothLayers }, smoothBox, { method });
    return [...r.lower, ...r.upper];
  });
  digests['bounds/smooth-activations'] = await sha256(bytes(Float64Array.from(smoothBounds)));

  // Library code whose pow, log, sin and cos now come from WASM instead of JavaScript's Math: β-CROWN's
  // Adam corrections and step decay, cp's column balancing and line search, W_p for p ∉ {1, 2}, the KL
  // operator's value, power iteration's start (operatorNorm, pdhg), LV-HBA's penalty weight, and the
  // federated synthetic data (exp/log/pow through nn) with a short FedProx run.
  const q = rng(71);
  const reluNet = lib.parseNetwork({ input: 2, layers: reluLayers(q, 2, [12, 12, 1]) });
  const reluBox = { lower: [-1, -1], upper: [1, 1] };
  let gridMin = Infinity;
  for (let a = 0; a <= 40; a++) for (let b = 0; b <= 40; b++) gridMin = Math.min(gridMin, lib.evaluateNetwork(reluNet, [-1 + a / 20, -1 + b / 20])[0]);
  const alphaLower = lib.computeBounds(reluNet, reluBox, { method: 'alpha-crown' }).lower[0];
  // a threshold between the α-CROWN bound and the sampled minimum: deciding it takes ReLU splits
  const threshold = (alphaLower + gridMin) / 2;
  const beta = lib.verifyNetwork(reluNet, reluBox, { C: [[1]], d: [-threshold] }, { timeout: Infinity, maxNodes: 2000, reluSplitAfter: 0, pgd: { restarts: 0 } });
  digests['bounds/beta-crown'] = await sha256(bytes(Float64Array.of(['verified', 'falsified', 'unknown'].indexOf(beta.verdict), beta.nodes, beta.reluSplits, alphaLower, ...(beta.counterexample?.x ?? []))));
  summary['bounds/beta-crown/reluSplits'] = beta.reluSplits;
  const cpT = { data: q.normal(5 * 6 * 7), shape: [5, 6, 7] };
  const cpRes = lib.cp(cpT, 3, { init: 'random', seed: 5, maxIter: 30 });
  digests['tucker/cp'] = await sha256(bytes(Float64Array.from([...cpRes.weights, ...cpRes.factors.flatMap((f) => [...f])])));
  summary['tucker/cp/lineSearchTried'] = cpRes.lineSearch.tried;
  const xa = q.normal(30);
  const xb = q.uniform(40);
  const wP = [lib.wasserstein1d(xa, xb, undefined, undefined, 1.5), lib.slicedWasserstein(X, Y, { p: 3, projections: 20, seed: 3 })];
  digests['ot/wasserstein-p'] = await sha256(bytes(Float64Array.from(wP)));
  summary['ot/wasserstein-p/w1d'] = wP[0];
  const simplexPt = q.uniform(8);
  const simplexRef = q.uniform(8);
  const normalise = (v) => v.map((t) => t / v.reduce((u, w) => u + w, 0));
  const Kop = lib.matrixOperator({ data: q.normal(12 * 8), rows: 12, cols: 8 });
  const klAndNorm = [lib.klSimplex({ reference: normalise(simplexRef), mu: 0.7 }).value(normalise(simplexPt)), lib.operatorNorm(Kop)];
  digests['prox/klSimplex-operatorNorm'] = await sha256(bytes(Float64Array.from(klAndNorm)));
  summary['prox/klSimplex-operatorNorm/norm'] = klAndNorm[1];
  // min ½‖x − a‖² + ½‖y − b‖² over y ∈ argmin ½‖y − Ax‖² (x ∈ ℝ², y ∈ ℝ³), 300 LV-HBA steps
  const Ab = q.normal(6), av = q.normal(2), bv = q.normal(3);
  const Ax = (x) => [0, 1, 2].map((j) => Ab[2 * j] * x[0] + Ab[2 * j + 1] * x[1]);
  const upper = {
    lipschitz: 1,
    value: (x, y) => 0.5 * ((x[0] - av[0]) ** 2 + (x[1] - av[1]) ** 2 + (y[0] - bv[0]) ** 2 + (y[1] - bv[1]) ** 2 + (y[2] - bv[2]) ** 2),
    gradX: (x, _y, o) => { o[0] = x[0] - av[0]; o[1] = x[1] - av[1]; },
    gradY: (_x, y, o) => { for (let j = 0; j < 3; j++) o[j] = y[j] - bv[j]; },
  };
  const lower = {
    lipschitz: 1 + Ab.reduce((t, v) => t + v * v, 0),
    value: (x, y) => { const r = Ax(x); return 0.5 * ((y[0] - r[0]) ** 2 + (y[1] - r[1]) ** 2 + (y[2] - r[2]) ** 2); },
    gradY: (x, y, o) => { const r = Ax(x); for (let j = 0; j < 3; j++) o[j] = y[j] - r[j]; },
    gradX: (x, y, o) => {
      const r = Ax(x).map((v, j) => v - y[j]);
      o[0] = Ab[0] * r[0] + Ab[2] * r[1] + Ab[4] * r[2];
      o[1] = Ab[1] * r[0] + Ab[3] * r[1] + Ab[5] * r[2];
    },
  };
  const bilevel = lib.lvhba({ upper, lower, dimX: 2, dimY: 3 }, { tol: 0, maxIter: 300 });
  digests['saddle/lvhba'] = await sha256(bytes(Float64Array.from([...bilevel.x, ...bilevel.y])));
  summary['saddle/lvhba/iterations'] = bilevel.iterations;
  const fedData = lib.federated.fedproxSynthetic({ clients: 4, dim: 6, classes: 3, seed: 8 });
  const fedRun = lib.federated.simulateFederated(fedData, { rule: lib.federated.fedProx({ mu: 0.1 }), rounds: 3, clientsPerRound: 2, epochs: 1, batchSize: 5, learningRate: 0.05, seed: 9 });
  digests['federated/fedproxSynthetic-fedProx'] = await sha256(bytes(Float64Array.from([...fedData.clients.flatMap((c) => [...c.X, ...c.y]), ...fedRun.params])));
  summary['federated/fedproxSynthetic-fedProx/samples'] = fedData.clients.reduce((t, c) => t + c.y.length, 0);
  return { digests, summary };
}
