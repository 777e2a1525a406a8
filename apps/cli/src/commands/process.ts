import { assertDatasetFolder } from "@autosing/parquet-io";
import { ATOKS_SOURCES, type CommonStepOptions, DEFAULT_SONG_LIMITS, STEPS, STEP_AUDIO_FORMATS, type StepName, codecTableName, missingPartitions } from "@autosing/processing";
import type { Command } from "commander";
import { z } from "zod";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import type { CliIo } from "../io.js";
import type { ProcessFlags } from "../process/process-flags.js";
import { DEFAULT_PROGRESS_SECONDS, progressReporter } from "../process/progress.js";
import { describeStepResult, runStep } from "../process/run-step.js";
import { PROCESS_MODEL_ROWS } from "../process/models-rows.js";
import { type StepModels, openModels, releaseModels } from "../process/step-models.js";
import { addMdxOptions } from "../shared/mdx-flags.js";
import { addModelsOption, withModelsDirectory } from "../shared/models-flag.js";
import { NON_NEGATIVE_INTEGER, NON_NEGATIVE_NUMBER, POSITIVE_INTEGER, POSITIVE_NUMBER, WORDS_PER_MINUTE, numberFlag, numberRule, parseNumberFlag } from "../shared/number-flags.js";
import { asUserError } from "../shared/user-errors.js";

const HELP_AFTER = `
Steps, in dependency order (each reads only what the steps before it wrote):
  align        index.parquet        → alignment.parquet           [--fc-model F] [--voice V] [--rate WPM]
  vad_extract  index (+ alignment)  → chunked.parquet             [--chunk-length 31] [--min-occupancy 0.8] [--fc-model F]
  src_sep      chunked              → vocals.parquet, no_vocals.parquet  --separator roformer:<dir> | mdx:<onnx> [--n-fft --dim-f --dim-t --hop-length --compensate --primary-stem] | truth
  atoks        vocals / no_vocals   → atoks_<src>_<codec>.parquet  --codec default:<file>|snac:<dir> [--src vocals no_vocals]
  stoks        vocals               → stoks.parquet                --tokenizer default:<file>|bn-whisper:<onnx>
  artist_embs  atoks_vocals_<codec> → artist_embs.parquet          --embedder <export dir> [--codec <name or spec>]

  autosing process missing <dataset> <step> [--total N] [--src S --codec C]
      prints the partitions that lack the step's output, one per line.
  autosing process <step> <dataset> <i> --complete-missing [--num-partitions K] [--total N]
      runs the step on the i-th .. (i+K-1)-th of those partitions (one job of a job array).

With --models <dir> (autosing import, or autosing demo's <out>/models) each step takes its network
from the directory unless its flag is given: atoks the codec, stoks the tokenizer, artist_embs the
embedder (and the codec's table name), align and vad_extract the frame classifier (autosing import
frame-classifier), src_sep the separator (autosing import separator). With both imported the front
end runs as upstream: align and vad_extract take the wav2vec2 classifier's log-softmax over 30 s
chunks (CTC alignment, LRC-guided; silence-class activity), src_sep the Mel-Band RoFormer as the
audio-separator fork's separate_batched runs it (peak normalisation to 0.9, 8 s chunks, Hamming
overlap-add, the last chunk aligned to the end). Without them: the eSpeak DTW aligner and energy
activity (demo-grade), and src_sep needs --separator.

An output that exists is skipped unless --force. A row that fails is reported on stderr with its
file, row and id, and skipped: the run exits 0 and its summary line counts the skipped rows. With
--strict any skipped row fails the partition (exit 4) and writes nothing; a partition in which
every row fails writes nothing either way. A song over a limit (--max-lyrics-chars,
--max-song-seconds) is such a row, found before its heavy work.`;

const positiveInt = (flag: string) => numberFlag("process", flag, POSITIVE_INTEGER);
// A chunk longer than any song ends as one chunk per song: an hour bounds it, so a typo like 1e12 is refused.
const CHUNK_SECONDS = numberRule(z.int().min(1).max(3600), "whole seconds from 1 to 3600");
const FRACTION = numberRule(z.number().min(0).max(1), "a number in [0, 1]");

