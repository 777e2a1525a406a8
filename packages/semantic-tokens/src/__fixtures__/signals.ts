import { mulberry32 } from "@autosing/base";

/**
 * Test-only signals: vowel-like sounds (a harmonic source through formant resonances) whose
 * spectral shapes differ by vowel, as phones do. Not exported from the package root.
 */
export const VOWEL_FORMANTS: Record<string, readonly [number, number]> = {
  a: [730, 1090],
  i: [270, 2290],
  u: [300, 870],
};

export function vowel(name: keyof typeof VOWEL_FORMANTS, seconds: number, f0: number, seed: number): Float32Array {
  const sampleRate = 16_000;
  const [f1, f2] = VOWEL_FORMANTS[name]!;
  const random = mulberry32(seed);
  const out = new Float32Array(Math.round(seconds * sampleRate));
  const phase0 = random() * Math.PI * 2;
  for (let h = 1; h * f0 < 7000; h++) {
    const freq = h * f0;
    // Two resonance peaks shape the harmonic amplitudes.
    const gain = 1 / (1 + ((freq - f1) / 120) ** 2) + 0.7 / (1 + ((freq - f2) / 160) ** 2) + 0.02;
    for (let n = 0; n < out.length; n++) out[n] = out[n]! + 0.1 * gain * Math.sin((2 * Math.PI * freq * n) / sampleRate + phase0 * h);
  }
  for (let n = 0; n < out.length; n++) out[n] = out[n]! + 0.001 * (random() - 0.5);
  return out;
}

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
