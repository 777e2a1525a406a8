import type { NamedTensor, StateDict } from "@autosing/safetensors";

import type { UpstreamTensor } from "../upstream-file.js";

/**
 * A state dict whose values are read from the source file only when the ONNX emitter asks for
 * them, and not kept: the emitter copies each weight into the graph (transposed or scaled where
 * it folds something in), so holding the float32 state dict as well would be a second full copy
 * of a whisper-small encoder in memory. Only `get` and `has` read it (all the emitter uses).
 */
export class LazyStateDict extends Map<string, NamedTensor> {
  private readonly sources = new Map<string, UpstreamTensor>();

  /** Adds `tensors` under `prefix` + their key. */
  addAll(tensors: ReadonlyMap<string, UpstreamTensor>, prefix = ""): this {
    for (const [key, tensor] of tensors) this.sources.set(prefix + key, tensor);
    return this;
  }

  override get(name: string): NamedTensor | undefined {
    const tensor = this.sources.get(name);
    return tensor === undefined ? undefined : { shape: [...tensor.shape], data: tensor.read() };
  }

  override has(name: string): boolean {
    return this.sources.has(name);
  }
}

/** A lazily read state dict as the `StateDict` type the emitter takes. */
export function lazyStateDict(groups: readonly { tensors: ReadonlyMap<string, UpstreamTensor>; prefix?: string }[]): StateDict {
  const out = new LazyStateDict();
  for (const group of groups) out.addAll(group.tensors, group.prefix ?? "");
  return out;
}
