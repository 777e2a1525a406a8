/**
 * The exit-code table: every kind of error, thrown by a command, ends the run with its row's
 * code through the CLI's one error path, as one stderr line without a stack (bugs excepted).
 */
import { readFileSync } from "node:fs";

import { ArtistEmbedderError } from "@autosing/artist-embedder";
import { CodecLoadError, UnknownAudioFormatError } from "@autosing/audio-codec";
import { AutosingError } from "@autosing/base";
import { EspeakLoadError, EspeakOptionError, EspeakSynthesisError } from "@autosing/espeak";
import { LrcParseError, ModelContractError as FrameClassifierContractError } from "@autosing/lrc-align";
import { ModelConfigError } from "@autosing/nn";
import { AlignmentShapeError, ParquetFileError, datasetInfo } from "@autosing/parquet-io";
import { MissingInputError, ModelRequiredError, SeparatorContractError, StepOptionError } from "@autosing/processing";
import { InvalidSemanticAudioError, SemanticModelContractError } from "@autosing/semantic-tokens";
import { QueueUrlError, RedisUnreachableError } from "@autosing/server";
import { SingInputError, SingModelError, SingOptionError } from "@autosing/sing";
import { SM2AConfigError } from "@autosing/sm2a-model";
import { CorpusOptionError, CorpusWriteError, SongRenderError } from "@autosing/song-corpus";
import { T2SInputError } from "@autosing/t2s-model";
import {
  BackendOutOfMemoryError,
  BackendUnavailableError,
  CheckpointError,
  DatasetError,
  ModelContractError as TrainableContractError,
  TrainerConfigError,
} from "@autosing/trainer";
import { describe, expect, it, vi } from "vitest";

import { CliError, EXIT_CODES, ExitCode, NotImplementedError, exitCodeRowOf, runCli } from "../src/index.js";

// `autosing dataset info <dir>` stands for every command: its library call throws what a case gives.
vi.mock("@autosing/parquet-io", async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), datasetInfo: vi.fn() }));

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** One error of each family (and each subclass a row names), with the code the table gives it. */
const CASES: readonly (readonly [unknown, number])[] = [
  [new QueueUrlError("http://localhost:6379"), ExitCode.usage],
  [new RedisUnreachableError("redis://127.0.0.1:1", "connect ECONNREFUSED 127.0.0.1:1"), ExitCode.serviceUnavailable],
  [new StepOptionError("vad_extract", "chunk length", 0, "must be positive"), ExitCode.usage],
  [new ModelRequiredError("artist_embs", "an artist embedder", "pass --embedder"), ExitCode.usage],
  [new SingOptionError("--length", -1, "seconds > 0"), ExitCode.usage],
  [new CorpusOptionError("songs", 0, "must be at least 1"), ExitCode.usage],
  [new EspeakOptionError("voice", "xx", "unknown voice"), ExitCode.usage],
  [new TrainerConfigError("batch size", 0, "must be a positive integer"), ExitCode.usage],
  [new BackendUnavailableError([{ backend: "tensorflow", error: "not installed" }]), ExitCode.usage],
  [new CliError("autosing dataset info: --json takes no value"), ExitCode.usage],
  [new NotImplementedError("dataset info"), ExitCode.notImplemented],
  [new AlignmentShapeError("tokens_per_word", "words claim 5 tokens but there are 4"), ExitCode.badInput],
  [new ParquetFileError("0/index.parquet", "not a Parquet file"), ExitCode.badInput],
  [new UnknownAudioFormatError("song.xyz", "00 01 02 03"), ExitCode.badInput],
  [new LrcParseError(2, "[xx]la", "malformed time stamp"), ExitCode.badInput],
  [new EspeakSynthesisError("no events for the text"), ExitCode.badInput],
  [new MissingInputError("stoks", "0/vocals.parquet", "src_sep"), ExitCode.badInput],
  [new InvalidSemanticAudioError("a.wav", "audio is empty"), ExitCode.badInput],
  [new SingInputError("a.wav", "shorter than 1 s"), ExitCode.badInput],
  [new SongRenderError("song_3", "the lyrics do not fit"), ExitCode.badInput],
  [new DatasetError("data", "is not a directory"), ExitCode.badInput],
  [new AutosingError("any other library's deliberate failure"), ExitCode.badInput],
  [new ModelConfigError("n_head", 3, "must divide width"), ExitCode.modelProblem],
  [new T2SInputError("ttoks", "too long"), ExitCode.modelProblem],
  [new SM2AConfigError("depth", 0, "must be positive"), ExitCode.modelProblem],
  [new ArtistEmbedderError("no weights"), ExitCode.modelProblem],
  [new CodecLoadError("snac:models", "encoder.onnx is missing"), ExitCode.modelProblem],
  [new FrameClassifierContractError("frame.onnx: expected 42 classes"), ExitCode.modelProblem],
  [new SeparatorContractError("mdx.onnx", "2 inputs"), ExitCode.modelProblem],
  [new SemanticModelContractError("bn.onnx", "no output"), ExitCode.modelProblem],
  [new SingModelError("--t2s", "models/t2s", "has no config.json"), ExitCode.modelProblem],
  [new CheckpointError("ckpt", "does not match the model"), ExitCode.modelProblem],
  [new TrainableContractError("no parameters"), ExitCode.modelProblem],
  [new EspeakLoadError("cannot import the eSpeak module"), ExitCode.modelProblem],
  [new CorpusWriteError("out/0/index.parquet", "disk full"), ExitCode.fileSystem],
  ...["ENOENT", "EACCES", "EPERM", "EISDIR", "ENOTDIR", "EEXIST", "ENOTEMPTY", "EROFS", "ENOSPC", "EDQUOT", "EFBIG"].map(
    (code) => [errno(code, `${code}: failed, open 'data/0/index.parquet'`), ExitCode.fileSystem] as const,
  ),
  [new BackendOutOfMemoryError("wasm", "training", new Error("memory access out of bounds")), ExitCode.outOfMemory],
  [new CliError("autosing train: interrupted at step 3; continue with --resume-from ckpt", ExitCode.interrupted), ExitCode.interrupted],
];

