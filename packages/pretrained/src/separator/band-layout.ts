import { melFilterbank } from "@autosing/audio-codec";

import type { MelBandRoformerConfig } from "./config.js";

/**
 * Which STFT rows each mel band reads, as MelBandRoformer's constructor derives them: band b holds
 * the bins where librosa's Slaney mel filter b (`filters.mel(sr, n_fft, n_mels=num_bands)`) is
 * positive, with bin 0 forced into the first band and the top bin into the last; bands overlap, so
 * a bin belongs to one or two bands. Rows are of the stereo-merged spectrogram `(f s)`: bin f of
 * channel s is row f·channels + s.
 */
export interface MelBandLayout {
  /** The rows each band reads, band after band (upstream's `freq_indices`). */
  readonly freqIndices: Int32Array;
  /** Bins per band (`num_freqs_per_band`). */
  readonly freqsPerBand: readonly number[];
  /** Bands per bin (`num_bands_per_freq`): the divisor of the averaged masks. */
  readonly bandsPerFreq: Int32Array;
  /** Inputs per band to the band split: 2 (re, im) × channels × bins. */
  readonly bandInputs: readonly number[];
  readonly channels: number;
}

export function melBandLayout(config: MelBandRoformerConfig): MelBandLayout {
  const bank = melFilterbank({ sampleRate: config.sample_rate, nFft: config.stft_n_fft, nMels: config.num_bands, scale: "slaney", norm: "slaney" });
  const { nFreq, nMels } = bank;
  const inBand = (b: number, f: number): boolean => (b === 0 && f === 0) || (b === nMels - 1 && f === nFreq - 1) || bank.weights[b * nFreq + f]! > 0;
  const channels = config.stereo ? 2 : 1;
  const indices: number[] = [];
  const freqsPerBand: number[] = [];
  const bandsPerFreq = new Int32Array(nFreq);
  for (let b = 0; b < nMels; b++) {
    let count = 0;
    for (let f = 0; f < nFreq; f++) {
      if (!inBand(b, f)) continue;
      count++;
      bandsPerFreq[f]!++;
      for (let s = 0; s < channels; s++) indices.push(f * channels + s);
    }
    freqsPerBand.push(count);
  }
  return { freqIndices: Int32Array.from(indices), freqsPerBand, bandsPerFreq, bandInputs: freqsPerBand.map((n) => 2 * n * channels), channels };
}

/** The bins no band covers (upstream asserts there are none); empty for every published config. */
export function uncoveredBins(layout: MelBandLayout): number[] {
  const out: number[] = [];
  layout.bandsPerFreq.forEach((count, f) => {
    if (count === 0) out.push(f);
  });
  return out;
}
