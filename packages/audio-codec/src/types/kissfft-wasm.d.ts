// @echogarden/kissfft-wasm ships an Emscripten ES module without typings; this declares the
// part of its surface we call (KISS FFT's C API over the WASM heap).
declare module "@echogarden/kissfft-wasm" {
  export interface KissFftModule {
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _kiss_fftr_alloc(nfft: number, inverse: number, mem: number, lenmem: number): number;
    _kiss_fftr(config: number, timeData: number, freqData: number): void;
    _kiss_fftri(config: number, freqData: number, timeData: number): void;
  }
  const createKissFft: () => Promise<KissFftModule>;
  export default createKissFft;
}