async function runFailing(error: unknown): Promise<{ code: number; stdout: string; stderr: string }> {
  vi.mocked(datasetInfo).mockRejectedValueOnce(error);
  let stdout = "";
  let stderr = "";
  const code = await runCli(["dataset", "info", "data"], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe("the exit-code table", () => {
  it.each(CASES.map(([error, code]) => [(error as Error).name, (error as NodeJS.ErrnoException).code ?? "", error, code] as const))(
    "%s %s ends the run with its code and one line on stderr",
    async (_name, _errno, error, expected) => {
      const { code, stdout, stderr } = await runFailing(error);
      expect(code).toBe(expected);
      expect(stdout).toBe("");
      const message = (error as Error).message;
      expect(stderr).toBe(CliError.isInstance(error) ? `${message}\n` : `autosing dataset info: ${message}\n`);
    },
  );

  it("prints the stack of anything else, a bug, and exits 1", async () => {
    const { code, stderr } = await runFailing(new TypeError("cannot read properties of undefined"));
    expect(code).toBe(ExitCode.internalError);
    expect(stderr).toMatch(/^autosing: unexpected error: TypeError: cannot read properties of undefined\n {4}at /);
  });

  it("ends commander's usage errors with 2 and --help, --version with 0", async () => {
    const silent = { stdout: () => {}, stderr: () => {} };
    expect(await runCli(["dataset", "info"], silent)).toBe(ExitCode.usage);
    expect(await runCli(["dataset", "info", "data", "--frobnicate"], silent)).toBe(ExitCode.usage);
    expect(await runCli(["--help"], silent)).toBe(ExitCode.success);
    expect(await runCli(["--version"], silent)).toBe(ExitCode.success);
  });

  it("lets the most specific class decide, wherever its row stands", () => {
    expect(exitCodeRowOf(new CodecLoadError("x", "y"))?.name).toBe("model-problem");
    expect(exitCodeRowOf(new UnknownAudioFormatError("x", "y"))?.name).toBe("bad-input");
    expect(exitCodeRowOf(new BackendOutOfMemoryError("wasm", "validation", new Error("trap")))?.name).toBe("out-of-memory");
    expect(exitCodeRowOf(new Error("plain"))).toBeUndefined();
    expect(exitCodeRowOf(errno("ECONNRESET", "socket hang up"))).toBeUndefined();
  });

  it("has one row per code and name, and a name for each ExitCode constant", () => {
    expect(new Set(EXIT_CODES.map((row) => row.code)).size).toBe(EXIT_CODES.length);
    expect(new Set(EXIT_CODES.map((row) => row.name)).size).toBe(EXIT_CODES.length);
    const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    expect(Object.entries(ExitCode).map(([name, code]) => [kebab(name), code])).toEqual(EXIT_CODES.map((row) => [row.name, row.code]));
  });

  it("is what the README's Exit codes section lists (codes, names and meanings)", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    const section = /^## Exit codes\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? "";
    const rows = [...section.matchAll(/^\| *(\d+) *\| *`([a-z-]+)` *\| *(.*?) *\|$/gm)].map((match) => [Number(match[1]), match[2], match[3]?.replaceAll("`", "")]);
    expect(rows).toEqual(EXIT_CODES.map((row) => [row.code, row.name, row.meaning]));
  });
});
