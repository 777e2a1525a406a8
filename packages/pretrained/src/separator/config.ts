import { readFile } from "node:fs/promises";

import { parse as parseYaml } from "yaml";
import { z } from "zod";

import { PretrainedSourceError } from "../errors.js";

/**
 * The `model:` block both RoFormers of the fork share (`MelBandRoformer(**config.model)` /
 * `BSRoformer(**config.model)`), with upstream's defaults where the YAML may leave a field out.
 * Keys either constructor takes but inference never reads (dropouts, flash_attn, the
 * multi-resolution STFT loss, `dim_freqs_in` — both take the bin count from their STFT) are
 * accepted and ignored; any other key is refused by name (see `refuseKeysNotTakenBy`).
 */
const commonSchema = z.object({
  dim: z.number().int().positive(),
  depth: z.number().int().positive(),
  stereo: z.boolean().default(false),
  num_stems: z.number().int().positive().default(1),
  time_transformer_depth: z.number().int().positive().default(2),
  freq_transformer_depth: z.number().int().positive().default(2),
  dim_head: z.number().int().positive().default(64),
  heads: z.number().int().positive().default(8),
  stft_n_fft: z.number().int().positive().default(2048),
  stft_hop_length: z.number().int().positive().default(512),
  stft_win_length: z.number().int().positive().default(2048),
  stft_normalized: z.boolean().default(false),
});

/** Mel-Band RoFormer (mel_band_roformer.py): bands from mel filters; its MLP has depth + 1 linears. */
const melBandSchema = commonSchema.extend({
  num_bands: z.number().int().positive(),
  sample_rate: z.number().int().positive().default(44100),
  mask_estimator_depth: z.number().int().positive().default(1),
});

/** BS-RoFormer (bs_roformer.py): contiguous bands of fixed widths; its MLP has depth linears. */
const bsSchema = commonSchema.extend({
  linear_transformer_depth: z.number().int().nonnegative().default(0),
  freqs_per_bands: z.array(z.number().int().positive()).min(2, "needs at least 2 bands (upstream asserts len(freqs_per_bands) > 1)"),
  mask_estimator_depth: z.number().int().positive().default(2),
});

const yamlSchema = z.object({
  audio: z.object({ hop_length: z.number().int().positive(), sample_rate: z.number().int().positive() }),
  model: z.record(z.string(), z.unknown()),
  training: z.object({ instruments: z.array(z.string()).min(1), target_instrument: z.string().nullable().optional() }),
  inference: z.object({ dim_t: z.number().int().min(2) }),
});

export type MelBandRoformerConfig = z.infer<typeof melBandSchema>;
export type BsRoformerConfig = z.infer<typeof bsSchema>;
/** The fields both variants share (the transformer stack, the STFT). */
export type RoformerCommonConfig = z.infer<typeof commonSchema> & { readonly mask_estimator_depth: number };

/** Which of the fork's two RoFormers a YAML describes, with its model block. */
export type RoformerVariant = { readonly kind: "mel-band-roformer"; readonly model: MelBandRoformerConfig } | { readonly kind: "bs-roformer"; readonly model: BsRoformerConfig };

/** What the importer and the separator need of a RoFormer YAML. */
export interface RoformerYaml {
  readonly variant: RoformerVariant;
  readonly model: RoformerCommonConfig;
  /** `audio.hop_length` and `inference.dim_t`: the fork's chunk is hop_length × (dim_t − 1) samples. */
  readonly hopLength: number;
  readonly dimT: number;
  readonly sampleRate: number;
  readonly instruments: readonly string[];
  readonly targetInstrument: string | null;
}

/**
 * Reads a RoFormer YAML as the fork does (`yaml.load`, `!!python/tuple` read as a list) and tells
 * the variants apart as MDXCSeparator.load_model does: `model.num_bands` is Mel-Band RoFormer,
 * `model.freqs_per_bands` BS-RoFormer. Model keys the fork's constructor does not take are refused
 * by name, as are features this port does not build (linear attention layers, a normalized STFT,
 * another window) unless at their default, so a model is never run with a different graph than
 * upstream's.
 */
