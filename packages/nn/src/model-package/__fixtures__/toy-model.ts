// A two-parameter model package in miniature, for the tests of the model-package helpers: its own
// errors, config and tunables schemas, a validation rule and parameter specs with an alias.
import { AutosingError } from "@autosing/base";
import { z } from "zod";

import type { ParameterSpec } from "../../parameters.js";
import { configReader } from "../config-reader.js";
import { booleanField, positiveInteger, positiveIntegerOrNull, stringOrNull, tunablesSchema } from "../config-schema.js";
import type { ModelDefinition } from "../model-definition.js";

export class ToyError extends AutosingError {
  static override readonly scope: string = "toy-model";
}

export class ToyConfigError extends ToyError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`toy config ${field} = ${JSON.stringify(value)}: ${detail}`);
  }
}

export class ToyInputError extends ToyError {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`toy input ${input}: ${detail}`);
  }
}

export interface ToyConfig {
  width: number;
  inputs: number;
  hidden: number | null;
  pattern: string | null;
  bias: boolean;
}

export interface ToyTunables {
  init_std: number;
  lr0: number;
  rope: boolean;
  frozen_bias: boolean;
}

export const DEFAULT_TOY_TUNABLES: Readonly<ToyTunables> = Object.freeze({ init_std: 0.5, lr0: 1e-3, rope: true, frozen_bias: false });

export const TOY_CONFIG_SCHEMA = z.object({
  width: positiveInteger(),
  inputs: positiveInteger().default(2),
  hidden: positiveIntegerOrNull().default(null),
  pattern: stringOrNull().default(null),
  bias: booleanField().default(true),
}) satisfies z.ZodType<ToyConfig>;

export const parseToyConfig = configReader(TOY_CONFIG_SCHEMA, ToyConfigError);
export const parseToyTunables = configReader(tunablesSchema(DEFAULT_TOY_TUNABLES), ToyConfigError, { fieldPrefix: "tunables." });

export function toyParameterSpecs(config: ToyConfig, tunables: ToyTunables, options: { frozenWeight?: boolean } = {}): ParameterSpec[] {
  const specs: ParameterSpec[] = [
    {
      name: "proj.weight",
      shape: [config.width, config.inputs],
      init: { kind: "truncatedNormal", std: tunables.init_std },
      lrScale: options.frozenWeight ? 0 : 1,
      noWeightDecay: false,
      buffer: false,
      aliases: ["proj_copy.weight"],
    },
    { name: "positions", shape: [3], init: { kind: "fixed", values: Float32Array.from([1, 2, 3]) }, lrScale: 0, noWeightDecay: true, buffer: true, aliases: [] },
  ];
  if (config.bias) specs.splice(1, 0, { name: "proj.bias", shape: [config.width], init: { kind: "constant", value: 0.5 }, lrScale: tunables.frozen_bias ? 0 : 1, noWeightDecay: true, buffer: false, aliases: [] });
  return specs;
}

/** The toy's dimensions rule: an even width. */
export function toyDimensions(config: ToyConfig, tunables: ToyTunables): { width: number } {
  if (config.width % 2 !== 0) throw new ToyConfigError("width", config.width, "must be even");
  if (!tunables.rope) throw new ToyConfigError("tunables.rope", false, "only the rope variant exists");
  return { width: config.width };
}

export const TOY_MODEL: ModelDefinition<"toy", ToyConfig, ToyTunables, { frozenWeight?: boolean }> = {
  name: "toy",
  defaultTunables: DEFAULT_TOY_TUNABLES,
  readConfig: parseToyConfig,
  readTunables: parseToyTunables,
  validate: toyDimensions,
  parameterSpecs: toyParameterSpecs,
  errors: { package: ToyError, input: ToyInputError },
};
