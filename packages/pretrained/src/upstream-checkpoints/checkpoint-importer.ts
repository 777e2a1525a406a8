import { mkdir } from "node:fs/promises";
import { join } from "node:path";

import { AutosingError, writeFileAtomic } from "@autosing/base";
import { CHECKPOINT_CONFIG_FILE, CHECKPOINT_WEIGHTS_FILE, type ModelDefinition, StateDictMismatchError, encodeSafetensors, matchStateDict } from "@autosing/nn";
import type { StateDict } from "@autosing/safetensors";

import { PretrainedSourceError } from "../errors.js";
import type { ImportContext, ImportedModel, ImporterOption, ModelImporter, ModelKind } from "../importer.js";
import { type UpstreamModelFile, readUpstreamConfig, readUpstreamModelFile } from "./model-file.js";

/** What differs between the t2s, sm2a and artist-emb importers; the flow is shared. */
export interface CheckpointKind<Config extends object, Tunables extends object> {
  readonly kind: ModelKind;
  readonly summary: string;
  readonly definition: ModelDefinition<string, Config, Tunables, never>;
  /** True when an upstream config dict belongs to this model (its telltale keys). */
  looksLike(config: Record<string, unknown>): boolean;
  /** The other kinds' telltales, to name the right `autosing import` kind for a wrong file. */
  readonly otherKinds: readonly { readonly kind: ModelKind; looksLike(config: Record<string, unknown>): boolean }[];
  /** Upstream size names and their config for a Lightning checkpoint without `--config-from`; none for the artist embedder. */
  readonly sizes: readonly string[];
  configForSize?(size: string): Config;
  /** The size name whose preset this config matches, for the manifest. */
  sizeOf(config: Config): string | null;
  /** Writes the ONNX export of a loaded checkpoint into `dir`. */
  writeExport(checkpoint: { config: Config; tunables: Tunables; weights: StateDict }, dir: string): Promise<string[]>;
}

/** Where a bad config or tunables value is reported: the model package's error message, under the file and key. */
function parsed<T>(file: string, key: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (AutosingError.isInstance(error)) throw new PretrainedSourceError(file, error.message, key);
    throw error;
  }
}

/** Keys of `raw` that the parsed dict does not carry (the schema does not know them). */
function droppedKeys(raw: Record<string, unknown>, kept: object): string[] {
  return Object.keys(raw).filter((key) => !Object.hasOwn(kept, key));
}

/** Builds the `ModelImporter` of one model from its `CheckpointKind`. */
export function checkpointImporter<Config extends object, Tunables extends object>(spec: CheckpointKind<Config, Tunables>): ModelImporter {
  const options: ImporterOption[] = [
    { name: "config-from", description: "for a Lightning .ckpt: a .model file of the same network whose config and tunables to use" },
  ];
  if (spec.sizes.length > 0) options.push({ name: "size", description: `for a Lightning .ckpt without --config-from: the upstream size (${spec.sizes.join(", ")}) with AutoSing's data dimensions` });
  return {
    kind: spec.kind,
    summary: spec.summary,
    sources: "<file.model | lightning.ckpt | converted .safetensors>",
    options,
    run: (sources, values, context) => importCheckpoint(spec, sources, values, context),
  };
}

async function importCheckpoint<Config extends object, Tunables extends object>(
  spec: CheckpointKind<Config, Tunables>,
  sources: readonly string[],
  values: Readonly<Record<string, string | undefined>>,
  context: ImportContext,
): Promise<ImportedModel> {
  if (sources.length !== 1) {
    throw new PretrainedSourceError(sources.join(" ") || "(no file)", `autosing import ${spec.kind} takes exactly one file (a .model, a Lightning .ckpt or a converted .safetensors), got ${sources.length}`);
  }
  const path = sources[0] as string;
  const file = await readUpstreamModelFile(path);
  const { raw, configSource } = await configFor(spec, file, values);
  const definition = spec.definition;
  const config = parsed(configSource, "config", () => definition.readConfig(raw.config));
  const tunables = parsed(configSource, "tunables", () => definition.readTunables(raw.tunables ?? {}));
  parsed(configSource, "config", () => definition.validate(config, tunables));
  const weights = matchWeights(spec, file, config, tunables, configSource);
  const dropped = {
    config: droppedKeys(raw.config, config),
    tunables: raw.tunables ? droppedKeys(raw.tunables, tunables) : [],
    state_dict: [...file.droppedStateKeys],
  };
  for (const [where, keys] of Object.entries(dropped)) if (keys.length > 0) context.log(`${spec.kind}: dropped ${where} keys autosing does not use: ${keys.join(", ")}`);

  // Everything is read and checked before the first byte is written.
  const checkpointDir = join(context.outputDir, "checkpoint");
  await mkdir(checkpointDir, { recursive: true });
  await writeFileAtomic(join(checkpointDir, CHECKPOINT_WEIGHTS_FILE), encodeSafetensors(new Map([...weights].map(([name, t]) => [name, { dtype: "float32" as const, ...t }])), { format: "pt" }));
  await writeFileAtomic(join(checkpointDir, CHECKPOINT_CONFIG_FILE), `${JSON.stringify({ model: definition.name, config, tunables }, null, 2)}\n`);
  context.log(`${spec.kind}: wrote checkpoint/ (${weights.size} tensors); exporting ONNX`);
  await spec.writeExport({ config, tunables, weights }, join(context.outputDir, "export"));
  return {
    files: { checkpoint: "checkpoint", export: "export" },
    details: {
      model: definition.name,
      source: file.format,
      size: spec.sizeOf(config),
      config: { ...config },
      parameters: [...weights.values()].reduce((sum, t) => sum + t.data.length, 0),
      dropped_keys: dropped,
    },
  };
}

