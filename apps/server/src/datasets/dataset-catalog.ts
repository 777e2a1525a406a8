/**
 * The datasets the server serves, by their configured names only. Every name, partition and row
 * id that arrives from a client is checked against a strict pattern and then looked up in what
 * the server was configured with or what is on disk; it is never joined into a path as given, so
 * `..`, absolute paths and encoded separators cannot reach outside the served folders.
 */
import { resolve } from "node:path";

import { listPartitions } from "@autosing/parquet-io";

import type { ServedDatasetOption } from "../serve-options.js";
import { DatasetConfigError, DatasetNotFoundError, DatasetRequestError } from "./errors.js";

/** Dataset names: what `--dataset name=dir` accepts. */
export const DATASET_NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
/** Row ids as the steps write them (`synth-7-00000_at_4`): no separators, no `..` segments. */
export const ROW_ID_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;
const PARTITION_PATTERN = /^(0|[1-9]\d{0,8})$/;

/** A served dataset: its name and absolute folder. */
export interface ServedDataset {
  readonly name: string;
  readonly dir: string;
}

/** A partition of a served dataset, found on disk. */
export interface ServedPartition {
  readonly dataset: ServedDataset;
  readonly partition: number;
}

export class DatasetCatalog {
  private readonly byName: ReadonlyMap<string, ServedDataset>;

  /** Throws DatasetConfigError for a malformed or duplicate name. */
  constructor(options: readonly ServedDatasetOption[]) {
    const byName = new Map<string, ServedDataset>();
    for (const option of options) {
      if (!DATASET_NAME_PATTERN.test(option.name) || option.name === "." || option.name === "..") {
        throw new DatasetConfigError(`--dataset ${option.name}=${option.dir}: the name must be letters, digits, ".", "_" or "-" (give one with name=<dir>)`);
      }
      if (byName.has(option.name)) {
        throw new DatasetConfigError(`--dataset ${option.name}: two datasets have this name (${byName.get(option.name)!.dir} and ${option.dir}); give one another with name=<dir>`);
      }
      byName.set(option.name, { name: option.name, dir: resolve(option.dir) });
    }
    this.byName = byName;
  }

  /** The served datasets in configuration order. */
  list(): ServedDataset[] {
    return [...this.byName.values()];
  }

  /** The dataset named `name`: 400 for a malformed name, 404 for one not served. */
  dataset(name: string): ServedDataset {
    if (!DATASET_NAME_PATTERN.test(name) || name === "." || name === "..") throw new DatasetRequestError("dataset", name, "is not a dataset name (letters, digits, \".\", \"_\", \"-\")");
    const dataset = this.byName.get(name);
    if (dataset === undefined) throw new DatasetNotFoundError(`dataset ${JSON.stringify(name)} is not served (served: ${[...this.byName.keys()].join(", ") || "none"})`);
    return dataset;
  }

  /** A partition of a served dataset that exists on disk: 400 for a malformed number, 404 for an absent one. */
  async partition(name: string, partition: string): Promise<ServedPartition> {
    const dataset = this.dataset(name);
    if (!PARTITION_PATTERN.test(partition)) throw new DatasetRequestError("partition", partition, "is not a partition number (0, 1, 2, …)");
    const number = Number(partition);
    if (!(await listPartitions(dataset.dir)).includes(number)) throw new DatasetNotFoundError(`dataset ${name} has no partition ${number}`);
    return { dataset, partition: number };
  }
}

/** Checks a row id from a client (400 when it could never be one). */
export function checkRowId(id: string): string {
  if (!ROW_ID_PATTERN.test(id) || id === "." || id === "..") throw new DatasetRequestError("row id", id, "is not a row id (letters, digits, \".\", \"_\", \"-\")");
  return id;
}
