/**
 * Hostile-input cases about flags and paths: negative, NaN, huge and wrongly typed values,
 * unknown steps and choices, missing arguments, a file where a folder belongs, missing inputs
 * and models that are not models. Each flag case names the flag; each path case names the path.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { ExitCode } from "../../src/index.js";
import type { CaseContext, HostileCase } from "./harness.js";
import { randomBytes } from "./hostile-files.js";

const { usage, fileSystem, modelProblem } = ExitCode;

/** A usage error for `flag value` appended to `base`. */
function badFlag(command: string, base: (c: CaseContext) => string[], flag: string, values: readonly string[], culprit = new RegExp(flag)): HostileCase[] {
  return values.map((value) => ({ name: `${command}: ${flag} ${value}`, code: usage, culprit, args: (c: CaseContext) => [...base(c), flag, value] }));
}

const aFile = ({ scratch }: CaseContext) => {
  writeFileSync(join(scratch, "a-file"), "not a folder");
};
const junk = (name: string, bytes = 600) => ({ scratch }: CaseContext) => {
  writeFileSync(join(scratch, name), randomBytes(bytes, 9));
};
const junkModelDir = ({ scratch }: CaseContext) => {
  mkdirSync(join(scratch, "model"));
  for (const name of ["model.onnx", "decoder.onnx", "encoder.onnx", "config.json"]) writeFileSync(join(scratch, "model", name), randomBytes(600, 5));
};

const processAlign = (c: CaseContext) => ["process", "align", c.fx.corpus, "0", "--num", "1"];
const vad = (c: CaseContext) => ["process", "vad_extract", c.fx.corpus, "0"];
const construct = (c: CaseContext) => ["construct-dataset", c.fx.corpus, "1", join(c.scratch, "out")];
const train = (c: CaseContext) => ["train", "--task_name", "t2s", "--task_args", '{"size": "micro"}', "--dataset-config", JSON.stringify({ path: c.fx.corpus })];
const sing = (c: CaseContext) => ["sing", c.fx.wav, ...c.fx.singModels, "--vocals", c.fx.wav, "--instrumental", c.fx.wav, "--lyrics", "la\\nla", "--length", "1.6", "--output-dir", join(c.scratch, "out")];
const fit = (c: CaseContext) => ["codec", "fit", c.fx.wav, "--out", join(c.scratch, "codec.json")];
const corpus = (c: CaseContext) => ["corpus", "make", join(c.scratch, "corpus"), "--no-progress"];
const demo = (c: CaseContext) => ["demo", "--out", join(c.scratch, "demo")];

