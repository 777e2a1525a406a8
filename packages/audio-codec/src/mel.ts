import { InvalidAudioParameterError } from "./errors.js";
import { magnitude, stft } from "./stft.js";

/** Mel scale: "slaney" (librosa's default, Auditory Toolbox) or "htk" (torchaudio's default). */
export type MelScale = "slaney" | "htk";

export interface MelFilterbankOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fMin?: number;
  /** Default sampleRate / 2. */
  fMax?: number;
  scale?: MelScale;
  /** "slaney": divide each triangle by its width in Hz (constant energy per band); null: peak 1. */
  norm?: "slaney" | null;
}

/** A mel filter bank, `[nMels, nFreq]` row-major, with each row's non-zero span for fast products. */
export interface MelFilterbank {
  weights: Float32Array;
  nMels: number;
  nFreq: number;
  /** Half-open [start, end) of the non-zero bins of each row. */
  spans: [number, number][];
}

/** Hz → mel (librosa.hz_to_mel / torchaudio._hz_to_mel). */
export function hzToMel(hz: number, scale: MelScale = "slaney"): number {
  if (scale === "htk") return 2595 * Math.log10(1 + hz / 700);
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27;
  return hz >= minLogHz ? minLogMel + Math.log(hz / minLogHz) / logStep : hz / fSp;
}

/** mel → Hz, the inverse of `hzToMel`. */
export function melToHz(mel: number, scale: MelScale = "slaney"): number {
  if (scale === "htk") return 700 * (10 ** (mel / 2595) - 1);
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27;
  return mel >= minLogMel ? minLogHz * Math.exp(logStep * (mel - minLogMel)) : fSp * mel;
}

/**
 * Triangular mel filters as librosa.filters.mel computes them (and torchaudio.functional.
 * melscale_fbanks with the same scale/norm; torchaudio spaces FFT bins up to sr//2 rather than
 * sr/2, identical for even rates). Whisper uses slaney scale + slaney norm (librosa defaults).
 */
export function melFilterbank(options: MelFilterbankOptions): MelFilterbank {
  const { sampleRate, nFft, nMels } = options;
  const scale = options.scale ?? "slaney";
  const norm = options.norm === undefined ? "slaney" : options.norm;
  const fMin = options.fMin ?? 0;
  const fMax = options.fMax ?? sampleRate / 2;
  if (!(nMels >= 1 && Number.isInteger(nMels))) throw new InvalidAudioParameterError("nMels", nMels, "must be a positive integer");
  if (!(fMax > fMin && fMin >= 0)) throw new InvalidAudioParameterError("fMax", fMax, `must exceed fMin = ${fMin} >= 0`);
  const nFreq = Math.floor(nFft / 2) + 1;
  const fftFreqs = Float64Array.from({ length: nFreq }, (_, k) => (k * sampleRate) / nFft);
  const melMin = hzToMel(fMin, scale);
  const melMax = hzToMel(fMax, scale);
  const points = Float64Array.from({ length: nMels + 2 }, (_, i) => melToHz(melMin + ((melMax - melMin) * i) / (nMels + 1), scale));
  const weights = new Float32Array(nMels * nFreq);
  const spans: [number, number][] = [];
  for (let m = 0; m < nMels; m++) {
    const lowDiff = points[m + 1]! - points[m]!;
    const highDiff = points[m + 2]! - points[m + 1]!;
    const enorm = norm === "slaney" ? 2 / (points[m + 2]! - points[m]!) : 1;
    let start = nFreq;
    let end = 0;
    for (let k = 0; k < nFreq; k++) {
      const lower = (fftFreqs[k]! - points[m]!) / lowDiff;
      const upper = (points[m + 2]! - fftFreqs[k]!) / highDiff;
      const w = Math.max(0, Math.min(lower, upper)) * enorm;
      weights[m * nFreq + k] = w;
      if (w > 0) {
        start = Math.min(start, k);
        end = k + 1;
      }
    }
    spans.push(start < end ? [start, end] : [0, 0]);
  }
  return { weights, nMels, nFreq, spans };
}

