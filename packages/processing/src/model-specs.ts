import { type SemanticTokenizer, loadBnWhisperOnnx, loadDefaultTokenizer } from "@autosing/semantic-tokens";

import { StepOptionError } from "./errors.js";
import { type MdxOnnxOptions, loadMdxOnnxSeparator } from "./mdx-onnx.js";
import type { SourceSeparator } from "./separator.js";
import { createTruthSeparator } from "./truth-separator.js";

function splitSpec(spec: string): { kind: string; target: string } {
  const colon = spec.indexOf(":");
  return colon < 0 ? { kind: spec, target: "" } : { kind: spec.slice(0, colon), target: spec.slice(colon + 1) };
}

/**
 * Opens a semantic tokenizer from a spec: `default:<tokenizer.json>` (the embedded default,
 * fitted with `fitDefaultTokenizer`) or `bn-whisper:<model.onnx>` (the BN-Whisper ONNX contract).
 */
export async function loadSemanticTokenizer(spec: string, options: { threads?: number } = {}): Promise<SemanticTokenizer> {
  const { kind, target } = splitSpec(spec);
  if (target === "") throw new StepOptionError("stoks", "tokenizer", spec, 'must be "default:<tokenizer.json>" or "bn-whisper:<model.onnx>"');
  if (kind === "default") return loadDefaultTokenizer(target);
  if (kind === "bn-whisper") return loadBnWhisperOnnx(target, options.threads === undefined ? {} : { threads: options.threads });
  throw new StepOptionError("stoks", "tokenizer", spec, `unknown tokenizer kind "${kind}" (expected "default" or "bn-whisper")`);
}

/** The table name part of a codec spec: `default:<file>` → "default", `snac:<dir>` → "snac_32khz", a bare name stays. */
export function codecTableName(spec: string): string {
  const { kind, target } = splitSpec(spec);
  if (target === "") return spec;
  return kind === "snac" ? "snac_32khz" : kind;
}

/**
 * Opens a separator from a spec: `mdx:<model.onnx>` (the MDX-Net ONNX contract, with `mdx`'s
 * per-model settings) or `truth` (the song-corpus oracle, needs the partition's truth.parquet).
 */
export async function loadSeparator(spec: string, datasetDir: string, partition: number, mdx: MdxOnnxOptions = {}): Promise<SourceSeparator> {
  const { kind, target } = splitSpec(spec);
  if (kind === "truth") return createTruthSeparator(datasetDir, partition);
  if (kind === "mdx" && target !== "") return loadMdxOnnxSeparator(target, mdx);
  throw new StepOptionError("src_sep", "separator", spec, 'must be "mdx:<model.onnx>" or "truth" (the oracle for synthetic corpora)');
}
