/**
 * What a server test sings with: a models directory (`models.json`, as `autosing demo` records
 * one) holding tiny random-weight t2s/sm2a/artist exports and a fitted default codec, a short
 * synthetic song with its true stems as upload files, and a served dataset whose partition 0 has
 * the `src_sep` tables (`vocals`, `no_vocals`) for that song.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { type AudioData, encodeWav, firstChannel, fitDefaultCodec, serializeDefaultCodec } from "@autosing/audio-codec";
import { chunkId, stemTable, stepPath, writeTable } from "@autosing/parquet-io";
import { recordModels } from "@autosing/pretrained";
import { createTruthSeparator } from "@autosing/separation";
import { writeTinySingModels } from "@autosing/sing/testing";
import { writeTestCorpus } from "@autosing/song-corpus";

export interface SingFixtures {
  /** The models directory (`--models`). */
  readonly models: string;
  /** The served dataset folder and the chunk id whose stems it holds (partition 0). */
  readonly dataset: string;
  readonly datasetRowId: string;
  /** The song (a mix) and its stems, as 16-bit WAV bytes to upload. */
  readonly reference: Uint8Array;
  readonly vocals: Uint8Array;
  readonly instrumental: Uint8Array;
}

const SONG_ID = "synth-7-00000";
const RATE = 32000;

export async function makeSingFixtures(root: string): Promise<SingFixtures> {
  const dataset = join(root, "corpus");
  await mkdir(dataset, { recursive: true });
  // 9 s is the least the corpus renders two lyric lines in; the jobs read 1.6 s of it.
  await writeTestCorpus(dataset, { songs: 1, seconds: 9, seed: 7 });
  const oracle = await createTruthSeparator(dataset, 0);
  const stems = await oracle.separate({ id: chunkId(SONG_ID, 0), audio: { sampleRate: RATE, channels: [new Float32Array(RATE * 4)] } });
  await oracle.dispose();
  const accompaniment = firstChannel(stems.instrumental);
  const mix: AudioData = { sampleRate: RATE, channels: [firstChannel(stems.vocals).map((v, i) => v + (accompaniment[i] ?? 0))] };
  const vocals = encodeWav(stems.vocals, "int16");
  const instrumental = encodeWav(stems.instrumental, "int16");
  const datasetRowId = chunkId(SONG_ID, 0);
  await writeTable(stepPath(dataset, 0, "vocals"), stemTable("vocals"), [{ id: datasetRowId, audio: vocals }]);
  await writeTable(stepPath(dataset, 0, "no_vocals"), stemTable("no_vocals"), [{ id: datasetRowId, audio: instrumental }]);

  const models = join(root, "models");
  const scratch = join(root, "tiny-models");
  const tiny = await writeTinySingModels(scratch);
  for (const [name, dir] of [["t2s", tiny.t2s], ["sm2a", tiny.sm2a], ["artist-emb", tiny.artist]] as const) {
    await mkdir(join(models, name), { recursive: true });
    await rename(dir, join(models, name, "export"));
  }
  await rm(scratch, { recursive: true, force: true });
  const codec = await fitDefaultCodec([firstChannel(mix)], { config: { codebookSize: 16 }, iterations: 2, seed: 1, search: "js", maxTrainingVectors: 2000 });
  await mkdir(join(models, "default-codec"), { recursive: true });
  await writeFile(join(models, "default-codec", "codec.json"), await serializeDefaultCodec(codec, "json"));
  // Random-weight exports have no training checkpoint; sing reads only the export, so the export stands in for both roles.
  const trained = { checkpoint: "export", export: "export" };
  await recordModels(models, {
    "default-codec": { kind: "default-codec", files: { codec: "codec.json" } },
    t2s: { kind: "t2s", files: trained },
    sm2a: { kind: "sm2a", files: trained },
    "artist-emb": { kind: "artist-emb", files: trained },
  });
  const reference = encodeWav(mix, "int16");
  await mkdir(join(root, "uploads"), { recursive: true });
  for (const [name, bytes] of [["reference.wav", reference], ["vocals.wav", vocals], ["instrumental.wav", instrumental]] as const) await writeFile(join(root, "uploads", name), bytes);
  return { models, dataset, datasetRowId, reference, vocals, instrumental };
}

/** The fixtures {@link makeSingFixtures} wrote under `root`, read back (read-only: every test file shares them). */
export async function readSingFixtures(root: string): Promise<SingFixtures> {
  const upload = (name: string): Promise<Uint8Array> => readFile(join(root, "uploads", name)).then((bytes) => new Uint8Array(bytes));
  return { models: join(root, "models"), dataset: join(root, "corpus"), datasetRowId: chunkId(SONG_ID, 0), reference: await upload("reference.wav"), vocals: await upload("vocals.wav"), instrumental: await upload("instrumental.wav") };
}

/** The multipart form of one sing submission with uploaded stems (what the page sends). */
export function singForm(fixtures: SingFixtures, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set("lyrics", "hello there\nsing it again");
  form.set("length", "1.6");
  form.set("batchSize", "1");
  form.set("seed", "3");
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set("reference", new Blob([fixtures.reference], { type: "audio/wav" }), "song.wav");
  form.set("vocals", new Blob([fixtures.vocals], { type: "audio/wav" }), "vocals.wav");
  form.set("instrumental", new Blob([fixtures.instrumental], { type: "audio/wav" }), "instrumental.wav");
  return form;
}
