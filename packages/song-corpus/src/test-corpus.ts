import { type CorpusAudioFormat, makeCorpus } from "./corpus.js";
import { type Song, renderSong } from "./song.js";

export interface TestCorpusOptions {
  /** Songs (default 3). */
  songs?: number;
  /** Seconds per song (default 10, the least that holds two lyric lines at any tempo is 9). */
  seconds?: number;
  /** Seed (default 7). */
  seed?: number;
}

/**
 * A small fixed corpus for other packages' tests, rendered in memory: by default 3 songs of
 * 10 s (about 2-4 s of CPU in all, most of it loading eSpeak once). Same options, same songs.
 */
export async function makeTestCorpus(options: TestCorpusOptions = {}): Promise<Song[]> {
  const songs: Song[] = [];
  for (let index = 0; index < (options.songs ?? 3); index++) {
    songs.push(await renderSong({ seed: options.seed ?? 7, index, seconds: options.seconds ?? 10 }));
  }
  return songs;
}

/** Writes the test corpus in the dataset layout (one partition, WAV audio) under `dir`. */
export async function writeTestCorpus(dir: string, options: TestCorpusOptions & { format?: CorpusAudioFormat } = {}): Promise<number> {
  return makeCorpus(dir, {
    songs: options.songs ?? 3,
    partitions: 1,
    seed: options.seed ?? 7,
    seconds: options.seconds ?? 10,
    format: options.format ?? "wav",
  });
}
