/**
 * Builds the processing pipeline's step tables for a few short synthetic songs, the input of
 * `autosing construct-dataset`: `chunked` (mix + alignment + artist), `atoks_vocals_snac_32khz`,
 * `atoks_no_vocals_snac_32khz`, `stoks` and `artist_embs`, per partition.
 *
 * This stands in for the real processing steps (`@autosing/processing`) in tests, and is kept in
 * one module so it can be swapped for them. Where it differs from those steps, on purpose:
 * - chunks are `clipSeconds` long instead of 30 s (so training sequences stay short), cut
 *   back to back from the start of each song, ids `<song>_at_<start>` as upstream's chunker;
 * - the alignment comes from the corpus truth (one token per word, inlier ratio 1), not from
 *   the aligner;
 * - the acoustic tokens come from a default codec fitted here on the songs' stems, the semantic
 *   tokens from a default tokenizer fitted here on the vocals, and the semantic tokens cover the
 *   chunk itself (the real step pads to 30 s, 750 tokens);
 * - the artist embeddings are NOT an artist embedder's output (it needs training first): each
 *   artist gets a deterministic pseudo-random unit vector of 256 floats, repeated 3 times per row
 *   (the 3 × 256 layout of `artist_embs.parquet`), so rows of one artist share an embedding.
 */
import { Mulberry32 } from "@autosing/base";
import {
  type AcousticCodec,
  createDefaultCodec,
  encodeWav,
  fitDefaultCodec,
  resample,
  truncateForEncode,
} from "@autosing/audio-codec";
import {
  artistEmbsTable,
  atoksTable,
  chunkedTable,
  makeAlignment,
  stepPath,
  stoksTable,
  writeTable,
  type AlignmentRecord,
} from "@autosing/parquet-io";
import { type SemanticTokenizer, createDefaultTokenizer, fitDefaultTokenizer } from "@autosing/semantic-tokens";
import { type Song, renderSong } from "@autosing/song-corpus";

/** SNAC-rate blocks: the codec encodes whole 12288-sample blocks and decodes whole 96-frame ones. */
export const CODEC_RATE = 32000;
export const CODEC_HOP = 384;
/** 4.608 s: 12 encode blocks, 384 frames, 4 decode blocks, 115 semantic tokens. */
export const DEFAULT_CLIP_SECONDS = (384 * CODEC_HOP) / CODEC_RATE;
export const ARTIST_EMBEDDING_WIDTH = 256;

export interface PipelineTablesOptions {
  /** Songs rendered (seed, index 0..songs-1). */
  songs: number;
  seed: number;
  /** Rendered song length (the corpus renders at least 9 s). */
  songSeconds?: number;
  /** Chunk length; a multiple of 96 codec frames keeps the tokens decodable. */
  clipSeconds?: number;
  /** Chunks per song, cut back to back from the first word. */
  clipsPerSong?: number;
  /** Centroids per level of the fitted codec (codes < this). */
  codebookSize?: number;
  /** Codes of the fitted semantic tokenizer. */
  semanticCodes?: number;
}

export interface PipelineChunk {
  id: string;
  artist: string;
  /** Mono 32 kHz. */
  vocals: Float32Array;
  accompaniment: Float32Array;
  alignment: AlignmentRecord;
  atoksVocals: Int32Array;
  atoksInstrumentals: Int32Array;
  stoks: Int32Array;
  artistEmbedding: Float32Array;
}

export interface PipelineTables {
  chunks: PipelineChunk[];
  codec: AcousticCodec;
  tokenizer: SemanticTokenizer;
  /** Codec frames per chunk (T of the dense [4, T] tokens). */
  frames: number;
}

/** A deterministic unit vector per artist name (a stream keyed by the name); documented stand-in for the embedder. */
export function artistEmbedding(artist: string): Float32Array {
  const random = Mulberry32.fromKey(0, "artist", artist);
  const out = new Float32Array(ARTIST_EMBEDDING_WIDTH);
  let norm = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = random.next() - 0.5;
    norm += (out[i] as number) ** 2;
  }
  return out.map((v) => v / Math.sqrt(norm));
}

/** The truth words fully inside [start, start + seconds), shifted to the chunk, as an alignment. */
function chunkAlignment(song: Song, start: number, seconds: number): AlignmentRecord {
  const words = song.words.filter((w) => w.start >= start && w.end <= start + seconds);
  const lineIds = [...new Set(words.map((w) => w.line))];
  return makeAlignment({
    starts: words.map((w) => w.start - start),
    ends: words.map((w) => w.end - start),
    scores: words.map(() => 0),
    tokens: words.map(() => 0),
    words: words.map((w) => w.text),
    lines: lineIds.map((line) => song.lines[line]?.text ?? ""),
    tokens_per_word: words.map(() => 1),
    words_per_line: lineIds.map((line) => words.filter((w) => w.line === line).length),
    inlier_ratio: 1,
  });
}

