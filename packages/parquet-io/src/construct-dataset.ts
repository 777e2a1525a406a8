/**
 * Port of autosing/construct_dataset.py: joins the step tables of every input partition, optionally
 * splits each 30 s row into two 15 s rows, shuffles, and writes `numOutPartitions + 1` partitions
 * of `<name>.parquet` (partition 0 is the validation set).
 *
 * Upstream concatenates everything in memory and calls `df.sample(frac=1)`. This port shuffles
 * with bounded memory instead: rows are scattered to scratch bucket files by a seeded uniform
 * choice, then each bucket is shuffled on its own (reading records by offset), and the buckets are
 * concatenated. Scatter-then-shuffle-each-bucket gives a uniformly random permutation, so the
 * result is distributed as upstream's; the same seed gives the same output.
 *
 * Deliberate differences from upstream, each noted where it happens:
 * - with split, the stored alignment is the sliced 15 s one (upstream slices only to filter and
 *   keeps the 30 s alignment), and halves get ids `<id>_h0` / `<id>_h1`;
 * - with split, a row whose alignment is null is dropped (upstream fails the whole partition);
 * - `main.parquet` keeps the `id` column (upstream's `reset_index(drop=True)` drops it).
 */
import { closeSync, ftruncateSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";

import { Mulberry32, shuffleInPlace } from "@autosing/base";

import { type AlignmentRecord, alignmentCover, sliceAlignment } from "./alignment.js";
import { ParquetIoError } from "./errors.js";
import { type JoinedRow, joinById } from "./join.js";
import { stepPath } from "./layout.js";
import { type MainRow, artistEmbsTable, atoksTable, chunkedTable, mainTable, stoksTable } from "./schema.js";
import { type TableWriter, createTableWriter } from "./writer.js";

/** Options of {@link constructDataset} (the CLI's arguments). */
export interface ConstructDatasetOptions {
  /** Folder of the processed partitions `0 .. numInPartitions-1`. */
  readonly dataDir: string;
  readonly numInPartitions: number;
  readonly outputDir: string;
  /** Training partitions; one more (partition 0) is written for validation. Default 512. */
  readonly numOutPartitions?: number;
  /** Turn each 30 s row into two 15 s rows. */
  readonly split?: boolean;
  /** Output table name (`<name>.parquet`). Default "main". */
  readonly name?: string;
  /** Shuffle seed. Default 0. */
  readonly seed?: number;
  /** Codec of the acoustic token tables (`atoks_<src>_<codec>`). Default "snac_32khz". */
  readonly codec?: string;
  /** Memory for scatter buffers before they are flushed to the scratch files. Default 64 MiB. */
  readonly scatterBufferBytes?: number;
  /** Number of scratch buckets. Default 64. */
  readonly buckets?: number;
  /** Called after each input partition and each written output partition. */
  readonly onProgress?: (event: ConstructProgress) => void;
}

export type ConstructProgress =
  | { readonly phase: "scatter"; readonly partition: number; readonly rows: number; readonly error?: string }
  | { readonly phase: "write"; readonly partition: number; readonly rows: number };

/** A partition that could not be read; its rows are left out and the others complete. */
export interface PartitionFailure {
  readonly partition: number;
  readonly message: string;
}

export interface ConstructDatasetResult {
  /** Joined rows read from the input partitions (before split/filter). */
  readonly rowsJoined: number;
  /** Rows after split and cover filter (the rows shuffled). */
  readonly rowsShuffled: number;
  /** Rows in each output partition (upstream's `len(df) // num_partitions`). */
  readonly rowsPerPartition: number;
  /** Rows written over all output partitions. */
  readonly rowsWritten: number;
  /** Rows left over by the integer division, dropped as upstream drops them. */
  readonly rowsDropped: number;
  /** Output partitions written (numOutPartitions + 1). */
  readonly partitionsWritten: number;
  readonly failures: readonly PartitionFailure[];
}

/** SNAC 32 kHz: 32000 / 384 frames per second; tokens are aligned to multiples of 8 frames. */
const CODEC_FRAME_RATE = 32000 / 384;
const CODEC_ALIGNMENT = 8;
/** Finest-level frames in a 15 s half (Port of construct_dataset.py: split_partition frame_length): 1248. */
export const HALF_ACOUSTIC_FRAMES = Math.floor(Math.floor(15 * CODEC_FRAME_RATE) / CODEC_ALIGNMENT) * CODEC_ALIGNMENT;
/** Semantic tokens in a 15 s half (25 per second). */
export const HALF_SEMANTIC_TOKENS = 375;
/** Upstream keeps a half only when its words cover more than this share of the 15 s. */
export const MIN_HALF_COVER = 0.6;

/** A row whose token or embedding array cannot be split into 15 s halves. */
export class SplitShapeError extends ParquetIoError {
  constructor(
    readonly column: "atoks" | "mtoks" | "embs",
    readonly id: string,
    readonly length: number,
    readonly expected: string,
  ) {
    super(`row id "${id}": ${column} has ${length} values, expected ${expected}`);
    this.name = "SplitShapeError";
  }
}

/** `x.reshape(4, -1)[:, offset:offset+frames].reshape(-1)` of a flattened [4, T] token array. */
function sliceAcoustic(values: Int32Array, right: boolean, column: "atoks" | "mtoks", id: string): Int32Array {
  if (values.length % 4 !== 0) throw new SplitShapeError(column, id, values.length, "4 × T (4 codec levels)");
  const frames = values.length / 4;
  const offset = right ? HALF_ACOUSTIC_FRAMES : 0;
  // numpy slicing clips at the end instead of failing.
  const start = Math.min(offset, frames);
  const stop = Math.min(offset + HALF_ACOUSTIC_FRAMES, frames);
  const out = new Int32Array(4 * (stop - start));
  for (let level = 0; level < 4; level += 1) out.set(values.subarray(level * frames + start, level * frames + stop), level * (stop - start));
  return out;
}

/** `x.reshape(3, -1)[2 * right]` of a flattened [3, 256] embedding array. */
function sliceEmbedding(values: Float32Array, right: boolean, id: string): Float32Array {
  if (values.length % 3 !== 0) throw new SplitShapeError("embs", id, values.length, "3 × D (one embedding per 10 s)");
  const size = values.length / 3;
  const row = right ? 2 : 0;
  return values.slice(row * size, (row + 1) * size);
}

/**
 * Port of autosing/construct_dataset.py: split_partition for one row — the left (or right) 15 s
 * half, or undefined when its alignment's word cover is not above 60 % of 15 s.
 */
export function splitRow(row: MainRow, right: boolean): MainRow | undefined {
  if (row.alignment === null) return undefined; // deliberate: upstream cannot slice a null alignment
  const alignment: AlignmentRecord = sliceAlignment(row.alignment, 15 * Number(right), 15 * (Number(right) + 1));
  if (!(alignmentCover(alignment) / 15 > MIN_HALF_COVER)) return undefined;
  const semanticOffset = right ? HALF_SEMANTIC_TOKENS : 0;
  return {
    id: `${row.id}_h${Number(right)}`,
    atoks: sliceAcoustic(row.atoks, right, "atoks", row.id),
    mtoks: sliceAcoustic(row.mtoks, right, "mtoks", row.id),
    stoks: row.stoks.slice(semanticOffset, semanticOffset + HALF_SEMANTIC_TOKENS),
    embs: sliceEmbedding(row.embs, right, row.id),
    alignment,
  };
}

/** Scratch buckets: length-prefixed v8-serialised rows appended to one file per bucket. */
class ScatterBuckets {
  private readonly fds: number[];
  private readonly buffers: Buffer[][];
  private readonly counts: number[];
  private buffered = 0;

  constructor(
    readonly dir: string,
    readonly size: number,
    private readonly budget: number,
  ) {
    this.fds = Array.from({ length: size }, (_, k) => openSync(join(dir, `bucket-${k}.bin`), "w+"));
    this.buffers = Array.from({ length: size }, () => []);
    this.counts = new Array<number>(size).fill(0);
  }

  get total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  add(bucket: number, row: MainRow): void {
    const body = serialize(row);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length);
    (this.buffers[bucket] as Buffer[]).push(header, body);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.buffered += body.length + 4;
    if (this.buffered >= this.budget) this.flush();
  }

  flush(): void {
    this.buffers.forEach((chunks, k) => {
      if (chunks.length === 0) return;
      const data = Buffer.concat(chunks);
      let done = 0;
      while (done < data.length) done += writeSync(this.fds[k] as number, data, done, data.length - done, null);
      chunks.length = 0;
    });
    this.buffered = 0;
  }

  /** Where each bucket stands, to roll a failed input partition back. */
  mark(): { sizes: number[]; counts: number[] } {
    this.flush();
    return { sizes: this.fds.map((fd) => fstatSync(fd).size), counts: [...this.counts] };
  }

  rollback(mark: { sizes: number[]; counts: number[] }): void {
    this.buffers.forEach((chunks) => (chunks.length = 0));
    this.buffered = 0;
    this.fds.forEach((fd, k) => ftruncateSync(fd, mark.sizes[k] ?? 0));
    mark.counts.forEach((count, k) => (this.counts[k] = count));
  }

  /** Rows of bucket `k` in a seeded random order, read back one at a time by offset. */
  *shuffled(k: number, random: () => number): Generator<MainRow> {
    this.flush();
    const fd = this.fds[k] as number;
    const size = fstatSync(fd).size;
    const offsets = new Float64Array(this.counts[k] ?? 0);
    const header = Buffer.alloc(4);
    let position = 0;
    for (let i = 0; i < offsets.length; i += 1) {
      offsets[i] = position;
      readSync(fd, header, 0, 4, position);
      position += 4 + header.readUInt32LE(0);
    }
    if (position !== size) throw new ParquetIoError(`scratch bucket ${k} is inconsistent (${position} of ${size} bytes indexed)`);
    shuffleInPlace(offsets, random);
    for (const offset of offsets) {
      readSync(fd, header, 0, 4, offset);
      const body = Buffer.alloc(header.readUInt32LE(0));
      readSync(fd, body, 0, body.length, offset + 4);
      yield deserialize(body) as MainRow;
    }
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
  }
}

