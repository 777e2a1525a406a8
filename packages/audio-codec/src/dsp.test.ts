import { mulberry32 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import {
  InverseMel,
  applyMelFilterbank,
  griffinLim,
  hannWindow,
  hzToMel,
  irfft,
  istft,
  magnitude,
  melFilterbank,
  melToHz,
  resample,
  rfft,
  stft,
  whisperLogMel,
} from "./index.js";

/**
 * Goldens marked "numpy" come from a separate numpy implementation of the reference definitions
 * (np.pad reflect + periodic Hann + np.fft.rfft for torch.stft; librosa.filters.mel's formula;
 * whisper's log_mel_spectrogram steps), run once with numpy 2.4 in float64.
 */
describe("rfft / irfft", () => {
  it("gives the DFT of a cosine exactly: N/2 at its bin, zero elsewhere (n = 400, not a power of two)", () => {
    const n = 400;
    const x = Float32Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 7 * i) / n));
    const re = new Float32Array(n / 2 + 1);
    const im = new Float32Array(n / 2 + 1);
    rfft(x, re, im);
    expect(re[7]).toBeCloseTo(200, 3);
    for (let k = 0; k <= n / 2; k++) {
      if (k !== 7) expect(Math.abs(re[k]!)).toBeLessThan(1e-3);
      expect(Math.abs(im[k]!)).toBeLessThan(1e-3);
    }
    const back = new Float32Array(n);
    irfft(re, im, back);
    for (let i = 0; i < n; i++) expect(back[i]).toBeCloseTo(x[i]!, 5);
  });
});

describe("stft (torch conventions)", () => {
  it("uses torch.hann_window: periodic [0, .5, 1, .5] for 4, symmetric [0, .5, 1, .5, 0] for 5", () => {
    expect(Array.from(hannWindow(4)).map((v) => Number(v.toFixed(6)))).toEqual([0, 0.5, 1, 0.5]);
    expect(Array.from(hannWindow(5, false)).map((v) => Number(v.toFixed(6)))).toEqual([0, 0.5, 1, 0.5, 0]);
  });

  it("windows a bin-centred cosine into N/4 at k and −N/8 at k ± 1 (periodic Hann, analytic)", () => {
    const n = 64;
    const x = Float32Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 5 * i) / n));
    const spec = stft(x, { nFft: n, hopLength: n, center: false });
    expect([spec.nFreq, spec.nFrames]).toEqual([33, 1]);
    expect(spec.re[5]).toBeCloseTo(16, 4);
    expect(spec.re[4]).toBeCloseTo(-8, 4);
    expect(spec.re[6]).toBeCloseTo(-8, 4);
    expect(spec.re[10]).toBeCloseTo(0, 4);
  });

  it("matches the numpy golden with centre reflect padding (n_fft 16, hop 4, 50 samples)", () => {
    const x = Float32Array.from({ length: 50 }, (_, i) => Math.sin(0.3 * i) + 0.5 * Math.cos(1.1 * i));
    const spec = stft(x, { nFft: 16, hopLength: 4 });
    expect([spec.nFreq, spec.nFrames]).toEqual([9, 13]);
    const at = (k: number, t: number): [number, number] => [spec.re[k * 13 + t]!, spec.im[k * 13 + t]!];
    const golden: [number, number, number, number][] = [
      [0, 0, 4.4756890908062, 0],
      [1, 0, -1.2224652228398867, 0],
      [3, 5, 1.92899485416324, -0.0911793498869864],
      [8, 12, -0.06479425551343088, 0],
      [2, 7, 2.143126189546223, -0.04291243934449422],
    ];
    for (const [k, t, re, im] of golden) {
      const [r, i] = at(k, t);
      expect(r).toBeCloseTo(re, 5);
      expect(i).toBeCloseTo(im, 5);
    }
  });

  it("istft inverts stft (hop = n_fft/4) to float32 precision, with torch's length rule", () => {
    const random = mulberry32(7);
    const x = Float32Array.from({ length: 1000 }, () => random() * 2 - 1);
    const spec = stft(x, { nFft: 64, hopLength: 16 });
    // 1 + floor(1000/16) = 63 frames; without `length`: nFft + hop·62 − nFft = 992 samples.
    const trimmed = istft(spec, { nFft: 64, hopLength: 16 });
    expect(trimmed.length).toBe(992);
    const y = istft(spec, { nFft: 64, hopLength: 16, length: 1000 });
    expect(y.length).toBe(1000);
    let err = 0;
    for (let i = 0; i < 1000; i++) err = Math.max(err, Math.abs(y[i]! - x[i]!));
    expect(err).toBeLessThan(1e-5);
  });

  it("istft(stft(x)) = x for random signals over several (n_fft, hop) pairs (seeded property test)", () => {
    const random = mulberry32(21);
    for (const [nFft, hop] of [
      [400, 160],
      [256, 64],
      [1536, 384],
      [30, 10],
    ] as const) {
      const n = nFft * 3 + Math.floor(random() * 500);
      const x = Float32Array.from({ length: n }, () => random() * 2 - 1);
      const y = istft(stft(x, { nFft, hopLength: hop }), { nFft, hopLength: hop, length: n });
      let err = 0;
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(y[i]! - x[i]!));
      expect(err).toBeLessThan(1e-4);
    }
  });

  it("rejects a signal too short to reflect-pad and odd FFT sizes", () => {
    expect(() => stft(new Float32Array(4), { nFft: 16 })).toThrow(/reflect padding of 8 needs more than 8 samples/);
    expect(() => stft(new Float32Array(100), { nFft: 15 })).toThrow(/nFft = 15/);
  });
});

