/** The saddle family's rows of the conventions table (test/conventions.test.ts): one valid call per function. */
import * as api from '../../bindings/index.js';

const K = () => api.matrixOperator([1, 0.5, -0.5, 1], 2, 2);
const f = { dimension: 2, lipschitz: 1, value: (x: Float64Array) => 0.5 * (x[0]! ** 2 + x[1]! ** 2), gradient: (x: Float64Array, out: Float64Array) => void out.set(x) };
const saddle = () => ({ f, coupling: K(), g: api.sqrNormL2(1), mu: 1 });

const bq = () => ({
  upper: { lipschitz: 1, value: (x: Float64Array, y: Float64Array) => 0.5 * ((x[0]! - 1) ** 2 + y[0]! ** 2), gradX: (x: Float64Array, _y: Float64Array, o: Float64Array) => void (o[0] = x[0]! - 1), gradY: (_x: Float64Array, y: Float64Array, o: Float64Array) => void (o[0] = y[0]!) },
  lower: { lipschitz: 2, value: (x: Float64Array, y: Float64Array) => 0.5 * (y[0]! - x[0]!) ** 2, gradX: (x: Float64Array, y: Float64Array, o: Float64Array) => void (o[0] = x[0]! - y[0]!), gradY: (x: Float64Array, y: Float64Array, o: Float64Array) => void (o[0] = y[0]! - x[0]!) },
  dimX: 1,
  dimY: 1,
});

export const SADDLE_WITH_OPTIONS: Record<string, { fn: string; name?: string; key: string; call: (o: Record<string, unknown>) => unknown }[]> = {
  lpd: [{ fn: 'lpd', key: 'lipschitz', call: (o) => api.lpd(saddle(), { maxIter: 3, ...o }) }],
  alpd: [{ fn: 'alpd', key: 'restart', call: (o) => api.alpd(saddle(), { maxIter: 3, ...o }) }],
  inexactAlpd: [
    { fn: 'inexactAlpd', key: 'lipschitz', call: (o) => api.inexactAlpd(saddle(), { maxIter: 3, ...o }) },
    { fn: 'inexactAlpd', name: 'options.inner', key: 'maxIter', call: (o) => api.inexactAlpd(saddle(), { maxIter: 3, inner: { ...o } }) },
  ],
  penaltyBilevel: [{ fn: 'penaltyBilevel', key: 'sigma', call: (o) => api.penaltyBilevel(bq(), { maxIter: 3, ...o }) }],
  proxyProxPoint: [{ fn: 'proxyProxPoint', key: 'step', call: (o) => api.proxyProxPoint(f, { ...f, lipschitz: 1 }, { step: 1, maxIter: 3, ...o }) }],
  ogd: [{ fn: 'ogd', key: 'eta', call: (o) => api.ogd([[1, 0], [0, 1]], [1, -1], 'hinge', { ...o }) }],
  ftrl: [{ fn: 'ftrl', key: 'schedule', call: (o) => api.ftrl([[1, 0], [0, 1]], [1, -1], 'hinge', { ...o }) }],
  implicitFtrl: [{ fn: 'implicitFtrl', key: 'eta', call: (o) => api.implicitFtrl([[1, 0], [0, 1]], [1, -1], 'logistic', { ...o }) }],
  aProxFtrl: [{ fn: 'aProxFtrl', key: 'comparator', call: (o) => api.aProxFtrl([[1, 0], [0, 1]], [1, -1], 'logistic', { ...o }) }],
  generalizedImplicitFtrl: [{ fn: 'generalizedImplicitFtrl', key: 'update', call: (o) => api.generalizedImplicitFtrl([[1, 0], [0, 1]], [1, -1], 'hinge', { ...o }) }],
  bregmanBaryconvexProx: [{ fn: 'bregmanBaryconvexProx', key: 'geometry', call: (o) => api.bregmanBaryconvexProx([f], [1, 2], [1], 0.5, { ...o }) }],
  lvhba: [{ fn: 'lvhba', key: 'gamma1', call: (o) => api.lvhba(bq(), { maxIter: 3, ...o }) }],
};

export const SADDLE_NO_OPTIONS: Record<string, string> = {
  bilinearCoupling: 'a linear operator and its norm',
  bestInHindsight: 'the stream, the loss and a radius',
  bregmanFirmGap: 'four points and a geometry name',
};