/** Renders the songs, cuts chunks, fits the codec and tokenizer, and tokenizes every chunk. */
export async function buildPipelineChunks(options: PipelineTablesOptions): Promise<PipelineTables> {
  const clipSeconds = options.clipSeconds ?? DEFAULT_CLIP_SECONDS;
  const clipsPerSong = options.clipsPerSong ?? 1;
  const clipSamples = Math.round(clipSeconds * CODEC_RATE);
  const songSeconds = options.songSeconds ?? Math.max(9, Math.ceil(3 + clipSeconds * clipsPerSong));
  const cut: Omit<PipelineChunk, "atoksVocals" | "atoksInstrumentals" | "stoks">[] = [];
  for (let index = 0; index < options.songs; index++) {
    const song = await renderSong({ seed: options.seed, index, seconds: songSeconds, sampleRate: CODEC_RATE });
    // Chunks start where the singing starts (the intro bar has silent vocals), on a hop boundary.
    const firstWord = Math.floor(((song.words[0]?.start ?? 0) * CODEC_RATE) / CODEC_HOP) * CODEC_HOP;
    for (let k = 0; k < clipsPerSong; k++) {
      const from = firstWord + k * clipSamples;
      if (from + clipSamples > song.vocals.length) break;
      const start = from / CODEC_RATE;
      cut.push({
        id: `${song.id}_at_${start.toFixed(3)}`,
        artist: song.artist,
        vocals: song.vocals.slice(from, from + clipSamples),
        accompaniment: song.accompaniment.slice(from, from + clipSamples),
        alignment: chunkAlignment(song, start, clipSeconds),
        artistEmbedding: artistEmbedding(song.artist),
      });
    }
  }
  const codecModel = await fitDefaultCodec(
    cut.flatMap((c) => [c.vocals, c.accompaniment]),
    { config: { codebookSize: options.codebookSize ?? 32, griffinLimIterations: 8 }, iterations: 4, seed: options.seed, search: "js" },
  );
  const codec = createDefaultCodec(codecModel);
  const vocals16k = await Promise.all(cut.map((c) => resample(c.vocals, CODEC_RATE, 16000)));
  const tokenizer = createDefaultTokenizer(fitDefaultTokenizer(vocals16k, { codes: options.semanticCodes ?? 64, seed: options.seed }));
  const chunks: PipelineChunk[] = [];
  let frames = 0;
  for (const [i, c] of cut.entries()) {
    const atoksVocals = await codec.encode(truncateForEncode(c.vocals, codec.encodeMultiple));
    const atoksInstrumentals = await codec.encode(truncateForEncode(c.accompaniment, codec.encodeMultiple));
    frames = atoksVocals.shape[1] as number;
    chunks.push({ ...c, atoksVocals: Int32Array.from(atoksVocals.data), atoksInstrumentals: Int32Array.from(atoksInstrumentals.data), stoks: await tokenizer.encode(vocals16k[i] as Float32Array) });
  }
  return { chunks, codec, tokenizer, frames };
}

/** Writes the step tables of `tables` under `<dir>/<p>/`, chunks spread round robin over the partitions. */
export async function writePipelineTables(dir: string, tables: PipelineTables, partitions: number, codecName = "snac_32khz"): Promise<void> {
  for (let p = 0; p < partitions; p++) {
    const rows = tables.chunks.filter((_, i) => i % partitions === p);
    await writeTable(stepPath(dir, p, `atoks_vocals_${codecName}`), atoksTable("vocals", codecName), rows.map((c) => ({ id: c.id, values: c.atoksVocals })));
    await writeTable(stepPath(dir, p, `atoks_no_vocals_${codecName}`), atoksTable("no_vocals", codecName), rows.map((c) => ({ id: c.id, values: c.atoksInstrumentals })));
    await writeTable(stepPath(dir, p, "stoks"), stoksTable, rows.map((c) => ({ id: c.id, values: c.stoks })));
    const embs = (c: PipelineChunk) => Float32Array.from({ length: 3 * ARTIST_EMBEDDING_WIDTH }, (_, k) => c.artistEmbedding[k % ARTIST_EMBEDDING_WIDTH] as number);
    await writeTable(stepPath(dir, p, "artist_embs"), artistEmbsTable, rows.map((c) => ({ id: c.id, embs: embs(c) })));
    const mix = (c: PipelineChunk) => encodeWav({ channels: [c.vocals.map((v, k) => v + (c.accompaniment[k] as number))], sampleRate: CODEC_RATE });
    await writeTable(stepPath(dir, p, "chunked"), chunkedTable, rows.map((c) => ({ id: c.id, audio: mix(c), alignment: c.alignment, artist: c.artist })));
  }
}
