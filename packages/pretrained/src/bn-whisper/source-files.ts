import { PretrainedSourceError } from "../errors.js";
import type { UpstreamFile, UpstreamTensor } from "../upstream-file.js";
import { isRecord } from "./config.js";
import type { ParameterShapes } from "./parameters.js";

/** Where a `.model` (`torch.save(dict(config, tunables, state_dict))`) keeps its tensors. */
export const RVQ_STATE_DICT_PREFIX = "state_dict.";
/** Where OpenAI's `whisper.pt` (`{"dims", "model_state_dict"}`) keeps its tensors. */
export const WHISPER_STATE_DICT_PREFIX = "model_state_dict.";

export const RVQ_EXPECTED = "BN-Whisper's rvq.model (a WhisperSpeech RQBottleneckTransformer: config with vq_codes and codebook_dim, state_dict)";
export const WHISPER_EXPECTED = "BN-Whisper's whisper.pt (an OpenAI Whisper checkpoint: dims and model_state_dict)";

export type BnWhisperSourceKind = "rvq" | "whisper";

function hasTensorsUnder(file: UpstreamFile, prefix: string): boolean {
  for (const name of file.tensors.keys()) if (name.startsWith(prefix)) return true;
  return false;
}

/** Which of the two BN-Whisper files `file` is, by its content (never by its name). */
export function bnWhisperSourceKind(file: UpstreamFile): BnWhisperSourceKind | undefined {
  const root = isRecord(file.root) ? file.root : {};
  if (isRecord(root.config) && ("vq_codes" in root.config || "codebook_dim" in root.config) && hasTensorsUnder(file, RVQ_STATE_DICT_PREFIX)) return "rvq";
  if (isRecord(root.dims) && hasTensorsUnder(file, WHISPER_STATE_DICT_PREFIX)) return "whisper";
  return undefined;
}

/** What a file that is neither BN-Whisper file looks like, for the error that refuses it. */
export function describeUpstreamFile(file: UpstreamFile): string {
  const root = isRecord(file.root) ? file.root : {};
  const config = isRecord(root.config) ? root.config : undefined;
  if (config) {
    if ("ttoks_len" in config) return "a t2s checkpoint (its config has ttoks_len)";
    if ("pattern" in config || "enc_subsample" in config) return "an sm2a checkpoint (its config has pattern / enc_subsample)";
    if ("num_classes" in config || "emb_width" in config) return "an artist-embedder checkpoint (its config has num_classes / emb_width)";
    if ("vq_codes" in config || "codebook_dim" in config) return "an rvq.model-like file without a state_dict";
    return `a .model whose config has ${Object.keys(config).slice(0, 6).join(", ") || "no fields"}`;
  }
  if ("pytorch-lightning_version" in root) return "a PyTorch Lightning checkpoint (.ckpt)";
  if ("dims" in root) return "a Whisper-like checkpoint without model_state_dict tensors";
  const names = [...file.tensors.keys()];
  if (names.length > 0) return `a bare state dict of ${names.length} tensors (first ${names[0] ?? ""})`;
  return "a file without tensors";
}

/**
 * The tensors of `file` under `prefix` (the prefix removed), checked against the shapes the
 * config implies: every missing key, every unexpected key and every wrong shape reported at once,
 * before anything is read or written. Keys starting with one of `ignoredPrefixes` (after
 * `prefix`) are neither checked nor returned. Values are not read: the returned tensors read
 * themselves when the graph needs them.
 */
export function checkedTensors(
  file: UpstreamFile,
  prefix: string,
  expected: ParameterShapes,
  hint: string,
  ignoredPrefixes: readonly string[] = [],
): Map<string, UpstreamTensor> {
  const found = new Map<string, UpstreamTensor>();
  const unexpected: string[] = [];
  for (const [name, tensor] of file.tensors) {
    const key = name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
    if (key !== undefined && ignoredPrefixes.some((p) => key.startsWith(p))) continue;
    if (key === undefined || !expected.has(key)) unexpected.push(name);
    else found.set(key, tensor);
  }
  const missing = [...expected.keys()].filter((key) => !found.has(key)).map((key) => prefix + key);
  const misshapen: string[] = [];
  for (const [key, tensor] of found) {
    const shape = expected.get(key) ?? [];
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) misshapen.push(prefix + key);
  }
  const problems = [
    ...(missing.length > 0 ? [`missing key${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`] : []),
    ...(unexpected.length > 0 ? [`unexpected key${unexpected.length > 1 ? "s" : ""} ${unexpected.join(", ")}`] : []),
    ...(misshapen.length > 0
      ? [`wrong shape${misshapen.length > 1 ? "s" : ""}: ${misshapen.map((name) => `${name} is [${file.tensors.get(name)?.shape.join(", ") ?? ""}], expected [${expected.get(name.slice(prefix.length))?.join(", ") ?? ""}]`).join("; ")}`]
      : []),
  ];
  if (problems.length > 0) {
    // One offending key is also the error's `key`; several are all in the message.
    const keys = [...missing, ...unexpected, ...misshapen];
    throw new PretrainedSourceError(file.path, `its tensors do not match ${hint}: ${problems.join("; ")}`, keys.length === 1 ? keys[0] : undefined);
  }
  return found;
}
