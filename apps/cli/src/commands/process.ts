import { type ArtistEmbedder, ArtistEmbedderError, openArtistEmbedderExport } from "@autosing/artist-embedder";
import { type AcousticCodec, AudioCodecError, loadCodec } from "@autosing/audio-codec";
import { LrcAlignError, OnnxFrameClassifier } from "@autosing/lrc-align";
import { ParquetIoError } from "@autosing/parquet-io";
import {
  ATOKS_SOURCES,
  type AtoksSource,
  type CommonStepOptions,
  ProcessingError,
  STEPS,
  STEP_AUDIO_FORMATS,
  type StepAudioFormat,
  type StepName,
  type StepResult,
  align,
  artistEmbs,
  atoks,
  codecTableName,
  loadSemanticTokenizer,
  loadSeparator,
  missingPartitions,
  srcSep,
  stoks,
  vadExtract,
} from "@autosing/processing";
import { SemanticTokensError } from "@autosing/semantic-tokens";
import { SeparationError } from "@autosing/separation";
import type { Command } from "commander";

import { CliError } from "../errors.js";
import type { CliIo } from "../io.js";
import { type MdxFlags, addMdxOptions, mdxSettingsFromFlags } from "../shared/mdx-flags.js";
import { asUserError as asUserErrorOf } from "../shared/user-errors.js";

interface ProcessFlags extends MdxFlags {
  force?: boolean;
  num?: number;
  numPartitions?: number;
  progress?: boolean;
  fcModel?: string;
  voice?: string;
  rate?: number;
  chunkLength?: number;
  minOccupancy?: number;
  audioFormat?: string;
  separator?: string;
  codec?: string;
  src?: string[];
  tokenizer?: string;
  embedder?: string;
  total?: number;
  completeMissing?: boolean;
  threads?: number;
}

const HELP_AFTER = `
Steps, in dependency order (each reads only what the steps before it wrote):
  align        index.parquet        → alignment.parquet           [--fc-model F] [--voice V] [--rate WPM]
  vad_extract  index (+ alignment)  → chunked.parquet             [--chunk-length 31] [--min-occupancy 0.8] [--fc-model F]
  src_sep      chunked              → vocals.parquet, no_vocals.parquet  --separator mdx:<onnx> [--n-fft --dim-f --dim-t --hop-length --compensate --primary-stem] | truth
  atoks        vocals / no_vocals   → atoks_<src>_<codec>.parquet  --codec default:<file>|snac:<dir> [--src vocals no_vocals]
  stoks        vocals               → stoks.parquet                --tokenizer default:<file>|bn-whisper:<onnx>
  artist_embs  atoks_vocals_<codec> → artist_embs.parquet          --embedder <export dir> [--codec <name or spec>]

  autosing process missing <dataset> <step> [--total N] [--src S --codec C]
      prints the partitions that lack the step's output, one per line.
  autosing process <step> <dataset> <i> --complete-missing [--num-partitions K] [--total N]
      runs the step on the i-th .. (i+K-1)-th of those partitions (one job of a job array).

An output that exists is skipped unless --force. A row that fails is reported on stderr with its
file, row and id, and skipped; a partition in which every row fails writes nothing.`;

const positiveInt =
  (flag: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`autosing process: ${flag} must be a positive integer, got "${value}"`);
    return n;
  };

const fraction =
  (flag: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!(n >= 0 && n <= 1)) throw new CliError(`autosing process: ${flag} must be a number in [0, 1], got "${value}"`);
    return n;
  };

const wordsPerMinute = (value: string): number => {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 80 && n <= 450)) throw new CliError(`autosing process: --rate must be a number of words per minute in 80..450, got "${value}"`);
  return n;
};

/** The libraries whose failures are the user's to fix (one line on stderr, no stack). */
const USER_ERROR_FAMILIES = [ProcessingError, SeparationError, AudioCodecError, LrcAlignError, ParquetIoError, SemanticTokensError, ArtistEmbedderError];
const asUserError = (error: unknown): unknown => asUserErrorOf("process", error, USER_ERROR_FAMILIES);

