import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";

import type { AcousticCodec, EncodeFormat, Tokens } from "@autosing/audio-codec";
import {
  DEFAULT_CODEC_CONFIG,
  SNAC_32KHZ,
  decodeAudio,
  encodeAudio,
  fitDefaultCodec,
  prepareForCodec,
  reconstructionMetrics,
  serializeDefaultCodec,
} from "@autosing/audio-codec";
import { writeFileAtomic } from "@autosing/base";
import { defineColumn, defineTable, readTable } from "@autosing/parquet-io";
import type { Command } from "commander";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import type { CliIo } from "../io.js";
import { INTEGER, POSITIVE_INTEGER, integerInRange, numberFlag } from "../shared/number-flags.js";
import { loadCodecFlag } from "../shared/codec-flag.js";
import { parseTokensFile, tokensFileBody } from "../shared/tokens-file.js";
import { withUserErrors } from "../shared/with-user-errors.js";

const AUDIO_EXTENSIONS = new Set([".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus"]);
/** Dataset step tables whose `audio` column `codec fit` reads (DESIGN.md §1). */
const AUDIO_TABLES = new Set(["index.parquet", "chunked.parquet", "vocals.parquet", "no_vocals.parquet"]);

function outputFormat(file: string, float: boolean): EncodeFormat {
  const ext = extname(file).toLowerCase();
  if (ext === ".wav") return float ? "wav-float" : "wav";
  if (ext === ".flac") return "flac";
  if (ext === ".ogg" || ext === ".oga") return "ogg-vorbis";
  if (ext === ".mp3") return "mp3";
  throw new CliError(`autosing codec: cannot write "${file}": use .wav, .flac, .ogg or .mp3`);
}

async function openCodec(spec: string | undefined): Promise<AcousticCodec> {
  if (spec === undefined) {
    throw new CliError('autosing codec: pass --codec default:<codec.json|.safetensors> (fit one with "autosing codec fit") or snac:<dir with encoder.onnx, decoder.onnx>');
  }
  return loadCodecFlag("codec", spec);
}

async function readMono(file: string, codec: { sampleRate: number }): Promise<Float32Array> {
  const audio = await decodeAudio(await readFile(file), { source: file });
  return prepareForCodec(audio, codec, file);
}

async function writeAudio(file: string, samples: Float32Array, sampleRate: number, float: boolean): Promise<void> {
  const bytes = await encodeAudio({ channels: [samples], sampleRate }, outputFormat(file, float), { source: file });
  await writeFileAtomic(file, bytes);
}

async function readTokens(file: string, codec: AcousticCodec): Promise<Tokens> {
  return parseTokensFile(file, await readFile(file, "utf8"), codec);
}

function seconds(samples: number, rate: number): string {
  return (samples / rate).toFixed(2);
}

/** Audio files under the inputs (directories walked recursively) and dataset tables with audio. */
async function collectInputs(inputs: readonly string[]): Promise<{ audioFiles: string[]; tables: string[] }> {
  const audioFiles: string[] = [];
  const tables: string[] = [];
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = (await readdir(path)).sort();
      for (const entry of entries) await visit(join(path, entry), false);
    } else if (AUDIO_TABLES.has(basename(path)) || (explicit && extname(path) === ".parquet")) {
      tables.push(path);
    } else if (AUDIO_EXTENSIONS.has(extname(path).toLowerCase()) || explicit) {
      audioFiles.push(path);
    }
  };
  for (const input of inputs) await visit(input, true);
  return { audioFiles, tables };
}

const audioColumnTable = defineTable<{ id: string; audio: Uint8Array }>("audio", [defineColumn("id", "string"), defineColumn("audio", "binary")]);

/** The default codec's tokens share SNAC's 4096 codes per level, so it cannot fit more centroids than that. */
const MAX_CODEBOOK_SIZE = SNAC_32KHZ.numCodes;
const positiveInteger = (flag: string) => numberFlag("codec", flag, POSITIVE_INTEGER);

