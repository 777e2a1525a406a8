/**
 * What each kind of model in a models directory gives its consumers, in one table: the file roles
 * its manifest entry records and, for each network a command needs, the path or spec the matching
 * flag takes. Adding a kind is one row here (and its importer in `importers.ts`); issue #13 adds
 * `frame-classifier` (need `frameClassifier`) and `separator` (need `separator`).
 */
import { dirname } from "node:path";

import type { ModelKind } from "../importer.js";

/**
 * The networks commands look up in a models directory. Each is what one flag takes:
 * `codec` (`--codec` spec), `tokenizer` (`--tokenizer` spec), `semanticEmbeddings` (the frozen
 * BN-Whisper codebook, `frozen_embeddings_model`), `artistModel` / `t2sModel` / `sm2aModel`
 * (export folders: `--artist-model`, `--embedder`, `--t2s-model`, `--sm2a-model`),
 * `artistCheckpoint` / `t2sCheckpoint` / `sm2aCheckpoint` (saved-model folders: `autosing export`,
 * `train --load-from`), `frameClassifier` (`--fc-model`) and `separator` (`--separator` spec).
 */
export const MODEL_NEEDS = {
  codec: "acoustic codec",
  tokenizer: "semantic tokenizer",
  semanticEmbeddings: "frozen semantic embeddings (BN-Whisper codebook)",
  artistModel: "artist embedder",
  artistCheckpoint: "artist-embedder checkpoint",
  t2sModel: "t2s model",
  t2sCheckpoint: "t2s checkpoint",
  sm2aModel: "sm2a model",
  sm2aCheckpoint: "sm2a checkpoint",
  frameClassifier: "phoneme frame classifier",
  separator: "vocal separator",
} as const;

export type ModelNeed = keyof typeof MODEL_NEEDS;

/** One row of the table: a kind of model in the directory. */
export interface ModelKindRow {
  /** One line: what the kind is. */
  readonly summary: string;
  /** The file roles an entry of this kind must record (the importer returns them in `files`). */
  readonly roles: readonly string[];
  /** For each need the kind meets: the flag's value, from the absolute path of a role. */
  readonly provides: Readonly<Partial<Record<ModelNeed, (file: (role: string) => string) => string>>>;
  /** Made by `autosing codec fit` / the demo, not imported from upstream: quality is demo-grade. */
  readonly demoGrade: boolean;
}

/**
 * The kinds, in order of preference: where two kinds meet a need (SNAC and the default codec),
 * the directory's model of the earlier kind wins.
 */
export const MODEL_KINDS = {
  snac: {
    summary: "SNAC 32 kHz acoustic codec (ONNX encoder + decoder)",
    roles: ["encoder", "decoder"],
    provides: { codec: (file) => `snac:${dirname(file("encoder"))}` },
    demoGrade: false,
  },
  "bn-whisper": {
    summary: "BN-Whisper semantic tokenizer (ONNX) and its frozen codebook",
    roles: ["tokenizer", "semanticEmbeddings"],
    provides: { tokenizer: (file) => `bn-whisper:${file("tokenizer")}`, semanticEmbeddings: (file) => file("semanticEmbeddings") },
    demoGrade: false,
  },
  "artist-emb": {
    summary: "artist embedder (checkpoint + ONNX export)",
    roles: ["checkpoint", "export"],
    provides: { artistModel: (file) => file("export"), artistCheckpoint: (file) => file("checkpoint") },
    demoGrade: false,
  },
  t2s: {
    summary: "t2s, lyrics → semantic tokens (checkpoint + ONNX export)",
    roles: ["checkpoint", "export"],
    provides: { t2sModel: (file) => file("export"), t2sCheckpoint: (file) => file("checkpoint") },
    demoGrade: false,
  },
  sm2a: {
    summary: "sm2a, semantic → acoustic tokens (checkpoint + ONNX export)",
    roles: ["checkpoint", "export"],
    provides: { sm2aModel: (file) => file("export"), sm2aCheckpoint: (file) => file("checkpoint") },
    demoGrade: false,
  },
  "frame-classifier": { summary: "wav2vec2 phoneme frame classifier (frame-classifier ONNX + labels)", roles: ["model", "labels"], provides: { frameClassifier: (file) => file("model") }, demoGrade: false },
  separator: { summary: "Mel-Band RoFormer vocal separator (ONNX + STFT/band settings)", roles: ["separator", "facts"], provides: { separator: (file) => `roformer:${dirname(file("separator"))}` }, demoGrade: false },
  "default-codec": {
    summary: "the embedded default codec fitted by `autosing codec fit` or the demo (demo-grade)",
    roles: ["codec"],
    provides: { codec: (file) => `default:${file("codec")}` },
    demoGrade: true,
  },
  "default-tokenizer": {
    summary: "the embedded default semantic tokenizer fitted by the demo (demo-grade)",
    roles: ["tokenizer"],
    provides: { tokenizer: (file) => `default:${file("tokenizer")}` },
    demoGrade: true,
  },
} as const satisfies Record<ModelKind, ModelKindRow> & Record<string, ModelKindRow>;

const IMPORTABLE: Readonly<Record<ModelKind, true>> = { snac: true, "bn-whisper": true, "artist-emb": true, t2s: true, sm2a: true, "frame-classifier": true, separator: true };

/** The kinds `autosing import` takes, in the table's order (a kind added to `ModelKind` must be added here: the compiler says so). */
export const IMPORTABLE_KINDS = Object.keys(MODEL_KINDS).filter((kind) => Object.hasOwn(IMPORTABLE, kind)) as ModelKind[];

export function isImportableKind(kind: string): kind is ModelKind {
  return Object.hasOwn(IMPORTABLE, kind);
}

/** Every kind a models directory knows: the importers' kinds and the demo's. */
export type DirectoryModelKind = keyof typeof MODEL_KINDS;

export function isDirectoryModelKind(kind: string): kind is DirectoryModelKind {
  return Object.hasOwn(MODEL_KINDS, kind);
}

/** The row of a kind, typed as the general row (the table's literal types are narrower). */
export function modelKindRow(kind: DirectoryModelKind): ModelKindRow {
  return MODEL_KINDS[kind];
}
