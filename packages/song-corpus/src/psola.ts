import { trackPitch } from "./pitch.js";

/** Analysis of a monotone source: its period and pitch marks (sample indices). */
export interface PitchMarks {
  period: number;
  marks: Int32Array;
}

/**
 * Places analysis pitch marks on a (near-)monotone source: the median YIN period, then one
 * mark per period at the highest peak of the lightly smoothed signal within ±30 % of the
 * expected position. In unvoiced stretches the peaks are noise and the marks simply keep the
 * average spacing, which is all TD-PSOLA needs there.
 */
export function analysePitchMarks(source: Float32Array, sampleRate: number): PitchMarks {
  // The source is monotone, so ~80 frames spread over it give its period; tracking every
  // frame would cost more than the whole PSOLA.
  const hop = Math.max(0.01, source.length / sampleRate / 80);
  const track = trackPitch(source, sampleRate, { minHz: 60, maxHz: 500, hop });
  const voiced = [...track.hz].filter((v) => v > 0).sort((a, b) => a - b);
  const f0 = voiced.length > 0 ? voiced[Math.floor(voiced.length / 2)]! : 120;
  const period = sampleRate / f0;
  // Smoothing over ~1 ms keeps the glottal peak and drops formant ripple.
  const width = Math.max(1, Math.round(sampleRate / 1000));
  const smooth = new Float32Array(source.length);
  let acc = 0;
  for (let i = 0; i < source.length; i++) {
    acc += source[i]!;
    if (i >= width) acc -= source[i - width]!;
    smooth[i] = acc / width;
  }
  const marks: number[] = [];
  let position = Math.round(period / 2);
  while (position < source.length) {
    const lo = Math.max(0, Math.round(position - 0.3 * period));
    const hi = Math.min(source.length - 1, Math.round(position + 0.3 * period));
    let best = position;
    let bestValue = -Infinity;
    for (let i = lo; i <= hi; i++) {
      if (smooth[i]! > bestValue) {
        bestValue = smooth[i]!;
        best = i;
      }
    }
    // Never step back or stall: the next search starts one period after this mark.
    if (marks.length > 0 && best <= marks[marks.length - 1]!) best = marks[marks.length - 1]! + Math.round(period);
    marks.push(best);
    position = best + period;
  }
  return { period, marks: Int32Array.from(marks) };
}

/** Nearest mark to `position` in a sorted mark list. */
function nearestMark(marks: Int32Array, position: number): number {
  let lo = 0;
  let hi = marks.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (marks[mid]! < position) lo = mid;
    else hi = mid;
  }
  const a = marks[lo] ?? 0;
  const b = marks[hi] ?? a;
  return Math.abs(a - position) <= Math.abs(b - position) ? a : b;
}

/** One segment to render: output span, the map back to source time, and the pitch curve. */
export interface PsolaSegment {
  /** Output span in seconds [start, end). */
  start: number;
  end: number;
  /** Output time → source time, seconds (monotone). */
  sourceAt: (outputSeconds: number) => number;
  /** Output time → target fundamental in Hz. */
  hzAt: (outputSeconds: number) => number;
}

/**
 * TD-PSOLA (Moulines & Charpentier 1990): for each synthesis mark, spaced by the target
 * period, take the Hann-windowed two-period grain around the analysis mark nearest the mapped
 * source time and overlap-add it. Pitch is set by the synthesis spacing, duration by the time
 * map; resampling each grain by `formantShift` moves the formants (the spectral envelope)
 * without moving the pitch. The same grain resampling converts from the source rate to the
 * output rate (linear interpolation: the eSpeak source has little energy near its Nyquist
 * frequency). Grains are scaled by spacing/half-width so the level does not depend on the
 * pitch shift.
 */
export function renderPsola(
  source: Float32Array,
  sourceRate: number,
  analysis: PitchMarks,
  segment: PsolaSegment,
  formantShift: number,
  output: Float32Array,
  outputRate: number,
): void {
  // Source samples advanced per output sample inside a grain.
  const step = (formantShift * sourceRate) / outputRate;
  const outHalf = Math.max(2, Math.round(analysis.period / step));
  const window = new Float32Array(2 * outHalf + 1);
  for (let k = -outHalf; k <= outHalf; k++) window[k + outHalf] = 0.5 + 0.5 * Math.cos((Math.PI * k) / (outHalf + 1));
  let t = segment.start * outputRate;
  const end = segment.end * outputRate;
  while (t < end) {
    const seconds = t / outputRate;
    const spacing = outputRate / segment.hzAt(seconds);
    const center = nearestMark(analysis.marks, segment.sourceAt(seconds) * sourceRate);
    const gain = spacing / outHalf;
    const base = Math.round(t);
    for (let k = -outHalf; k <= outHalf; k++) {
      const o = base + k;
      if (o < 0 || o >= output.length) continue;
      const s = center + k * step;
      const i = Math.floor(s);
      const frac = s - i;
      if (i < 0 || i + 1 >= source.length) continue;
      const value = source[i]! * (1 - frac) + source[i + 1]! * frac;
      output[o] = output[o]! + value * window[k + outHalf]! * gain;
    }
    t += spacing;
  }
}
