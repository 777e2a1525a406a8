// Per-node profile of one sm2a decoding step on onnxruntime-node (CPU): where the time of a
// step goes, summed by operator type and by node. Random weights. Run:
// node --import tsx bench/profile-step.ts [--size small --batch 1 --steps 8 --threads 1 --weights float32 --attention fused|decomposed]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { benchWeights, float32Tensor, openOnnxSession } from "@autosing/nn";
import type { Tensor } from "@autosing/nn";

import { DEFAULT_SM2A_TUNABLES, exportSM2AOnnx, sm2aConfigForSize, sm2aDimensions, SM2A_ONNX_NAMES as N, sm2aParameterSpecs } from "../src/index.js";
import type { SM2ASize } from "../src/index.js";
import { sm2aStepFeeds } from "./step-feeds.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
};
const size = option("size", "small") as SM2ASize;
const batch = Number(option("batch", "1"));
const steps = Number(option("steps", "8"));
const threads = Number(option("threads", "1"));
const decoderWeights = option("weights", "float32") === "int8" ? "int8" : "float32";
const fusedAttention = option("attention", "fused") !== "decomposed";
const past = 640;
const tunables = { ...DEFAULT_SM2A_TUNABLES };
const config = sm2aConfigForSize(size);
const dims = sm2aDimensions(config, tunables);

const weights = benchWeights(sm2aParameterSpecs(config, tunables));
const profileDir = mkdtempSync(join(tmpdir(), "sm2a-profile-"));
const models = exportSM2AOnnx(config, tunables, weights, { decoderWeights, fusedAttention });
const encoder = await openOnnxSession(models.encoder, { threads });
const decoder = await openOnnxSession(models.decoder, { threads, profileFilePrefix: join(profileDir, "sm2a") });
const feeds = await sm2aStepFeeds(encoder, config, dims, batch, past);
// --preallocate: the `present` caches are written into JS-owned buffers (as SM2AGenerator does).
const fetches: Record<string, Tensor> = {};
if (args.includes("--preallocate")) {
  for (let i = 0; i < dims.decoderDepth; i++) {
    for (const name of [N.presentKey(i), N.presentValue(i)]) fetches[name] = float32Tensor(new Float32Array(batch * config.n_head * (past + 1) * config.head_width), [batch, config.n_head, past + 1, config.head_width]);
  }
}
const wall: number[] = [];
for (let s = 0; s < steps + 1; s++) {
  const t = performance.now();
  const out = await (Object.keys(fetches).length > 0 ? decoder.run(feeds, { ...fetches, [N.decoder.logits]: null } as unknown as Record<string, Tensor>) : decoder.run(feeds));
  wall.push(performance.now() - t);
  if (s === 0 && fetches[N.presentKey(0)]) console.log("present written in place:", out[N.presentKey(0)]?.data === fetches[N.presentKey(0)]?.data, (fetches[N.presentKey(0)]?.data as Float32Array)[5]);
}
decoder.endProfiling();
const file = join(profileDir, readdirSync(profileDir)[0] ?? "");
interface ProfileEvent { cat: string; name: string; dur: number; args?: { op_name?: string } }
const events = (JSON.parse(readFileSync(file, "utf8")) as ProfileEvent[]).filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time"));
rmSync(profileDir, { recursive: true });
const byOp = new Map<string, number>();
const counts = new Map<string, number>();
for (const e of events) {
  byOp.set(e.args?.op_name ?? "?", (byOp.get(e.args?.op_name ?? "?") ?? 0) + e.dur);
  counts.set(e.args?.op_name ?? "?", (counts.get(e.args?.op_name ?? "?") ?? 0) + 1);
}
const total = [...byOp.values()].reduce((a, b) => a + b, 0);
const byNode = events.map((e) => e).sort((a, b) => b.dur - a.dur);
console.log("slowest nodes:");
for (const e of byNode.slice(0, Number(option("top", "12")))) console.log(`  ${e.name.padEnd(40)} ${e.args?.op_name ?? "?"} ${(e.dur / 1000).toFixed(2)} ms`);
const wallMs = wall.reduce((a, b) => a + b, 0) / wall.length;
console.log(`${size} batch ${batch} ${decoderWeights}: ${wallMs.toFixed(1)} ms/step wall, ${(total / 1000 / (steps + 1)).toFixed(1)} ms/step of kernel time over ${events.length / (steps + 1)} nodes`);
for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1])) console.log(`  ${op.padEnd(28)} ${(us / 1000 / (steps + 1)).toFixed(2).padStart(8)} ms/step over ${(counts.get(op) ?? 0) / (steps + 1)} nodes`);
await encoder.release();
await decoder.release();
