import type { MdxOnnxOptions } from "@autosing/separation";
import type { Command } from "commander";

import { CliError } from "../errors.js";

/** The MDX-Net separator settings as command-line flags (`process src_sep` and `sing` share them). */
export interface MdxFlags {
  nFft?: number;
  dimF?: number;
  dimT?: number;
  hopLength?: number;
  compensate?: number;
  primaryStem?: string;
}

function positiveNumber(command: string, flag: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    const ok = value.trim() !== "" && Number.isFinite(n) && n > 0 && (!integer || Number.isInteger(n));
    if (!ok) throw new CliError(`autosing ${command}: ${flag} must be a positive ${integer ? "integer" : "number"}, got "${value}"`);
    return n;
  };
}

/**
 * Adds `--n-fft --dim-f --dim-t --hop-length --compensate --primary-stem` to `command`;
 * `scope` starts each description (e.g. "src_sep mdx") so the help says when they apply.
 */
export function addMdxOptions(command: Command, commandName: string, scope: string): Command {
  return command
    .option("--n-fft <n>", `${scope}: FFT size of the model (default 6144)`, positiveNumber(commandName, "--n-fft", true))
    .option("--dim-f <n>", `${scope}: frequency bins the model takes (default 2048)`, positiveNumber(commandName, "--dim-f", true))
    .option("--dim-t <n>", `${scope}: frames per segment (default 256)`, positiveNumber(commandName, "--dim-t", true))
    .option("--hop-length <n>", `${scope}: STFT hop of the model (default 1024)`, positiveNumber(commandName, "--hop-length", true))
    .option("--compensate <x>", `${scope}: gain of the model's stem (default 1)`, positiveNumber(commandName, "--compensate", false))
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
