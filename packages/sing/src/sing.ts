import type { AudioData } from "@autosing/audio-codec";

import { type AcousticPlan, generateAcoustic, planAcoustic } from "./acoustic.js";
import { artistEmbedding, blendEmbeddings } from "./embedding.js";
import { decodeMixAndWrite } from "./mix.js";
import { type SingModels, loadSingModels } from "./models.js";
import { encodeMusic } from "./music.js";
import { type SingOptions, resolveSingOptions } from "./options.js";
import { SingOptionError } from "./errors.js";
import { checkOutputDirectory } from "./output-dir.js";
import { type SingStage, StageClock } from "./progress.js";
import { prepareReference, readAudioFile, referenceStem, sliceSeconds } from "./reference.js";
import { checkLyricsFit, extractSemantic, generateSemantic } from "./semantic.js";

/** What a run produced. */
export interface SingResult {
  /** One file per batch row: `<outputDir>/<reference stem>_<i>.<ext>`. */
  readonly files: string[];
  /** The mixes written, at the codec's sample rate. */
  readonly outputs: AudioData[];
  readonly sampleRate: number;
  /** Seconds of each output. */
  readonly seconds: number;
  /** The semantic tokens the acoustic model was conditioned on (750). */
  readonly semanticTokens: number[];
  /** The artist embedding used (after any `spkfile` blend). */
  readonly artistEmbedding: Float32Array;
  readonly plan: AcousticPlan;
  /** Wall-clock seconds per stage. */
  readonly timings: Partial<Record<SingStage, number>>;
}

/** How {@link sing} gets its models. */
export interface SingRunModels {
  /**
   * Models already loaded by {@link loadSingModels} (a server's worker keeps them warm between
   * jobs): the run neither loads nor disposes them, and the options' model paths are not opened.
   */
  readonly models?: SingModels;
}

/**
 * Lyrics plus a reference song in, new singing over the song's accompaniment out. Port of
 * autosing/sing.py: separate → instrumental codec tokens → artist embedding of the vocals →
 * semantic tokens (t2s from the lyrics, or extracted) → acoustic tokens (sm2a) → decode → mix.
 */
export async function sing(options: SingOptions, run: SingRunModels = {}): Promise<SingResult> {
  const resolved = resolveSingOptions(options);
  // Cheap checks before the models load: a file in the way of the outputs used to surface only after the whole pipeline.
  await checkOutputDirectory("--output-dir", resolved.outputDir);
  if (resolved.stemCache !== undefined) await checkOutputDirectory("--stem-cache", resolved.stemCache);
  const clock = new StageClock(resolved.onProgress, resolved.signal);
  const given = run.models;
  if (given !== undefined) checkLoadedModelsFit(given, resolved.generateSemantic);
  const models = given ?? (await clock.run("load", () => loadSingModels(resolved)));
  try {
    const { codec, sm2a, artist } = models;
    // Sizes first, so a bad --length or over-long lyrics fail before any heavy work.
    const plan = planAcoustic(resolved.length, codec, sm2a.config.mtoks_len);
    if (models.t2s !== undefined && resolved.lyricLines !== undefined) checkLyricsFit(models.t2s.config, resolved.lyricLines);
    const stems = await clock.run("separate", () => prepareReference(resolved));
    const vocalsSource = resolved.vocals ?? `${resolved.reference} (separated vocals)`;
    const music = await clock.run("music", () =>
      encodeMusic(stems.instrumental, codec, plan.musicFrames, { source: resolved.instrumental ?? `${resolved.reference} (separated instrumental)`, startTime: resolved.startTime, tts: resolved.tts }),
    );
    const embedding = await clock.run("embedding", async () => {
      const own = await artistEmbedding(sliceSeconds(stems.vocals, 0, 32), codec, artist, { source: vocalsSource, startTime: resolved.startTime });
      const spkfile = resolved.spkfile;
      if (spkfile === undefined) return own;
      const other = sliceSeconds(await readAudioFile(spkfile, "--spkfile"), resolved.startTime, 32);
      return blendEmbeddings(own, await artistEmbedding(other, codec, artist, { source: spkfile, startTime: resolved.startTime }), resolved.spkAlpha);
    });
    const semanticTokens = await clock.run("semantic", async () => {
      const t2s = models.t2s;
      const lines = resolved.lyricLines;
      if (t2s !== undefined && lines !== undefined) {
        return generateSemantic(t2s, lines, music.bricks, { temperature: resolved.temperature, seed: resolved.seed, onStep: (step, total) => clock.step("semantic", step, total) });
      }
      const tokenizer = models.tokenizer;
      if (tokenizer === undefined) throw new Error("unreachable: extraction without a tokenizer passed option checks");
      const semfile = resolved.semfile;
      const audio = semfile === undefined ? sliceSeconds(stems.vocals, 0, 32) : sliceSeconds(await readAudioFile(semfile, "--semfile"), resolved.startTime, 32);
      return extractSemantic(tokenizer, audio, semfile ?? vocalsSource);
    });
    const codes = await clock.run("acoustic", () =>
      generateAcoustic(
        sm2a,
        { stoks: semanticTokens, bricks: music.bricks, template: music.template, embedding },
        {
          plan,
          numCodes: codec.numCodes,
          temperature: resolved.temperature,
          batchSize: resolved.batchSize,
          // Its own stream, so changing the t2s draw count never shifts the sm2a samples.
          seed: resolved.seed + 1,
          onStep: (step, total) => clock.step("acoustic", step, total),
        },
      ),
    );
    const { files, outputs } = await clock.run("decode", () =>
      decodeMixAndWrite(codes, codec, music.instrumental, { outputDir: resolved.outputDir, stem: referenceStem(resolved.reference), musicVolume: resolved.musicVolume, format: resolved.format }),
    );
    const samples = outputs[0]?.channels[0]?.length ?? 0;
    return { files, outputs, sampleRate: codec.sampleRate, seconds: samples / codec.sampleRate, semanticTokens, artistEmbedding: embedding, plan, timings: clock.timings };
  } finally {
    // Models the caller loaded stay loaded: the caller disposes them.
    if (given === undefined) await models.dispose();
  }
}

/** Loaded models must hold what this run uses: t2s to generate, a tokenizer to extract. */
function checkLoadedModelsFit(models: SingModels, generateSemantic: boolean): void {
  if (generateSemantic && models.t2s === undefined) throw new SingOptionError("--t2s-model", undefined, "the loaded models have no t2s model to generate semantic tokens from the lyrics; load them with one");
  if (!generateSemantic && models.tokenizer === undefined) throw new SingOptionError("--tokenizer", undefined, "the loaded models have no semantic tokenizer to extract semantic tokens; load them with one");
}

