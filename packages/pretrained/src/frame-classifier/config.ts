import { PretrainedSourceError } from "../errors.js";

/** The activations transformers' ACT2FN names that the graph emits (exact-erf GELU and ReLU). */
export type Wav2Vec2Activation = "gelu" | "relu";

/**
 * The fields of a Hugging Face `Wav2Vec2Config` (configuration_wav2vec2.py) that change the
 * inference graph of `Wav2Vec2ForCTC` / `Wav2Vec2ForAudioFrameClassification`; the rest only
 * steer training (dropouts, SpecAugment, CTC loss, pretraining quantizer).
 */
export interface Wav2Vec2Config {
  readonly feat_extract_norm: "group" | "layer";
  readonly feat_extract_activation: Wav2Vec2Activation;
  readonly conv_dim: readonly number[];
  readonly conv_kernel: readonly number[];
  readonly conv_stride: readonly number[];
  readonly conv_bias: boolean;
  readonly num_conv_pos_embeddings: number;
  readonly num_conv_pos_embedding_groups: number;
  /** Pre-LN encoder layers (`Wav2Vec2EncoderStableLayerNorm`) when true, post-LN when false. */
  readonly do_stable_layer_norm: boolean;
  readonly hidden_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly intermediate_size: number;
  readonly hidden_act: Wav2Vec2Activation;
  readonly layer_norm_eps: number;
  /** Classes of the CTC head (`lm_head`). */
  readonly vocab_size: number;
  /** Classes of the frame-classification head (`classifier`): `num_labels`, else the size of `id2label`. */
  readonly num_labels: number;
  /** `id2label` as an array when the config has one (index → label). */
  readonly id2label: readonly string[] | undefined;
  /** Whether the state dict holds `masked_spec_embed` (upstream keeps it when a SpecAugment probability is > 0). */
  readonly masked_spec_embed: boolean;
}

/** Wav2Vec2Config.__init__'s defaults for the fields read here. */
const DEFAULTS: Readonly<Record<string, unknown>> = {
  feat_extract_norm: "group",
  feat_extract_activation: "gelu",
  conv_dim: [512, 512, 512, 512, 512, 512, 512],
  conv_stride: [5, 2, 2, 2, 2, 2, 2],
  conv_kernel: [10, 3, 3, 3, 3, 2, 2],
  conv_bias: false,
  num_conv_pos_embeddings: 128,
  num_conv_pos_embedding_groups: 16,
  do_stable_layer_norm: false,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: "gelu",
  layer_norm_eps: 1e-5,
  vocab_size: 32,
  mask_time_prob: 0.05,
  mask_feature_prob: 0,
  add_adapter: false,
  use_weighted_layer_sum: false,
  adapter_attn_dim: null,
};

/** Model types whose config this reads (others — hubert, wavlm, data2vec — have other layers). */
const MODEL_TYPES = new Set(["wav2vec2", undefined]);