function parsePartition(value: string | undefined): number {
  if (value === undefined) throw new CliError("autosing process: pass the partition number: autosing process <step> <dataset> <partition>");
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`autosing process: partition must be a non-negative integer, got "${value}"`);
  return n;
}

function audioFormat(value: string | undefined): StepAudioFormat | undefined {
  if (value === undefined) return undefined;
  if (!(STEP_AUDIO_FORMATS as readonly string[]).includes(value)) {
    throw new CliError(`autosing process: --audio-format must be one of ${STEP_AUDIO_FORMATS.join(", ")}, got "${value}"`);
  }
  return value as StepAudioFormat;
}

function atoksSources(values: readonly string[] | undefined): AtoksSource[] {
  const sources = values ?? ["vocals", "no_vocals"];
  for (const source of sources) {
    if (!(ATOKS_SOURCES as readonly string[]).includes(source)) throw new CliError(`autosing process: --src must be one of ${ATOKS_SOURCES.join(", ")}, got "${source}"`);
  }
  return sources as AtoksSource[];
}

function describe(result: StepResult): string {
  const files = result.outputs.map((file) => file.split(/[\\/]/).at(-1)).join(", ");
  if (result.skipped) return `${result.step} partition ${result.partition}: ${files} exists; skipped (--force recomputes)\n`;
  const speed = result.audioSeconds > 0 && result.wallSeconds > 0 ? `, ${result.audioSeconds.toFixed(1)} s of audio in ${result.wallSeconds.toFixed(1)} s (${(result.audioSeconds / result.wallSeconds).toFixed(1)}× real time)` : "";
  return `${result.step} partition ${result.partition}: ${result.rowsIn} rows in → ${result.rowsOut} rows in ${files}, ${result.failures.length} skipped${speed}\n`;
}

/** The models a step needs, opened once for all the partitions of a run and released at the end. */
interface StepModels {
  classifier?: OnnxFrameClassifier;
  codec?: AcousticCodec;
  embedder?: ArtistEmbedder;
  tokenizer?: Awaited<ReturnType<typeof loadSemanticTokenizer>>;
}

async function openModels(step: StepName, flags: ProcessFlags): Promise<StepModels> {
  const threads = flags.threads === undefined ? {} : { threads: flags.threads };
  const models: StepModels = {};
  if ((step === "align" || step === "vad_extract") && flags.fcModel !== undefined) models.classifier = await OnnxFrameClassifier.open(flags.fcModel, threads);
  if (step === "atoks") {
    if (flags.codec === undefined) {
      throw new CliError('autosing process atoks: pass --codec default:<codec.json|.safetensors> (fit one with "autosing codec fit") or snac:<dir with encoder.onnx, decoder.onnx>');
    }
    models.codec = await loadCodec(flags.codec, threads);
  }
  if (step === "stoks") {
    if (flags.tokenizer === undefined) throw new CliError("autosing process stoks: pass --tokenizer default:<tokenizer.json> or bn-whisper:<model.onnx>");
    models.tokenizer = await loadSemanticTokenizer(flags.tokenizer, threads);
  }
  if (step === "artist_embs" && flags.embedder !== undefined) models.embedder = await openArtistEmbedderExport(flags.embedder, threads);
  return models;
}

async function releaseModels(models: StepModels): Promise<void> {
  await models.classifier?.release();
  await models.codec?.dispose();
  await models.tokenizer?.dispose();
  await models.embedder?.release();
}

