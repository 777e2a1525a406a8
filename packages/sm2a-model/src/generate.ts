import { removePattern } from "@autosing/audio-codec";
import type { DelayPattern, Tokens } from "@autosing/audio-codec";
import { Xoshiro128 } from "@autosing/base";
import { addStepCacheFeeds, argmax, float32Tensor, int64Tensor, openOnnxSession, sampleToken } from "@autosing/nn";
import type { InferenceSession, SessionOptions, Tensor } from "@autosing/nn";

import type { SM2AConfig, SM2ATunables } from "./config.js";
import { sm2aDimensions } from "./config.js";
import { SM2AInputError } from "./errors.js";
import type { SM2AOnnxModels } from "./onnx-export.js";
import { SM2A_ONNX_NAMES as N } from "./onnx-export.js";

export interface SM2AGenerateOptions {
  /** Decoding steps kept (upstream `N`, default the template length). */
  steps?: number;
  /** Sampling temperature (upstream `T`, default 0.7); quantizers from 20 on use 1.25 × temperature, as upstream. */
  temperature?: number;
  topK?: number;
  /** Rows generated at once (upstream `bs`). */
  batchSize?: number;
  /**
   * Patterned tokens [Q][ctx] whose pad/mask codes (≥ codes) are forced into the output after
   * every step (AutoSing's `sing` passes `bricks_unrolled` of the music); default `mtoks`.
   */
  template?: readonly (readonly number[])[];
  /**
   * Acoustic tokens [Q][P] that the generation continues (upstream `atoks_prompt`): stream i's
   * prompt is placed with the per-stream delay at steps 1 + i … P + i, the decoder is prefilled
   * over steps 0 … P in one call, and sampling starts at step P + 1. As upstream, that step (and
   * every later one) is generated for all streams, so the delayed prompt tail of streams i ≥ 1
   * (steps P + 1 … P + i) is replaced by generated tokens; template pad/mask codes still win.
   */
  atoksPrompt?: readonly (readonly number[])[];
  /** Classifier-free guidance: logits (1 + λ)·cond − λ·uncond, uncond with all-zero music tokens. */
  cfgLambda?: number;
  seed?: number;
  greedy?: boolean;
  onStep?: (step: number) => void;
}

export interface SM2AGenerateResult {
  /** The patterned tokens [bs, Q, N] as generated. */
  patterned: Tokens;
  /** `removePattern(config.pattern, patterned)`: SNAC codes [bs, 4, T] (null without a pattern or with Q ≠ 8). */
  codes: Tokens | null;
}

/**
 * Generates acoustic tokens from semantic tokens, music tokens and an artist embedding on
 * onnxruntime-node. Port of autosing/sm2a.py: SM2ATransformer.generate.
 */
export class SM2AGenerator {
  private constructor(
    readonly config: SM2AConfig,
    readonly tunables: SM2ATunables,
    private readonly encoder: InferenceSession,
    private readonly decoder: InferenceSession,
  ) {}

  static async create(models: SM2AOnnxModels | { encoder: string; decoder: string }, config: SM2AConfig, tunables: SM2ATunables, options: SessionOptions = {}): Promise<SM2AGenerator> {
    return new SM2AGenerator(config, tunables, await openOnnxSession(models.encoder, options), await openOnnxSession(models.decoder, options));
  }

  /** Upstream stoks preparation: [pad, …stoks] padded with pad (stoks_codes − 1) to stoks_len. */
  paddedSemantic(stoks: readonly number[]): number[] {
    const pad = this.config.stoks_codes - 1;
    if (stoks.length > this.config.stoks_len - 1) throw new SM2AInputError("stoks", `${stoks.length} tokens exceed stoks_len − 1 = ${this.config.stoks_len - 1}`);
    const out = [pad, ...stoks];
    while (out.length < this.config.stoks_len) out.push(pad);
    return out;
  }

