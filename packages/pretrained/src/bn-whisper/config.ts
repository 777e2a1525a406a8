import { PretrainedSourceError } from "../errors.js";

/** Port of whisper/model.py: ModelDimensions (what `whisper.pt` stores under `dims`). */
export interface WhisperDimensions {
  readonly n_mels: number;
  readonly n_audio_ctx: number;
  readonly n_audio_state: number;
  readonly n_audio_head: number;
  readonly n_audio_layer: number;
  readonly n_vocab: number;
  readonly n_text_ctx: number;
  readonly n_text_state: number;
  readonly n_text_head: number;
  readonly n_text_layer: number;
}

const WHISPER_DIMENSION_FIELDS = ["n_mels", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer", "n_vocab", "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer"] as const;

/**
 * The `config` of an `rvq.model`: RQBottleneckTransformer's stored constructor arguments
 * (WhisperSpeech vq_stoks.py, `store_attr`). Absent fields take the constructor's defaults, as
 * `cls(**spec['config'])` does.
 */
export interface BnWhisperConfig {
  readonly vq_codes: number;
  readonly q_depth: number;
  readonly depth: number;
  readonly n_head: number;
  readonly head_width: number;
  readonly ffn_mult: number;
  readonly codebook_dim: number;
  readonly use_cosine_sim: boolean;
  readonly downsample: number;
}

/** The Tunables that change the network BN-Whisper builds (the rest only steer training). */
export interface BnWhisperTunables {
  readonly rope: boolean;
  readonly mask_embs: boolean;
  readonly downsample_conv: boolean;
  readonly downsample_mean: boolean;
}

/** Port of RQBottleneckTransformer.__init__'s defaults; the arguments it takes but does not store are accepted too. */
const CONFIG_DEFAULTS: Readonly<Record<string, number | boolean | string>> = {
  vq_codes: 512,
  q_depth: 12,
  depth: 1,
  n_head: 2,
  head_width: 64,
  ffn_mult: 4,
  codebook_dim: 2,
  threshold_ema_dead_code: 2,
  use_cosine_sim: false,
  kl_loss_mul: 1,
  downsample: 1,
  whisper_model_name: "tiny.en",
};

/** Port of vq_stoks.py: Tunables fields, and the values `Tunables.upgrade` gives a file that lacks one. */
const TUNABLE_FIELDS = [
  "init_std", "embeddings_std", "embeddings_lr_scale", "output_mult", "query_mult", "rope", "mask_embs", "downsample_conv",
  "downsample_mean", "codebook_dim", "codebook_decay", "lr0", "clip_gradient_norm", "weight_decay", "warmup_steps", "random",
];
/** `Tunables.upgrade` drops these before `Tunables(**args)`. */
const DROPPED_TUNABLES = new Set(["encoder_depth_ratio", "vq_codes"]);

function objectAt(source: string, root: unknown, key: string, expected: string): Record<string, unknown> {
  const value = isRecord(root) ? root[key] : undefined;
  if (!isRecord(value)) throw new PretrainedSourceError(source, `is missing or not a dict; expected ${expected}`, key);
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function positiveInteger(source: string, key: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new PretrainedSourceError(source, `is ${JSON.stringify(value)}, expected a positive integer`, key);
  }
  return value;
}

function boolean(source: string, key: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new PretrainedSourceError(source, `is ${JSON.stringify(value)}, expected true or false`, key);
  return value;
}

function rejectUnknown(source: string, dict: Record<string, unknown>, known: readonly string[], where: string, why: string): void {
  const unknown = Object.keys(dict).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new PretrainedSourceError(source, `unknown field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (${why})`, where);
}

/** Reads `dims` of a `whisper.pt` (all ten fields required, as `ModelDimensions(**dims)`). */
export function readWhisperDimensions(source: string, root: unknown): WhisperDimensions {
  const dims = objectAt(source, root, "dims", "OpenAI Whisper's ModelDimensions (n_mels, n_audio_ctx, …)");
  rejectUnknown(source, dims, WHISPER_DIMENSION_FIELDS, "dims", "ModelDimensions has only the ten n_* fields");
  const read = (field: (typeof WHISPER_DIMENSION_FIELDS)[number]): number => {
    if (!(field in dims)) throw new PretrainedSourceError(source, "is missing (ModelDimensions needs all ten n_* fields)", `dims.${field}`);
    return positiveInteger(source, `dims.${field}`, dims[field]);
  };
  const out = Object.fromEntries(WHISPER_DIMENSION_FIELDS.map((field) => [field, read(field)])) as unknown as WhisperDimensions;
  if (out.n_audio_state % out.n_audio_head !== 0) {
    throw new PretrainedSourceError(source, `${out.n_audio_state} is not a multiple of dims.n_audio_head = ${out.n_audio_head}`, "dims.n_audio_state");
  }
  return out;
}

/** Reads `config` of an `rvq.model` with RQBottleneckTransformer's defaults for absent fields. */
export function readBnWhisperConfig(source: string, root: unknown): BnWhisperConfig {
  const config = objectAt(source, root, "config", "RQBottleneckTransformer's stored arguments (vq_codes, codebook_dim, …)");
  rejectUnknown(source, config, Object.keys(CONFIG_DEFAULTS), "config", "RQBottleneckTransformer takes no such argument");
  const value = (field: string): unknown => (field in config ? config[field] : CONFIG_DEFAULTS[field]);
  const int = (field: string): number => positiveInteger(source, `config.${field}`, value(field));
  return {
    vq_codes: int("vq_codes"),
    q_depth: int("q_depth"),
    depth: int("depth"),
    n_head: int("n_head"),
    head_width: int("head_width"),
    ffn_mult: int("ffn_mult"),
    codebook_dim: int("codebook_dim"),
    use_cosine_sim: boolean(source, "config.use_cosine_sim", value("use_cosine_sim")),
    downsample: int("downsample"),
  };
}

/**
 * Reads `tunables` of an `rvq.model` as `Tunables(**Tunables.upgrade(spec.get('tunables', {})))`:
 * a file without a field gets upgrade's old default (false for the four read here).
 */
export function readBnWhisperTunables(source: string, root: unknown): BnWhisperTunables {
  const raw = isRecord(root) && root.tunables !== undefined ? root.tunables : {};
  if (!isRecord(raw)) throw new PretrainedSourceError(source, "is not a dict; expected WhisperSpeech vq_stoks Tunables", "tunables");
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !DROPPED_TUNABLES.has(k)));
  rejectUnknown(source, kept, TUNABLE_FIELDS, "tunables", "vq_stoks Tunables has no such field");
  const flag = (field: keyof BnWhisperTunables): boolean => (field in kept ? boolean(source, `tunables.${field}`, kept[field]) : false);
  return { rope: flag("rope"), mask_embs: flag("mask_embs"), downsample_conv: flag("downsample_conv"), downsample_mean: flag("downsample_mean") };
}

/** Rows of the codebook: `vq_codes`, plus the padding code WhisperSpeech adds when `mask_embs` is on. */
export function codebookSize(config: BnWhisperConfig, tunables: BnWhisperTunables): number {
  return config.vq_codes + (tunables.mask_embs ? 1 : 0);
}
