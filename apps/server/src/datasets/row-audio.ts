/**
 * The encoded audio of one row of a served dataset's audio table (`index`, `chunked`, and the
 * `src_sep` step's `vocals` / `no_vocals`), found by its id. The dataset is named by the server's
 * configuration and the id is looked up as a value, so a client never names a path.
 */
import { access } from "node:fs/promises";

import { type AudioRow, chunkedTable, indexTable, openTable, stemTable, stepPath } from "@autosing/parquet-io";
import type { TableSchema } from "@autosing/parquet-io";

/** The tables whose rows carry an `audio` column of encoded bytes. */
export const AUDIO_TABLES = ["index", "chunked", "vocals", "no_vocals"] as const;
export type AudioTable = (typeof AUDIO_TABLES)[number];

function schemaOf(table: AudioTable): TableSchema<AudioRow> {
  if (table === "index") return indexTable as unknown as TableSchema<AudioRow>;
  if (table === "chunked") return chunkedTable as unknown as TableSchema<AudioRow>;
  return stemTable(table);
}

/**
 * The row's audio bytes, or undefined when the partition has no such table or the table no such
 * id. Reads the `id` column one row group at a time and the audio of the one group that holds it.
 */
export async function readRowAudio(datasetDir: string, partition: number, table: AudioTable, id: string): Promise<Uint8Array | undefined> {
  if (!Number.isInteger(partition) || partition < 0) return undefined;
  const file = stepPath(datasetDir, partition, table);
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (!exists) return undefined;
  const reader = await openTable(file, schemaOf(table));
  try {
    for (let group = 0; group < reader.numRowGroups; group++) {
      const ids = await reader.readRowGroup(group, { columns: ["id"] });
      const index = ids.findIndex((row) => row.id === id);
      if (index < 0) continue;
      const rows = await reader.readRowGroup(group, { columns: ["audio"] });
      return rows[index]?.audio;
    }
    return undefined;
  } finally {
    await reader.close();
  }
}
