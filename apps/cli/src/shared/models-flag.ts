/**
 * `--models <dir>`, the one resolver every command uses: each network a command needs and no flag
 * gives is taken from the models directory (`autosing import`, the demo's `<out>/models`). An
 * explicit flag always wins. A network the directory lacks leaves the flag unset — the command
 * then runs exactly as without `--models` (its demo default, or its message asking for the flag)
 * — and says so once on stderr.
 */
import { MODEL_NEEDS, type ModelNeed, type ResolvedModels, networkFor, resolveModels } from "@autosing/pretrained";
import type { Command } from "commander";

/** The option as process, sing and train declare it. */
export function addModelsOption(command: Command): Command {
  return command.option(
    "--models <dir>",
    "a models directory (autosing import; autosing demo writes <out>/models): every network this command needs and no flag names is taken from it; explicit flags win",
  );
}

/** Where a user gets each network, for the line that says the directory lacks it. */
const HOW_TO_GET: Record<ModelNeed, string> = {
  codec: "autosing import snac <snac_32khz folder>",
  tokenizer: "autosing import bn-whisper <rvq.model> <whisper.pt>",
  semanticEmbeddings: "autosing import bn-whisper <rvq.model> <whisper.pt>",
  artistModel: "autosing import artist-emb <artist_emb.model>",
  artistCheckpoint: "autosing import artist-emb <artist_emb.model>",
  t2sModel: "autosing import t2s <t2s .model>",
  t2sCheckpoint: "autosing import t2s <t2s .model>",
  sm2aModel: "autosing import sm2a <sm2a .model>",
  sm2aCheckpoint: "autosing import sm2a <sm2a .model>",
  frameClassifier: "autosing import frame-classifier <streich/singing_va folder>",
  separator: "autosing import separator <model .ckpt> <its .yaml>",
};

/** One network a command takes from the directory: which need fills which flag. */
export interface ModelFlagRow<Flags> {
  readonly need: ModelNeed;
  /** The flags object's key (`codec`, `t2sModel`) and the flag as the user types it. */
  readonly key: keyof Flags & string;
  readonly flag: string;
  /** What the command does without it, for the stderr line (default: "<flag> is not given"). */
  readonly withoutIt?: string;
}

/** The models directory of a run, opened once. */
export class ModelsDirectory {
  private constructor(
    private readonly command: string,
    readonly resolved: ResolvedModels,
    private readonly say: (line: string) => void,
  ) {}

  /** Reads `<dir>/models.json` (a missing directory or a bad manifest fail here, naming the file and key). */
  static async open(command: string, dir: string, say: (line: string) => void): Promise<ModelsDirectory> {
    return new ModelsDirectory(command, await resolveModels(dir), say);
  }

  /**
   * The flag's value for `row`: the flag when given, else the directory's network (one stderr
   * line names it), else undefined (one stderr line says what happens without it).
   */
  value(row: { need: ModelNeed; flag: string; withoutIt?: string }, given: string | undefined): string | undefined {
    if (given !== undefined) return given;
    const network = networkFor(this.resolved, row.need);
    if (network === undefined) {
      const without = row.withoutIt ?? `${row.flag} is not given`;
      this.say(`autosing ${this.command}: ${this.resolved.directory} has no ${MODEL_NEEDS[row.need]} (${HOW_TO_GET[row.need]}); running as without --models: ${without}\n`);
      return undefined;
    }
    const grade = network.demoGrade ? ", demo-grade" : "";
    this.say(`autosing ${this.command}: ${row.flag} ${network.value} (model "${network.model}", ${network.kind}${grade}, from --models)\n`);
    return network.value;
  }

  /** `flags` with every row's flag filled from the directory where the user gave none. */
  fill<Flags extends object>(flags: Flags, rows: readonly ModelFlagRow<Flags>[]): Flags {
    const filled = { ...flags } as Record<string, unknown>;
    for (const row of rows) {
      const value = this.value(row, filled[row.key] as string | undefined);
      if (value !== undefined) filled[row.key] = value;
    }
    return filled as Flags;
  }
}

/** `flags` filled from `--models <dir>` when given (see {@link ModelsDirectory.fill}), else unchanged. */
export async function withModelsDirectory<Flags extends { models?: string }>(command: string, flags: Flags, rows: readonly ModelFlagRow<Flags>[], say: (line: string) => void): Promise<Flags> {
  if (flags.models === undefined) return flags;
  return (await ModelsDirectory.open(command, flags.models, say)).fill(flags, rows);
}
