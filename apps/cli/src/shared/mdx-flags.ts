import type { MdxOnnxOptions } from "@autosing/separation";
import type { Command } from "commander";

import { CliError } from "../errors.js";
import { POSITIVE_INTEGER, POSITIVE_NUMBER, numberFlag } from "./number-flags.js";

/** The MDX-Net separator settings as command-line flags (`process src_sep` and `sing` share them). */
export interface MdxFlags {
  nFft?: number;
  dimF?: number;
  dimT?: number;
  hopLength?: number;
  compensate?: number;
  primaryStem?: string;
}

/**
 * Adds `--n-fft --dim-f --dim-t --hop-length --compensate --primary-stem` to `command`;
 * `scope` starts each description (e.g. "src_sep mdx") so the help says when they apply.
 */
export function addMdxOptions(command: Command, commandName: string, scope: string): Command {
  return command
    .option("--n-fft <n>", `${scope}: FFT size of the model (default 6144)`, numberFlag(commandName, "--n-fft", POSITIVE_INTEGER))
    .option("--dim-f <n>", `${scope}: frequency bins the model takes (default 2048)`, numberFlag(commandName, "--dim-f", POSITIVE_INTEGER))
    .option("--dim-t <n>", `${scope}: frames per segment (default 256)`, numberFlag(commandName, "--dim-t", POSITIVE_INTEGER))
    .option("--hop-length <n>", `${scope}: STFT hop of the model (default 1024)`, numberFlag(commandName, "--hop-length", POSITIVE_INTEGER))
    .option("--compensate <x>", `${scope}: gain of the model's stem (default 1)`, numberFlag(commandName, "--compensate", POSITIVE_NUMBER))
    .option("--primary-stem <stem>", `${scope}: the stem the model outputs, vocals (default) or instrumental`);
}

/** The MDX-Net adapter's settings from the flags that were given (the adapter's defaults fill the rest). */
export function mdxSettingsFromFlags(flags: MdxFlags, commandName: string): MdxOnnxOptions {
  const settings: { -readonly [K in keyof MdxOnnxOptions]: MdxOnnxOptions[K] } = {};
  if (flags.nFft !== undefined) settings.nFft = flags.nFft;
  if (flags.dimF !== undefined) settings.dimF = flags.dimF;
  if (flags.dimT !== undefined) settings.dimT = flags.dimT;
  if (flags.hopLength !== undefined) settings.hopLength = flags.hopLength;
  if (flags.compensate !== undefined) settings.compensate = flags.compensate;
  if (flags.primaryStem !== undefined) {
    if (flags.primaryStem !== "vocals" && flags.primaryStem !== "instrumental") {
      throw new CliError(`autosing ${commandName}: --primary-stem must be vocals or instrumental, got "${flags.primaryStem}"`);
    }
    settings.primaryStem = flags.primaryStem;
  }
  return settings;
}
