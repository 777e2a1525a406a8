import { readFile } from "node:fs/promises";

import { decodeAudio } from "@autosing/audio-codec";
import { DEFAULT_SONG_LIMITS } from "@autosing/processing";
import { LrcParseError, type LyricsInput, OnnxFrameClassifier, type TimedSpan, computeAlignment } from "@autosing/lrc-align";
import type { Command } from "commander";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import type { CliIo } from "../io.js";
import { POSITIVE_INTEGER, WORDS_PER_MINUTE, parseNumberFlag } from "../shared/number-flags.js";
import { type ModelFlagRow, addModelsOption, withModelsDirectory } from "../shared/models-flag.js";
import { withUserErrors } from "../shared/with-user-errors.js";

interface AlignOptions {
  lrc?: string;
  lyrics?: string;
  model?: string;
  json?: boolean;
  voice?: string;
  rate?: string;
  maxLyricsChars?: string;
  models?: string;
}

/** `--models <dir>` fills --model with the directory's frame classifier (autosing import frame-classifier). */
const ALIGN_MODEL_ROWS: readonly ModelFlagRow<AlignOptions>[] = [
  { need: "frameClassifier", key: "model", flag: "--model", withoutIt: "no frame classifier (the eSpeak DTW aligner, demo-grade)" },
];

/** Refuses lyrics over the limit before the audio is decoded: alignment time and memory grow with their length. */
function checkLyricsLength(text: string, file: string, flag: string, max: number): void {
  // Counting code points is only needed when the UTF-16 length could be over the limit.
  const count = text.length > max ? [...text].length : 0;
  if (count > max) {
    throw new CliError(`autosing align: ${flag} "${file}" has ${count} characters, over the limit of ${max} (raise it with --max-lyrics-chars, or split the song)`, ExitCode.badInput);
  }
}

/**
 * Reads an input file; a directory is named (Node's EISDIR message says only "illegal operation
 * on a directory, read", not which path).
 */
async function readInputFile(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EISDIR") {
      throw new CliError(`autosing align: ${what} "${file}" is a directory; pass a file`, ExitCode.fileSystem, { cause: error });
    }
    throw error;
  }
}

const time = (seconds: number): string => (Number.isNaN(seconds) ? "     –" : seconds.toFixed(2).padStart(6));
const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);
const spanJson = (span: TimedSpan) => ({ text: span.text, start: finite(span.start), end: finite(span.end) });

/** `autosing align <audio> (--lrc F | --lyrics F) [--model frame.onnx | --models <dir>] [--json]`. */
export function registerAlignCommand(program: Command, io: CliIo): void {
  const command = program
    .command("align")
    .argument("<audio>", "song audio (wav, flac, mp3, ogg); separated vocals align best")
    .summary("align lyrics (--lrc F | --lyrics F) to audio and print word and line spans")
    .description(
      "Aligns lyrics to a song. With --model, a charsiu-style phoneme frame classifier (ONNX: 16 kHz audio [1, N] → logits [1, frames, 42]) " +
        "and CTC forced alignment, as upstream AutoSing; without, dynamic time warping against eSpeak-NG's synthesis of the lyrics (no model file needed). " +
        "LRC input is aligned line by line inside the LRC windows and reports inlier_ratio and lrclib_offset.",
    )
    .option("--lrc <file>", "LRC lyrics ([mm:ss.xx] time stamps)")
    .option("--lyrics <file>", "raw lyrics, one line per line")
    .option("--model <file>", "phoneme frame classifier ONNX (charsiu contract)")
    .option("--voice <voice>", "eSpeak voice of the DTW reference (default en-us)")
    .option("--rate <wpm>", "eSpeak rate of the DTW reference in words per minute (default 150)")
    .option("--max-lyrics-chars <n>", `most characters of lyrics to align (default ${DEFAULT_SONG_LIMITS.maxLyricsChars})`)
    .option("--json", "print the alignment struct and the word and line spans as JSON");
  addModelsOption(command).action(async (audioFile: string, given: AlignOptions) => {
    if ((given.lrc === undefined) === (given.lyrics === undefined)) {
      throw new CliError("autosing align: pass exactly one of --lrc <file> or --lyrics <file>");
    }
    const rate = given.rate === undefined ? undefined : parseNumberFlag("align", "--rate", given.rate, WORDS_PER_MINUTE);
    const maxLyricsChars =
      given.maxLyricsChars === undefined ? DEFAULT_SONG_LIMITS.maxLyricsChars : parseNumberFlag("align", "--max-lyrics-chars", given.maxLyricsChars, POSITIVE_INTEGER);
    await withUserErrors("align", async () => {
      const options = await withModelsDirectory("align", given, ALIGN_MODEL_ROWS, io.stderr);
      const lyricsFlag = options.lrc === undefined ? "--lyrics" : "--lrc";
      const lyricsFile = options.lrc ?? options.lyrics ?? "";
      const lyricsText = (await readInputFile(lyricsFile, lyricsFlag)).toString("utf8");
      checkLyricsLength(lyricsText, lyricsFile, lyricsFlag, maxLyricsChars);
      const lyrics: LyricsInput = options.lrc === undefined ? { raw: lyricsText } : { lrc: lyricsText };
      const audio = await decodeAudio(await readInputFile(audioFile, "audio"), { source: audioFile });
      const classifier = options.model === undefined ? undefined : await OnnxFrameClassifier.open(options.model);
      try {
        const result = await computeAlignment(audio, lyrics, {
          ...(classifier === undefined ? {} : { classifier }),
          ...(options.voice === undefined ? {} : { voice: options.voice }),
          ...(rate === undefined ? {} : { rate }),
        });
        const { alignment } = result;
        const words = alignment.timedWords();
        const lines = alignment.timedLines();
        if (options.json === true) {
          io.stdout(
            `${JSON.stringify({ method: result.method, alignment: alignment.toJSON(), words: words.map(spanJson), lines: lines.map(spanJson) })}\n`,
          );
          return;
        }
        const extras =
          alignment.inlierRatio === null
            ? ""
            : ` · inlier_ratio ${alignment.inlierRatio.toFixed(2)} · lrclib_offset ${(alignment.lrclibOffset ?? Number.NaN).toFixed(2)} s`;
        io.stdout(`${audioFile}: ${result.method} alignment · ${lines.length} lines · ${words.length} words · ${alignment.tokens.length} phones${extras}\n`);
        let word = 0;
        lines.forEach((line, i) => {
          io.stdout(`line ${time(line.start)} ${time(line.end)}  ${line.text}\n`);
          const count = alignment.wordsPerLine[i] ?? 0;
          for (const w of words.slice(word, word + count)) io.stdout(`  word ${time(w.start)} ${time(w.end)}  ${w.text}\n`);
          word += count;
        });
      } catch (error) {
        // The parser knows the line, not the file: name the file the user gave, or they must guess which.
        if (LrcParseError.isInstance(error)) throw new CliError(`autosing align: ${lyricsFlag} ${lyricsFile}: ${error.message}; fix that line or remove it`, ExitCode.badInput);
        throw error;
      } finally {
        await classifier?.release();
      }
    });
  });
}
