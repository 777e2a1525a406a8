/** `autosing import <kind> <source…>`: builds a network from the files upstream publishes, into a models directory. */
import { IMPORTABLE_KINDS, MODEL_IMPORTERS, MODEL_KINDS, type ModelImporter, type ModelKind, importModel, importerFor, isImportableKind } from "@autosing/pretrained";
import { type Command, Option } from "commander";

import { NotImplementedError } from "../errors.js";
import type { CliIo } from "../io.js";
import { CLI_VERSION } from "../shared/cli-version.js";
import { FlagError } from "../shared/flag-error.js";

/** Where `import` puts models when --models is not given. */
export const DEFAULT_MODELS_DIR = "./autosing-models";

/** What each kind is made from: the files AutoSing's Python code downloads (shown while a kind has no importer). */
const PUBLISHED: Readonly<Record<ModelKind, string>> = {
  snac: "the hubertsiuzdak/snac_32khz folder (config.json + pytorch_model.bin)",
  "bn-whisper": "streich/bn_whisper's rvq.model and whisper.pt",
  "artist-emb": "artist_emb.model (upstream Embedder.save_model)",
  t2s: "a t2s .model, or a Lightning .ckpt of upstream train.py",
  sm2a: "an sm2a .model, or a Lightning .ckpt of upstream train.py",
  "frame-classifier": "a Hugging Face wav2vec2 folder such as streich/singing_va (config.json + pytorch_model.bin or model.safetensors)",
  separator: "model_mel_band_roformer_ep_3005_sdr_11.4360.ckpt and its .yaml (the audio-separator fork's default)",
};

/** The kinds and what each takes, for `--help`: from the importer registry and the kind table. */
export function kindsHelp(importers: readonly ModelImporter[]): string {
  const lines = ["", "Kinds (what AutoSing's Python code downloads → what autosing then uses):"];
  for (const kind of IMPORTABLE_KINDS) {
    const importer = importerFor(kind, importers);
    lines.push(`  ${kind.padEnd(11)} ${MODEL_KINDS[kind].summary}`);
    if (importer === undefined) {
      lines.push(`  ${"".padEnd(11)} from ${PUBLISHED[kind]} — in progress: no importer on this build yet (exit 3)`);
      continue;
    }
    lines.push(`  ${"".padEnd(11)} sources: ${importer.sources}`);
    for (const option of importer.options) lines.push(`  ${"".padEnd(11)} --${option.name} <value>  ${option.description}`);
  }
  lines.push(
    "",
    `The model goes to <models>/<name>/ (name: --name, default the kind) and is recorded in <models>/models.json;`,
    "nothing is written unless the import succeeds. process, sing and train then find it with --models <dir>.",
    "",
    "Example:",
    "  autosing import bn-whisper rvq.model whisper.pt --models autosing-models",
  );
  return `${lines.join("\n")}\n`;
}

/** The importer options of every kind, each declared once (two kinds may share a name, e.g. --size). */
function importerOptions(importers: readonly ModelImporter[]): Option[] {
  const seen = new Map<string, Option>();
  for (const importer of importers) {
    for (const option of importer.options) {
      if (!seen.has(option.name)) seen.set(option.name, new Option(`--${option.name} <value>`, `${importer.kind}: ${option.description}`));
    }
  }
  return [...seen.values()];
}

interface ImportFlags {
  models?: string;
  name?: string;
  force?: boolean;
  [option: string]: unknown;
}

/** Registers `autosing import`; `importers` is the registry (tests pass their own). */
export function registerImportCommand(program: Command, io: CliIo, importers: readonly ModelImporter[] = MODEL_IMPORTERS): void {
  const options = importerOptions(importers);
  const command = program
    .command("import")
    .argument("<kind>", IMPORTABLE_KINDS.join(" | "))
    .argument("<source...>", "the published file(s) or folder the kind takes (see below)")
    .summary("build a network from the files AutoSing publishes, into a models directory")
    .description("Reads the files AutoSing's Python code downloads (no Python, no code in them is run) and writes what autosing consumes into <models>/<name>/, recorded in <models>/models.json.")
    .option("--models <dir>", `the models directory (default ${DEFAULT_MODELS_DIR}; created when missing)`)
    .option("--name <name>", "the model's folder and manifest name (default: the kind); import several of a kind under different names")
    .option("--force", "replace a model of that name");
  for (const option of options) command.addOption(option);
  command.addHelpText("after", kindsHelp(importers)).action(async (kind: string, sources: string[], flags: ImportFlags) => {
    if (!isImportableKind(kind)) throw new FlagError(`autosing import: unknown kind "${kind}"; expected one of ${IMPORTABLE_KINDS.join(", ")}`);
    const importer = importerFor(kind, importers);
    if (importer === undefined) throw new NotImplementedError(`import ${kind}`, 12);
    const given: Record<string, string> = {};
    for (const option of options) {
      const value = flags[option.attributeName()];
      if (typeof value === "string") given[option.name()] = value;
    }
    const record = await importModel(flags.models ?? DEFAULT_MODELS_DIR, importer, sources, given, {
      ...(flags.name === undefined ? {} : { name: flags.name }),
      force: flags.force === true,
      log: (line) => io.stderr(`autosing import ${kind}: ${line}\n`),
      autosingVersion: CLI_VERSION,
    });
    io.stdout(`imported ${kind} as "${record.name}" into ${record.folder}\n`);
    for (const [role, path] of Object.entries(record.entry.files)) io.stdout(`  ${role.padEnd(20)} ${path}\n`);
    for (const [key, value] of Object.entries(record.entry.details)) io.stdout(`  ${key.padEnd(20)} ${JSON.stringify(value)}\n`);
    io.stdout(`recorded in ${record.manifestPath}; use it with --models ${record.folder.slice(0, -record.name.length - 1)}\n`);
  });
}
