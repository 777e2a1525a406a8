import { Xoshiro128 } from "@autosing/base";
import { addStepCacheFeeds, argmax, int64Tensor, openOnnxSession, sampleToken } from "@autosing/nn";
import type { InferenceSession, SessionOptions, Tensor } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { cpsBin, t2sDimensions } from "./config.js";
import { T2SInputError } from "./errors.js";
import { encodeLyrics } from "./lyrics.js";
import type { T2SOnnxModels } from "./onnx-export.js";
import { T2S_ONNX_NAMES as N } from "./onnx-export.js";

export interface T2SGenerateOptions {
  /** Sampling temperature (upstream `T`, default 0.7). */
  temperature?: number;
  topK?: number;
  /** Characters per second of the lyrics (upstream `cps`, default 15; AutoSing's `sing` passes 1). */
  charactersPerSecond?: number;
  /** A language code, or with `lyrics` as a list of strings one code per string (upstream's list form; see `encodeLyrics`). Default "en". */
  language?: string | readonly string[];
  /** Decoding steps counting the start token: the output has `steps − 1` tokens (upstream `N`, default stoks_len; AutoSing's `sing` uses 751). */
  steps?: number;
  /** Semantic tokens forced at the start of every row. */
  stoksPrompt?: readonly number[];
  /** Rows generated at once (upstream `bs`). */
  batchSize?: number;
  /** Music streams from this index on are replaced by the pad code, as AutoSing's `sing` does (default 2; 0 disables). */
  maskFineLevels?: number;
  /** Seed of the sampling stream: same seed, same tokens. */
  seed?: number;
  /** Pick the most likely token instead of sampling. */
  greedy?: boolean;
  /** Called after each decoding step with the step index. */
  onStep?: (step: number) => void;
}

/**
 * Generates semantic tokens from lyrics and `bricks` music tokens on onnxruntime-node: the
 * encoder graph once, then one decoder call per token with the KV cache carried along.
 * Port of autosing/t2s.py: TM2STransformer.generate.
 */
export class T2SGenerator {
  private constructor(
    readonly config: T2SConfig,
    readonly tunables: T2STunables,
    private readonly encoder: InferenceSession,
    private readonly decoder: InferenceSession,
  ) {}

  static async create(models: T2SOnnxModels | { encoder: string; decoder: string }, config: T2SConfig, tunables: T2STunables, options: SessionOptions = {}): Promise<T2SGenerator> {
    const encoder = await openOnnxSession(models.encoder, options);
    const decoder = await openOnnxSession(models.decoder, options);
    return new T2SGenerator(config, tunables, encoder, decoder);
  }

  /**
   * Runs the encoder graph: cps embedding and cross keys/values (kept as onnxruntime tensors).
   * `language`: one id for every token, or one id per token of `ttoks`.
   */
  async encode(ttoks: readonly number[], language: number | readonly number[], cps: number, mtoks: readonly (readonly number[])[], batch: number): Promise<Record<string, Tensor>> {
    const q = this.config.quantizers;
    if (mtoks.length !== q) throw new T2SInputError("mtoks", `has ${mtoks.length} streams, expected ${q} (the bricks pattern of the music tokens)`);
    const length = mtoks[0]?.length ?? 0;
    const flatMusic: number[] = [];
    for (let b = 0; b < batch; b++) {
      for (const row of mtoks) {
        if (row.length !== length) throw new T2SInputError("mtoks", `rows differ in length (${row.length} vs ${length})`);
        for (const v of row) {
          if (!Number.isInteger(v) || v < 0 || v > this.config.codes + 1) throw new T2SInputError("mtoks", `value ${v} is outside 0…${this.config.codes + 1}`);
          flatMusic.push(v);
        }
      }
    }
    const repeat = <T>(values: readonly T[]): T[] => Array.from({ length: batch }, () => values).flat();
    const languages = typeof language === "number" ? [language] : language;
    if (languages.length !== 1 && languages.length !== ttoks.length) throw new T2SInputError("language", `has ${languages.length} ids for ${ttoks.length} text tokens; give one id, or one per token`);
    return this.encoder.run({
      [N.encoder.ttoks]: int64Tensor(repeat(ttoks), [batch, ttoks.length]),
      [N.encoder.language]: int64Tensor(repeat(languages), [batch, languages.length]),
      [N.encoder.cpsBin]: int64Tensor(repeat([cpsBin(cps, this.tunables)]), [batch]),
      [N.encoder.mtoks]: int64Tensor(flatMusic, [batch, q, length]),
    });
  }

