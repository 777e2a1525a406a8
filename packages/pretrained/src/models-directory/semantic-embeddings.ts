/**
 * The frozen semantic embeddings: BN-Whisper's first-level codebook
 * (`vqmodel.rq.layers[0]._codebook.embed[0]`), which upstream's t2s and sm2a `make_model` copy
 * into their semantic-token embedding and freeze. The BN-Whisper importer writes it as
 * `semantic-embeddings.safetensors`, one float32 tensor `embeddings` of shape
 * `[codes, codebook_dim]` ([2049, 64] for bn_whisper: 2048 codes and the padding code of
 * `mask_embs`, which is why upstream gives t2s/sm2a `stoks_codes = vq_codes + 1`).
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { readSafetensors, writeSafetensors } from "@autosing/safetensors";

import { PretrainedSourceError } from "../errors.js";
import { MODELS_MANIFEST_FILE } from "./manifest.js";
import { networkFor, resolveModels } from "./resolve-models.js";

export const SEMANTIC_EMBEDDINGS_FILE = "semantic-embeddings.safetensors";
export const SEMANTIC_EMBEDDINGS_TENSOR = "embeddings";

export interface SemanticEmbeddings {
  /** The safetensors file they were read from. */
  readonly path: string;
  /** Codes (rows) and width (columns). */
  readonly codes: number;
  readonly width: number;
  /** Row-major [codes, width]. */
  readonly data: Float32Array;
}

const HOW_TO_GET = 'autosing downloads nothing: import BN-Whisper with "autosing import bn-whisper <rvq.model> <whisper.pt>" and pass its model folder, its semantic-embeddings.safetensors or the models directory';

/**
 * The file `location` names: the safetensors file itself, a BN-Whisper model folder holding
 * `semantic-embeddings.safetensors`, or a models directory (its manifest's BN-Whisper model).
 */
export async function semanticEmbeddingsFile(location: string): Promise<string> {
  const info = await stat(location).catch(() => undefined);
  if (info === undefined) throw new PretrainedSourceError(location, `does not exist (${HOW_TO_GET})`);
  if (info.isFile()) return location;
  const inFolder = join(location, SEMANTIC_EMBEDDINGS_FILE);
  if (await stat(inFolder).then((s) => s.isFile(), () => false)) return inFolder;
  if (await stat(join(location, MODELS_MANIFEST_FILE)).then((s) => s.isFile(), () => false)) {
    const network = networkFor(await resolveModels(location), "semanticEmbeddings");
    if (network !== undefined) return network.value;
    throw new PretrainedSourceError(location, `is a models directory without a BN-Whisper model (${HOW_TO_GET})`);
  }
  throw new PretrainedSourceError(location, `is a folder without ${SEMANTIC_EMBEDDINGS_FILE} or ${MODELS_MANIFEST_FILE} (${HOW_TO_GET})`);
}

/** Reads the embeddings at `location` (see {@link semanticEmbeddingsFile}); errors name the file and the tensor. */
export async function readSemanticEmbeddings(location: string): Promise<SemanticEmbeddings> {
  const path = await semanticEmbeddingsFile(location);
  const { tensors } = readSafetensors(await readFile(path), path);
  const tensor = tensors.get(SEMANTIC_EMBEDDINGS_TENSOR);
  if (tensor === undefined) {
    throw new PretrainedSourceError(path, `has no tensor "${SEMANTIC_EMBEDDINGS_TENSOR}" (it has ${[...tensors.keys()].join(", ") || "none"}); it is not a BN-Whisper semantic-embeddings file`, SEMANTIC_EMBEDDINGS_TENSOR);
  }
  const [codes, width] = tensor.shape;
  if (tensor.shape.length !== 2 || codes === undefined || width === undefined || codes === 0 || width === 0) {
    throw new PretrainedSourceError(path, `has shape [${tensor.shape.join(", ")}], expected [codes, width] (e.g. [2049, 64])`, SEMANTIC_EMBEDDINGS_TENSOR);
  }
  return { path, codes, width, data: tensor.data };
}

/** Writes `embeddings` ([codes, width], row-major) as a semantic-embeddings file (what the BN-Whisper importer produces). */
export async function writeSemanticEmbeddings(path: string, embeddings: { codes: number; width: number; data: Float32Array }): Promise<void> {
  const bytes = writeSafetensors(new Map([[SEMANTIC_EMBEDDINGS_TENSOR, { shape: [embeddings.codes, embeddings.width], data: embeddings.data }]]));
  await writeFile(path, bytes);
}
