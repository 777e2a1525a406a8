import { melFilterbank } from "@autosing/audio-codec";

import type { BsRoformerConfig, MelBandRoformerConfig } from "./config.js";

/**
 * Which STFT rows each band reads: the band gather in front of the band split and, for the
 * adapter, where each mask value goes back. Rows are of the stereo-merged spectrogram `(f s)`:
 * bin f of channel s is row f·channels + s.
 */
export interface BandLayout {
  /** The rows each band reads, band after band (upstream's `freq_indices`; every row once, in order, for BS-RoFormer). */
  readonly freqIndices: Int32Array;
  /** Bins per band (`num_freqs_per_band` / `freqs_per_bands`). */
  readonly freqsPerBand: readonly number[];
  /** Bands per bin (`num_bands_per_freq`): the divisor of the averaged masks (all 1 for BS-RoFormer). */
  readonly bandsPerFreq: Int32Array;
  /** Inputs per band to the band split: 2 (re, im) × channels × bins. */
  readonly bandInputs: readonly number[];
  readonly channels: number;
  /** True when the bands read the rows in order, each once (BS-RoFormer): the graph needs no gather. */
  readonly contiguous: boolean;
}

/** The Mel-Band layout is a BandLayout whose bands overlap. */
export type MelBandLayout = BandLayout;

/**
 * BSRoformer's bands (bs_roformer.py): `freqs_per_bands` contiguous, non-overlapping bins from
 * bin 0 up, so the band split reads the merged spectrogram `(f s)` as it is and each bin has
 * exactly one band (no averaging).
 */
export function bsBandLayout(config: BsRoformerConfig): BandLayout {
  const channels = config.stereo ? 2 : 1;
  const bins = config.freqs_per_bands.reduce((a, b) => a + b, 0);
  return {
    freqIndices: Int32Array.from({ length: bins * channels }, (_, row) => row),
    freqsPerBand: [...config.freqs_per_bands],
    bandsPerFreq: new Int32Array(bins).fill(1),
    bandInputs: config.freqs_per_bands.map((n) => 2 * n * channels),
    channels,
    contiguous: true,
  };
}

/**
 * Which STFT rows each mel band reads, as MelBandRoformer's constructor derives them: band b holds
 * the bins where librosa's Slaney mel filter b (`filters.mel(sr, n_fft, n_mels=num_bands)`) is
 * positive, with bin 0 forced into the first band and the top bin into the last; bands overlap, so
 * a bin belongs to one or two bands.
 */
export function melBandLayout(config: MelBandRoformerConfig): BandLayout {
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
  return { freqIndices: Int32Array.from(indices), freqsPerBand, bandsPerFreq, bandInputs: freqsPerBand.map((n) => 2 * n * channels), channels, contiguous: false };
}

/** The bins no band covers (upstream asserts there are none); empty for every published config. */
export function uncoveredBins(layout: BandLayout): number[] {
  const out: number[] = [];
  layout.bandsPerFreq.forEach((count, f) => {
    if (count === 0) out.push(f);
  });
  return out;
}
