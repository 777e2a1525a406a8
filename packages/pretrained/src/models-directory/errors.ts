import { PretrainedError } from "../errors.js";

/**
 * A models directory that is not there: `--models <dir>` names a folder that does not exist, or
 * one without `models.json`. The CLI reports it as a file-system error (exit 6).
 */
export class ModelsDirectoryError extends PretrainedError {
  constructor(
    readonly directory: string,
    readonly detail: string,
  ) {
    super(`${directory}: ${detail}`);
  }
}

/**
 * A `models.json` that cannot be used: not JSON, a key of the wrong type, a file it records that
 * is missing. `file` is the manifest, `key` the dotted key inside it (`models.snac.files.encoder`).
 * The CLI reports it as bad input (exit 4).
 */
export class ModelsManifestError extends PretrainedError {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly key?: string,
  ) {
    super(key === undefined ? `${file}: ${detail}` : `${file}: ${key}: ${detail}`);
  }
}

/**
 * A request the models directory refuses as asked: a model name that is taken (without `force`)
 * or not a plain folder name, an importer option that does not exist, two models of a kind with
 * none named like it. `option` is the flag-like name of what to change (`--name`, `--force`).
 * The CLI reports it as a usage error (exit 2).
 */
export class ModelsUsageError extends PretrainedError {
  constructor(
    readonly option: string,
    readonly detail: string,
  ) {
    super(`${option}: ${detail}`);
  }
}

/**
 * An importer broke its contract: it returned a role outside its scratch folder, a file it did
 * not write, or left out a role its kind requires. A bug in autosing (exit 1 is not used: the
 * message names the importer and the role, which is all a user can report).
 */
export class ImporterContractError extends PretrainedError {
  constructor(
    readonly kind: string,
    readonly detail: string,
  ) {
    super(`the ${kind} importer ${detail} (a bug in autosing: please report it)`);
  }
}
