/**
 * A sing job, run in a worker process: the networks of the server's models directory (loaded once
 * per worker and kept warm), the reference's stems (uploaded beside it, separated with the
 * directory's separator, or read from a served dataset's `src_sep` tables), and the outputs
 * written atomically under `<job folder>/outputs/`.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { ResolvedModels } from "@autosing/pretrained";
import { type SingModels, type SingOptions, type SingStage, loadSingModels, sing } from "@autosing/sing";

import { readRowAudio } from "../datasets/row-audio.js";
import type { ServedDatasetOption } from "../serve-options.js";
import type { SingJobInput } from "./job.js";
import type { JobContext, JobOutcome } from "./run-job.js";
import { SingJobError, resolveServerModels, separatorOf, singNetworks } from "./sing-models.js";
import type { WarmModels } from "./warm-models.js";

/** The worker's loaded sing networks (loaded on first use, then kept warm). */
async function warmSingModels(modelsDir: string | undefined, warm: WarmModels, threads: number | undefined): Promise<{ models: SingModels; paths: ReturnType<typeof singNetworks> }> {
  const resolved = await resolveServerModels(modelsDir);
  const paths = singNetworks(resolved);
  const description = `codec ${paths.codec}, t2s ${paths.t2sModel}, sm2a ${paths.sm2aModel}, artist ${paths.artistModel}`;
  const models = await warm.get(`sing:${resolved.directory}`, description, () => loadSingModels({ ...paths, tokenizer: undefined, threads, generateSemantic: true }));
  return { models, paths };
}

/** Loads the sing networks before the first job (a worker's start); nothing to do without a models directory. */
export async function preloadSingModels(context: { modelsDir: string | undefined; warm: WarmModels; threads: number | undefined }): Promise<void> {
  if (context.modelsDir === undefined) return;
  await warmSingModels(context.modelsDir, context.warm, context.threads);
}

/** A file of the job's folder named by its record: a plain name, never a path. */
export function jobFile(folder: string, name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes("..")) throw new SingJobError(`"${name}" is not a file name of the job's folder`);
  return join(folder, name);
}

function servedDataset(datasets: readonly ServedDatasetOption[], name: string): ServedDatasetOption {
  const dataset = datasets.find((candidate) => candidate.name === name);
  if (dataset === undefined) throw new SingJobError(`the server serves no dataset named "${name}"`);
  return dataset;
}

/** Where the reference's audio and stems are, as `sing` options. */
async function referenceOptions(input: SingJobInput, context: JobContext, models: ResolvedModels): Promise<Pick<SingOptions, "reference" | "vocals" | "instrumental" | "separator">> {
  const reference = input.reference;
  if (reference.kind === "upload") {
    const file = jobFile(context.folder, reference.file);
    if (reference.vocals !== undefined && reference.instrumental !== undefined) return { reference: file, vocals: jobFile(context.folder, reference.vocals), instrumental: jobFile(context.folder, reference.instrumental) };
    const separator = separatorOf(models);
    if (separator === undefined) throw new SingJobError(`an uploaded song needs a separator in the models directory ${models.directory} (autosing import separator <Mel-Band RoFormer checkpoint>) or its stems uploaded beside it (vocals and instrumental)`);
    return { reference: file, separator };
  }
  // A dataset row: its stems are the src_sep step's output; the song itself is not needed.
  const dataset = servedDataset(context.datasets, reference.dataset);
  const stems: Record<"vocals" | "no_vocals", string> = { vocals: "", no_vocals: "" };
  for (const table of ["vocals", "no_vocals"] as const) {
    const bytes = await readRowAudio(dataset.dir, reference.partition, table, reference.id);
    if (bytes === undefined) throw new SingJobError(`dataset "${reference.dataset}" partition ${reference.partition} has no ${table} row "${reference.id}" (run autosing process src_sep on it)`);
    const file = join(context.folder, `dataset-${table}.audio`);
    await writeFile(file, bytes);
    stems[table] = file;
  }
  // The id names the outputs (`<id>_<i>.wav`); it is only ever used as a file stem inside the job's folder.
  const stem = reference.id.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "") || "reference";
  return { reference: join(context.folder, `${stem}.audio`), vocals: stems.vocals, instrumental: stems.no_vocals };
}

/** Where the outputs of a job go, under its folder. */
export const OUTPUTS_FOLDER = "outputs";

export async function runSingJob(input: SingJobInput, context: JobContext): Promise<JobOutcome> {
  const resolved = await resolveServerModels(context.modelsDir);
  const { models, paths } = await warmSingModels(context.modelsDir, context.warm, context.threads);
  const reference = await referenceOptions(input, context, resolved);
  const outputDir = join(context.folder, OUTPUTS_FOLDER);
  const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
  let stage: SingStage = "separate";
  const result = await sing(
    defined({
      ...reference,
      ...paths,
      lyrics: input.lyrics,
      length: input.length,
      batchSize: input.batchSize,
      temperature: input.temperature,
      seed: input.seed,
      spkAlpha: input.spkAlpha,
      spkfile: input.spkfile === undefined ? undefined : jobFile(context.folder, input.spkfile),
      outputDir,
      format: "wav" as const,
      threads: context.threads,
      signal: context.signal,
      onProgress: (event) => {
        if (event.kind === "start") {
          stage = event.stage;
          context.reportProgress({ stage, step: 0, total: 0 });
        } else if (event.kind === "step") context.reportProgress({ stage: event.stage, step: event.step, total: event.total });
        else context.reportProgress({ stage, step: 1, total: 1 });
      },
    }),
    { models },
  );
  return { outputs: result.files.map((file) => `${OUTPUTS_FOLDER}/${file.slice(outputDir.length + 1)}`) };
}
