// Chunk ids of the partition layout (DESIGN.md §1): `vad_extract` names each chunk it cuts from a
// song `<song>_at_<second>` (upstream naming), and every table after it keys its rows by that id.

/** `<song>_at_<second>`: the id of a chunk (upstream naming). */
export function chunkId(songId: string, offsetSeconds: number): string {
  return `${songId}_at_${offsetSeconds}`;
}

/** The song id and start second of a chunk id, or undefined when `id` is not `<song>_at_<second>`. */
export function parseChunkId(id: string): { songId: string; offsetSeconds: number } | undefined {
  const match = /^(.*)_at_(\d+)$/.exec(id);
  if (match === null) return undefined;
  return { songId: match[1] ?? "", offsetSeconds: Number(match[2]) };
}
