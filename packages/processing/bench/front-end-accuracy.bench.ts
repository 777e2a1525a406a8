// Accuracy of the processing front end's no-model defaults against the synthetic corpus's truth,
// beside the same figure for the imported upstream networks with random weights ("shape check
// only": an untrained network must run end to end and give a figure, not a good one).
//
//   activity F1     energy gate (default) vs the imported wav2vec2 frame classifier's silence class
//   word onsets     eSpeak-DTW aligner (default) vs CTC alignment on the imported classifier
//   separation SDR  no separator (the mix taken as the vocals) and the truth oracle vs the imported
//                   Mel-Band RoFormer
//
// The imported networks are read from a models directory written by `autosing import` (the
// reduced-width fixtures of @autosing/pretrained are enough; a full-size import works the same):
//   autosing import frame-classifier packages/pretrained/test/__fixtures__/frame-classifier/stable-ctc --models /tmp/fe-models
//   autosing import separator packages/pretrained/test/__fixtures__/mel-band-roformer/model_mel_band_roformer_tiny.{ckpt,yaml} --models /tmp/fe-models
//   FRONT_END_MODELS=/tmp/fe-models pnpm --filter @autosing/processing bench:front-end
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { type AudioData } from "@autosing/audio-codec";
import { OnnxFrameClassifier, computeActivity, computeAlignment } from "@autosing/lrc-align";
import { ROFORMER_MODEL_FILE, type RoformerModelFile, type SourceSeparator, loadRoformerSeparator } from "@autosing/separation";
import { type Song, renderSong } from "@autosing/song-corpus";

const SONGS: readonly [number, number][] = [
  [7, 0],
  [8, 1],
  [7, 2],
  [9, 3],
];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 40);
const modelsDir = process.env.FRONT_END_MODELS;

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const mono = (song: Song, samples: Float32Array): AudioData => ({ sampleRate: song.sampleRate, channels: [samples] });

/** Seconds that hold part of a sung word (the truth of per-second activity). */
function trueActivity(song: Song): boolean[] {
  const seconds = Math.floor(song.mix.length / song.sampleRate);
  const active = new Array<boolean>(seconds).fill(false);
  for (const word of song.words) for (let s = Math.floor(word.start); s < Math.min(seconds, Math.ceil(word.end)); s++) active[s] = true;
  return active;
}

/** Counts for F1 of predicted against true per-second activity (the shorter length). */
function confusion(predicted: readonly boolean[], truth: readonly boolean[]): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let s = 0; s < Math.min(predicted.length, truth.length); s++) {
    if (predicted[s] === true && truth[s] === true) tp++;
    else if (predicted[s] === true) fp++;
    else if (truth[s] === true) fn++;
  }
  return { tp, fp, fn };
}

/** Signal-to-distortion ratio of an estimate of `reference`, dB (BSS-eval's plain SDR, no projection). */
function sdr(reference: Float32Array, estimate: Float32Array): number {
  let signal = 0;
  let error = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] ?? 0;
    signal += r * r;
    error += (r - (estimate[i] ?? 0)) ** 2;
  }
  return 10 * Math.log10(signal / error);
}

async function openModels(): Promise<{ classifier?: OnnxFrameClassifier; separator?: SourceSeparator }> {
  if (modelsDir === undefined) return {};
  const manifest = JSON.parse(await readFile(join(modelsDir, "models.json"), "utf8")) as { models: Record<string, { kind: string; files: Record<string, string> }> };
  const entries = Object.entries(manifest.models);
  const classifierEntry = entries.find(([, m]) => m.kind === "frame-classifier");
  const separatorEntry = entries.find(([, m]) => m.kind === "separator");
  const out: { classifier?: OnnxFrameClassifier; separator?: SourceSeparator } = {};
  if (classifierEntry !== undefined) out.classifier = await OnnxFrameClassifier.open(join(modelsDir, classifierEntry[0], classifierEntry[1].files.model ?? "model.onnx"));
  if (separatorEntry !== undefined) {
    const dir = join(modelsDir, separatorEntry[0]);
    const facts = JSON.parse(await readFile(join(dir, ROFORMER_MODEL_FILE), "utf8")) as RoformerModelFile;
    // Chunks overlap by half, whatever the model's chunk length (the fork's 8 s step assumes 8 s chunks).
    const chunk = facts.hopLength * (facts.dimT - 1);
    out.separator = await loadRoformerSeparator(dir, { overlapSeconds: chunk / 2 / facts.sampleRate });
  }
  return out;
}

