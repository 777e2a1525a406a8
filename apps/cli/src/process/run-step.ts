/** One processing step on one partition, with the settings its flags give (run by @autosing/processing), and the line that reports it. */
import {
  ATOKS_SOURCES,
  type AtoksSource,
  type CommonStepOptions,
  STEP_AUDIO_FORMATS,
  type StepAudioFormat,
  type StepName,
  type StepResult,
  type StepSettings,
  runStepOnPartition,
} from "@autosing/processing";

import { CliError } from "../errors.js";
import { mdxSettingsFromFlags } from "../shared/mdx-flags.js";
import type { ProcessFlags } from "./process-flags.js";
import { type StepModels, stepModelSpecs } from "./step-models.js";

function audioFormat(value: string | undefined): StepAudioFormat | undefined {
  if (value === undefined) return undefined;
  if (!(STEP_AUDIO_FORMATS as readonly string[]).includes(value)) {
    throw new CliError(`autosing process: --audio-format must be one of ${STEP_AUDIO_FORMATS.join(", ")}, got "${value}"`);
  }
  return value as StepAudioFormat;
}

function atoksSources(values: readonly string[] | undefined): AtoksSource[] | undefined {
  if (values === undefined) return undefined;
  for (const source of values) {
    if (!(ATOKS_SOURCES as readonly string[]).includes(source)) throw new CliError(`autosing process: --src must be one of ${ATOKS_SOURCES.join(", ")}, got "${source}"`);
  }
  return values as AtoksSource[];
}

/** The steps' settings from the flags that were given (the steps' defaults fill the rest). */
function stepSettings(flags: ProcessFlags): StepSettings {
  const format = audioFormat(flags.audioFormat);
  const sources = atoksSources(flags.src);
  return {
    ...(format === undefined ? {} : { audioFormat: format }),
    ...(flags.maxSongSeconds === undefined ? {} : { maxSongSeconds: flags.maxSongSeconds }),
    ...(flags.maxLyricsChars === undefined ? {} : { maxLyricsChars: flags.maxLyricsChars }),
    ...(flags.voice === undefined ? {} : { voice: flags.voice }),
    ...(flags.rate === undefined ? {} : { rate: flags.rate }),
    ...(flags.chunkLength === undefined ? {} : { chunkLength: flags.chunkLength }),
    ...(flags.minOccupancy === undefined ? {} : { minOccupancy: flags.minOccupancy }),
    ...(sources === undefined ? {} : { sources }),
  };
}

export function describeStepResult(result: StepResult): string {
  const files = result.outputs.map((file) => file.split(/[\\/]/).at(-1)).join(", ");
  if (result.skipped) return `${result.step} partition ${result.partition}: ${files} exists; skipped (--force recomputes)\n`;
  const speed = result.audioSeconds > 0 && result.wallSeconds > 0 ? `, ${result.audioSeconds.toFixed(1)} s of audio in ${result.wallSeconds.toFixed(1)} s (${(result.audioSeconds / result.wallSeconds).toFixed(1)}× real time)` : "";
  return `${result.step} partition ${result.partition}: ${result.rowsIn} rows in → ${result.rowsOut} rows in ${files}, ${result.failures.length} skipped${speed}\n`;
}

export async function runStep(step: StepName, dataset: string, partition: number, flags: ProcessFlags, models: StepModels, common: CommonStepOptions): Promise<StepResult[]> {
  return runStepOnPartition(step, dataset, partition, {
    models,
    specs: stepModelSpecs(flags),
    settings: stepSettings(flags),
    common,
    ...(flags.threads === undefined ? {} : { threads: flags.threads }),
    ...(step === "src_sep" ? { mdx: mdxSettingsFromFlags(flags, "process src_sep") } : {}),
  });
}
