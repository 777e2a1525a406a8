import type { ArtistEmbedder } from "@autosing/artist-embedder";
import { AUTOSING_ARTIST_WINDOWS } from "@autosing/artist-embedder";
import { SNAC_32KHZ } from "@autosing/audio-codec";
import { artistEmbsTable, atoksTable, stepPath } from "@autosing/parquet-io";

import { ModelRequiredError, RowInputError } from "./errors.js";
import { type CommonStepOptions, type StepResult, StepRun, requireInput, shouldSkip, skippedResult, withStepRun } from "./step.js";

/** How a user gets the embedder this step needs (the error message of a run without one). */
export const HOW_TO_GET_AN_ARTIST_EMBEDDER =
  'Train one with "autosing train --task_name artist_emb ..." on a dataset that has atoks_vocals and chunked (with artist), ' +
  'then "autosing export <checkpoint> <dir>", and pass that directory (--embedder <dir>).';

export interface ArtistEmbsOptions extends CommonStepOptions {
  /** An exported artist embedder (`openArtistEmbedderExport(dir)`); required. */
  readonly embedder: ArtistEmbedder | undefined;
  /** Codec name of the `atoks_vocals_<codec>` table to read (default "snac_32khz"). */
  readonly codec?: string;
}

/**
 * Port of autosing/processing.py: artist_embs — for each chunk of `atoks_vocals_<codec>.parquet`,
 * the dense `[4, T]` tokens are cut to 3 windows of the embedder's `ctx_n` frames (upstream
 * `rearrange(atoks, "b q (n t) -> (b n) q t", n=3)`) and embedded: 3 × emb_width (3 × 256) floats
 * in `artist_embs.parquet`. Differs from upstream: tokens longer than 3 · ctx_n frames (a 31 s
 * chunk) are cut to their first 3 · ctx_n (the first 30 s) instead of failing the rearrange; a
 * shorter chunk is a bad row.
 */
export async function artistEmbs(datasetDir: string, partition: number, options: ArtistEmbsOptions): Promise<StepResult> {
  const codec = options.codec ?? "snac_32khz";
  const output = stepPath(datasetDir, partition, artistEmbsTable.name);
  if (await shouldSkip([output], options.force)) return skippedResult("artist_embs", partition, [output]);
  const embedder = options.embedder;
  if (embedder === undefined) throw new ModelRequiredError("artist_embs", "a trained artist embedder (an exported ONNX directory)", HOW_TO_GET_AN_ARTIST_EMBEDDER);
  const table = atoksTable("vocals", codec);
  const input = await requireInput("artist_embs", datasetDir, partition, table.name, `atoks --src vocals --codec <${codec}>`);
  const { quantizers, ctx_n: windowFrames } = embedder.config;
  const frames = AUTOSING_ARTIST_WINDOWS * windowFrames;
  const run = new StepRun("artist_embs", datasetDir, partition, options);
  return withStepRun(run, async () => {
    const { writer } = await run.output(artistEmbsTable);
    for await (const { row, index, total } of run.rows(input, table, undefined, options.limit)) {
      await run.row(input, index, total, row.id, async () => {
        const values = row.values;
        if (values.length % quantizers !== 0) throw new RowInputError(`${values.length} token values are not ${quantizers} × T`);
        const available = values.length / quantizers;
        if (available < frames) {
          throw new RowInputError(`${available} frames, fewer than the embedder's ${AUTOSING_ARTIST_WINDOWS} windows × ctx_n ${windowFrames} = ${frames}`);
        }
        const cut = new Int32Array(quantizers * frames);
        for (let level = 0; level < quantizers; level++) cut.set(values.subarray(level * available, level * available + frames), level * frames);
        const { data } = await embedder.embedAudioTokens({ data: cut, shape: [quantizers, frames] }, { windows: AUTOSING_ARTIST_WINDOWS });
        writer.append([{ id: row.id, embs: data }]);
        run.audioSeconds += (available * SNAC_32KHZ.hopLength) / SNAC_32KHZ.sampleRate;
      });
    }
    return run.finish(input, writer.rowCount);
  });
}
