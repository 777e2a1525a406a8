// Where the separator's time goes: the real Mel-Band RoFormer width (dim 384, 8 heads × 64, STFT
// 2048, 60 bands, the real 801-frame chunk) at a reduced depth (default 1: one time and one band
// transformer; --depth 12 is the full network), seeded random weights held in memory, one chunk
// run through onnxruntime-node with its profiler on, for each graph form of RoformerEmitter
// (contrib: onnxruntime's fused operators, what the importer writes; standard: plain ONNX). Each
// form is warmed up once, then the timed runs alternate between the forms so a shared machine's
// load falls on both alike. Prints each form's best and median run against the FLOPs bound of the
// same network (bench/flops-bound.ts), the kernel time per operator type, the largest nodes with
// their input shapes, and the peak RSS. A depth-1 run takes about a minute on 2 cores.
// Run: node --import tsx bench/separator-profile.ts [--form both|contrib|standard --depth 1 --bands 60 --frames 801 --threads 2 --runs 3]
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Mulberry32 } from "@autosing/base";
import { float32Tensor, openOnnxSession } from "@autosing/onnx";

import { type MelBandRoformerConfig, RoformerEmitter, RoformerWeights, melBandLayout, roformerArchitecture, roformerShapes } from "../src/index.js";
import { benchOption, benchThreads, median } from "./bench-options.js";
import { measureMatmulGflops, melBandRoformerFlops } from "./flops-bound.js";

const depth = Number(benchOption("depth", "1"));
const bands = Number(benchOption("bands", "60"));
const frames = Number(benchOption("frames", "801"));
const runs = Number(benchOption("runs", "3"));
/** "contrib": the graph the importer writes (onnxruntime's fused operators); "standard": standard ONNX only. */
type GraphForm = "contrib" | "standard";
const formOption = benchOption("form", "both");
if (!["both", "contrib", "standard"].includes(formOption)) throw new Error(`--form ${formOption}: expected both, contrib or standard`);
const threads = benchThreads;

const config: MelBandRoformerConfig = {
  dim: 384,
  depth,
  stereo: true,
  num_stems: 1,
  time_transformer_depth: 1,
  freq_transformer_depth: 1,
  dim_head: 64,
  heads: 8,
  stft_n_fft: 2048,
  stft_hop_length: 441,
  stft_win_length: 2048,
  stft_normalized: false,
  num_bands: bands,
  sample_rate: 44_100,
  mask_estimator_depth: 2,
};
const architecture = roformerArchitecture({ kind: "mel-band-roformer", model: config });
const shapes = roformerShapes(architecture);