  /** Runs the encoder graph for `rows` (each: padded stoks, speaker embedding, music tokens). */
  async encode(rows: readonly { stoks: readonly number[]; speaker: ArrayLike<number>; mtoks: readonly (readonly number[])[] }[]): Promise<Record<string, Tensor>> {
    const dims = sm2aDimensions(this.config, this.tunables);
    const q = this.config.quantizers;
    const batch = rows.length;
    const musicLength = rows[0]?.mtoks[0]?.length ?? 0;
    const speakers = new Float32Array(batch * dims.spkWidth);
    rows.forEach((row, b) => {
      if (row.speaker.length !== dims.spkWidth) throw new SM2AInputError("speakerEmbedding", `has ${row.speaker.length} values, expected spk_width ${dims.spkWidth}`);
      if (row.mtoks.length !== q || row.mtoks.some((r) => r.length !== musicLength)) throw new SM2AInputError("mtoks", `must be ${q} rows of equal length`);
      speakers.set(Array.from(row.speaker), b * dims.spkWidth);
    });
    return this.encoder.run({
      [N.encoder.stoks]: int64Tensor(rows.flatMap((r) => r.stoks), [batch, this.config.stoks_len]),
      [N.encoder.speakers]: float32Tensor(speakers, [batch, dims.spkWidth]),
      [N.encoder.mtoks]: int64Tensor(rows.flatMap((r) => r.mtoks.flat()), [batch, q, musicLength]),
    });
  }

  /** One decoder call: tokens [batch, Q, seq] at `positions`; logits [batch, Q, seq, codes + 2]. */
  async step(encoded: Record<string, Tensor>, tokens: readonly number[], positions: readonly number[], batch: number, past: Record<string, Tensor> | null): Promise<{ logits: Float32Array; present: Record<string, Tensor> }> {
    const dims = sm2aDimensions(this.config, this.tunables);
    const feeds: Record<string, Tensor> = {
      [N.decoder.inputIds]: int64Tensor(tokens, [batch, this.config.quantizers, positions.length]),
      [N.decoder.positions]: int64Tensor(positions, [positions.length]),
    };
    addStepCacheFeeds(feeds, encoded, past, {
      decoderDepth: dims.decoderDepth,
      batch,
      nHead: this.config.n_head,
      headWidth: this.config.head_width,
      crossNames: (i) => [N.crossSemanticKey(i), N.crossSemanticValue(i), N.crossMusicKey(i), N.crossMusicValue(i)],
    });
    const out = await this.decoder.run(feeds);
    const logits = out[N.decoder.logits];
    if (!logits) throw new SM2AInputError("decoder", "returned no logits");
    return { logits: logits.data as Float32Array, present: out };
  }

