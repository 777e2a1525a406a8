import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { encodeWav, firstChannel, fitDefaultCodec, serializeDefaultCodec } from "@autosing/audio-codec";
import { renderSong } from "@autosing/song-corpus";

/** A longer synthetic song (stems as files) and a default codec fitted on it, for the upstream-shaped bench. */
export async function makeLongFixtures(dir: string, seconds: number): Promise<{ reference: string; vocals: string; instrumental: string; codec: string }> {
  await mkdir(dir, { recursive: true });
  const song = await renderSong({ seed: 7, index: 1, seconds });
  const files = { reference: join(dir, `${song.id}.wav`), vocals: join(dir, "vocals.wav"), instrumental: join(dir, "instrumental.wav") };
  await writeFile(files.reference, encodeWav({ sampleRate: song.sampleRate, channels: [song.mix] }));
  await writeFile(files.vocals, encodeWav({ sampleRate: song.sampleRate, channels: [song.vocals] }));
  await writeFile(files.instrumental, encodeWav({ sampleRate: song.sampleRate, channels: [song.accompaniment] }));
  const model = await fitDefaultCodec([firstChannel({ sampleRate: song.sampleRate, channels: [song.mix] })], { config: { codebookSize: 256 }, iterations: 3, seed: 1, search: "js", maxTrainingVectors: 4000 });
  const codec = join(dir, "codec.json");
  await writeFile(codec, await serializeDefaultCodec(model, "json"));
  return { ...files, codec: `default:${codec}` };
}
