import { mulberry32 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { OnnxGraphBuilder } from "./graph-builder.js";
import { float32Tensor, openOnnxSession } from "./session.js";

/** Deterministic pseudo-random floats in [-0.5, 0.5) so the test needs no global RNG. */
function seededFloats(seed: number, count: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: count }, () => random() - 0.5);
}

describe("onnxruntime-node with the bundled CPU binary", () => {
  it("runs a graph built here (MatMul + Add + Relu, dynamic batch) and matches a plain JS forward", async () => {
    const inFeatures = 5;
    const outFeatures = 3;
    const weight = seededFloats(1, inFeatures * outFeatures);
    const bias = seededFloats(2, outFeatures);

    const graph = new OnnxGraphBuilder("linear_relu");
    graph.addInput("x", "float32", ["batch", inFeatures]);
    graph.addInitializer("weight", weight, [inFeatures, outFeatures]);
    graph.addInitializer("bias", bias, [outFeatures]);
    graph.addNode("MatMul", ["x", "weight"], ["xw"]);
    graph.addNode("Add", ["xw", "bias"], ["pre"]);
    graph.addNode("Relu", ["pre"], ["y"]);
    graph.addOutput("y", "float32", ["batch", outFeatures]);

    const session = await openOnnxSession(graph.toBytes(), { threads: 1 });
    try {
      expect(session.inputNames).toEqual(["x"]);
      expect(session.outputNames).toEqual(["y"]);
      for (const batch of [1, 4]) {
        const x = seededFloats(3 + batch, batch * inFeatures);
        const { y } = await session.run({ x: float32Tensor(x, [batch, inFeatures]) });
        expect(y?.type).toBe("float32");
        expect(y?.dims).toEqual([batch, outFeatures]);
        const got = y?.data as Float32Array;
        for (let b = 0; b < batch; b++) {
          for (let o = 0; o < outFeatures; o++) {
            let sum = bias[o] ?? 0;
            for (let i = 0; i < inFeatures; i++) sum += (x[b * inFeatures + i] ?? 0) * (weight[i * outFeatures + o] ?? 0);
            expect(got[b * outFeatures + o]).toBeCloseTo(Math.max(0, sum), 5);
          }
        }
      }
    } finally {
      await session.release();
    }
  });
});