function parsePartition(value: string | undefined): number {
  if (value === undefined) throw new CliError("autosing process: pass the partition number: autosing process <step> <dataset> <partition>");
  return parseNumberFlag("process", "partition", value, NON_NEGATIVE_INTEGER);
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
    .option("--progress", "print a progress line (row i/n, rows/s) per input row on stderr")
    .option(
      "--progress-every <s>",
      `without --progress: seconds between progress lines on stderr (default ${DEFAULT_PROGRESS_SECONDS}; 0: none)`,
      numberFlag("process", "--progress-every", NON_NEGATIVE_NUMBER),
    )
    .option("--strict", "fail a partition (exit 4, nothing written) when any of its rows fails, instead of skipping the row")
    .option(
      "--max-lyrics-chars <n>",
      `align: most characters of a song's lyrics; a song over it is a skipped row (default ${DEFAULT_SONG_LIMITS.maxLyricsChars})`,
      positiveInt("--max-lyrics-chars"),
    )
    .option(
      "--max-song-seconds <s>",
      `align, vad_extract: longest song in seconds; a song over it is a skipped row (default ${DEFAULT_SONG_LIMITS.maxSongSeconds})`,
      numberFlag("process", "--max-song-seconds", POSITIVE_NUMBER),
    )
    .option("--fc-model <file>", "align, vad_extract: phoneme frame classifier ONNX (charsiu contract); default: no model (DTW alignment, energy activity)")
    .option("--voice <voice>", "align: eSpeak voice of the DTW reference (default en-us)")
    .option("--rate <wpm>", "align: eSpeak rate of the DTW reference in words per minute", numberFlag("process", "--rate", WORDS_PER_MINUTE))
    .option("--chunk-length <s>", "vad_extract: chunk length in seconds, 1 to 3600 (default 31, upstream's)", numberFlag("process", "--chunk-length", CHUNK_SECONDS))
    .option("--min-occupancy <x>", "vad_extract: least share of singing seconds in a chunk (default 0.8)", numberFlag("process", "--min-occupancy", FRACTION))
    .option("--audio-format <format>", `vad_extract, src_sep: encoding of the written audio (${STEP_AUDIO_FORMATS.join(", ")}; default flac)`)
    .option("--separator <spec>", "src_sep: mdx:<model.onnx> (MDX-Net ONNX contract) or truth (the song-corpus oracle: true stems from truth.parquet, synthetic data only)");
  addMdxOptions(command, "process", "src_sep mdx")
    .option("--codec <spec>", "atoks: default:<codec file> or snac:<dir>; artist_embs, missing: the codec name of the atoks table (default snac_32khz)")
    .option("--src <sources...>", `atoks: audio tables to encode (${ATOKS_SOURCES.join(", ")}; default vocals no_vocals)`)
    .option("--tokenizer <spec>", "stoks: default:<tokenizer.json> or bn-whisper:<model.onnx>")
    .option("--embedder <dir>", "artist_embs: an exported artist embedder (autosing export of an artist_emb checkpoint)")
    .option("--total <n>", "missing, --complete-missing: number of partitions (default: one past the highest partition folder)", positiveInt("--total"))
    .option("--complete-missing", "treat <partition> as an index into the partitions that lack this step's output (upstream --complete-missing; for job arrays)")
    .option("--threads <n>", "onnxruntime intra-op threads", positiveInt("--threads"));
  addModelsOption(command)
    .addHelpText("after", HELP_AFTER)
    .action(async (stepArg: string, dataset: string, third: string | undefined, given: ProcessFlags) => {
      let flags = given;
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
          throw asUserError("process", error);
        }
        return;
      }
      if (!(STEPS as readonly string[]).includes(stepArg)) throw new CliError(`autosing process: unknown step "${stepArg}"; expected one of ${STEPS.join(", ")} or missing`);
      const step = stepArg as StepName;
      const first = parsePartition(third);
      const common: CommonStepOptions = {
        ...(flags.force === true ? { force: true } : {}),
        ...(flags.num === undefined ? {} : { limit: flags.num }),
        ...(flags.strict === true ? { strict: true } : {}),
        onRowFailure: (failure) =>
          io.stderr(`autosing process ${step}: ${flags.strict === true ? "failed" : "skipped"} row ${failure.row} (id ${failure.id}) of ${failure.file}: ${failure.message}\n`),
      };
      const progress = { everyRow: flags.progress === true, everySeconds: flags.progressEvery ?? DEFAULT_PROGRESS_SECONDS };
      // Each partition's rate counts from its own start.
      const withProgress = (): CommonStepOptions => {
        const onProgress = progressReporter(progress, io.stderr);
        return onProgress === undefined ? common : { ...common, onProgress };
      };
      let models: StepModels;
      try {
        // The path before the models: a mistyped dataset folder is said as such, not as a missing step input.
        await assertDatasetFolder(dataset);
        flags = await withModelsDirectory(`process ${step}`, flags, PROCESS_MODEL_ROWS[step], io.stderr);
        models = await openModels(step, flags);
      } catch (error) {
        throw asUserError("process", error);
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
          throw asUserError("process", error);
        }
        partitions = lacking.slice(first, first + count);
        if (partitions.length === 0) io.stdout(`${step}: no missing partition at index ${first} (${lacking.length} missing in all)\n`);
      }
      const failed: number[] = [];
      const failureCodes = new Set<number>();
      try {
        for (const partition of partitions) {
          try {
            for (const result of await runStep(step, dataset, partition, flags, models, withProgress())) io.stdout(describeStepResult(result));
          } catch (error) {
            const userError = asUserError("process", error);
            // Upstream: one partition raises; with several, a failure is printed and the rest go on.
            if (count === 1 || !CliError.isInstance(userError)) throw userError;
            io.stderr(`${userError.message}\n`);
            failureCodes.add(userError.exitCode);
            failed.push(partition);
          }
        }
      } finally {
        await releaseModels(models);
      }
      if (failed.length > 0) {
        // One kind of failure keeps its code (a model that does not fit fails every partition); a mix is bad input.
        const [firstCode] = failureCodes;
        const exitCode = failureCodes.size === 1 && firstCode !== undefined ? firstCode : ExitCode.badInput;
        throw new CliError(`autosing process ${step}: ${failed.length} of ${partitions.length} partitions failed (${failed.join(", ")})`, exitCode);
      }
    });
}
