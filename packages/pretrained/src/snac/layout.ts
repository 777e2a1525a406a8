import type { SnacShape } from "./config.js";
import { SNAC_HEAD_DIM } from "./config.js";

/**
 * SNAC's networks as a list of modules under their state-dict prefixes: a port of the structure
 * of snac 1.2.0 `layers.py` (Encoder, Decoder, EncoderBlock, DecoderBlock, ResidualUnit,
 * NoiseBlock, Snake1d) and `attention.py` (LocalMHA). The same list gives the tensors the
 * weights must hold (`snacTensorSpecs`) and the ONNX graph (`SnacGraphEmitter`), so the two
 * cannot drift apart.
 */
export type SnacModule =
  | {
      readonly type: "conv";
      readonly prefix: string;
      readonly inChannels: number;
      readonly outChannels: number;
      readonly kernel: number;
      readonly stride: number;
      readonly dilation: number;
      readonly padding: number;
      readonly groups: number;
      readonly bias: boolean;
    }
  | {
      readonly type: "convTranspose";
      readonly prefix: string;
      readonly inChannels: number;
      readonly outChannels: number;
      readonly kernel: number;
      readonly stride: number;
      readonly padding: number;
      readonly outputPadding: number;
    }
  | { readonly type: "snake"; readonly prefix: string; readonly channels: number }
  /** x + block(x) (ResidualUnit; its lengths always match, so upstream's cropping never applies). */
  | { readonly type: "residual"; readonly block: readonly SnacModule[] }
  | { readonly type: "attention"; readonly prefix: string; readonly width: number; readonly window: number }
  | { readonly type: "noise"; readonly prefix: string; readonly channels: number }
  | { readonly type: "tanh" };

type Conv = Extract<SnacModule, { type: "conv" }>;

function conv(prefix: string, inChannels: number, outChannels: number, kernel: number, options: Partial<Pick<Conv, "stride" | "dilation" | "padding" | "groups" | "bias">> = {}): SnacModule {
  return { type: "conv", prefix, inChannels, outChannels, kernel, stride: options.stride ?? 1, dilation: options.dilation ?? 1, padding: options.padding ?? 0, groups: options.groups ?? 1, bias: options.bias ?? true };
}

/** ResidualUnit(dim, dilation, kernel 7, groups). */
function residualUnit(prefix: string, dim: number, dilation: number, groups: number): SnacModule {
  return {
    type: "residual",
    block: [
      { type: "snake", prefix: `${prefix}.block.0`, channels: dim },
      conv(`${prefix}.block.1`, dim, dim, 7, { dilation, padding: 3 * dilation, groups }),
      { type: "snake", prefix: `${prefix}.block.2`, channels: dim },
      conv(`${prefix}.block.3`, dim, dim, 1),
    ],
  };
}

function residualUnits(prefix: string, first: number, dim: number, groups: number): SnacModule[] {
  return [1, 3, 9].map((dilation, i) => residualUnit(`${prefix}.block.${first + i}`, dim, dilation, groups));
}

/** `encoder.block.*`: the Encoder of layers.py. */
export function encoderModules(shape: SnacShape): SnacModule[] {
  const { config } = shape;
  let width = config.encoder_dim;
  const modules: SnacModule[] = [conv("encoder.block.0", 1, width, 7, { padding: 3 })];
  config.encoder_rates.forEach((stride, i) => {
    const input = width;
    width *= 2;
    const groups = config.depthwise ? input : 1;
    const prefix = `encoder.block.${i + 1}`;
    modules.push(
      ...residualUnits(prefix, 0, input, groups),
      { type: "snake", prefix: `${prefix}.block.3`, channels: input },
      conv(`${prefix}.block.4`, input, width, 2 * stride, { stride, padding: Math.ceil(stride / 2) }),
    );
  });
  let next = config.encoder_rates.length + 1;
  if (config.attn_window_size !== null) modules.push({ type: "attention", prefix: `encoder.block.${next++}`, width, window: config.attn_window_size });
  modules.push(conv(`encoder.block.${next}`, width, width, 7, { padding: 3, groups: config.depthwise ? width : 1 }));
  return modules;
}

