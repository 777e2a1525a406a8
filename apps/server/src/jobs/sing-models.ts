/**
 * What a sing job takes from the server's models directory: the codec, t2s, sm2a and artist
 * networks, and the separator an uploaded song needs. The worker loads them; the API checks them
 * before it accepts a job, so a server that cannot sing says why at once.
 */
import { MODEL_NEEDS, type ModelNeed, type ResolvedModels, networkFor, resolveModels } from "@autosing/pretrained";

import { ServerError } from "./job-queue.js";

/** A sing job that cannot run as asked: the reason names what is missing and how to get it. */
export class SingJobError extends ServerError {}

/** The networks a sing job takes from the models directory, and how a user gets each. */
const SING_NEEDS: readonly { need: ModelNeed; howToGet: string }[] = [
  { need: "codec", howToGet: "autosing import snac <snac_32khz folder> (or autosing demo)" },
  { need: "t2sModel", howToGet: "autosing import t2s <t2s .model> (or autosing demo)" },
  { need: "sm2aModel", howToGet: "autosing import sm2a <sm2a .model> (or autosing demo)" },
  { need: "artistModel", howToGet: "autosing import artist-emb <artist_emb.model> (or autosing demo)" },
];

/** The separator spec of the models directory (`roformer:<dir>`), if it has one. */
export function separatorOf(models: ResolvedModels): string | undefined {
  return networkFor(models, "separator")?.value;
}

/** The paths of the sing networks in the directory, or an error naming each one missing and how to get it. */
export function singNetworks(models: ResolvedModels): { codec: string; t2sModel: string; sm2aModel: string; artistModel: string } {
  const found: Partial<Record<ModelNeed, string>> = {};
  const missing: string[] = [];
  for (const { need, howToGet } of SING_NEEDS) {
    const network = networkFor(models, need);
    if (network === undefined) missing.push(`${MODEL_NEEDS[need]} (${howToGet})`);
    else found[need] = network.value;
  }
  if (missing.length > 0) throw new SingJobError(`the models directory ${models.directory} has no ${missing.join(", no ")}`);
  return { codec: found.codec as string, t2sModel: found.t2sModel as string, sm2aModel: found.sm2aModel as string, artistModel: found.artistModel as string };
}

/** The server's models directory, resolved; a server without one cannot sing. */
export async function resolveServerModels(modelsDir: string | undefined): Promise<ResolvedModels> {
  if (modelsDir === undefined) throw new SingJobError("the server has no models directory: start it with --models <dir> (autosing demo writes <out>/models; autosing import adds upstream models)");
  return resolveModels(modelsDir);
}