describe("mel filter banks", () => {
  it("slaney hz↔mel is the Auditory Toolbox scale: linear below 1 kHz (15 mel), log above", () => {
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(hzToMel(200)).toBeCloseTo(3, 12);
    expect(melToHz(hzToMel(6400))).toBeCloseTo(6400, 8);
    expect(hzToMel(6400)).toBeCloseTo(15 + 27, 12); // log step ln(6.4)/27 per mel
    expect(hzToMel(700, "htk")).toBeCloseTo(2595 * Math.log10(2), 12);
  });

  it("matches librosa.filters.mel(sr=16000, n_fft=400, n_mels=80) — Whisper's bank (numpy golden)", () => {
    const bank = melFilterbank({ sampleRate: 16000, nFft: 400, nMels: 80 });
    expect([bank.nMels, bank.nFreq]).toEqual([80, 201]);
    const w = (m: number, k: number): number => bank.weights[m * 201 + k]!;
    const golden: [number, number, number][] = [
      [0, 1, 0.02486259490251541],
      [0, 2, 0],
      [10, 10, 0.019908219575881958],
      [10, 11, 0.004954375326633453],
      [40, 43, 0.014735565520823002],
      [40, 44, 0.006518189795315266],
      [70, 136, 0.004571974277496338],
      [70, 137, 0.004079728852957487],
      [79, 190, 0.0022320549469441175],
      [79, 200, 0],
    ];
    for (const [m, k, v] of golden) expect(w(m, k)).toBeCloseTo(v, 7);
  });

  it("matches torchaudio melscale_fbanks(769, 0, 16000, 128, 32000) — HTK scale, no norm (numpy golden)", () => {
    const bank = melFilterbank({ sampleRate: 32000, nFft: 1536, nMels: 128, scale: "htk", norm: null });
    const w = (m: number, k: number): number => bank.weights[m * bank.nFreq + k]!;
    const golden: [number, number, number][] = [
      [0, 1, 0.8092334488248354],
      [0, 2, 0],
      [5, 5, 0.6387865753978637],
      [5, 6, 0.32091405841103277],
      [60, 117, 0.9950306605971916],
      [60, 118, 0.728269080978677],
      [127, 749, 0.9758198184528104],
      [127, 750, 0.9244608806395029],
    ];
    for (const [m, k, v] of golden) expect(w(m, k)).toBeCloseTo(v, 6);
  });

  it("inverse mel (min-norm lstsq + ReLU) reproduces the mel energies of a smooth spectrum", () => {
    const bank = melFilterbank({ sampleRate: 32000, nFft: 1536, nMels: 100, scale: "htk", norm: null });
    const linearIn = Float32Array.from({ length: bank.nFreq }, (_, k) => Math.exp(-(k * 32000) / 1536 / 3000) + 0.1);
    const melIn = applyMelFilterbank(bank, linearIn, 1);
    const linear = new InverseMel(bank).apply(melIn, 1);
    const melOut = applyMelFilterbank(bank, linear, 1);
    let err = 0;
    for (let i = 0; i < 100; i++) err = Math.max(err, Math.abs(melOut[i]! - melIn[i]!) / melIn[i]!);
    expect(err).toBeLessThan(1e-3);
  });
});

