// Scalar transcendentals for the bindings' sequential loops (online learning over a stream, 1-D root
// finding, hyper-parameter steps). They run AssemblyScript's own Math, compiled into the module, so a
// result has the same bits in every engine; V8's Math.exp / Math.log1p are not correctly rounded and
// differ between builds (Node vs Chromium) on some inputs. A call from JS costs a few nanoseconds.

/** eˣ. */
export function mathExp(x: f64): f64 {
  return Math.exp(x);
}

/** ln x (NaN for x < 0, −∞ at 0). */
export function mathLog(x: f64): f64 {
  return Math.log(x);
}

/** ln(1 + x), accurate for small |x|. */
export function mathLog1p(x: f64): f64 {
  return Math.log1p(x);
}

/** The logistic loss φ(m) = ln(1 + e⁻ᵐ) of a margin m, without overflow for either sign of m. */
export function logisticLoss(m: f64): f64 {
  return m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
}

/** φ'(m) = −1/(1 + eᵐ), the slope of the logistic loss (in (−1, 0)). */
export function logisticSlope(m: f64): f64 {
  return -1 / (1 + Math.exp(m));
}

/** eˣ − 1, accurate for small |x|. */
export function mathExpm1(x: f64): f64 {
  return Math.expm1(x);
}

/** xʸ. */
export function mathPow(x: f64, y: f64): f64 {
  return Math.pow(x, y);
}

/** The logistic sigmoid σ(x) = 1/(1 + e⁻ˣ); the exponential is taken of −|x|, so it never overflows. */
export function mathSigmoid(x: f64): f64 {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** softplus(x) = ln(1 + eˣ) = max(x, 0) + ln(1 + e^{−|x|}), without overflow. */
export function mathSoftplus(x: f64): f64 {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** sin x (x in radians). */
export function mathSin(x: f64): f64 {
  return Math.sin(x);
}

/** cos x (x in radians). */
export function mathCos(x: f64): f64 {
  return Math.cos(x);
}
