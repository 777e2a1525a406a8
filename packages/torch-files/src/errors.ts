import { AutosingError } from "@autosing/base";

/** Base class of every error thrown by @autosing/torch-files. */
export class TorchFilesError extends AutosingError {
  static override readonly scope: string = "torch-files";
}

/**
 * A PyTorch file cannot be read: `file` names it, `detail` says what is wrong and what would work,
 * `where` says where inside it (`data.pkl byte 1234 (REDUCE)`, a storage key, or the dotted key
 * path of a tensor) when that is known.
 */
export class TorchFileError extends TorchFilesError {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly where?: string,
  ) {
    super(where === undefined ? `${file}: ${detail}` : `${file}: ${where}: ${detail}`);
  }
}
