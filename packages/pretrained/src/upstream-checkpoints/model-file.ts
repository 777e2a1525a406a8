import type { StateDict } from "@autosing/safetensors";

import { PretrainedSourceError } from "../errors.js";
import { type UpstreamFile, openUpstreamFile } from "../upstream-file.js";

/** What a published model file holds, once told apart: a `.model` (or a converted safetensors file) or a Lightning `.ckpt`. */
export interface UpstreamModelFile {
  readonly path: string;
  /** `model`: `torch.save(dict(config, tunables, state_dict))` (upstream `save_model`); `lightning`: upstream train.py's checkpoint. */
  readonly format: "model" | "lightning" | "safetensors";
  /** The upstream `config` dict (absent in a Lightning checkpoint). */
  readonly config?: Record<string, unknown>;
  readonly tunables?: Record<string, unknown>;
  /** The network's tensors by upstream `state_dict` key (the `model.` prefix of a Lightning checkpoint removed). */
  readonly stateDict: StateDict;
  /** `state_dict` entries that are not tensors (`_extra_state`, a Lightning module's other children), by key. */
  readonly droppedStateKeys: readonly string[];
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isTensorMarker(value: unknown): value is { $tensor: string } {
  return isDict(value) && typeof value.$tensor === "string";
}

/**
 * Reads the tensors under `state_dict` (with `prefix` inside it) and refuses a value that should
 * be a tensor but is a pickled object: that names the key and the global that object came from.
 */
function readStateDict(file: UpstreamFile, stateDict: Record<string, unknown>, prefix: string, dropped: string[]): StateDict {
  const out: StateDict = new Map();
  for (const [key, value] of Object.entries(stateDict)) {
    if (!key.startsWith(prefix)) {
      dropped.push(key);
      continue;
    }
    const name = key.slice(prefix.length);
    if (isTensorMarker(value)) {
      const tensor = file.tensors.get(value.$tensor);
      if (tensor === undefined) throw new PretrainedSourceError(file.path, `names tensor ${value.$tensor}, which the file does not hold`, `state_dict.${key}`);
      out.set(name, { shape: [...tensor.shape], data: tensor.read() });
    } else if (isDict(value) && typeof value.$global === "string") {
      throw new PretrainedSourceError(
        file.path,
        `is a pickled ${value.$global} object, not a tensor; the restricted unpickler never calls ${value.$global}, so this file cannot be imported`,
        `state_dict.${key}`,
      );
    } else {
      dropped.push(key);
    }
  }
  return out;
}

/**
 * Opens `path` and tells its layout apart: a `.model` dict (`config`, `tunables`, `state_dict`),
 * a Lightning `.ckpt` (`pytorch-lightning_version` and `state_dict` with `model.` keys, no config),
 * or a safetensors file converted as the model READMEs say (`config`/`tunables` metadata, tensors
 * at the top). Anything else is refused, naming what the file holds instead.
 */
export async function readUpstreamModelFile(path: string): Promise<UpstreamModelFile> {
  const file = await openUpstreamFile(path);
  try {
    const root = file.root;
    if (!isDict(root)) throw new PretrainedSourceError(path, "holds no dict at its top; expected a .model (config, tunables, state_dict) or a Lightning .ckpt");
    const dropped: string[] = [];
    if ("pytorch-lightning_version" in root) {
      if (!isDict(root.state_dict)) throw new PretrainedSourceError(path, "is a Lightning checkpoint without a state_dict dict", "state_dict");
      const stateDict = readStateDict(file, root.state_dict, "model.", dropped);
      if (stateDict.size === 0) throw new PretrainedSourceError(path, "is a Lightning checkpoint whose state_dict has no model.* tensors; it was not written by upstream train.py", "state_dict");
      return { path, format: "lightning", stateDict, droppedStateKeys: dropped };
    }
    const config = root.config;
    if (!isDict(config)) {
      const keys = Object.keys(root).slice(0, 8).join(", ");
      throw new PretrainedSourceError(path, `is neither a .model (a dict with config, tunables and state_dict) nor a Lightning checkpoint; its top-level keys are: ${keys || "(none)"}`, "config");
    }
    const tunables = root.tunables === undefined || root.tunables === null ? undefined : root.tunables;
    if (tunables !== undefined && !isDict(tunables)) throw new PretrainedSourceError(path, "must be a dict of upstream Tunables", "tunables");
    if (isDict(root.state_dict)) {
      return { path, format: "model", config, ...(tunables ? { tunables } : {}), stateDict: readStateDict(file, root.state_dict, "", dropped), droppedStateKeys: dropped };
    }
    if (file.tensors.size > 0 && !("state_dict" in root)) {
      const stateDict: StateDict = new Map();
      for (const [name, tensor] of file.tensors) stateDict.set(name, { shape: [...tensor.shape], data: tensor.read() });
      return { path, format: "safetensors", config, ...(tunables ? { tunables } : {}), stateDict, droppedStateKeys: [] };
    }
    throw new PretrainedSourceError(path, "has a config but no state_dict dict of tensors", "state_dict");
  } finally {
    file.close();
  }
}

/** Reads only the `config` and `tunables` of a `.model` (for `--config-from` beside a Lightning checkpoint). */
export async function readUpstreamConfig(path: string): Promise<{ config: Record<string, unknown>; tunables?: Record<string, unknown> }> {
  const file = await openUpstreamFile(path);
  try {
    const root = file.root;
    if (!isDict(root) || !isDict(root.config)) throw new PretrainedSourceError(path, "has no config dict; --config-from takes a .model file written by upstream save_model", "config");
    const tunables = isDict(root.tunables) ? root.tunables : undefined;
    return { config: root.config, ...(tunables ? { tunables } : {}) };
  } finally {
    file.close();
  }
}
