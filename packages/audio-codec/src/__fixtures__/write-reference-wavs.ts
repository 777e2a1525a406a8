/** Writes REFERENCE_CLIPS as 16-bit WAVs into the folder given as the first argument (see flac-reference.ts). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { encodeWav } from "../wav.js";
import { REFERENCE_CLIPS } from "./flac-reference.js";

const folder = process.argv[2] ?? ".";
mkdirSync(folder, { recursive: true });
for (const clip of REFERENCE_CLIPS) {
  const channels = clip.channels.map((c) => Float32Array.from(c, (v) => v / 32768));
  writeFileSync(join(folder, `${clip.name}.wav`), encodeWav({ channels, sampleRate: clip.sampleRate }));
}
