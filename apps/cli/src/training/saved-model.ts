/** Starting a run from a model saved by an earlier one (`--load-from`: model.safetensors + config.json). */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { type TrainableModel, loadModelWeights } from "@autosing/trainer";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import type { ModelKind } from "./task.js";

/** The `config.json` of a model saved by a previous run (`{ model, config, tunables }`). */
export async function readSavedConfig<Config>(directory: string, kind: ModelKind): Promise<{ config: Config }> {
  let saved: { model?: string; config?: Config };
  try {
    saved = JSON.parse(await readFile(join(directory, "config.json"), "utf8")) as typeof saved;
  } catch (error) {
    throw new CliError(`autosing train: --load-from ${directory}: cannot read its config.json (${(error as Error).message})`, ExitCode.modelProblem);
  }
  if (saved.model !== kind || !saved.config) {
    throw new CliError(`autosing train: --load-from ${directory} is not a ${kind} model (its config.json says model ${JSON.stringify(saved.model)})`, ExitCode.modelProblem);
  }
  return { config: saved.config };
}

/** A new model, with the weights of `--load-from` when given. */
export async function withLoadedWeights<Model extends Pick<TrainableModel<unknown>, "parameters" | "frozenTensors">>(model: Model, loadFrom: string | undefined): Promise<Model> {
  if (loadFrom) await loadModelWeights(loadFrom, model.parameters, model.frozenTensors?.());
  return model;
}
