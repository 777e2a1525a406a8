import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { basename, join } from "node:path";

import { type Xoshiro128State, removeStaleTemporaries, temporaryPathFor, writeDirectoryAtomic } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { type HostTensor, encodeSafetensors } from "@autosing/nn";

import type { AdamW } from "./adamw.js";
import type { JsonObject, TrainableParameter } from "./contract.js";
import { CheckpointError } from "./errors.js";
import { readSafetensorsFile } from "./safetensors.js";

export const MODEL_WEIGHTS_FILE = "model.safetensors";
export const MODEL_CONFIG_FILE = "config.json";
export const OPTIMIZER_STATE_FILE = "optimizer.safetensors";
export const TRAINER_STATE_FILE = "trainer-state.json";
const TRAINER_STATE_FORMAT = "autosing-trainer-state";
/** `@autosing/base`'s temporary naming, which a checkpoint is written under until complete. */
const SCRATCH_FOLDER = /^\..+\.\d+\.\d+\.tmp$/;

/** Everything besides tensors that a resumed run needs to continue exactly. */
export interface TrainerState {
  format: typeof TRAINER_STATE_FORMAT;
  version: 1;
  /** Optimizer steps taken (the schedule position). */
  step: number;
  /** Data position: the epoch in progress and the batches of it already consumed. */
  epoch: number;
  batchInEpoch: number;
  /** Steps skipped by the non-finite guard so far. */
  skippedSteps: number;
  samplesSeen: number;
  rng: Xoshiro128State;
  /** Data-parallel replicas the run used (`--replicas`; absent in checkpoints of earlier versions: 1). Reproducibility holds for a given count. */
  replicas?: number;
  /** The run's shuffle buffer in samples (`--shufbuf` × 1024; absent when the caller did not say). Exact resume holds for a given size. */
  runShuffleBufferSize?: number;
  /** The run's settings, so a resume with different ones can be refused. */
  run: JsonObject;
}

async function tensorsToHost(tensors: ReadonlyMap<string, Tensor>): Promise<Map<string, HostTensor>> {
  const host = new Map<string, HostTensor>();
  for (const [name, tensor] of tensors) {
    const dtype = tensor.dtype === "int32" ? "int32" : "float32";
    const data = (await tensor.data()) as Float32Array | Int32Array;
    host.set(name, { dtype, shape: [...tensor.shape], data });
  }
  return host;
}

/** The safetensors bytes of `parameters` (by their state_dict names), then of any `frozen` tensors. */
async function modelWeightBytes(parameters: readonly TrainableParameter[], frozen: ReadonlyMap<string, Tensor>): Promise<Uint8Array> {
  const all = new Map<string, Tensor>(parameters.map((p) => [p.name, p.variable]));
  for (const [name, tensor] of frozen) if (!all.has(name)) all.set(name, tensor);
  return encodeSafetensors(await tensorsToHost(all), { format: "pt" });
}

