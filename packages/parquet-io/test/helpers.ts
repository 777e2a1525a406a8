import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  type AlignmentRecord,
  artistEmbsTable,
  atoksTable,
  chunkedTable,
  makeAlignment,
  stepPath,
  stoksTable,
  writeTable,
} from "../src/index.js";

/** A fresh temp folder; remove it with the returned cleanup. */
export async function tempDir(prefix = "parquet-io-"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A small alignment whose words cover `[from, to)` seconds in 1 s words of two tokens each. */
export function syntheticAlignment(from: number, to: number, extra: Partial<AlignmentRecord> = {}): AlignmentRecord {
  const starts: number[] = [];
  const ends: number[] = [];
  const words: string[] = [];
  for (let t = from; t + 1 <= to; t += 1) {
    starts.push(t + 0.1, t + 0.5);
    ends.push(t + 0.5, t + 0.9);
    words.push(`w${t}`);
  }
  const lines: string[] = [];
  const wordsPerLine: number[] = [];
  for (let w = 0; w < words.length; w += 4) {
    lines.push(words.slice(w, w + 4).join(" "));
    wordsPerLine.push(Math.min(4, words.length - w));
  }
  return {
    ...makeAlignment({
      starts,
      ends,
      scores: starts.map((_, i) => -i / 10),
      tokens: starts.map((_, i) => (i % 39) + 1),
      words,
      lines,
      tokens_per_word: words.map(() => 2),
      words_per_line: wordsPerLine,
      inlier_ratio: 0.9,
      lrclib_offset: null,
    }),
    ...extra,
  };
}

/** Recognisable 30 s tokens: atoks[level][frame] = level * 10000 + frame (2496 frames). */
export function syntheticAtoks(frames = 2496, base = 0): Int32Array {
  const out = new Int32Array(4 * frames);
  for (let level = 0; level < 4; level += 1) for (let f = 0; f < frames; f += 1) out[level * frames + f] = base + level * 10000 + f;
  return out;
}

/** Writes input partition `p` with `ids`; `alignments` picks each row's alignment. */
export async function writeConstructInput(data: string, p: number, ids: string[], alignment: (i: number) => AlignmentRecord | null): Promise<void> {
  await writeTable(stepPath(data, p, "atoks_vocals_snac_32khz"), atoksTable("vocals"), ids.map((id) => ({ id, values: syntheticAtoks() })));
  await writeTable(stepPath(data, p, "atoks_no_vocals_snac_32khz"), atoksTable("no_vocals"), ids.map((id) => ({ id, values: syntheticAtoks(2496, 1) })));
  await writeTable(stepPath(data, p, "stoks"), stoksTable, ids.map((id) => ({ id, values: Int32Array.from({ length: 750 }, (_, i) => i) })));
  await writeTable(stepPath(data, p, "artist_embs"), artistEmbsTable, ids.map((id) => ({ id, embs: Float32Array.from({ length: 768 }, (_, i) => i) })));
  await writeTable(
    stepPath(data, p, "chunked"),
    chunkedTable,
    ids.map((id, i) => ({ id, audio: new Uint8Array(8), alignment: alignment(i), artist: null })),
  );
}
