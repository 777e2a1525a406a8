import { EarlierRunError, TooFewRowsError, constructDataset } from "@autosing/parquet-io";
import { type Command, InvalidArgumentError } from "commander";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import type { CliIo } from "../io.js";
import { INTEGER, NON_NEGATIVE_INTEGER, POSITIVE_INTEGER, numberArgument } from "../shared/number-flags.js";
import { asUserError } from "../shared/user-errors.js";

// Bad numbers are commander's usage errors here, which name the argument or option themselves.
const nonNegativeInteger = numberArgument(NON_NEGATIVE_INTEGER);
const positiveInteger = numberArgument(POSITIVE_INTEGER);
const integer = numberArgument(INTEGER);

/** `--name` becomes `<output_dir>/<n>/<name>.parquet`: a path in it would write outside the output folder. */
function tableName(text: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new InvalidArgumentError(`expected a plain table name of letters, digits, _ and - (no / or ..), got "${text}"`);
  return text;
}

interface ConstructDatasetFlags {
  numOutPartitions: number;
  split: boolean;
  name: string;
  seed: number;
  codec: string;
  force: boolean;
}

/** `autosing construct-dataset`: port of upstream construct_dataset.py on @autosing/parquet-io. */
export function registerConstructDatasetCommand(program: Command, io: CliIo): void {
  program
    .command("construct-dataset")
    .description("join step tables, optionally split 30 s rows, shuffle into training partitions (partition 0 is validation)")
    .argument("<data_dir>", "folder of the processed partitions <data_dir>/<n>/*.parquet")
    .argument("<num_in_partitions>", "number of input partitions (0 .. n-1), at least 1", positiveInteger)
    .argument("<output_dir>", "where <output_dir>/<0..N>/<name>.parquet are written")
    .option("--num-out-partitions <n>", "training partitions (one more is written for validation)", nonNegativeInteger, 512)
    .option("--split", "turn each 30 s row into two 15 s rows, keeping halves whose words cover > 60 %", false)
    .option("--name <name>", "output table name (letters, digits, _ and -)", tableName, "main")
    .option("--seed <n>", "shuffle seed (same seed, same output)", integer, 0)
    .option("--codec <codec>", "codec of the atoks_<src>_<codec> tables", "snac_32khz")
    .option("--force", "replace the <n>/<name>.parquet files of an earlier run in <output_dir> (those beyond the new count are removed)", false)
    .action(async (dataDir: string, numInPartitions: number, outputDir: string, flags: ConstructDatasetFlags) => {
      let result;
      try {
        result = await constructDataset({
          dataDir,
          numInPartitions,
          outputDir,
          numOutPartitions: flags.numOutPartitions,
          split: flags.split,
          name: flags.name,
          seed: flags.seed,
          codec: flags.codec,
          force: flags.force,
          onProgress: (event) => {
            if (event.phase === "scatter" && event.error !== undefined) io.stderr(`partition ${event.partition}: failed: ${event.error}\n`);
          },
        });
      } catch (error) {
        // The library names its options; say the flags instead.
        if (TooFewRowsError.isInstance(error)) throw new CliError(`autosing construct-dataset: ${error.describe("--num-out-partitions")}`, ExitCode.usage, { cause: error });
        if (EarlierRunError.isInstance(error)) throw new CliError(`autosing construct-dataset: ${error.describe("--force")}`, ExitCode.fileSystem, { cause: error });
        throw asUserError("construct-dataset", error);
      }
      io.stdout(
        `joined ${result.rowsJoined} rows from ${numInPartitions - result.failures.length} of ${numInPartitions} partitions; ` +
          `${result.rowsShuffled} rows after ${flags.split ? "split and cover filter" : "join"}\n` +
          `wrote ${result.partitionsWritten} partitions of ${result.rowsPerPartition} rows to ${outputDir} ` +
          `(partition 0 is validation; ${result.rowsDropped} leftover rows dropped)\n`,
      );
      if (result.failures.length > 0) {
        const lines = result.failures.map((failure) => `  partition ${failure.partition}: ${failure.message}`);
        throw new CliError(
          `autosing construct-dataset: ${result.failures.length} of ${numInPartitions} input partitions failed and were left out:\n${lines.join("\n")}`,
          ExitCode.badInput,
        );
      }
    });
}
