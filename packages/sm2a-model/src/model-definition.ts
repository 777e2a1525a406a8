import type { ModelDefinition } from "@autosing/nn";

import type { SM2AConfig, SM2ATunables } from "./config.js";
import { DEFAULT_SM2A_TUNABLES, sm2aDimensions } from "./config.js";
import { parseSM2AConfig, parseSM2ATunables } from "./config-schema.js";
import { SM2AInputError, SM2AModelError } from "./errors.js";
import { sm2aParameterSpecs } from "./parameters.js";
import type { SM2AParameterOptions } from "./parameters.js";

/** The sm2a model as @autosing/nn's model-package helpers see it (checkpoints, export folder, trainer wrapper, fixtures). */
export const SM2A_MODEL: ModelDefinition<"sm2a", SM2AConfig, SM2ATunables, SM2AParameterOptions> = {
  name: "sm2a",
  defaultTunables: DEFAULT_SM2A_TUNABLES,
  readConfig: parseSM2AConfig,
  readTunables: parseSM2ATunables,
  validate: sm2aDimensions,
  parameterSpecs: sm2aParameterSpecs,
  errors: { package: SM2AModelError, input: SM2AInputError },
};
