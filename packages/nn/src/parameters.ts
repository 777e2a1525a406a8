import { Xoshiro128 } from "@autosing/base";

import { ModelConfigError, StateDictMismatchError } from "./errors.js";
import type { StateDict } from "./safetensors.js";

/** How a parameter starts: upstream `init_transformer` rules, or fixed values for buffers. */
export type Initializer =
  | { kind: "constant"; value: number }
  /** Truncated normal with bounds ±3 std (torch.nn.init.trunc_normal_(std, a=-3std, b=3std)). */
  | { kind: "truncatedNormal"; std: number }
  /** PyTorch's default nn.Linear bias init, which upstream leaves in place for QueryHead/EmbeddingProjector biases. */
  | { kind: "uniform"; bound: number }
  | { kind: "fixed"; values: Float32Array };

/** One entry of a model's state dict: upstream key, shape, init and the μP optimiser metadata. */
export interface ParameterSpec {
  name: string;
  shape: number[];
  init: Initializer;
  /** Learning-rate multiplier (μP `lr_scale`; 0 freezes the parameter). */
  lrScale: number;
  /** μP `no_weight_decay` (embeddings, LayerNorms). */
  noWeightDecay: boolean;
  /** Saved in the state dict but never trained (positional tables, rotary `inv_freq`). */
  buffer: boolean;
  /** Further state-dict keys holding the very same tensor (upstream shares one module under several names). */
  aliases: string[];
}

/** The μP constants of a model family's `init_transformer` (WhisperSpeech t2s / s2a Tunables). */
export interface MupRules {
  /** `3 * head_width`. */
  baseWidth: number;
  initStd: number;
  embeddingsStd: number;
  embeddingsLrScale: number;
  /**
   * t2s treats EmbeddingProjector separately (`lr_scale = embedding_projector_lr_scale`,
   * std = init_std, bias untouched); s2a has no such branch and treats it as nn.Linear.
   */
  embeddingProjector?: { lrScale: number; std: number };
}

export type LinearKind = "linear" | "query" | "projector";

/**
 * Collects parameter specs under upstream names while a model definition walks its modules,
 * applying the μP rules of Port of whisperspeech t2s_up_wds_mlang_enclm.py / s2a_delar_mup_wds_mlang.py: init_transformer.
 */
export class ParameterCollector {
  readonly specs: ParameterSpec[] = [];
  private readonly byName = new Map<string, ParameterSpec>();

  constructor(readonly rules: MupRules) {}

  private add(spec: Omit<ParameterSpec, "aliases" | "buffer"> & { buffer?: boolean }): ParameterSpec {
    if (this.byName.has(spec.name)) throw new ModelConfigError("parameter", spec.name, "defined twice");
    const full: ParameterSpec = { buffer: false, aliases: [], ...spec };
    this.specs.push(full);
    this.byName.set(full.name, full);
    return full;
  }

  /** nn.Linear(in, out): weight [out, in] (PyTorch layout), optional bias [out]. */
  linear(prefix: string, inFeatures: number, outFeatures: number, options: { bias?: boolean; kind?: LinearKind } = {}): void {
    const kind = options.kind ?? "linear";
    const bias = options.bias ?? true;
    const fanInScale = 1 / (inFeatures / this.rules.baseWidth);
    const defaultBias: Initializer = { kind: "uniform", bound: 1 / Math.sqrt(inFeatures) };
    if (kind === "query") {
      this.add({ name: `${prefix}.weight`, shape: [outFeatures, inFeatures], init: { kind: "constant", value: 0 }, lrScale: fanInScale, noWeightDecay: false });
      if (bias) this.add({ name: `${prefix}.bias`, shape: [outFeatures], init: defaultBias, lrScale: fanInScale, noWeightDecay: false });
      return;
    }
    const projector = kind === "projector" ? this.rules.embeddingProjector : undefined;
    if (projector) {
      this.add({ name: `${prefix}.weight`, shape: [outFeatures, inFeatures], init: { kind: "truncatedNormal", std: projector.std }, lrScale: projector.lrScale, noWeightDecay: false });
      if (bias) this.add({ name: `${prefix}.bias`, shape: [outFeatures], init: defaultBias, lrScale: projector.lrScale, noWeightDecay: false });
      return;
    }
    const std = this.rules.initStd / inFeatures;
    this.add({ name: `${prefix}.weight`, shape: [outFeatures, inFeatures], init: { kind: "truncatedNormal", std }, lrScale: fanInScale, noWeightDecay: false });
    if (bias) this.add({ name: `${prefix}.bias`, shape: [outFeatures], init: { kind: "truncatedNormal", std }, lrScale: fanInScale, noWeightDecay: false });
  }