/** Reads and checks a wav2vec2 `config.json` (already JSON-parsed); `source` names the file in errors. */
export function parseWav2Vec2Config(value: unknown, source: string): Wav2Vec2Config {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PretrainedSourceError(source, "is not a JSON object (a Hugging Face Wav2Vec2Config)");
  const raw = value as Record<string, unknown>;
  const field = (key: string): unknown => (key in raw && raw[key] !== undefined ? raw[key] : DEFAULTS[key]);
  const modelType = raw.model_type as string | undefined;
  if (!MODEL_TYPES.has(modelType)) {
    throw new PretrainedSourceError(source, `is ${JSON.stringify(modelType)}; only wav2vec2 (Wav2Vec2ForCTC / Wav2Vec2ForAudioFrameClassification) is imported`, "model_type");
  }
  const int = (key: string): number => {
    const v = field(key);
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new PretrainedSourceError(source, `is ${JSON.stringify(v)}, expected a positive integer`, key);
    return v;
  };
  const ints = (key: string): number[] => {
    const v = field(key);
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== "number" || !Number.isInteger(x) || x <= 0)) {
      throw new PretrainedSourceError(source, `is ${JSON.stringify(v)}, expected a non-empty list of positive integers`, key);
    }
    return v as number[];
  };
  const bool = (key: string): boolean => {
    const v = field(key);
    if (typeof v !== "boolean") throw new PretrainedSourceError(source, `is ${JSON.stringify(v)}, expected true or false`, key);
    return v;
  };
  const activation = (key: string): Wav2Vec2Activation => {
    const v = field(key);
    if (v !== "gelu" && v !== "relu") throw new PretrainedSourceError(source, `is ${JSON.stringify(v)}; the importer builds "gelu" (exact) and "relu" only`, key);
    return v;
  };
  const probability = (key: string): number => {
    const v = field(key);
    if (typeof v !== "number" || v < 0) throw new PretrainedSourceError(source, `is ${JSON.stringify(v)}, expected a probability`, key);
    return v;
  };

  if (field("add_adapter") !== false) throw new PretrainedSourceError(source, "is set; wav2vec2 adapters (add_adapter) are not supported — import a model without them", "add_adapter");
  if (field("use_weighted_layer_sum") !== false) throw new PretrainedSourceError(source, "is set; the weighted layer sum head is not supported", "use_weighted_layer_sum");
  if (field("adapter_attn_dim") !== null) throw new PretrainedSourceError(source, "is set; attention adapters (MMS) are not supported", "adapter_attn_dim");
  const norm = field("feat_extract_norm");
  if (norm !== "group" && norm !== "layer") throw new PretrainedSourceError(source, `is ${JSON.stringify(norm)}, expected "group" or "layer"`, "feat_extract_norm");

  const conv_dim = ints("conv_dim");
  const conv_kernel = ints("conv_kernel");
  const conv_stride = ints("conv_stride");
  if (conv_kernel.length !== conv_dim.length || conv_stride.length !== conv_dim.length) {
    throw new PretrainedSourceError(source, `conv_dim, conv_kernel and conv_stride must have one entry per conv layer; got ${conv_dim.length}, ${conv_kernel.length}, ${conv_stride.length}`, "conv_dim");
  }
  const hidden_size = int("hidden_size");
  const num_attention_heads = int("num_attention_heads");
  if (hidden_size % num_attention_heads !== 0) throw new PretrainedSourceError(source, `${hidden_size} is not a multiple of num_attention_heads = ${num_attention_heads}`, "hidden_size");
  const groups = int("num_conv_pos_embedding_groups");
  if (hidden_size % groups !== 0) throw new PretrainedSourceError(source, `${groups} does not divide hidden_size = ${hidden_size}`, "num_conv_pos_embedding_groups");
  const eps = field("layer_norm_eps");
  if (typeof eps !== "number" || eps <= 0) throw new PretrainedSourceError(source, `is ${JSON.stringify(eps)}, expected a positive number`, "layer_norm_eps");

  const id2label = readId2Label(raw.id2label, source);
  const labels = raw.num_labels ?? id2label?.length ?? 2;
  if (typeof labels !== "number" || !Number.isInteger(labels) || labels <= 0) throw new PretrainedSourceError(source, `is ${JSON.stringify(labels)}, expected a positive integer`, "num_labels");
  return {
    feat_extract_norm: norm,
    feat_extract_activation: activation("feat_extract_activation"),
    conv_dim,
    conv_kernel,
    conv_stride,
    conv_bias: bool("conv_bias"),
    num_conv_pos_embeddings: int("num_conv_pos_embeddings"),
    num_conv_pos_embedding_groups: groups,
    do_stable_layer_norm: bool("do_stable_layer_norm"),
    hidden_size,
    num_hidden_layers: int("num_hidden_layers"),
    num_attention_heads,
    intermediate_size: int("intermediate_size"),
    hidden_act: activation("hidden_act"),
    layer_norm_eps: eps,
    vocab_size: int("vocab_size"),
    num_labels: labels,
    id2label,
    masked_spec_embed: probability("mask_time_prob") > 0 || probability("mask_feature_prob") > 0,
  };
}

function readId2Label(value: unknown, source: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw new PretrainedSourceError(source, "is not an object of index → label", "id2label");
  const entries = Object.entries(value as Record<string, unknown>);
  const out: string[] = [];
  for (const [key, label] of entries) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= entries.length || typeof label !== "string") {
      throw new PretrainedSourceError(source, `entry ${JSON.stringify(key)}: ${JSON.stringify(label)} is not an index 0…${entries.length - 1} with a string label`, "id2label");
    }
    out[index] = label;
  }
  return out;
}

/** Samples per output frame: the product of the conv strides (320 for base wav2vec2: 50 frames/s at 16 kHz). */
export function samplesPerFrame(config: Wav2Vec2Config): number {
  return config.conv_stride.reduce((a, b) => a * b, 1);
}

/** Frames the feature encoder gives for `samples` inputs (each conv: ⌊(L − k) / s⌋ + 1, no padding), 0 when too short. */
export function framesFor(config: Wav2Vec2Config, samples: number): number {
  let length = samples;
  config.conv_kernel.forEach((kernel, i) => {
    length = length < kernel ? 0 : Math.floor((length - kernel) / (config.conv_stride[i] ?? 1)) + 1;
  });
  return length;
}
