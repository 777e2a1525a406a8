import { stat } from "node:fs/promises";

import { type ArtistEmbedder, openArtistEmbedderExport } from "@autosing/artist-embedder";
import { type AcousticCodec, assertFourLevelCodec, loadCodec } from "@autosing/audio-codec";
import { type SemanticTokenizer, loadSemanticTokenizer } from "@autosing/semantic-tokens";
import { type SM2AGenerator, openSM2AExport, sm2aDimensions } from "@autosing/sm2a-model";
import { type T2SGenerator, openT2SExport } from "@autosing/t2s-model";

import { SingModelError, SingModelPathError } from "./errors.js";
import type { ResolvedSingOptions } from "./options.js";

/** Everything a run needs loaded; `dispose` releases the native sessions. */
export interface SingModels {
  readonly codec: AcousticCodec;
  readonly t2s: T2SGenerator | undefined;
  readonly sm2a: SM2AGenerator;
  readonly artist: ArtistEmbedder;
  readonly tokenizer: SemanticTokenizer | undefined;
  dispose(): Promise<void>;
}

const HOW_TO_EXPORT = "export a trained checkpoint there with `autosing export <checkpoint> <dir>`";

async function requireDirectory(flag: string, dir: string): Promise<void> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new SingModelPathError(flag, dir, `does not exist; ${HOW_TO_EXPORT}`, { cause: error });
    throw new SingModelPathError(flag, dir, `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (!info.isDirectory()) throw new SingModelPathError(flag, dir, `is not a directory; ${HOW_TO_EXPORT}`);
}

/** Opens one model, turning any failure into an error that names the flag and the path. */
async function open<T>(flag: string, path: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof SingModelError) throw error;
    throw new SingModelError(flag, path, `cannot be opened: ${(error as Error).message}`, { cause: error });
  }
}

/** Checks that the models were made for one another and for the codec (upstream: one training setup). */
function checkCompatible(models: Omit<SingModels, "dispose">, options: SingModelPaths): void {
  const { codec, t2s, sm2a, artist } = models;
  // The bricks patterns and the flattened layout are SNAC 32 kHz's: a 3-level codec is refused by name first.
  assertFourLevelCodec(codec, "sing (--codec)");
  const sm2aConfig = sm2a.config;
  if (sm2aConfig.quantizers !== 8) throw new SingModelError("--sm2a-model", options.sm2aModel, `has ${sm2aConfig.quantizers} streams; sing uses the 8-stream bricks patterns`);
  if (sm2aConfig.codes !== codec.numCodes) throw new SingModelError("--sm2a-model", options.sm2aModel, `was trained on ${sm2aConfig.codes} codes per level, but the codec ${codec.name} has ${codec.numCodes}`);
  const spkWidth = sm2aDimensions(sm2aConfig, sm2a.tunables).spkWidth;
  if (artist.config.emb_width !== spkWidth) {
    throw new SingModelError("--artist-model", options.artistModel, `gives ${artist.config.emb_width}-d embeddings, but the sm2a model takes ${spkWidth}-d artist embeddings (spk_width)`);
  }
  if (artist.config.quantizers !== codec.quantizers) throw new SingModelError("--artist-model", options.artistModel, `reads ${artist.config.quantizers} codec levels, the codec has ${codec.quantizers}`);
  if (t2s !== undefined) {
    if (t2s.config.quantizers !== 8) throw new SingModelError("--t2s-model", options.t2sModel ?? "", `has ${t2s.config.quantizers} music streams; sing uses the 8-stream bricks pattern`);
    if (t2s.config.codes !== codec.numCodes) throw new SingModelError("--t2s-model", options.t2sModel ?? "", `was trained on ${t2s.config.codes} music codes per level, but the codec ${codec.name} has ${codec.numCodes}`);
    if (t2s.config.stoks_codes !== sm2aConfig.stoks_codes) {
      throw new SingModelError("--t2s-model", options.t2sModel ?? "", `generates ${t2s.config.stoks_codes - 1} semantic codes, the sm2a model reads ${sm2aConfig.stoks_codes - 1}`);
    }
  }
}

/** What {@link loadSingModels} reads of the options: the model paths, the threads and which semantic path runs. */
export type SingModelPaths = Pick<ResolvedSingOptions, "codec" | "t2sModel" | "sm2aModel" | "artistModel" | "tokenizer" | "threads" | "generateSemantic">;

/**
 * Loads the codec, the models a run uses and (when extracting semantic tokens) the tokenizer.
 * Pass the result to `sing(options, { models })` to run many times on one loaded set.
 */
export async function loadSingModels(options: SingModelPaths): Promise<SingModels> {
  const session = options.threads === undefined ? {} : { threads: options.threads };
  const generate = options.generateSemantic;
  const t2sModel = options.t2sModel ?? "";
  const opened: { release: () => Promise<void> }[] = [];
  try {
    await requireDirectory("--sm2a-model", options.sm2aModel);
    await requireDirectory("--artist-model", options.artistModel);
    if (generate) await requireDirectory("--t2s-model", t2sModel);
    const codec = await open("--codec", options.codec, () => loadCodec(options.codec, options.threads === undefined ? {} : { threads: options.threads }));
    opened.push({ release: () => codec.dispose() });
    const sm2a = await open("--sm2a-model", options.sm2aModel, () => openSM2AExport(options.sm2aModel, session));
    opened.push(sm2a);
    const artist = await open("--artist-model", options.artistModel, () => openArtistEmbedderExport(options.artistModel, session));
    opened.push(artist);
    const t2s = generate ? await open("--t2s-model", t2sModel, () => openT2SExport(t2sModel, session)) : undefined;
    if (t2s) opened.push(t2s);
    const tokenizerSpec = options.tokenizer;
    const tokenizer = generate || tokenizerSpec === undefined ? undefined : await open("--tokenizer", tokenizerSpec, () => loadSemanticTokenizer(tokenizerSpec, options.threads === undefined ? {} : { threads: options.threads }));
    if (tokenizer) opened.push({ release: () => tokenizer.dispose() });
    const models = { codec, t2s, sm2a, artist, tokenizer };
    checkCompatible(models, options);
    return {
      ...models,
      async dispose(): Promise<void> {
        for (const model of opened.reverse()) await model.release();
      },
    };
  } catch (error) {
    for (const model of opened.reverse()) await model.release().catch(() => undefined);
    throw error;
  }
}
