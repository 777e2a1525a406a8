import { audioDuration, decodeAudio } from "@autosing/audio-codec";
import { chunkedTable, stemTable, stepPath } from "@autosing/parquet-io";
import type { SourceSeparator } from "@autosing/separation";

import { DEFAULT_STEP_AUDIO_FORMAT, type StepAudioFormat, encodeStepAudio } from "./audio-format.js";
import { type CommonStepOptions, type StepResult, StepRun, requireInput, shouldSkip, skippedResult, withStepRun } from "./step.js";

export interface SrcSepOptions extends CommonStepOptions {
  /** The separator (MDX-Net ONNX, or the truth oracle on synthetic corpora). */
  readonly separator: SourceSeparator;
  /** Encoding of the stems (default flac; upstream mp3). */
  readonly audioFormat?: StepAudioFormat;
}

/**
 * Port of autosing/processing.py: src_sep — every chunk of `chunked.parquet` is separated into
 * `vocals.parquet` and `no_vocals.parquet` (same ids). Upstream runs audio-separator's default
 * model in batches with encoder processes; here chunks go one at a time through the given
 * separator. Both files are written together; the step is skipped only when both exist.
 */
export async function srcSep(datasetDir: string, partition: number, options: SrcSepOptions): Promise<StepResult> {
  const outputs = [stepPath(datasetDir, partition, "vocals"), stepPath(datasetDir, partition, "no_vocals")];
  if (await shouldSkip(outputs, options.force)) return skippedResult("src_sep", partition, outputs);
  const input = await requireInput("src_sep", datasetDir, partition, "chunked", "vad_extract");
  const format = options.audioFormat ?? DEFAULT_STEP_AUDIO_FORMAT;
  const run = new StepRun("src_sep", datasetDir, partition, options);
  return withStepRun(run, async () => {
    const vocals = await run.output(stemTable("vocals"));
    const noVocals = await run.output(stemTable("no_vocals"));
    for await (const { row, index, total } of run.rows(input, chunkedTable, ["id", "audio"], options.limit)) {
      await run.row(input, index, total, row.id, async () => {
        const audio = await decodeAudio(row.audio, { source: `${input} row ${index} (id ${row.id})` });
        const stems = await options.separator.separate({ id: row.id, audio });
        const vocalBytes = await encodeStepAudio(stems.vocals, format, `vocals of ${row.id}`);
        const instrumentalBytes = await encodeStepAudio(stems.instrumental, format, `no_vocals of ${row.id}`);
        vocals.writer.append([{ id: row.id, audio: vocalBytes }]);
        noVocals.writer.append([{ id: row.id, audio: instrumentalBytes }]);
        run.audioSeconds += audioDuration(audio);
      });
    }
    return run.finish(input, vocals.writer.rowCount);
  });
}
