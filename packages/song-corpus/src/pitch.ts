/** Options of the YIN pitch tracker. */
export interface PitchOptions {
  /** Lowest and highest fundamental searched, Hz. Defaults 60..1000. */
  minHz?: number;
  maxHz?: number;
  /** Analysis frame and hop in seconds. Defaults 0.04 and 0.01. */
  frame?: number;
  hop?: number;
  /** YIN threshold on the cumulative-mean-normalised difference (default 0.15); frames above it are unvoiced. */
  threshold?: number;
}

/** Per-frame pitch: `hz[i]` (0 where unvoiced) for the frame centred at `times[i]` seconds. */
export interface PitchTrack {
  times: Float64Array;
  hz: Float64Array;
}

/**
 * YIN fundamental-frequency estimator (de Cheveigné & Kawahara 2002): difference function,
 * cumulative-mean normalisation, absolute threshold, parabolic interpolation. Used to measure
 * the sung notes against their targets; exported for other packages' tests.
 */
export function trackPitch(samples: Float32Array, sampleRate: number, options: PitchOptions = {}): PitchTrack {
  const minLag = Math.floor(sampleRate / (options.maxHz ?? 1000));
  const maxLag = Math.ceil(sampleRate / (options.minHz ?? 60));
  const frame = Math.max(maxLag + 2, Math.round((options.frame ?? 0.04) * sampleRate));
  const hop = Math.max(1, Math.round((options.hop ?? 0.01) * sampleRate));
  const threshold = options.threshold ?? 0.15;
  const window = frame - maxLag;
  const count = samples.length >= frame ? Math.floor((samples.length - frame) / hop) + 1 : 0;
  const times = new Float64Array(count);
  const hz = new Float64Array(count);
  const d = new Float64Array(maxLag + 2);
  for (let f = 0; f < count; f++) {
    const offset = f * hop;
    times[f] = (offset + frame / 2) / sampleRate;
    let energy = 0;
    for (let i = 0; i < window; i++) energy += samples[offset + i]! ** 2;
    if (energy / window < 1e-7) continue;
    for (let lag = 1; lag <= maxLag + 1; lag++) {
      let sum = 0;
      for (let i = 0; i < window; i++) {
        const diff = samples[offset + i]! - samples[offset + i + lag]!;
        sum += diff * diff;
      }
      d[lag] = sum;
    }
    // Cumulative mean normalised difference, in place.
    let running = 0;
    for (let lag = 1; lag <= maxLag + 1; lag++) {
      running += d[lag]!;
      d[lag] = running > 0 ? (d[lag]! * lag) / running : 1;
    }
    let best = -1;
    for (let lag = Math.max(2, minLag); lag <= maxLag; lag++) {
      if (d[lag]! < threshold) {
        while (lag + 1 <= maxLag && d[lag + 1]! < d[lag]!) lag++;
        best = lag;
        break;
      }
    }
    if (best < 0) continue;
    const a = d[best - 1]!;
    const b = d[best]!;
    const c = d[best + 1]!;
    const denominator = a - 2 * b + c;
    const shift = denominator !== 0 ? (0.5 * (a - c)) / denominator : 0;
    hz[f] = sampleRate / (best + Math.max(-1, Math.min(1, shift)));
  }
  return { times, hz };
}

/** Median of the voiced values of `hz` between `start` and `end` seconds, or undefined. */
export function medianPitch(track: PitchTrack, start: number, end: number): number | undefined {
  const values: number[] = [];
  track.times.forEach((t, i) => {
    const v = track.hz[i]!;
    if (t >= start && t <= end && v > 0) values.push(v);
  });
  if (values.length === 0) return undefined;
  values.sort((x, y) => x - y);
  return values[Math.floor(values.length / 2)];
}
