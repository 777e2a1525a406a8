import { useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { parity, tinyConfig } from "./helpers.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

describe("t2s: tfjs forward and ONNX graphs agree", () => {
  it("tiny config (projected semantic embeddings), batch 2", async () => {
    expect(await parity(tinyConfig(), 2, 1)).toBeLessThan(1e-4);
  });

  it("a wider, deeper config (no projector, 3 heads), batch 1", async () => {
    expect(await parity(tinyConfig({ depth: 4, n_head: 3, head_width: 16, stoks_width: null, ffn_mult: 4 }), 1, 2)).toBeLessThan(1e-4);
  });
});
