import { mulberry32 } from "@autosing/base";

import { InvalidAudioParameterError } from "./errors.js";
import { irfftInterleaved, rfftInterleaved } from "./fft.js";
import { hannWindow, reflectPad } from "./stft.js";

export interface GriffinLimOptions {
  nFft: number;
  /** Hop in samples; default floor(nFft / 4) as torch. */
  hopLength?: number;
  /** Window (length nFft); default periodic Hann. */
  window?: Float32Array;
  /** Iterations; torchaudio's default 32. */
  iterations?: number;
  /** Fast Griffin-Lim momentum; torchaudio's default 0.99. */
  momentum?: number;
  /** Output length in samples (istft's `length`); default hop · (nFrames − 1). */
  length?: number;
  /** Seed of the random initial phase; `null` starts from zero phase (torchaudio rand_init=False). */
  seed?: number | null;
}

/**
 * Port of torchaudio.functional.griffinlim: recovers a waveform from a magnitude spectrogram
 * `[nFft/2 + 1, nFrames]` (power 1, torch layout) by alternating istft/stft projections (centred,
 * reflect padding) with fast-GL momentum. The initial phase is a seeded uniform complex draw
 * (torch.rand on a complex dtype), so results are deterministic for a seed. Internally frame-major
 * so each FFT reads and writes contiguous memory.
 */
export function griffinLim(magnitudes: Float32Array, nFrames: number, options: GriffinLimOptions): Float32Array {
  const n = options.nFft;
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) throw new InvalidAudioParameterError("nFft", n, "must be an even integer >= 2");
  const hop = options.hopLength ?? Math.floor(n / 4);
  const iterations = options.iterations ?? 32;
  const momentum = options.momentum ?? 0.99;
  if (!(momentum >= 0 && momentum < 1)) throw new InvalidAudioParameterError("momentum", momentum, "must be in [0, 1)");
  const nb = n / 2 + 1;
  if (magnitudes.length !== nb * nFrames) {
    throw new InvalidAudioParameterError("magnitudes.length", magnitudes.length, `expected (nFft/2 + 1) · nFrames = ${nb} · ${nFrames}`);
  }
  const window = options.window ?? hannWindow(n);
  if (window.length !== n) throw new InvalidAudioParameterError("window.length", window.length, `must equal nFft = ${n}`);
  const length = options.length ?? hop * (nFrames - 1);
  if (1 + Math.floor(length / hop) !== nFrames) {
    throw new InvalidAudioParameterError("length", length, `re-analysis would give ${1 + Math.floor(length / hop)} frames, expected ${nFrames}`);
  }
  const stride = n + 2;
  // Frame-major magnitudes, interleaved complex phases.
  const mag = new Float32Array(nFrames * nb);
  for (let k = 0; k < nb; k++) for (let t = 0; t < nFrames; t++) mag[t * nb + k] = magnitudes[k * nFrames + t]!;
  const angles = new Float32Array(nFrames * stride);
  if (options.seed === null) {
    for (let i = 0; i < angles.length; i += 2) angles[i] = 1;
  } else {
    const random = mulberry32(options.seed ?? 0);
    for (let i = 0; i < angles.length; i++) angles[i] = random();
  }
  const total = n + hop * (nFrames - 1);
  const envelope = new Float64Array(total);
  for (let t = 0; t < nFrames; t++) for (let i = 0; i < n; i++) envelope[t * hop + i]! += window[i]! * window[i]!;
  const start = n / 2;
  const inverseEnvelope = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const e = start + i < total ? envelope[start + i]! : 0;
    if (e < 1e-11) throw new InvalidAudioParameterError("window", "envelope", `sum of squared windows is ${e} at sample ${start + i} (NOLA fails)`);
    inverseEnvelope[i] = 1 / e;
  }
  const ola = new Float32Array(total);
  const signal = new Float32Array(length);
  const spectrum = new Float32Array(stride);
  const frame = new Float32Array(n);
  let previous = new Float32Array(nFrames * stride);
  let rebuilt = new Float32Array(nFrames * stride);
  const factor = momentum / (1 + momentum);

  const synthesize = (): void => {
    ola.fill(0);
    for (let t = 0; t < nFrames; t++) {
      const a = t * stride;
      const m = t * nb;
      for (let k = 0; k < nb; k++) {
        spectrum[2 * k] = mag[m + k]! * angles[a + 2 * k]!;
        spectrum[2 * k + 1] = mag[m + k]! * angles[a + 2 * k + 1]!;
      }
      irfftInterleaved(spectrum, frame);
      const o = t * hop;
      for (let i = 0; i < n; i++) ola[o + i]! += frame[i]! * window[i]!;
    }
    for (let i = 0; i < length; i++) signal[i] = (start + i < total ? ola[start + i]! : 0) * inverseEnvelope[i]!;
  };

  for (let iteration = 0; iteration < iterations; iteration++) {
    synthesize();
    const padded = reflectPad(signal, n / 2);
    for (let t = 0; t < nFrames; t++) {
      const o = t * hop;
      for (let i = 0; i < n; i++) frame[i] = padded[o + i]! * window[i]!;
      rfftInterleaved(frame, rebuilt.subarray(t * stride, (t + 1) * stride));
    }
    for (let i = 0; i < angles.length; i += 2) {
      const re = rebuilt[i]! - factor * previous[i]!;
      const im = rebuilt[i + 1]! - factor * previous[i + 1]!;
      const norm = Math.sqrt(re * re + im * im) + 1e-16;
      angles[i] = re / norm;
      angles[i + 1] = im / norm;
    }
    const swap = previous;
    previous = rebuilt;
    rebuilt = swap;
  }
  synthesize();
  return signal.slice();
}
