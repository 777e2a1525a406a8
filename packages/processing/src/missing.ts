import { listPartitions, missing } from "@autosing/parquet-io";

import { StepOptionError } from "./errors.js";
import { STEPS, type StepName } from "./step.js";

/** Which variant of a step's output `missing` looks for (the atoks source and codec, artist_embs's codec is moot). */
export interface StepOutputOptions {
  readonly source?: string;
  readonly codec?: string;
}

/**
 * The table stems a step writes: `align` → alignment, `vad_extract` → chunked, `src_sep` →
 * vocals + no_vocals, `atoks` → atoks_<source>_<codec>, `stoks` → stoks, `artist_embs` →
 * artist_embs. A name ending in `.parquet` is taken as the table file itself (upstream
 * `--complete-missing` takes a file name); anything else is a StepOptionError.
 */
export function stepOutputTables(step: StepName | string, options: StepOutputOptions = {}): string[] {
  switch (step) {
    case "align":
      return ["alignment"];
    case "vad_extract":
      return ["chunked"];
    case "src_sep":
      return ["vocals", "no_vocals"];
    case "atoks":
      return [`atoks_${options.source ?? "vocals"}_${options.codec ?? "snac_32khz"}`];
    case "stoks":
      return ["stoks"];
    case "artist_embs":
      return ["artist_embs"];
    default: {
      // Only a name that says it is a table file counts as one: a mistyped step ("stok") would
      // otherwise list every partition as missing, with success.
      const stem = step.endsWith(".parquet") ? step.slice(0, -".parquet".length) : "";
      if (!/^[A-Za-z0-9_.-]+$/.test(stem)) {
        throw new StepOptionError("missing", "step", step, `must be one of ${STEPS.join(", ")}, or a table file name such as chunked.parquet`);
      }
      return [stem];
    }
  }
}

/**
 * Port of autosing/processing.py: missing — partitions in `0 .. total-1` that lack the step's
 * output (any of them, for src_sep). `total` defaults to one past the highest partition folder.
 */
export async function missingPartitions(datasetDir: string, step: StepName | string, options: StepOutputOptions & { total?: number } = {}): Promise<number[]> {
  const total = options.total ?? ((await listPartitions(datasetDir)).at(-1) ?? -1) + 1;
  const lacking = new Set<number>();
  for (const table of stepOutputTables(step, options)) for (const partition of await missing(datasetDir, table, total)) lacking.add(partition);
  return [...lacking].sort((a, b) => a - b);
}