export const FLAG_CASES: readonly HostileCase[] = [
  // process
  { name: "process: an unknown step", code: usage, culprit: /alignn/, args: (c) => ["process", "alignn", c.fx.corpus, "0"] },
  { name: "process missing: an unknown step to check", code: usage, culprit: /vad_extrct/, args: (c) => ["process", "missing", c.fx.corpus, "vad_extrct"] },
  { name: "process: partition -1", code: usage, culprit: /-1|partition/, args: (c) => ["process", "align", c.fx.corpus, "-1"] },
  { name: "process: partition abc", code: usage, culprit: /abc|partition/, args: (c) => ["process", "align", c.fx.corpus, "abc"] },
  ...badFlag("process align", processAlign, "--num", ["-5", "NaN", "1.5"]),
  ...badFlag("process align", processAlign, "--num-partitions", ["0", "-2", "x"]),
  ...badFlag("process align", processAlign, "--rate", ["fast", "-100"]),
  ...badFlag("process vad_extract", vad, "--chunk-length", ["-4", "NaN", "1e12"]),
  ...badFlag("process vad_extract", vad, "--min-occupancy", ["2", "-0.5", "NaN"]),
  ...badFlag("process vad_extract", vad, "--audio-format", ["mp4"]),
  ...badFlag("process atoks", (c) => ["process", "atoks", c.fx.corpus, "0"], "--codec", ["nope:x"]),
  { name: "process: a dataset folder that does not exist", code: fileSystem, culprit: /no-such-dataset/, args: (c) => ["process", "align", join(c.scratch, "no-such-dataset"), "0"] },
  { name: "process: a file instead of the dataset folder", setup: aFile, code: fileSystem, culprit: /a-file/, args: (c) => ["process", "align", join(c.scratch, "a-file"), "0"] },
  { name: "process align: --fc-model of random bytes", setup: junk("fc.onnx"), code: modelProblem, culprit: /fc\.onnx/, args: (c) => [...processAlign(c).slice(0, 4), "--fc-model", join(c.scratch, "fc.onnx")] },
  { name: "process src_sep: --separator mdx: of a missing file", code: fileSystem, culprit: /missing\.onnx/, args: (c) => ["process", "src_sep", c.fx.corpus, "0", "--separator", `mdx:${join(c.scratch, "missing.onnx")}`] },
  // construct-dataset
  { name: "construct-dataset: num_in_partitions 0", code: usage, culprit: /num_in_partitions/, args: (c) => ["construct-dataset", c.fx.corpus, "0", join(c.scratch, "out")] },
  { name: "construct-dataset: num_in_partitions -1", code: usage, culprit: /num_in_partitions|-1/, args: (c) => ["construct-dataset", c.fx.corpus, "-1", join(c.scratch, "out")] },
  { name: "construct-dataset: num_in_partitions x", code: usage, culprit: /num_in_partitions|"x"/, args: (c) => ["construct-dataset", c.fx.corpus, "x", join(c.scratch, "out")] },
  ...badFlag("construct-dataset", construct, "--num-out-partitions", ["0", "NaN", "-3"]),
  ...badFlag("construct-dataset", construct, "--seed", ["1.5", "seed"]),
  ...badFlag("construct-dataset", construct, "--name", ["../../escape", "a/b"]),
  { name: "construct-dataset: a file as output_dir", setup: aFile, code: fileSystem, culprit: /a-file/, args: (c) => ["construct-dataset", c.fx.corpus, "1", join(c.scratch, "a-file")] },
  { name: "construct-dataset: a data_dir that does not exist", code: fileSystem, culprit: /nowhere/, args: (c) => ["construct-dataset", join(c.scratch, "nowhere"), "1", join(c.scratch, "out")] },
  // train
  ...badFlag("train", train, "--batch-size", ["-1", "0", "NaN", "big"]),
  ...badFlag("train", train, "--epochs", ["-1", "NaN"]),
  ...badFlag("train", train, "--accumulate-grad-batches", ["0"]),
  ...badFlag("train", train, "--validate-every-n-steps", ["-1"]),
  ...badFlag("train", train, "--clip-gradient-norm", ["-1", "NaN"]),
  ...badFlag("train", train, "--lr-schedule", ["step"], /step|--lr-schedule|choices/),
  ...badFlag("train", train, "--backend", ["gpu9"], /gpu9|--backend|choices/),
  ...badFlag("train", train, "--tunables", ["{lr0: 1}", "[1]"]),
  { name: "train: --task_args that is not JSON", code: usage, culprit: /--task_args/, args: () => ["train", "--task_name", "t2s", "--task_args", "{size: micro}"] },
  { name: "train: an unknown --task_name", code: usage, culprit: /s2t/, args: () => ["train", "--task_name", "s2t"] },
  { name: "train: --resume-from a folder that does not exist", code: fileSystem, culprit: /no-checkpoint/, args: (c) => [...train(c), "--resume-from", join(c.scratch, "no-checkpoint")] },
  // export
  { name: "export: a checkpoint that does not exist", code: fileSystem, culprit: /nope\.safetensors/, args: (c) => ["export", join(c.scratch, "nope.safetensors"), join(c.scratch, "out")] },
  { name: "export: a checkpoint of random bytes", setup: junk("ck.safetensors"), code: modelProblem, culprit: /ck\.safetensors/, args: (c) => ["export", join(c.scratch, "ck.safetensors"), join(c.scratch, "out")] },
  { name: "export: --decoder-weights int4", setup: junk("ck.safetensors"), code: usage, culprit: /--decoder-weights/, args: (c) => ["export", join(c.scratch, "ck.safetensors"), join(c.scratch, "out"), "--decoder-weights", "int4"] },
  { name: "export: --model bogus", setup: junk("ck.safetensors"), code: usage, culprit: /--model|bogus/, args: (c) => ["export", join(c.scratch, "ck.safetensors"), join(c.scratch, "out"), "--model", "bogus"] },
  { name: "export: a missing out_dir argument", code: usage, culprit: /out_dir|missing/, args: (c) => ["export", join(c.scratch, "x.safetensors")] },
  // sing
  ...badFlag("sing", sing, "--length", ["-1", "NaN", "1e9"]),
  ...badFlag("sing", sing, "--temp", ["NaN", "-1"]),
  ...badFlag("sing", sing, "--batch-size", ["0", "2.5"]),
  ...badFlag("sing", sing, "--music-volume", ["-3", "loud"]),
  ...badFlag("sing", sing, "--start-time", ["-2"]),
  { name: "sing: a reference that does not exist", code: fileSystem, culprit: /nope\.wav/, args: (c) => ["sing", join(c.scratch, "nope.wav"), ...sing(c).slice(2)] },
  { name: "sing: a file as --output-dir", setup: aFile, code: fileSystem, culprit: /a-file/, args: (c) => [...sing(c).slice(0, -2), "--output-dir", join(c.scratch, "a-file")] },
  { name: "sing: --t2s-model folder of random bytes", setup: junkModelDir, code: modelProblem, culprit: /model/, args: (c) => [...sing(c), "--t2s-model", join(c.scratch, "model")] },
  { name: "sing: --t2s-model that does not exist", code: fileSystem, culprit: /no-model/, args: (c) => [...sing(c), "--t2s-model", join(c.scratch, "no-model")] },
  // codec
  { name: "codec encode: a missing <out> argument", code: usage, culprit: /out|missing/, args: (c) => ["codec", "encode", c.fx.wav, "--codec", c.fx.codec] },
  { name: "codec encode: --codec default: of a missing file", code: fileSystem, culprit: /gone\.json/, args: (c) => ["codec", "encode", c.fx.wav, join(c.scratch, "t.json"), "--codec", `default:${join(c.scratch, "gone.json")}`] },
  { name: "codec encode: --codec default: of random bytes", setup: junk("codec.json"), code: modelProblem, culprit: /codec\.json/, args: (c) => ["codec", "encode", c.fx.wav, join(c.scratch, "t.json"), "--codec", `default:${join(c.scratch, "codec.json")}`] },
  { name: "codec decode: negative tokens", setup: ({ scratch }) => writeFileSync(join(scratch, "neg.json"), JSON.stringify({ format: "autosing.tokens", shape: [4, 96], data: new Array(384).fill(-1) })), code: ExitCode.badInput, culprit: /neg\.json/, args: (c) => ["codec", "decode", join(c.scratch, "neg.json"), join(c.scratch, "o.wav"), "--codec", c.fx.codec] },
  ...badFlag("codec fit", fit, "--codebook-size", ["0", "-3", "1e9", "NaN"]),
  ...badFlag("codec fit", fit, "--iterations", ["-1", "x"]),
  ...badFlag("codec fit", fit, "--max-vectors", ["0"]),
  { name: "codec fit: an input that does not exist", code: fileSystem, culprit: /absent\.wav/, args: (c) => ["codec", "fit", join(c.scratch, "absent.wav"), "--out", join(c.scratch, "codec.json")] },
  { name: "codec fit: --out into a file instead of a folder", setup: aFile, code: fileSystem, culprit: /a-file/, args: (c) => ["codec", "fit", c.fx.wav, "--out", join(c.scratch, "a-file", "codec.json"), "--codebook-size", "4", "--iterations", "1"] },
  // align
  { name: "align: --model that does not exist", code: fileSystem, culprit: /absent\.onnx/, args: (c) => ["align", c.fx.wav, "--lyrics", c.fx.lyrics, "--model", join(c.scratch, "absent.onnx")] },
  { name: "align: --model of random bytes", setup: junk("fc.onnx"), code: modelProblem, culprit: /fc\.onnx/, args: (c) => ["align", c.fx.wav, "--lyrics", c.fx.lyrics, "--model", join(c.scratch, "fc.onnx")] },
  { name: "align: a folder as the audio", code: fileSystem, culprit: /case-/, args: (c) => ["align", c.scratch, "--lyrics", c.fx.lyrics] },
  { name: "align: --lrc that does not exist", code: fileSystem, culprit: /gone\.lrc/, args: (c) => ["align", c.fx.wav, "--lrc", join(c.scratch, "gone.lrc")] },
  { name: "align: neither --lrc nor --lyrics", code: usage, culprit: /--lrc|--lyrics/, args: (c) => ["align", c.fx.wav] },
  // corpus make
  ...badFlag("corpus make", corpus, "--seconds", ["4", "NaN", "1e9"]),
  ...badFlag("corpus make", corpus, "--songs", ["-1", "0", "two"]),
  ...badFlag("corpus make", corpus, "--sample-rate", ["22050"]),
  ...badFlag("corpus make", corpus, "--format", ["mp3"]),
  ...badFlag("corpus make", corpus, "--jobs", ["0"]),
  ...badFlag("corpus make", corpus, "--partitions", ["0"]),
  { name: "corpus make: a file as the output folder", setup: aFile, code: fileSystem, culprit: /a-file/, args: (c) => ["corpus", "make", join(c.scratch, "a-file"), "--songs", "1", "--seconds", "9", "--no-progress"] },
  // dataset info
  { name: "dataset info: a folder that does not exist", code: fileSystem, culprit: /nothing-here/, args: (c) => ["dataset", "info", join(c.scratch, "nothing-here")] },
  { name: "dataset info: a file instead of a folder", setup: aFile, code: fileSystem, culprit: /a-file/, args: (c) => ["dataset", "info", join(c.scratch, "a-file")] },
  // demo
  ...badFlag("demo", demo, "--songs", ["1", "-2", "x"]),
  ...badFlag("demo", demo, "--steps", ["-1", "NaN"]),
  ...badFlag("demo", demo, "--seed", ["abc"]),
  { name: "demo: a file as --out", setup: aFile, code: fileSystem, culprit: /a-file/, args: (c) => ["demo", "--out", join(c.scratch, "a-file"), "--songs", "2", "--steps", "1"] },
];