/** filters @ spec: `[nMels, nFreq] × [nFreq, nFrames] → [nMels, nFrames]`. */
export function applyMelFilterbank(bank: MelFilterbank, spec: Float32Array, nFrames: number): Float32Array {
  if (spec.length !== bank.nFreq * nFrames) {
    throw new InvalidAudioParameterError("spec.length", spec.length, `expected nFreq · nFrames = ${bank.nFreq} · ${nFrames}`);
  }
  const out = new Float32Array(bank.nMels * nFrames);
  for (let m = 0; m < bank.nMels; m++) {
    const [start, end] = bank.spans[m]!;
    const row = out.subarray(m * nFrames, (m + 1) * nFrames);
    for (let k = start; k < end; k++) {
      const w = bank.weights[m * bank.nFreq + k]!;
      const bin = spec.subarray(k * nFrames, (k + 1) * nFrames);
      for (let t = 0; t < nFrames; t++) row[t]! += w * bin[t]!;
    }
  }
  return out;
}

/** Whisper's constants (openai/whisper audio.py). */
export const WHISPER_SAMPLE_RATE = 16000;
export const WHISPER_N_FFT = 400;
export const WHISPER_HOP_LENGTH = 160;
export const WHISPER_N_MELS = 80;
/** 30 s at 16 kHz: what whisper.pad_or_trim pads to. */
export const WHISPER_N_SAMPLES = 480000;

let whisperBank: MelFilterbank | undefined;

/** A log-mel spectrogram `[nMels, nFrames]` row-major. */
export interface LogMel {
  data: Float32Array;
  nMels: number;
  nFrames: number;
}

/**
 * Port of whisper/audio.py: log_mel_spectrogram — periodic Hann STFT (n_fft 400, hop 160,
 * centred, reflect), drop the last frame, |X|², slaney mel (80 bins), log10(max(x, 1e-10)),
 * clamp to max − 8, (x + 4) / 4. Input is 16 kHz mono; `padding` zeros are appended first as
 * whisper's `padding` argument does. Output has floor((len + padding) / 160) frames.
 */
export function whisperLogMel(audio16k: Float32Array, options: { padding?: number; nMels?: number } = {}): LogMel {
  const padding = options.padding ?? 0;
  const nMels = options.nMels ?? WHISPER_N_MELS;
  let signal = audio16k;
  if (padding > 0) {
    signal = new Float32Array(audio16k.length + padding);
    signal.set(audio16k);
  }
  const spec = stft(signal, { nFft: WHISPER_N_FFT, hopLength: WHISPER_HOP_LENGTH });
  const nFrames = spec.nFrames - 1;
  const power = magnitude(spec, 2);
  // Drop the last frame (whisper's stft[..., :-1]) by compacting each bin's row.
  const trimmed = new Float32Array(spec.nFreq * nFrames);
  for (let k = 0; k < spec.nFreq; k++) trimmed.set(power.subarray(k * spec.nFrames, k * spec.nFrames + nFrames), k * nFrames);
  const bank =
    nMels === WHISPER_N_MELS
      ? (whisperBank ??= melFilterbank({ sampleRate: WHISPER_SAMPLE_RATE, nFft: WHISPER_N_FFT, nMels }))
      : melFilterbank({ sampleRate: WHISPER_SAMPLE_RATE, nFft: WHISPER_N_FFT, nMels });
  const mel = applyMelFilterbank(bank, trimmed, nFrames);
  let max = -Infinity;
  for (let i = 0; i < mel.length; i++) {
    const v = Math.log10(Math.max(mel[i]!, 1e-10));
    mel[i] = v;
    if (v > max) max = v;
  }
  const floor = max - 8;
  for (let i = 0; i < mel.length; i++) mel[i] = (Math.max(mel[i]!, floor) + 4) / 4;
  return { data: mel, nMels, nFrames };
}

/** whisper.pad_or_trim: zero-pad or cut to `length` samples (default 30 s at 16 kHz). */
export function padOrTrim(samples: Float32Array, length = WHISPER_N_SAMPLES): Float32Array {
  if (samples.length === length) return samples;
  const out = new Float32Array(length);
  out.set(samples.subarray(0, Math.min(length, samples.length)));
  return out;
}