/** `decoder.model.*`: the Decoder of layers.py (d_out 1). */
export function decoderModules(shape: SnacShape): SnacModule[] {
  const { config, latentDim } = shape;
  const channels = config.decoder_dim;
  const modules: SnacModule[] = config.depthwise
    ? [conv("decoder.model.0", latentDim, latentDim, 7, { padding: 3, groups: latentDim }), conv("decoder.model.1", latentDim, channels, 1)]
    : [conv("decoder.model.0", latentDim, channels, 7, { padding: 3 })];
  let next = modules.length;
  if (config.attn_window_size !== null) modules.push({ type: "attention", prefix: `decoder.model.${next++}`, width: channels, window: config.attn_window_size });
  let output = channels;
  config.decoder_rates.forEach((stride, i) => {
    const input = channels / 2 ** i;
    output = channels / 2 ** (i + 1);
    const prefix = `decoder.model.${next++}`;
    modules.push(
      { type: "snake", prefix: `${prefix}.block.0`, channels: input },
      { type: "convTranspose", prefix: `${prefix}.block.1`, inChannels: input, outChannels: output, kernel: 2 * stride, stride, padding: Math.ceil(stride / 2), outputPadding: stride % 2 },
    );
    if (config.noise) modules.push({ type: "noise", prefix: `${prefix}.block.2`, channels: output });
    modules.push(...residualUnits(prefix, config.noise ? 3 : 2, output, config.depthwise ? output : 1));
  });
  modules.push({ type: "snake", prefix: `decoder.model.${next++}`, channels: output }, conv(`decoder.model.${next}`, output, 1, 7, { padding: 3 }), { type: "tanh" });
  return modules;
}

/** One tensor the weights must hold; `weightNorm` ones come as g and v (either key style) and are folded. */
export interface SnacTensorSpec {
  /** The key after folding (`<conv>.weight` for a weight-normed convolution). */
  readonly key: string;
  readonly shape: readonly number[];
  readonly weightNorm: boolean;
}

function moduleSpecs(module: SnacModule, out: SnacTensorSpec[]): void {
  const wn = (prefix: string, shape: number[]): void => void out.push({ key: `${prefix}.weight`, shape, weightNorm: true });
  const plain = (key: string, shape: number[]): void => void out.push({ key, shape, weightNorm: false });
  switch (module.type) {
    case "conv":
      wn(module.prefix, [module.outChannels, module.inChannels / module.groups, module.kernel]);
      if (module.bias) plain(`${module.prefix}.bias`, [module.outChannels]);
      return;
    case "convTranspose":
      wn(module.prefix, [module.inChannels, module.outChannels, module.kernel]);
      plain(`${module.prefix}.bias`, [module.outChannels]);
      return;
    case "snake":
      plain(`${module.prefix}.alpha`, [1, module.channels, 1]);
      return;
    case "residual":
      for (const inner of module.block) moduleSpecs(inner, out);
      return;
    case "attention":
      plain(`${module.prefix}.norm.weight`, [module.width]);
      plain(`${module.prefix}.norm.bias`, [module.width]);
      plain(`${module.prefix}.to_qkv.weight`, [3 * module.width, module.width]);
      plain(`${module.prefix}.rel_pos.inv_freq`, [SNAC_HEAD_DIM / 2]);
      plain(`${module.prefix}.to_out.weight`, [module.width, module.width]);
      return;
    case "noise":
      wn(`${module.prefix}.linear`, [module.channels, module.channels, 1]);
      return;
    case "tanh":
      return;
  }
}

/** `quantizer.quantizers.<i>.*`: one factorized VectorQuantize per level. */
export function quantizerSpecs(shape: SnacShape): SnacTensorSpec[] {
  const { codebook_dim: dim, codebook_size: size } = shape.config;
  return shape.config.vq_strides.flatMap((_, i) => {
    const p = `quantizer.quantizers.${i}`;
    return [
      { key: `${p}.in_proj.weight`, shape: [dim, shape.latentDim, 1], weightNorm: true },
      { key: `${p}.in_proj.bias`, shape: [dim], weightNorm: false },
      { key: `${p}.out_proj.weight`, shape: [shape.latentDim, dim, 1], weightNorm: true },
      { key: `${p}.out_proj.bias`, shape: [shape.latentDim], weightNorm: false },
      { key: `${p}.codebook.weight`, shape: [size, dim], weightNorm: false },
    ];
  });
}

/** Every tensor of `modules` (in order). */
export function moduleTensorSpecs(modules: readonly SnacModule[]): SnacTensorSpec[] {
  const out: SnacTensorSpec[] = [];
  for (const module of modules) moduleSpecs(module, out);
  return out;
}

/** Every tensor a SNAC state dict of this shape holds, after weight-norm folding. */
export function snacTensorSpecs(shape: SnacShape): SnacTensorSpec[] {
  return [...moduleTensorSpecs(encoderModules(shape)), ...quantizerSpecs(shape), ...moduleTensorSpecs(decoderModules(shape))];
}
