import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import { type Command, Option } from "commander";

import {
  AUTOSING_ARTIST_WINDOW_FRAMES,
  ArtistEmbedderTrainableModel,
  DEFAULT_ARTIST_EMBEDDER_CONFIG,
  DEFAULT_ARTIST_EMBEDDER_TUNABLES,
  artistEmbedderConfig,
  trainingWindows,
} from "@autosing/artist-embedder";
import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "@autosing/artist-embedder";
import { TF_BACKEND_PREFERENCE, type TfBackendChoice, describeTfBackend } from "@autosing/nn";
import { ParquetIoError } from "@autosing/parquet-io";
import { DEFAULT_SM2A_TUNABLES, SM2A_SIZES, SM2ATrainableModel, sm2aConfigForSize } from "@autosing/sm2a-model";
import type { SM2AConfig, SM2ASize, SM2ATunables } from "@autosing/sm2a-model";
import { DEFAULT_T2S_TUNABLES, T2S_SIZES, T2STrainableModel, t2sConfigForSize } from "@autosing/t2s-model";
import type { T2SConfig, T2SSize, T2STunables } from "@autosing/t2s-model";
import {
  type ArtistEmbHostBatch,
  ArtistEmbeddingDataset,
  type JsonObject,
  LR_SCHEDULES,
  type LrScheduleName,
  PartitionedDataset,
  type PartitionedDatasetOptions,
  ProgressBar,
  type SM2AHostBatch,
  type SM2ASample,
  type T2SHostBatch,
  type T2SSample,
  type TrainableModel,
  type TrainingDataset,
  type TrainingRow,
  TrainerError,
  collateSM2A,
  collateT2S,
  collectArtists,
  loadModelWeights,
  readArtistFile,
  selectBackend,
  sm2aSample,
  t2sSample,
  t2sTextLength,
  train,
  trainingTable,
} from "@autosing/trainer";

import { CliError } from "../errors.js";
import type { CliIo } from "../io.js";

/**
 * The upstream task modules (`importlib.import_module("autosing." + task_name)`); `artist_emb`
 * (the embedder's model name, as `autosing export` knows it) is an alias of `artist_embeddings`.
 */
const TASKS = ["t2s", "sm2a", "artist_embeddings", "artist_emb"] as const;
type TaskName = (typeof TASKS)[number];

interface TrainFlags {
  task_name?: string;
  task_args: string;
  datasetConfig: string;
  tunables: string;
  seed: string;
  batchSize: string;
  epochs: string;
  lrSchedule: string;
  clipGradientNorm?: string;
  accumulateGradBatches: string;
  checkpointDir: string;
  outputDir: string;
  validateEveryNSteps: string;
  resumeFrom?: string;
  loadFrom?: string;
  backend: string;
}

