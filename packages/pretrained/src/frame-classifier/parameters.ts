import type { ParameterShapes } from "../bn-whisper/parameters.js";
import type { Wav2Vec2Config } from "./config.js";

/** Where `Wav2Vec2ForCTC` and `Wav2Vec2ForAudioFrameClassification` keep the encoder (their base_model_prefix). */
export const WAV2VEC2_PREFIX = "wav2vec2.";

/**
 * The frame head: `lm_head` [vocab_size, hidden] of `Wav2Vec2ForCTC` (and of AutoSing's
 * fc_model.py `Wav2Vec2ForFrameClassification`, a Wav2Vec2ForCTC subclass: streich/singing_va,
 * charsiu's en_w2v2_fc_10ms), or `classifier` [num_labels, hidden] of transformers'
 * `Wav2Vec2ForAudioFrameClassification`.
 */
export type FrameHead = "lm_head" | "classifier";

/** The two ways the positional conv's weight norm is stored: `weight_g`/`weight_v` (nn.utils.weight_norm) or `parametrizations.weight.original0/1` (torch ≥ 2.1's parametrization). */
export type WeightNormKeys = "weight_g" | "parametrizations";

export const POS_CONV = `${WAV2VEC2_PREFIX}encoder.pos_conv_embed.conv`;

/** The magnitude and direction keys of the positional conv's weight norm in `style`. */
export function weightNormKeys(style: WeightNormKeys): { g: string; v: string } {
  return style === "weight_g"
    ? { g: `${POS_CONV}.weight_g`, v: `${POS_CONV}.weight_v` }
    : { g: `${POS_CONV}.parametrizations.weight.original0`, v: `${POS_CONV}.parametrizations.weight.original1` };
}

/** Which head and weight-norm key style a state dict has, from its keys (lm_head when it has neither head: the error then names it missing). */
export function detectLayout(keys: Iterable<string>): { head: FrameHead; weightNorm: WeightNormKeys } {
  let head: FrameHead = "lm_head";
  let weightNorm: WeightNormKeys = "weight_g";
  for (const key of keys) {
    if (key === "classifier.weight") head = "classifier";
    if (key.startsWith(`${POS_CONV}.parametrizations.`)) weightNorm = "parametrizations";
  }
  return { head, weightNorm };
}

/** Classes the head outputs. */
export function headClasses(config: Wav2Vec2Config, head: FrameHead): number {
  return head === "lm_head" ? config.vocab_size : config.num_labels;
}

/**
 * Every state-dict key of the model and its shape, as upstream's `load_state_dict` requires them:
 * the feature encoder (group norm on the first conv only, or a layer norm on every conv), the
 * feature projection, the weight-normed grouped positional conv, the encoder layers and its
 * layer norm, `masked_spec_embed` when the config keeps it, and the head.
 */
export function wav2vec2Shapes(config: Wav2Vec2Config, head: FrameHead, weightNorm: WeightNormKeys): ParameterShapes {
  const out = new Map<string, number[]>();
  const p = WAV2VEC2_PREFIX;
  const h = config.hidden_size;
  const affine = (prefix: string, width: number): void => {
    out.set(`${prefix}.weight`, [width]);
    out.set(`${prefix}.bias`, [width]);
  };
  const linear = (prefix: string, inputs: number, outputs: number): void => {
    out.set(`${prefix}.weight`, [outputs, inputs]);
    out.set(`${prefix}.bias`, [outputs]);
  };
  if (config.masked_spec_embed) out.set(`${p}masked_spec_embed`, [h]);
  config.conv_dim.forEach((channels, i) => {
    const layer = `${p}feature_extractor.conv_layers.${i}`;
    out.set(`${layer}.conv.weight`, [channels, i === 0 ? 1 : (config.conv_dim[i - 1] ?? 0), config.conv_kernel[i] ?? 0]);
    if (config.conv_bias) out.set(`${layer}.conv.bias`, [channels]);
    if (config.feat_extract_norm === "layer" || i === 0) affine(`${layer}.layer_norm`, channels);
  });
  const features = config.conv_dim[config.conv_dim.length - 1] ?? 0;
  affine(`${p}feature_projection.layer_norm`, features);
  linear(`${p}feature_projection.projection`, features, h);
  const kernel = config.num_conv_pos_embeddings;
  const { g, v } = weightNormKeys(weightNorm);
  out.set(g, [1, 1, kernel]);
  out.set(v, [h, h / config.num_conv_pos_embedding_groups, kernel]);
  out.set(`${POS_CONV}.bias`, [h]);
  affine(`${p}encoder.layer_norm`, h);
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const layer = `${p}encoder.layers.${i}`;
    for (const projection of ["q_proj", "k_proj", "v_proj", "out_proj"]) linear(`${layer}.attention.${projection}`, h, h);
    affine(`${layer}.layer_norm`, h);
    linear(`${layer}.feed_forward.intermediate_dense`, h, config.intermediate_size);
    linear(`${layer}.feed_forward.output_dense`, config.intermediate_size, h);
    affine(`${layer}.final_layer_norm`, h);
  }
  linear(head, h, headClasses(config, head));
  return out;
}
