/** Reading a dataset for training: partition 0 validates, the others train (construct-dataset's layout). */
import { PartitionedDataset, type PartitionedDatasetOptions, type TrainingDataset, type TrainingRow, trainingTable } from "@autosing/trainer";
import { z } from "zod";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import type { TaskContext } from "./task.js";

/** The `--dataset-config` keys every task shares. */
export interface PartitionConfig {
  num_partitions?: number | undefined;
  shufbuf_size?: number | undefined;
  /** Training partitions start after this one (upstream sm2a load_dataset). */
  partition_offset?: number | undefined;
  /** Step files read per partition, concatenated (upstream T2SDataset/SM2ADataset `parts`). */
  parts?: string[] | undefined;
}

/** The `--dataset-config` keys of the constructed-dataset tasks (t2s, sm2a), as upstream's load_dataset and datasets take them. */
export const CONSTRUCTED_DATASET_KEYS = {
  num_partitions: z.number().optional(),
  partition_offset: z.number().optional(),
  parts: z.array(z.string()).optional(),
  shufbuf_size: z.number().optional(),
};

/** The shared dataset options of a task, spread only where given (the datasets' defaults apply otherwise). */
export function partitionOptions(dataset: PartitionConfig): { numPartitions?: number; shuffleBufferSize?: number; partitionOffset?: number; parts?: string[] } {
  return {
    ...(dataset.num_partitions !== undefined ? { numPartitions: dataset.num_partitions } : {}),
    ...(dataset.shufbuf_size !== undefined ? { shuffleBufferSize: dataset.shufbuf_size } : {}),
    ...(dataset.partition_offset !== undefined ? { partitionOffset: dataset.partition_offset } : {}),
    ...(dataset.parts !== undefined ? { parts: dataset.parts } : {}),
  };
}

/**
 * Partition 0 (validation) and the training partitions of a constructed dataset, read the same
 * way for t2s and sm2a; `reader` is what the task maps each row to.
 */
export async function openConstructedDataset<Sample, Batch>(
  context: TaskContext,
  path: string,
  dataset: PartitionConfig,
  reader: Pick<PartitionedDatasetOptions<TrainingRow, Sample, Batch>, "columns" | "map" | "collate" | "tokensPerSample">,
): Promise<{ validation: TrainingDataset<Batch>; train: TrainingDataset<Batch> }> {
  const open = (split: "train" | "val") =>
    PartitionedDataset.open({
      path,
      split,
      table: trainingTable,
      batchSize: context.batchSize,
      seed: context.seed,
      ...partitionOptions(dataset),
      ...(context.runShuffleBufferSize !== undefined ? { runShuffleBufferSize: context.runShuffleBufferSize } : {}),
      log: context.log,
      ...reader,
    });
  const validation = await open("val");
  return { validation, train: await open("train") };
}

/** The first batch of a dataset: upstream reads the data dimensions off the dataset's first sample. */
export async function firstBatch<Batch>(dataset: TrainingDataset<Batch>, path: string): Promise<Batch> {
  for await (const item of dataset.batches(0, 0)) return item.batch;
  throw new CliError(`autosing train: dataset ${path} partition 0 yielded no usable rows`, ExitCode.badInput);
}
