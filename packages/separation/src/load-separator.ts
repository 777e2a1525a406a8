import { SeparatorOptionError } from "./errors.js";
import { type MdxOnnxOptions, loadMdxOnnxSeparator } from "./mdx-onnx.js";
import { type RoformerOptions, loadRoformerSeparator } from "./roformer-onnx.js";
import type { SourceSeparator } from "./separator.js";
import { createTruthSeparator } from "./truth-separator.js";

/**
 * Opens the separator of a `src_sep` spec for one partition, as `loadCodec` opens a codec:
 * `mdx:<model.onnx>` (the MDX-Net ONNX contract, with `mdx`'s per-model settings),
 * `roformer:<dir>` (a Mel-Band RoFormer folder written by `autosing import separator`) or `truth`
 * (the song-corpus oracle, which needs the partition's truth.parquet).
 */
export async function loadSeparator(spec: string, datasetDir: string, partition: number, mdx: MdxOnnxOptions = {}, roformer: RoformerOptions = {}): Promise<SourceSeparator> {
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const target = colon < 0 ? "" : spec.slice(colon + 1);
  if (kind === "truth") return createTruthSeparator(datasetDir, partition);
  if (kind === "mdx" && target !== "") return loadMdxOnnxSeparator(target, mdx);
  if (kind === "roformer" && target !== "") return loadRoformerSeparator(target, roformer);
  throw new SeparatorOptionError("separator", spec, 'must be "mdx:<model.onnx>", "roformer:<dir from autosing import separator>" or "truth" (the oracle for synthetic corpora)');
}
