import * as tf from "@tensorflow/tfjs-core";
const nn = await import("@autosing/nn");
await nn.useTfBackend("wasm");
for (const [m, k, n] of [[8, 8, 8], [375, 384, 384], [375, 384, 1536]]) {
  const a = tf.randomUniform([m, k]), b = tf.randomUniform([k, n]);
  for (let i = 0; i < 20; i++) tf.matMul(a, b).dispose();
  let t0 = performance.now(); for (let i = 0; i < 200; i++) tf.matMul(a, b).dispose(); const t = (performance.now() - t0) / 200;
  console.log(`${m}x${k}x${n}: ${(t * 1000).toFixed(0)} µs per product (${(2 * m * k * n / t / 1e6).toFixed(0)} GFLOP/s)`);
}
