/**
 * The contract between `autosing import` (the models directory, its manifest and the CLI) and the
 * importer of each kind of network. An importer reads the files upstream publishes and writes what
 * the rest of autosing consumes into a scratch folder; the models directory moves that folder into
 * place and records it in `models.json` only when the importer returned, so a failed import leaves
 * the directory and its manifest unchanged.
 */

/** The kinds `autosing import` knows: the data path (issue #12) and the front end (issue #13). */
export type ModelKind = "snac" | "bn-whisper" | "artist-emb" | "t2s" | "sm2a" | "frame-classifier" | "separator";

export interface ImportContext {
  /** An empty scratch folder the importer writes its files into (relative names are kept). */
  readonly outputDir: string;
  /** One progress line for the user (stderr in the CLI). */
  log(line: string): void;
}

/** What an importer wrote, as the manifest records it. */
export interface ImportedModel {
  /** Role → path relative to `outputDir` ("encoder" → "encoder.onnx", "checkpoint" → "checkpoint/"). */
  readonly files: Readonly<Record<string, string>>;
  /** Facts a user or a consumer needs: sample rate, levels, model size, vocabulary… (JSON values). */
  readonly details: Readonly<Record<string, unknown>>;
}

/** One importer option, turned into a `--<name> <value>` flag of `autosing import <kind>`. */
export interface ImporterOption {
  readonly name: string;
  readonly description: string;
}

export interface ModelImporter {
  readonly kind: ModelKind;
  /** One line for `--help`: what the kind is. */
  readonly summary: string;
  /** The sources it takes, as `--help` shows them ("<dir with config.json + pytorch_model.bin>"). */
  readonly sources: string;
  readonly options: readonly ImporterOption[];
  /**
   * Reads `sources` and writes the model under `context.outputDir`. Throws `PretrainedSourceError`
   * naming the file and key for bad input; never executes code from a source file.
   */
  run(sources: readonly string[], options: Readonly<Record<string, string | undefined>>, context: ImportContext): Promise<ImportedModel>;
}
