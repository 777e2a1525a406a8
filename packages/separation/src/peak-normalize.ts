/**
 * The factor python-audio-separator's spec_utils.normalize scales audio by: `maxPeak / peak`
 * when the peak (over all channels) is above `maxPeak`, else 1. The fork applies it with its
 * `normalization_threshold` (default 0.9).
 */
export function peakScale(channels: readonly Float32Array[], maxPeak: number): number {
  let peak = 0;
  for (const channel of channels) for (const v of channel) peak = Math.max(peak, Math.abs(v));
  return peak > maxPeak ? maxPeak / peak : 1;
}

/** Port of the fork's spec_utils.normalize: the channels scaled by {@link peakScale} (the same arrays when it is 1). */
export function normalizePeak(channels: readonly Float32Array[], maxPeak: number): Float32Array[] {
  const scale = peakScale(channels, maxPeak);
  return scale === 1 ? [...channels] : channels.map((channel) => channel.map((v) => v * scale));
}
