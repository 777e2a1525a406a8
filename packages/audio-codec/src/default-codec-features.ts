/** The default codec's feature space: log-mel frames aligned with SNAC's frames, and back to linear magnitudes. */
import { type DefaultCodecConfig, DEFAULT_CODEC_CONFIG } from "./default-codec-model.js";
import { EmptyAudioError } from "./errors.js";
import type { MelFilterbank } from "./mel.js";
import { applyMelFilterbank, melFilterbank } from "./mel.js";
import type { InverseMel } from "./mel-inverse.js";
import { magnitude, stft } from "./stft.js";

/** The mel filterbank of a codec config (no normalisation). */
export function defaultCodecFilterbank(config: DefaultCodecConfig): MelFilterbank {
  return melFilterbank({
    sampleRate: config.sampleRate,
    nFft: config.nFft,
    nMels: config.nMels,
    fMin: config.fMin,
    fMax: config.fMax,
    scale: config.melScale,
    norm: null,
  });
}

/**
 * Log-mel frames `[T, nMels]` (frame-major) for T = floor(n / hop) frames: the centred STFT's
 * first T frames, so frame t covers samples around t·hop like SNAC's frame t.
 */
export function defaultCodecFeatures(mono: Float32Array, config: DefaultCodecConfig = DEFAULT_CODEC_CONFIG, bank = defaultCodecFilterbank(config)): { features: Float32Array; frames: number } {
  const frames = Math.floor(mono.length / config.hopLength);
  if (frames === 0) throw new EmptyAudioError("default codec", `${mono.length} samples is shorter than one hop (${config.hopLength})`);
  const spec = stft(mono, { nFft: config.nFft, hopLength: config.hopLength });
  const mel = applyMelFilterbank(bank, magnitude(spec), spec.nFrames);
  const features = new Float32Array(frames * config.nMels);
  for (let m = 0; m < config.nMels; m++) {
    for (let t = 0; t < frames; t++) features[t * config.nMels + m] = Math.log(mel[m * spec.nFrames + t]! + config.logFloor);
  }
  return { features, frames };
}

/** Log-mel features `[T, nMels]` → linear magnitudes `[nFreq, T + 1]` (last frame repeated for the centred STFT). */
export function defaultCodecMagnitudes(features: Float32Array, frames: number, config: DefaultCodecConfig, inverse: InverseMel): Float32Array {
  const { nMels } = config;
  const columns = frames + 1;
  const mel = new Float32Array(nMels * columns);
  for (let t = 0; t < columns; t++) {
    const src = Math.min(t, frames - 1);
    for (let m = 0; m < nMels; m++) mel[m * columns + t] = Math.max(0, Math.exp(features[src * nMels + m]!) - config.logFloor);
  }
  return inverse.apply(mel, columns);
}
