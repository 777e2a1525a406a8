import { renderSong } from "@autosing/song-corpus";

import { alignWithDtw } from "../src/dtw-aligner.js";
import type { G2p } from "../src/g2p.js";

export interface SungReport {
  id: string;
  artist: string;
  seconds: number;
  words: number;
  stem: "vocals" | "mix";
  lyrics: "raw" | "lrc";
  meanAbsError: number;
  medianAbsError: number;
  within250ms: number;
  /** |aligned − true| word start per word, seconds. */
  errors: number[];
  alignSeconds: number;
  alignCpuSeconds: number;
}

/**
 * Word-onset error of the DTW default on a sung song of @autosing/song-corpus (eSpeak voice
 * PSOLA-tuned to a melody over an accompaniment, with word truth).
 */
export async function measureSung(
  g2p: G2p,
  seed: number,
  index: number,
  seconds: number,
  runs: readonly { stem: "vocals" | "mix"; lyrics: "raw" | "lrc" }[],
): Promise<SungReport[]> {
  const song = await renderSong({ seed, index, seconds });
  const reports: SungReport[] = [];
  for (const { stem, lyrics: lyricsKind } of runs) {
    {
      const started = performance.now();
      const cpuStart = process.cpuUsage();
      const { alignment } = await alignWithDtw({
        samples: stem === "vocals" ? song.vocals : song.mix,
        sampleRate: song.sampleRate,
        lyrics: lyricsKind === "raw" ? { raw: song.rawLyrics } : { lrc: song.lrcLyrics },
        g2p,
      });
      const alignSeconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuStart);
      const starts = alignment.wordSpans.starts;
      if (starts.length !== song.words.length) throw new Error(`${song.id}: ${starts.length} aligned words vs ${song.words.length} sung`);
      const errors = song.words.map((w, i) => Math.abs((starts[i] ?? Number.NaN) - w.start));
      const sorted = [...errors].sort((a, b) => a - b);
      reports.push({
        id: song.id,
        artist: song.artist,
        seconds: song.mix.length / song.sampleRate,
        words: errors.length,
        stem,
        lyrics: lyricsKind,
        meanAbsError: errors.reduce((a, b) => a + b, 0) / errors.length,
        medianAbsError: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
        within250ms: errors.filter((e) => e <= 0.25).length / errors.length,
        errors,
        alignSeconds,
        alignCpuSeconds: (cpu.user + cpu.system) / 1e6,
      });
    }
  }
  return reports;
}
