import { readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import { SafetensorsFormatError } from "./errors.js";
import { readSafetensors, writeSafetensors } from "./safetensors.js";
import type { StateDict } from "./safetensors.js";

/** A model checkpoint: upstream `config` and `tunables` dicts plus the state dict. */
export interface Checkpoint {
  config: Record<string, unknown>;
  tunables: Record<string, unknown>;
  tensors: StateDict;
  /** Which model the weights belong to ("t2s", "sm2a"), when recorded. */
  model?: string;
}

/**
 * Writes a checkpoint as one safetensors file whose `__metadata__` holds `config` and
 * `tunables` as JSON strings (the layout the documented PyTorch conversion one-liner produces).
 */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const bytes = writeSafetensors(checkpoint.tensors, {
    config: JSON.stringify(checkpoint.config),
    tunables: JSON.stringify(checkpoint.tunables),
    ...(checkpoint.model === undefined ? {} : { model: checkpoint.model }),
    format: "pt",
  });
  await writeFile(path, bytes);
}

/** The weights file and JSON config of a trainer checkpoint directory (@autosing/trainer's layout). */
export const CHECKPOINT_WEIGHTS_FILE = "model.safetensors";
export const CHECKPOINT_CONFIG_FILE = "config.json";

/**
 * Reads a checkpoint: a safetensors file whose metadata holds `config` and `tunables` (written by
 * `writeCheckpoint` or converted from PyTorch), or a trainer directory with `model.safetensors`
 * and `config.json` (`{ "config": …, "tunables": … }`), which also serves a bare safetensors
 * file that has a `config.json` beside it. `model` is the config.json's optional model name.
 */
export async function readCheckpoint(path: string): Promise<Checkpoint & { model?: string }> {
  const isDirectory = (await stat(path)).isDirectory();
  const weightsPath = isDirectory ? join(path, CHECKPOINT_WEIGHTS_FILE) : path;
  const { tensors, metadata } = readSafetensors(await readFile(weightsPath), weightsPath);
  let sidecar: Record<string, unknown> | undefined;
  if (isDirectory || metadata.config === undefined) {
    const configPath = join(isDirectory ? path : dirname(path), CHECKPOINT_CONFIG_FILE);
    try {
      sidecar = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new SafetensorsFormatError(weightsPath, `has no config in its metadata and ${configPath} cannot be read (${(error as Error).message})`);
    }
  }
  const parse = (key: string): Record<string, unknown> => {
    const text = sidecar ? JSON.stringify(sidecar[key] ?? null) : metadata[key];
    if (text === undefined || text === "null") throw new SafetensorsFormatError(path, `has no "${key}" entry; convert the PyTorch checkpoint with its config and tunables (see the model README)`);
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
      return value as Record<string, unknown>;
    } catch (error) {
      throw new SafetensorsFormatError(path, `metadata "${key}" is not a JSON object (${(error as Error).message})`);
    }
  };
  const model = sidecar?.model ?? metadata.model;
  return { config: parse("config"), tunables: parse("tunables"), tensors, ...(typeof model === "string" ? { model } : {}) };
}