/** The config of the network: the file's own, or for a Lightning checkpoint `--config-from` / `--size`. */
async function configFor<Config extends object, Tunables extends object>(
  spec: CheckpointKind<Config, Tunables>,
  file: UpstreamModelFile,
  values: Readonly<Record<string, string | undefined>>,
): Promise<{ raw: { config: Record<string, unknown>; tunables?: Record<string, unknown> }; configSource: string }> {
  const configFrom = values["config-from"];
  const size = values.size;
  if (file.config !== undefined) {
    if (configFrom !== undefined || size !== undefined) throw new PretrainedSourceError(file.path, `holds its own config; --config-from and --size apply to a Lightning .ckpt only`);
    requireKind(spec, file.path, file.config);
    return { raw: { config: file.config, ...(file.tunables ? { tunables: file.tunables } : {}) }, configSource: file.path };
  }
  if (configFrom !== undefined && size !== undefined) throw new PretrainedSourceError(file.path, "give --config-from or --size, not both");
  if (configFrom !== undefined) {
    const other = await readUpstreamConfig(configFrom);
    requireKind(spec, configFrom, other.config);
    return { raw: other, configSource: configFrom };
  }
  if (size !== undefined && spec.configForSize !== undefined) {
    if (!spec.sizes.includes(size)) throw new PretrainedSourceError(file.path, `--size ${JSON.stringify(size)} is not an upstream ${spec.kind} size; use one of ${spec.sizes.join(", ")}`);
    return { raw: { config: { ...spec.configForSize(size) } as Record<string, unknown> }, configSource: `${file.path} (--size ${size})` };
  }
  const how = spec.sizes.length > 0 ? `--config-from <a .model of the same network> or --size <${spec.sizes.join("|")}>` : "--config-from <a .model of the same network>";
  throw new PretrainedSourceError(file.path, `is a Lightning checkpoint, which holds weights but no config; pass ${how}`);
}

/** Refuses a config of another model (a sm2a `.model` given to `import t2s`), naming the right kind. */
function requireKind<Config extends object, Tunables extends object>(spec: CheckpointKind<Config, Tunables>, path: string, config: Record<string, unknown>): void {
  if (spec.looksLike(config)) return;
  const actual = spec.otherKinds.find((other) => other.looksLike(config));
  const detail = actual
    ? `is a ${actual.kind} model, not a ${spec.kind} one; import it with autosing import ${actual.kind}`
    : `is not a ${spec.kind} model (its config has ${Object.keys(config).slice(0, 10).join(", ") || "no keys"})`;
  throw new PretrainedSourceError(path, detail, "config");
}

/** The file's tensors against the config's parameter specs: missing, extra and mis-shaped keys named together. */
function matchWeights<Config extends object, Tunables extends object>(
  spec: CheckpointKind<Config, Tunables>,
  file: UpstreamModelFile,
  config: Config,
  tunables: Tunables,
  configSource: string,
): StateDict {
  try {
    return matchStateDict(spec.definition.parameterSpecs(config, tunables), file.stateDict);
  } catch (error) {
    if (!StateDictMismatchError.isInstance(error)) throw error;
    const key = error.wrongShape[0]?.name ?? error.missing[0] ?? error.unexpected[0];
    const origin = configSource === file.path ? "its config" : `the config from ${configSource}`;
    const hint = error.wrongShape.length > 0 ? ` — ${origin} does not match the weights (another size or data dimensions?)` : "";
    throw new PretrainedSourceError(file.path, `${error.message}${hint}`, key === undefined ? "state_dict" : `state_dict.${key}`);
  }
}
