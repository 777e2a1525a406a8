import { defaultCodecFilterbank } from "./default-codec-features.js";
import { type DefaultCodecConfig, DEFAULT_CODEC_CONFIG } from "./default-codec-model.js";
import { applyMelFilterbank } from "./mel.js";
import { magnitude, stft } from "./stft.js";

/** Reconstruction quality of `decoded` against `reference` (both mono at the codec rate). */
export interface ReconstructionMetrics {
  /** Mean |20·log10 mel magnitude difference| over mel bins and frames, in dB. */
  logMelDistanceDb: number;
  /** 10·log10(Σ|S|² / Σ(|S| − |Ŝ|)²) over STFT magnitudes (phase ignored), in dB. */
  magnitudeSnrDb: number;
  frames: number;
}

/** Compares two signals with the codec's STFT/mel settings over their common length. */
export function reconstructionMetrics(reference: Float32Array, decoded: Float32Array, config: DefaultCodecConfig = DEFAULT_CODEC_CONFIG): ReconstructionMetrics {
  const n = Math.min(reference.length, decoded.length);
  const bank = defaultCodecFilterbank(config);
  const a = stft(reference.subarray(0, n), { nFft: config.nFft, hopLength: config.hopLength });
  const b = stft(decoded.subarray(0, n), { nFft: config.nFft, hopLength: config.hopLength });
  const ma = magnitude(a);
  const mb = magnitude(b);
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < ma.length; i++) {
    signal += ma[i]! ** 2;
    noise += (ma[i]! - mb[i]!) ** 2;
  }
  const melA = applyMelFilterbank(bank, ma, a.nFrames);
  const melB = applyMelFilterbank(bank, mb, b.nFrames);
  let distance = 0;
  for (let i = 0; i < melA.length; i++) distance += Math.abs(20 * Math.log10((melA[i]! + config.logFloor) / (melB[i]! + config.logFloor)));
  return { logMelDistanceDb: distance / melA.length, magnitudeSnrDb: 10 * Math.log10(signal / Math.max(noise, 1e-30)), frames: a.nFrames };
}