async function runStep(step: StepName, dataset: string, partition: number, flags: ProcessFlags, models: StepModels, common: CommonStepOptions): Promise<StepResult[]> {
  const format = audioFormat(flags.audioFormat);
  const withFormat = format === undefined ? {} : { audioFormat: format };
  switch (step) {
    case "align":
      return [
        await align(dataset, partition, {
          ...common,
          ...(models.classifier === undefined ? {} : { classifier: models.classifier }),
          ...(flags.voice === undefined ? {} : { voice: flags.voice }),
          ...(flags.rate === undefined ? {} : { rate: flags.rate }),
        }),
      ];
    case "vad_extract":
      return [
        await vadExtract(dataset, partition, {
          ...common,
          ...withFormat,
          ...(models.classifier === undefined ? {} : { classifier: models.classifier }),
          ...(flags.chunkLength === undefined ? {} : { chunkLength: flags.chunkLength }),
          ...(flags.minOccupancy === undefined ? {} : { minOccupancy: flags.minOccupancy }),
        }),
      ];
    case "src_sep": {
      if (flags.separator === undefined) {
        throw new CliError("autosing process src_sep: pass --separator mdx:<model.onnx> (an MDX-Net ONNX file) or --separator truth (the song-corpus oracle)");
      }
      const separator = await loadSeparator(flags.separator, dataset, partition, {
        ...mdxSettingsFromFlags(flags, "process src_sep"),
        ...(flags.threads === undefined ? {} : { threads: flags.threads }),
      });
      try {
        return [await srcSep(dataset, partition, { ...common, ...withFormat, separator })];
      } finally {
        await separator.dispose();
      }
    }
    case "atoks": {
      const results: StepResult[] = [];
      for (const source of atoksSources(flags.src)) results.push(await atoks(dataset, partition, { ...common, codec: models.codec!, source }));
      return results;
    }
    case "stoks":
      return [await stoks(dataset, partition, { ...common, tokenizer: models.tokenizer! })];
    case "artist_embs":
      return [await artistEmbs(dataset, partition, { ...common, embedder: models.embedder, codec: codecTableName(flags.codec ?? "snac_32khz") })];
  }
}