function toMainRow(row: JoinedRow): MainRow {
  return {
    id: row.id,
    atoks: row.atoks as Int32Array,
    mtoks: row.mtoks as Int32Array,
    stoks: row.stoks as Int32Array,
    embs: row.embs as Float32Array,
    alignment: (row.alignment ?? null) as AlignmentRecord | null,
  };
}

/** Port of autosing/construct_dataset.py: load_partition — the joined (and split) rows of one input partition. */
export async function* loadPartitionRows(
  dataDir: string,
  partition: number,
  split: boolean,
  codec = "snac_32khz",
  stats: { joined: number } = { joined: 0 },
): AsyncGenerator<MainRow> {
  const path = (step: string): string => stepPath(dataDir, partition, step);
  const sources = [
    { file: path(`atoks_vocals_${codec}`), table: atoksTable("vocals", codec), columns: [{ name: "values", as: "atoks" }] },
    { file: path(`atoks_no_vocals_${codec}`), table: atoksTable("no_vocals", codec), columns: [{ name: "values", as: "mtoks" }] },
    { file: path("stoks"), table: stoksTable, columns: [{ name: "values", as: "stoks" }] },
    { file: path("artist_embs"), table: artistEmbsTable, columns: [{ name: "embs" }] },
    { file: path("chunked"), table: chunkedTable, columns: [{ name: "alignment" }] },
  ];
  for await (const batch of joinById(sources)) {
    for (const joined of batch) {
      stats.joined += 1;
      const row = toMainRow(joined);
      if (!split) {
        yield row;
        continue;
      }
      // Upstream concatenates all left halves, then all right halves; the shuffle makes order moot.
      for (const right of [false, true]) {
        let half: MainRow | undefined;
        try {
          half = splitRow(row, right);
        } catch (error) {
          if (!(error instanceof SplitShapeError)) throw error;
          const source = sources[error.column === "atoks" ? 0 : error.column === "mtoks" ? 1 : 3];
          const column = error.column === "embs" ? "embs" : "values";
          throw new ParquetIoError(`${source?.file ?? dataDir}: column "${column}": ${error.message}`, { cause: error });
        }
        if (half) yield half;
      }
    }
  }
}

