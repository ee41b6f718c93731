// The constrained family's kernels: logistic loss/gradient/Hessian and the sketches S·K of the KKT solver.
export { alLogistic, alSketchDense, alSketchCount } from "./kernels";
