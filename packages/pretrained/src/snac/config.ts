import { PretrainedSourceError } from "../errors.js";

/**
 * SNAC's constructor arguments as `config.json` holds them (port of snac 1.2.0 `SNAC.__init__`;
 * upstream builds the model with `SNAC(**config)`, so a missing field takes the constructor's
 * default and an unknown one is an error).
 */
export interface SnacConfig {
  readonly sampling_rate: number;
  readonly encoder_dim: number;
  readonly encoder_rates: readonly number[];
  readonly latent_dim: number | null;
  readonly decoder_dim: number;
  readonly decoder_rates: readonly number[];
  /** Local attention window of the encoder and decoder; null: no attention layers (SNAC 24 kHz). */
  readonly attn_window_size: number | null;
  readonly codebook_size: number;
  readonly codebook_dim: number;
  readonly vq_strides: readonly number[];
  readonly noise: boolean;
  readonly depthwise: boolean;
}

/** The defaults of `SNAC.__init__` (snac 1.2.0). */
export const SNAC_CONFIG_DEFAULTS: SnacConfig = {
  sampling_rate: 44100,
  encoder_dim: 64,
  encoder_rates: [3, 3, 7, 7],
  latent_dim: null,
  decoder_dim: 1536,
  decoder_rates: [7, 7, 3, 3],
  attn_window_size: 32,
  codebook_size: 4096,
  codebook_dim: 8,
  vq_strides: [8, 4, 2, 1],
  noise: true,
  depthwise: true,
};

/** LocalMHA's head width, fixed in upstream's layers (`dim_head=64`). */
export const SNAC_HEAD_DIM = 64;

/** Sizes every part of the import derives from the config. */
export interface SnacShape {
  readonly config: SnacConfig;
  /** Samples per finest code: prod(encoder_rates). */
  readonly hop: number;
  /** Samples the decoder makes per finest code: prod(decoder_rates) (equal to hop in the published models). */
  readonly decoderHop: number;
  /** The encoder's output width and the quantizer's input: latent_dim or encoder_dim · 2^len(encoder_rates). */
  readonly latentDim: number;
  /** Channels after the encoder's blocks (the encoder attention's width). */
  readonly encoderWidth: number;
  readonly levels: number;
  /** Input length multiple upstream pads (and AutoSing truncates) to: hop · lcm(vq_strides[0], window or 1). */
  readonly encodeMultiple: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

/** Reads a parsed `config.json` (`source` names the file in errors), filling upstream's defaults. */
export function parseSnacConfig(value: unknown, source: string): SnacShape {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PretrainedSourceError(source, "must hold a JSON object of SNAC's constructor arguments");
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!(key in SNAC_CONFIG_DEFAULTS)) throw new PretrainedSourceError(source, `is not an argument of SNAC (known: ${Object.keys(SNAC_CONFIG_DEFAULTS).join(", ")})`, key);
  }
  const pick = <K extends keyof SnacConfig>(key: K): unknown => (key in raw ? raw[key] : SNAC_CONFIG_DEFAULTS[key]);
  const positive = (key: keyof SnacConfig): number => {
    const v = pick(key);
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new PretrainedSourceError(source, `must be a positive integer (got ${JSON.stringify(v)})`, key);
    return v;
  };
  const list = (key: keyof SnacConfig): number[] => {
    const v = pick(key);
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== "number" || !Number.isInteger(x) || x <= 0)) {
      throw new PretrainedSourceError(source, `must be a non-empty list of positive integers (got ${JSON.stringify(v)})`, key);
    }
    return v as number[];
  };
  const flag = (key: keyof SnacConfig): boolean => {
    const v = pick(key);
    if (typeof v !== "boolean") throw new PretrainedSourceError(source, `must be true or false (got ${JSON.stringify(v)})`, key);
    return v;
  };
  const optional = (key: keyof SnacConfig): number | null => (pick(key) === null ? null : positive(key));
  const config: SnacConfig = {
    sampling_rate: positive("sampling_rate"),
    encoder_dim: positive("encoder_dim"),
    encoder_rates: list("encoder_rates"),
    latent_dim: optional("latent_dim"),
    decoder_dim: positive("decoder_dim"),
    decoder_rates: list("decoder_rates"),
    attn_window_size: optional("attn_window_size"),
    codebook_size: positive("codebook_size"),
    codebook_dim: positive("codebook_dim"),
    vq_strides: list("vq_strides"),
    noise: flag("noise"),
    depthwise: flag("depthwise"),
  };
  const encoderWidth = config.encoder_dim * 2 ** config.encoder_rates.length;
  const latentDim = config.latent_dim ?? encoderWidth;
  if (latentDim !== encoderWidth) {
    throw new PretrainedSourceError(source, `is ${latentDim}, but the encoder ends at encoder_dim · 2^${config.encoder_rates.length} = ${encoderWidth} channels (upstream cannot run it either)`, "latent_dim");
  }
  if (config.decoder_dim % 2 ** config.decoder_rates.length !== 0) {
    throw new PretrainedSourceError(source, `${config.decoder_dim} is not divisible by 2^${config.decoder_rates.length} (one halving per decoder rate)`, "decoder_dim");
  }
  if (config.attn_window_size !== null) {
    for (const [key, width] of [["encoder_dim", encoderWidth], ["decoder_dim", config.decoder_dim]] as const) {
      if (width % SNAC_HEAD_DIM !== 0) throw new PretrainedSourceError(source, `gives attention over ${width} channels, not a multiple of SNAC's 64-wide heads`, key);
    }
  }
  const hop = config.encoder_rates.reduce((a, b) => a * b, 1);
  return {
    config,
    hop,
    decoderHop: config.decoder_rates.reduce((a, b) => a * b, 1),
    latentDim,
    encoderWidth,
    levels: config.vq_strides.length,
    encodeMultiple: hop * lcm(config.vq_strides[0]!, config.attn_window_size ?? 1),
  };
}
