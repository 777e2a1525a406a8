/**
 * How one construct-dataset run becomes visible as a whole, with no marker file that a dataset
 * written by Python AutoSing would lack. Every partition is first written under a pending name
 * beside its final file (base's temporary naming, `.<name>.parquet.<host>.<pid>.<n>.tmp`, hidden
 * from readers); only when all are complete are they renamed into place, partition 0 last. A
 * forced run removes the earlier run's partition 0 before renaming anything. So a folder where
 * `0/<name>.parquet` exists holds one complete run, and one where some `<n>/<name>.parquet` exist
 * without partition 0 is a run killed while committing, which the next run redoes.
 */
import { rmdirSync } from "node:fs";
import { mkdir, rename, rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";

import { removeStaleTemporaries, temporaryPathFor, whenInterrupted } from "@autosing/base";
import { removeStalePartitions } from "./construct-checks.js";
import { listPartitions, stepPath } from "./layout.js";

/** The pending files of one run, by partition, until {@link PendingPartitions.commit}. */
export class PendingPartitions {
  private readonly pending: string[] = [];
  /** Partition folders this run created: a run that fails or is interrupted removes them (when empty). */
  private readonly created: string[] = [];
  private readonly unregister = whenInterrupted(() => this.removeCreatedFoldersSync());

  constructor(
    private readonly outputDir: string,
    private readonly table: string,
  ) {}

  /** A fresh pending path for `partition`'s file (its folder created); written completely before the next is asked for. */
  async next(partition: number): Promise<string> {
    const final = stepPath(this.outputDir, partition, this.table);
    if ((await mkdir(dirname(final), { recursive: true })) !== undefined) this.created.push(dirname(final));
    const path = temporaryPathFor(final);
    this.pending[partition] = path;
    return path;
  }

  /** Removes the partition folders this run created, latest first, when nothing else is in them. */
  private removeCreatedFoldersSync(): void {
    for (const folder of this.created.reverse()) {
      try {
        rmdirSync(folder);
      } catch {
        // Not empty (another table, another writer's file): kept.
      }
    }
    this.created.length = 0;
  }

  /**
   * Renames every pending file into place: first the earlier run's partition 0 and its partitions
   * beyond the new count go, then partitions n..1 are renamed, partition 0 last.
   */
  async commit(earlier: readonly number[]): Promise<void> {
    const total = this.pending.length;
    if (earlier.includes(0)) await rm(stepPath(this.outputDir, 0, this.table), { force: true });
    await removeStalePartitions(this.outputDir, this.table, earlier, total);
    // Pending files a killed run left in partitions this run does not write (its other folders were cleaned when written).
    for (const partition of await listPartitions(this.outputDir)) {
      if (partition < total) continue;
      const folder = join(this.outputDir, String(partition));
      await removeStaleTemporaries(folder);
      await rmdir(folder).catch(() => undefined);
    }
    for (let partition = total - 1; partition >= 0; partition -= 1) {
      const path = this.pending[partition];
      if (path === undefined) throw new Error(`construct-dataset: partition ${partition} was never written`);
      await rename(path, stepPath(this.outputDir, partition, this.table));
    }
    this.pending.length = 0;
    this.created.length = 0;
    this.unregister();
  }

  /**
   * Removes the pending files of a run that failed before its commit, and the partition folders
   * it created (so a failed run into a new folder leaves no empty `<n>/`); nothing final is touched.
   */
  async discard(): Promise<void> {
    await Promise.all(this.pending.map((path) => rm(path, { force: true })));
    this.pending.length = 0;
    this.removeCreatedFoldersSync();
    this.unregister();
  }
}
