/** A perceptual dark-to-bright ramp (black → purple → orange → pale yellow, like magma) for spectrograms and heat maps. */
const STOPS: readonly (readonly [number, number, number])[] = [
  [0, 0, 4],
  [59, 15, 112],
  [140, 41, 129],
  [222, 73, 104],
  [254, 159, 109],
  [252, 253, 191],
];

/** The colour of `value` in [0, 1] as RGB bytes. */
export function rampColor(value: number): readonly [number, number, number] {
  const v = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(v));
  const f = v - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}
