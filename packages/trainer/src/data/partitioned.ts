import { stat } from "node:fs/promises";

import { Xoshiro128 } from "@autosing/base";
import type {
  TableReader} from "@autosing/parquet-io";
import {
  type TableSchema,
  listPartitions,
  openTable,
  stepPath,
} from "@autosing/parquet-io";

import type { DatasetItem, TrainingDataset } from "../contract.js";
import { DatasetError, TrainerConfigError } from "../errors.js";
import { shuffleBuffer } from "./shuffle.js";

/** What a sample mapping returns for a row it cannot use: the row is skipped and the reason logged. */
export interface SkippedRow {
  skip: string;
}

export interface SampleContext {
  /** Seeded per (seed, epoch, worker): random choices of the mapping (multiscale windows, dropout of conditioning). */
  rng: Xoshiro128;
  partition: number;
  file: string;
  /** Row index within the file. */
  row: number;
}

export interface PartitionedDatasetOptions<Row, Sample, Batch> {
  /** The constructed dataset: `<path>/<n>/<step>.parquet`. */
  path: string;
  /** `"val"` reads partition 0; `"train"` reads every other partition (upstream: 1..num_partitions). */
  split: "train" | "val";
  table: TableSchema<Row>;
  /** Columns to read (the mapping's needs); every column of `table` when omitted. */
  columns?: readonly (keyof Row & string)[];
  /** Step file stem, `main` by default. */
  step?: string;
  /** Only the first N training partitions (upstream's num_partitions). */
  numPartitions?: number;
  batchSize: number;
  map: (row: Row, context: SampleContext) => Sample | SkippedRow;
  collate: (samples: Sample[]) => Batch;
  tokensPerSample?: (sample: Sample) => number;
  seed: number;
  /** Shuffle buffer size in samples (upstream's shufbuf_size); training only. Default 1000. */
  shuffleBufferSize?: number;
  /** This worker's rank and the number of workers (data-parallel sharding). */
  rank?: number;
  worldSize?: number;
  log?: (line: string) => void;
}

function isSkipped(value: unknown): value is SkippedRow {
  return typeof value === "object" && value !== null && "skip" in value && typeof (value as SkippedRow).skip === "string";
}

/**
 * Port of autosing/simple_dataset.py: SimpleDataset over constructed partitions, streamed row
 * group by row group (bounded memory, unlike upstream's whole-partition pandas frames).
 * Sharding follows upstream: with at least as many partitions as workers each worker takes
 * partitions rank, rank + world, …; otherwise every worker reads all partitions and keeps rows
 * rank, rank + world, …. Training order per epoch: partitions shuffled, row groups shuffled,
 * rows shuffled within a group, then the shuffle buffer — all from (seed, epoch, rank), so
 * "epoch e, batch b" is reproducible and resume skips to it exactly.
 */
export class PartitionedDataset<Row, Sample, Batch> implements TrainingDataset<Batch> {
  private constructor(
    private readonly options: PartitionedDatasetOptions<Row, Sample, Batch>,
    private readonly files: { partition: number; file: string; rows: number; rowGroups: number }[],
    private readonly shardRows: boolean,
    readonly batchesPerEpoch: number,
    /** Samples this worker reads per epoch (before skipped rows). */
    readonly samplesPerEpoch: number,
  ) {}

