// Semantic tokenizer throughput on one core: the default tokenizer, and the BN-Whisper ONNX
// adapter's front end (log-mel + padding), against the rate upstream needs for a 30 s chunk.
import { cpus } from "node:os";

import { mulberry32 } from "@autosing/base";

import { createDefaultTokenizer, encodeChunk, fitDefaultTokenizer, whisperEncoderInput } from "../src/index.js";

const sampleRate = 16_000;
const random = mulberry32(1);
function noiseWithFormants(seconds: number): Float32Array {
  const out = new Float32Array(seconds * sampleRate);
  let y1 = 0;
  let y2 = 0;
  for (let n = 0; n < out.length; n++) {
    // A slowly wandering two-pole resonance over noise: speech-like spectral movement.
    const f = 500 + 400 * Math.sin((2 * Math.PI * n) / (sampleRate * 0.7));
    const r = 0.97;
    const a1 = 2 * r * Math.cos((2 * Math.PI * f) / sampleRate);
    const y = (random() - 0.5) * 0.1 + a1 * y1 - r * r * y2;
    y2 = y1;
    y1 = y;
    out[n] = y;
  }
  return out;
}

function time<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

const clip = noiseWithFormants(30);
console.log(`semantic-tokens bench — ${cpus()[0]?.model ?? "cpu"}, one thread`);
console.log("reference line: upstream needs 30 s of audio tokenized per 30 s chunk; ×1 real time is the floor for streaming");

const front = time(() => whisperEncoderInput(clip.subarray(0, 15 * sampleRate)));
console.log(`whisper log-mel + pad (15 s half): ${front.ms.toFixed(1)} ms  (${(15_000 / front.ms).toFixed(0)}× real time)`);

for (const codes of [256, 2048]) {
  const fit = time(() => fitDefaultTokenizer([clip], { codes, iterations: 5, seed: 1 }));
  const tokenizer = createDefaultTokenizer(fit.value);
  const start = performance.now();
  const runs = 3;
  for (let i = 0; i < runs; i++) await encodeChunk(tokenizer, clip);
  const ms = (performance.now() - start) / runs;
  console.log(
    `default tokenizer, ${codes} codes: encode 30 s chunk ${ms.toFixed(1)} ms (${(30_000 / ms).toFixed(0)}× real time); fit on 30 s (5 iters) ${fit.ms.toFixed(0)} ms`,
  );
}
