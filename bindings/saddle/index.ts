/**
 * The saddle family: saddle-point, bilevel and online proximal methods built on the prox family's
 * conventions (SmoothFunction, ProxOperator, LinearOperator, IterativeOptions/IterativeResult).
 */
export { lpd, alpd, inexactAlpd, bilinearCoupling, type SaddleCoupling, type SaddleProblem, type SaddleOptions, type SaddleResult, type SaddleCalls, type InexactInnerOptions } from './primal-dual.js';
export { penaltyBilevel, lvhba, type BilevelFunction, type BilevelProblem, type BilevelOptions, type PenaltyBilevelOptions, type LvhbaOptions, type BilevelResult, type LowerConstraints } from './bilevel.js';
export { proxyProxPoint, type ProxyProxPointOptions, type ProxyProxPointResult } from './proxy.js';
export { ogd, ftrl, implicitFtrl, generalizedImplicitFtrl, aProxFtrl, bestInHindsight, type OnlineLoss, type OnlineOptions, type GeneralizedImplicitFtrlOptions, type OnlineResult, type BestInHindsight } from './online.js';
export { bregmanBaryconvexProx, bregmanFirmGap, type BaryconvexProxOptions, type BaryconvexProxResult } from './baryconvex.js';