describe("whisperLogMel", () => {
  it("matches whisper.log_mel_spectrogram on a tone + chirp (numpy golden)", () => {
    const x = Float32Array.from({ length: 4000 }, (_, i) => {
      const t = i / 16000;
      return 0.5 * Math.sin(2 * Math.PI * 440 * t) + 0.2 * Math.sin(2 * Math.PI * 3000 * t * t);
    });
    const lm = whisperLogMel(x);
    expect([lm.nMels, lm.nFrames]).toEqual([80, 25]);
    const v = (m: number, f: number): number => lm.data[m * 25 + f]!;
    const golden: [number, number, number][] = [
      [0, 0, 0.990487796923828],
      [5, 3, 1.1246993359601902],
      [20, 10, 0.24484142264308295],
      [60, 0, 0.09687568568113858],
      [10, 5, 1.3532812999882238],
      [30, 20, 1.171906049939574],
      [12, 24, 1.2976120824937802],
      [45, 8, -0.5050086067783832], // clamped at max − 8
    ];
    for (const [m, f, g] of golden) expect(v(m, f)).toBeCloseTo(g, 4);
    expect(Math.max(...lm.data)).toBeCloseTo(1.4949913932216168, 4);
    expect(lm.data.reduce((s, a) => s + a, 0) / lm.data.length).toBeCloseTo(-0.194252849873104, 4);
  });

  it("pads with zeros like whisper's padding argument (480000 samples → 3000 frames)", () => {
    const lm = whisperLogMel(new Float32Array(16000).fill(0.1), { padding: 480000 - 16000 });
    expect(lm.nFrames).toBe(3000);
  });
});

describe("griffinLim", () => {
  it("reconstructs a waveform whose magnitude spectrogram matches the target (spectral convergence < 0.15)", () => {
    const n = 8000;
    const x = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000) + 0.25 * Math.sin((2 * Math.PI * 1250 * i) / 16000));
    const opts = { nFft: 256, hopLength: 64 };
    const spec = stft(x, opts);
    const target = magnitude(spec);
    const y = griffinLim(target, spec.nFrames, { ...opts, iterations: 32, length: n, seed: 1 });
    expect(y.length).toBe(n);
    const rebuilt = magnitude(stft(y, opts));
    let num = 0;
    let den = 0;
    for (let i = 0; i < target.length; i++) {
      num += (rebuilt[i]! - target[i]!) ** 2;
      den += target[i]! ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(0.15);
    // Deterministic for a seed.
    const again = griffinLim(target, spec.nFrames, { ...opts, iterations: 2, length: n, seed: 1 });
    const again2 = griffinLim(target, spec.nFrames, { ...opts, iterations: 2, length: n, seed: 1 });
    expect(Array.from(again.subarray(0, 50))).toEqual(Array.from(again2.subarray(0, 50)));
  });
});

describe("resample", () => {
  it("keeps a 1 kHz tone through 44.1k → 16k → 44.1k within 0.1 dB and returns round(n·ratio) samples", async () => {
    const x = Float32Array.from({ length: 44100 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 44100));
    const down = await resample(x, 44100, 16000);
    expect(down.length).toBe(16000);
    const up = await resample(down, 16000, 44100);
    expect(up.length).toBe(44100);
    const rms = (a: Float32Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(20 * Math.log10(rms(up.subarray(4000, 40000)) / rms(x.subarray(4000, 40000)))).toBeLessThan(0.1);
  });

  it("removes content above the new Nyquist (a 12 kHz tone at 44.1k → 16k leaves < −60 dB)", async () => {
    const x = Float32Array.from({ length: 44100 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 12000 * i) / 44100));
    const down = await resample(x, 44100, 16000);
    const rms = Math.sqrt(down.subarray(2000, 14000).reduce((s, v) => s + v * v, 0) / 12000);
    expect(20 * Math.log10(rms / (0.5 / Math.SQRT2))).toBeLessThan(-60);
  });

  it("resamples input longer than libsamplerate-js's buffer the same on every call (its streamed state is not shared)", async () => {
    // 1.1 M samples (34 s at 32 kHz): past the 1 008 000 samples libsamplerate-js takes at once.
    const x = Float32Array.from({ length: 1_100_000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 500 * i) / 32000));
    const first = await resample(x, 32000, 16000, { quality: "fastest" });
    const second = await resample(x, 32000, 16000, { quality: "fastest" });
    expect(second.length).toBe(550_000);
    expect(second.findIndex((v, i) => v !== first[i])).toBe(-1);
    // And it is the tone: within 1e-3 of 0.5·sin(2π·500·t) away from the edges.
    let worst = 0;
    for (let i = 1000; i < 549_000; i += 997) worst = Math.max(worst, Math.abs((second[i] ?? 0) - 0.5 * Math.sin((2 * Math.PI * 500 * i) / 16000)));
    expect(worst).toBeLessThan(1e-3);
  });

  it("rejects non-positive rates and NaN samples", async () => {
    await expect(resample(new Float32Array(10), 0, 16000)).rejects.toThrow(/fromRate = 0/);
    await expect(resample(new Float32Array([0, Number.NaN]), 44100, 16000)).rejects.toThrow(/sample 1 of channel 0 is NaN/);
  });
});