const { classifier, separator } = await openModels();
if (modelsDir === undefined) console.log("FRONT_END_MODELS is not set: only the no-model defaults are measured (see the header for the imports).");
const activity = { energy: { tp: 0, fp: 0, fn: 0 }, energyVocals: { tp: 0, fp: 0, fn: 0 }, classifier: { tp: 0, fp: 0, fn: 0 }, always: { tp: 0, fp: 0, fn: 0 } };
const onsets: { dtw: number[]; ctc: number[] } = { dtw: [], ctc: [] };
const separation: { none: number[]; roformer: number[] } = { none: [], roformer: [] };
const add = (into: { tp: number; fp: number; fn: number }, c: { tp: number; fp: number; fn: number }) => {
  into.tp += c.tp;
  into.fp += c.fp;
  into.fn += c.fn;
};

for (const [seed, index] of SONGS) {
  const song = await renderSong({ seed, index, seconds: SECONDS });
  const truth = trueActivity(song);
  add(activity.energy, confusion(await computeActivity(mono(song, song.mix)), truth));
  add(activity.energyVocals, confusion(await computeActivity(mono(song, song.vocals)), truth));
  add(activity.always, confusion(truth.map(() => true), truth));
  if (classifier !== undefined) add(activity.classifier, confusion(await computeActivity(mono(song, song.mix), { classifier }), truth));

  const onsetErrors = async (options: { classifier?: OnnxFrameClassifier }) => {
    const { alignment } = await computeAlignment(mono(song, song.mix), { raw: song.rawLyrics }, options);
    const starts = alignment.wordSpans.starts;
    return song.words.map((w, i) => Math.abs((starts[i] ?? Number.NaN) - w.start));
  };
  onsets.dtw.push(...(await onsetErrors({})));
  if (classifier !== undefined) onsets.ctc.push(...(await onsetErrors({ classifier })));

  separation.none.push(sdr(song.vocals, song.mix));
  if (separator !== undefined) {
    const { vocals } = await separator.separate({ id: `${song.id}_at_0`, audio: mono(song, song.mix) });
    separation.roformer.push(sdr(song.vocals, vocals.channels[0] ?? new Float32Array(0)));
  }
  console.log(`${song.id} (${song.artist}, ${SECONDS} s) measured`);
}

const f1 = ({ tp, fp, fn }: { tp: number; fp: number; fn: number }) => (2 * tp) / Math.max(1, 2 * tp + fp + fn);
const summary = (errors: number[]) => {
  const sorted = [...errors].sort((a, b) => a - b);
  return `mean ${fmt(errors.reduce((a, b) => a + b, 0) / errors.length)} s, median ${fmt(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN)} s (${errors.length} words)`;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const shape = "shape check only: random weights";
console.log(`\nfront end vs the corpus truth, ${SONGS.length} songs × ${SECONDS} s, full mixes`);
console.log(
  `activity F1   energy gate on the mix (default) ${fmt(f1(activity.energy))}   [same gate on the true vocals: ${fmt(f1(activity.energyVocals))}; every second marked active: ${fmt(f1(activity.always))}]`,
);
console.log(`              imported frame classifier       ${classifier === undefined ? "not imported" : `${fmt(f1(activity.classifier))}   (${shape})`}`);
console.log(`word onsets   eSpeak-DTW aligner (default)    ${summary(onsets.dtw)}`);
console.log(`              imported classifier, CTC        ${classifier === undefined ? "not imported" : `${summary(onsets.ctc)}   (${shape})`}`);
console.log(`vocals SDR    no separator (the mix)          ${fmt(mean(separation.none), 1)} dB   [truth oracle: +∞ dB, it cuts out the true stem]`);
console.log(`              imported Mel-Band RoFormer      ${separator === undefined ? "not imported" : `${fmt(mean(separation.roformer), 1)} dB   (${shape})`}`);
await classifier?.release();
await separator?.dispose();
