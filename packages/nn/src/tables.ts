/**
 * Port of whisperspeech/modules.py: sinusoids — [length, channels] table, sin half then cos half,
 * log-timescale increment ln(max_timescale) / (channels/2 − 1). Computed in float32 steps like torch.
 */
export function sinusoids(length: number, channels: number, maxTimescale = 10000): Float32Array {
  const half = channels / 2;
  const increment = Math.fround(Math.log(maxTimescale) / (half - 1));
  const out = new Float32Array(length * channels);
  for (let i = 0; i < half; i++) {
    const inv = Math.fround(Math.exp(Math.fround(-increment * i)));
    for (let t = 0; t < length; t++) {
      const scaled = Math.fround(t * inv);
      out[t * channels + i] = Math.sin(scaled);
      out[t * channels + half + i] = Math.cos(scaled);
    }
  }
  return out;
}

/** Port of whisperspeech/modules.py: Rotary — inv_freq = 1 / base^(arange(0, dim, 2) / dim). */
export function rotaryInverseFrequencies(dim: number, base = 10000): Float32Array {
  const out = new Float32Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) out[i] = Math.fround(1 / Math.fround(base ** Math.fround((2 * i) / dim)));
  return out;
}

/** Rotary cos and sin tables [length, dim] (freqs duplicated across both halves, as upstream's cat((freqs, freqs))). */
export function rotaryTables(length: number, dim: number, base = 10000): { cos: Float32Array; sin: Float32Array } {
  const inv = rotaryInverseFrequencies(dim, base);
  const cos = new Float32Array(length * dim);
  const sin = new Float32Array(length * dim);
  const half = dim / 2;
  for (let t = 0; t < length; t++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(t * (inv[i] ?? 0));
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[t * dim + i] = c;
      cos[t * dim + half + i] = c;
      sin[t * dim + i] = s;
      sin[t * dim + half + i] = s;
    }
  }
  return { cos, sin };
}

/** Upstream caches 4500 rotary positions (`seq_len_cached = 4500`); positions × subsampling must stay below. */
export const ROTARY_CACHE_LENGTH = 4500;
