import { mulberry32 } from "@autosing/base";

/**
 * A singing-like synthetic signal at `rate`: notes of random pitch (110–440 Hz) every 0.3–0.6 s,
 * 12 harmonics with a vowel-like spectral envelope that changes per note, 5.5 Hz vibrato,
 * attack/release envelopes, a little breath noise, over a quiet bass+hat accompaniment.
 */
export function syntheticSong(seconds: number, rate: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const n = Math.floor(seconds * rate);
  const out = new Float32Array(n);
  let t0 = 0;
  let phase = 0;
  while (t0 < n) {
    const length = Math.floor((0.3 + 0.3 * random()) * rate);
    const f0 = 110 * 2 ** (random() * 2);
    const formant1 = 300 + 600 * random();
    const formant2 = 900 + 1800 * random();
    const harmonics = Array.from({ length: 12 }, (_, h) => {
      const f = f0 * (h + 1);
      const g = (fc: number, bw: number): number => Math.exp(-(((f - fc) / bw) ** 2));
      return 0.6 / (h + 1) + g(formant1, 200) + 0.6 * g(formant2, 400);
    });
    const norm = harmonics.reduce((a, b) => a + b, 0);
    for (let i = 0; i < length && t0 + i < n; i++) {
      const t = i / rate;
      const env = Math.min(1, t / 0.03) * Math.min(1, (length - i) / rate / 0.05);
      const f = f0 * (1 + 0.01 * Math.sin(2 * Math.PI * 5.5 * t));
      phase += (2 * Math.PI * f) / rate;
      let v = 0;
      for (let h = 0; h < 12; h++) if (f0 * (h + 1) < rate / 2) v += harmonics[h]! * Math.sin((h + 1) * phase);
      out[t0 + i] = (0.4 * env * v) / norm + 0.01 * env * (random() * 2 - 1);
    }
    t0 += length;
  }
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const beat = t % 0.5;
    out[i]! += 0.08 * Math.sin(2 * Math.PI * 55 * t) * Math.exp(-beat * 6) + (beat < 0.01 ? 0.05 * (random() * 2 - 1) : 0);
  }
  return out;
}
