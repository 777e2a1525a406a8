// Generation speed: renders and encodes songs of 60 s (FLAC) into a temp folder and prints
// seconds per song and the projected time for 200 songs. Not run in CI.
// Usage, after a build: `pnpm run bench [songs] [jobs]`.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";

import { makeCorpus } from "../dist/index.js";

// Anchor: the budget, 200 songs of 60 s "in minutes" on 2 cores; we take 10 minutes.
const ANCHOR_SECONDS_FOR_200 = 600;
const [songs = 6, jobs = Math.min(2, availableParallelism())] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), "song-corpus-bench-"));
try {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  await makeCorpus(dir, { songs, partitions: 1, seed: 2026, seconds: 60, jobs });
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time (all threads of the process) per song does not depend on how busy the machine
  // is; the projection assumes two otherwise idle cores.
  const cpuPerSong = (cpu.user + cpu.system) / 1e6 / songs;
  const projected = (cpuPerSong * 200) / 2;
  process.stdout.write(
    `${songs} songs x 60 s, ${jobs} job(s): wall ${elapsed.toFixed(1)} s (${(elapsed / songs).toFixed(2)} s/song), ` +
      `CPU ${cpuPerSong.toFixed(2)} s/song (${(60 / cpuPerSong).toFixed(1)}x real time per core); ` +
      `200 songs on 2 idle cores ~ ${(projected / 60).toFixed(1)} min ` +
      `(anchor ${ANCHOR_SECONDS_FOR_200 / 60} min: ${projected <= ANCHOR_SECONDS_FOR_200 ? "within" : "OVER"})\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
