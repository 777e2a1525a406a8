import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { type AudioData, encodeWav, firstChannel, fitDefaultCodec, resample, serializeDefaultCodec } from "@autosing/audio-codec";
import { fitDefaultTokenizer, serializeDefaultTokenizer } from "@autosing/semantic-tokens";
import { createTruthSeparator } from "@autosing/separation";
import { writeTestCorpus } from "@autosing/song-corpus";

import type { SingOptions } from "../src/index.js";
import { type TinySingModels, writeTinySingModels } from "../src/testing.js";

export interface SingFixtures {
  /** The song-corpus partition directory (`truth:<this>` is the oracle separator spec). */
  readonly partition: string;
  /** The mix, named after its song id so the truth oracle can place it. */
  readonly reference: string;
  readonly vocals: string;
  readonly instrumental: string;
  readonly stems: { readonly vocals: AudioData; readonly instrumental: AudioData };
  readonly codec: string;
  readonly tokenizer: string;
  readonly models: TinySingModels;
}

/** One 9 s synthetic song with its true stems, a fitted default codec and tokenizer, and tiny models. */
export async function makeSingFixtures(root: string): Promise<SingFixtures> {
  const dataset = join(root, "corpus");
  await mkdir(dataset, { recursive: true });
  await writeTestCorpus(dataset, { songs: 1, seconds: 9, seed: 7 });
  const songId = "synth-7-00000";
  const sampleRate = 32000; // song-corpus's default rate
  // The oracle cuts the chunk's length from the stems; a minute covers the whole song.
  const oracle = await createTruthSeparator(dataset, 0);
  const { vocals, instrumental } = await oracle.separate({ id: `${songId}_at_0`, audio: { sampleRate, channels: [new Float32Array(sampleRate * 60)] } });
  await oracle.dispose();
  const accompaniment = firstChannel(instrumental);
  const mix: AudioData = { sampleRate, channels: [firstChannel(vocals).map((v, i) => v + (accompaniment[i] ?? 0))] };
  const files = { reference: join(root, `${songId}.wav`), vocals: join(root, "vocals.wav"), instrumental: join(root, "instrumental.wav") };
  await writeFile(files.reference, encodeWav(mix, "float32"));
  await writeFile(files.vocals, encodeWav(vocals, "int16"));
  await writeFile(files.instrumental, encodeWav(instrumental, "int16"));
  const codecModel = await fitDefaultCodec([firstChannel(mix)], { config: { codebookSize: 16 }, iterations: 2, seed: 1, search: "js", maxTrainingVectors: 2000 });
  const codec = join(root, "codec.json");
  await writeFile(codec, await serializeDefaultCodec(codecModel, "json"));
  const tokenizer = join(root, "tokenizer.json");
  await writeFile(tokenizer, serializeDefaultTokenizer(fitDefaultTokenizer([await resample(firstChannel(vocals), sampleRate, 16000)], { codes: 16, iterations: 2, seed: 1 })));
  const models = await writeTinySingModels(join(root, "models"));
  return { partition: join(dataset, "0"), ...files, stems: { vocals, instrumental }, codec: `default:${codec}`, tokenizer: `default:${tokenizer}`, models };
}

/** A short run over the fixtures' song with its true stems and the tiny models (1.6 s: one decoder block). */
export function fixtureSingOptions(fixtures: SingFixtures, overrides: Partial<SingOptions> & { outputDir: string }): SingOptions {
  return {
    reference: fixtures.reference,
    lyrics: "hello there\nsing it again",
    t2sModel: fixtures.models.t2s,
    sm2aModel: fixtures.models.sm2a,
    artistModel: fixtures.models.artist,
    codec: fixtures.codec,
    vocals: fixtures.vocals,
    instrumental: fixtures.instrumental,
    length: 1.6,
    batchSize: 1,
    format: "wav-float",
    seed: 3,
    threads: 1,
    ...overrides,
  };
}
