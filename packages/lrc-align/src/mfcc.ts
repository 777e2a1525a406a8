import { applyMelFilterbank, magnitude, melFilterbank, stft } from "@autosing/audio-codec";

/** Frame-major features: `data[frame * dims + d]`. */
export interface FeatureMatrix {
  readonly data: Float32Array;
  readonly frames: number;
  readonly dims: number;
}

export interface MfccOptions {
  readonly sampleRate: number;
  /** Hop in samples (default 10 ms). */
  readonly hopLength?: number;
  /** FFT size (default 512 at 16 kHz: 32 ms). */
  readonly nFft?: number;
  readonly nMels?: number;
  /** Coefficients kept, c0 included (default 13). */
  readonly nMfcc?: number;
}

/**
 * MFCCs (HTK-style mel bands, log power, orthonormal DCT-II) per hop, using the STFT and mel filter
 * bank of `@autosing/audio-codec`. Frame t is centred on sample t·hop.
 */
export function mfcc(samples: Float32Array, options: MfccOptions): FeatureMatrix {
  const hop = options.hopLength ?? Math.round(options.sampleRate / 100);
  const nFft = options.nFft ?? 512;
  const nMels = options.nMels ?? 40;
  const nMfcc = options.nMfcc ?? 13;
  const padded = samples.length >= nFft ? samples : (() => {
    const out = new Float32Array(nFft);
    out.set(samples);
    return out;
  })();
  const spec = stft(padded, { nFft, hopLength: hop, padMode: "constant" });
  const power = magnitude(spec, 2);
  const bank = melFilterbank({ sampleRate: options.sampleRate, nFft, nMels, fMin: 60, fMax: Math.min(7600, options.sampleRate / 2), scale: "htk", norm: null });
  const mel = applyMelFilterbank(bank, power, spec.nFrames);
  const frames = spec.nFrames;
  const data = new Float32Array(frames * nMfcc);
  const logMel = new Float64Array(nMels);
  // Orthonormal DCT-II basis.
  const basis = new Float64Array(nMfcc * nMels);
  for (let k = 0; k < nMfcc; k++) {
    const scale = Math.sqrt((k === 0 ? 1 : 2) / nMels);
    for (let m = 0; m < nMels; m++) basis[k * nMels + m] = scale * Math.cos((Math.PI * k * (m + 0.5)) / nMels);
  }
  for (let t = 0; t < frames; t++) {
    for (let m = 0; m < nMels; m++) logMel[m] = Math.log((mel[m * frames + t] ?? 0) + 1e-10);
    for (let k = 0; k < nMfcc; k++) {
      let sum = 0;
      for (let m = 0; m < nMels; m++) sum += (basis[k * nMels + m] ?? 0) * (logMel[m] ?? 0);
      data[t * nMfcc + k] = sum;
    }
  }
  return { data, frames, dims: nMfcc };
}

/** Log energy (dB) of each frame of `hop` samples centred like `mfcc`'s frames, window `2·hop`. */
export function frameEnergyDb(samples: Float32Array, hop: number): Float32Array {
  const frames = Math.floor(samples.length / hop) + 1;
  const out = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    const from = Math.max(0, t * hop - hop);
    const to = Math.min(samples.length, t * hop + hop);
    let sum = 0;
    for (let i = from; i < to; i++) sum += (samples[i] ?? 0) ** 2;
    out[t] = 10 * Math.log10(sum / Math.max(1, to - from) + 1e-12);
  }
  return out;
}

/**
 * Cepstral mean and variance normalisation over the frames where `keep` is true (all when
 * omitted), so a synthetic voice and a singer become comparable.
 */
export function normalizeFeatures(features: FeatureMatrix, keep?: ArrayLike<boolean>): FeatureMatrix {
  const { data, frames, dims } = features;
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  let count = 0;
  for (let t = 0; t < frames; t++) {
    if (keep !== undefined && keep[t] !== true) continue;
    count++;
    for (let d = 0; d < dims; d++) {
      const v = data[t * dims + d] ?? 0;
      mean[d] = (mean[d] ?? 0) + v;
      sq[d] = (sq[d] ?? 0) + v * v;
    }
  }
  const out = new Float32Array(data.length);
  if (count === 0) return { data: out, frames, dims };
  for (let d = 0; d < dims; d++) {
    const m = (mean[d] ?? 0) / count;
    const sd = Math.sqrt(Math.max(1e-8, (sq[d] ?? 0) / count - m * m));
    for (let t = 0; t < frames; t++) out[t * dims + d] = ((data[t * dims + d] ?? 0) - m) / sd;
  }
  return { data: out, frames, dims };
}

/** Averages consecutive groups of `factor` frames (the last group may be shorter). */
export function poolFeatures(features: FeatureMatrix, factor: number): FeatureMatrix {
  const { data, frames, dims } = features;
  const pooled = Math.ceil(frames / factor);
  const out = new Float32Array(pooled * dims);
  for (let p = 0; p < pooled; p++) {
    const from = p * factor;
    const to = Math.min(frames, from + factor);
    for (let d = 0; d < dims; d++) {
      let sum = 0;
      for (let t = from; t < to; t++) sum += data[t * dims + d] ?? 0;
      out[p * dims + d] = sum / (to - from);
    }
  }
  return { data: out, frames: pooled, dims };
}

/** Keeps feature dimensions `[from, to)` (e.g. drops c0, the loudness term). */
export function selectDims(features: FeatureMatrix, from: number, to = features.dims): FeatureMatrix {
  const dims = to - from;
  const out = new Float32Array(features.frames * dims);
  for (let t = 0; t < features.frames; t++) out.set(features.data.subarray(t * features.dims + from, t * features.dims + to), t * dims);
  return { data: out, frames: features.frames, dims };
}

/** Appends first-order deltas (regression over ±`width` frames), doubling the dimensions. */
export function withDeltas(features: FeatureMatrix, width = 2): FeatureMatrix {
  const { data, frames, dims } = features;
  const out = new Float32Array(frames * dims * 2);
  let norm = 0;
  for (let k = 1; k <= width; k++) norm += 2 * k * k;
  for (let t = 0; t < frames; t++) {
    for (let d = 0; d < dims; d++) {
      out[t * dims * 2 + d] = data[t * dims + d] ?? 0;
      let sum = 0;
      for (let k = 1; k <= width; k++) {
        const ahead = data[Math.min(frames - 1, t + k) * dims + d] ?? 0;
        const behind = data[Math.max(0, t - k) * dims + d] ?? 0;
        sum += k * (ahead - behind);
      }
      out[t * dims * 2 + dims + d] = sum / norm;
    }
  }
  return { data: out, frames, dims: dims * 2 };
}
