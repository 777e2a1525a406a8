/**
 * What the sing page tells a visitor about the server's models: which networks `sing` needs that
 * the models directory lacks (and how to get them), and whether it has a separator. Uses the sing
 * job's own checks, so the page and a submitted job say the same thing.
 */
import { AutosingError } from "@autosing/base";

import { resolveServerModels, separatorOf, singNetworks } from "../jobs/sing-models.js";
import type { SingReadiness } from "./sing-page.js";

export async function singReadiness(modelsDir: string | undefined): Promise<SingReadiness> {
  try {
    const models = await resolveServerModels(modelsDir);
    const hasSeparator = separatorOf(models) !== undefined;
    try {
      singNetworks(models);
      return { missingModels: undefined, hasSeparator };
    } catch (error) {
      if (!AutosingError.isInstance(error)) throw error;
      return { missingModels: error.message, hasSeparator };
    }
  } catch (error) {
    if (!AutosingError.isInstance(error)) throw error;
    return { missingModels: error.message, hasSeparator: false };
  }
}
