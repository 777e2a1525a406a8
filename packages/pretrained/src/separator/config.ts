import { readFile } from "node:fs/promises";

import { parse as parseYaml } from "yaml";
import { z } from "zod";

import { PretrainedSourceError } from "../errors.js";

/**
 * The `model:` block of a Mel-Band RoFormer YAML (the fork's `MelBandRoformer(**config.model)`),
 * with upstream's defaults where the YAML may leave a field out. Training-only fields (dropouts,
 * the multi-resolution STFT loss) are accepted and ignored.
 */
const modelSchema = z.object({
  dim: z.number().int().positive(),
  depth: z.number().int().positive(),
  stereo: z.boolean().default(false),
  num_stems: z.number().int().positive().default(1),
  time_transformer_depth: z.number().int().positive().default(2),
  freq_transformer_depth: z.number().int().positive().default(2),
  linear_transformer_depth: z.number().int().nonnegative().default(0),
  num_bands: z.number().int().positive(),
  dim_head: z.number().int().positive().default(64),
  heads: z.number().int().positive().default(8),
  dim_freqs_in: z.number().int().positive().default(1025),
  sample_rate: z.number().int().positive().default(44100),
  stft_n_fft: z.number().int().positive().default(2048),
  stft_hop_length: z.number().int().positive().default(512),
  stft_win_length: z.number().int().positive().default(2048),
  stft_normalized: z.boolean().default(false),
  mask_estimator_depth: z.number().int().positive().default(1),
});

const yamlSchema = z.object({
  audio: z.object({ hop_length: z.number().int().positive(), sample_rate: z.number().int().positive() }),
  model: z.record(z.string(), z.unknown()),
  training: z.object({ instruments: z.array(z.string()).min(1), target_instrument: z.string().nullable().optional() }),
  inference: z.object({ dim_t: z.number().int().min(2) }),
});

export type MelBandRoformerConfig = z.infer<typeof modelSchema>;

/** What the importer and the separator need of a RoFormer YAML. */
export interface RoformerYaml {
  readonly model: MelBandRoformerConfig;
  /** `audio.hop_length` and `inference.dim_t`: the fork's chunk is hop_length × (dim_t − 1) samples. */
  readonly hopLength: number;
  readonly dimT: number;
  readonly sampleRate: number;
  readonly instruments: readonly string[];
  readonly targetInstrument: string | null;
}

/**
 * Reads a RoFormer YAML as the fork does (`yaml.load`, `!!python/tuple` read as a list). Only
 * Mel-Band RoFormer (`model.num_bands`) is built; a BS-RoFormer YAML (`model.freqs_per_bands`) is
 * refused by name, as are the features this port does not build (linear attention layers,
 * normalized STFT), so a model is never run with a different graph than upstream's.
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
  if ("freqs_per_bands" in raw) throw new PretrainedSourceError(path, "is a BS-RoFormer config (model.freqs_per_bands); only Mel-Band RoFormer (model.num_bands) is imported so far", "model.freqs_per_bands");
  if (!("num_bands" in raw)) throw new PretrainedSourceError(path, "has neither model.num_bands (Mel-Band RoFormer) nor model.freqs_per_bands (BS-RoFormer)", "model");
  const model = modelSchema.safeParse(raw);
  if (!model.success) throw new PretrainedSourceError(path, describe(model.error));
  const config = model.data;
  if (config.linear_transformer_depth !== 0) throw new PretrainedSourceError(path, "linear attention layers are not built by this port; only 0 is supported", "model.linear_transformer_depth");
  if (config.stft_normalized) throw new PretrainedSourceError(path, "a normalized STFT is not supported; only false", "model.stft_normalized");
  if (config.stft_win_length !== config.stft_n_fft) throw new PretrainedSourceError(path, `must equal model.stft_n_fft (${config.stft_n_fft})`, "model.stft_win_length");
  if (config.dim_freqs_in !== config.stft_n_fft / 2 + 1) throw new PretrainedSourceError(path, `must be stft_n_fft / 2 + 1 = ${config.stft_n_fft / 2 + 1}`, "model.dim_freqs_in");
  if (top.data.audio.hop_length !== config.stft_hop_length) {
    throw new PretrainedSourceError(path, `is ${top.data.audio.hop_length} but model.stft_hop_length is ${config.stft_hop_length}; the chunk of the fork's demix assumes they agree`, "audio.hop_length");
  }
  return {
    model: config,
    hopLength: top.data.audio.hop_length,
    dimT: top.data.inference.dim_t,
    sampleRate: top.data.audio.sample_rate,
    instruments: top.data.training.instruments,
    targetInstrument: top.data.training.target_instrument ?? null,
  };
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}
