import { Xoshiro128 } from "@autosing/base";
import { type TableReader, type TableSchema, openTable } from "@autosing/parquet-io";

import type { DatasetItem, TrainingDataset } from "../contract.js";
import { DatasetError, TrainerConfigError } from "../errors.js";
import { type PartitionUnit, listPartitionUnits } from "./partition-files.js";
import { RUN_SHUFFLE_BUFFER_SAMPLES, shuffleBuffer } from "./shuffle.js";

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
  /** The constructed dataset: `<path>/<n>/<part>.parquet`. */
  path: string;
  /** `"val"` reads partition 0; `"train"` reads the others (upstream: partition_offset + 1 … partition_offset + num_partitions). */
  split: "train" | "val";
  table: TableSchema<Row>;
  /** Columns to read (the mapping's needs); every column of `table` when omitted. Optional columns a file lacks are not read. */
  columns?: readonly (keyof Row & string)[];
  /**
   * The step files of each partition, read one after the other as one partition (upstream's
   * `parts`, `pd.concat` of `<n>/<part>.parquet`; default `["main"]`).
   */
  parts?: readonly string[];
  /** Only N training partitions (upstream's num_partitions). */
  numPartitions?: number;
  /** Training starts after this partition (upstream sm2a's partition_offset; default 0). */
  partitionOffset?: number;
  batchSize: number;
  map: (row: Row, context: SampleContext) => Sample | SkippedRow;
  collate: (samples: Sample[]) => Batch;
  tokensPerSample?: (sample: Sample) => number;
  seed: number;
  /** The dataset's shuffle buffer in samples (upstream's shufbuf_size, one per data worker); training only. Default 1000. */
  shuffleBufferSize?: number;
  /**
   * The run's shuffle buffer in samples, after the dataset's (upstream train.py's
   * `shuffle(1024 × --shufbuf)` in the main process); training only. Default 65536; 1 turns it off.
   */
  runShuffleBufferSize?: number;
  /** This worker's rank and the number of workers (data-parallel sharding). */
  rank?: number;
  worldSize?: number;
  log?: (line: string) => void;
}

function isSkipped(value: unknown): value is SkippedRow {
  return typeof value === "object" && value !== null && "skip" in value && typeof (value as SkippedRow).skip === "string";
}

/** A row group of one part of a partition, and where its rows start in the partition. */
interface GroupRef {
  part: number;
  group: number;
  /** First row of the group within its part file, and within the whole partition. */
  startInFile: number;
  startInPartition: number;
}

/**
 * Port of autosing/simple_dataset.py: SimpleDataset over constructed partitions, streamed row
 * group by row group (bounded memory, unlike upstream's whole-partition pandas frames).
 * Sharding follows upstream: with at least as many partitions as workers each worker takes
 * partitions rank, rank + world, …; otherwise every worker reads all partitions and keeps rows
 * rank, rank + world, …. Training order per epoch: partitions shuffled, row groups (of all
 * parts of a partition) shuffled, rows shuffled within a group, then the dataset's shuffle
 * buffer and the run's — all from (seed, epoch, rank), so "epoch e, batch b" is reproducible
 * and resume skips to it exactly.
 */
export class PartitionedDataset<Row, Sample, Batch> implements TrainingDataset<Batch> {
  private constructor(
    private readonly options: PartitionedDatasetOptions<Row, Sample, Batch>,
    private readonly units: PartitionUnit[],
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
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new TrainerConfigError("batch size", options.batchSize, "must be a positive integer");
    }
    const rank = options.rank ?? 0;
    const worldSize = options.worldSize ?? 1;
    if (!Number.isInteger(worldSize) || worldSize < 1 || !Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
      throw new TrainerConfigError("rank/world size", `${rank}/${worldSize}`, "rank must be in 0..world size − 1");
    }
    const parts = options.parts ?? ["main"];
    if (parts.length === 0 || parts.some((part) => typeof part !== "string" || !/^[\w.-]+$/.test(part))) {
      throw new TrainerConfigError("parts", JSON.stringify(parts), 'must be a non-empty list of step file names such as ["main"]');
    }
    const offset = options.partitionOffset ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw new TrainerConfigError("partition_offset", offset, "must be a non-negative integer");
    if (options.numPartitions !== undefined && (!Number.isInteger(options.numPartitions) || options.numPartitions < 1)) {
      throw new TrainerConfigError("num_partitions", options.numPartitions, "must be a positive integer");
    }
    const units = await listPartitionUnits(path, options.table, parts, options.columns, {
      split,
      numPartitions: options.numPartitions,
      partitionOffset: offset,
    });
    const shardRows = units.length < worldSize;
    const mine = shardRows ? units : units.filter((_, i) => i % worldSize === rank);
    const samples = mine.reduce(
      (sum, u) => sum + (shardRows ? Math.max(0, Math.ceil((Math.floor(u.rows / worldSize) * worldSize - rank) / worldSize)) : u.rows),
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
    const units = training ? orderRng.shuffle([...this.units]) : this.units;
    for (const { partition, parts, rows: partitionRows } of units) {
      const readers: TableReader<Row>[] = [];
      try {
        const groups: GroupRef[] = [];
        let partStart = 0;
        for (const [part, { file }] of parts.entries()) {
          const reader = await openTable(file, options.table);
          readers.push(reader);
          let start = 0;
          for (let group = 0; group < reader.numRowGroups; group++) {
            groups.push({ part, group, startInFile: start, startInPartition: partStart + start });
            start += Number(reader.metadata.row_groups[group]?.num_rows ?? 0n);
          }
          partStart += reader.numRows;
        }
        if (training) orderRng.shuffle(groups);
        const keepUpTo = Math.floor(partitionRows / worldSize) * worldSize;
        for (const ref of groups) {
          const reader = readers[ref.part] as TableReader<Row>;
          const file = (parts[ref.part] as { file: string }).file;
          // An optional column one part lacks is left out of its rows (the mapping sees undefined).
          const columns = options.columns?.filter((c) => reader.hasColumn(c) || !options.table.columns.find((d) => d.name === c)?.optional);
          const rows = await reader.readRowGroup(ref.group, columns ? { columns } : {});
          const indices = rows.map((_, i) => i);
          if (training) orderRng.shuffle(indices);
          for (const i of indices) {
            const rowInPartition = ref.startInPartition + i;
            if (this.shardRows && (rowInPartition >= keepUpTo || rowInPartition % worldSize !== rank)) continue;
            const row = ref.startInFile + i;
            const sample = options.map(rows[i] as Row, { rng: mapRng, partition, file, row });
            if (isSkipped(sample)) {
              options.log?.(`skipping ${file} row ${row}: ${sample.skip}`);
              continue;
            }
            yield sample;
          }
        }
      } finally {
        for (const reader of readers) await reader.close();
      }
    }
  }

  async *batches(epoch: number, skip: number): AsyncIterable<DatasetItem<Batch>> {
    const { options } = this;
    const training = options.split === "train";
    let stream: AsyncIterable<Sample> = this.samples(epoch);
    if (training) {
      const rank = options.rank ?? 0;
      stream = shuffleBuffer(stream, options.shuffleBufferSize ?? 1000, Xoshiro128.derive(options.seed, epoch, rank, 3));
      stream = shuffleBuffer(stream, options.runShuffleBufferSize ?? RUN_SHUFFLE_BUFFER_SAMPLES, Xoshiro128.derive(options.seed, epoch, rank, 5));
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
