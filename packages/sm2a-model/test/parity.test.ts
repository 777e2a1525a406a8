import { useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { parity, tinyConfig } from "./helpers.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

describe("sm2a: tfjs forward and ONNX graphs agree", () => {
  it("tiny config (projected semantic and artist inputs), batch 2", async () => {
    expect(await parity(tinyConfig(), 2, 1)).toBeLessThan(1e-4);
  });

  it("deeper, 3 heads, projected acoustic embeddings, key subsampling 2, batch 1", async () => {
    expect(await parity(tinyConfig({ depth: 4, n_head: 3, head_width: 16, atoks_width: 8, enc_subsample: 2, quantizers: 2 }), 1, 2)).toBeLessThan(1e-4);
  });
});
