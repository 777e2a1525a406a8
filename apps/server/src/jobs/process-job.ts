/**
 * A process job: one `autosing process` step on one partition of a served dataset, with the
 * networks of the models directory, run by @autosing/processing exactly as the CLI runs it. The
 * step writes its tables into the dataset folder atomically (temp file + rename); the job's
 * outputs are those tables' paths relative to the dataset folder.
 */
import { relative, sep } from "node:path";

import { MODEL_NEEDS, type ModelNeed, networkFor, resolveModels } from "@autosing/pretrained";
import { type StepModelSpecs, type StepModels, type StepName, openStepModels, releaseStepModels, runStepOnPartition } from "@autosing/processing";

import type { ServedDatasetOption } from "../serve-options.js";
import type { ProcessJobInput } from "./job.js";
import { ProcessModelMissingError, UnknownDatasetError } from "./process-errors.js";
import { JobAbortedError } from "./worker-pool.js";
import type { JobContext, JobOutcome } from "./run-job.js";

/** One network a step takes from the models directory: the need, the spec it fills, and whether the step runs without it. */
interface StepNeed {
  readonly need: ModelNeed;
  readonly spec: keyof StepModelSpecs;
  readonly required: boolean;
  readonly howToGetIt: string;
}

/** Which networks each step takes from the models directory (the CLI's `--models` rows, for the server). */
const STEP_NEEDS: Readonly<Record<StepName, readonly StepNeed[]>> = {
  // Without a frame classifier: the eSpeak DTW aligner and energy-based activity (demo-grade).
  align: [{ need: "frameClassifier", spec: "classifier", required: false, howToGetIt: "autosing import frame-classifier" }],
  vad_extract: [{ need: "frameClassifier", spec: "classifier", required: false, howToGetIt: "autosing import frame-classifier" }],
  src_sep: [{ need: "separator", spec: "separator", required: true, howToGetIt: "autosing import separator <Mel-Band RoFormer checkpoint>" }],
  atoks: [{ need: "codec", spec: "codec", required: true, howToGetIt: "autosing import snac <dir>, or autosing demo" }],
  stoks: [{ need: "tokenizer", spec: "tokenizer", required: true, howToGetIt: "autosing import bn-whisper <rvq.model> <whisper.pt>, or autosing demo" }],
  artist_embs: [
    { need: "artistModel", spec: "embedder", required: true, howToGetIt: "autosing import artist-emb <artist_emb.model>" },
    // The codec names the atoks table to read, as atoks wrote it with the same models directory.
    { need: "codec", spec: "codec", required: false, howToGetIt: "autosing import snac <dir>" },
  ],
};

/** The served dataset of that name (the server's configuration, never a client path). */
export function servedDataset(datasets: readonly ServedDatasetOption[], name: string): ServedDatasetOption {
  const found = datasets.find((dataset) => dataset.name === name);
  if (found === undefined) throw new UnknownDatasetError(name, datasets.map((dataset) => dataset.name));
  return found;
}

/** The step's model specs from the models directory; a network the step cannot run without is an error naming it. */
export async function processModelSpecs(step: StepName, modelsDir: string | undefined): Promise<StepModelSpecs> {
  const resolved = modelsDir === undefined ? undefined : await resolveModels(modelsDir);
  const specs: Partial<Record<keyof StepModelSpecs, string>> = {};
  for (const row of STEP_NEEDS[step]) {
    const network = resolved === undefined ? undefined : networkFor(resolved, row.need);
    if (network !== undefined) specs[row.spec] = network.value;
    else if (row.required) throw new ProcessModelMissingError(step, MODEL_NEEDS[row.need], resolved?.directory, row.howToGetIt);
  }
  return specs;
}

/** A step's opened models, kept warm by the worker between jobs. */
class WarmStepModels {
  constructor(readonly models: StepModels) {}
  dispose(): Promise<void> {
    return releaseStepModels(this.models);
  }
}

function describeSpecs(step: StepName, specs: StepModelSpecs): string {
  const parts = Object.entries(specs).map(([key, value]) => `${key} ${value}`);
  return `process ${step}: ${parts.length === 0 ? "no model (demo-grade defaults)" : parts.join(", ")}`;
}

export async function runProcessJob(input: ProcessJobInput, context: JobContext): Promise<JobOutcome> {
  const dataset = servedDataset(context.datasets, input.dataset);
  const specs = await processModelSpecs(input.step, context.modelsDir);
  const warm = await context.warm.get(`process:${input.step}:${JSON.stringify(specs)}`, describeSpecs(input.step, specs), async () =>
    new WarmStepModels(await openStepModels(input.step, specs, context.threads === undefined ? {} : { threads: context.threads })),
  );
  context.signal.throwIfAborted();
  const results = await runStepOnPartition(input.step, dataset.dir, input.partition, {
    models: warm.models,
    specs,
    common: {
      onProgress: (progress) => {
        // Thrown between rows, outside the row's own try: the step aborts its writers, so no table is half-written.
        if (context.signal.aborted) throw new JobAbortedError(abortReason(context.signal));
        context.reportProgress({ stage: input.step, step: progress.done, total: progress.total });
      },
    },
  });
  return { outputs: results.flatMap((result) => result.outputs.map((file) => relative(dataset.dir, file).split(sep).join("/"))) };
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return typeof reason === "string" ? reason : "the job was cancelled";
}
