import { unflattenSnac } from "@autosing/audio-codec";
import type { Tokens } from "@autosing/audio-codec";
import { int64Tensor, openOnnxSession } from "@autosing/nn";
import type { InferenceSession, SessionOptions } from "@autosing/nn";

import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "./config.js";
import { artistEmbedderDimensions, AUTOSING_ARTIST_WINDOWS } from "./config.js";
import { ArtistEmbedderInputError } from "./errors.js";
import { ARTIST_EMBEDDER_ONNX_NAMES as NAMES } from "./onnx-export.js";

export interface EmbedAudioTokensOptions {
  /** Equal windows the tokens are split into (upstream: 3 per 30 s chunk). */
  windows?: number;
  /** Windows per onnxruntime call; bounds memory for long batches. Default 8. */
  batchSize?: number;
}

/** Embeddings in row-major order: `shape` is [chunks, windows, emb_width] (or [windows, emb_width] for one chunk). */
export interface ArtistEmbeddings {
  data: Float32Array;
  shape: number[];
}

/** Inference of artist embeddings on onnxruntime-node from the exported embedding graph. */
export class ArtistEmbedder {
  private constructor(
    private readonly session: InferenceSession,
    readonly config: ArtistEmbedderConfig,
  ) {}

  /** Opens the graph written by exportArtistEmbedderOnnx (bytes or a file path). */
  static async create(model: Uint8Array | string, config: ArtistEmbedderConfig, tunables: ArtistEmbedderTunables, options: SessionOptions = {}): Promise<ArtistEmbedder> {
    artistEmbedderDimensions(config, tunables);
    return new ArtistEmbedder(await openOnnxSession(model, options), config);
  }

  /**
   * Embeds dense windows `[count, quantizers, ctx_n]` (row-major int32) → `[count, emb_width]`.
   * Port of autosing/artist_embeddings.py: Embedder.forward(noloss=True, flattened=False).
   */
  async embedWindows(windows: Int32Array, count: number, options: { batchSize?: number } = {}): Promise<Float32Array> {
    const { quantizers, ctx_n: t, emb_width: width } = this.config;
    const per = quantizers * t;
    if (windows.length !== count * per) throw new ArtistEmbedderInputError("windows", `has ${windows.length} values, expected ${count} × ${quantizers} × ${t}`);
    const limit = this.config.codes + 2;
    for (let i = 0; i < windows.length; i++) {
      const v = windows[i] ?? 0;
      if (v < 0 || v >= limit) throw new ArtistEmbedderInputError("windows", `value ${v} at index ${i} is outside [0, ${limit}) (codes + 2 special codes)`);
    }
    const batchSize = Math.max(1, options.batchSize ?? 8);
    const out = new Float32Array(count * width);
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const result = await this.session.run({ [NAMES.atoks]: int64Tensor(windows.subarray(start * per, (start + n) * per), [n, quantizers, t]) });
      out.set(result[NAMES.embedding]?.data as Float32Array, start * width);
    }
    return out;
  }

  /**
   * The artist_embs processing step for SNAC tokens of 30 s chunks: dense `[4, T]` / `[B, 4, T]`
   * or flattened `[15, T/8]` / `[B, 15, T/8]` (unflattened first). Each chunk is split into
   * `windows` (3) consecutive windows of `ctx_n` frames, as upstream's
   * `rearrange(atoks, "b q (n t) -> (b n) q t", n=3)`, each embedded: 3 × emb_width floats per chunk.
   * Port of autosing/processing.py: artist_embs (and sing.py's reference embedding).
   */
  async embedAudioTokens(tokens: Tokens, options: EmbedAudioTokensOptions = {}): Promise<ArtistEmbeddings> {
    const windows = options.windows ?? AUTOSING_ARTIST_WINDOWS;
    const rows = tokens.shape[tokens.shape.length - 2];
    const dense = rows === 15 ? unflattenSnac(tokens) : tokens;
    const batched = dense.shape.length === 3;
    const [chunks = 0, q = 0, frames = 0] = batched ? dense.shape : [1, ...dense.shape];
    if ((dense.shape.length !== 2 && !batched) || q !== this.config.quantizers) {
      throw new ArtistEmbedderInputError("tokens", `shape [${tokens.shape.join(", ")}] must be [${this.config.quantizers}, T], [B, ${this.config.quantizers}, T] or the flattened [15, T/8] / [B, 15, T/8]`);
    }
    if (frames !== windows * this.config.ctx_n) {
      throw new ArtistEmbedderInputError("tokens", `${frames} frames per chunk, expected ${windows} windows × ctx_n ${this.config.ctx_n} = ${windows * this.config.ctx_n} (encode exactly 30 s, as upstream)`);
    }
    // [B, Q, (n t)] → [(B n), Q, t].
    const t = this.config.ctx_n;
    const split = new Int32Array(dense.data.length);
    for (let b = 0; b < chunks; b++) {
      for (let n = 0; n < windows; n++) {
        for (let level = 0; level < q; level++) {
          const from = (b * q + level) * frames + n * t;
          split.set(dense.data.subarray(from, from + t), ((b * windows + n) * q + level) * t);
        }
      }
    }
    const data = await this.embedWindows(split, chunks * windows, options.batchSize === undefined ? {} : { batchSize: options.batchSize });
    return { data, shape: batched ? [chunks, windows, this.config.emb_width] : [windows, this.config.emb_width] };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