/** `autosing codec encode|decode|roundtrip|fit`: the acoustic codec tools of issue #4. */
export function registerCodecCommands(program: Command, io: CliIo): void {
  const codec = program.command("codec").description("acoustic codec tools: encode, decode, roundtrip, fit the default codec");
  const codecOption = "--codec <spec>";
  const codecHelp = "default:<codec.json|.safetensors> (embedded mel-RVQ codec) or snac:<dir> (SNAC 32 kHz ONNX)";

  codec
    .command("encode <in> <out>")
    .description("encode an audio file to dense [4, T] codec tokens (JSON)")
    .option(codecOption, codecHelp)
    .action(async (input: string, output: string, options: { codec?: string }) => {
      await withUserErrors("codec", async () => {
        const model = await openCodec(options.codec);
        try {
          const mono = await readMono(input, model);
          const started = performance.now();
          const tokens = await model.encode(mono);
          const elapsed = (performance.now() - started) / 1000;
          await writeFileAtomic(output, tokensFileBody(model, tokens));
          io.stdout(`${input}: ${seconds(mono.length, model.sampleRate)} s → tokens [${tokens.shape.join(", ")}] (${model.name}) in ${elapsed.toFixed(2)} s → ${output}\n`);
        } finally {
          await model.dispose();
        }
      });
    });

  codec
    .command("decode <in> <out>")
    .description("decode a tokens JSON file to audio (.wav, .flac, .ogg, .mp3)")
    .option(codecOption, codecHelp)
    .option("--float", "write 32-bit float WAV instead of 16-bit")
    .action(async (input: string, output: string, options: { codec?: string; float?: boolean }) => {
      await withUserErrors("codec", async () => {
        const model = await openCodec(options.codec);
        try {
          const tokens = await readTokens(input, model);
          const started = performance.now();
          const audio = await model.decode(tokens);
          const elapsed = (performance.now() - started) / 1000;
          await writeAudio(output, audio, model.sampleRate, options.float ?? false);
          io.stdout(`${input}: tokens [${tokens.shape.join(", ")}] → ${seconds(audio.length, model.sampleRate)} s (${model.name}) in ${elapsed.toFixed(2)} s → ${output}\n`);
        } finally {
          await model.dispose();
        }
      });
    });

  codec
    .command("roundtrip <in> <out>")
    .description("encode then decode an audio file and report reconstruction quality")
    .option(codecOption, codecHelp)
    .option("--float", "write 32-bit float WAV instead of 16-bit")
    .action(async (input: string, output: string, options: { codec?: string; float?: boolean }) => {
      await withUserErrors("codec", async () => {
        const model = await openCodec(options.codec);
        try {
          const mono = await readMono(input, model);
          const t0 = performance.now();
          const tokens = await model.encode(mono);
          const t1 = performance.now();
          const audio = await model.decode(tokens);
          const t2 = performance.now();
          await writeAudio(output, audio, model.sampleRate, options.float ?? false);
          const duration = audio.length / model.sampleRate;
          const metrics = reconstructionMetrics(mono.subarray(0, audio.length), audio);
          io.stdout(
            `${input}: ${seconds(audio.length, model.sampleRate)} s through ${model.name}, tokens [${tokens.shape.join(", ")}]\n` +
              `  encode ${(duration / ((t1 - t0) / 1000)).toFixed(1)}× real time, decode ${(duration / ((t2 - t1) / 1000)).toFixed(1)}× real time\n` +
              `  log-mel distance ${metrics.logMelDistanceDb.toFixed(2)} dB, magnitude-spectrogram SNR ${metrics.magnitudeSnrDb.toFixed(2)} dB\n` +
              `  → ${output}\n`,
          );
        } finally {
          await model.dispose();
        }
      });
    });

  codec
    .command("fit <inputs...>")
    .description("fit the default codec's codebooks on audio files, directories or dataset tables")
    .requiredOption("--out <file>", "codec file to write: .json or .safetensors")
    .option(
      "--codebook-size <n>",
      `centroids per level, at most ${MAX_CODEBOOK_SIZE} (default ${DEFAULT_CODEC_CONFIG.codebookSize})`,
      numberFlag("codec", "--codebook-size", integerInRange(1, MAX_CODEBOOK_SIZE)),
    )
    .option("--iterations <n>", "k-means iterations per level (default 10)", positiveInteger("--iterations"))
    .option("--seed <n>", "k-means seed (default 0)", numberFlag("codec", "--seed", INTEGER))
    .option("--max-vectors <n>", "training vectors per level, evenly subsampled (default 20000)", positiveInteger("--max-vectors"))
    .action(async (inputs: string[], options: { out: string; codebookSize?: number; iterations?: number; seed?: number; maxVectors?: number }) => {
      await withUserErrors("codec", async () => {
        const ext = extname(options.out).toLowerCase();
        if (ext !== ".json" && ext !== ".safetensors") throw new CliError(`autosing codec fit: --out must end in .json or .safetensors, got "${options.out}"`);
        const { audioFiles, tables } = await collectInputs(inputs);
        const target = { sampleRate: DEFAULT_CODEC_CONFIG.sampleRate };
        const clips: Float32Array[] = [];
        for (const file of audioFiles) clips.push(await readMono(file, target));
        for (const table of tables) {
          const rows = await readTable(table, audioColumnTable, { columns: ["id", "audio"] });
          for (const row of rows) clips.push(await prepareForCodec(await decodeAudio(row.audio, { source: `${table}#${row.id}` }), target, `${table}#${row.id}`));
        }
        const resolved = clips;
        if (resolved.length === 0) throw new CliError(`autosing codec fit: no audio found in ${inputs.join(", ")}`, ExitCode.badInput);
        const total = resolved.reduce((n, c) => n + c.length, 0);
        const started = performance.now();
        const model = await fitDefaultCodec(resolved, {
          ...(options.codebookSize === undefined ? {} : { config: { codebookSize: options.codebookSize } }),
          ...(options.iterations === undefined ? {} : { iterations: options.iterations }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.maxVectors === undefined ? {} : { maxTrainingVectors: options.maxVectors }),
        });
        const elapsed = (performance.now() - started) / 1000;
        await writeFileAtomic(options.out, await serializeDefaultCodec(model, ext === ".json" ? "json" : "safetensors"));
        io.stdout(
          `fitted the default codec on ${resolved.length} clip(s), ${seconds(total, target.sampleRate)} s of audio, ` +
            `4 levels × ${model.config.codebookSize} codes in ${elapsed.toFixed(1)} s → ${options.out}\n`,
        );
      });
    });
}
