import { type AudioData, firstChannel, resample } from "@autosing/audio-codec";
import { type SemanticTokenizer, encodeChunk } from "@autosing/semantic-tokens";
import type { T2SGenerator } from "@autosing/t2s-model";

import { SingOptionError } from "./errors.js";

/** Upstream generates N = 750 + 1: 750 semantic tokens, 30 s at 25 tokens/s. */
export const SEMANTIC_TOKENS = 750;
const SEMANTIC_RATE = 16000;

/**
 * Refuses lyrics longer than the t2s text encoder reads: `ttoks_len` tokens, the end-of-text
 * token plus one per UTF-8 byte of the trimmed text. Cheap, so `sing` runs it before any heavy
 * stage; the generator would silently cut the text, and upstream's F.pad would too.
 */
export function checkLyricsFit(config: { readonly ttoks_len: number }, lyrics: readonly [string, string]): void {
  const text = lyrics.join("\n");
  const bytes = new TextEncoder().encode(text.trim()).length;
  if (bytes + 1 > config.ttoks_len) {
    throw new SingOptionError("--lyrics", text, `is ${bytes} UTF-8 bytes; the t2s model reads at most ${config.ttoks_len - 1} (ttoks_len ${config.ttoks_len} with the end-of-text token); shorten the lyrics`);
  }
}

/**
 * Port of the t2s branch of autosing/sing.py: 750 semantic tokens from the two lyric lines and
 * the `bricks` music (levels ≥ 2 masked), characters-per-second 1, temperature `temperature`.
 */
export async function generateSemantic(
  t2s: T2SGenerator,
  lyrics: readonly [string, string],
  bricks: readonly (readonly number[])[],
  options: { temperature: number; seed: number; onStep?: (step: number, total: number) => void },
): Promise<number[]> {
  const text = lyrics.join("\n");
  // Checked again here for library callers that skip `sing`; `sing` checks right after loading.
  checkLyricsFit(t2s.config, lyrics);
  const n = SEMANTIC_TOKENS + 1;
  const [stoks] = await t2s.generate(text, bricks, {
    temperature: options.temperature,
    charactersPerSecond: 1,
    steps: n,
    batchSize: 1,
    maskFineLevels: 2,
    seed: options.seed,
    ...(options.onStep ? { onStep: (step: number) => options.onStep?.(step, n - 2) } : {}),
  });
  return stoks ?? [];
}

/**
 * Port of the extraction branch of autosing/sing.py: the first 30 s of `audio` (cut from the
 * start time) at 16 kHz through the semantic tokenizer, two 15 s halves of 375 tokens.
 */
export async function extractSemantic(tokenizer: SemanticTokenizer, audio: AudioData, source: string): Promise<number[]> {
  const mono = firstChannel(audio, source);
  const at16k = await resample(mono, audio.sampleRate, SEMANTIC_RATE);
  return Array.from(await encodeChunk(tokenizer, at16k.subarray(0, 30 * SEMANTIC_RATE), source));
}
