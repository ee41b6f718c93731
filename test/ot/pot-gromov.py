# Generates test/ot/pot-gromov.json: reference values from POT (Python Optimal Transport) for the
# Gromov–Wasserstein family and the Sinkhorn divergence. Run: python3 test/ot/pot-gromov.py
# (needs `pip install pot`; the tests only read the JSON). Inputs are stored so the tests replay them exactly.
import json, numpy as np, ot

rng = np.random.default_rng(27)
out = {"pot": ot.__version__, "gw": [], "fgw": [], "divergence": []}

def dist(X):
    return ot.dist(X, X, metric="euclidean")

for k in range(12):
    n = int(rng.integers(5, 21)); m = int(rng.integers(5, 21))
    X = rng.uniform(-1, 1, (n, 2)); Y = rng.uniform(-1, 1, (m, 3))
    p = rng.uniform(0.2, 1, n); p /= p.sum()
    q = rng.uniform(0.2, 1, m); q /= q.sum()
    C1, C2 = dist(X), dist(Y)
    for loss in ["square_loss", "kl_loss"]:
        A, B = (C1, C2) if loss == "square_loss" else (C1 + 0.5, C2 + 0.5)
        T, log = ot.gromov.gromov_wasserstein(A, B, p, q, loss_fun=loss, log=True, max_iter=10000, tol_rel=1e-12, tol_abs=1e-15)
        out["gw"].append({"C1": A.ravel().tolist(), "C2": B.ravel().tolist(), "p": p.tolist(), "q": q.tolist(),
                          "loss": "square" if loss == "square_loss" else "kl", "value": float(log["gw_dist"])})
    M = ot.dist(X[:, :2], Y[:, :2])
    T, log = ot.gromov.fused_gromov_wasserstein(M, C1, C2, p, q, alpha=0.4, log=True, max_iter=10000, tol_rel=1e-12, tol_abs=1e-15)
    out["fgw"].append({"M": M.ravel().tolist(), "C1": C1.ravel().tolist(), "C2": C2.ravel().tolist(), "p": p.tolist(), "q": q.tolist(), "alpha": 0.4, "value": float(log["fgw_dist"])})

for k in range(8):
    n = int(rng.integers(5, 40)); m = int(rng.integers(5, 40)); d = int(rng.integers(1, 4))
    X = rng.normal(size=(n, d)); Y = rng.normal(size=(m, d)) + 0.5
    a = rng.uniform(0.2, 1, n); a /= a.sum()
    b = rng.uniform(0.2, 1, m); b /= b.sum()
    reg = float([0.5, 1.0, 2.0][k % 3])
    v = ot.bregman.empirical_sinkhorn_divergence(X, Y, reg, a, b, metric="sqeuclidean", numIterMax=100000, stopThr=1e-12)
    out["divergence"].append({"X": X.ravel().tolist(), "Y": Y.ravel().tolist(), "d": d, "a": a.tolist(), "b": b.tolist(), "reg": reg, "value": float(v)})

with open(__file__.replace("pot-gromov.py", "pot-gromov.json"), "w") as f:
    json.dump(out, f)
print("wrote", len(out["gw"]), "gw,", len(out["fgw"]), "fgw,", len(out["divergence"]), "divergence cases")
