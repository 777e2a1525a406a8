import { writeFileAtomic } from "@autosing/base";
import { collectArtists } from "@autosing/trainer";
import type { Command } from "commander";
import { z } from "zod";

import { CliError } from "../errors.js";
import type { CliIo } from "../io.js";
import { integerAtLeast, parseNumberFlag } from "../shared/number-flags.js";
import { asUserError } from "../shared/user-errors.js";
import { parseJsonFlag, readFlagObject } from "../training/json-flags.js";

interface TrainArtistsFlags {
  minSampleCount: string;
  outputPath: string;
  numPartitions?: string;
}

/** upstream takes the dataset config JSON as its positional argument; only its `path` matters here. */
const datasetConfigPath = z.looseObject({ path: z.string().optional() });

async function runCollectArtists(dataset: string, flags: TrainArtistsFlags, io: CliIo): Promise<void> {
  const minSampleCount = parseNumberFlag("train", "--min-sample-count", flags.minSampleCount, integerAtLeast(0));
  const numPartitions = flags.numPartitions !== undefined ? parseNumberFlag("train", "--num-partitions", flags.numPartitions, integerAtLeast(1)) : undefined;
  let path = dataset;
  // A plain path works too.
  if (dataset.trim().startsWith("{")) {
    const configured = readFlagObject("<dataset>", datasetConfigPath, parseJsonFlag("<dataset>", dataset)).path;
    if (!configured) throw new CliError('autosing train artists: the dataset config needs "path"');
    path = configured;
  }
  try {
    const { ids, counts } = await collectArtists(path, { minSampleCount, ...(numPartitions !== undefined ? { numPartitions } : {}) });
    await writeFileAtomic(flags.outputPath, JSON.stringify(ids));
    io.stdout(`Found ${Object.keys(ids).length} frequent artists in dataset (${counts.size} in all); wrote ${flags.outputPath}\n`);
  } catch (error) {
    throw asUserError("train artists", error);
  }
}

/** `autosing train artists <dataset>`: upstream collect_artists, the artist file the embedder trains on. */
export function registerTrainArtistsCommand(train: Command, io: CliIo): void {
  train
    .command("artists <dataset>")
    .description("number the artists with enough chunks for the artist embedder (upstream collect_artists)")
    .option("--min-sample-count <n>", "minimum chunks for an artist to be included", "100")
    .option("--output-path <file>", "where the artist → id JSON goes", "artist_ids.json")
    .option("--num-partitions <n>", "only training partitions 1..N")
    .action(async (dataset: string, flags: TrainArtistsFlags) => {
      await runCollectArtists(dataset, flags, io);
    });
}
