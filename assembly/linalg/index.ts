// Dense linear-algebra kernels shared by the families (tucker; prox's nuclear-norm prox).
export { symmetricEigen, symmetricEigenWorkBytes } from "./eigen";
export { svd, svdWorkBytes, svdCompose } from "./svd";