/** Builds the training dataset; see the module comment. Failed input partitions are reported, not fatal. */
export async function constructDataset(options: ConstructDatasetOptions): Promise<ConstructDatasetResult> {
  const numOut = options.numOutPartitions ?? 512;
  const totalPartitions = numOut + 1; // partition 0 is the validation set
  const seed = options.seed ?? 0;
  const bucketCount = Math.max(1, options.buckets ?? 64);
  const table = mainTable(options.name ?? "main");
  await mkdir(options.outputDir, { recursive: true });
  const scratch = join(options.outputDir, `.construct-dataset-scratch-${process.pid}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch);

  const failures: PartitionFailure[] = [];
  let rowsJoined = 0;
  const buckets = new ScatterBuckets(scratch, bucketCount, options.scatterBufferBytes ?? 64 << 20);
  try {
    // Phase 1: scatter every kept row to a uniformly chosen bucket.
    for (let partition = 0; partition < options.numInPartitions; partition += 1) {
      const random = Mulberry32.fromKey(seed, "scatter", partition).asFunction();
      const mark = buckets.mark();
      let rows = 0;
      const stats = { joined: 0 };
      try {
        for await (const row of loadPartitionRows(options.dataDir, partition, options.split ?? false, options.codec, stats)) {
          buckets.add(Math.floor(random() * bucketCount), row);
          rows += 1;
        }
        rowsJoined += stats.joined;
        options.onProgress?.({ phase: "scatter", partition, rows });
      } catch (error) {
        buckets.rollback(mark);
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ partition, message });
        options.onProgress?.({ phase: "scatter", partition, rows: 0, error: message });
      }
    }

    // Phase 2: shuffle each bucket, concatenate, cut into equal partitions (upstream's write_df).
    const rowsShuffled = buckets.total;
    const rowsPerPartition = Math.floor(rowsShuffled / totalPartitions);
    let partition = 0;
    let writer: TableWriter<MainRow> | undefined;
    const openNext = async (): Promise<TableWriter<MainRow>> =>
      createTableWriter(stepPath(options.outputDir, partition, table.name), table, { rowGroupRows: 1024 });
    try {
      if (rowsPerPartition > 0) {
        writer = await openNext();
        outer: for (let k = 0; k < bucketCount; k += 1) {
          for (const row of buckets.shuffled(k, Mulberry32.fromKey(seed, "bucket", k).asFunction())) {
            writer.append([row]);
            if (writer.rowCount === rowsPerPartition) {
              writer.finish();
              options.onProgress?.({ phase: "write", partition, rows: rowsPerPartition });
              partition += 1;
              writer = undefined;
              if (partition === totalPartitions) break outer;
              writer = await openNext();
            }
          }
        }
      } else {
        // Fewer rows than partitions: upstream writes every partition, each empty.
        for (; partition < totalPartitions; partition += 1) {
          const empty = await openNext();
          empty.finish();
          options.onProgress?.({ phase: "write", partition, rows: 0 });
        }
      }
    } catch (error) {
      writer?.abort();
      throw error;
    }
    return {
      rowsJoined,
      rowsShuffled,
      rowsPerPartition,
      rowsWritten: rowsPerPartition * totalPartitions,
      rowsDropped: rowsShuffled - rowsPerPartition * totalPartitions,
      partitionsWritten: totalPartitions,
      failures,
    };
  } finally {
    buckets.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
