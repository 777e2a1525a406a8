import { type AcousticCodec, assertFourLevelCodec, audioDuration, decodeAudio, prepareForCodec } from "@autosing/audio-codec";
import { type AudioRow, type TableSchema, atoksTable, chunkedTable, stemTable, stepPath } from "@autosing/parquet-io";

import { StepOptionError } from "./errors.js";
import { type CommonStepOptions, type StepResult, StepRun, requireInput, shouldSkip, skippedResult, withStepRun } from "./step.js";

/** Audio tables atoks can encode (upstream `--audio-src`). */
export type AtoksSource = "vocals" | "no_vocals" | "chunked";
export const ATOKS_SOURCES: readonly AtoksSource[] = ["vocals", "no_vocals", "chunked"];

export interface AtoksOptions extends CommonStepOptions {
  /** The acoustic codec (SNAC ONNX, or the default codec); its `name` names the table. */
  readonly codec: AcousticCodec;
  /** The audio table to encode (upstream `--audio-src`; run once for vocals and once for no_vocals). */
  readonly source: AtoksSource;
}

function sourceTable(source: AtoksSource): TableSchema<AudioRow> {
  return source === "chunked" ? (chunkedTable as unknown as TableSchema<AudioRow>) : stemTable(source);
}

/**
 * Port of autosing/processing.py: atoks — codec tokens of every row of the `source` audio table
 * (first channel, resampled to the codec's rate, truncated to the codec's encode multiple) into
 * `atoks_<source>_<codec>.parquet`: the dense `[4, T]` layout flattened level by level
 * (`atoks.reshape(-1)`), T a multiple of 8.
 */
export async function atoks(datasetDir: string, partition: number, options: AtoksOptions): Promise<StepResult> {
  if (!ATOKS_SOURCES.includes(options.source)) throw new StepOptionError("atoks", "source", options.source, `must be one of ${ATOKS_SOURCES.join(", ")}`);
  // atoks tables hold AutoSing's dense [4, T] layout, which every later step reads.
  assertFourLevelCodec(options.codec, "the atoks step");
  const table = atoksTable(options.source, options.codec.name);
  const output = stepPath(datasetDir, partition, table.name);
  if (await shouldSkip([output], options.force)) return skippedResult("atoks", partition, [output]);
  const input = await requireInput("atoks", datasetDir, partition, options.source, options.source === "chunked" ? "vad_extract" : "src_sep");
  const run = new StepRun("atoks", datasetDir, partition, options);
  return withStepRun(run, async () => {
    const { writer } = await run.output(table);
    for await (const { row, index, total } of run.rows(input, sourceTable(options.source), ["id", "audio"], options.limit)) {
      await run.row(input, index, total, row.id, async () => {
        const source = `${input} row ${index} (id ${row.id})`;
        const audio = await decodeAudio(row.audio, { source });
        const tokens = await options.codec.encode(await prepareForCodec(audio, options.codec, source));
        writer.append([{ id: row.id, values: tokens.data }]);
        run.audioSeconds += audioDuration(audio);
      });
    }
    return run.finish(input, writer.rowCount);
  });
}
