import { Xoshiro128 } from "@autosing/base";

import type { DatasetItem, TrainingDataset } from "../contract.js";
import { TrainerConfigError } from "../errors.js";

export interface InMemoryDatasetOptions<Sample, Batch> {
  samples: readonly Sample[];
  batchSize: number;
  collate: (samples: Sample[]) => Batch;
  /** Shuffle the order every epoch from (seed, epoch); off for validation sets. */
  shuffle?: boolean;
  seed?: number;
  /** Keep a last batch smaller than batchSize (validation) or drop it (training, the default). */
  keepPartialBatch?: boolean;
  tokensPerSample?: (sample: Sample) => number;
}

/**
 * A dataset held in memory, shuffled per epoch from its seed and the epoch number alone, so
 * "epoch e, batch b" names the same batch in every run (what exact resume needs).
 */
export class InMemoryDataset<Sample, Batch> implements TrainingDataset<Batch> {
  readonly batchesPerEpoch: number;

  constructor(private readonly options: InMemoryDatasetOptions<Sample, Batch>) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new TrainerConfigError("batch size", options.batchSize, "must be a positive integer");
    }
    const whole = Math.floor(options.samples.length / options.batchSize);
    this.batchesPerEpoch = options.keepPartialBatch ? Math.ceil(options.samples.length / options.batchSize) : whole;
  }

  /** The sample order of an epoch. */
  order(epoch: number): number[] {
    const indices = this.options.samples.map((_, i) => i);
    if (this.options.shuffle) Xoshiro128.fromSeed((this.options.seed ?? 0) * 1000003 + epoch).shuffle(indices);
    return indices;
  }

  async *batches(epoch: number, skip: number): AsyncIterable<DatasetItem<Batch>> {
    const order = this.order(epoch);
    const { batchSize, collate, tokensPerSample } = this.options;
    for (let b = skip; b < this.batchesPerEpoch; b++) {
      const samples = order.slice(b * batchSize, (b + 1) * batchSize).map((i) => this.options.samples[i] as Sample);
      const tokens = tokensPerSample ? samples.reduce((sum, s) => sum + tokensPerSample(s), 0) : undefined;
      yield { batch: collate(samples), samples: samples.length, ...(tokens !== undefined ? { tokens } : {}) };
    }
  }
}
