/**
 * The exit codes of `autosing`, in one table: what each code means and which errors end a run
 * with it. Scripts and job schedulers branch on these codes (retry a full disk, not a bad flag),
 * so a code keeps its meaning once published; new kinds of failure get new rows. The README's
 * "Exit codes" section lists the same rows (a test compares them).
 *
 * A library error is recognised by its class (`X.isInstance`, which narrows per class): when
 * several rows name a class the error belongs to, the most specific class wins, so
 * `CodecLoadError` (model) overrides its family `AudioCodecError` (bad input). A bad-input error
 * caused by a failed system call (a table or audio file that may not be read) takes that errno's
 * row instead: the path is the problem, not the data. The CLI's own
 * `CliError` carries its code; commander's errors are usage errors.
 */
import { ArtistEmbedderError } from "@autosing/artist-embedder";
import { AudioCodecError, CodecFileError, CodecLoadError, CodecSpecError } from "@autosing/audio-codec";
import { AutosingError } from "@autosing/base";
import { EspeakError, EspeakLoadError, EspeakOptionError } from "@autosing/espeak";
import { LrcAlignError, ModelContractError as FrameClassifierContractError } from "@autosing/lrc-align";
import { ExportFolderError, NnError, OnnxModelError, OnnxModelFileError } from "@autosing/nn";
import { ConstructOptionError, DatasetFolderError, OutputFolderError, ParquetIoError } from "@autosing/parquet-io";
import { ModelsDirectoryError, ModelsManifestError, ModelsUsageError, PretrainedSourceError } from "@autosing/pretrained";
import { ModelRequiredError, ProcessingError, StepOptionError } from "@autosing/processing";
import { SafetensorsError } from "@autosing/safetensors";
import { SemanticModelContractError, SemanticTokensError, TokenizerFileError, TokenizerSpecError } from "@autosing/semantic-tokens";
import { SeparationError, SeparatorContractError, SeparatorOptionError } from "@autosing/separation";
import { QueueUrlError, RedisUnreachableError, ServeOptionError } from "@autosing/server/errors";
import { SingError, SingModelError, SingModelPathError, SingOptionError, SingOutputError } from "@autosing/sing";
import { SM2AModelError } from "@autosing/sm2a-model";
import { CorpusOptionError, CorpusWriteError, SongCorpusError } from "@autosing/song-corpus";
import { T2SModelError } from "@autosing/t2s-model";
import {
  BackendOutOfMemoryError,
  BackendUnavailableError,
  CheckpointError,
  ModelContractError as TrainableContractError,
  TrainerConfigError,
  TrainerError,
} from "@autosing/trainer";

/** The codes by name, for code that ends a run on purpose (`new CliError(message, ExitCode.badInput)`). */
export const ExitCode = {
  success: 0,
  internalError: 1,
  usage: 2,
  notImplemented: 3,
  badInput: 4,
  modelProblem: 5,
  fileSystem: 6,
  outOfMemory: 7,
  serviceUnavailable: 8,
  interrupted: 130,
} as const;

/** A library error class as the table sees it: every autosing package's error classes have `isInstance`. */
export interface RecognisedErrorClass {
  readonly name: string;
  isInstance(value: unknown): boolean;
}

/** One row of the table. */
export interface ExitCodeRow {
  readonly code: number;
  /** Stable, kebab-case; the README lists it. */
  readonly name: string;
  readonly meaning: string;
  /** Library error classes that end a run with this code (subclasses included, unless a row names one). */
  readonly errorClasses: readonly RecognisedErrorClass[];
  /** Node.js `error.code` values of failed system calls that end a run with this code. */
  readonly errnoCodes: readonly string[];
}

function row(code: number, name: string, meaning: string, recognised: Partial<Pick<ExitCodeRow, "errorClasses" | "errnoCodes">> = {}): ExitCodeRow {
  return { code, name, meaning, errorClasses: recognised.errorClasses ?? [], errnoCodes: recognised.errnoCodes ?? [] };
}

