/** What the demo reads back from the corpus's step tables and the constructed dataset. */
import { existsSync } from "node:fs";

import { decodeAudio, firstChannel } from "@autosing/audio-codec";
import { chunkedTable, mainTable, readTable, stemTable, stepPath } from "@autosing/parquet-io";

import { PARTITIONS } from "./layout.js";

/** Every chunk's mix (`chunked`) or separated vocals (`vocals`), mono, over all partitions. */
export async function partitionAudio(dataset: string, table: "chunked" | "vocals"): Promise<Float32Array[]> {
  const clips: Float32Array[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const schema = table === "chunked" ? chunkedTable : stemTable("vocals");
    for (const row of await readTable(stepPath(dataset, p, table), schema, { columns: ["audio"] })) clips.push(firstChannel(await decodeAudio(row.audio)));
  }
  return clips;
}

/** `{artist: class id}` over all partitions' chunks, in sorted order (the artist file of `autosing train artists`). */
export async function numberArtists(dataset: string): Promise<Record<string, number>> {
  const artists = new Set<string>();
  for (let p = 0; p < PARTITIONS; p++) {
    for (const row of await readTable(stepPath(dataset, p, "chunked"), chunkedTable, { columns: ["artist"] })) if (row.artist) artists.add(row.artist);
  }
  return Object.fromEntries([...artists].sort().map((artist, i) => [artist, i]));
}

export async function chunkIds(dataset: string): Promise<string[]> {
  const ids: string[] = [];
  for (let p = 0; p < PARTITIONS; p++) for (const row of await readTable(stepPath(dataset, p, "chunked"), chunkedTable, { columns: ["id"] })) ids.push(row.id);
  return ids;
}

/** Training rows of the constructed dataset: every partition but 0 (validation). */
export async function rowsIn(dataset: string): Promise<number> {
  let rows = 0;
  for (let p = 1; existsSync(stepPath(dataset, p, "main")); p++) rows += (await readTable(stepPath(dataset, p, "main"), mainTable(), { columns: ["id"] })).length;
  return rows;
}
