/**
 * forecast: time-series forecasting and regression models — the FFT (any length, in WASM), RLinear,
 * Super-Linear (a mixture of frequency-specialised linear experts with a spectral gate) and the
 * classical baselines they are measured against.
 *
 * @module
 */
export { fft, rfft, periodogram, type ComplexVector, type FftOptions } from './fft.js';
export { fitRLinear, type RLinearOptions, type LinearForecaster } from './linear.js';
export {
  pretrainSuperLinear, fineTuneSuperLinear, fullShotSuperLinear, SUPER_LINEAR_PERIODS,
  type SuperLinearOptions, type SuperLinearFineTuneOptions, type SuperLinearFullShotOptions, type SuperLinearFullShotHistory, type GateInput, type SuperLinearModel, type SuperLinearGate, type SuperLinearProgress, type GateChoice,
} from './superlinear.js';
export { seasonalNaive, fitHoltWinters, type HoltWintersOptions, type HoltWintersModel } from './baselines.js';
export { fitTensorGp, type TensorGpOptions, type TensorGpModel, type TensorGpPrediction, type TensorGpProgress, type TensorData } from './tgp.js';
export { simulateImageRegression, type ImageRegressionOptions, type ImageRegressionData } from './tgp-sim.js';
export { learnPro2Projection, fitLinearProbe, type Pro2Options, type Pro2Projection, type FeatureMatrix, type LinearProbeOptions, type LinearProbe } from './pro2.js';
