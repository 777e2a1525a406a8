import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { mulberry32 } from "@autosing/base";
import { afterAll, describe, expect, it } from "vitest";

import { OnnxGraphBuilder } from "./graph-builder.js";
import { float32Tensor, openOnnxSession } from "./session.js";

const folder = mkdtempSync(join(tmpdir(), "onnx-external-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function seededFloats(seed: number, count: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: count }, () => random() - 0.5);
}

/** x [B, 64] · W1 [64, 40] + b → · W2 [40, 3]: two weights above the threshold, one bias below. */
function twoLayerGraph(): OnnxGraphBuilder {
  const graph = new OnnxGraphBuilder("two_layers");
  graph.addInput("x", "float32", ["batch", 64]);
  graph.addInitializer("w1", seededFloats(1, 64 * 40), [64, 40]);
  graph.addInitializer("b1", seededFloats(2, 40), [40]);
  graph.addInitializer("w2", seededFloats(3, 40 * 3), [40, 3]);
  graph.addNode("MatMul", ["x", "w1"], ["h"]);
  graph.addNode("Add", ["h", "b1"], ["hb"]);
  graph.addNode("MatMul", ["hb", "w2"], ["y"]);
  graph.addOutput("y", "float32", ["batch", 3]);
  return graph;
}

describe("OnnxGraphBuilder.writeModel with external data", () => {
  it("moves initializers past the threshold to an aligned side file that onnxruntime reads from the model's path", async () => {
    const graph = twoLayerGraph();
    const path = join(folder, "model.onnx");
    const written = await graph.writeModel(path, { externalData: { thresholdBytes: 400 } });
    expect(written.dataPath).toBe(join(folder, "model.onnx.data"));
    // w1 (10240 bytes) at 0, w2 (480 bytes) at the next multiple of 4096; b1 (160 bytes) stays inline.
    expect(written.dataBytes).toBe(12288 + 480);
    expect(statSync(written.dataPath ?? "").size).toBe(12288 + 480);
    const inline = graph.toBytes().length;
    expect(written.modelBytes).toBeLessThan(inline - 10240 - 480 + 200);
    const data = new Float32Array(readFileSync(written.dataPath ?? "").buffer.slice(12288, 12288 + 480));
    expect(Array.from(data)).toEqual(Array.from(seededFloats(3, 120)));
    expect(readdirSync(folder).sort()).toEqual(["model.onnx", "model.onnx.data"]);

    const x = float32Tensor(seededFloats(9, 2 * 64), [2, 64]);
    const fromFile = await openOnnxSession(path, { threads: 1 });
    const fromBytes = await openOnnxSession(graph.toBytes(), { threads: 1 });
    try {
      const a = (await fromFile.run({ x })).y?.data as Float32Array;
      const b = (await fromBytes.run({ x })).y?.data as Float32Array;
      expect(a.length).toBe(6);
      expect(Array.from(a)).toEqual(Array.from(b));
    } finally {
      await fromFile.release();
      await fromBytes.release();
    }
  });

  it("writes one self-contained file without externalData, and no side file when nothing reaches the threshold", async () => {
    const graph = twoLayerGraph();
    const inline = await graph.writeModel(join(folder, "inline.onnx"));
    expect(inline.dataPath).toBeUndefined();
    expect(readFileSync(inline.path)).toEqual(Buffer.from(graph.toBytes()));
    const small = await graph.writeModel(join(folder, "small.onnx"), { externalData: { thresholdBytes: 1 << 20, location: "small.bin" } });
    expect(small.dataBytes).toBe(0);
    expect(small.dataPath).toBeUndefined();
    expect(readdirSync(folder)).not.toContain("small.bin");
  });
});

describe("OnnxGraphBuilder.addInitializer", () => {
  it("copies the values unless asked to share them", () => {
    const build = (share: boolean, values: Float32Array): OnnxGraphBuilder => {
      const graph = new OnnxGraphBuilder("one_weight");
      graph.addInput("x", "float32", [2]);
      graph.addInitializer("w", values, [2], { share });
      graph.addNode("Add", ["x", "w"], ["y"]);
      graph.addOutput("y", "float32", [2]);
      return graph;
    };
    const copied = new Float32Array([1, 2]);
    const shared = new Float32Array([1, 2]);
    const a = build(false, copied);
    const b = build(true, shared);
    const before = Buffer.from(a.toBytes());
    copied[0] = 5;
    shared[0] = 5;
    expect(Buffer.from(a.toBytes()).equals(before)).toBe(true);
    expect(Buffer.from(b.toBytes()).equals(before)).toBe(false);
  });
});
