import { loadavg } from "node:os";

import { type InferenceSession, type SessionOptions, type Tensor, float32Tensor, openOnnxSession } from "@autosing/onnx";

import { NnError } from "../errors.js";
import { measureCopyBandwidth, timeInterleaved } from "./decode-timing.js";
import type { StepTiming } from "./decode-timing.js";

/**
 * The variant loop shared by the t2s and sm2a decoding benchmarks: their command-line flags,
 * one decoder per weights × attention form (timed in turns, see timeInterleaved), the KV-cache
 * feeds of one step, and the table rows. The model-specific parts (export, encoder inputs,
 * extra columns) stay in each bench script.
 */

export type DecoderWeightType = "float32" | "int8";

/** The flags both decode benches take (`--sizes --steps --threads --weights --attention --batches`). */
export interface DecodeBenchFlags {
  sizes: string[];
  steps: number;
  /** onnxruntime intra-op threads; undefined: its default. */
  threads: number | undefined;
  weightTypes: DecoderWeightType[];
  /** true: fused attention (contrib operators), false: decomposed. */
  attentionForms: boolean[];
  batches: number[];
  /** The value of another `--name value` flag, or `fallback`. */
  option: (name: string, fallback: string) => string;
}

export function parseDecodeBenchFlags(args: readonly string[]): DecodeBenchFlags {
  const option = (name: string, fallback: string): string => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
  };
  return {
    sizes: option("sizes", "tiny,small").split(","),
    steps: Number(option("steps", "8")),
    threads: Number(option("threads", "0")) || undefined,
    weightTypes: option("weights", "float32")
      .split(",")
      .map((w) => (w === "int8" ? "int8" : "float32")),
    attentionForms: option("attention", "fused")
      .split(",")
      .map((a) => a !== "decomposed"),
    batches: option("batches", "1,8").split(",").map(Number),
    option,
  };
}

/** The 1, 5 and 15 minute load averages, as the bench lines print them. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

/** Measures the copy rate (the floor's anchor) and prints the bench's first line and the table header; returns the rate in bytes/s. */
export function startDecodeBench(flags: DecodeBenchFlags, header: string): number {
  const bandwidth = measureCopyBandwidth();
  console.log(`copy bandwidth: ${(bandwidth / 1e9).toFixed(1)} GB/s (read + write); threads: ${flags.threads ?? "onnxruntime default"}; load average ${loadAverage()}`);
  console.log(header);
  return bandwidth;
}

export interface DecodeVariant {
  label: string;
  decoder: InferenceSession;
  /** Size of the decoder graph: its weights, read once per step. */
  bytes: number;
}

export interface DecodeVariants {
  /** The encoder of the first variant (it does not depend on decoder weights or attention form). */
  encoder: InferenceSession;
  variants: DecodeVariant[];
  release: () => Promise<void>;
}

/**
 * Exports and opens one decoder per weights × attention form of `flags`, printing a `# size
 * label` line for each (width, depth, export time, graph size).
 */
export async function openDecodeVariants(
  flags: DecodeBenchFlags,
  size: string,
  dims: { width: number; decoderDepth: number },
  exportModels: (variant: { decoderWeights: DecoderWeightType; fusedAttention: boolean }) => { encoder: Uint8Array; decoder: Uint8Array },
): Promise<DecodeVariants> {
  const options: SessionOptions = flags.threads ? { threads: flags.threads } : {};
  let encoder: InferenceSession | undefined;
  const variants: DecodeVariant[] = [];
  for (const decoderWeights of flags.weightTypes) {
    for (const fusedAttention of flags.attentionForms) {
      const started = performance.now();
      const models = exportModels({ decoderWeights, fusedAttention });
      const label = `${decoderWeights} ${fusedAttention ? "fused" : "decomposed"}`;
      console.log(`# ${size} ${label}: width ${dims.width}, decoder depth ${dims.decoderDepth}, export ${((performance.now() - started) / 1000).toFixed(1)} s, decoder graph ${(models.decoder.byteLength / 1e6).toFixed(0)} MB`);
      encoder ??= await openOnnxSession(models.encoder, options);
      variants.push({ label, decoder: await openOnnxSession(models.decoder, options), bytes: models.decoder.byteLength });
    }
  }
  if (!encoder) throw new NnError(`no decoder variants to bench: --weights ${flags.weightTypes.join(",")} --attention gave none`);
  const opened = encoder;
  return {
    encoder: opened,
    variants,
    release: async () => {
      await opened.release();
      for (const v of variants) await v.decoder.release();
    },
  };
}

/**
 * Adds one decoding step's cache inputs to `feeds`: each layer's cross keys/values (`crossNames`,
 * taken from the encoder's outputs) and a `past`-long self-attention cache of constant values.
 */
export function addDecodeCacheFeeds(
  feeds: Record<string, Tensor>,
  encoded: Readonly<Record<string, Tensor>>,
  layout: { decoderDepth: number; batch: number; nHead: number; headWidth: number; past: number; crossNames: (layer: number) => string[]; pastKey: (layer: number) => string; pastValue: (layer: number) => string },
): void {
  const { batch, nHead, past, headWidth } = layout;
  const cache = new Float32Array(batch * nHead * past * headWidth).fill(0.01);
  for (let i = 0; i < layout.decoderDepth; i++) {
    for (const name of layout.crossNames(i)) {
      const tensor = encoded[name];
      if (tensor) feeds[name] = tensor;
    }
    feeds[layout.pastKey(i)] = float32Tensor(cache, [batch, nHead, past, headWidth]);
    feeds[layout.pastValue(i)] = float32Tensor(cache, [batch, nHead, past, headWidth]);
  }
}

export interface DecodeStepTiming extends StepTiming {
  /** ms per step if the step only read its bytes once at the measured copy rate. */
  floor: number;
}

/**
 * Times one decoding step of every variant in turns, with each one's floor: its decoder graph,
 * the self-attention cache of `past` and the cross keys/values of `crossLength` positions
 * (float32, all layers) read once ÷ `bandwidth`.
 */
export async function timeDecodeStep(
  variants: readonly DecodeVariant[],
  feeds: Record<string, Tensor>,
  steps: number,
  floor: { bandwidth: number; decoderDepth: number; width: number; batch: number; past: number; crossLength: number },
): Promise<DecodeStepTiming[]> {
  const timings = await timeInterleaved(
    variants.map((v) => ({ label: v.label, run: () => v.decoder.run(feeds) })),
    steps,
  );
  const kvBytes = 2 * floor.decoderDepth * floor.batch * floor.width * floor.past * 4;
  const crossBytes = 2 * floor.decoderDepth * floor.batch * floor.width * floor.crossLength * 4;
  return timings.map((t, k) => ({ ...t, floor: (((variants[k]?.bytes ?? 0) + kvBytes + crossBytes) / floor.bandwidth) * 1000 }));
}

/** A table row: size, batch, variant, ms/step (median / min), tokens/s (median, `tokensPerStep` per row of the batch), floor ms/step. */
export function decodeBenchRow(size: string, batch: number, t: DecodeStepTiming, tokensPerStep: number): string {
  return `${size.padEnd(6)} ${String(batch).padStart(5)}  ${t.label.padEnd(20)} ${t.median.toFixed(1).padStart(8)} / ${t.min.toFixed(1).padStart(6)} ${((1000 / t.median) * batch * tokensPerStep).toFixed(1).padStart(12)} ${t.floor.toFixed(1).padStart(14)}`;
}
