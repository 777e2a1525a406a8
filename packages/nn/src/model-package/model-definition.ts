import type { ParameterSpec } from "../parameters.js";

/** A model package's error for one bad config or tunables value: the field, its value and how to fix it. */
export type ConfigErrorClass = new (field: string, value: unknown, detail: string) => Error;

/** A model package's base error, for failures that concern no single field (an unreadable export folder). */
export type PackageErrorClass = new (message: string) => Error;

/** A model package's error for inputs of the wrong shape or values: the input's name and what is wrong. */
export type InputErrorClass = new (input: string, detail: string) => Error;

/**
 * What a model package declares once so that the generic helpers of `@autosing/nn` can load and
 * save its checkpoints, write and open its export folder, write random-weight fixtures and wrap
 * its tfjs model for the trainer (see docs/add-a-model.md). Everything else — the tfjs forward
 * pass, the ONNX graphs, generation — stays in the model package.
 */
export interface ModelDefinition<Name extends string, Config, Tunables, ParameterOptions = undefined> {
  /**
   * The name recorded in checkpoints (`model` metadata), trainer configs and export configs
   * ("t2s", "sm2a", "artist_emb"); `autosing export` and `autosing train` dispatch on it.
   */
  readonly name: Name;
  /** The upstream Tunables defaults, used where a fixture or a new model needs a full set. */
  readonly defaultTunables: Readonly<Tunables>;
  /** Validates an upstream `config` dict and fills its defaults (see `configReader`). */
  readConfig(raw: Record<string, unknown>): Config;
  /** Validates an upstream `tunables` dict and fills its defaults (see `configReader`). */
  readTunables(raw: Record<string, unknown>): Tunables;
  /** Refuses config/tunables combinations the model cannot build (the model's dimensions function). */
  validate(config: Config, tunables: Tunables): unknown;
  /** The state dict the model expects: upstream keys, shapes, aliases, μP metadata. */
  parameterSpecs(config: Config, tunables: Tunables, options?: ParameterOptions): ParameterSpec[];
  readonly errors: {
    readonly package: PackageErrorClass;
    readonly input: InputErrorClass;
  };
}