  /** Lists and checks the partitions (footers and columns) before any training starts. */
  static async open<Row, Sample, Batch>(
    options: PartitionedDatasetOptions<Row, Sample, Batch>,
  ): Promise<PartitionedDataset<Row, Sample, Batch>> {
    const { path, split } = options;
    const step = options.step ?? "main";
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new TrainerConfigError("batch size", options.batchSize, "must be a positive integer");
    }
    const rank = options.rank ?? 0;
    const worldSize = options.worldSize ?? 1;
    if (!Number.isInteger(worldSize) || worldSize < 1 || !Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
      throw new TrainerConfigError("rank/world size", `${rank}/${worldSize}`, "rank must be in 0..world size − 1");
    }
    try {
      if (!(await stat(path)).isDirectory()) throw new DatasetError(path, "is not a directory");
    } catch (error) {
      if (DatasetError.isInstance(error)) throw error;
      throw new DatasetError(path, `does not exist (${(error as Error).message})`);
    }
    let partitions = await listPartitions(path);
    if (split === "val") partitions = partitions.filter((p) => p === 0);
    else {
      partitions = partitions.filter((p) => p >= 1);
      if (options.numPartitions !== undefined) partitions = partitions.filter((p) => p <= (options.numPartitions as number));
    }
    if (partitions.length === 0) {
      throw new DatasetError(
        path,
        split === "val" ? "has no partition 0 (the validation partition)" : "has no training partitions (folders 1, 2, … with main.parquet)",
      );
    }
    const files: { partition: number; file: string; rows: number; rowGroups: number }[] = [];
    for (const partition of partitions) {
      const file = stepPath(path, partition, step);
      let reader: TableReader<Row>;
      try {
        reader = await openTable(file, options.table);
      } catch (error) {
        throw new DatasetError(path, `partition ${partition}: ${(error as Error).message}`);
      }
      try {
        for (const column of options.columns ?? []) {
          const def = options.table.columns.find((c) => c.name === column);
          if (def && !def.optional && !reader.hasColumn(column)) {
            throw new DatasetError(path, `partition ${partition} (${file}) lacks the column "${column}"`);
          }
        }
        files.push({ partition, file, rows: reader.numRows, rowGroups: reader.numRowGroups });
      } finally {
        await reader.close();
      }
    }
    const shardRows = files.length < worldSize;
    const mine = shardRows ? files : files.filter((_, i) => i % worldSize === rank);
    const samples = mine.reduce(
      (sum, f) => sum + (shardRows ? Math.max(0, Math.ceil((Math.floor(f.rows / worldSize) * worldSize - rank) / worldSize)) : f.rows),
      0,
    );
    if (samples === 0) throw new DatasetError(path, `${split} split is empty (0 rows for worker ${rank} of ${worldSize})`);
    const batches = split === "val" ? Math.ceil(samples / options.batchSize) : Math.floor(samples / options.batchSize);
    if (batches === 0) {
      throw new DatasetError(path, `${split} split has ${samples} rows, fewer than one batch of ${options.batchSize}`);
    }
    return new PartitionedDataset(options, mine, shardRows, batches, samples);
  }

  private async *samples(epoch: number): AsyncGenerator<Sample> {
    const { options } = this;
    const rank = options.rank ?? 0;
    const worldSize = options.worldSize ?? 1;
    const training = options.split === "train";
    const orderRng = Xoshiro128.derive(options.seed, epoch, rank, 1);
    const mapRng = Xoshiro128.derive(options.seed, epoch, rank, 2);
    const files = training ? orderRng.shuffle([...this.files]) : this.files;
    for (const { partition, file, rowGroups } of files) {
      const reader = await openTable(file, options.table);
      try {
        const groups = Array.from({ length: rowGroups }, (_, g) => g);
        if (training) orderRng.shuffle(groups);
        const groupStarts: number[] = [];
        let start = 0;
        for (let g = 0; g < rowGroups; g++) {
          groupStarts.push(start);
          start += Number(reader.metadata.row_groups[g]?.num_rows ?? 0n);
        }
        const keepUpTo = Math.floor(reader.numRows / worldSize) * worldSize;
        for (const g of groups) {
          const rows = await reader.readRowGroup(g, options.columns ? { columns: options.columns } : {});
          const indices = rows.map((_, i) => i);
          if (training) orderRng.shuffle(indices);
          for (const i of indices) {
            const rowIndex = (groupStarts[g] as number) + i;
            if (this.shardRows && (rowIndex >= keepUpTo || rowIndex % worldSize !== rank)) continue;
            const sample = options.map(rows[i] as Row, { rng: mapRng, partition, file, row: rowIndex });
            if (isSkipped(sample)) {
              options.log?.(`skipping ${file} row ${rowIndex}: ${sample.skip}`);
              continue;
            }
            yield sample;
          }
        }
      } finally {
        await reader.close();
      }
    }
  }

  async *batches(epoch: number, skip: number): AsyncIterable<DatasetItem<Batch>> {
    const { options } = this;
    const training = options.split === "train";
    let stream: AsyncIterable<Sample> = this.samples(epoch);
    if (training) {
      stream = shuffleBuffer(stream, options.shuffleBufferSize ?? 1000, Xoshiro128.derive(options.seed, epoch, options.rank ?? 0, 3));
    }
    let pending: Sample[] = [];
    let index = 0;
    const emit = (samples: Sample[]): DatasetItem<Batch> => {
      const tokens = options.tokensPerSample ? samples.reduce((s, x) => s + (options.tokensPerSample as (x: Sample) => number)(x), 0) : undefined;
      return { batch: options.collate(samples), samples: samples.length, ...(tokens !== undefined ? { tokens } : {}) };
    };
    for await (const sample of stream) {
      pending.push(sample);
      if (pending.length < options.batchSize) continue;
      // Skipped batches are still drawn (their samples consumed) but not collated.
      if (index >= skip) yield emit(pending);
      pending = [];
      index++;
      if (index >= this.batchesPerEpoch) return;
    }
    if (!training && pending.length && index >= skip) yield emit(pending);
  }
}
