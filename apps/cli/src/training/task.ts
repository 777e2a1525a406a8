/**
 * What a training task is: the option schemas of `--task_args`, `--dataset-config` and
 * `--tunables`, the Tunables defaults, how it builds the model and its datasets for the loop, and
 * how its trained model exports. Each task is one file (upstream: one module per task, which
 * train.py imports by name); `registry.ts` lists them.
 */
import type { BatchShard, T2STextSourceCounts, TrainableModel, TrainingDataset } from "@autosing/trainer";
import type { z } from "zod";

import type { ReplicaModelOptions } from "./replica-model.js";

/** The trained model a task produces: its config.json's `model`, the name `autosing export` knows. */
export type ModelKind = "t2s" | "sm2a" | "artist_emb";

/** A zod schema of a JSON flag's keys (a strict object: `shape` lists the known keys in order). */
export type FlagSchema<Output> = z.ZodType<Output> & { shape: z.ZodRawShape };

/** A model and its datasets, ready for the loop. */
export interface PreparedTask<Batch> {
  model: TrainableModel<Batch> & { dispose(): void };
  train: TrainingDataset<Batch>;
  validation: TrainingDataset<Batch>;
  /** lr0, weight_decay, warmup_steps, clip_gradient_norm from the task's Tunables (upstream overrides the flags with them). */
  tunables: LoopTunables;
  /** How `--replicas N` builds this model in its workers and shards a batch; absent: the task trains on one replica only. */
  replicas?: {
    options: ReplicaModelOptions;
    split(batch: Batch, parts: number): BatchShard<Batch>[];
  };
  /** t2s: the text source of every training sample the run maps (the summary reports the placeholder rows). */
  textSources?: T2STextSourceCounts;
}

/** The optimizer settings a task's Tunables give the loop. */
export interface LoopTunables {
  lr0: number;
  weight_decay: number;
  warmup_steps: number;
  clip_gradient_norm?: number | null;
}

/** What every task's preparation shares: the run's seed and batch size, the model to start from, and where detail goes. */
export interface TaskContext {
  seed: number;
  batchSize: number;
  /** A saved model directory (`--load-from`): its config and weights replace a fresh model's. */
  loadFrom?: string;
  /** The run's shuffle buffer in samples (`--shufbuf` × 1024); the datasets' default when absent. */
  runShuffleBufferSize?: number;
  /** t2s: train even when most rows have no text (`--allow-missing-text`). */
  allowMissingText?: boolean;
  log: (line: string) => void;
}

/** `autosing export`'s options that reach a model's exporter. */
export interface ExportOptions {
  decoderWeights: "float32" | "int8";
}

/** A task's options after its schemas read them; `tunables` has the defaults filled in. */
export interface TaskOptions<TaskArgs, DatasetConfig, Tunables> {
  taskArgs: TaskArgs;
  datasetConfig: DatasetConfig;
  tunables: Tunables;
}

export interface TrainingTask<TaskArgs, DatasetConfig, Tunables extends object, Batch> {
  readonly model: ModelKind;
  readonly schemas: {
    readonly taskArgs: FlagSchema<TaskArgs>;
    readonly datasetConfig: FlagSchema<DatasetConfig>;
    readonly tunables: FlagSchema<Partial<Tunables>>;
  };
  /** The Tunables a run starts from; `--tunables` overrides them key by key. */
  readonly defaultTunables: Readonly<Tunables>;
  /** Whether the exported model has a decoder (`autosing export --decoder-weights` applies). */
  readonly hasDecoder: boolean;
  /** Builds the model (fresh, or from `context.loadFrom`) and opens the training and validation datasets. */
  prepare(options: TaskOptions<TaskArgs, DatasetConfig, Tunables>, context: TaskContext): Promise<PreparedTask<Batch>>;
  /** Writes the ONNX export of a trained model (a checkpoint or a saved model directory); resolves to the files written. */
  exportModel(checkpoint: string, outDir: string, options: ExportOptions): Promise<string[]>;
}

/** Infers a task's types from its definition (the registry's entries are written with it). */
export function defineTrainingTask<TaskArgs, DatasetConfig, Tunables extends object, Batch>(
  task: TrainingTask<TaskArgs, DatasetConfig, Tunables, Batch>,
): TrainingTask<TaskArgs, DatasetConfig, Tunables, Batch> {
  return task;
}

/** The optimizer settings of a task's Tunables. */
export function loopTunables(tunables: LoopTunables): LoopTunables {
  return { lr0: tunables.lr0, weight_decay: tunables.weight_decay, warmup_steps: tunables.warmup_steps, clip_gradient_norm: tunables.clip_gradient_norm };
}
