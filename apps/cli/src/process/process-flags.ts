import type { MdxFlags } from "../shared/mdx-flags.js";

/** `autosing process`'s flags as commander gives them (numbers already read by their parsers). */
export interface ProcessFlags extends MdxFlags {
  force?: boolean;
  num?: number;
  numPartitions?: number;
  progress?: boolean;
  progressEvery?: number;
  strict?: boolean;
  maxLyricsChars?: number;
  maxSongSeconds?: number;
  fcModel?: string;
  voice?: string;
  rate?: number;
  chunkLength?: number;
  minOccupancy?: number;
  audioFormat?: string;
  separator?: string;
  codec?: string;
  src?: string[];
  tokenizer?: string;
  embedder?: string;
  total?: number;
  completeMissing?: boolean;
  threads?: number;
  models?: string;
}
