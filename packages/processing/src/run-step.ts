/**
 * One processing step on one partition with its models: the part of `autosing process` that does
 * not depend on how the models were named (flags, a models directory), shared by the CLI and the
 * server's process jobs. Models are opened by {@link openStepModels} once and may serve many
 * partitions (the CLI's `--num-partitions`, a server worker's warm cache).
 */
import { type ArtistEmbedder, openArtistEmbedderExport } from "@autosing/artist-embedder";
import { type AcousticCodec, loadCodec } from "@autosing/audio-codec";
import { OnnxFrameClassifier } from "@autosing/lrc-align";
import { type MdxOnnxOptions, type SourceSeparator, loadSeparator } from "@autosing/separation";
import { loadSemanticTokenizer } from "@autosing/semantic-tokens";

import { artistEmbs } from "./artist-embs.js";
import { type AtoksSource, atoks } from "./atoks.js";
import { align } from "./align.js";
import type { StepAudioFormat } from "./audio-format.js";
import { ModelRequiredError } from "./errors.js";
import { codecTableName } from "./model-specs.js";
import { srcSep } from "./src-sep.js";
import type { CommonStepOptions, StepName, StepResult } from "./step.js";
import { stoks } from "./stoks.js";
import { vadExtract } from "./vad-extract.js";

/** The networks of a step as specs (what `autosing process`'s flags and `resolveModels` give). */
export interface StepModelSpecs {
  /** align, vad_extract: a frame-classifier ONNX file; absent: the no-model defaults (demo-grade). */
  readonly classifier?: string;
  /** src_sep: `mdx:<onnx>`, `roformer:<dir>` or `truth` (required). */
  readonly separator?: string;
  /** atoks: `default:<file>` or `snac:<dir>` (required); artist_embs: the atoks table's codec (a spec or a name, default snac_32khz). */
  readonly codec?: string;
  /** stoks: `default:<file>` or `bn-whisper:<onnx>` (required). */
  readonly tokenizer?: string;
  /** artist_embs: an exported artist embedder folder (required). */
  readonly embedder?: string;
}

/** Opened models of a step; {@link releaseStepModels} releases them. */
export interface StepModels {
  classifier?: OnnxFrameClassifier;
  codec?: AcousticCodec;
  embedder?: ArtistEmbedder;
  tokenizer?: Awaited<ReturnType<typeof loadSemanticTokenizer>>;
  /** A separator that serves any partition (every kind but `truth`, which is opened per partition). */
  separator?: SourceSeparator;
}

export interface OpenStepModelsOptions {
  /** onnxruntime intra-op threads. */
  readonly threads?: number;
  /** MDX-Net settings of an `mdx:` separator. */
  readonly mdx?: MdxOnnxOptions;
}

/** The steps' settings besides their models (each the `autosing process` flag of the same name). */
export interface StepSettings {
  readonly audioFormat?: StepAudioFormat;
  readonly maxSongSeconds?: number;
  readonly maxLyricsChars?: number;
  readonly voice?: string;
  readonly rate?: number;
  readonly chunkLength?: number;
  readonly minOccupancy?: number;
  /** atoks: the audio tables to encode (default vocals, no_vocals). */
  readonly sources?: readonly AtoksSource[];
}

const HOW_TO_GET = {
  separator: 'pass a separator spec: "mdx:<model.onnx>", "roformer:<dir from autosing import separator>" or "truth" (synthetic corpora)',
  codec: 'pass a codec spec: "default:<codec file>" (autosing codec fit) or "snac:<dir>" (autosing import snac)',
  tokenizer: 'pass a tokenizer spec: "default:<tokenizer.json>" or "bn-whisper:<model.onnx>" (autosing import bn-whisper)',
} as const;

