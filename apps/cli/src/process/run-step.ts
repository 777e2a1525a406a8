/** One processing step on one partition, with the options its flags give, and the line that reports it. */
import {
  ATOKS_SOURCES,
  type AtoksSource,
  type CommonStepOptions,
  STEP_AUDIO_FORMATS,
  type StepAudioFormat,
  type StepName,
  type StepResult,
  align,
  artistEmbs,
  atoks,
  codecTableName,
  srcSep,
  stoks,
  vadExtract,
} from "@autosing/processing";
import { loadSeparator } from "@autosing/separation";

import { CliError } from "../errors.js";
import { mdxSettingsFromFlags } from "../shared/mdx-flags.js";
import type { ProcessFlags } from "./process-flags.js";
import type { StepModels } from "./step-models.js";

function audioFormat(value: string | undefined): StepAudioFormat | undefined {
  if (value === undefined) return undefined;
  if (!(STEP_AUDIO_FORMATS as readonly string[]).includes(value)) {
    throw new CliError(`autosing process: --audio-format must be one of ${STEP_AUDIO_FORMATS.join(", ")}, got "${value}"`);
  }
  return value as StepAudioFormat;
}

function atoksSources(values: readonly string[] | undefined): AtoksSource[] {
  const sources = values ?? ["vocals", "no_vocals"];
  for (const source of sources) {
    if (!(ATOKS_SOURCES as readonly string[]).includes(source)) throw new CliError(`autosing process: --src must be one of ${ATOKS_SOURCES.join(", ")}, got "${source}"`);
  }
  return sources as AtoksSource[];
}

export function describeStepResult(result: StepResult): string {
  const files = result.outputs.map((file) => file.split(/[\\/]/).at(-1)).join(", ");
  if (result.skipped) return `${result.step} partition ${result.partition}: ${files} exists; skipped (--force recomputes)\n`;
  const speed = result.audioSeconds > 0 && result.wallSeconds > 0 ? `, ${result.audioSeconds.toFixed(1)} s of audio in ${result.wallSeconds.toFixed(1)} s (${(result.audioSeconds / result.wallSeconds).toFixed(1)}× real time)` : "";
  return `${result.step} partition ${result.partition}: ${result.rowsIn} rows in → ${result.rowsOut} rows in ${files}, ${result.failures.length} skipped${speed}\n`;
}

export async function runStep(step: StepName, dataset: string, partition: number, flags: ProcessFlags, models: StepModels, common: CommonStepOptions): Promise<StepResult[]> {
  const format = audioFormat(flags.audioFormat);
  const withFormat = format === undefined ? {} : { audioFormat: format };
  const maxSongSeconds = flags.maxSongSeconds === undefined ? {} : { maxSongSeconds: flags.maxSongSeconds };
  switch (step) {
    case "align":
      return [
        await align(dataset, partition, {
          ...common,
          ...maxSongSeconds,
          ...(flags.maxLyricsChars === undefined ? {} : { maxLyricsChars: flags.maxLyricsChars }),
          ...(models.classifier === undefined ? {} : { classifier: models.classifier }),
          ...(flags.voice === undefined ? {} : { voice: flags.voice }),
          ...(flags.rate === undefined ? {} : { rate: flags.rate }),
        }),
      ];
    case "vad_extract":
      return [
        await vadExtract(dataset, partition, {
          ...common,
          ...maxSongSeconds,
          ...withFormat,
          ...(models.classifier === undefined ? {} : { classifier: models.classifier }),
          ...(flags.chunkLength === undefined ? {} : { chunkLength: flags.chunkLength }),
          ...(flags.minOccupancy === undefined ? {} : { minOccupancy: flags.minOccupancy }),
        }),
      ];
    case "src_sep": {
      if (flags.separator === undefined) {
        throw new CliError("autosing process src_sep: pass --separator mdx:<model.onnx> (an MDX-Net ONNX file) or --separator truth (the song-corpus oracle)");
      }
      const separator = await loadSeparator(flags.separator, dataset, partition, {
        ...mdxSettingsFromFlags(flags, "process src_sep"),
        ...(flags.threads === undefined ? {} : { threads: flags.threads }),
      });
      try {
        return [await srcSep(dataset, partition, { ...common, ...withFormat, separator })];
      } finally {
        await separator.dispose();
      }
    }
    case "atoks": {
      const results: StepResult[] = [];
      for (const source of atoksSources(flags.src)) results.push(await atoks(dataset, partition, { ...common, codec: models.codec!, source }));
      return results;
    }
    case "stoks":
      return [await stoks(dataset, partition, { ...common, tokenizer: models.tokenizer! })];
    case "artist_embs":
      return [await artistEmbs(dataset, partition, { ...common, embedder: models.embedder, codec: codecTableName(flags.codec ?? "snac_32khz") })];
  }
}
