import createKissFft from "@echogarden/kissfft-wasm";

import { InvalidAudioParameterError } from "./errors.js";

/**
 * KISS FFT (WASM, float32) handles any even length, which Whisper's n_fft = 400 needs (fft.js
 * and PFFFT only take powers of two / multiples of 32). The module is instantiated once when
 * this package is imported (top-level await), so every DSP function below stays synchronous.
 */
const kiss = await createKissFft();

interface Plan {
  forward: number;
  inverse: number;
  time: number;
  freq: number;
}
const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  let p = plans.get(n);
  if (p === undefined) {
    if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) throw new InvalidAudioParameterError("nFft", n, "the real FFT needs an even size >= 2");
    p = {
      forward: kiss._kiss_fftr_alloc(n, 0, 0, 0),
      inverse: kiss._kiss_fftr_alloc(n, 1, 0, 0),
      time: kiss._malloc(n * 4),
      freq: kiss._malloc((n + 2) * 4),
    };
    plans.set(n, p);
  }
  return p;
}

/**
 * Real forward DFT of `input` (length n, even): X[k] = Σ x[t]·e^(−2πikt/n), k = 0..n/2, written
 * to `re`/`im` (length n/2 + 1), unnormalised like numpy/torch.
 */
export function rfft(input: Float32Array, re: Float32Array, im: Float32Array): void {
  const n = input.length;
  const p = plan(n);
  // HEAPF32 is re-read on every call: the view is replaced if WASM memory grows.
  const heap = kiss.HEAPF32;
  heap.set(input, p.time >> 2);
  kiss._kiss_fftr(p.forward, p.time, p.freq);
  const out = kiss.HEAPF32;
  const base = p.freq >> 2;
  for (let k = 0; k <= n / 2; k++) {
    re[k] = out[base + 2 * k]!;
    im[k] = out[base + 2 * k + 1]!;
  }
}

/**
 * Inverse of `rfft` for a Hermitian spectrum (n/2 + 1 bins), scaled by 1/n like numpy.fft.irfft;
 * the imaginary parts of the DC and Nyquist bins are ignored.
 */
export function irfft(re: Float32Array, im: Float32Array, output: Float32Array): void {
  const n = output.length;
  const p = plan(n);
  const heap = kiss.HEAPF32;
  const base = p.freq >> 2;
  for (let k = 0; k <= n / 2; k++) {
    heap[base + 2 * k] = re[k]!;
    heap[base + 2 * k + 1] = k === 0 || k === n / 2 ? 0 : im[k]!;
  }
  kiss._kiss_fftri(p.inverse, p.freq, p.time);
  const out = kiss.HEAPF32;
  const t = p.time >> 2;
  const scale = 1 / n;
  for (let i = 0; i < n; i++) output[i] = out[t + i]! * scale;
}

/**
 * `rfft` into one interleaved array (re0, im0, re1, im1, …; length n + 2): the fast path for
 * frame loops, one copy in and one out of the WASM heap.
 */
export function rfftInterleaved(input: Float32Array, output: Float32Array): void {
  const n = input.length;
  const p = plan(n);
  kiss.HEAPF32.set(input, p.time >> 2);
  kiss._kiss_fftr(p.forward, p.time, p.freq);
  const base = p.freq >> 2;
  output.set(kiss.HEAPF32.subarray(base, base + n + 2));
}

/** `irfft` from an interleaved spectrum (length n + 2) into `output` (length n), scaled by 1/n. */
export function irfftInterleaved(spectrum: Float32Array, output: Float32Array): void {
  const n = output.length;
  const p = plan(n);
  const base = p.freq >> 2;
  const heap = kiss.HEAPF32;
  heap.set(spectrum.subarray(0, n + 2), base);
  heap[base + 1] = 0;
  heap[base + n + 1] = 0;
  kiss._kiss_fftri(p.inverse, p.freq, p.time);
  const t = p.time >> 2;
  output.set(kiss.HEAPF32.subarray(t, t + n));
  const scale = 1 / n;
  for (let i = 0; i < n; i++) output[i]! *= scale;
}
