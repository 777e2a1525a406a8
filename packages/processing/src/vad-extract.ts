import { type AudioData, audioDuration, decodeAudio } from "@autosing/audio-codec";
import { DEFAULT_CHUNK_LENGTH, DEFAULT_MIN_OCCUPANCY, type OnnxFrameClassifier, computeActivity, interestingChunks } from "@autosing/lrc-align";
import {
  type AlignmentRecord,
  type ChunkedRow,
  alignmentTable,
  chunkId,
  chunkedTable,
  firstById,
  indexTable,
  readTable,
  sliceAlignment,
  stepPath,
} from "@autosing/parquet-io";

import { DEFAULT_STEP_AUDIO_FORMAT, type StepAudioFormat, encodeStepAudio } from "./audio-format.js";
import { StepOptionError } from "./errors.js";
import { type SongLimits, checkSongSeconds, songLimits } from "./limits.js";
import { type CommonStepOptions, INDEX_PRODUCER, type StepResult, StepRun, fileExists, requireInput, shouldSkip, skippedResult, withStepRun } from "./step.js";

export interface VadExtractOptions extends CommonStepOptions, Pick<SongLimits, "maxSongSeconds"> {
  /** Chunk length in whole seconds (upstream `--chunk-length`, default 31: downstream steps use the first 30 s). */
  readonly chunkLength?: number;
  /** Least share of singing seconds in a chunk (upstream `--min-occupancy`, default 0.8). */
  readonly minOccupancy?: number;
  /** Singing activity from this phoneme classifier's silence class (upstream); without it, from energy. */
  readonly classifier?: OnnxFrameClassifier;
  /** Encoding of the chunk audio (default flac; upstream opus). */
  readonly audioFormat?: StepAudioFormat;
}

/** Samples `[from, to)` of every channel (clipped at the end, as torch slicing is). */
function sliceAudio(audio: AudioData, fromSeconds: number, toSeconds: number): AudioData {
  const from = fromSeconds * audio.sampleRate;
  const to = toSeconds * audio.sampleRate;
  return { sampleRate: audio.sampleRate, channels: audio.channels.map((channel) => channel.slice(from, to)) };
}

/**
 * Port of autosing/processing.py: vad_extract (with interesting_chunks) — per song of
 * `index.parquet`: one singing flag per second (lrc-align's computeActivity: the classifier's
 * silence class as upstream's compute_va, or frame energy without a classifier), as many
 * non-overlapping `chunkLength` s windows with at least `minOccupancy` singing as the dynamic
 * programme finds, each written to `chunked.parquet` as `<song>_at_<second>` with its audio
 * (re-encoded) and the song's alignment sliced to the window (times shifted to the chunk).
 * When `alignment.parquet` exists only songs present in it are chunked (upstream's inner join);
 * the `artist` column is carried over when the index has one (the artist embedder trains on it).
 * A song longer than `maxSongSeconds` fails its row before its activity is computed.
 */
export async function vadExtract(datasetDir: string, partition: number, options: VadExtractOptions = {}): Promise<StepResult> {
  const { maxSongSeconds } = songLimits("vad_extract", options);
  const chunkLength = options.chunkLength ?? DEFAULT_CHUNK_LENGTH;
  const minOccupancy = options.minOccupancy ?? DEFAULT_MIN_OCCUPANCY;
  if (!Number.isInteger(chunkLength) || chunkLength < 1) throw new StepOptionError("vad_extract", "chunkLength", chunkLength, "must be a whole number of seconds >= 1");
  if (!(minOccupancy >= 0 && minOccupancy <= 1)) throw new StepOptionError("vad_extract", "minOccupancy", minOccupancy, "must be in [0, 1]");
  const format = options.audioFormat ?? DEFAULT_STEP_AUDIO_FORMAT;
  const output = stepPath(datasetDir, partition, chunkedTable.name);
  if (await shouldSkip([output], options.force)) return skippedResult("vad_extract", partition, [output]);
  const input = await requireInput("vad_extract", datasetDir, partition, "index", INDEX_PRODUCER);
  const alignmentFile = stepPath(datasetDir, partition, alignmentTable.name);
  const alignments = (await fileExists(alignmentFile)) ? firstById(await readTable(alignmentFile, alignmentTable)) : undefined;
  const run = new StepRun("vad_extract", datasetDir, partition, options);
  return withStepRun(run, async () => {
    const { writer } = await run.output(chunkedTable);
    for await (const { row, index, total } of run.rows(input, indexTable, undefined, options.limit)) {
      const aligned = alignments?.get(row.id);
      if (alignments !== undefined && aligned === undefined) {
        run.notes.push(`${row.id}: not in alignment.parquet; not chunked`);
        continue;
      }
      await run.row(input, index, total, row.id, async () => {
        const source = `${input} row ${index} (id ${row.id})`;
        const audio = await decodeAudio(row.audio, { source });
        checkSongSeconds(audioDuration(audio), maxSongSeconds);
        const active = await computeActivity(audio, options.classifier === undefined ? {} : { classifier: options.classifier });
        const offsets = interestingChunks(chunkLength, active, minOccupancy);
        if (offsets.length === 0) run.notes.push(`${row.id}: no ${chunkLength} s window with ${minOccupancy * 100}% singing`);
        const chunks: ChunkedRow[] = [];
        for (const offset of offsets) {
          const id = chunkId(row.id, offset);
          const record: AlignmentRecord | null = aligned?.alignment == null ? null : sliceAlignment(aligned.alignment, offset, offset + chunkLength);
          chunks.push({
            id,
            audio: await encodeStepAudio(sliceAudio(audio, offset, offset + chunkLength), format, `chunk ${id}`),
            alignment: record,
            artist: row.artist ?? null,
          });
        }
        // All chunks of a song or none: a failure halfway leaves no partial song behind.
        writer.append(chunks);
        run.audioSeconds += audioDuration(audio);
      });
    }
    return run.finish(input, writer.rowCount);
  });
}
