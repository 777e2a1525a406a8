import type { AlignmentRecord } from "./alignment.js";
import { ParquetIoError } from "./errors.js";
import { type JoinedRow, joinById } from "./join.js";
import { stepPath } from "./layout.js";
import { SplitShapeError, splitRow } from "./split-row.js";
import { type MainRow, artistEmbsTable, atoksTable, chunkedTable, stoksTable } from "./step-tables.js";

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
