import { audioDuration, decodeAudio } from "@autosing/audio-codec";
import { type ComputeAlignmentOptions, type LyricsInput, LrcAlignError, computeAlignment } from "@autosing/lrc-align";
import { type AlignmentRow, alignmentTable, indexTable, stepPath } from "@autosing/parquet-io";

import { type CommonStepOptions, type StepResult, StepRun, inputRows, requireInput, shouldSkip, skippedResult, withStepRun } from "./step.js";

/** Options of {@link align}: the step options plus lrc-align's (a phoneme classifier, eSpeak voice/rate). */
export interface AlignStepOptions extends CommonStepOptions, ComputeAlignmentOptions {}

/**
 * Port of autosing/processing.py: align — one alignment per song of `index.parquet` into
 * `alignment.parquet`: LRC-guided when `lrc_lyrics` is set, else global over `raw_lyrics`, else
 * null. With `classifier` (a charsiu-style phoneme frame classifier ONNX) it is upstream's CTC
 * alignment; without, lrc-align's no-model DTW aligner. An alignment failure (upstream's
 * AlignException: unreadable LRC, no pronounceable word, silent audio) stores a null alignment
 * as upstream does and is noted; any other failure of a row (e.g. undecodable audio) skips the row.
 * Differs from upstream: upstream fails without `--fc-model`; here the DTW default runs.
 */
export async function align(datasetDir: string, partition: number, options: AlignStepOptions = {}): Promise<StepResult> {
  const output = stepPath(datasetDir, partition, alignmentTable.name);
  if (await shouldSkip([output], options.force)) return skippedResult("align", partition, [output]);
  const input = await requireInput("align", datasetDir, partition, "index", "corpus make (or write index.parquet)");
  const run = new StepRun("align", datasetDir, partition, options);
  return withStepRun(run, async () => {
    const { writer } = await run.output(alignmentTable);
    const alignOptions: ComputeAlignmentOptions = {
      ...(options.classifier === undefined ? {} : { classifier: options.classifier }),
      ...(options.g2p === undefined ? {} : { g2p: options.g2p }),
      ...(options.voice === undefined ? {} : { voice: options.voice }),
      ...(options.rate === undefined ? {} : { rate: options.rate }),
    };
    for await (const { row, index, total } of inputRows(input, indexTable, undefined, options.limit)) {
      await run.row(input, index, total, row.id, async () => {
        const lyrics: LyricsInput | null =
          typeof row.lrc_lyrics === "string" ? { lrc: row.lrc_lyrics } : typeof row.raw_lyrics === "string" ? { raw: row.raw_lyrics } : null;
        const audio = await decodeAudio(row.audio, { source: `${input} row ${index} (id ${row.id})` });
        let result: AlignmentRow = { id: row.id, alignment: null };
        if (lyrics === null) {
          run.notes.push(`${row.id}: no lrc_lyrics or raw_lyrics; alignment is null`);
        } else {
          try {
            result = { id: row.id, alignment: (await computeAlignment(audio, lyrics, alignOptions)).alignment.toParquet() };
          } catch (error) {
            if (!LrcAlignError.isInstance(error)) throw error;
            run.notes.push(`${row.id}: alignment is null (${error.name}: ${error.message})`);
          }
        }
        writer.append([result]);
        run.audioSeconds += audioDuration(audio);
      });
    }
    return run.finish(input, writer.rowCount);
  });
}
