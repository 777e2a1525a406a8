import { audioDuration, decodeAudio } from "@autosing/audio-codec";
import { type ComputeAlignmentOptions, ModelContractError as FrameClassifierContractError, type LyricsInput, computeAlignment } from "@autosing/lrc-align";
import { type AlignmentRow, alignmentTable, indexTable, stepPath } from "@autosing/parquet-io";

import { RowInputError } from "./errors.js";
import { type SongLimits, checkLyricsLength, checkSongSeconds, songLimits } from "./limits.js";
import { type CommonStepOptions, INDEX_PRODUCER, type StepResult, StepRun, requireInput, shouldSkip, skippedResult, withStepRun } from "./step.js";

/** Options of {@link align}: the step options, lrc-align's (a phoneme classifier, eSpeak voice/rate) and the song limits. */
export interface AlignStepOptions extends CommonStepOptions, ComputeAlignmentOptions, SongLimits {}

/**
 * Shortest audio the step aligns. Lyrics squeezed into less come back as spans a few
 * milliseconds long that look like an alignment but time nothing (a 0.1 s clip "aligned" two
 * words); no song, or chunk of one, is that short.
 */
export const MIN_ALIGN_SECONDS = 1;

/**
 * Port of autosing/processing.py: align — one alignment per song of `index.parquet` into
 * `alignment.parquet`: LRC-guided when `lrc_lyrics` is set, else global over `raw_lyrics`, else
 * null (noted). With `classifier` (a charsiu-style phoneme frame classifier ONNX) it is
 * upstream's CTC alignment; without, lrc-align's no-model DTW aligner.
 * Differs from upstream: upstream fails without `--fc-model`; here the DTW default runs. Upstream
 * stores a null alignment when aligning fails (AlignException: unreadable LRC, no pronounceable
 * word, silent audio); here that row is a reported row failure (file, row, id, cause) and is
 * left out, like any other bad row, so a run never reports success for lyrics it could not
 * align. Audio with lyrics shorter than {@link MIN_ALIGN_SECONDS} fails its row the same way. A frame
 * classifier that breaks its contract fails the step: it would fail every row. Lyrics longer
 * than `maxLyricsChars` fail their row before the audio is decoded, a song longer than
 * `maxSongSeconds` before it is aligned (see limits.ts).
 */
export async function align(datasetDir: string, partition: number, options: AlignStepOptions = {}): Promise<StepResult> {
  const limits = songLimits("align", options);
  const output = stepPath(datasetDir, partition, alignmentTable.name);
  if (await shouldSkip([output], options.force)) return skippedResult("align", partition, [output]);
  const input = await requireInput("align", datasetDir, partition, "index", INDEX_PRODUCER);
  const run = new StepRun("align", datasetDir, partition, options);
  return withStepRun(run, async () => {
    const { writer } = await run.output(alignmentTable);
    const alignOptions: ComputeAlignmentOptions = {
      ...(options.classifier === undefined ? {} : { classifier: options.classifier }),
      ...(options.g2p === undefined ? {} : { g2p: options.g2p }),
      ...(options.voice === undefined ? {} : { voice: options.voice }),
      ...(options.rate === undefined ? {} : { rate: options.rate }),
    };
    let modelError: unknown;
    for await (const { row, index, total } of run.rows(input, indexTable, undefined, options.limit)) {
      await run.row(input, index, total, row.id, async () => {
        const lyrics: LyricsInput | null =
          typeof row.lrc_lyrics === "string" ? { lrc: row.lrc_lyrics } : typeof row.raw_lyrics === "string" ? { raw: row.raw_lyrics } : null;
        checkLyricsLength(row.lrc_lyrics ?? row.raw_lyrics ?? "", limits.maxLyricsChars);
        const audio = await decodeAudio(row.audio, { source: `${input} row ${index} (id ${row.id})` });
        const seconds = audioDuration(audio);
        checkSongSeconds(seconds, limits.maxSongSeconds);
        let result: AlignmentRow = { id: row.id, alignment: null };
        if (lyrics === null) {
          run.notes.push(`${row.id}: no lrc_lyrics or raw_lyrics; alignment is null`);
        } else {
          if (seconds < MIN_ALIGN_SECONDS) {
            throw new RowInputError(`audio is ${seconds.toFixed(2)} s long; lyrics need at least ${MIN_ALIGN_SECONDS} s of audio to be aligned (remove the row or give the whole song)`);
          }
          try {
            result = { id: row.id, alignment: (await computeAlignment(audio, lyrics, alignOptions)).alignment.toParquet() };
          } catch (error) {
            if (!FrameClassifierContractError.isInstance(error)) throw error;
            modelError = error;
            return;
          }
        }
        writer.append([result]);
        run.audioSeconds += seconds;
      });
      if (modelError !== undefined) throw modelError;
    }
    return run.finish(input, writer.rowCount);
  });
}