  /** nn.Embedding(count, width). */
  embedding(name: string, count: number, width: number): void {
    const std = this.rules.embeddingsStd;
    this.add({ name, shape: [count, width], init: { kind: "truncatedNormal", std }, lrScale: this.rules.embeddingsLrScale, noWeightDecay: true });
  }

  /** LayerNorm(width): weight 1, bias 0, no weight decay. */
  layerNorm(prefix: string, width: number): void {
    this.add({ name: `${prefix}.weight`, shape: [width], init: { kind: "constant", value: 1 }, lrScale: 1, noWeightDecay: true });
    this.add({ name: `${prefix}.bias`, shape: [width], init: { kind: "constant", value: 0 }, lrScale: 1, noWeightDecay: true });
  }

  /** A persistent buffer (saved, never trained). */
  buffer(name: string, values: Float32Array, shape: number[]): void {
    this.add({ name, shape, init: { kind: "fixed", values }, lrScale: 0, noWeightDecay: true, buffer: true });
  }

  /** Records that `alias` is another state-dict name of `name` (a module shared by reference upstream). */
  alias(name: string, alias: string): void {
    const spec = this.byName.get(name);
    if (!spec) throw new ModelConfigError("alias", name, "aliases a parameter that was not defined");
    spec.aliases.push(alias);
  }

  /** Freezes a parameter (upstream `set_frozen_embeddings` sets `lr_scale = 0`). */
  freeze(name: string): void {
    const spec = this.byName.get(name);
    if (!spec) throw new ModelConfigError("freeze", name, "no such parameter");
    spec.lrScale = 0;
  }
}

/** Draws initial values for every spec from one seeded stream (spec order is the draw order). */
export function initializeParameters(specs: readonly ParameterSpec[], seed: number): StateDict {
  const random = Xoshiro128.fromWord(seed);
  const out: StateDict = new Map();
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    const init = spec.init;
    if (init.kind === "constant") data.fill(init.value);
    else if (init.kind === "fixed") data.set(init.values);
    else if (init.kind === "uniform") for (let i = 0; i < count; i++) data[i] = (2 * random.nextFloat() - 1) * init.bound;
    else {
      for (let i = 0; i < count; i++) {
        let z = random.normal();
        while (Math.abs(z) > 3) z = random.normal();
        data[i] = z * init.std;
      }
    }
    out.set(spec.name, { shape: [...spec.shape], data });
  }
  return out;
}

/**
 * Checks a state dict (for example read from a converted upstream checkpoint) against the
 * specs: every key present with its shape, no unknown keys. Aliased keys may be present or
 * absent. Returns the tensors keyed by the canonical names; throws one error listing all problems.
 */
export function matchStateDict(specs: readonly ParameterSpec[], stateDict: StateDict, options: { ignore?: (name: string) => boolean } = {}): StateDict {
  const missing: string[] = [];
  const wrongShape: { name: string; expected: number[]; actual: number[] }[] = [];
  const known = new Set<string>();
  const out: StateDict = new Map();
  for (const spec of specs) {
    known.add(spec.name);
    for (const alias of spec.aliases) known.add(alias);
    const tensor = stateDict.get(spec.name);
    if (!tensor) {
      missing.push(spec.name);
      continue;
    }
    const candidates = [spec.name, ...spec.aliases.filter((a) => stateDict.has(a))];
    let ok = true;
    for (const name of candidates) {
      const actual = stateDict.get(name)?.shape ?? [];
      if (actual.length !== spec.shape.length || actual.some((d, i) => d !== spec.shape[i])) {
        wrongShape.push({ name, expected: spec.shape, actual });
        ok = false;
      }
    }
    if (ok) out.set(spec.name, tensor);
  }
  const unexpected = [...stateDict.keys()].filter((k) => !known.has(k) && !(options.ignore?.(k) ?? false));
  if (missing.length > 0 || unexpected.length > 0 || wrongShape.length > 0) {
    throw new StateDictMismatchError(missing, unexpected, wrongShape);
  }
  return out;
}

/** Expands canonical tensors to the full upstream state dict, writing aliased keys too. */
export function expandAliases(specs: readonly ParameterSpec[], tensors: StateDict): StateDict {
  const out: StateDict = new Map();
  for (const spec of specs) {
    const tensor = tensors.get(spec.name);
    if (!tensor) throw new StateDictMismatchError([spec.name], [], []);
    out.set(spec.name, tensor);
    for (const alias of spec.aliases) out.set(alias, tensor);
  }
  return out;
}
