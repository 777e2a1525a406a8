import { createRequire } from "node:module";

import { Command, CommanderError } from "commander";

import { addPlannedCommand } from "./commands/planned.js";
import { CliError } from "./errors.js";

const packageJson = createRequire(import.meta.url)("../package.json") as { version: string };

/** The streams a run writes to; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Builds the `autosing` command tree. Commands whose issues have not landed are registered
 * as planned commands: they show in `--help` and exit non-zero with a one-line message.
 */
export function createProgram(io: CliIo = processIo): Command {
  const program = new Command("autosing")
    .description("Lyrics plus a reference song in, new singing over its accompaniment out.")
    .version(packageJson.version, "-V, --version", "print the autosing version")
    .showHelpAfterError("(run `autosing --help` for usage)")
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  addPlannedCommand(program, {
    name: "process",
    args: "<step> <dataset> [partition]",
    summary: "run a dataset processing step (align, vad_extract, src_sep, atoks, stoks, artist_embs) on a partition",
    issue: 11,
    allowUnknownOptions: true,
  });
  addPlannedCommand(program, {
    name: "construct-dataset",
    args: "<data_dir> <num_in_partitions> <output_dir>",
    summary: "join step tables, optionally split 30 s rows, shuffle into training partitions",
    issue: 3,
    allowUnknownOptions: true,
  });
  addPlannedCommand(program, {
    name: "train",
    summary: "train t2s, sm2a or the artist embedder (upstream train.py flags)",
    issue: 5,
    allowUnknownOptions: true,
  });
  addPlannedCommand(program, {
    name: "export",
    args: "<checkpoint> <out_dir>",
    summary: "export a trained checkpoint to ONNX encoder/decoder graphs plus config",
    issue: 7,
  });
  addPlannedCommand(program, {
    name: "sing",
    args: "[reference]",
    summary: "sing two lines of lyrics over a reference song's accompaniment",
    issue: 12,
    allowUnknownOptions: true,
  });
  addPlannedCommand(program, {
    name: "serve",
    summary: "start the HTTP server with the sing page and the dataset viewer",
    issue: 10,
    allowUnknownOptions: true,
  });

  const dataset = program.command("dataset").description("inspect partitioned datasets");
  addPlannedCommand(dataset, {
    name: "dataset info",
    args: "<dir>",
    summary: "partitions, rows per step table, completed steps and bytes on disk",
    issue: 3,
    allowUnknownOptions: true,
  });

  const codec = program.command("codec").description("acoustic codec tools");
  for (const verb of ["encode", "decode", "roundtrip"]) {
    addPlannedCommand(codec, {
      name: `codec ${verb}`,
      args: "<in> <out>",
      summary: `${verb} audio with a codec (--codec default:<file>|snac:<dir>)`,
      issue: 4,
      allowUnknownOptions: true,
    });
  }
  addPlannedCommand(codec, {
    name: "codec fit",
    args: "<inputs...>",
    summary: "fit the default codec's codebooks on audio files or a dataset",
    issue: 4,
    allowUnknownOptions: true,
  });

  addPlannedCommand(program, {
    name: "align",
    args: "<audio>",
    summary: "align lyrics (--lrc F | --lyrics F) to audio and print word and line spans",
    issue: 8,
    allowUnknownOptions: true,
  });

  const corpus = program.command("corpus").description("synthetic song corpus with ground truth");
  addPlannedCommand(corpus, {
    name: "corpus make",
    args: "<dir>",
    summary: "generate synthetic songs in the dataset layout (--songs N --partitions P --seed S)",
    issue: 6,
    allowUnknownOptions: true,
  });

  return program;
}

/**
 * Runs the CLI and resolves to the process exit code; never throws. Commander's own exits
 * (help, version, usage errors) map to their codes; CliErrors print one line.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode;
    }
    if (CliError.isInstance(error)) {
      io.stderr(`${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(`autosing: unexpected error: ${message}\n`);
    return 1;
  }
}