export const EXIT_CODES: readonly ExitCodeRow[] = [
  row(ExitCode.success, "success", "the command did what it was asked (also --help and --version)"),
  row(ExitCode.internalError, "internal-error", "an unexpected exception, a bug in autosing: the stack trace is printed"),
  row(ExitCode.usage, "usage", "unknown command or flag, a missing argument, a flag value that cannot be used", {
    errorClasses: [
      StepOptionError,
      ModelRequiredError,
      SingOptionError,
      CorpusOptionError,
      EspeakOptionError,
      TrainerConfigError,
      SeparatorOptionError,
      TokenizerSpecError,
      CodecSpecError,
      // construct-dataset: a --name that is a path, no input partitions, more output partitions than rows.
      ConstructOptionError,
      // import: a taken --name without --force, an importer option of another kind; --models with two candidates.
      ModelsUsageError,
      // Only a backend named by --backend can be missing: the automatic choice ends at cpu, which always loads.
      BackendUnavailableError,
      // serve: a non-loopback --host without --token/--insecure, a taken --port, two datasets of one name.
      ServeOptionError,
      // worker: --queue that is not a redis:// URL.
      QueueUrlError,
    ],
  }),
  row(ExitCode.notImplemented, "not-implemented", "a command or option that is planned but not built yet"),
  row(ExitCode.badInput, "bad-input", "input data that cannot be used: an audio file, a Parquet table, a row, lyrics or an alignment", {
    errorClasses: [
      ParquetIoError,
      AudioCodecError,
      LrcAlignError,
      EspeakError,
      ProcessingError,
      SeparationError,
      SemanticTokensError,
      SingError,
      SongCorpusError,
      TrainerError,
      // import: a published file that cannot be imported (named with its key); a bad models.json.
      PretrainedSourceError,
      ModelsManifestError,
      // Any other autosing library error: deliberate, so one line without a stack.
      AutosingError,
    ],
  }),
  row(ExitCode.modelProblem, "model-problem", "a model that does not load or does not fit: a checkpoint, ONNX file, codec, tokenizer or config", {
    errorClasses: [
      NnError,
      T2SModelError,
      SM2AModelError,
      ArtistEmbedderError,
      CodecLoadError,
      FrameClassifierContractError,
      SeparatorContractError,
      SafetensorsError,
      SemanticModelContractError,
      TokenizerFileError,
      SingModelError,
      CheckpointError,
      TrainableContractError,
      EspeakLoadError,
      // onnxruntime refused an ONNX file given to a model flag (--model, --fc-model, --embedder, …).
      OnnxModelError,
    ],
  }),
  row(ExitCode.fileSystem, "file-system", "a path that is missing, not allowed or of the wrong kind, or a full disk", {
    // OnnxModelFileError: a model flag's path is missing, a directory or unreadable (it keeps the errno);
    // ExportFolderError: export's output is a file or not writable (overrides its family NnError);
    // SingModelPathError: a sing model flag's folder is missing or not a folder (overrides SingModelError);
    // ModelsDirectoryError: --models names a folder that does not exist or has no models.json.
    errorClasses: [ModelsDirectoryError, CorpusWriteError, SingOutputError, OutputFolderError, OnnxModelFileError, ExportFolderError, CodecFileError, DatasetFolderError, SingModelPathError],
    errnoCodes: ["ENOENT", "EACCES", "EPERM", "EISDIR", "ENOTDIR", "EEXIST", "ENOTEMPTY", "EROFS", "ENOSPC", "EDQUOT", "EFBIG"],
  }),
  row(ExitCode.outOfMemory, "out-of-memory", "the training backend ran out of memory: lower --batch-size or use a native backend", {
    errorClasses: [BackendOutOfMemoryError],
  }),
  row(ExitCode.serviceUnavailable, "service-unavailable", "a service the command needs did not answer: the Redis of --queue (worker, serve); start it or fix the URL, then run again", {
    errorClasses: [RedisUnreachableError],
  }),
  row(ExitCode.interrupted, "interrupted", "stopped by SIGINT or SIGTERM; train saved a checkpoint to --resume-from"),
];

/** True when `ancestor` is `descendant` or a class it extends. */
function isSameOrAncestor(ancestor: RecognisedErrorClass, descendant: RecognisedErrorClass): boolean {
  return ancestor === descendant || Object.prototype.isPrototypeOf.call(ancestor, descendant);
}

/**
 * The row of a library error or a failed system call, or undefined when the table does not
 * know it (then it is a bug: internal error). The CLI's own errors and commander's are not
 * looked up here: they carry their code.
 */
export function exitCodeRowOf(error: unknown): ExitCodeRow | undefined {
  let best: { row: ExitCodeRow; errorClass: RecognisedErrorClass } | undefined;
  for (const candidate of EXIT_CODES) {
    for (const errorClass of candidate.errorClasses) {
      if (!errorClass.isInstance(error)) continue;
      // The most specific class wins: a subclass overrides its family wherever the rows stand.
      if (best === undefined || isSameOrAncestor(best.errorClass, errorClass)) best = { row: candidate, errorClass };
    }
  }
  if (best !== undefined) {
    // A reader that wraps a failed system call (a Parquet table or an audio file that may not be read) is the path's problem.
    if (best.row.code === ExitCode.badInput) return rowOfErrno(causeErrno(error)) ?? best.row;
    return best.row;
  }
  return rowOfErrno(errnoOf(error));
}

function errnoOf(error: unknown): string | undefined {
  const errno = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof errno === "string" ? errno : undefined;
}

/** The errno of the first failed system call in `error`'s chain of causes. */
function causeErrno(error: unknown): string | undefined {
  let cause = typeof error === "object" && error !== null ? (error as { cause?: unknown }).cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 8; depth += 1) {
    const errno = errnoOf(cause);
    if (errno !== undefined && /^E[A-Z]+$/.test(errno)) return errno;
    cause = typeof cause === "object" && cause !== null ? (cause as { cause?: unknown }).cause : undefined;
  }
  return undefined;
}

function rowOfErrno(errno: string | undefined): ExitCodeRow | undefined {
  return errno === undefined ? undefined : EXIT_CODES.find((candidate) => candidate.errnoCodes.includes(errno));
}
