import type { ModelDefinition } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { DEFAULT_T2S_TUNABLES, t2sDimensions } from "./config.js";
import { parseT2SConfig, parseT2STunables } from "./config-schema.js";
import { T2SInputError, T2SModelError } from "./errors.js";
import { t2sParameterSpecs } from "./parameters.js";
import type { T2SParameterOptions } from "./parameters.js";

/** The t2s model as @autosing/nn's model-package helpers see it (checkpoints, export folder, trainer wrapper, fixtures). */
export const T2S_MODEL: ModelDefinition<"t2s", T2SConfig, T2STunables, T2SParameterOptions> = {
  name: "t2s",
  defaultTunables: DEFAULT_T2S_TUNABLES,
  readConfig: parseT2SConfig,
  readTunables: parseT2STunables,
  validate: t2sDimensions,
  parameterSpecs: t2sParameterSpecs,
  errors: { package: T2SModelError, input: T2SInputError },
};