function configText(config: JsonObject): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Writes `data` to `path` and syncs it, so a folder renamed into place holds complete files. */
async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Saves the weights of `parameters` (by their state_dict names), then any `frozen` tensors,
 * and the model config. The folder may hold other files (the run's metrics): both files are
 * written under temporary names first and renamed into place together, weights first.
 */
export async function saveModel(
  directory: string,
  parameters: readonly TrainableParameter[],
  config: JsonObject,
  frozen: ReadonlyMap<string, Tensor> = new Map(),
): Promise<void> {
  await mkdir(directory, { recursive: true });
  await removeStaleTemporaries(directory);
  const files: [string, Uint8Array | string][] = [
    [MODEL_WEIGHTS_FILE, await modelWeightBytes(parameters, frozen)],
    [MODEL_CONFIG_FILE, configText(config)],
  ];
  const temporaries = files.map(([name]) => temporaryPathFor(join(directory, name)));
  try {
    for (const [i, [, data]] of files.entries()) await writeSynced(temporaries[i]!, data);
    for (const [i, [name]] of files.entries()) await rename(temporaries[i]!, join(directory, name));
  } catch (error) {
    await Promise.all(temporaries.map((path) => rm(path, { force: true })));
    throw error;
  }
}

/**
 * Loads weights from `<directory>/model.safetensors` (or a .safetensors path) into the
 * parameters. Every parameter must be present with its shape; extra tensors in the file are
 * an error too, since they mean the file belongs to another model.
 */
export async function loadModelWeights(
  path: string,
  parameters: readonly TrainableParameter[],
  frozen: ReadonlyMap<string, Tensor> = new Map(),
): Promise<void> {
  const file = path.endsWith(".safetensors") ? path : join(path, MODEL_WEIGHTS_FILE);
  const { tensors } = await readSafetensorsFile(file);
  const names = new Set([...parameters.map((p) => p.name), ...frozen.keys()]);
  const extra = [...tensors.keys()].filter((name) => !names.has(name));
  if (extra.length) throw new CheckpointError(file, `holds tensors the model does not have: ${extra.slice(0, 5).join(", ")}`);
  for (const parameter of parameters) {
    const saved = tensors.get(parameter.name);
    if (!saved) throw new CheckpointError(file, `lacks the tensor "${parameter.name}"`);
    if (saved.shape.join(",") !== parameter.variable.shape.join(",")) {
      throw new CheckpointError(
        file,
        `tensor "${parameter.name}" has shape [${saved.shape.join(", ")}], the model expects [${parameter.variable.shape.join(", ")}]`,
      );
    }
    tf.tidy(() => parameter.variable.assign(tf.tensor(saved.data, saved.shape, parameter.variable.dtype)));
  }
  // Frozen variables (not buffers, which are constants of the model's config) are restored too.
  for (const [name, tensor] of frozen) {
    const saved = tensors.get(name);
    if (!saved || !(tensor instanceof tf.Variable)) continue;
    if (saved.shape.join(",") !== tensor.shape.join(",")) {
      throw new CheckpointError(file, `tensor "${name}" has shape [${saved.shape.join(", ")}], the model expects [${tensor.shape.join(", ")}]`);
    }
    tf.tidy(() => tensor.assign(tf.tensor(saved.data, saved.shape, tensor.dtype)));
  }
}

/**
 * Saves a resumable checkpoint: weights + config, optimizer moments and the trainer state. The
 * files go to a scratch folder beside `directory` that is renamed into place when all four are
 * complete, so a run killed while checkpointing never leaves a checkpoint without optimizer state;
 * scratch folders of dead runs in the parent are removed first.
 */
export async function saveCheckpoint(
  directory: string,
  parameters: readonly TrainableParameter[],
  config: JsonObject,
  optimizer: AdamW,
  state: TrainerState,
  frozen: ReadonlyMap<string, Tensor> = new Map(),
): Promise<void> {
  await writeDirectoryAtomic(directory, async (scratch) => {
    await writeSynced(join(scratch, MODEL_WEIGHTS_FILE), await modelWeightBytes(parameters, frozen));
    await writeSynced(join(scratch, MODEL_CONFIG_FILE), configText(config));
    const moments = await tensorsToHost(optimizer.stateTensors());
    await writeSynced(join(scratch, OPTIMIZER_STATE_FILE), encodeSafetensors(moments));
    await writeSynced(join(scratch, TRAINER_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  });
}

/** Reads a checkpoint directory's state file (without touching tensors). */
export async function readTrainerState(directory: string): Promise<TrainerState> {
  if (SCRATCH_FOLDER.test(basename(directory))) {
    throw new CheckpointError(directory, "is the scratch folder of an unfinished checkpoint (a run stopped while saving it); resume from a checkpoint folder epoch=<e>-step=<s>");
  }
  const path = join(directory, TRAINER_STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CheckpointError(directory, `has no readable ${TRAINER_STATE_FILE} (${(error as Error).message}); is it a checkpoint directory?`);
  }
  let state: TrainerState;
  try {
    state = JSON.parse(text) as TrainerState;
  } catch (error) {
    throw new CheckpointError(path, `is not JSON (${(error as Error).message})`);
  }
  if (state.format !== TRAINER_STATE_FORMAT || state.version !== 1) {
    throw new CheckpointError(path, `has format ${JSON.stringify(state.format)} version ${state.version}, expected ${TRAINER_STATE_FORMAT} version 1`);
  }
  return state;
}

/** Restores weights and optimizer moments of a checkpoint and returns its trainer state. */
export async function loadCheckpoint(
  directory: string,
  parameters: readonly TrainableParameter[],
  optimizer: AdamW,
  frozen: ReadonlyMap<string, Tensor> = new Map(),
): Promise<TrainerState> {
  const state = await readTrainerState(directory);
  await loadModelWeights(directory, parameters, frozen);
  const { tensors } = await readSafetensorsFile(join(directory, OPTIMIZER_STATE_FILE));
  const moments = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const [name, tensor] of tensors) {
    if (tensor.dtype !== "float32") throw new CheckpointError(join(directory, OPTIMIZER_STATE_FILE), `tensor "${name}" is not float`);
    moments.set(name, { data: tensor.data as Float32Array, shape: tensor.shape });
  }
  try {
    optimizer.loadState(moments, state.step);
  } catch (error) {
    throw new CheckpointError(join(directory, OPTIMIZER_STATE_FILE), (error as Error).message);
  }
  return state;
}

export function newTrainerState(rng: Xoshiro128State, run: JsonObject): TrainerState {
  return { format: TRAINER_STATE_FORMAT, version: 1, step: 0, epoch: 0, batchInEpoch: 0, skippedSteps: 0, samplesSeen: 0, rng, run };
}
