import { InvalidSemanticAudioError } from "./errors.js";

/** Semantic tokens are computed from 16 kHz mono audio, like Whisper's input. */
export const SEMANTIC_SAMPLE_RATE = 16_000;
/** 25 tokens per second: Whisper's 50 Hz encoder frames downsampled ×2 (DESIGN.md §4). */
export const SEMANTIC_TOKENS_PER_SECOND = 25;
/** Codebook size of BN-Whisper; the models reserve code 2048 as the pad token. */
export const SEMANTIC_NUM_CODES = 2048;
export const SEMANTIC_PAD_TOKEN = SEMANTIC_NUM_CODES;
/** Upstream tokenizes a 30 s chunk as two 15 s halves of 375 tokens each. */
export const HALF_CHUNK_SECONDS = 15;
export const TOKENS_PER_HALF_CHUNK = HALF_CHUNK_SECONDS * SEMANTIC_TOKENS_PER_SECOND;

/**
 * The semantic tokenizer contract. An implementation turns at most 30 s of 16 kHz mono audio
 * into `floor(frames / 4)` tokens in `[0, numCodes)`, where `frames = floor(samples / 160)` is the
 * Whisper log-mel frame count — so 15 s gives exactly 375 tokens.
 */
export interface SemanticTokenizer {
  readonly name: string;
  readonly sampleRate: typeof SEMANTIC_SAMPLE_RATE;
  readonly tokensPerSecond: typeof SEMANTIC_TOKENS_PER_SECOND;
  readonly numCodes: number;
  encode(audio16k: Float32Array): Promise<Int32Array>;
  /** Frees native resources (ONNX sessions); a no-op for pure-JS tokenizers. */
  dispose(): Promise<void>;
}

/** Whisper frames (hop 160) for a number of 16 kHz samples, and the token count they give. */
export function tokenCountForSamples(samples: number): number {
  return Math.floor(Math.floor(samples / 160) / 4);
}

/** Checks a tokenizer input: non-empty, finite, at most 30 s. */
export function validateSemanticAudio(audio16k: Float32Array, source = "audio"): void {
  if (audio16k.length === 0) throw new InvalidSemanticAudioError(source, "audio has zero samples");
  if (audio16k.length > 30 * SEMANTIC_SAMPLE_RATE) {
    throw new InvalidSemanticAudioError(
      source,
      `${(audio16k.length / SEMANTIC_SAMPLE_RATE).toFixed(2)} s is longer than one 30 s window; split it first (encodeChunk does)`,
    );
  }
  for (let i = 0; i < audio16k.length; i++) {
    if (!Number.isFinite(audio16k[i]!)) throw new InvalidSemanticAudioError(source, `sample ${i} is ${audio16k[i]}`);
  }
}

/**
 * Port of autosing/processing.py: stoks — a 30 s chunk is cut to 30 s (zero-padded when
 * shorter), split into two 15 s halves, and each half is tokenized on its own: 2 × 375 = 750
 * tokens, the `stoks` column of the dataset.
 */
export async function encodeChunk(tokenizer: SemanticTokenizer, audio16k: Float32Array, source = "audio"): Promise<Int32Array> {
  const halfSamples = HALF_CHUNK_SECONDS * SEMANTIC_SAMPLE_RATE;
  const chunk = new Float32Array(2 * halfSamples);
  chunk.set(audio16k.subarray(0, chunk.length));
  const out = new Int32Array(2 * TOKENS_PER_HALF_CHUNK);
  for (let half = 0; half < 2; half++) {
    const tokens = await tokenizer.encode(chunk.subarray(half * halfSamples, (half + 1) * halfSamples));
    if (tokens.length !== TOKENS_PER_HALF_CHUNK) {
      throw new InvalidSemanticAudioError(source, `${tokenizer.name} returned ${tokens.length} tokens for a 15 s half, expected ${TOKENS_PER_HALF_CHUNK}`);
    }
    out.set(tokens, half * TOKENS_PER_HALF_CHUNK);
  }
  return out;
}
