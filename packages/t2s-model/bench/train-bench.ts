// tfjs training speed of t2s per available backend (samples/s of forward + backward + Adam), on
// the micro size with short sequences so it finishes in seconds. Native `tensorflow` is tried
// only when @tensorflow/tfjs-node is installed and its binary loads.
import { tf, useTfBackend } from "@autosing/nn";
import type { TfBackendName } from "@autosing/nn";

import { DEFAULT_T2S_TUNABLES, t2sConfigForSize, T2STfModel } from "../src/index.js";

const tunables = { ...DEFAULT_T2S_TUNABLES };
const config = t2sConfigForSize("micro", { ttoks_len: 64, stoks_len: 64, mtoks_len: 32, codes: 1024 });
const batch = 2;
const steps = 5;

async function tryBackend(name: TfBackendName): Promise<boolean> {
  try {
    if (name === "tensorflow") await import(["@tensorflow", "tfjs-node"].join("/"));
    await useTfBackend(name);
    return true;
  } catch {
    return false;
  }
}

console.log(`t2s micro (width ${config.n_head * config.head_width}, depth ${config.depth}), text ${config.ttoks_len}, semantic ${config.stoks_len}, music ${config.mtoks_len}, batch ${batch}`);
console.log("backend     samples/s  ms/step");
for (const backend of ["tensorflow", "wasm", "cpu"] as const) {
  if (!(await tryBackend(backend))) {
    console.log(`${backend.padEnd(10)}  not available`);
    continue;
  }
  const model = new T2STfModel(config, tunables, { seed: 1 });
  const ints = (shape: number[], max: number): tf.Tensor => tf.tensor(Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i * 7919) % max), shape, "int32");
  const data = {
    inTtoks: ints([batch, config.ttoks_len], 256) as tf.Tensor2D,
    outTtoks: ints([batch, config.ttoks_len], 256) as tf.Tensor2D,
    languages: tf.tensor1d([0, 1], "int32"),
    cps: tf.tensor1d([10, 12]),
    inStoks: ints([batch, config.stoks_len], config.stoks_codes) as tf.Tensor2D,
    outStoks: ints([batch, config.stoks_len], config.stoks_codes) as tf.Tensor2D,
    mtoks: ints([batch, config.quantizers, config.mtoks_len], config.codes) as tf.Tensor3D,
  };
  const optimizer = tf.train.adam(1e-3);
  const variables = model.variables.map((v) => v.variable);
  const step = (): void => {
    optimizer.minimize(() => model.loss(data), false, variables);
  };
  step();
  const started = performance.now();
  for (let s = 0; s < steps; s++) step();
  const ms = (performance.now() - started) / steps;
  console.log(`${backend.padEnd(10)}  ${((batch * 1000) / ms).toFixed(2).padStart(9)}  ${ms.toFixed(0).padStart(7)}`);
  optimizer.dispose();
  model.dispose();
  Object.values(data).forEach((t) => t.dispose());
}