/** `autosing process <step> <dataset> <partition>` and `autosing process missing <dataset> <step>`. */
export function registerProcessCommand(program: Command, io: CliIo): void {
  const command = program
    .command("process")
    .argument("<step>", `${STEPS.join(" | ")} | missing`)
    .argument("<dataset>", "dataset folder <dataset>/<n>/<table>.parquet")
    .argument("[partition]", "partition number (for missing: the step to check)")
    .summary("run a dataset processing step (align, vad_extract, src_sep, atoks, stoks, artist_embs) on a partition")
    .description("Runs one processing step of the dataset pipeline on one partition (or --num-partitions consecutive ones), as upstream processing.py does.")
    .option("--force", "recompute and replace outputs that exist")
    .option("--num <n>", "process at most this many input rows (debugging)", positiveInt("--num"))
    .option("--num-partitions <n>", "process partitions partition .. partition+n-1; a failing partition is reported and the others go on", positiveInt("--num-partitions"))
    .option("--progress", "print a line per input row on stderr")
    .option("--fc-model <file>", "align, vad_extract: phoneme frame classifier ONNX (charsiu contract); default: no model (DTW alignment, energy activity)")
    .option("--voice <voice>", "align: eSpeak voice of the DTW reference (default en-us)")
    .option("--rate <wpm>", "align: eSpeak rate of the DTW reference in words per minute", wordsPerMinute)
    .option("--chunk-length <s>", "vad_extract: chunk length in seconds (default 31, upstream's)", positiveInt("--chunk-length"))
    .option("--min-occupancy <x>", "vad_extract: least share of singing seconds in a chunk (default 0.8)", fraction("--min-occupancy"))
    .option("--audio-format <format>", `vad_extract, src_sep: encoding of the written audio (${STEP_AUDIO_FORMATS.join(", ")}; default flac)`)
    .option("--separator <spec>", "src_sep: mdx:<model.onnx> (MDX-Net ONNX contract) or truth (the song-corpus oracle: true stems from truth.parquet, synthetic data only)");
  addMdxOptions(command, "process", "src_sep mdx")
    .option("--codec <spec>", "atoks: default:<codec file> or snac:<dir>; artist_embs, missing: the codec name of the atoks table (default snac_32khz)")
    .option("--src <sources...>", `atoks: audio tables to encode (${ATOKS_SOURCES.join(", ")}; default vocals no_vocals)`)
    .option("--tokenizer <spec>", "stoks: default:<tokenizer.json> or bn-whisper:<model.onnx>")
    .option("--embedder <dir>", "artist_embs: an exported artist embedder (autosing export of an artist_emb checkpoint)")
    .option("--total <n>", "missing, --complete-missing: number of partitions (default: one past the highest partition folder)", positiveInt("--total"))
    .option("--complete-missing", "treat <partition> as an index into the partitions that lack this step's output (upstream --complete-missing; for job arrays)")
    .option("--threads <n>", "onnxruntime intra-op threads", positiveInt("--threads"))
    .addHelpText("after", HELP_AFTER)
    .action(async (stepArg: string, dataset: string, third: string | undefined, flags: ProcessFlags) => {
      if (stepArg === "missing") {
        if (third === undefined) throw new CliError("autosing process missing: pass the step to check: autosing process missing <dataset> <step>");
        try {
          const lacking = await missingPartitions(dataset, third, {
            ...(flags.total === undefined ? {} : { total: flags.total }),
            ...(flags.src?.[0] === undefined ? {} : { source: flags.src[0] }),
            ...(flags.codec === undefined ? {} : { codec: codecTableName(flags.codec) }),
          });
          io.stdout(lacking.map((p) => `${p}\n`).join(""));
        } catch (error) {
          throw asUserError(error);
        }
        return;
      }
      if (!(STEPS as readonly string[]).includes(stepArg)) throw new CliError(`autosing process: unknown step "${stepArg}"; expected one of ${STEPS.join(", ")} or missing`);
      const step = stepArg as StepName;
      const first = parsePartition(third);
      const common: CommonStepOptions = {
        ...(flags.force === true ? { force: true } : {}),
        ...(flags.num === undefined ? {} : { limit: flags.num }),
        onRowFailure: (failure) => io.stderr(`autosing process ${step}: skipped row ${failure.row} (id ${failure.id}) of ${failure.file}: ${failure.message}\n`),
        ...(flags.progress === true ? { onProgress: (p) => io.stderr(`${p.step} partition ${p.partition}: ${p.done}/${p.total} ${p.id}\n`) } : {}),
      };
      let models: StepModels;
      try {
        models = await openModels(step, flags);
      } catch (error) {
        throw asUserError(error);
      }
      const count = flags.numPartitions ?? 1;
      let partitions = Array.from({ length: count }, (_, i) => first + i);
      if (flags.completeMissing === true) {
        let lacking: number[];
        try {
          lacking = await missingPartitions(dataset, step, {
            ...(flags.total === undefined ? {} : { total: flags.total }),
            ...(flags.src?.[0] === undefined ? {} : { source: flags.src[0] }),
            ...(flags.codec === undefined ? {} : { codec: codecTableName(flags.codec) }),
          });
        } catch (error) {
          throw asUserError(error);
        }
        partitions = lacking.slice(first, first + count);
        if (partitions.length === 0) io.stdout(`${step}: no missing partition at index ${first} (${lacking.length} missing in all)\n`);
      }
      const failed: number[] = [];
      try {
        for (const partition of partitions) {
          try {
            for (const result of await runStep(step, dataset, partition, flags, models, common)) io.stdout(describe(result));
          } catch (error) {
            const userError = asUserError(error);
            // Upstream: one partition raises; with several, a failure is printed and the rest go on.
            if (count === 1 || !CliError.isInstance(userError)) throw userError;
            io.stderr(`${userError.message}\n`);
            failed.push(partition);
          }
        }
      } finally {
        await releaseModels(models);
      }
      if (failed.length > 0) throw new CliError(`autosing process ${step}: ${failed.length} of ${partitions.length} partitions failed (${failed.join(", ")})`);
    });
}