  /**
   * One decoder call: tokens [batch, seq] at `positions`, with the cache from the previous
   * call (or empty). Returns logits [batch, seq, vocab] and the new cache.
   */
  async step(
    encoded: Record<string, Tensor>,
    tokens: readonly number[],
    positions: readonly number[],
    batch: number,
    past: Record<string, Tensor> | null,
  ): Promise<{ logits: Float32Array; present: Record<string, Tensor> }> {
    const dims = t2sDimensions(this.config, this.tunables);
    const seq = positions.length;
    const feeds: Record<string, Tensor> = {
      [N.decoder.inputIds]: int64Tensor(tokens, [batch, seq]),
      [N.decoder.positions]: int64Tensor(positions, [seq]),
    };
    const cps = encoded[N.encoder.cpsEmbedding];
    if (cps) feeds[N.decoder.cpsEmbedding] = cps;
    addStepCacheFeeds(feeds, encoded, past, {
      decoderDepth: dims.decoderDepth,
      batch,
      nHead: this.config.n_head,
      headWidth: this.config.head_width,
      crossNames: (i) => [N.crossTextKey(i), N.crossTextValue(i), N.crossMusicKey(i), N.crossMusicValue(i)],
    });
    const out = await this.decoder.run(feeds);
    const logits = out[N.decoder.logits];
    if (!logits) throw new T2SInputError("decoder", "returned no logits");
    return { logits: logits.data as Float32Array, present: out };
  }

  /** Returns `bs` rows of N − 1 semantic tokens. */
  async generate(lyrics: string | readonly string[], mtoks: readonly (readonly number[])[], options: T2SGenerateOptions = {}): Promise<number[][]> {
    const config = this.config;
    const batch = options.batchSize ?? 1;
    const n = options.steps ?? config.stoks_len;
    if (n - 2 >= config.stoks_len) throw new T2SInputError("N", `${n} needs positions up to ${n - 2}, beyond stoks_len ${config.stoks_len}`);
    const prompt = options.stoksPrompt ?? [];
    if (prompt.length + 2 > n) throw new T2SInputError("stoksPrompt", `${prompt.length} tokens leave nothing to generate with N = ${n}`);
    const maskFrom = options.maskFineLevels ?? 2;
    const music = mtoks.map((row, level) => (maskFrom > 0 && level >= maskFrom ? row.map(() => config.codes) : [...row]));
    const text = encodeLyrics(lyrics, options.language ?? "en", config.ttoks_len);
    const encoded = await this.encode(text.ttoks, text.languages, options.charactersPerSecond ?? 15, music, batch);
    const random = Xoshiro128.fromWord(options.seed ?? 0);
    const temperature = options.temperature ?? 0.7;
    const vocab = config.stoks_codes + 1;
    const pick = (row: Float32Array): number =>
      // Upstream also writes `probs[codes:] = -inf`, but on the batch axis, so nothing is masked; we keep that.
      options.greedy ? argmax(row) : sampleToken(row, temperature, options.topK, random);

    const rows = Array.from({ length: batch }, () => [config.stoks_codes - 1, ...prompt]);
    const start = prompt.length;
    // Prefill: the start token and the prompt in one call.
    const prefillPositions = Array.from({ length: start + 1 }, (_, i) => i);
    let { logits, present } = await this.step(encoded, rows.flat(), prefillPositions, batch, null);
    rows.forEach((row, b) => row.push(pick(logits.subarray((b * (start + 1) + start) * vocab, (b * (start + 1) + start + 1) * vocab))));
    for (let i = start + 1; i < n - 1; i++) {
      ({ logits, present } = await this.step(encoded, rows.map((row) => row[i] ?? 0), [i], batch, present));
      rows.forEach((row, b) => row.push(pick(logits.subarray(b * vocab, (b + 1) * vocab))));
      options.onStep?.(i);
    }
    return rows.map((row) => row.slice(1));
  }

  async release(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }
}
