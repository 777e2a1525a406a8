// Throughput and quality figures for @autosing/audio-codec, on one core (plain JS + WASM, no
// worker threads). Anchor: upstream processes audio in 30 s chunks; 1× real time means one
// 30 s chunk per 30 s, and any figure above 1× keeps up with that rate.
import { encodeOggOpus } from "../src/__fixtures__/ogg-opus.js";
import { syntheticSong } from "./synthetic.js";
import {
  createDefaultCodec,
  decodeAudio,
  encodeAudio,
  fitDefaultCodec,
  reconstructionMetrics,
  resample,
  stft,
  whisperLogMel,
} from "../src/index.js";
import type { EncodeFormat, ResampleQuality } from "../src/index.js";

const CHUNK_SECONDS = 30;

function time<T>(work: () => T): [T, number] {
  const start = performance.now();
  const value = work();
  return [value, (performance.now() - start) / 1000];
}

async function timeAsync<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await work();
  return [value, (performance.now() - start) / 1000];
}

function row(label: string, value: string, note = ""): void {
  console.log(`${label.padEnd(44)} ${value.padStart(12)}  ${note}`);
}

function tone(frequency: number, rate: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * frequency * i) / rate));
}

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / Math.max(1, x.length));
}

async function main(): Promise<void> {
  console.log(`@autosing/audio-codec bench — reference line: 1.0× real time = one ${CHUNK_SECONDS} s chunk per ${CHUNK_SECONDS} s (2496 SNAC frames, 3000 Whisper frames)\n`);

  // Decode throughput: a 30 s stereo 44.1 kHz song in every format we can write.
  const song = syntheticSong(CHUNK_SECONDS, 44100, 1);
  const stereo = { channels: [song, song.map((v) => 0.8 * v)], sampleRate: 44100 };
  console.log("decode (30 s, 44.1 kHz stereo)");
  for (const format of ["wav", "flac", "ogg-vorbis", "mp3"] as EncodeFormat[]) {
    const bytes = await encodeAudio(stereo, format);
    await decodeAudio(bytes); // warm-up: WASM compilation
    const [, seconds] = await timeAsync(() => decodeAudio(bytes));
    row(`  ${format}`, `${(CHUNK_SECONDS / seconds).toFixed(0)}× RT`, `${(bytes.length / 1024).toFixed(0)} KiB`);
  }
  {
    const opus = encodeOggOpus(syntheticSong(CHUNK_SECONDS, 48000, 1)); // mono 48 kHz, libopus via opusscript
    await decodeAudio(opus);
    const [, seconds] = await timeAsync(() => decodeAudio(opus));
    row("  ogg-opus (mono 48 kHz)", `${(CHUNK_SECONDS / seconds).toFixed(0)}× RT`, `${(opus.length / 1024).toFixed(0)} KiB`);
  }

  console.log("\nresample (30 s mono, libsamplerate WASM)");
  for (const [from, to] of [
    [44100, 16000],
    [44100, 32000],
    [48000, 32000],
  ] as const) {
    const x = syntheticSong(CHUNK_SECONDS, from, 2);
    for (const quality of ["medium", "best"] as ResampleQuality[]) {
      const [, seconds] = await timeAsync(() => resample(x, from, to, { quality }));
      row(`  ${from} → ${to} (${quality})`, `${(CHUNK_SECONDS / seconds).toFixed(0)}× RT`);
    }
  }

  console.log("\nresample quality: tones through 44.1k → 16k → 44.1k (medium)");
  let passbandError = 0;
  for (const f of [100, 440, 1000, 3000, 5000, 6000, 6500, 7000]) {
    const x = tone(f, 44100, 1);
    const back = await resample(await resample(x, 44100, 16000), 16000, 44100);
    const error = Math.abs(20 * Math.log10(rms(back.subarray(4410, 39690)) / rms(x.subarray(4410, 39690))));
    if (f <= 6000) passbandError = Math.max(passbandError, error);
    else row(`  level error at ${f} Hz (band edge)`, `${error.toFixed(3)} dB`);
  }
  row("  pass-band error, 100 Hz – 6 kHz (max)", `${passbandError.toFixed(3)} dB`);
  let alias = -Infinity;
  for (const f of [8500, 10000, 12000, 16000, 20000]) {
    const down = await resample(tone(f, 44100, 1), 44100, 16000);
    alias = Math.max(alias, 20 * Math.log10(rms(down.subarray(1600, 14400)) / (0.5 / Math.SQRT2)));
  }
  row("  aliasing, 8.5 – 20 kHz tones at 16k (max)", `${alias.toFixed(1)} dB`, "relative to the input tone");
  // A log sweep 20 Hz → 20 kHz: energy kept below 7 kHz vs the input, for the whole round trip.
  {
    const n = 44100 * 4;
    const sweep = new Float32Array(n);
    const f0 = 20;
    const f1 = 20000;
    const k = Math.log(f1 / f0);
    for (let i = 0; i < n; i++) {
      const t = i / 44100;
      sweep[i] = 0.5 * Math.sin(((2 * Math.PI * f0 * 4) / k) * (Math.exp((k * t) / 4) - 1));
    }
    const back = await resample(await resample(sweep, 44100, 16000), 16000, 44100);
    const tEnd = (4 * Math.log(7000 / f0)) / k;
    const end = Math.floor(tEnd * 44100);
    let err = 0;
    let ref = 0;
    for (let i = 4410; i < end; i++) {
      err += (back[i]! - sweep[i]!) ** 2;
      ref += sweep[i]! ** 2;
    }
    row("  sweep 20 Hz – 7 kHz round-trip error", `${(10 * Math.log10(err / ref)).toFixed(1)} dB`, "sample-wise, relative to the sweep");
  }

  console.log("\nSTFT / log-mel (30 s mono)");
  {
    const x16 = syntheticSong(CHUNK_SECONDS, 16000, 3);
    whisperLogMel(x16);
    const [mel, seconds] = time(() => whisperLogMel(x16));
    row("  whisperLogMel (n_fft 400, hop 160)", `${(mel.nFrames / seconds).toFixed(0)} fr/s`, `${(CHUNK_SECONDS / seconds).toFixed(0)}× RT (3000 frames per chunk)`);
    const x32 = syntheticSong(CHUNK_SECONDS, 32000, 3);
    const [spec, s2] = time(() => stft(x32, { nFft: 1536, hopLength: 384 }));
    row("  stft (n_fft 1536, hop 384, 32 kHz)", `${(spec.nFrames / s2).toFixed(0)} fr/s`, `${(CHUNK_SECONDS / s2).toFixed(0)}× RT`);
  }

  console.log("\ndefault codec (fit on 120 s of synthetic singing, 1024 codes/level, 128 mels; held-out 30 s)");
  {
    const train = [0, 1, 2, 3].map((s) => syntheticSong(30, 32000, 100 + s));
    const [model, fitSeconds] = await timeAsync(() => fitDefaultCodec(train, { config: { codebookSize: 1024 }, iterations: 10, threads: 1 }));
    row("  fit", `${fitSeconds.toFixed(1)} s`);
    const codec = createDefaultCodec(model);
    const heldOut = syntheticSong(CHUNK_SECONDS, 32000, 999);
    const [tokens, encodeSeconds] = await timeAsync(() => codec.encode(heldOut));
    row("  encode", `${(CHUNK_SECONDS / encodeSeconds).toFixed(1)}× RT`, `tokens [${tokens.shape.join(", ")}]`);
    const [decoded, decodeSeconds] = await timeAsync(() => codec.decode(tokens));
    row("  decode (32 Griffin-Lim iterations)", `${(decoded.length / 32000 / decodeSeconds).toFixed(1)}× RT`);
    const m = reconstructionMetrics(heldOut.subarray(0, decoded.length), decoded);
    row("  held-out log-mel distance", `${m.logMelDistanceDb.toFixed(2)} dB`, "mean |Δ 20·log10 mel|");
    row("  held-out magnitude-spectrogram SNR", `${m.magnitudeSnrDb.toFixed(2)} dB`, "demo-grade; SNAC is the real codec");
  }
}

await main();