function parseJsonFlag(flag: string, text: string): JsonObject {
  // upstream: `if len(args) > 0: json.loads(args) else {}`.
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`autosing train: ${flag} is not valid JSON (${(error as Error).message}): ${text}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CliError(`autosing train: ${flag} must be a JSON object, got ${text}`);
  }
  return value as JsonObject;
}

function parseNumberFlag(flag: string, text: string, integer: boolean, min: number): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
    throw new CliError(`autosing train: ${flag} must be ${integer ? "an integer" : "a number"} ≥ ${min}, got "${text}"`);
  }
  return value;
}

function checkKeys(flag: string, object: JsonObject, allowed: readonly string[]): void {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
  if (unknown.length) {
    throw new CliError(`autosing train: ${flag} has unknown key${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (known: ${allowed.join(", ")})`);
  }
}

function stringField(flag: string, object: JsonObject, key: string): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new CliError(`autosing train: ${flag} "${key}" must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** A model and its datasets, ready for the loop. */
interface PreparedTask<Batch> {
  model: TrainableModel<Batch> & { dispose(): void };
  /** What the final model directory's config.json says (the model packages' checkpoint format). */
  train: TrainingDataset<Batch>;
  validation: TrainingDataset<Batch>;
  /** lr0, weight_decay, warmup_steps, clip_gradient_norm from the task's Tunables (upstream overrides the flags with them). */
  tunables: { lr0: number; weight_decay: number; warmup_steps: number; clip_gradient_norm?: number | null };
}

interface TaskContext {
  taskArgs: JsonObject;
  datasetConfig: JsonObject;
  tunables: JsonObject;
  seed: number;
  batchSize: number;
  loadFrom?: string;
  log: (line: string) => void;
}

/** How a task's `--dataset-config` key is read: its type, or accepted and unused. */
type FieldKind = "string" | "number" | "boolean" | "unused";
type FieldValue<K extends FieldKind> = K extends "string" ? string : K extends "number" ? number : K extends "boolean" ? boolean : never;
type FieldTable = Readonly<Record<string, FieldKind>>;
type ParsedFields<T extends FieldTable> = { -readonly [K in keyof T as T[K] extends "unused" ? never : K]?: FieldValue<T[K]> };

function field(flag: string, object: JsonObject, key: string, kind: FieldKind): string | number | boolean | undefined {
  const value = object[key];
  if (value === undefined || kind === "unused") return undefined;
  if (kind === "string") return stringField(flag, object, key);
  if (kind === "boolean") {
    if (typeof value !== "boolean") throw new CliError(`autosing train: ${flag} "${key}" must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }
  if (typeof value !== "number") throw new CliError(`autosing train: ${flag} "${key}" must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * What each task accepts (upstream's `make_model` keyword arguments, its dataset's `load_dataset`
 * keys and its Tunables), read by {@link parseDatasetConfig} and {@link parseTunables}. The table
 * order is the order of the known keys in error messages.
 */
interface TaskOptionSpec<Dataset extends FieldTable, Tunables> {
  taskArgs: readonly string[];
  /** Every accepted `--dataset-config` key but `path`. */
  datasetConfig: Dataset;
  /** What `path` names, for the error when it is missing. */
  pathIs: string;
  /** Other keys that must be given: the error when one is missing, raised when the table reaches it. */
  required?: Readonly<Record<string, string>>;
  tunables: Tunables;
}

/** Embedder keyword arguments that upstream make_model passes through from --task_args. */
const ARTIST_EMB_TASK_ARGS = ["depth", "n_head", "head_width", "ffn_mult", "emb_width", "quantizers", "codes", "finetune"] as const;

const T2S_OPTIONS = {
  // upstream make_model(size, frozen_embeddings_model, tunables, dataset, base_model).
  taskArgs: ["size", "frozen_embeddings_model", "base_model"],
  datasetConfig: { num_partitions: "number", min_inlier_ratio: "number", mask_finegrained: "number", shufbuf_size: "number" },
  pathIs: "the constructed dataset folder",
  tunables: DEFAULT_T2S_TUNABLES,
} as const satisfies TaskOptionSpec<FieldTable, T2STunables>;

const SM2A_OPTIONS = {
  taskArgs: ["size", "frozen_embeddings_model", "frozen_acoustic_embeddings", "base_model"],
  datasetConfig: { num_partitions: "number", multiscale: "boolean", p_coarse: "number", p_no_cond: "number", shufbuf_size: "number" },
  pathIs: "the constructed dataset folder",
  tunables: DEFAULT_SM2A_TUNABLES,
} as const satisfies TaskOptionSpec<FieldTable, SM2ATunables>;

const ARTIST_EMB_OPTIONS = {
  taskArgs: ARTIST_EMB_TASK_ARGS,
  // min_song_count is accepted and unused, as upstream's EmbeddingDataset does (the artist file decides).
  datasetConfig: { artist_file: "string", chunk_size: "number", num_partitions: "number", min_song_count: "unused", shufbuf_size: "number", codec: "string" },
  pathIs: "the dataset folder with atoks_vocals_snac_32khz and chunked tables",
  // upstream load_dataset raises the same way.
  required: { artist_file: 'needs "artist_file" for artist_embeddings; make one with `autosing train artists <dataset> --min-sample-count N`' },
  tunables: DEFAULT_ARTIST_EMBEDDER_TUNABLES,
} as const satisfies TaskOptionSpec<FieldTable, ArtistEmbedderTunables>;

/** Reads a task's `--dataset-config`: unknown keys, `path`, then each key's type in table order. */
function parseDatasetConfig<Dataset extends FieldTable>(
  context: TaskContext,
  spec: Pick<TaskOptionSpec<Dataset, unknown>, "datasetConfig" | "pathIs" | "required">,
): { path: string; dataset: ParsedFields<Dataset> } {
  const { datasetConfig } = context;
  checkKeys("--dataset-config", datasetConfig, ["path", ...Object.keys(spec.datasetConfig)]);
  const path = stringField("--dataset-config", datasetConfig, "path");
  if (!path) throw new CliError(`autosing train: --dataset-config needs "path" (${spec.pathIs})`);
  const dataset: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(spec.datasetConfig)) {
    const value = field("--dataset-config", datasetConfig, key, kind);
    const missing = spec.required?.[key];
    if (missing !== undefined && !value) throw new CliError(`autosing train: --dataset-config ${missing}`);
    if (value !== undefined) dataset[key] = value;
  }
  return { path, dataset: dataset as ParsedFields<Dataset> };
}

/** Reads a task's `--tunables`: unknown keys are refused, the rest override the task's defaults. */
function parseTunables<Tunables extends object>(context: TaskContext, spec: Pick<TaskOptionSpec<FieldTable, Tunables>, "tunables">): Tunables {
  checkKeys("--tunables", context.tunables, Object.keys(spec.tunables));
  return { ...spec.tunables, ...context.tunables } as Tunables;
}

/** The optimizer settings a task's Tunables give the loop. */
function loopTunables(tunables: { lr0: number; weight_decay: number; warmup_steps: number; clip_gradient_norm?: number | null }): PreparedTask<unknown>["tunables"] {
  return { lr0: tunables.lr0, weight_decay: tunables.weight_decay, warmup_steps: tunables.warmup_steps, clip_gradient_norm: tunables.clip_gradient_norm };
}

/** The shared dataset options of a task, spread only where given (the datasets' defaults apply otherwise). */
function partitionOptions(dataset: { num_partitions?: number; shufbuf_size?: number }): { numPartitions?: number; shuffleBufferSize?: number } {
  return {
    ...(dataset.num_partitions !== undefined ? { numPartitions: dataset.num_partitions } : {}),
    ...(dataset.shufbuf_size !== undefined ? { shuffleBufferSize: dataset.shufbuf_size } : {}),
  };
}

/**
 * Partition 0 (validation) and the training partitions of a constructed dataset, read the same
 * way for t2s and sm2a; `reader` is what the task maps each row to.
 */
async function openConstructedDataset<Sample, Batch>(
  context: TaskContext,
  path: string,
  dataset: { num_partitions?: number; shufbuf_size?: number },
  reader: Pick<PartitionedDatasetOptions<TrainingRow, Sample, Batch>, "columns" | "map" | "collate" | "tokensPerSample">,
): Promise<{ validation: TrainingDataset<Batch>; train: TrainingDataset<Batch> }> {
  const open = (split: "train" | "val") =>
    PartitionedDataset.open({ path, split, table: trainingTable, batchSize: context.batchSize, seed: context.seed, ...partitionOptions(dataset), log: context.log, ...reader });
  const validation = await open("val");
  return { validation, train: await open("train") };
}

/** A new model, with the weights of `--load-from` when given. */
async function withLoadedWeights<Model extends Pick<TrainableModel<unknown>, "parameters" | "frozenTensors">>(model: Model, loadFrom: string | undefined): Promise<Model> {
  if (loadFrom) await loadModelWeights(loadFrom, model.parameters, model.frozenTensors?.());
  return model;
}

/** The `config.json` of a model saved by a previous run (`{ model, config, tunables }`). */
async function readSavedConfig<Config>(directory: string, kind: "t2s" | "sm2a" | "artist_emb"): Promise<{ config: Config }> {
  let saved: { model?: string; config?: Config };
  try {
    saved = JSON.parse(await readFile(join(directory, "config.json"), "utf8")) as typeof saved;
  } catch (error) {
    throw new CliError(`autosing train: --load-from ${directory}: cannot read its config.json (${(error as Error).message})`);
  }
  if (saved.model !== kind || !saved.config) {
    throw new CliError(`autosing train: --load-from ${directory} is not a ${kind} model (its config.json says model ${JSON.stringify(saved.model)})`);
  }
  return { config: saved.config };
}

async function firstBatch<Batch>(dataset: TrainingDataset<Batch>, path: string): Promise<Batch> {
  // upstream reads the data dimensions off the dataset's first sample.
  for await (const item of dataset.batches(0, 0)) return item.batch;
  throw new CliError(`autosing train: dataset ${path} partition 0 yielded no usable rows`);
}

async function prepareSM2A(context: TaskContext): Promise<PreparedTask<SM2AHostBatch>> {
  const { taskArgs } = context;
  checkKeys("--task_args", taskArgs, SM2A_OPTIONS.taskArgs);
  if (taskArgs.frozen_embeddings_model !== undefined || taskArgs.frozen_acoustic_embeddings !== undefined || taskArgs.base_model !== undefined) {
    throw new CliError("autosing train: sm2a frozen_embeddings_model / frozen_acoustic_embeddings / base_model are not supported yet (user-supplied checkpoints with no loader yet)");
  }
  const size = stringField("--task_args", taskArgs, "size");
  if (!size || !(size in SM2A_SIZES)) {
    throw new CliError(`autosing train: ${size ? `unknown sm2a size "${size}"` : '--task_args needs "size" for sm2a'} (one of ${Object.keys(SM2A_SIZES).join(", ")})`);
  }
  const { path, dataset } = parseDatasetConfig(context, SM2A_OPTIONS);
  const tunables = parseTunables<SM2ATunables>(context, SM2A_OPTIONS);
  const options = {
    ...(dataset.multiscale !== undefined ? { multiscale: dataset.multiscale } : {}),
    ...(dataset.p_coarse !== undefined ? { pCoarse: dataset.p_coarse } : {}),
    ...(dataset.p_no_cond !== undefined ? { pNoCond: dataset.p_no_cond } : {}),
  };
  const { validation, train: trainSet } = await openConstructedDataset(context, path, dataset, {
    columns: ["id", "atoks", "mtoks", "stoks", "embs"],
    map: (row, sampleContext) => sm2aSample(row, options, sampleContext),
    collate: collateSM2A,
    tokensPerSample: (s: SM2ASample) => s.atoksLength,
  });
  let config: SM2AConfig;
  if (context.loadFrom) {
    config = (await readSavedConfig<SM2AConfig>(context.loadFrom, "sm2a")).config;
  } else {
    const first = await firstBatch(validation, path);
    // upstream make_model: ctx_n = atoks_len, stoks_len, mtoks_len, spk_width from the dataset.
    config = sm2aConfigForSize(size as SM2ASize, {
      ctx_n: first.atoksLength,
      stoks_len: first.stoksLength,
      mtoks_len: first.mtoksLength,
      spk_width: first.artistEmbeddings.length / first.size,
    });
  }
  const model = await withLoadedWeights(new SM2ATrainableModel(config, tunables, { seed: context.seed }), context.loadFrom);
  return {
    model: model as unknown as PreparedTask<SM2AHostBatch>["model"],
    train: trainSet,
    validation,
    tunables: loopTunables(tunables),
  };
}

async function prepareT2S(context: TaskContext): Promise<PreparedTask<T2SHostBatch>> {
  const { taskArgs } = context;
  checkKeys("--task_args", taskArgs, T2S_OPTIONS.taskArgs);
  if (taskArgs.frozen_embeddings_model !== undefined || taskArgs.base_model !== undefined) {
    throw new CliError(
      "autosing train: t2s frozen_embeddings_model / base_model are not supported yet (the BN-Whisper codebook and WhisperSpeech base checkpoints are user-supplied files with no loader yet)",
    );
  }
  const size = stringField("--task_args", taskArgs, "size");
  if (!size) throw new CliError(`autosing train: --task_args needs "size" for t2s (one of ${Object.keys(T2S_SIZES).join(", ")})`);
  if (!(size in T2S_SIZES)) throw new CliError(`autosing train: unknown t2s size "${size}" (one of ${Object.keys(T2S_SIZES).join(", ")})`);

  const { path, dataset } = parseDatasetConfig(context, T2S_OPTIONS);
  const tunables = parseTunables<T2STunables>(context, T2S_OPTIONS);
  const ttoksLength = t2sTextLength(path);
  const map = (row: Parameters<typeof t2sSample>[0]) =>
    t2sSample(row, {
      ttoksLength,
      ...(dataset.min_inlier_ratio !== undefined ? { minInlierRatio: dataset.min_inlier_ratio } : {}),
      ...(dataset.mask_finegrained !== undefined ? { maskFinegrained: dataset.mask_finegrained } : {}),
    });
  const { validation, train: trainSet } = await openConstructedDataset(context, path, dataset, {
    columns: ["id", "atoks", "mtoks", "stoks", "alignment"],
    map,
    collate: collateT2S,
    tokensPerSample: (s: T2SSample) => s.inStoks.length,
  });

  let config: T2SConfig;
  if (context.loadFrom) {
    config = (await readSavedConfig<T2SConfig>(context.loadFrom, "t2s")).config;
  } else {
    // upstream reads stoks_len / mtoks_len / quantizers off the dataset's first sample.
    const first = await firstBatch(validation, path);
    config = t2sConfigForSize(size as T2SSize, { ttoks_len: ttoksLength, stoks_len: first.stoksLength, mtoks_len: first.mtoksLength });
  }
  const model = await withLoadedWeights(new T2STrainableModel(config, tunables, { seed: context.seed }), context.loadFrom);
  return {
    model: model as unknown as PreparedTask<T2SHostBatch>["model"],
    train: trainSet,
    validation,
    tunables: loopTunables(tunables),
  };
}

/**
 * Port of autosing/artist_embeddings.py: load_dataset + make_model — windows of the vocals'
 * acoustic tokens labelled from the artist file; `num_classes` is the artist file's size and
 * `ctx_n` the window length (upstream reads it off the first sample, which is `chunk_size`).
 */
async function prepareArtistEmb(context: TaskContext): Promise<PreparedTask<ArtistEmbHostBatch>> {
  const { taskArgs } = context;
  checkKeys("--task_args", taskArgs, ARTIST_EMB_OPTIONS.taskArgs);
  const overrides: Partial<Omit<ArtistEmbedderConfig, "num_classes" | "ctx_n">> = {};
  for (const key of ARTIST_EMB_TASK_ARGS) {
    const value = taskArgs[key];
    if (value === undefined) continue;
    if (key === "finetune") {
      if (typeof value !== "boolean") throw new CliError(`autosing train: --task_args "finetune" must be true or false, got ${JSON.stringify(value)}`);
      overrides.finetune = value;
    } else {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
        throw new CliError(`autosing train: --task_args "${key}" must be a positive integer, got ${JSON.stringify(value)}`);
      }
      overrides[key] = value;
    }
  }
  const { path, dataset } = parseDatasetConfig(context, ARTIST_EMB_OPTIONS);
  const artistFile = dataset.artist_file as string; // required by ARTIST_EMB_OPTIONS
  // upstream's chunk_size has no working default; AutoSing's embedder windows are 832 frames.
  const chunkSize = dataset.chunk_size ?? AUTOSING_ARTIST_WINDOW_FRAMES;
  const tunables = parseTunables<ArtistEmbedderTunables>(context, ARTIST_EMB_OPTIONS);
  const artists = await readArtistFile(artistFile);
  const open = (split: "train" | "val") =>
    ArtistEmbeddingDataset.open({
      path,
      split,
      artists,
      chunkSize,
      windows: trainingWindows,
      batchSize: context.batchSize,
      seed: context.seed,
      ...partitionOptions(dataset),
      // The `atoks_vocals_<codec>` table to read (default snac_32khz, as upstream).
      ...(dataset.codec ? { codec: dataset.codec as string } : {}),
      log: context.log,
    });
  const validation = await open("val");
  const trainSet = await open("train");
  const numClasses = Object.keys(artists).length;
  let config: ArtistEmbedderConfig;
  if (context.loadFrom) {
    // upstream load_model rebuilds the Embedder from the saved config.
    config = { ...DEFAULT_ARTIST_EMBEDDER_CONFIG, ...(await readSavedConfig<ArtistEmbedderConfig>(context.loadFrom, "artist_emb")).config };
    if (config.num_classes !== numClasses || config.ctx_n !== chunkSize) {
      throw new CliError(
        `autosing train: --load-from ${context.loadFrom} has ${config.num_classes} classes over ${config.ctx_n}-frame windows; the artist file has ${numClasses} artists and chunk_size is ${chunkSize}`,
      );
    }
  } else {
    config = artistEmbedderConfig(numClasses, { ...overrides, ctx_n: chunkSize });
  }
  const model = await withLoadedWeights(new ArtistEmbedderTrainableModel(config, tunables, { seed: context.seed }), context.loadFrom);
  return {
    model: model as unknown as PreparedTask<ArtistEmbHostBatch>["model"],
    train: trainSet,
    validation,
    tunables: loopTunables(tunables),
  };
}

async function prepareTask(task: TaskName, context: TaskContext): Promise<PreparedTask<unknown>> {
  if (task === "t2s") return (await prepareT2S(context)) as PreparedTask<unknown>;
  if (task === "sm2a") return (await prepareSM2A(context)) as PreparedTask<unknown>;
  return (await prepareArtistEmb(context)) as PreparedTask<unknown>;
}

async function runTrain(flags: TrainFlags, io: CliIo): Promise<void> {
  // Everything is checked before any data is read or a model built.
  if (!flags.task_name) throw new CliError(`autosing train: --task_name is required (one of ${TASKS.join(", ")})`);
  if (!TASKS.includes(flags.task_name as TaskName)) {
    throw new CliError(`autosing train: unknown task "${flags.task_name}" (known: ${TASKS.join(", ")})`);
  }
  const task = flags.task_name as TaskName;
  const taskArgs = parseJsonFlag("--task_args", flags.task_args);
  const datasetConfig = parseJsonFlag("--dataset-config", flags.datasetConfig);
  const tunablesJson = parseJsonFlag("--tunables", flags.tunables);
  const seed = parseNumberFlag("--seed", flags.seed, true, 0);
  const batchSize = parseNumberFlag("--batch-size", flags.batchSize, true, 1);
  const epochs = parseNumberFlag("--epochs", flags.epochs, true, 1);
  const accumulateGradBatches = parseNumberFlag("--accumulate-grad-batches", flags.accumulateGradBatches, true, 1);
  const validateEveryNSteps = parseNumberFlag("--validate-every-n-steps", flags.validateEveryNSteps, true, 0);
  const clipFlag = flags.clipGradientNorm !== undefined ? parseNumberFlag("--clip-gradient-norm", flags.clipGradientNorm, false, 0) : undefined;
  if (!LR_SCHEDULES.includes(flags.lrSchedule as LrScheduleName)) {
    throw new CliError(`autosing train: --lr-schedule must be one of ${LR_SCHEDULES.join(", ")}, got "${flags.lrSchedule}"`);
  }
  if (flags.backend !== "auto" && !TF_BACKEND_PREFERENCE.includes(flags.backend as TfBackendChoice)) {
    throw new CliError(`autosing train: --backend must be auto or one of ${TF_BACKEND_PREFERENCE.join(", ")}, got "${flags.backend}"`);
  }
  if (flags.resumeFrom && flags.loadFrom) throw new CliError("autosing train: give --resume-from or --load-from, not both");

  const log = (line: string) => io.stderr(`${line}\n`);
  try {
    const backend = await selectBackend(flags.backend === "auto" ? {} : { only: [flags.backend as TfBackendChoice] });
    io.stderr(`${describeTfBackend(backend)}\n`);
    const prepared = await prepareTask(task, {
      taskArgs,
      datasetConfig,
      tunables: tunablesJson,
      seed,
      batchSize,
      // A model directory, or its model.safetensors.
      ...(flags.loadFrom ? { loadFrom: flags.loadFrom.endsWith(".safetensors") ? dirname(flags.loadFrom) : flags.loadFrom } : {}),
      log,
    });
    const outputDir = join(flags.outputDir, task);
    const progress = new ProgressBar(io.stderr, { interactive: process.stderr.isTTY === true });
    try {
      const result = await train({
        model: prepared.model,
        train: prepared.train,
        validation: prepared.validation,
        hyperparameters: {
          lr0: prepared.tunables.lr0,
          weightDecay: prepared.tunables.weight_decay,
          warmupSteps: prepared.tunables.warmup_steps,
          // upstream: a value in the Tunables overrides the flag.
          clipGradientNorm: prepared.tunables.clip_gradient_norm ?? clipFlag ?? null,
          lrSchedule: flags.lrSchedule as LrScheduleName,
          epochs,
          accumulateGradBatches,
          seed,
          validateEveryNSteps,
        },
        checkpointDir: flags.checkpointDir,
        outputDir,
        metricsPath: join(outputDir, "metrics.jsonl"),
        handleProcessSignals: true,
        ...(flags.resumeFrom ? { resumeFrom: flags.resumeFrom } : {}),
        log: (line) => {
          progress.finish();
          log(line);
        },
        onProgress: (info) => progress.update(info),
      });
      progress.finish();
      if (result.interrupted) {
        throw new CliError(`autosing train: interrupted at step ${result.steps}; continue with --resume-from ${result.checkpoint ?? "<checkpoint>"}`, 130);
      }
      io.stdout(
        `${JSON.stringify({ task, steps: result.steps, skipped_steps: result.skippedSteps, final_loss: result.losses.at(-1) ?? null, val_loss: result.validations.at(-1)?.loss ?? null, model: result.modelDir ?? null })}\n`,
      );
    } finally {
      prepared.model.dispose();
    }
  } catch (error) {
    if (TrainerError.isInstance(error) || ParquetIoError.isInstance(error)) throw new CliError(`autosing train: ${(error as Error).message}`);
    throw error;
  }
}

async function runCollectArtists(dataset: string, flags: { minSampleCount: string; outputPath: string; numPartitions?: string }, io: CliIo) {
  const minSampleCount = parseNumberFlag("--min-sample-count", flags.minSampleCount, true, 0);
  const numPartitions = flags.numPartitions !== undefined ? parseNumberFlag("--num-partitions", flags.numPartitions, true, 1) : undefined;
  let path = dataset;
  // upstream takes the dataset config JSON as its positional argument; a plain path works too.
  if (dataset.trim().startsWith("{")) {
    const config = parseJsonFlag("<dataset>", dataset);
    const configured = stringField("<dataset>", config, "path");
    if (!configured) throw new CliError('autosing train artists: the dataset config needs "path"');
    path = configured;
  }
  try {
    const { ids, counts } = await collectArtists(path, { minSampleCount, ...(numPartitions !== undefined ? { numPartitions } : {}) });
    await writeFile(flags.outputPath, JSON.stringify(ids));
    io.stdout(`Found ${Object.keys(ids).length} frequent artists in dataset (${counts.size} in all); wrote ${flags.outputPath}\n`);
  } catch (error) {
    if (TrainerError.isInstance(error) || ParquetIoError.isInstance(error)) throw new CliError(`autosing train artists: ${(error as Error).message}`);
    throw error;
  }
}

/** `autosing train`: upstream train.py's flags, plus `train artists` (upstream collect_artists). */
export function registerTrainCommand(program: Command, io: CliIo): void {
  const command = program
    .command("train")
    .description("train t2s, sm2a or the artist embedder (upstream train.py flags)")
    .option("--task_name <name>", `task to train: ${TASKS.join(", ")}`)
    .option("--task_args <json>", 'model arguments as JSON, e.g. {"size": "small"}', "")
    .option("--dataset-config <json>", 'dataset options as JSON, e.g. {"path": "<dataset>"}', "{}")
    .option("--tunables <json>", 'tunable hyperparameters as JSON, e.g. {"lr0": 4e-3}', "")
    .option("--seed <n>", "global training seed", "0")
    .option("--batch-size <n>", "batch size", "16")
    .option("--epochs <n>", "training epochs", "5")
    .addOption(new Option("--lr-schedule <name>", "learning rate schedule").choices([...LR_SCHEDULES]).default("cosine"))
    .option("--clip-gradient-norm <x>", "clip gradients to this global norm (a task's Tunables value wins, as upstream)")
    .option("--accumulate-grad-batches <n>", "batches per optimizer step", "1")
    .option("--checkpoint-dir <dir>", "where checkpoints go (every epoch and on SIGINT/SIGTERM)", "./checkpoints/")
    .option("--output-dir <dir>", "the final model goes to <dir>/<task_name>/", "./models/")
    .option("--validate-every-n-steps <n>", "also validate every N optimizer steps (0: epoch ends only)", "500")
    .option("--resume-from <dir>", "continue a run exactly from a checkpoint directory")
    .option("--load-from <dir>", "start from a saved model's weights (model.safetensors + config.json)")
    .addOption(new Option("--backend <name>", "tfjs backend").choices(["auto", ...TF_BACKEND_PREFERENCE]).default("auto"))
    .action(async (flags: TrainFlags) => {
      await runTrain(flags, io);
    });

  command
    .command("artists <dataset>")
    .description("number the artists with enough chunks for the artist embedder (upstream collect_artists)")
    .option("--min-sample-count <n>", "minimum chunks for an artist to be included", "100")
    .option("--output-path <file>", "where the artist → id JSON goes", "artist_ids.json")
    .option("--num-partitions <n>", "only training partitions 1..N")
    .action(async (dataset: string, flags: { minSampleCount: string; outputPath: string; numPartitions?: string }) => {
      await runCollectArtists(dataset, flags, io);
    });
}