/** Opens what `step` needs from `specs`; a required network that is absent is a `ModelRequiredError`. */
export async function openStepModels(step: StepName, specs: StepModelSpecs, options: OpenStepModelsOptions = {}): Promise<StepModels> {
  const threads = options.threads === undefined ? {} : { threads: options.threads };
  const models: StepModels = {};
  try {
    if ((step === "align" || step === "vad_extract") && specs.classifier !== undefined) models.classifier = await OnnxFrameClassifier.open(specs.classifier, threads);
    if (step === "src_sep") {
      if (specs.separator === undefined) throw new ModelRequiredError(step, "a vocal separator", HOW_TO_GET.separator);
      // The dataset and partition only matter to the truth oracle, which runStepOnPartition opens per partition.
      if (specs.separator !== "truth") models.separator = await loadSeparator(specs.separator, "", 0, { ...options.mdx, ...threads }, threads);
    }
    if (step === "atoks") {
      if (specs.codec === undefined) throw new ModelRequiredError(step, "an acoustic codec", HOW_TO_GET.codec);
      models.codec = await loadCodec(specs.codec, threads);
    }
    if (step === "stoks") {
      if (specs.tokenizer === undefined) throw new ModelRequiredError(step, "a semantic tokenizer", HOW_TO_GET.tokenizer);
      models.tokenizer = await loadSemanticTokenizer(specs.tokenizer, threads);
    }
    // Without an embedder artistEmbs itself says how to make one.
    if (step === "artist_embs" && specs.embedder !== undefined) models.embedder = await openArtistEmbedderExport(specs.embedder, threads);
  } catch (error) {
    await releaseStepModels(models);
    throw error;
  }
  return models;
}

/** Releases every model {@link openStepModels} opened. */
export async function releaseStepModels(models: StepModels): Promise<void> {
  await models.classifier?.release();
  await models.codec?.dispose();
  await models.tokenizer?.dispose();
  await models.embedder?.release();
  await models.separator?.dispose();
}

/** What {@link runStepOnPartition} runs with. */
export interface RunStepOptions {
  readonly models: StepModels;
  /** The specs the models were opened from: src_sep's `truth` is opened here, artist_embs names its atoks table by `codec`. */
  readonly specs: StepModelSpecs;
  readonly settings?: StepSettings;
  readonly common?: CommonStepOptions;
  readonly threads?: number;
  readonly mdx?: MdxOnnxOptions;
}

/** Runs `step` on one partition (atoks: once per source) and returns what it did to each output table. */
export async function runStepOnPartition(step: StepName, dataset: string, partition: number, options: RunStepOptions): Promise<StepResult[]> {
  const { models, specs } = options;
  const settings = options.settings ?? {};
  const common = options.common ?? {};
  const withFormat = settings.audioFormat === undefined ? {} : { audioFormat: settings.audioFormat };
  const maxSongSeconds = settings.maxSongSeconds === undefined ? {} : { maxSongSeconds: settings.maxSongSeconds };
  switch (step) {
    case "align":
      return [
        await align(dataset, partition, {
          ...common,
          ...maxSongSeconds,
          ...(settings.maxLyricsChars === undefined ? {} : { maxLyricsChars: settings.maxLyricsChars }),
          ...(models.classifier === undefined ? {} : { classifier: models.classifier }),
          ...(settings.voice === undefined ? {} : { voice: settings.voice }),
          ...(settings.rate === undefined ? {} : { rate: settings.rate }),
        }),
      ];
    case "vad_extract":
      return [
        await vadExtract(dataset, partition, {
          ...common,
          ...maxSongSeconds,
          ...withFormat,
          ...(models.classifier === undefined ? {} : { classifier: models.classifier }),
          ...(settings.chunkLength === undefined ? {} : { chunkLength: settings.chunkLength }),
          ...(settings.minOccupancy === undefined ? {} : { minOccupancy: settings.minOccupancy }),
        }),
      ];
    case "src_sep": {
      if (models.separator !== undefined) return [await srcSep(dataset, partition, { ...common, ...withFormat, separator: models.separator })];
      if (specs.separator === undefined) throw new ModelRequiredError(step, "a vocal separator", HOW_TO_GET.separator);
      const threads = options.threads === undefined ? {} : { threads: options.threads };
      const separator = await loadSeparator(specs.separator, dataset, partition, { ...options.mdx, ...threads }, threads);
      try {
        return [await srcSep(dataset, partition, { ...common, ...withFormat, separator })];
      } finally {
        await separator.dispose();
      }
    }
    case "atoks": {
      if (models.codec === undefined) throw new ModelRequiredError(step, "an acoustic codec", HOW_TO_GET.codec);
      const results: StepResult[] = [];
      for (const source of settings.sources ?? ["vocals", "no_vocals"]) results.push(await atoks(dataset, partition, { ...common, codec: models.codec, source }));
      return results;
    }
    case "stoks":
      if (models.tokenizer === undefined) throw new ModelRequiredError(step, "a semantic tokenizer", HOW_TO_GET.tokenizer);
      return [await stoks(dataset, partition, { ...common, tokenizer: models.tokenizer })];
    case "artist_embs":
      return [await artistEmbs(dataset, partition, { ...common, embedder: models.embedder, codec: codecTableName(specs.codec ?? "snac_32khz") })];
  }
}