// Seeded random weights of upstream's shapes: gains near 1, rotary frequencies as rotary-embedding-torch makes them, linears ~ 1/√fan-in.
const random = new Mulberry32(5);
const tensors = new Map(
  [...shapes].map(([key, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = key.endsWith("freqs")
      ? Float32Array.from({ length: size }, (_, i) => 1 / 10_000 ** ((2 * i) / config.dim_head))
      : key.endsWith("gamma")
        ? Float32Array.from({ length: size }, () => 1 + 0.2 * (random.next() - 0.5))
        : Float32Array.from({ length: size }, () => (random.next() * 2 - 1) / Math.sqrt(shape[shape.length - 1] ?? 1));
    return [key, { shape, dtype: "float32", read: () => values }] as const;
  }),
);
const weights = new RoformerWeights(tensors, shapes, "random.ckpt", "profile.yaml");
const rows = 2 * (config.stft_n_fft / 2 + 1);
const stft = float32Tensor(Float32Array.from({ length: rows * frames * 2 }, () => random.next() * 2 - 1), [1, rows, frames, 2]);
const gflop = melBandRoformerFlops(config, melBandLayout(config), frames) / 1e9;
console.log(`reduced Mel-Band RoFormer: dim 384, 8×64 heads, depth ${depth}, ${bands} bands, ${frames} frames, ${threads} threads; ${gflop.toFixed(0)} GFLOP`);

interface ProfileEvent {
  readonly cat: string;
  readonly name: string;
  readonly dur: number;
  readonly args?: { readonly op_name?: string; readonly input_type_shape?: Record<string, number[]>[] };
}

/** Where one form's kernel time went over its profiled runs after the warm-up: per operator type and the largest nodes. */
async function printProfile(form: GraphForm, dir: string, timedRuns: number): Promise<void> {
  const file = join(dir, (await readdir(dir))[0] ?? "");
  const events = (JSON.parse(await readFile(file, "utf8")) as ProfileEvent[]).filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time"));
  await rm(dir, { recursive: true, force: true });
  const kept = events.slice(Math.floor(events.length / (timedRuns + 1)));
  const perRun = (microseconds: number): number => microseconds / 1e6 / timedRuns;
  const byOp = new Map<string, number>();
  const byNode = new Map<string, { op: string; shapes: string; dur: number }>();
  for (const e of kept) {
    const op = e.args?.op_name ?? "?";
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
    const node = e.name.replace(/_kernel_time$/u, "");
    const shapesText = (e.args?.input_type_shape ?? []).map((shape) => `[${Object.values(shape)[0]?.join(",") ?? ""}]`).join(" ");
    const entry = byNode.get(node) ?? { op, shapes: shapesText, dur: 0 };
    entry.dur += e.dur;
    byNode.set(node, entry);
  }
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${form} graph: kernels ${perRun(total).toFixed(2)} s per run; per operator type (s per run, share):`);
  for (const [op, dur] of [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${op.padEnd(34)} ${perRun(dur).toFixed(3).padStart(7)}  ${((100 * dur) / total).toFixed(1).padStart(5)}%`);
  console.log("  largest nodes:");
  for (const [node, { op, shapes, dur }] of [...byNode].sort((a, b) => b[1].dur - a[1].dur).slice(0, 8)) console.log(`    ${node.padEnd(24)} ${op.padEnd(20)} ${perRun(dur).toFixed(3).padStart(7)} s  ${shapes}`);
}

// Each form gets a session and a warm-up run; then the timed runs alternate between the forms
// (and the MatMul rate is measured before and after), so a shared machine's load falls on all alike.
const forms: GraphForm[] = formOption === "both" ? ["standard", "contrib"] : [formOption as GraphForm];
const sessions = new Map<GraphForm, { session: Awaited<ReturnType<typeof openOnnxSession>>; dir: string; times: number[] }>();
for (const form of forms) {
  const model = new RoformerEmitter(architecture, weights, { contribOps: form === "contrib" }).emit().graph.toBytes();
  const dir = await mkdtemp(join(tmpdir(), "separator-profile-"));
  const session = await openOnnxSession(model, { threads, profileFilePrefix: join(dir, form) });
  const started = performance.now();
  await session.run({ stft });
  console.log(`${form} graph: first run of the session ${((performance.now() - started) / 1000).toFixed(2)} s (untimed warm-up)`);
  sessions.set(form, { session, dir, times: [] });
}
const rates = [await measureMatmulGflops(threads)];
for (let r = 0; r < runs; r++) {
  for (const { session, times } of sessions.values()) {
    const started = performance.now();
    await session.run({ stft });
    times.push((performance.now() - started) / 1000);
  }
}
rates.push(await measureMatmulGflops(threads));
// The faster of the two rate measurements: the one that the load disturbed less.
const rate = Math.max(...rates);
const bound = gflop / rate;
console.log(`FLOPs bound: ${gflop.toFixed(0)} GFLOP at the measured ${rate.toFixed(0)} GFLOP/s (before/after: ${rates.map((v) => v.toFixed(0)).join("/")}) = ${bound.toFixed(2)} s`);
const best = new Map<GraphForm, number>();
for (const [form, { session, dir, times }] of sessions) {
  session.endProfiling();
  await session.release();
  best.set(form, Math.min(...times));
  console.log(`${form} graph: best ${Math.min(...times).toFixed(2)} s, median ${median(times).toFixed(2)} s (runs: ${times.map((t) => t.toFixed(2)).join(", ")}) = ${(Math.min(...times) / bound).toFixed(2)}× the bound (best run)`);
  await printProfile(form, dir, runs);
}
if (forms.length === 2) console.log(`\ncontrib / standard (best runs): ${((best.get("contrib") ?? NaN) / (best.get("standard") ?? NaN)).toFixed(2)}`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (all forms in one process)`);