  async generate(stoks: readonly number[], mtoks: readonly (readonly number[])[], speakerEmbedding: ArrayLike<number>, options: SM2AGenerateOptions = {}): Promise<SM2AGenerateResult> {
    const config = this.config;
    const { vocab } = sm2aDimensions(config, this.tunables);
    const q = config.quantizers;
    if (mtoks[0]?.length !== config.mtoks_len) throw new SM2AInputError("mtoks", `length ${mtoks[0]?.length ?? 0} differs from mtoks_len ${config.mtoks_len} (upstream asserts they match)`);
    const template = options.template ?? mtoks;
    const ctx = template[0]?.length ?? 0;
    if (template.length !== q || template.some((row) => row.length !== ctx)) throw new SM2AInputError("template", `must be ${q} rows of equal length`);
    const n = options.steps ?? ctx;
    const bs = options.batchSize ?? 1;
    const cfg = options.cfgLambda;
    const padded = this.paddedSemantic(stoks);
    const conditional = { stoks: padded, speaker: speakerEmbedding, mtoks };
    const unconditional = { stoks: padded, speaker: speakerEmbedding, mtoks: mtoks.map((row) => row.map(() => 0)) };
    const rows = Array.from({ length: bs }, () => conditional);
    const encoded = await this.encode(cfg === undefined ? rows : [...rows.map(() => unconditional), ...rows]);
    const batch = cfg === undefined ? bs : 2 * bs;

    // toks[b][q][t], initialised to the mask code as upstream.
    const toks = Array.from({ length: bs }, () => Array.from({ length: q }, () => new Array<number>(ctx).fill(config.codes + 1)));
    // `start`: the number of steps fed before the first sampled one (the start token plus any prompt).
    const start = 1 + this.placePrompt(toks, options.atoksPrompt, ctx);
    const force = (): void => {
      for (const row of toks) for (let k = 0; k < q; k++) for (let t = 0; t < ctx; t++) if ((template[k]?.[t] ?? 0) >= config.codes) (row[k] as number[])[t] = template[k]?.[t] ?? 0;
    };
    force();
    const random = Xoshiro128.fromWord(options.seed ?? 0);
    const temperature = options.temperature ?? 0.7;
    /** Decoder input ids [batch, Q, to − from] for steps from … to − 1 (rows doubled under guidance). */
    const columns = (from: number, to: number): number[] => {
      const one = toks.flatMap((row) => row.flatMap((stream) => stream.slice(from, to)));
      return cfg === undefined ? one : [...one, ...one];
    };
    /** Samples step t from the last position of logits [batch, Q, seq, vocab]. */
    const place = (logits: Float32Array, seq: number, t: number): void => {
      const at = (row: number, k: number): Float32Array => logits.subarray(((row * q + k) * seq + seq - 1) * vocab, ((row * q + k) * seq + seq) * vocab);
      for (let b = 0; b < bs; b++) {
        for (let k = 0; k < q; k++) {
          let row = at(cfg === undefined ? b : bs + b, k);
          if (cfg !== undefined) {
            const uncond = at(b, k);
            row = row.map((c, v) => (1 + cfg) * c - cfg * (uncond[v] ?? 0));
          }
          const token = options.greedy ? argmax(row) : sampleToken(row, (k < 20 ? 1 : 1.25) * temperature, options.topK, random);
          ((toks[b] as number[][])[k] as number[])[t] = token;
        }
      }
    };
    // Prefill: steps 0 … start − 1 in one call, then one step at a time over the KV cache.
    let { logits, present } = await this.step(encoded, columns(0, start), Array.from({ length: start }, (_, t) => t), batch, null);
    place(logits, start, start);
    force();
    const end = Math.min(n, ctx - 1);
    for (let i = start + 1; i < end; i++) {
      ({ logits, present } = await this.step(encoded, columns(i - 1, i), [i - 1], batch, present));
      place(logits, 1, i);
      force();
      options.onStep?.(i);
    }
    const patterned: Tokens = { data: Int32Array.from(toks.flatMap((row) => row.flatMap((stream) => stream.slice(0, n)))), shape: [bs, q, Math.min(n, ctx)] };
    const pattern = config.pattern;
    const codes = (pattern === "bricks" || pattern === "bricks_unrolled") && q === 8 ? removePattern(pattern as DelayPattern, patterned) : null;
    return { patterned, codes };
  }

  /**
   * Writes the prompt into every row with the per-stream delay (upstream
   * `toks[:, i, 1+i : start+i+1] = atoks_prompt[:, i]`); returns its length P (0 without one).
   */
  private placePrompt(toks: number[][][], prompt: readonly (readonly number[])[] | undefined, ctx: number): number {
    if (prompt === undefined) return 0;
    const q = this.config.quantizers;
    const length = prompt[0]?.length ?? 0;
    const vocab = sm2aDimensions(this.config, this.tunables).vocab;
    if (prompt.length !== q || prompt.some((row) => row.length !== length)) throw new SM2AInputError("atoksPrompt", `must be ${q} rows of equal length`);
    if (length + q > ctx) throw new SM2AInputError("atoksPrompt", `${length} steps plus the ${q}-step stream delay exceed the template length ${ctx}`);
    if (prompt.some((row) => row.some((code) => !Number.isInteger(code) || code < 0 || code >= vocab))) throw new SM2AInputError("atoksPrompt", `codes must be integers in [0, ${vocab})`);
    for (const row of toks) for (let k = 0; k < q; k++) (row[k] as number[]).splice(1 + k, length, ...(prompt[k] ?? []));
    return length;
  }

  async release(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }
}
