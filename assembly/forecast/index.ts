// The forecast family's kernels: complex FFT of any length and the real-input FFT (periodograms).
export { fft, rfft, fftWorkLength, rfftWorkLength } from "./fft";