export async function readRoformerYaml(path: string): Promise<RoformerYaml> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new PretrainedSourceError(path, `cannot be read (${(error as Error).message}); pass the YAML config published beside the .ckpt`);
  }
  let value: unknown;
  try {
    value = parseYaml(text, { customTags: [{ tag: "tag:yaml.org,2002:python/tuple", collection: "seq", resolve: (seq: unknown) => seq }], logLevel: "error" });
  } catch (error) {
    throw new PretrainedSourceError(path, `is not YAML (${(error as Error).message})`);
  }
  const top = yamlSchema.safeParse(value);
  if (!top.success) throw new PretrainedSourceError(path, `is not a RoFormer config: ${describe(top.error)}`);
  const raw = top.data.model;
  const variant = parseVariant(path, raw);
  const config = variant.model;
  // Features the fork builds and this port does not: refused unless at their default.
  if (variant.kind === "bs-roformer" && variant.model.linear_transformer_depth !== 0) {
    throw new PretrainedSourceError(path, "linear attention layers are not built by this port; only 0 is supported", "model.linear_transformer_depth");
  }
  if (config.stft_normalized) throw new PretrainedSourceError(path, "a normalized STFT is not supported; only false", "model.stft_normalized");
  if (config.stft_win_length !== config.stft_n_fft) throw new PretrainedSourceError(path, `must equal model.stft_n_fft (${config.stft_n_fft})`, "model.stft_win_length");
  if (raw["stft_window_fn"] !== undefined && raw["stft_window_fn"] !== null) {
    throw new PretrainedSourceError(path, "only the default Hann window is built; leave it out or set it to null", "model.stft_window_fn");
  }
  if (top.data.audio.hop_length !== config.stft_hop_length) {
    throw new PretrainedSourceError(path, `is ${top.data.audio.hop_length} but model.stft_hop_length is ${config.stft_hop_length}; the chunk of the fork's demix assumes they agree`, "audio.hop_length");
  }
  if (variant.kind === "bs-roformer") {
    const sum = variant.model.freqs_per_bands.reduce((a, b) => a + b, 0);
    const bins = config.stft_n_fft / 2 + 1;
    if (sum !== bins) {
      throw new PretrainedSourceError(path, `sum to ${sum} but the STFT (stft_n_fft ${config.stft_n_fft}) has ${bins} bins; upstream asserts they are equal`, "model.freqs_per_bands");
    }
  }
  return {
    variant,
    model: config,
    hopLength: top.data.audio.hop_length,
    dimT: top.data.inference.dim_t,
    sampleRate: top.data.audio.sample_rate,
    instruments: top.data.training.instruments,
    targetInstrument: top.data.training.target_instrument ?? null,
  };
}

/** Keyword arguments both of the pinned fork's RoFormer constructors take. */
const SHARED_KWARGS = [
  "dim",
  "depth",
  "stereo",
  "num_stems",
  "time_transformer_depth",
  "freq_transformer_depth",
  "dim_head",
  "heads",
  "attn_dropout",
  "ff_dropout",
  "flash_attn",
  "dim_freqs_in",
  "stft_n_fft",
  "stft_hop_length",
  "stft_win_length",
  "stft_normalized",
  "stft_window_fn",
  "mask_estimator_depth",
  "multi_stft_resolution_loss_weight",
  "multi_stft_resolutions_window_sizes",
  "multi_stft_hop_size",
  "multi_stft_normalized",
  "multi_stft_window_fn",
] as const;

/**
 * The keyword arguments of the pinned fork's `BSRoformer.__init__` (bs_roformer.py). Upstream runs
 * `BSRoformer(**config.model)`, so any other key fails there with a TypeError; keys of newer
 * BS-RoFormers (e.g. `skip_connection`, `mlp_expansion_factor`) would change the graph without
 * changing the weights, so they are refused by name rather than ignored.
 */
const BS_ROFORMER_KWARGS: ReadonlySet<string> = new Set([...SHARED_KWARGS, "linear_transformer_depth", "freqs_per_bands"]);

/**
 * The keyword arguments of the pinned fork's `MelBandRoformer.__init__` (mel_band_roformer.py),
 * refused beyond these as for BS-RoFormer. It has no `linear_transformer_depth` (newer Mel-Band
 * RoFormers do). `match_input_audio_length` is accepted at either value: it only sets torch.istft's
 * `length` to the chunk's, and the fork's chunk, hop_length × (dim_t − 1), is already what istft
 * gives back without it, so the stems are the same either way.
 */
const MEL_BAND_ROFORMER_KWARGS: ReadonlySet<string> = new Set([...SHARED_KWARGS, "num_bands", "sample_rate", "match_input_audio_length"]);

/** Refuses the first model key `constructor` (the fork's class, in `file`) does not take, as its TypeError would. */
function refuseKeysNotTakenBy(path: string, raw: Record<string, unknown>, kwargs: ReadonlySet<string>, constructor: string, file: string): void {
  const unknown = Object.keys(raw).find((key) => !kwargs.has(key));
  if (unknown === undefined) return;
  throw new PretrainedSourceError(
    path,
    `is not a parameter of the pinned audio-separator fork's ${constructor} (${file}), which refuses this config: a key of a newer ${constructor} this port does not build, or a typo. Use the YAML published with the checkpoint for audio-separator; a newer model's key at its default (e.g. skip_connection: false) changes nothing and may be deleted`,
    `model.${unknown}`,
  );
}

/** The variant the model block names (the fork checks num_bands first, then freqs_per_bands). */
function parseVariant(path: string, raw: Record<string, unknown>): RoformerVariant {
  if ("num_bands" in raw) {
    refuseKeysNotTakenBy(path, raw, MEL_BAND_ROFORMER_KWARGS, "MelBandRoformer", "mel_band_roformer.py");
    const model = melBandSchema.safeParse(raw);
    if (!model.success) throw new PretrainedSourceError(path, describe(model.error));
    return { kind: "mel-band-roformer", model: model.data };
  }
  if ("freqs_per_bands" in raw) {
    refuseKeysNotTakenBy(path, raw, BS_ROFORMER_KWARGS, "BSRoformer", "bs_roformer.py");
    const model = bsSchema.safeParse(raw);
    if (!model.success) throw new PretrainedSourceError(path, describe(model.error));
    return { kind: "bs-roformer", model: model.data };
  }
  throw new PretrainedSourceError(path, "has neither model.num_bands (Mel-Band RoFormer) nor model.freqs_per_bands (BS-RoFormer)", "model");
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}
